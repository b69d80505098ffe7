// Reports (报表): expiry buckets (有效期), warning windows, rotation (轮换) decisions and the
// procurement they leave, storage age (倒垛, 抽样检测) and the depots' contact cards. The
// decisions are checked as pure functions first, at their boundaries; then through a ledger.
#include <doctest/doctest.h>
#include <string>
#include <vector>

#include "stockpile/error.hpp"
#include "stockpile/ledger.hpp"
#include "stockpile/report.hpp"
#include "support/temp_ledger.hpp"

using namespace stockpile;

namespace {

Date rday(const char* text) { return Date::parse(text); }
Quantity rqty(const char* text) { return Quantity::parse(text); }

std::string bucket_on(const char* expiry, const char* as_of,
                      const std::vector<std::int64_t>& edges = default_bucket_edges()) {
  return expiry_bucket(rday(expiry), rday(as_of), edges).label();
}

Lot lot_with(const char* production, const char* expiry) {
  Lot l{.material = MaterialCode("MASK"),
        .number = LotNumber("L1"),
        .production = production ? std::optional<Date>(rday(production)) : std::nullopt,
        .expiry = expiry ? std::optional<Date>(rday(expiry)) : std::nullopt};
  return l;
}

StockLine line_of(const char* depot, const char* material, const char* lot, const char* q,
                  const char* expiry) {
  return StockLine{.depot = DepotCode(depot),
                   .tier = Tier::Physical,
                   .material = MaterialCode(material),
                   .name = material,
                   .unit = "个",
                   .lot = Lot{.material = MaterialCode(material),
                              .number = LotNumber(lot),
                              .production = std::nullopt,
                              .expiry = expiry ? std::optional<Date>(rday(expiry)) : std::nullopt},
                   .quantity = rqty(q)};
}

Quota quota_of(const char* depot, const char* material, const char* min, const char* max) {
  return Quota{.depot = DepotCode(depot),
               .material = MaterialCode(material),
               .min = rqty(min),
               .max = max ? std::optional<Quantity>(rqty(max)) : std::nullopt};
}

Movement movement_of(MovementKind kind, const char* depot, const char* lot, const char* q,
                     const char* date) {
  return Movement{.date = rday(date),
                  .kind = kind,
                  .depot = DepotCode(depot),
                  .material = MaterialCode("MASK"),
                  .lot = LotNumber(lot),
                  .quantity = rqty(q),
                  .actor = CustodianId("wang.li")};
}

const Duration k90d = Duration::parse("90d");

} // namespace

// ---- expiry buckets ------------------------------------------------------------------------

TEST_CASE("report: a lot expiring on the as-of day is usable (≤ 30); the next day expired") {
  CHECK(bucket_on("2026-11-22", "2026-11-22") == "≤ 30");
  CHECK(bucket_on("2026-11-22", "2026-11-23") == "expired");
  CHECK(bucket_on("2026-11-22", "2027-05-01") == "expired");
  CHECK(rday("2026-11-22").days_until(rday("2026-11-22")) == 0);
  CHECK(rday("2026-11-23").days_until(rday("2026-11-22")) == -1);
}

TEST_CASE("report: 29 February is an ordinary expiry day") {
  CHECK(bucket_on("2028-02-29", "2028-02-28") == "≤ 30");
  CHECK(bucket_on("2028-02-29", "2028-02-29") == "≤ 30");
  CHECK(bucket_on("2028-02-29", "2028-03-01") == "expired");
  // 2028 is a leap year: 2027-12-31 → 2028-02-29 is 31 + 29 = 60 days.
  CHECK(bucket_on("2028-02-29", "2027-12-31") == "≤ 60");
  CHECK(bucket_on("2028-02-29", "2027-12-30") == "≤ 90");
  const auto rows = classify_expiry({line_of("LN-01", "MASK", "L1", "5", "2028-02-29")}, {},
                                    rday("2028-03-01"), ExpiryOptions{});
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].days_left == -1);
  CHECK(rows[0].bucket.kind == ExpiryBucket::Kind::Expired);
}

TEST_CASE("report: year ends count days across the new year") {
  CHECK(bucket_on("2026-12-31", "2026-12-31") == "≤ 30");
  CHECK(bucket_on("2026-12-31", "2027-01-01") == "expired");
  CHECK(bucket_on("2027-01-01", "2026-12-31") == "≤ 30");
  // 2026-01-01 → 2026-12-31 is 364 days; from 2025-12-31, 365; from 2025-12-30, 366.
  CHECK(bucket_on("2026-12-31", "2026-01-01") == "≤ 365");
  CHECK(bucket_on("2026-12-31", "2025-12-31") == "≤ 365");
  CHECK(bucket_on("2026-12-31", "2025-12-30") == "later");
}

