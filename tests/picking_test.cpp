// First expiry first out (先进先出) and the stock groupings: pure functions, no ledger.
#include <doctest/doctest.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "stockpile/error.hpp"
#include "stockpile/picking.hpp"
#include "stockpile/stock.hpp"

using namespace stockpile;

template <> struct doctest::StringMaker<Quantity> {
  static doctest::String convert(const Quantity& value) { return value.to_string().c_str(); }
};

namespace {

Date day(const char* text) { return Date::parse(text); }
Quantity qty(std::int64_t units) { return Quantity::whole(units); }

LotStock lot(const char* number, std::optional<Date> expiry, std::int64_t on_hand,
             LotStatus status = LotStatus::Available) {
  return LotStock{Lot{.material = MaterialCode("MED"),
                      .number = LotNumber(number),
                      .production = std::nullopt,
                      .expiry = expiry,
                      .status = status},
                  qty(on_hand)};
}

// "L-A:5 L-B:2": the lots picked and how much of each, in picking order.
std::string picked(const PickResult& r) {
  std::string out;
  for (const auto& p : r.picks) {
    if (!out.empty()) out += ' ';
    out += p.lot.number.str() + ":" + p.quantity.to_string();
  }
  return out;
}

} // namespace

TEST_CASE("picking: earliest expiry first, undated last, ties by lot number") {
  // Given in an order that is neither by expiry nor by number.
  std::vector<LotStock> lots{
      lot("UNDATED-A", std::nullopt, 5),    lot("L-10", day("2027-01-31"), 5),
      lot("L-LATE", day("2028-06-30"), 5),  lot("L-09", day("2027-01-31"), 5),
      lot("L-EARLY", day("2026-12-01"), 5), lot("UNDATED-0", std::nullopt, 5),
  };
  const auto r = pick_first_expiry(lots, qty(30), day("2026-11-22"));
  CHECK(picked(r) == "L-EARLY:5 L-09:5 L-10:5 L-LATE:5 UNDATED-0:5 UNDATED-A:5");
  CHECK(r.usable == qty(30));
  CHECK(r.unusable == qty(0));
  CHECK_FALSE(r.short_of(qty(30)));
}

TEST_CASE("picking: takes only what is wanted, splitting across lots") {
  std::vector<LotStock> lots{lot("L-B", day("2027-03-31"), 8), lot("L-A", day("2027-01-31"), 5),
                             lot("L-C", day("2027-06-30"), 10)};
  SUBCASE("less than the earliest lot holds: one pick") {
    const auto r = pick_first_expiry(lots, qty(3), day("2026-11-22"));
    CHECK(picked(r) == "L-A:3");
  }
  SUBCASE("exactly the earliest lot: one pick, the next lot untouched") {
    const auto r = pick_first_expiry(lots, qty(5), day("2026-11-22"));
    CHECK(picked(r) == "L-A:5");
  }
  SUBCASE("more than the earliest lot: split in expiry order") {
    const auto r = pick_first_expiry(lots, qty(16), day("2026-11-22"));
    CHECK(picked(r) == "L-A:5 L-B:8 L-C:3");
    Quantity total;
    for (const auto& p : r.picks)
      total += p.quantity;
    CHECK(total == qty(16));
  }
  SUBCASE("everything") {
    const auto r = pick_first_expiry(lots, qty(23), day("2026-11-22"));
    CHECK(picked(r) == "L-A:5 L-B:8 L-C:10");
  }
  SUBCASE("fractions are exact") {
    std::vector<LotStock> kg{LotStock{lots[1].lot, Quantity::parse("0.125")},
                             LotStock{lots[0].lot, Quantity::parse("2.5")}};
    const auto r = pick_first_expiry(kg, Quantity::parse("0.2"), day("2026-11-22"));
    CHECK(picked(r) == "L-A:0.125 L-B:0.075");
    CHECK(r.usable == Quantity::parse("2.625"));
  }
}

