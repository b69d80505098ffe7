// Stock at the end of a day (StockQuery::as_of): from the movements up to that day, or, when
// nothing is dated after it (today, for every report), from the balances table. Both must give
// the same answer wherever both apply, and a day with later movements must not take the
// shortcut.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "stockpile/ledger.hpp"
#include "support/temp_ledger.hpp"

using namespace stockpile;

namespace {

std::string lines_of(const std::vector<StockLine>& stock) {
  std::string out;
  for (const auto& l : stock) {
    out += l.depot.str() + "/" + l.lot.number.str() + "=" + l.quantity.to_string() + ";";
  }
  return out;
}

// One depot LN-01 with keeper wang.li and one material.
void add_depot_and_material(Ledger& l, const char* code, const char* name, const char* unit) {
  l.add_organisation({OrgCode("LZ"), "柳州市", OrgLevel::City, std::nullopt});
  l.add_depot({DepotCode("LN-01"), "柳南区仓库", OrgCode("LZ"), ""});
  l.add_custodian({CustodianId("wang.li"), "王丽", "", parse_roles("keeper"), {DepotCode("LN-01")}});
  Material m{MaterialCode(code)};
  m.name = name;
  m.unit = unit;
  l.add_material(m);
}

} // namespace

TEST_CASE("stock as of a day: later movements are left out, and today is the current stock") {
  stockpile::testing::TempLedger t;
  auto& l = t.ledger;
  add_depot_and_material(l, "TENT", "帐篷", "顶");
  const auto receive = [&](const char* lot, const char* qty, const char* day) {
    (void)l.receive({.depot = DepotCode("LN-01"), .material = MaterialCode("TENT"),
                     .lot = LotNumber(lot), .quantity = Quantity::parse(qty),
                     .date = Date::parse(day), .actor = CustodianId("wang.li")});
  };
  receive("T1", "10", "2026-11-02");
  receive("T2", "5", "2026-11-10");
  (void)l.issue({.depot = DepotCode("LN-01"), .material = MaterialCode("TENT"),
                 .lot = LotNumber("T1"), .quantity = Quantity::parse("10"),
                 .date = Date::parse("2026-11-12"), .actor = CustodianId("wang.li")});

  const auto at = [&](std::optional<const char*> day, bool zero) {
    StockQuery q;
    if (day) q.as_of = Date::parse(*day);
    q.include_zero = zero;
    return lines_of(l.stock(q));
  };
  // Today (2026-11-22, the fixed clock) and the day of the last movement: nothing later, so
  // the answer is the current stock, emptied lots included or not.
  for (const bool zero : {false, true}) {
    CAPTURE(zero);
    CHECK(at("2026-11-22", zero) == at(std::nullopt, zero));
    CHECK(at("2026-11-12", zero) == at(std::nullopt, zero));
  }
  CHECK(at(std::nullopt, false) == "LN-01/T2=5;");
  CHECK(at(std::nullopt, true) == "LN-01/T1=0;LN-01/T2=5;");
  // Days with later movements: the sums up to each day.
  CHECK(at("2026-11-11", false) == "LN-01/T1=10;LN-01/T2=5;");
  CHECK(at("2026-11-05", false) == "LN-01/T1=10;");
  CHECK(at("2026-11-05", true) == "LN-01/T1=10;");
  CHECK(at("2026-11-01", true) == "");
}

TEST_CASE("stock expiring by a day: lots without an expiry or expiring later are left out") {
  stockpile::testing::TempLedger t;
  auto& l = t.ledger;
  add_depot_and_material(l, "WATER", "瓶装水", "箱");
  const auto receive = [&](const char* lot, std::optional<const char*> expiry) {
    (void)l.receive({.depot = DepotCode("LN-01"), .material = MaterialCode("WATER"),
                     .lot = LotNumber(lot), .quantity = Quantity::parse("3"),
                     .date = Date::parse("2026-11-02"), .actor = CustodianId("wang.li"),
                     .expiry = expiry ? std::optional<Date>(Date::parse(*expiry)) : std::nullopt});
  };
  receive("W-NONE", std::nullopt);
  receive("W-DEC", "2026-12-31");
  receive("W-JAN", "2027-01-01");
  receive("W-OLD", "2026-11-20");
  const auto by = [&](const char* day) {
    StockQuery q;
    q.expiring_by = Date::parse(day);
    return lines_of(l.stock(q));
  };
  CHECK(by("2026-12-31") == "LN-01/W-OLD=3;LN-01/W-DEC=3;");
  CHECK(by("2027-01-01") == "LN-01/W-OLD=3;LN-01/W-DEC=3;LN-01/W-JAN=3;");
  CHECK(by("2026-11-19") == "");
  CHECK(lines_of(l.stock({})) == "LN-01/W-OLD=3;LN-01/W-DEC=3;LN-01/W-JAN=3;LN-01/W-NONE=3;");
}