TEST_CASE("report: each bucket holds up to and including its edge") {
  CHECK(bucket_on("2026-12-22", "2026-11-22") == "≤ 30");  // 30 days
  CHECK(bucket_on("2026-12-23", "2026-11-22") == "≤ 60");  // 31 days
  CHECK(bucket_on("2027-01-21", "2026-11-22") == "≤ 60");  // 60 days
  CHECK(bucket_on("2027-01-22", "2026-11-22") == "≤ 90");  // 61 days
  CHECK(bucket_on("2027-05-22", "2026-11-22") == "≤ 365"); // 181 days
  CHECK(bucket_on("2027-05-21", "2026-11-22") == "≤ 180"); // 180 days
  CHECK(expiry_bucket(std::nullopt, rday("2026-11-22"), default_bucket_edges()).label() ==
        "no expiry");
}

TEST_CASE("report: custom bucket edges") {
  const auto edges = parse_bucket_edges("0,7,14");
  CHECK(edges == std::vector<std::int64_t>{0, 7, 14});
  CHECK(bucket_on("2026-11-22", "2026-11-22", edges) == "≤ 0");
  CHECK(bucket_on("2026-11-23", "2026-11-22", edges) == "≤ 7");
  CHECK(bucket_on("2026-11-29", "2026-11-22", edges) == "≤ 7");
  CHECK(bucket_on("2026-11-30", "2026-11-22", edges) == "≤ 14");
  CHECK(bucket_on("2026-12-07", "2026-11-22", edges) == "later");
  CHECK(bucket_on("2026-11-21", "2026-11-22", edges) == "expired");
  CHECK(parse_bucket_edges("30,60,90,180,365") == default_bucket_edges());
  CHECK(parse_bucket_edges("007") == std::vector<std::int64_t>{7});
}