TEST_CASE("picking: a lot is usable through its expiry date and expired from the next day") {
  std::vector<LotStock> lots{lot("L-TODAY", day("2026-11-22"), 4),
                             lot("L-LATER", day("2027-05-01"), 10)};
  SUBCASE("on the expiry date: picked first") {
    const auto r = pick_first_expiry(lots, qty(6), day("2026-11-22"));
    CHECK(picked(r) == "L-TODAY:4 L-LATER:2");
    CHECK(r.usable == qty(14));
    CHECK(r.unusable == qty(0));
  }
  SUBCASE("the day after: skipped and counted as unusable") {
    const auto r = pick_first_expiry(lots, qty(6), day("2026-11-23"));
    CHECK(picked(r) == "L-LATER:6");
    CHECK(r.usable == qty(10));
    CHECK(r.unusable == qty(4));
  }
  SUBCASE("the Lot predicates agree") {
    CHECK(lots[0].lot.usable_on(day("2026-11-22")));
    CHECK_FALSE(lots[0].lot.expired_on(day("2026-11-22")));
    CHECK(lots[0].lot.expired_on(day("2026-11-23")));
    CHECK_FALSE(lots[0].lot.usable_on(day("2026-11-23")));
    CHECK_FALSE(lot("X", std::nullopt, 1).lot.expired_on(Date::max()));
  }
}

TEST_CASE("picking: quarantined, recalled and damaged lots are skipped") {
  std::vector<LotStock> lots{
      lot("L-Q", day("2026-12-01"), 3, LotStatus::Quarantined),
      lot("L-R", day("2026-12-02"), 4, LotStatus::Recalled),
      lot("L-D", std::nullopt, 5, LotStatus::Damaged),
      lot("L-EXP", day("2026-11-01"), 6),
      lot("L-OK", day("2027-12-31"), 7),
  };
  const auto r = pick_first_expiry(lots, qty(7), day("2026-11-22"));
  CHECK(picked(r) == "L-OK:7");
  CHECK(r.usable == qty(7));
  CHECK(r.unusable == qty(3 + 4 + 5 + 6));
}

TEST_CASE("picking: short of stock gives no picks but still the totals") {
  std::vector<LotStock> lots{lot("L-A", day("2027-01-31"), 5), lot("L-B", day("2027-03-31"), 8),
                             lot("L-EXP", day("2026-11-01"), 20),
                             lot("L-Q", std::nullopt, 2, LotStatus::Quarantined)};
  const auto r = pick_first_expiry(lots, qty(14), day("2026-11-22"));
  CHECK(r.picks.empty());
  CHECK(r.short_of(qty(14)));
  CHECK_FALSE(r.short_of(qty(13)));
  CHECK(r.usable == qty(13));
  CHECK(r.unusable == qty(22));

  SUBCASE("no lots at all") {
    const auto none = pick_first_expiry({}, qty(1), day("2026-11-22"));
    CHECK(none.picks.empty());
    CHECK(none.usable == qty(0));
    CHECK(none.unusable == qty(0));
    CHECK(none.short_of(qty(1)));
  }
}

TEST_CASE("picking: empty lots are neither picked nor counted") {
  std::vector<LotStock> lots{lot("L-EMPTY", day("2026-12-01"), 0), lot("L-A", day("2027-01-31"), 5),
                             lot("L-EXP-EMPTY", day("2026-01-01"), 0)};
  const auto r = pick_first_expiry(lots, qty(2), day("2026-11-22"));
  CHECK(picked(r) == "L-A:2");
  CHECK(r.usable == qty(5));
  CHECK(r.unusable == qty(0));
}

// ---- group_stock ----------------------------------------------------------------------