TEST_CASE("report: bad bucket edges are refused naming the option and the value") {
  for (const char* bad : {"30,20", "30,30", "", "30,", ",30", "a", "-5", "3 0", "36501",
                          "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS((void)parse_bucket_edges(bad), InvalidInput);
  }
  try {
    (void)parse_bucket_edges("30,20");
    FAIL("no exception");
  } catch (const InvalidInput& e) {
    CHECK(std::string(e.what()).find("--buckets \"30,20\"") != std::string::npos);
  }
}

// ---- warning windows -----------------------------------------------------------------------

TEST_CASE("report: warn_before starts warning that long before expiry") {
  Material m{MaterialCode("MASK")};
  m.warn_before = Duration::parse("30d");
  const Lot l = lot_with(nullptr, "2027-02-20");
  CHECK_FALSE(warning_reached(m, l, rday("2027-01-20"), k90d)); // 31 days left
  CHECK(warning_reached(m, l, rday("2027-01-21"), k90d));       // 30 days left
  CHECK(warning_reached(m, l, rday("2027-02-20"), k90d));       // the expiry day
  CHECK(warning_reached(m, l, rday("2027-02-21"), k90d));       // expired
  m.warn_before = Duration::parse("3m"); // calendar months: 2026-11-20
  CHECK_FALSE(warning_reached(m, l, rday("2026-11-19"), k90d));
  CHECK(warning_reached(m, l, rday("2026-11-20"), k90d));
}

TEST_CASE("report: warn_percent is the last part of the life from production to expiry") {
  Material m{MaterialCode("MASK")};
  m.shelf_life = Duration::parse("10d");
  m.warn_percent = 20;
  // Produced 2026-01-01, expires 2026-12-31: a life of 364 days, 20 % of it 72.8 days.
  const Lot l = lot_with("2026-01-01", "2026-12-31");
  CHECK_FALSE(warning_reached(m, l, rday("2026-10-19"), k90d)); // 73 days left
  CHECK(warning_reached(m, l, rday("2026-10-20"), k90d));       // 72 days left
  // Without a production date the life is the material's shelf life: 10 days, 20 % = 2 days.
  const Lot bare = lot_with(nullptr, "2026-12-31");
  CHECK_FALSE(warning_reached(m, bare, rday("2026-12-28"), k90d));
  CHECK(warning_reached(m, bare, rday("2026-12-29"), k90d));
  // 50 % of 364 days is exactly 182 days.
  m.warn_percent = 50;
  CHECK(warning_reached(m, l, rday("2026-07-02"), k90d)); // 182 days left
  CHECK_FALSE(warning_reached(m, l, rday("2026-07-01"), k90d));
}

TEST_CASE("report: without its own window a material warns the default window before") {
  const Material m{MaterialCode("MASK")};
  const Lot l = lot_with(nullptr, "2027-02-20");
  CHECK_FALSE(warning_reached(m, l, rday("2026-11-21"), k90d)); // 91 days left
  CHECK(warning_reached(m, l, rday("2026-11-22"), k90d));       // 90 days left
  CHECK(warning_reached(m, l, rday("2026-11-22"), Duration::parse("2w")) == false);
  CHECK_FALSE(warning_reached(m, lot_with(nullptr, nullptr), rday("2026-11-22"), k90d));
}

TEST_CASE("report: classify_expiry sorts by expiry, honours --within and the material's window") {
  Material mask{MaterialCode("MASK")};
  mask.warn_before = Duration::parse("200d");
  const std::vector<StockLine> stock{
      line_of("YF-01", "MASK", "M3", "10", "2027-12-01"),
      line_of("LN-01", "TENT", "-", "4", nullptr),
      line_of("LN-01", "MASK", "M2", "20", "2027-03-01"),
      line_of("LN-01", "MASK", "M1", "30", "2026-10-01"),
      line_of("YF-01", "MASK", "M0", "0", "2026-10-01"), // no stock: not listed
      line_of("CHEM-01", "MASK", "M2", "5", "2027-03-01"),
  };
  const Date as_of = rday("2026-11-22");
  auto rows = classify_expiry(stock, {mask}, as_of, ExpiryOptions{});
  REQUIRE(rows.size() == 5);
  CHECK(rows[0].lot.str() == "M1");
  CHECK(rows[0].bucket.label() == "expired");
  CHECK(rows[0].days_left == -52);
  CHECK(rows[0].warning);
  CHECK(rows[1].depot.str() == "CHEM-01");
  CHECK(rows[2].depot.str() == "LN-01");
  CHECK(rows[2].days_left == 99);
  CHECK(rows[2].bucket.label() == "≤ 180");
  CHECK(rows[2].warning); // 99 ≤ 200 days: MASK's own window, not the 90-day default
  CHECK(rows[3].lot.str() == "M3");
  CHECK(rows[3].days_left == 374);
  CHECK(rows[3].bucket.label() == "later");
  CHECK_FALSE(rows[3].warning);
  CHECK(rows[4].material.str() == "TENT");
  CHECK(rows[4].bucket.label() == "no expiry");
  CHECK_FALSE(rows[4].days_left.has_value());
  CHECK_FALSE(rows[4].warning);

  ExpiryOptions within;
  within.within = Duration::parse("99d");
  rows = classify_expiry(stock, {mask}, as_of, within);
  REQUIRE(rows.size() == 3); // expired M1 and both M2 (99 days); not M3, not the tents
  CHECK(rows[2].lot.str() == "M2");
  within.within = Duration::parse("98d");
  CHECK(classify_expiry(stock, {mask}, as_of, within).size() == 1);
}

TEST_CASE("report: classify_expiry breaks ties by depot, material, lot; each line has its own window") {
  Material mask{MaterialCode("MASK")};
  mask.warn_before = Duration::parse("200d");
  Material glove{MaterialCode("GLOVE")};
  glove.warn_before = Duration::parse("10d");
  // All expire on one day, 99 days after as_of; materials alternate from line to line.
  const std::vector<StockLine> stock{
      line_of("LN-01", "MASK", "B", "1", "2027-03-01"),
      line_of("LN-01", "GLOVE", "A", "1", "2027-03-01"),
      line_of("LN-01", "MASK", "A", "1", "2027-03-01"),
      line_of("CHEM-01", "SOAP", "Z", "1", "2027-03-01"), // not in the catalog
      line_of("LN-01", "GLOVE", "B", "1", "2027-03-01"),
      line_of("CHEM-01", "MASK", "A", "1", "2027-02-28"), // a day earlier: first
  };
  const auto rows = classify_expiry(stock, {mask, glove}, rday("2026-11-22"), ExpiryOptions{});
  REQUIRE(rows.size() == 6);
  const auto id = [](const ExpiryRow& r) {
    return r.depot.str() + "/" + r.material.str() + "/" + r.lot.str();
  };
  CHECK(id(rows[0]) == "CHEM-01/MASK/A");
  CHECK(id(rows[1]) == "CHEM-01/SOAP/Z");
  CHECK(id(rows[2]) == "LN-01/GLOVE/A");
  CHECK(id(rows[3]) == "LN-01/GLOVE/B");
  CHECK(id(rows[4]) == "LN-01/MASK/A");
  CHECK(id(rows[5]) == "LN-01/MASK/B");
  CHECK(rows[0].warning);       // MASK: 98 days ≤ 200
  CHECK_FALSE(rows[1].warning); // SOAP: the default 90 days; 99 left
  CHECK_FALSE(rows[2].warning); // GLOVE: 10 days
  CHECK_FALSE(rows[3].warning);
  CHECK(rows[4].warning);
  CHECK(rows[5].warning);
}

// ---- rotation ------------------------------------------------------------------------------

TEST_CASE("report: procurement keeps a depot at its quota minimum") {
  CHECK(procurement_needed(rqty("100"), rqty("150"), rqty("30")).to_string() == "0");
  CHECK(procurement_needed(rqty("100"), rqty("150"), rqty("50")).to_string() == "0");
  CHECK(procurement_needed(rqty("100"), rqty("150"), rqty("60")).to_string() == "10");
  CHECK(procurement_needed(rqty("100"), rqty("0"), rqty("0")).to_string() == "100");
  CHECK(procurement_needed(rqty("2.5"), rqty("3"), rqty("1.25")).to_string() == "0.75");
  CHECK(procurement_needed(rqty("0"), rqty("10"), rqty("10")).to_string() == "0");
}

TEST_CASE("report: rotation writes off, issues for use, or transfers to the depot with room") {
  const std::vector<StockLine> stock{
      // LN-01: quota 100..300, holds 330; M1 expired, M2 in the window, M3 beyond it.
      line_of("LN-01", "MASK", "M1", "50", "2026-11-01"),
      line_of("LN-01", "MASK", "M2", "80", "2026-12-31"),
      line_of("LN-01", "MASK", "M3", "200", "2028-01-01"),
      // YF-01: quota 100..150, holds 130, all of it in the window.
      line_of("YF-01", "MASK", "Y1", "120", "2027-01-10"),
      line_of("YF-01", "MASK", "Y2", "10", "2027-02-20"), // the last day of the window
      line_of("YF-01", "MASK", "Y3", "7", "2027-02-21"),  // one day past it
      // ZZ-01: quota 10..60 holding 20 (room 40).
      line_of("ZZ-01", "MASK", "Z1", "20", nullptr),
      // A tent without expiry never rotates.
      line_of("LN-01", "TENT", "-", "4", nullptr),
  };
  const std::vector<Quota> quotas{
      quota_of("LN-01", "MASK", "100", "300"), quota_of("YF-01", "MASK", "100", "150"),
      quota_of("CHEM-01", "MASK", "50", nullptr), // no max: room up to the minimum, 50
      quota_of("ZZ-01", "MASK", "10", "60"),      quota_of("ZZ-02", "MASK", "5", nullptr)};
  const auto plan = plan_rotation(stock, quotas, rday("2026-11-22"), k90d);
  CHECK(plan.horizon.to_string() == "2027-02-20");
  REQUIRE(plan.lots.size() == 4);

  CHECK(plan.lots[0].lot.str() == "M1");
  CHECK(plan.lots[0].action == RotationAction::WriteOff);
  CHECK(plan.lots[0].days_left == -21);

  CHECK(plan.lots[1].lot.str() == "M2"); // 330 − 50 − 80 = 200 ≥ 100
  CHECK(plan.lots[1].action == RotationAction::IssueForUse);
  CHECK(plan.lots[1].reason == "LN-01 keeps 200 without it, quota min 100");

  // Y1: YF-01 would keep 10 < 100. LN-01 is over its max; CHEM-01 has room 50, ZZ-01 40.
  CHECK(plan.lots[2].lot.str() == "Y1");
  CHECK(plan.lots[2].action == RotationAction::Transfer);
  REQUIRE(plan.lots[2].transfer_to.has_value());
  CHECK(plan.lots[2].transfer_to->str() == "CHEM-01");
  CHECK(plan.lots[2].reason ==
        "YF-01 would keep 17 without it, quota min 100; CHEM-01 has room for 50");
  // Y2: CHEM-01's room is used up by Y1, so ZZ-01 (room 40) is next.
  CHECK(plan.lots[3].lot.str() == "Y2");
  CHECK(plan.lots[3].action == RotationAction::Transfer);
  CHECK(plan.lots[3].transfer_to->str() == "ZZ-01");

  // Procurement: CHEM-01 holds none of its 50; LN-01 330 − 130 = 200 ≥ 100; YF-01
  // 137 − 130 = 7, needs 93; ZZ-01 20 ≥ 10 is not listed; ZZ-02 holds none of its 5.
  REQUIRE(plan.procurement.size() == 4);
  CHECK(plan.procurement[0].depot.str() == "CHEM-01");
  CHECK(plan.procurement[0].rotating_out.to_string() == "0");
  CHECK(plan.procurement[0].procure.to_string() == "50");
  CHECK(plan.procurement[1].depot.str() == "LN-01");
  CHECK(plan.procurement[1].stock.to_string() == "330");
  CHECK(plan.procurement[1].rotating_out.to_string() == "130");
  CHECK(plan.procurement[1].after.to_string() == "200");
  CHECK(plan.procurement[1].procure.to_string() == "0");
  CHECK(plan.procurement[2].depot.str() == "YF-01");
  CHECK(plan.procurement[2].after.to_string() == "7");
  CHECK(plan.procurement[2].procure.to_string() == "93");
  CHECK(plan.procurement[3].depot.str() == "ZZ-02");
  CHECK(plan.procurement[3].stock.to_string() == "0");
  CHECK(plan.procurement[3].procure.to_string() == "5");
}

TEST_CASE("report: rotation ties on room go to the lower depot code; no room, issue for use") {
  const std::vector<StockLine> stock{line_of("LN-01", "MASK", "M1", "40", "2026-12-01"),
                                     line_of("B-01", "MASK", "B1", "10", nullptr),
                                     line_of("A-01", "MASK", "A1", "10", nullptr)};
  std::vector<Quota> quotas{quota_of("LN-01", "MASK", "40", nullptr),
                            quota_of("B-01", "MASK", "0", "30"),
                            quota_of("A-01", "MASK", "0", "30")};
  auto plan = plan_rotation(stock, quotas, rday("2026-11-22"), k90d);
  REQUIRE(plan.lots.size() == 1);
  CHECK(plan.lots[0].transfer_to->str() == "A-01");

  // Exactly at the minimum without the lot still counts as meeting it.
  quotas[0].min = rqty("0");
  plan = plan_rotation(stock, quotas, rday("2026-11-22"), k90d);
  CHECK(plan.lots[0].action == RotationAction::IssueForUse);

  // Both other depots full: nothing to transfer to.
  quotas = {quota_of("LN-01", "MASK", "40", nullptr), quota_of("B-01", "MASK", "0", "10"),
            quota_of("A-01", "MASK", "0", "5")};
  plan = plan_rotation(stock, quotas, rday("2026-11-22"), k90d);
  CHECK(plan.lots[0].action == RotationAction::IssueForUse);
  CHECK_FALSE(plan.lots[0].transfer_to.has_value());
  CHECK(plan.lots[0].reason ==
        "LN-01 would keep 0 without it, quota min 40; no other depot can take it");
  REQUIRE(plan.procurement.size() == 1);
  CHECK(plan.procurement[0].procure.to_string() == "40");

  // Without any quota the depot needs none of it: issue for use, nothing to procure.
  plan = plan_rotation(stock, {}, rday("2026-11-22"), k90d);
  CHECK(plan.lots[0].action == RotationAction::IssueForUse);
  REQUIRE(plan.procurement.size() == 1);
  CHECK_FALSE(plan.procurement[0].min.has_value());
  CHECK(plan.procurement[0].procure.to_string() == "0");
}

// ---- aging ---------------------------------------------------------------------------------

TEST_CASE("report: aging thresholds are calendar years, strictly more than") {
  const Date r = rday("2025-11-22");
  CHECK_FALSE(aging_action(r, rday("2026-11-22")).has_value()); // 365 days: exactly a year
  CHECK(aging_action(r, rday("2026-11-23")) == AgingAction::Restack); // 366 days
  // Across 29 February a year is 366 days.
  const Date leap = rday("2027-11-22");
  CHECK(leap.days_until(rday("2028-11-22")) == 366);
  CHECK_FALSE(aging_action(leap, rday("2028-11-22")).has_value());
  CHECK(aging_action(leap, rday("2028-11-23")) == AgingAction::Restack);
  // Received on 29 February: a year later is 28 February.
  CHECK_FALSE(aging_action(rday("2028-02-29"), rday("2029-02-28")).has_value());
  CHECK(aging_action(rday("2028-02-29"), rday("2029-03-01")) == AgingAction::Restack);
  // Three years.
  const Date old = rday("2023-11-22");
  CHECK(aging_action(old, rday("2026-11-22")) == AgingAction::Restack);
  CHECK(aging_action(old, rday("2026-11-23")) == AgingAction::QualityTest);
  CHECK_FALSE(aging_action(r, r).has_value());
  CHECK(to_string(AgingAction::Restack) == "re-stack");
  CHECK(to_string(AgingAction::QualityTest) == "quality test");
}

TEST_CASE("report: the receipt date is the first receive, else the first transfer in") {
  const std::vector<Movement> ms{
      movement_of(MovementKind::Receive, "LN-01", "L1", "50", "2026-03-01"),
      movement_of(MovementKind::Receive, "LN-01", "L1", "20", "2026-01-05"),
      movement_of(MovementKind::TransferOut, "LN-01", "L1", "-30", "2026-04-01"),
      movement_of(MovementKind::TransferIn, "YF-01", "L1", "30", "2026-04-01"),
      movement_of(MovementKind::TransferIn, "YF-01", "L1", "5", "2026-02-01"),
      movement_of(MovementKind::Receive, "YF-01", "L1", "1", "2026-06-01"),
      movement_of(MovementKind::TransferIn, "ZZ-01", "L1", "5", "2026-05-01"),
      movement_of(MovementKind::Adjust, "ZZ-01", "L1", "2", "2026-04-01"),
      movement_of(MovementKind::Adjust, "QQ-01", "L1", "2", "2026-04-02"),
  };
  const auto dates = receipt_dates(ms);
  REQUIRE(dates.size() == 4);
  CHECK(dates.at({"LN-01", "MASK", "L1"}).to_string() == "2026-01-05");
  CHECK(dates.at({"YF-01", "MASK", "L1"}).to_string() == "2026-06-01"); // a receive wins
  CHECK(dates.at({"ZZ-01", "MASK", "L1"}).to_string() == "2026-05-01"); // transfer in
  CHECK(dates.at({"QQ-01", "MASK", "L1"}).to_string() == "2026-04-02"); // found in a count

  const auto rows = classify_aging({line_of("LN-01", "MASK", "L1", "40", nullptr),
                                    line_of("YF-01", "MASK", "L1", "36", nullptr),
                                    line_of("XX-01", "MASK", "L1", "1", nullptr)},
                                   dates, rday("2029-01-06"));
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].depot.str() == "LN-01");
  CHECK(rows[0].days_held == 1097); // 2026-01-05 + 3 years + 1 day
  CHECK(rows[0].action == AgingAction::QualityTest);
  CHECK(rows[1].depot.str() == "YF-01");
  CHECK(rows[1].action == AgingAction::Restack);
}

// ---- contact cards -------------------------------------------------------------------------

TEST_CASE("report: contact cards list keepers and responsible persons per depot") {
  const std::vector<Depot> depots{{DepotCode("YF-01"), "鱼峰区救灾物资仓库", OrgCode("YF"), ""},
                                  {DepotCode("LN-01"), "柳南区救灾物资仓库", OrgCode("LN"), ""},
                                  {DepotCode("CHEM-01"), "柳化应急物资库", OrgCode("CHEM"), ""}};
  const std::vector<Custodian> people{
      {CustodianId("zhao.min"), "赵敏", "139", parse_roles("responsible"), {DepotCode("LN-01")}},
      {CustodianId("wang.li"), "王丽", "138", parse_roles("keeper"),
       {DepotCode("LN-01"), DepotCode("YF-01")}},
      {CustodianId("chen.gang"), "陈刚", "", parse_roles("keeper,responsible"),
       {DepotCode("CHEM-01")}},
      {CustodianId("li.na"), "李娜", "137", parse_roles("inspector"), {DepotCode("YF-01")}}};
  const auto cards = contact_cards(depots, people);
  REQUIRE(cards.size() == 3);
  CHECK(cards[0].depot.str() == "CHEM-01");
  REQUIRE(cards[0].keepers.size() == 1);
  REQUIRE(cards[0].responsible.size() == 1);
  CHECK(cards[0].keepers[0].name == "陈刚");
  CHECK(cards[1].depot.str() == "LN-01");
  CHECK(cards[1].keepers[0].phone == "138");
  CHECK(cards[1].responsible[0].phone == "139");
  CHECK(cards[2].depot.str() == "YF-01");
  CHECK(cards[2].keepers.size() == 1);
  CHECK(cards[2].responsible.empty()); // the inspector is no responsible person
}