namespace {

StockLine line(const char* depot, Tier tier, const char* material, const char* name,
               const char* unit, const char* lot_number, std::int64_t quantity) {
  return StockLine{.depot = DepotCode(depot),
                   .tier = tier,
                   .material = MaterialCode(material),
                   .name = name,
                   .unit = unit,
                   .lot = Lot{.material = MaterialCode(material),
                              .number = LotNumber(lot_number),
                              .production = std::nullopt,
                              .expiry = std::nullopt,
                              .status = LotStatus::Available},
                   .quantity = qty(quantity)};
}

// Two district depots (physical) and an enterprise's depot, two materials.
std::vector<StockLine> sample_lines() {
  return {
      line("YF-01", Tier::Physical, "TENT", "帐篷", "顶", "-", 4),
      line("LN-01", Tier::Physical, "MED", "药品", "盒", "L-B", 8),
      line("LN-01", Tier::Physical, "MED", "药品", "盒", "L-A", 5),
      line("CHEM-01", Tier::Enterprise, "TENT", "帐篷", "顶", "-", 20),
      line("LN-01", Tier::Physical, "TENT", "帐篷", "顶", "-", 15),
      line("CHEM-01", Tier::Enterprise, "MED", "药品", "盒", "L-A", 1),
  };
}

std::string row(const StockTotal& t) {
  std::string out = t.depot ? t.depot->str() : "*";
  out += "/";
  out += t.tier ? std::string(to_string(*t.tier)) : "*";
  out += "/" + t.material.str() + "/";
  out += t.lot ? t.lot->number.str() : "*";
  out += "=" + t.quantity.to_string() + t.unit;
  return out;
}

std::vector<std::string> rows(const std::vector<StockTotal>& totals) {
  std::vector<std::string> out;
  for (const auto& t : totals)
    out.push_back(row(t));
  return out;
}

} // namespace

TEST_CASE("picking: group_stock by depot sums the lots of each material per depot") {
  const auto totals = group_stock(sample_lines(), StockGrouping::Depot);
  CHECK(rows(totals) == std::vector<std::string>{"CHEM-01/*/MED/*=1盒", "CHEM-01/*/TENT/*=20顶",
                                                 "LN-01/*/MED/*=13盒", "LN-01/*/TENT/*=15顶",
                                                 "YF-01/*/TENT/*=4顶"});
  REQUIRE(totals.size() == 5);
  CHECK(totals[2].name == "药品");
}

TEST_CASE("picking: group_stock by material sums every depot") {
  const auto totals = group_stock(sample_lines(), StockGrouping::Material);
  CHECK(rows(totals) == std::vector<std::string>{"*/*/MED/*=14盒", "*/*/TENT/*=39顶"});
  REQUIRE(totals.size() == 2);
  CHECK(totals[1].name == "帐篷");
}

TEST_CASE("picking: group_stock by lot keeps one row per depot and lot") {
  const auto totals = group_stock(sample_lines(), StockGrouping::Lot);
  CHECK(rows(totals) == std::vector<std::string>{"CHEM-01/*/MED/L-A=1盒", "CHEM-01/*/TENT/-=20顶",
                                                 "LN-01/*/MED/L-A=5盒", "LN-01/*/MED/L-B=8盒",
                                                 "LN-01/*/TENT/-=15顶", "YF-01/*/TENT/-=4顶"});
}

TEST_CASE("picking: group_stock by tier splits physical from enterprise stock") {
  const auto totals = group_stock(sample_lines(), StockGrouping::Tier);
  CHECK(rows(totals) == std::vector<std::string>{"*/physical/MED/*=13盒", "*/physical/TENT/*=19顶",
                                                 "*/enterprise/MED/*=1盒",
                                                 "*/enterprise/TENT/*=20顶"});
}

TEST_CASE("picking: StockGrouper folds a line into its total wherever the line comes") {
  // The ledger gives lines in (depot, material) order and the grouper adds a line of the total
  // before it without a lookup; a line whose total came earlier must still find it.
  StockGrouper grouper(StockGrouping::Depot);
  for (const auto& l : {line("LN-01", Tier::Physical, "TENT", "帐篷", "顶", "-", 2),
                        line("LN-01", Tier::Physical, "TENT", "帐篷", "顶", "-", 3),
                        line("LN-01", Tier::Physical, "MED", "药品", "盒", "L-A", 1),
                        line("LN-01", Tier::Physical, "TENT", "帐篷", "顶", "-", 10),
                        line("YF-01", Tier::Physical, "TENT", "帐篷", "顶", "-", 7),
                        line("LN-01", Tier::Physical, "MED", "药品", "盒", "L-B", 4)}) {
    grouper.add(l);
  }
  CHECK(rows(std::move(grouper).take()) ==
        std::vector<std::string>{"LN-01/*/MED/*=5盒", "LN-01/*/TENT/*=15顶", "YF-01/*/TENT/*=7顶"});
}