// ---- through a ledger ----------------------------------------------------------------------

namespace {

struct ReportLedger {
  stockpile::testing::TempDir dir;
  Ledger ledger = [this] {
    auto o = stockpile::testing::fixed_clock();
    o.time_zone = "UTC";
    return Ledger::create(dir.path() / "ledger.db", o);
  }();

  ReportLedger() {
    ledger.add_organisation({OrgCode("LZ"), "柳州市", OrgLevel::City, std::nullopt});
    ledger.add_organisation({OrgCode("LN"), "柳南区", OrgLevel::District, OrgCode("LZ")});
    ledger.add_organisation({OrgCode("CHEM"), "柳化", OrgLevel::Enterprise, OrgCode("LN")});
    ledger.add_depot({DepotCode("LN-01"), "柳南区救灾物资仓库", OrgCode("LN"), ""});
    ledger.add_depot({DepotCode("CHEM-01"), "柳化应急物资库", OrgCode("CHEM"), ""});
    ledger.add_custodian({CustodianId("wang.li"), "王丽", "13800000001", parse_roles("keeper"),
                          {DepotCode("LN-01"), DepotCode("CHEM-01")}});
    Material mask{MaterialCode("MASK")};
    mask.name = "口罩";
    mask.unit = "个";
    mask.shelf_life = Duration::parse("2y");
    mask.warn_percent = 10;
    ledger.add_material(mask);
    Material tent{MaterialCode("TENT")};
    tent.name = "帐篷";
    tent.unit = "顶";
    tent.lot_tracked = false;
    ledger.add_material(tent);
  }

  void receive(const char* depot, const char* material, const char* lot, const char* q,
               const char* date, const char* production, const char* expiry = nullptr) {
    ledger.receive(ReceiveRequest{
        .depot = DepotCode(depot),
        .material = MaterialCode(material),
        .lot = lot ? std::optional<LotNumber>(LotNumber(lot)) : std::nullopt,
        .quantity = rqty(q),
        .date = rday(date),
        .actor = CustodianId("wang.li"),
        .production = production ? std::optional<Date>(rday(production)) : std::nullopt,
        .expiry = expiry ? std::optional<Date>(rday(expiry)) : std::nullopt});
  }
};

} // namespace

TEST_CASE("report: the expiry report reads the stock held on the as-of day") {
  ReportLedger r;
  r.receive("LN-01", "MASK", "K1", "100", "2025-01-10", "2024-12-01"); // expires 2026-12-01
  r.receive("LN-01", "MASK", "K2", "50", "2026-11-20", "2026-11-01");  // expires 2028-11-01
  r.receive("CHEM-01", "MASK", "K1", "30", "2025-02-01", nullptr);
  r.receive("LN-01", "TENT", nullptr, "15", "2024-06-01", nullptr);

  ExpiryOptions o;
  o.as_of = rday("2026-11-22");
  auto report = expiry_report(r.ledger, o);
  CHECK(report.as_of.to_string() == "2026-11-22");
  REQUIRE(report.rows.size() == 4);
  CHECK(report.rows[0].depot.str() == "CHEM-01");
  CHECK(report.rows[0].tier == Tier::Enterprise);
  CHECK(report.rows[0].days_left == 9);
  CHECK(report.rows[0].warning); // 9 days left of a 730-day life: within its last 10 %
  CHECK(report.rows[1].depot.str() == "LN-01");
  CHECK(report.rows[1].quantity.to_string() == "100");
  CHECK(report.rows[2].lot.str() == "K2");
  CHECK_FALSE(report.rows[2].warning);
  CHECK(report.rows[3].name == "帐篷");
  CHECK(report.rows[3].bucket.label() == "no expiry");

  // Before K2 arrived, and filtered to the enterprise's depots.
  o.as_of = rday("2026-11-19");
  CHECK(expiry_report(r.ledger, o).rows.size() == 3);
  o.org = OrgCode("CHEM");
  report = expiry_report(r.ledger, o);
  REQUIRE(report.rows.size() == 1);
  CHECK(report.rows[0].depot.str() == "CHEM-01");

  // Without --as-of: the ledger's today (2026-11-22 in UTC).
  CHECK(expiry_report(r.ledger).as_of.to_string() == "2026-11-22");
}