TEST_CASE("picking: StockGrouper finds an earlier total after a run of lines in order") {
  // Lines in the totals' order start a new total each without a lookup; the first line out of
  // order must still find its total among all of those.
  StockGrouper grouper(StockGrouping::Depot);
  for (const auto& l : {line("LN-01", Tier::Physical, "MED", "药品", "盒", "L-A", 1),
                        line("LN-01", Tier::Physical, "TENT", "帐篷", "顶", "-", 3),
                        line("YF-01", Tier::Physical, "MED", "药品", "盒", "L-C", 2),
                        line("YF-01", Tier::Physical, "TENT", "帐篷", "顶", "-", 7),
                        line("LN-01", Tier::Physical, "MED", "药品", "盒", "L-B", 4),
                        line("YF-01", Tier::Physical, "MED", "药品", "盒", "L-D", 1)}) {
    grouper.add(l);
  }
  CHECK(rows(std::move(grouper).take()) ==
        std::vector<std::string>{"LN-01/*/MED/*=5盒", "LN-01/*/TENT/*=3顶", "YF-01/*/MED/*=3盒",
                                 "YF-01/*/TENT/*=7顶"});
}

TEST_CASE("picking: StockGrouper folds the ledger's depot totals into material and tier") {
  const auto total = [](const char* depot, Tier tier, const char* material, const char* name,
                        const char* unit, int quantity) {
    return StockTotal{.depot = DepotCode(depot),
                      .tier = tier,
                      .material = MaterialCode(material),
                      .name = name,
                      .unit = unit,
                      .lot = std::nullopt,
                      .quantity = Quantity::parse(std::to_string(quantity))};
  };
  const std::vector<StockTotal> depot_totals{
      total("CHEM-01", Tier::Enterprise, "TENT", "帐篷", "顶", 20),
      total("LN-01", Tier::Physical, "MED", "药品", "盒", 5),
      total("LN-01", Tier::Physical, "TENT", "帐篷", "顶", 15),
      total("YF-01", Tier::Physical, "TENT", "帐篷", "顶", 4)};
  StockGrouper by_material(StockGrouping::Material);
  StockGrouper by_tier(StockGrouping::Tier);
  StockGrouper by_depot(StockGrouping::Depot);
  for (const auto& t : depot_totals) {
    by_material.add(t);
    by_tier.add(t);
    by_depot.add(t);
  }
  CHECK(rows(std::move(by_material).take()) ==
        std::vector<std::string>{"*/*/MED/*=5盒", "*/*/TENT/*=39顶"});
  CHECK(rows(std::move(by_tier).take()) ==
        std::vector<std::string>{"*/physical/MED/*=5盒", "*/physical/TENT/*=19顶",
                                 "*/enterprise/TENT/*=20顶"});
  CHECK(rows(std::move(by_depot).take()) ==
        std::vector<std::string>{"CHEM-01/*/TENT/*=20顶", "LN-01/*/MED/*=5盒",
                                 "LN-01/*/TENT/*=15顶", "YF-01/*/TENT/*=4顶"});
  // A depot total has no lot: it cannot be folded into lots.
  StockGrouper by_lot(StockGrouping::Lot);
  CHECK_THROWS_AS(by_lot.add(depot_totals[0]), std::logic_error);
}

TEST_CASE("picking: group_stock of nothing is nothing, and the grouping names parse") {
  CHECK(group_stock({}, StockGrouping::Material).empty());
  CHECK(parse_stock_grouping("depot") == StockGrouping::Depot);
  CHECK(parse_stock_grouping("material") == StockGrouping::Material);
  CHECK(parse_stock_grouping("lot") == StockGrouping::Lot);
  CHECK(parse_stock_grouping("tier") == StockGrouping::Tier);
  CHECK_THROWS_WITH_AS((void)parse_stock_grouping("org"),
                       "--by \"org\": expected depot, material, lot or tier", InvalidInput);
}