TEST_CASE("report: the expiry report takes each material's current warning window") {
  // The report reads only the materials whose latest revision sets a window of their own: a
  // window dropped by a later revision no longer applies, one added by it does.
  ReportLedger r;
  for (const char* code : {"WATER", "SOAP"}) {
    Material m{MaterialCode(code)};
    m.name = code;
    m.unit = "箱";
    m.shelf_life = Duration::parse("1y");
    if (std::string_view(code) == "WATER") m.warn_before = Duration::parse("200d");
    r.ledger.add_material(m);
  }
  auto water = r.ledger.material(MaterialCode("WATER"));
  water.warn_before.reset();
  (void)r.ledger.edit_material(water);
  auto soap = r.ledger.material(MaterialCode("SOAP"));
  soap.warn_before = Duration::parse("200d");
  (void)r.ledger.edit_material(soap);
  std::vector<std::string> codes;
  for (const auto& m : r.ledger.materials_with_own_warning()) codes.push_back(m.code.str());
  CHECK(codes == std::vector<std::string>{"MASK", "SOAP"});

  // Both expire 150 days after as-of: inside SOAP's 200 days, outside the default 90.
  r.receive("LN-01", "WATER", "W1", "10", "2026-11-01", nullptr, "2027-04-21");
  r.receive("LN-01", "SOAP", "S1", "10", "2026-11-01", nullptr, "2027-04-21");
  ExpiryOptions o;
  o.as_of = rday("2026-11-22");
  const auto report = expiry_report(r.ledger, o);
  REQUIRE(report.rows.size() == 2);
  CHECK(report.rows[0].material.str() == "SOAP");
  CHECK(report.rows[0].days_left == 150);
  CHECK(report.rows[0].warning);
  CHECK(report.rows[1].material.str() == "WATER");
  CHECK_FALSE(report.rows[1].warning);
}

TEST_CASE("report: the expiry rows come from the ledger in the report's order") {
  // for_each_expiry_row takes its order from the ledger's query, and its windows from the
  // materials with one of their own; classify_expiry sorts the stock lines itself and is
  // given the whole catalog. Both must give the same rows, for every filter.
  ReportLedger r;
  Material water{MaterialCode("WATER")};
  water.name = "瓶装水";
  water.unit = "箱";
  water.shelf_life = Duration::parse("1y");
  water.warn_before = Duration::parse("200d");
  r.ledger.add_material(water);
  // Ties on the expiry day across depots, materials and lots; an expired lot; no expiry.
  r.receive("LN-01", "MASK", "K1", "100", "2025-01-10", "2024-12-01"); // expires 2026-12-01
  r.receive("CHEM-01", "MASK", "K1", "30", "2025-02-01", "2024-12-01");
  r.receive("LN-01", "MASK", "A0", "5", "2025-02-01", "2024-12-01");
  r.receive("LN-01", "WATER", "W2", "7", "2026-03-01", nullptr, "2026-12-01");
  r.receive("CHEM-01", "WATER", "W1", "8", "2026-03-01", nullptr, "2026-12-01");
  r.receive("LN-01", "WATER", "W0", "9", "2025-10-01", nullptr, "2026-10-01");
  r.receive("LN-01", "WATER", "W9", "3", "2026-11-01", nullptr, "2027-05-01");
  r.receive("LN-01", "TENT", nullptr, "15", "2024-06-01", nullptr);
  r.receive("CHEM-01", "TENT", nullptr, "4", "2024-06-01", nullptr);

  const auto id = [](const ExpiryRow& row) {
    return row.depot.str() + "/" + row.material.str() + "/" + row.lot.str() + "/" +
           row.quantity.to_string() + "/" + row.bucket.label() + "/" +
           (row.days_left ? std::to_string(*row.days_left) : "-") + "/" +
           (row.warning ? "warn" : "-") + "/" + row.name + "/" + row.unit;
  };
  std::vector<ExpiryOptions> cases(7);
  cases[1].within = Duration::parse("30d");
  cases[2].within = Duration::parse("1y");
  cases[3].depot = DepotCode("LN-01");
  cases[4].material = MaterialCode("WATER");
  cases[5].org = OrgCode("CHEM");
  cases[6].as_of = rday("2026-10-15"); // a past day: the balances summed from the movements
  cases[6].within = Duration::parse("60d");
  for (std::size_t c = 0; c < cases.size(); ++c) {
    CAPTURE(c);
    const ExpiryOptions& o = cases[c];
    std::vector<std::string> streamed;
    const Date as_of =
        for_each_expiry_row(r.ledger, o, [&](const ExpiryRow& row) { streamed.push_back(id(row)); });
    CHECK(as_of == o.as_of.value_or(rday("2026-11-22")));
    const auto lines = r.ledger.stock(StockQuery{
        .depot = o.depot, .material = o.material, .org = o.org, .as_of = o.as_of});
    std::vector<std::string> sorted;
    for (const auto& row : classify_expiry(lines, r.ledger.materials(), as_of, o)) {
      sorted.push_back(id(row));
    }
    CHECK(streamed == sorted);
    CHECK_FALSE(streamed.empty());
  }
  // The whole report, spelled out once.
  std::vector<std::string> all;
  for (const auto& row : expiry_report(r.ledger).rows) all.push_back(id(row));
  CHECK(all == std::vector<std::string>{
                   "LN-01/WATER/W0/9/expired/-52/warn/瓶装水/箱",
                   "CHEM-01/MASK/K1/30/≤ 30/9/warn/口罩/个",
                   "CHEM-01/WATER/W1/8/≤ 30/9/warn/瓶装水/箱",
                   "LN-01/MASK/A0/5/≤ 30/9/warn/口罩/个",
                   "LN-01/MASK/K1/100/≤ 30/9/warn/口罩/个",
                   "LN-01/WATER/W2/7/≤ 30/9/warn/瓶装水/箱",
                   "LN-01/WATER/W9/3/≤ 180/160/warn/瓶装水/箱",
                   "CHEM-01/TENT/-/4/no expiry/-/-/帐篷/顶",
                   "LN-01/TENT/-/15/no expiry/-/-/帐篷/顶",
               });
}

TEST_CASE("report: rotation and aging through the ledger") {
  ReportLedger r;
  r.receive("LN-01", "MASK", "K1", "100", "2023-06-01", "2023-05-01", "2026-12-01");
  r.receive("LN-01", "MASK", "K2", "50", "2026-11-20", "2026-11-01");
  r.ledger.transfer(TransferRequest{.from = DepotCode("LN-01"),
                                    .to = DepotCode("CHEM-01"),
                                    .material = MaterialCode("MASK"),
                                    .lot = LotNumber("K1"),
                                    .quantity = rqty("40"),
                                    .date = rday("2025-10-01"),
                                    .actor = CustodianId("wang.li")});
  r.ledger.set_quota(quota_of("LN-01", "MASK", "50", "200"));
  r.ledger.set_quota(quota_of("CHEM-01", "MASK", "20", "100"));

  RotationOptions ro;
  ro.as_of = rday("2026-11-22");
  const auto plan = rotation_report(r.ledger, ro);
  // K1 expires 2026-12-01 at both depots, CHEM-01 first by code. CHEM-01 would keep 0 < 20:
  // LN-01 has room 200 − 110 = 90. LN-01 keeps 110 − 60 = 50 ≥ 50: issue for use.
  REQUIRE(plan.lots.size() == 2);
  CHECK(plan.horizon.to_string() == "2027-02-20");
  CHECK(plan.lots[0].depot.str() == "CHEM-01");
  CHECK(plan.lots[0].action == RotationAction::Transfer);
  CHECK(plan.lots[0].transfer_to->str() == "LN-01");
  CHECK(plan.lots[0].reason ==
        "CHEM-01 would keep 0 without it, quota min 20; LN-01 has room for 90");
  CHECK(plan.lots[1].depot.str() == "LN-01");
  CHECK(plan.lots[1].quantity.to_string() == "60");
  CHECK(plan.lots[1].action == RotationAction::IssueForUse);
  REQUIRE(plan.procurement.size() == 2);
  CHECK(plan.procurement[0].procure.to_string() == "20");
  CHECK(plan.procurement[1].after.to_string() == "50");
  CHECK(plan.procurement[1].procure.to_string() == "0");
  CHECK(plan.procurement[1].name == "口罩");

  AgingOptions ao;
  ao.as_of = rday("2026-11-22");
  const auto aging = aging_report(r.ledger, ao);
  // LN-01 K1 received 2023-06-01: over three years. CHEM-01 K1 arrived by transfer on
  // 2025-10-01: over one year. K2 arrived two days ago.
  REQUIRE(aging.rows.size() == 2);
  CHECK(aging.rows[0].depot.str() == "LN-01");
  CHECK(aging.rows[0].received.to_string() == "2023-06-01");
  CHECK(aging.rows[0].days_held == 1270);
  CHECK(aging.rows[0].action == AgingAction::QualityTest);
  CHECK(aging.rows[1].depot.str() == "CHEM-01");
  CHECK(aging.rows[1].received.to_string() == "2025-10-01");
  CHECK(aging.rows[1].days_held == 417);
  CHECK(aging.rows[1].action == AgingAction::Restack);

  const auto cards = custodian_report(r.ledger);
  REQUIRE(cards.size() == 2);
  CHECK(cards[1].keepers.at(0).phone == "13800000001");
  CHECK(cards[1].responsible.empty());
}
