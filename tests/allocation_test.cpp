// Allocation (应急调配): the pure planner on hand-built snapshots, and plan / commit / deliver /
// incident report through the Ledger. Every expected number is worked out by hand next to it;
// times are local to Asia/Shanghai (UTC+8, no daylight saving).
#include <chrono>
#include <cstdlib>
#include <doctest/doctest.h>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "stockpile/allocation.hpp"
#include "stockpile/clock.hpp"
#include "stockpile/error.hpp"
#include "stockpile/ledger.hpp"
#include "support/temp_ledger.hpp"

using namespace stockpile;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::sys_seconds;

template <> struct doctest::StringMaker<Quantity> {
  static doctest::String convert(const Quantity &value) { return value.to_string().c_str(); }
};

namespace {

constexpr std::string_view kZone = "Asia/Shanghai";

Quantity amount(const char *text) { return Quantity::parse(text); }
Date on(const char *text) { return Date::parse(text); }
// A local time in Shanghai, e.g. "2026-11-22T08:00".
sys_seconds sh(const char *text) { return parse_datetime(text, "time", kZone); }
std::string sh_text(sys_seconds t) { return format_datetime(t, kZone); }
CustodianId alloc_keeper() { return CustodianId("wang.li"); }

// ---- the pure planner's inputs ------------------------------------------------------------

DepotPlace place(const char *depot, Tier tier, const char *district, const char *city,
                 minutes dispatch) {
  return DepotPlace{.depot = DepotCode(depot),
                    .tier = tier,
                    .district = district ? std::optional<OrgCode>(OrgCode(district)) : std::nullopt,
                    .city = city ? std::optional<OrgCode>(OrgCode(city)) : std::nullopt,
                    .dispatch = dispatch};
}

StockSource held(const char *depot, const char *lot, const char *q, const char *expiry = nullptr,
                 LotStatus status = LotStatus::Available, const char *material = "TENT") {
  return StockSource{.depot = DepotCode(depot),
                     .lot = Lot{.material = MaterialCode(material),
                                .number = LotNumber(lot),
                                .production = std::nullopt,
                                .expiry = expiry ? std::optional<Date>(on(expiry)) : std::nullopt,
                                .status = status},
                     .on_hand = amount(q)};
}

Commitment pledge(const char *code, Tier tier, const char *q, const char *rate, const char *lead,
                  const char *from, const char *to, const char *material = "TENT") {
  return Commitment{.code = CommitmentCode(code),
                    .tier = tier,
                    .party = "供应商",
                    .contact = "",
                    .material = MaterialCode(material),
                    .valid_from = on(from),
                    .valid_to = on(to),
                    .quantity = amount(q),
                    .rate = amount(rate),
                    .lead_time = Duration::parse(lead),
                    .reliability = std::nullopt,
                    .called = Quantity()};
}

DemandLine wanted(const char *q, const char *need_by, const char *to = nullptr,
                  const char *material = "TENT") {
  return DemandLine{.material = MaterialCode(material),
                    .quantity = amount(q),
                    .need_by = sh(need_by),
                    .to = to ? std::optional<DepotCode>(DepotCode(to)) : std::nullopt};
}

AllocationPolicy rules(bool allow_late, bool release_floors) {
  return AllocationPolicy{
      .allow_late = allow_late, .release_floors = release_floors, .time_zone = std::string(kZone)};
}

// One part per line of text: "tier source lot quantity arrival on-time|late".
std::string parts_of(const PlanLine &line) {
  std::string out;
  for (const auto &p : line.parts) {
    out += std::string(to_string(p.tier)) + " " + p.source + " " + (p.lot ? p.lot->str() : "-") +
           " " + p.quantity.to_string() + " " + sh_text(p.arrival) + " " +
           (p.late ? "late" : "on-time") + "\n";
  }
  return out;
}

// The sources a line draws on, in the order it draws on them.
std::string sources_of(const PlanLine &line) {
  std::string out;
  for (const auto &p : line.parts)
    out += p.source + (p.lot ? "/" + p.lot->str() : "") + " ";
  return out;
}

// The worked example of tests/cli/allocate.sh, as the ledger would hand it to the planner.
//   LN-01 (district LN, dispatch 2h): T-A 60 usable, T-OLD 50 expired 2026-10-31; quota min 20.
//   CITY-01 (city LZ, dispatch 4h): T-C 40.
//   AGR-1 agreement 50 in 6h, 2026; AGR-OLD agreement 100 in 1h, 2025 only;
//   CAP-1 capacity 24/day, at most 100, mobilises in 10h; SOC-1 social 5 in 1d.
PlanningSnapshot tent_snapshot() {
  PlanningSnapshot s;
  s.depots = {place("CITY-01", Tier::Physical, nullptr, "LZ", hours{4}),
              place("LN-01", Tier::Physical, "LN", "LZ", hours{2})};
  s.stock = {held("CITY-01", "T-C", "40"), held("LN-01", "T-A", "60"),
             held("LN-01", "T-OLD", "50", "2026-10-31")};
  s.quotas = {Quota{DepotCode("LN-01"), MaterialCode("TENT"), amount("20"), amount("200")}};
  s.commitments = {pledge("AGR-1", Tier::Agreement, "50", "0", "6h", "2026-01-01", "2026-12-31"),
                   pledge("AGR-OLD", Tier::Agreement, "100", "0", "1h", "2025-01-01", "2025-12-31"),
                   pledge("CAP-1", Tier::Capacity, "100", "24", "10h", "2026-01-01", "2026-12-31"),
                   pledge("SOC-1", Tier::Social, "5", "0", "1d", "2026-01-01", "2026-12-31")};
  return s;
}

void check_same_plan(const AllocationPlan &a, const AllocationPlan &b) {
  CHECK(a.at == b.at);
  CHECK(a.policy.allow_late == b.policy.allow_late);
  CHECK(a.policy.release_floors == b.policy.release_floors);
  CHECK(a.policy.time_zone == b.policy.time_zone);
  REQUIRE(a.lines.size() == b.lines.size());
  for (std::size_t i = 0; i < a.lines.size(); ++i) {
    const auto &x = a.lines[i];
    const auto &y = b.lines[i];
    CHECK(x.demand.material == y.demand.material);
    CHECK(x.demand.quantity == y.demand.quantity);
    CHECK(x.demand.need_by == y.demand.need_by);
    CHECK(x.demand.to == y.demand.to);
    CHECK(x.on_time == y.on_time);
    CHECK(x.late == y.late);
    CHECK(x.shortfall == y.shortfall);
    REQUIRE(x.parts.size() == y.parts.size());
    for (std::size_t j = 0; j < x.parts.size(); ++j) {
      const auto &p = x.parts[j];
      const auto &q = y.parts[j];
      CHECK(p.tier == q.tier);
      CHECK(p.source == q.source);
      CHECK(p.lot == q.lot);
      CHECK(p.quantity == q.quantity);
      CHECK(p.arrival == q.arrival);
      CHECK(p.late == q.late);
    }
  }
}

// ---- through the Ledger -------------------------------------------------------------------

OpenOptions shanghai() {
  auto o = stockpile::testing::fixed_clock(); // now: 2026-11-22T08:00Z = 16:00 in Shanghai
  o.time_zone = std::string(kZone);
  return o;
}

Commitment ledger_pledge(const char *code, Tier tier, const char *party, const char *q,
                         const char *rate, const char *lead, const char *from, const char *to,
                         const char *material = "TENT") {
  auto c = pledge(code, tier, q, rate, lead, from, to, material);
  c.party = party;
  return c;
}

// The reference data and stock of tests/cli/allocate.sh, plus a district depot YF-01 (empty),
// an enterprise depot CHEM-01 and drinking water (not recoverable) at CHEM-01 and CITY-01.
void set_up_flood(Ledger &l) {
  l.add_organisation({OrgCode("LZ"), "柳州市", OrgLevel::City, std::nullopt});
  l.add_organisation({OrgCode("LN"), "柳南区", OrgLevel::District, OrgCode("LZ")});
  l.add_organisation({OrgCode("YF"), "鱼峰区", OrgLevel::District, OrgCode("LZ")});
  l.add_organisation({OrgCode("CHEM"), "柳化", OrgLevel::Enterprise, OrgCode("LN")});
  l.add_depot({DepotCode("LN-01"), "柳南区救灾物资仓库", OrgCode("LN"), ""});
  l.add_depot({DepotCode("CITY-01"), "柳州市救灾物资储备库", OrgCode("LZ"), ""});
  l.add_depot({DepotCode("YF-01"), "鱼峰区救灾物资仓库", OrgCode("YF"), ""});
  l.add_depot({DepotCode("CHEM-01"), "柳化应急物资库", OrgCode("CHEM"), ""});
  l.add_custodian({alloc_keeper(), "王丽", "", parse_roles("keeper"), {DepotCode("LN-01")}});
  Material tent{MaterialCode("TENT")};
  tent.name = "帐篷";
  tent.unit = "顶";
  tent.recoverable = true;
  l.add_material(tent);
  Material water{MaterialCode("WATER")};
  water.name = "饮用水";
  water.unit = "箱";
  l.add_material(water);
  Material coat{MaterialCode("COAT")};
  coat.name = "棉衣";
  coat.unit = "件";
  l.add_material(coat);

  auto receive = [&](const char *depot, const char *mat, const char *lot, const char *q,
                     const char *date, const char *expiry) {
    (void)l.receive({.depot = DepotCode(depot),
                     .material = MaterialCode(mat),
                     .lot = LotNumber(lot),
                     .quantity = amount(q),
                     .date = on(date),
                     .actor = alloc_keeper(),
                     .production = std::nullopt,
                     .expiry = expiry ? std::optional<Date>(on(expiry)) : std::nullopt});
  };
  receive("LN-01", "TENT", "T-A", "60", "2026-11-01", nullptr);        // movement 1
  receive("LN-01", "TENT", "T-OLD", "50", "2026-01-10", "2026-10-31"); // movement 2
  receive("CITY-01", "TENT", "T-C", "40", "2026-11-01", nullptr);      // movement 3
  receive("CHEM-01", "WATER", "W-E", "6", "2026-11-01", nullptr);      // movement 4
  receive("CITY-01", "WATER", "W-1", "20", "2026-11-01", nullptr);     // movement 5
  l.set_dispatch_time(DepotCode("LN-01"), Duration::parse("2h"));
  l.set_dispatch_time(DepotCode("CITY-01"), Duration::parse("4h"));
  l.set_quota({DepotCode("LN-01"), MaterialCode("TENT"), amount("20"), amount("200")});
  l.add_commitment(ledger_pledge("AGR-1", Tier::Agreement, "柳州帐篷厂", "50", "0", "6h",
                                 "2026-01-01", "2026-12-31"));
  l.add_commitment(ledger_pledge("AGR-OLD", Tier::Agreement, "旧供应商", "100", "0", "1h",
                                 "2025-01-01", "2025-12-31"));
  l.add_commitment(ledger_pledge("CAP-1", Tier::Capacity, "广西篷布厂", "100", "24", "10h",
                                 "2026-01-01", "2026-12-31"));
  auto soc = ledger_pledge("SOC-1", Tier::Social, "柳州市红十字会", "5", "0", "1d", "2026-01-01",
                           "2026-12-31");
  soc.reliability = amount("0.8");
  l.add_commitment(soc);
  l.add_incident({IncidentCode("FLOOD-III"), "柳江洪水", IncidentLevel::III, sh("2026-11-22T06:30"),
                  "柳南区"});
  l.add_incident({IncidentCode("QUAKE-I"), "地震", IncidentLevel::I, sh("2026-11-22T07:00"), ""});
}

struct Flood {
  stockpile::testing::TempDir dir;
  std::filesystem::path file = dir.path() / "ledger.db";
  Ledger ledger = Ledger::create(file, shanghai());
  Flood() { set_up_flood(ledger); }
};

AllocationRequest request_for(const char *incident, std::vector<DemandLine> demand, bool allow_late,
                              Floors floors = Floors::ByLevel) {
  return AllocationRequest{.incident = IncidentCode(incident),
                           .demand = std::move(demand),
                           .at = sh("2026-11-22T08:00"),
                           .allow_late = allow_late,
                           .floors = floors,
                           .actor = alloc_keeper()};
}

// Everything a read or a refused write must leave alone: stock, movements, calls, chain heads.
std::string ledger_state(const Ledger &l) {
  std::string out;
  for (const auto &s : l.stock({.include_zero = true})) {
    out += s.depot.str() + "/" + s.material.str() + "/" + s.lot.number.str() + "=" +
           s.quantity.to_string() + ";";
  }
  for (const auto &m : l.movements())
    out += std::to_string(m.id) + ":" + m.hash + ";";
  for (const auto &e : l.commitment_entries()) {
    out += std::to_string(e.id) + ":" + e.kind + ":" + e.quantity.to_string() + ":" + e.hash + ";";
  }
  for (const auto &c : l.commitments())
    out += c.code.str() + "=" + c.called.to_string() + ";";
  out += "head=" + l.verify().head_hash;
  return out;
}

Quantity held_at(const Ledger &l, const char *depot, const char *mat, const char *lot) {
  Quantity total;
  for (const auto &s : l.stock({.depot = DepotCode(depot),
                       .material = MaterialCode(mat),
                       .org = std::nullopt,
                       .as_of = std::nullopt,
                       .include_zero = false})) {
    if (s.lot.number.str() == lot) total += s.quantity;
  }
  return total;
}

const IncidentMaterialReport *report_row(const std::vector<IncidentMaterialReport> &rows,
                                         const char *material) {
  for (const auto &r : rows)
    if (r.material.str() == material) return &r;
  return nullptr;
}

// Empty when `message` mentions every one of `parts`; otherwise what it lacks.
std::string misses(const std::string &message, std::initializer_list<std::string_view> parts) {
  std::string missing;
  for (auto part : parts) {
    if (message.find(part) == std::string::npos) missing += "[" + std::string(part) + "] ";
  }
  return missing.empty() ? missing : missing + "not in: " + message;
}

} // namespace

// ==== the pure planner ======================================================================

TEST_CASE("allocation: an incident is recorded once it has begun, and filters know their codes") {
  Flood f;
  auto &l = f.ledger; // now: 2026-11-22T16:00 in Shanghai
  CHECK_THROWS_WITH_AS(l.add_incident({IncidentCode("LATER"), "明天的洪水", IncidentLevel::III,
                                       sh("2026-11-23T06:00"), ""}),
                       "--opened \"2026-11-23T06:00\": is in the future (now is 2026-11-22T16:00)",
                       InvalidInput);
  CHECK(l.incidents().size() == 2);
  l.add_incident({IncidentCode("NOW"), "此刻", IncidentLevel::IV, sh("2026-11-22T16:00"), ""});
  CHECK_THROWS_WITH_AS((void)l.commitment_entries(std::nullopt, IncidentCode("NOPE")),
                       "incident \"NOPE\": no such incident in the ledger", NotFound);
  CHECK_THROWS_WITH_AS((void)l.quotas(DepotCode("NOPE")),
                       "depot \"NOPE\": no such depot in the ledger", NotFound);
  CHECK(l.commitment_entries(std::nullopt, IncidentCode("NOW")).empty());
}

TEST_CASE("allocation: the worked example of allocate.sh, floors kept, without late deliveries") {
  // Plan at 08:00, 200 tents by 20:00. LN-01 may give 60 − 20 (quota minimum) = 40, arriving
  // 10:00; CITY-01 40 at 12:00; AGR-1 50 at 14:00; CAP-1 starts 18:00 and makes 24/day × 2h = 2
  // by 20:00. On time 40 + 40 + 50 + 2 = 132; shortfall 200 − 132 = 68. T-OLD (expired) and
  // AGR-OLD (2025 only) are never used; SOC-1 arrives the next day at 08:00, too late.
  const auto plan = plan_allocation(tent_snapshot(), {wanted("200", "2026-11-22T20:00")},
                                    sh("2026-11-22T08:00"), rules(false, false));
  CHECK(plan.at == sh("2026-11-22T08:00"));
  CHECK_FALSE(plan.policy.allow_late);
  CHECK_FALSE(plan.policy.release_floors);
  REQUIRE(plan.lines.size() == 1);
  const auto &line = plan.lines[0];
  CHECK(line.demand.quantity == amount("200"));
  CHECK(line.on_time == amount("132"));
  CHECK(line.late == amount("0"));
  CHECK(line.shortfall == amount("68"));
  CHECK(parts_of(line) == "physical LN-01 T-A 40 2026-11-22T10:00 on-time\n"
                          "physical CITY-01 T-C 40 2026-11-22T12:00 on-time\n"
                          "agreement AGR-1 - 50 2026-11-22T14:00 on-time\n"
                          "capacity CAP-1 - 2 2026-11-22T20:00 on-time\n");
}

TEST_CASE("allocation: the worked example with late deliveries allowed") {
  // As above, then the 68 still missing: CAP-1's next tent (20:01) comes before SOC-1's
  // (next day 08:00), and CAP-1 can make all 68: 2 + 68 = 70 tents take 70/24 days = 70 h from
  // 18:00 on the 22nd = 2026-11-25T16:00. Late 68, shortfall 0.
  const auto plan = plan_allocation(tent_snapshot(), {wanted("200", "2026-11-22T20:00")},
                                    sh("2026-11-22T08:00"), rules(true, false));
  CHECK(plan.policy.allow_late);
  REQUIRE(plan.lines.size() == 1);
  const auto &line = plan.lines[0];
  CHECK(line.on_time == amount("132"));
  CHECK(line.late == amount("68"));
  CHECK(line.shortfall == amount("0"));
  CHECK(parts_of(line) == "physical LN-01 T-A 40 2026-11-22T10:00 on-time\n"
                          "physical CITY-01 T-C 40 2026-11-22T12:00 on-time\n"
                          "agreement AGR-1 - 50 2026-11-22T14:00 on-time\n"
                          "capacity CAP-1 - 2 2026-11-22T20:00 on-time\n"
                          "capacity CAP-1 - 68 2026-11-25T16:00 late\n");
  REQUIRE(line.parts.size() == 5);
  CHECK(line.parts[4].arrival == sh("2026-11-22T18:00") + hours{70});
}

TEST_CASE("allocation: the worked example with the quota floors released") {
  // LN-01 gives all 60 usable tents: on time 60 + 40 + 50 + 2 = 152, shortfall 48.
  const auto plan = plan_allocation(tent_snapshot(), {wanted("200", "2026-11-22T20:00")},
                                    sh("2026-11-22T08:00"), rules(false, true));
  CHECK(plan.policy.release_floors);
  REQUIRE(plan.lines.size() == 1);
  const auto &line = plan.lines[0];
  CHECK(line.on_time == amount("152"));
  CHECK(line.late == amount("0"));
  CHECK(line.shortfall == amount("48"));
  CHECK(parts_of(line) == "physical LN-01 T-A 60 2026-11-22T10:00 on-time\n"
                          "physical CITY-01 T-C 40 2026-11-22T12:00 on-time\n"
                          "agreement AGR-1 - 50 2026-11-22T14:00 on-time\n"
                          "capacity CAP-1 - 2 2026-11-22T20:00 on-time\n");
}

TEST_CASE("allocation: expired lots and commitments outside their validity are never used") {
  // Plan at 2026-11-22T08:00, need by 2026-11-23T02:00 Shanghai (= 2026-11-22T18:00Z): the
  // need-by day is the 23rd in Shanghai although it is still the 22nd in UTC.
  //   D-1: E-22 expires 2026-11-22 (expired on the 23rd: not used), E-23 expires 2026-11-23 (used),
  //        OLD expired long ago (not used).
  //   AGR-TO22: valid through 2026-11-22, lead 17h: arrives 2026-11-23T01:00 Shanghai, a day
  //             after its validity (in UTC it would still be the 22nd): not used.
  //   AGR-FROM23: valid from 2026-11-23, lead 17h: arrives on its first valid day: used.
  //   AGR-2027: valid only from 2027: not used, even late.
  //   SOC-2025: valid only in 2025: not used, even late.
  PlanningSnapshot s;
  s.depots = {place("D-1", Tier::Physical, "LN", "LZ", minutes{0})};
  s.stock = {held("D-1", "E-22", "100", "2026-11-22"), held("D-1", "E-23", "7", "2026-11-23"),
             held("D-1", "OLD", "100", "2025-01-01")};
  s.commitments = {
      pledge("AGR-TO22", Tier::Agreement, "100", "0", "17h", "2026-01-01", "2026-11-22"),
      pledge("AGR-FROM23", Tier::Agreement, "11", "0", "17h", "2026-11-23", "2026-12-31"),
      pledge("AGR-2027", Tier::Agreement, "100", "0", "1h", "2027-01-01", "2027-12-31"),
      pledge("SOC-2025", Tier::Social, "100", "0", "1h", "2025-01-01", "2025-12-31")};
  // 300 wanted; only E-23 7 (08:00) and AGR-FROM23 11 (next day 01:00) can come: 18 on time,
  // nothing late, shortfall 282.
  const auto plan = plan_allocation(s, {wanted("300", "2026-11-23T02:00")}, sh("2026-11-22T08:00"),
                                    rules(true, true));
  REQUIRE(plan.lines.size() == 1);
  const auto &line = plan.lines[0];
  CHECK(parts_of(line) == "physical D-1 E-23 7 2026-11-22T08:00 on-time\n"
                          "agreement AGR-FROM23 - 11 2026-11-23T01:00 on-time\n");
  CHECK(line.on_time == amount("18"));
  CHECK(line.late == amount("0"));
  CHECK(line.shortfall == amount("282"));
}

TEST_CASE("allocation: quarantined, recalled and damaged lots are not used") {
  // Q, R and X expire first and would go first if usable; only OK (25) is used.
  PlanningSnapshot s;
  s.depots = {place("D-1", Tier::Physical, "LN", "LZ", hours{1})};
  s.stock = {held("D-1", "Q", "10", "2026-12-01", LotStatus::Quarantined),
             held("D-1", "R", "10", "2026-12-01", LotStatus::Recalled),
             held("D-1", "X", "10", "2026-12-01", LotStatus::Damaged),
             held("D-1", "OK", "25", "2027-12-01")};
  const auto plan = plan_allocation(s, {wanted("40", "2026-11-22T20:00")}, sh("2026-11-22T08:00"),
                                    rules(true, true));
  REQUIRE(plan.lines.size() == 1);
  CHECK(parts_of(plan.lines[0]) == "physical D-1 OK 25 2026-11-22T09:00 on-time\n");
  CHECK(plan.lines[0].on_time == amount("25"));
  CHECK(plan.lines[0].shortfall == amount("15"));
}

TEST_CASE("allocation: the quota floor is kept across lots and lines, or released") {
  // D-1 holds A 10 (expires 2027-01-01) and B 20 (undated), quota minimum 25, and a quarantined
  // lot Q 100 that does not hold the floor up. D-2 holds 8 and has no quota.
  PlanningSnapshot s;
  s.depots = {place("D-1", Tier::Physical, "LN", "LZ", hours{1}),
              place("D-2", Tier::Physical, "YF", "LZ", hours{3})};
  s.stock = {held("D-1", "A", "10", "2027-01-01"), held("D-1", "B", "20"),
             held("D-1", "Q", "100", nullptr, LotStatus::Quarantined), held("D-2", "C", "8")};
  s.quotas = {Quota{DepotCode("D-1"), MaterialCode("TENT"), amount("25"), std::nullopt},
              Quota{DepotCode("D-2"), MaterialCode("WATER"), amount("8"), std::nullopt}};
  // Two lines of 4 each. Kept: D-1 may give 10 + 20 − 25 = 5 in all, from A (earliest expiry):
  // the first line gets A 4, the second A 1 then D-2 3 (D-2's quota is for water, not tents).
  const std::vector<DemandLine> demand{wanted("4", "2026-11-22T20:00"),
                                       wanted("4", "2026-11-22T20:00")};
  SUBCASE("kept") {
    const auto plan = plan_allocation(s, demand, sh("2026-11-22T08:00"), rules(false, false));
    REQUIRE(plan.lines.size() == 2);
    CHECK(parts_of(plan.lines[0]) == "physical D-1 A 4 2026-11-22T09:00 on-time\n");
    CHECK(parts_of(plan.lines[1]) == "physical D-1 A 1 2026-11-22T09:00 on-time\n"
                                     "physical D-2 C 3 2026-11-22T11:00 on-time\n");
    CHECK(plan.lines[1].on_time == amount("4"));
  }
  SUBCASE("kept: a demand larger than what is above the floors") {
    // D-1 5 + D-2 8 = 13 of 30; 17 short.
    const auto plan = plan_allocation(s, {wanted("30", "2026-11-22T20:00")}, sh("2026-11-22T08:00"),
                                      rules(false, false));
    REQUIRE(plan.lines.size() == 1);
    CHECK(parts_of(plan.lines[0]) == "physical D-1 A 5 2026-11-22T09:00 on-time\n"
                                     "physical D-2 C 8 2026-11-22T11:00 on-time\n");
    CHECK(plan.lines[0].shortfall == amount("17"));
  }
  SUBCASE("released") {
    // All of A 10 and B 20 may go (Q never): 10 + 20 + 8 = 38 of 40; 2 short.
    const auto plan = plan_allocation(s, {wanted("40", "2026-11-22T20:00")}, sh("2026-11-22T08:00"),
                                      rules(false, true));
    REQUIRE(plan.lines.size() == 1);
    CHECK(parts_of(plan.lines[0]) == "physical D-1 A 10 2026-11-22T09:00 on-time\n"
                                     "physical D-1 B 20 2026-11-22T09:00 on-time\n"
                                     "physical D-2 C 8 2026-11-22T11:00 on-time\n");
    CHECK(plan.lines[0].on_time == amount("38"));
    CHECK(plan.lines[0].shortfall == amount("2"));
  }
}

TEST_CASE("allocation: a lot that expires before the need-by day does not hold the quota floor "
          "up") {
  // D-1 holds X 30 expiring 2026-11-22 (usable at plan time, expired on the need-by day, the
  // 23rd) and Y 30 undated; quota minimum 20. The planner does not offer X (it would arrive
  // expired), so X cannot be what keeps D-1 at its minimum either: after the allocation D-1
  // must still hold 20 usable tents on the 23rd, so Y may give 30 − 20 = 10.
  PlanningSnapshot s;
  s.depots = {place("D-1", Tier::Physical, "LN", "LZ", hours{1})};
  s.stock = {held("D-1", "X", "30", "2026-11-22"), held("D-1", "Y", "30")};
  s.quotas = {Quota{DepotCode("D-1"), MaterialCode("TENT"), amount("20"), std::nullopt}};
  const auto plan = plan_allocation(s, {wanted("50", "2026-11-23T10:00")}, sh("2026-11-22T08:00"),
                                    rules(false, false));
  REQUIRE(plan.lines.size() == 1);
  CHECK(parts_of(plan.lines[0]) == "physical D-1 Y 10 2026-11-22T09:00 on-time\n");
  CHECK(plan.lines[0].on_time == amount("10"));
  CHECK(plan.lines[0].shortfall == amount("40"));
}

TEST_CASE("allocation: sources are ranked by arrival, then tier") {
  SUBCASE("same arrival: physical < enterprise < agreement < capacity < social") {
    // Everything arrives at 09:00 (dispatch 1h, lead 1h). Codes run against the tiers, and the
    // enterprise lot expires first, so only the tier can give this order. Need by 09:00 the
    // next day: the capacity makes 24/day × 24h = 24 by then, the 24th done at 09:00.
    PlanningSnapshot s;
    s.depots = {place("Z-PHYS", Tier::Physical, "LN", "LZ", hours{1}),
                place("A-ENT", Tier::Enterprise, "LN", "LZ", hours{1})};
    s.stock = {held("A-ENT", "E", "5", "2026-12-01"), held("Z-PHYS", "P", "5", "2027-12-01")};
    s.commitments = {pledge("A-SOC", Tier::Social, "5", "0", "1h", "2026-01-01", "2026-12-31"),
                     pledge("B-CAP", Tier::Capacity, "100", "24", "1h", "2026-01-01", "2026-12-31"),
                     pledge("C-AGR", Tier::Agreement, "5", "0", "1h", "2026-01-01", "2026-12-31")};
    // 5 + 5 + 5 + 24 + 5 = 44 of 100; 56 short.
    const auto plan = plan_allocation(s, {wanted("100", "2026-11-23T09:00")},
                                      sh("2026-11-22T08:00"), rules(false, true));
    REQUIRE(plan.lines.size() == 1);
    CHECK(parts_of(plan.lines[0]) == "physical Z-PHYS P 5 2026-11-22T09:00 on-time\n"
                                     "enterprise A-ENT E 5 2026-11-22T09:00 on-time\n"
                                     "agreement C-AGR - 5 2026-11-22T09:00 on-time\n"
                                     "capacity B-CAP - 24 2026-11-23T09:00 on-time\n"
                                     "social A-SOC - 5 2026-11-22T09:00 on-time\n");
    CHECK(plan.lines[0].shortfall == amount("56"));
  }
  SUBCASE("an earlier arrival beats a better tier") {
    // SOC (1h) arrives before the physical depot (dispatch 2h): it goes first.
    PlanningSnapshot s;
    s.depots = {place("P-1", Tier::Physical, "LN", "LZ", hours{2})};
    s.stock = {held("P-1", "P", "5")};
    s.commitments = {pledge("SOC", Tier::Social, "5", "0", "1h", "2026-01-01", "2026-12-31")};
    const auto plan = plan_allocation(s, {wanted("8", "2026-11-22T20:00")}, sh("2026-11-22T08:00"),
                                      rules(false, true));
    REQUIRE(plan.lines.size() == 1);
    CHECK(parts_of(plan.lines[0]) == "social SOC - 5 2026-11-22T09:00 on-time\n"
                                     "physical P-1 P 3 2026-11-22T10:00 on-time\n");
  }
  SUBCASE("commitments of one tier and arrival: by code") {
    PlanningSnapshot s;
    s.commitments = {pledge("AGR-B", Tier::Agreement, "5", "0", "2h", "2026-01-01", "2026-12-31"),
                     pledge("AGR-A", Tier::Agreement, "5", "0", "2h", "2026-01-01", "2026-12-31")};
    const auto plan = plan_allocation(s, {wanted("7", "2026-11-22T20:00")}, sh("2026-11-22T08:00"),
                                      rules(false, true));
    REQUIRE(plan.lines.size() == 1);
    CHECK(sources_of(plan.lines[0]) == "AGR-A AGR-B ");
    CHECK(plan.lines[0].parts.at(1).quantity == amount("2"));
  }
}

TEST_CASE("allocation: within stock, earliest expiry, then the destination's district, its "
          "city, others, then depot code; never the destination's own stock") {
  // Destination DEST is in district LN of city LZ. All physical, all dispatching in 1h, 1 each.
  //   DEST/D0 expires first of all, but it is already there: never used.
  //   Z-FAR/F1 expires 2027-01-01 (other city): first, expiry beats nearness.
  //   Q-DIST/Q1 expires 2027-06-01 (district LN): second.
  //   Undated lots last: Y-DIST (district LN), M-CITY (district YF, city LZ), then A-FAR and
  //   B-FAR (city GL) by code.
  PlanningSnapshot s;
  s.depots = {place("DEST", Tier::Physical, "LN", "LZ", hours{1}),
              place("Z-FAR", Tier::Physical, "XX", "GL", hours{1}),
              place("Q-DIST", Tier::Physical, "LN", "LZ", hours{1}),
              place("Y-DIST", Tier::Physical, "LN", "LZ", hours{1}),
              place("M-CITY", Tier::Physical, "YF", "LZ", hours{1}),
              place("B-FAR", Tier::Physical, "XX", "GL", hours{1}),
              place("A-FAR", Tier::Physical, "XY", "GL", hours{1})};
  s.stock = {held("B-FAR", "B1", "1"),
             held("A-FAR", "A1", "1"),
             held("M-CITY", "M1", "1"),
             held("Y-DIST", "Y1", "1"),
             held("Q-DIST", "Q1", "1", "2027-06-01"),
             held("Z-FAR", "F1", "1", "2027-01-01"),
             held("DEST", "D0", "9", "2026-12-01")};
  SUBCASE("to a depot") {
    const auto plan = plan_allocation(s, {wanted("100", "2026-11-22T20:00", "DEST")},
                                      sh("2026-11-22T08:00"), rules(false, true));
    REQUIRE(plan.lines.size() == 1);
    CHECK(sources_of(plan.lines[0]) == "Z-FAR/F1 Q-DIST/Q1 Y-DIST/Y1 M-CITY/M1 A-FAR/A1 B-FAR/B1 ");
    CHECK(plan.lines[0].on_time == amount("6"));
    CHECK(plan.lines[0].shortfall == amount("94"));
  }
  SUBCASE("to the incident: nearness does not apply, undated by depot code; DEST's stock counts") {
    const auto plan = plan_allocation(s, {wanted("100", "2026-11-22T20:00")},
                                      sh("2026-11-22T08:00"), rules(false, true));
    REQUIRE(plan.lines.size() == 1);
    CHECK(sources_of(plan.lines[0]) ==
          "DEST/D0 Z-FAR/F1 Q-DIST/Q1 A-FAR/A1 B-FAR/B1 M-CITY/M1 Y-DIST/Y1 ");
    CHECK(plan.lines[0].on_time == amount("15"));
  }
}

TEST_CASE("allocation: capacity production arithmetic") {
  const auto at = sh("2026-11-22T08:00");
  SUBCASE("rate per day over a partial day") {
    // 36/day from 09:00 (lead 1h); by 11:40 (2h40m = 160 min): 36 × 160 / 1440 = 4, the 4th
    // done exactly at 11:40.
    PlanningSnapshot s;
    s.commitments = {pledge("CAP", Tier::Capacity, "100", "36", "1h", "2026-01-01", "2026-12-31")};
    const auto plan =
        plan_allocation(s, {wanted("10", "2026-11-22T11:40")}, at, rules(false, false));
    REQUIRE(plan.lines.size() == 1);
    CHECK(parts_of(plan.lines[0]) == "capacity CAP - 4 2026-11-22T11:40 on-time\n");
    CHECK(plan.lines[0].shortfall == amount("6"));
  }
  SUBCASE("capped by the maximum, and by what earlier calls took") {
    // 48/day from 09:00, at most 5: by the day after, 48 could be made but only 5 may; the 5th
    // is done after 5/48 days = 2h30m, at 11:30.
    PlanningSnapshot s;
    s.commitments = {pledge("CAP", Tier::Capacity, "5", "48", "1h", "2026-01-01", "2026-12-31")};
    auto plan = plan_allocation(s, {wanted("10", "2026-11-23T20:00")}, at, rules(true, false));
    REQUIRE(plan.lines.size() == 1);
    CHECK(parts_of(plan.lines[0]) == "capacity CAP - 5 2026-11-22T11:30 on-time\n");
    CHECK(plan.lines[0].late == amount("0"));
    CHECK(plan.lines[0].shortfall == amount("5"));
    // 2 already called: they are made first, so the 3 that remain are done after
    // (2 + 3)/48 days = 2h30m, at 11:30.
    s.commitments[0].called = amount("2");
    plan = plan_allocation(s, {wanted("10", "2026-11-23T20:00")}, at, rules(true, false));
    REQUIRE(plan.lines.size() == 1);
    CHECK(parts_of(plan.lines[0]) == "capacity CAP - 3 2026-11-22T11:30 on-time\n");
    CHECK(plan.lines[0].shortfall == amount("7"));
  }
  SUBCASE("capped by the end of the validity period") {
    // 24/day from 18:00 on the 22nd (lead 10h), valid through 2026-11-23: production stops at
    // 2026-11-24T00:00 Shanghai, after 30 h = 30 tents. On time by 20:00: 2; late: 28 more,
    // the last done at 2026-11-24T00:00. 100 − 30 = 70 short.
    PlanningSnapshot s;
    s.commitments = {pledge("CAP", Tier::Capacity, "100", "24", "10h", "2026-01-01", "2026-11-23")};
    const auto plan =
        plan_allocation(s, {wanted("100", "2026-11-22T20:00")}, at, rules(true, false));
    REQUIRE(plan.lines.size() == 1);
    CHECK(parts_of(plan.lines[0]) == "capacity CAP - 2 2026-11-22T20:00 on-time\n"
                                     "capacity CAP - 28 2026-11-24T00:00 late\n");
    CHECK(plan.lines[0].on_time == amount("2"));
    CHECK(plan.lines[0].late == amount("28"));
    CHECK(plan.lines[0].shortfall == amount("70"));
  }
  SUBCASE("the completion time is rounded up to the minute") {
    // 7/day from 09:00: one unit takes 86400 / 7 = 12342.857 s; rounded up to the second
    // 12343 s, to the minute 12360 s = 3h26m: arrives 12:26:00 exactly. Need by 09:00: nothing
    // is ready then, so the unit is late.
    PlanningSnapshot s;
    s.commitments = {pledge("CAP", Tier::Capacity, "100", "7", "1h", "2026-01-01", "2026-12-31")};
    const auto plan = plan_allocation(s, {wanted("1", "2026-11-22T09:00")}, at, rules(true, false));
    REQUIRE(plan.lines.size() == 1);
    REQUIRE(plan.lines[0].parts.size() == 1);
    const auto &part = plan.lines[0].parts[0];
    CHECK(part.quantity == amount("1"));
    CHECK(part.late);
    CHECK(part.arrival == sh("2026-11-22T09:00") + hours{3} + minutes{26});
    CHECK(plan.lines[0].on_time == amount("0"));
    CHECK(plan.lines[0].late == amount("1"));
  }
}

TEST_CASE("allocation: lines share their sources, are served by need-by time and reported in "
          "demand order") {
  // S-1 (dispatch 0) holds 50; AGR (lead 6h) 20, arriving 14:00.
  //   line 1: 40 by 20:00; line 2: 40 by 12:00 (served first: S-1 40; AGR too late for it);
  //   line 1 then gets S-1's other 10 and AGR 20: 30 on time, 10 short.
  //   line 3: 5 by 20:00, same need-by as line 1 and after it in the demand: nothing is left.
  PlanningSnapshot s;
  s.depots = {place("S-1", Tier::Physical, "LN", "LZ", minutes{0})};
  s.stock = {held("S-1", "L", "50")};
  s.commitments = {pledge("AGR", Tier::Agreement, "20", "0", "6h", "2026-01-01", "2026-12-31")};
  const std::vector<DemandLine> demand{wanted("40", "2026-11-22T20:00"),
                                       wanted("40", "2026-11-22T12:00"),
                                       wanted("5", "2026-11-22T20:00")};
  const auto plan = plan_allocation(s, demand, sh("2026-11-22T08:00"), rules(false, false));
  REQUIRE(plan.lines.size() == 3);
  CHECK(plan.lines[0].demand.need_by == sh("2026-11-22T20:00"));
  CHECK(plan.lines[0].demand.quantity == amount("40"));
  CHECK(parts_of(plan.lines[0]) == "physical S-1 L 10 2026-11-22T08:00 on-time\n"
                                   "agreement AGR - 20 2026-11-22T14:00 on-time\n");
  CHECK(plan.lines[0].on_time == amount("30"));
  CHECK(plan.lines[0].shortfall == amount("10"));
  CHECK(plan.lines[1].demand.need_by == sh("2026-11-22T12:00"));
  CHECK(parts_of(plan.lines[1]) == "physical S-1 L 40 2026-11-22T08:00 on-time\n");
  CHECK(plan.lines[1].shortfall == amount("0"));
  CHECK(plan.lines[2].demand.quantity == amount("5"));
  CHECK(plan.lines[2].parts.empty());
  CHECK(plan.lines[2].shortfall == amount("5"));
}

TEST_CASE("allocation: planning twice gives equal plans") {
  const auto snapshot = tent_snapshot();
  const std::vector<DemandLine> demand{wanted("200", "2026-11-22T20:00"),
                                       wanted("30", "2026-11-22T16:00", "LN-01"),
                                       wanted("3", "2026-11-22T20:00")};
  const auto a = plan_allocation(snapshot, demand, sh("2026-11-22T08:00"), rules(true, false));
  const auto b = plan_allocation(snapshot, demand, sh("2026-11-22T08:00"), rules(true, false));
  const auto c =
      plan_allocation(tent_snapshot(), demand, sh("2026-11-22T08:00"), rules(true, false));
  check_same_plan(a, b);
  check_same_plan(a, c);
  // Not vacuous: line 2 (to LN-01, served first) cannot use LN-01's own tents: CITY-01 30.
  REQUIRE(a.lines.size() == 3);
  CHECK(parts_of(a.lines[1]) == "physical CITY-01 T-C 30 2026-11-22T12:00 on-time\n");
  CHECK(a.lines[0].on_time + a.lines[0].late == amount("200"));
}

// ==== through the Ledger ====================================================================

TEST_CASE("allocation: planning through the ledger writes nothing") {
  Flood f;
  auto &l = f.ledger;
  const auto before = ledger_state(l);
  const auto movements = l.movements().size();
  const auto plan =
      l.plan_allocation(request_for("FLOOD-III", {wanted("200", "2026-11-22T20:00")}, true));
  // The worked example: on time 132, late 68 (CAP-1, done 2026-11-25T16:00).
  REQUIRE(plan.lines.size() == 1);
  CHECK(plan.lines[0].on_time == amount("132"));
  CHECK(plan.lines[0].late == amount("68"));
  CHECK(plan.lines[0].shortfall == amount("0"));
  CHECK(parts_of(plan.lines[0]) == "physical LN-01 T-A 40 2026-11-22T10:00 on-time\n"
                                   "physical CITY-01 T-C 40 2026-11-22T12:00 on-time\n"
                                   "agreement AGR-1 - 50 2026-11-22T14:00 on-time\n"
                                   "capacity CAP-1 - 2 2026-11-22T20:00 on-time\n"
                                   "capacity CAP-1 - 68 2026-11-25T16:00 late\n");
  CHECK(plan.policy.time_zone == kZone);
  CHECK(ledger_state(l) == before);
  CHECK(l.movements().size() == movements);
  CHECK(l.commitment_entries().empty());
  CHECK(held_at(l, "LN-01", "TENT", "T-A") == amount("60"));
  // The same ledger and request give the same plan.
  check_same_plan(
      plan, l.plan_allocation(request_for("FLOOD-III", {wanted("200", "2026-11-22T20:00")}, true)));
}

TEST_CASE("allocation: commit issues stock and calls commitments, summing to the plan") {
  Flood f;
  auto &l = f.ledger;
  const auto result =
      l.commit_allocation(request_for("FLOOD-III", {wanted("200", "2026-11-22T20:00")}, true));
  REQUIRE(result.plan.lines.size() == 1);
  const auto &line = result.plan.lines[0];
  CHECK(line.on_time == amount("132"));
  CHECK(line.late == amount("68"));

  // Stock parts: LN-01 T-A 40 and CITY-01 T-C 40 → issues 6 and 7 (after receipts 1-5).
  Quantity stock_parts, commitment_parts;
  for (const auto &p : line.parts)
    (p.lot ? stock_parts : commitment_parts) += p.quantity;
  CHECK(stock_parts == amount("80"));
  CHECK(commitment_parts == amount("120"));

  REQUIRE(result.posting.movements.size() == 2);
  Quantity issued;
  for (const auto &m : result.posting.movements) {
    CHECK(m.kind == MovementKind::Issue);
    CHECK(m.incident == std::optional<IncidentCode>(IncidentCode("FLOOD-III")));
    CHECK(m.material.str() == "TENT");
    CHECK(m.date == on("2026-11-22"));
    issued -= m.quantity;
  }
  CHECK(issued == stock_parts);
  CHECK(result.posting.movements[0].id == 6);
  CHECK(result.posting.movements[0].depot.str() == "LN-01");
  CHECK(result.posting.movements[0].lot.str() == "T-A");
  CHECK(result.posting.movements[0].quantity == amount("-40"));
  CHECK(result.posting.movements[1].depot.str() == "CITY-01");
  CHECK(result.posting.movements[1].lot.str() == "T-C");
  CHECK(result.posting.movements[1].quantity == amount("-40"));

  // Calls: AGR-1 50 due 14:00, CAP-1 2 due 20:00, CAP-1 68 due 2026-11-25T16:00.
  REQUIRE(result.calls.size() == 3);
  Quantity called;
  for (const auto &c : result.calls) {
    CHECK(c.kind == "call");
    CHECK(c.incident == std::optional<IncidentCode>(IncidentCode("FLOOD-III")));
    CHECK_FALSE(c.depot.has_value());
    CHECK(c.actor == alloc_keeper());
    called += c.quantity;
  }
  CHECK(called == commitment_parts);
  CHECK(result.calls[0].id == 1);
  CHECK(result.calls[0].commitment.str() == "AGR-1");
  CHECK(result.calls[0].quantity == amount("50"));
  CHECK(result.calls[0].due == std::optional<sys_seconds>(sh("2026-11-22T14:00")));
  CHECK(result.calls[1].commitment.str() == "CAP-1");
  CHECK(result.calls[1].quantity == amount("2"));
  CHECK(result.calls[1].due == std::optional<sys_seconds>(sh("2026-11-22T20:00")));
  CHECK(result.calls[2].commitment.str() == "CAP-1");
  CHECK(result.calls[2].quantity == amount("68"));
  CHECK(result.calls[2].due == std::optional<sys_seconds>(sh("2026-11-25T16:00")));

  // What the ledger now holds.
  CHECK(l.commitment_entries(std::nullopt, IncidentCode("FLOOD-III")).size() == 3);
  CHECK(l.movements({.incident = IncidentCode("FLOOD-III")}).size() == 2);
  CHECK(held_at(l, "LN-01", "TENT", "T-A") == amount("20"));
  CHECK(held_at(l, "CITY-01", "TENT", "T-C") == amount("0"));
  CHECK(held_at(l, "LN-01", "TENT", "T-OLD") == amount("50"));
  CHECK(l.commitment(CommitmentCode("AGR-1")).called == amount("50"));
  CHECK(l.commitment(CommitmentCode("CAP-1")).called == amount("70"));
  CHECK(l.commitment(CommitmentCode("SOC-1")).called == amount("0"));
  CHECK(l.verify().movements == 7);

  // A second plan sees what the first took: LN-01 is at its floor (20), CITY-01 is empty and
  // AGR-1 is used up, so none of them is offered again.
  const auto again =
      l.plan_allocation(request_for("FLOOD-III", {wanted("10", "2026-11-22T20:00")}, true));
  REQUIRE(again.lines.size() == 1);
  CHECK(sources_of(again.lines[0]).find("LN-01") == std::string::npos);
  CHECK(sources_of(again.lines[0]).find("CITY-01") == std::string::npos);
  CHECK(sources_of(again.lines[0]).find("AGR-1") == std::string::npos);
}

TEST_CASE("allocation: capacity production already called is not promised again") {
  // After the worked example's commit CAP-1 owes 2 (due 2026-11-22T20:00) and 68 (due
  // 2026-11-25T16:00): its line, making 24 a day from 18:00 on the 22nd, is busy until then.
  // A second plan from the same time cannot have CAP-1 tents any sooner: the next ones are
  // tents 71 onwards, the 71st done 71/24 days = 71 h after 18:00 on the 22nd, i.e. after
  // 2026-11-25T16:00. So nothing is on time by 20:00 (LN-01 is at its floor, CITY-01 empty,
  // AGR-1 used up), SOC-1's 5 (next day 08:00) come first, and CAP-1's only after the 25th.
  Flood f;
  auto &l = f.ledger;
  (void)l.commit_allocation(request_for("FLOOD-III", {wanted("200", "2026-11-22T20:00")}, true));
  const auto again =
      l.plan_allocation(request_for("FLOOD-III", {wanted("10", "2026-11-22T20:00")}, true));
  REQUIRE(again.lines.size() == 1);
  const auto &line = again.lines[0];
  const std::string parts = parts_of(line);
  CAPTURE(parts);
  CHECK(line.on_time == amount("0"));
  for (const auto &p : line.parts) {
    if (p.source == "CAP-1") CHECK(p.arrival > sh("2026-11-25T16:00"));
  }
  CHECK(line.on_time + line.late == amount("10"));
}

TEST_CASE("allocation: commit to a destination depot transfers and calls into it") {
  Flood f;
  auto &l = f.ledger;
  // 100 tents to YF-01 by 20:00, floors kept: LN-01 40 (10:00), CITY-01 40 (12:00), AGR-1 20
  // (14:00). Two transfers (four legs) and one call delivered into YF-01.
  const auto result = l.commit_allocation(
      request_for("FLOOD-III", {wanted("100", "2026-11-22T20:00", "YF-01")}, false));
  REQUIRE(result.plan.lines.size() == 1);
  CHECK(parts_of(result.plan.lines[0]) == "physical LN-01 T-A 40 2026-11-22T10:00 on-time\n"
                                          "physical CITY-01 T-C 40 2026-11-22T12:00 on-time\n"
                                          "agreement AGR-1 - 20 2026-11-22T14:00 on-time\n");
  REQUIRE(result.posting.movements.size() == 4);
  const auto &ms = result.posting.movements;
  CHECK(ms[0].kind == MovementKind::TransferOut);
  CHECK(ms[0].depot.str() == "LN-01");
  CHECK(ms[0].quantity == amount("-40"));
  CHECK(ms[1].kind == MovementKind::TransferIn);
  CHECK(ms[1].depot.str() == "YF-01");
  CHECK(ms[1].lot.str() == "T-A");
  CHECK(ms[1].quantity == amount("40"));
  CHECK(ms[2].kind == MovementKind::TransferOut);
  CHECK(ms[2].depot.str() == "CITY-01");
  CHECK(ms[2].quantity == amount("-40"));
  CHECK(ms[3].kind == MovementKind::TransferIn);
  CHECK(ms[3].depot.str() == "YF-01");
  CHECK(ms[3].lot.str() == "T-C");
  CHECK(ms[3].quantity == amount("40"));
  for (const auto &m : ms) {
    CHECK(m.incident == std::optional<IncidentCode>(IncidentCode("FLOOD-III")));
    CHECK(m.operation == ms[0].operation);
  }
  REQUIRE(result.calls.size() == 1);
  CHECK(result.calls[0].commitment.str() == "AGR-1");
  CHECK(result.calls[0].quantity == amount("20"));
  CHECK(result.calls[0].depot == std::optional<DepotCode>(DepotCode("YF-01")));
  CHECK(result.calls[0].incident == std::optional<IncidentCode>(IncidentCode("FLOOD-III")));
  CHECK(held_at(l, "YF-01", "TENT", "T-A") == amount("40"));
  CHECK(held_at(l, "YF-01", "TENT", "T-C") == amount("40"));
  CHECK(held_at(l, "LN-01", "TENT", "T-A") == amount("20"));
  CHECK(l.verify().movements == 9);
}

TEST_CASE("allocation: deliveries against calls, never beyond the call") {
  Flood f;
  auto &l = f.ledger;
  (void)l.commit_allocation(request_for("FLOOD-III", {wanted("200", "2026-11-22T20:00")}, true));
  // Calls: 1 AGR-1 50, 2 CAP-1 2, 3 CAP-1 68. Movements 1-5 receipts, 6-7 issues.

  // 30 of call 1 into LN-01 as lot AGR-2026-11: a receipt, movement 8.
  const auto into = l.deliver({.call = 1,
                               .quantity = amount("30"),
                               .depot = DepotCode("LN-01"),
                               .lot = LotNumber("AGR-2026-11"),
                               .expiry = std::nullopt,
                               .date = on("2026-11-22"),
                               .actor = alloc_keeper()});
  CHECK(into.id == 4);
  CHECK(into.kind == "deliver");
  CHECK(into.call == std::optional<std::int64_t>(1));
  CHECK(into.commitment.str() == "AGR-1");
  CHECK(into.incident == std::optional<IncidentCode>(IncidentCode("FLOOD-III")));
  CHECK(into.quantity == amount("30"));
  CHECK(into.depot == std::optional<DepotCode>(DepotCode("LN-01")));
  REQUIRE(into.movement.has_value());
  CHECK(*into.movement == 8);
  const auto all = l.movements();
  REQUIRE(all.size() == 8);
  const auto &receipt = all.back();
  CHECK(receipt.id == 8);
  CHECK(receipt.kind == MovementKind::Receive);
  CHECK(receipt.depot.str() == "LN-01");
  CHECK(receipt.lot.str() == "AGR-2026-11");
  CHECK(receipt.quantity == amount("30"));
  CHECK(receipt.incident == std::optional<IncidentCode>(IncidentCode("FLOOD-III")));
  CHECK(held_at(l, "LN-01", "TENT", "AGR-2026-11") == amount("30"));

  // The other 20 straight to the incident: no movement.
  const auto direct = l.deliver({.call = 1,
                                 .quantity = amount("20"),
                                 .depot = std::nullopt,
                                 .lot = std::nullopt,
                                 .expiry = std::nullopt,
                                 .date = on("2026-11-22"),
                                 .actor = alloc_keeper()});
  CHECK(direct.id == 5);
  CHECK_FALSE(direct.depot.has_value());
  CHECK_FALSE(direct.movement.has_value());
  CHECK(l.movements().size() == 8);

  // Call 1 is fully delivered (30 + 20 = 50): one more is refused; call 2 was for 2, not 71.
  const auto before = ledger_state(l);
  auto refuse = [&](std::int64_t call, const char *q) -> std::string {
    try {
      (void)l.deliver({.call = call,
                       .quantity = amount(q),
                       .depot = std::nullopt,
                       .lot = std::nullopt,
                       .expiry = std::nullopt,
                       .date = on("2026-11-22"),
                       .actor = alloc_keeper()});
    } catch (const Error &e) {
      if (typeid(e) != typeid(RuleViolation)) return std::string("[wrong type] ") + e.what();
      return e.what();
    }
    return "(accepted)";
  };
  CHECK(misses(refuse(1, "1"), {"\"1\"", "call 1", "50", "at most 0 more"}) == "");
  CHECK(misses(refuse(2, "71"), {"\"71\"", "call 2", "at most 2 more"}) == "");
  // Into a depot too: the receipt is not written either.
  try {
    (void)l.deliver({.call = 2,
                     .quantity = amount("3"),
                     .depot = DepotCode("LN-01"),
                     .lot = LotNumber("CAP-X"),
                     .expiry = std::nullopt,
                     .date = on("2026-11-22"),
                     .actor = alloc_keeper()});
    FAIL("delivered 3 against a call for 2");
  } catch (const RuleViolation &e) {
    CHECK(misses(e.what(), {"\"3\"", "at most 2 more"}) == "");
  }
  CHECK(ledger_state(l) == before);
  CHECK(l.commitment_entries().size() == 5);
  CHECK(l.movements().size() == 8);
  CHECK(l.verify().movements == 8);
}

TEST_CASE("allocation: the incident report after a commit, deliveries, a return and a reversal") {
  Flood f;
  auto &l = f.ledger;
  // 200 tents (late allowed) and 10 boxes of water by 20:00. Water: CHEM-01 (enterprise,
  // dispatch 0, 08:00) 6, then CITY-01 (12:00) 4.
  const auto result = l.commit_allocation(request_for(
      "FLOOD-III",
      {wanted("200", "2026-11-22T20:00"), wanted("10", "2026-11-22T20:00", nullptr, "WATER")},
      true));
  REQUIRE(result.plan.lines.size() == 2);
  CHECK(parts_of(result.plan.lines[1]) == "enterprise CHEM-01 W-E 6 2026-11-22T08:00 on-time\n"
                                          "physical CITY-01 W-1 4 2026-11-22T12:00 on-time\n");
  // Deliveries against call 1 (AGR-1 50): 30 into LN-01 and 20 to the incident.
  (void)l.deliver({.call = 1,
                   .quantity = amount("30"),
                   .depot = DepotCode("LN-01"),
                   .lot = LotNumber("AGR-2026-11"),
                   .expiry = std::nullopt,
                   .date = on("2026-11-22"),
                   .actor = alloc_keeper()});
  (void)l.deliver({.call = 1,
                   .quantity = amount("20"),
                   .depot = std::nullopt,
                   .lot = std::nullopt,
                   .expiry = std::nullopt,
                   .date = on("2026-11-22"),
                   .actor = alloc_keeper()});
  // 15 tents come back.
  ReturnRequest back{.depot = DepotCode("LN-01"),
                     .material = MaterialCode("TENT"),
                     .lot = LotNumber("T-A"),
                     .quantity = amount("15"),
                     .date = on("2026-11-22"),
                     .actor = alloc_keeper()};
  back.paper.incident = IncidentCode("FLOOD-III");
  (void)l.return_items(back);

  auto rows = l.incident_report(IncidentCode("FLOOD-III"));
  REQUIRE(rows.size() == 2);
  const auto *tent = report_row(rows, "TENT");
  REQUIRE(tent != nullptr);
  // requested 200; physical 40 + 40 = 80; enterprise 0; agreement 50; capacity 2 + 68 = 70;
  // social 0; issued 80; called 50 + 70 = 120; delivered 30 + 20 = 50 (the receipt into LN-01
  // is not an issue); outstanding 120 − 50 = 70; returned 15; still out 80 − 15 = 65.
  CHECK(tent->name == "帐篷");
  CHECK(tent->unit == "顶");
  CHECK(tent->recoverable);
  CHECK(tent->requested == amount("200"));
  CHECK(tent->physical == amount("80"));
  CHECK(tent->enterprise == amount("0"));
  CHECK(tent->agreement == amount("50"));
  CHECK(tent->capacity == amount("70"));
  CHECK(tent->social == amount("0"));
  CHECK(tent->issued == amount("80"));
  CHECK(tent->called == amount("120"));
  CHECK(tent->delivered == amount("50"));
  CHECK(tent->outstanding == amount("70"));
  CHECK(tent->returned == amount("15"));
  CHECK(tent->still_out == std::optional<Quantity>(amount("65")));
  const auto *water = report_row(rows, "WATER");
  REQUIRE(water != nullptr);
  // requested 10; enterprise 6 (CHEM-01), physical 4; issued 10; nothing called; water is not
  // recoverable: no still-out figure.
  CHECK_FALSE(water->recoverable);
  CHECK(water->requested == amount("10"));
  CHECK(water->physical == amount("4"));
  CHECK(water->enterprise == amount("6"));
  CHECK(water->agreement == amount("0"));
  CHECK(water->capacity == amount("0"));
  CHECK(water->issued == amount("10"));
  CHECK(water->called == amount("0"));
  CHECK(water->delivered == amount("0"));
  CHECK(water->outstanding == amount("0"));
  CHECK(water->returned == amount("0"));
  CHECK_FALSE(water->still_out.has_value());

  // The CITY-01 tent issue (40) is reversed: issued 80 − 40 = 40, still out 40 − 15 = 25.
  std::int64_t city_issue = 0;
  for (const auto &m : result.posting.movements) {
    if (m.depot.str() == "CITY-01" && m.material.str() == "TENT") city_issue = m.id;
  }
  REQUIRE(city_issue != 0);
  (void)l.reverse({.movements = {city_issue},
                   .date = on("2026-11-22"),
                   .actor = alloc_keeper(),
                   .reason = "录入错误"});
  rows = l.incident_report(IncidentCode("FLOOD-III"));
  tent = report_row(rows, "TENT");
  REQUIRE(tent != nullptr);
  CHECK(tent->issued == amount("40"));
  CHECK(tent->still_out == std::optional<Quantity>(amount("25")));
  CHECK(tent->returned == amount("15"));
  // Another incident's report is empty.
  CHECK(l.incident_report(IncidentCode("QUAKE-I")).empty());
  CHECK(l.verify().movements == 12);
}

TEST_CASE("allocation: the incident level sets the quota floors unless the request says") {
  Flood f;
  auto &l = f.ledger;
  l.add_incident({IncidentCode("RIVER-II"), "内涝", IncidentLevel::II, sh("2026-11-22T07:00"), ""});
  l.add_incident({IncidentCode("FIRE-IV"), "火灾", IncidentLevel::IV, sh("2026-11-22T07:00"), ""});
  // Kept: LN-01 gives 40 → on time 132, short 68. Released: 60 → on time 152, short 48.
  auto check_floors = [&](const char *incident, Floors floors, bool released) {
    CAPTURE(incident);
    const auto plan = l.plan_allocation(
        request_for(incident, {wanted("200", "2026-11-22T20:00")}, false, floors));
    CHECK(plan.policy.release_floors == released);
    REQUIRE(plan.lines.size() == 1);
    CHECK(plan.lines[0].on_time == amount(released ? "152" : "132"));
    CHECK(plan.lines[0].shortfall == amount(released ? "48" : "68"));
    REQUIRE_FALSE(plan.lines[0].parts.empty());
    CHECK(plan.lines[0].parts[0].source == "LN-01");
    CHECK(plan.lines[0].parts[0].quantity == amount(released ? "60" : "40"));
  };
  check_floors("QUAKE-I", Floors::ByLevel, true);
  check_floors("RIVER-II", Floors::ByLevel, true);
  check_floors("FLOOD-III", Floors::ByLevel, false);
  check_floors("FIRE-IV", Floors::ByLevel, false);
  check_floors("FLOOD-III", Floors::Release, true);
  check_floors("QUAKE-I", Floors::Keep, false);
  CHECK(parse_floors("keep") == Floors::Keep);
  CHECK(parse_floors("release") == Floors::Release);
  CHECK_THROWS_AS((void)parse_floors("bylevel"), InvalidInput);
}

TEST_CASE("allocation: check_demand lists every bad line with its index") {
  Flood f;
  auto &l = f.ledger;
  const std::vector<DemandLine> demand{
      wanted("10", "2026-11-22T20:00"),                 // 1 fine
      wanted("5", "2026-11-22T20:00", nullptr, "NOPE"), // 2 unknown material
      wanted("0", "2026-11-22T20:00"),                  // 3 zero
      wanted("2.5", "2026-11-22T20:00"),                // 4 tents are whole
      wanted("5", "2026-11-22T20:00", "NOWHERE"),       // 5 unknown depot
      wanted("1", "2026-11-22T20:00", "YF-01")};        // 6 fine
  const auto errors = l.check_demand(demand);
  REQUIRE(errors.size() == 4);
  CHECK(errors[0].line == 2);
  CHECK(misses(errors[0].message, {"material", "\"NOPE\""}) == "");
  CHECK(errors[1].line == 3);
  CHECK(misses(errors[1].message, {"\"0\"", "greater than zero"}) == "");
  CHECK(errors[2].line == 4);
  CHECK(misses(errors[2].message, {"\"2.5\"", "TENT", "0 decimals"}) == "");
  CHECK(errors[3].line == 5);
  CHECK(misses(errors[3].message, {"depot", "\"NOWHERE\""}) == "");
  CHECK(l.check_demand({wanted("10", "2026-11-22T20:00")}).empty());

  // Planning or committing such a demand is refused whole, listing the same lines, and writes
  // nothing.
  const auto before = ledger_state(l);
  try {
    (void)l.commit_allocation(request_for("FLOOD-III", demand, true));
    FAIL("committed a bad demand");
  } catch (const ImportError &e) {
    REQUIRE(e.errors().size() == 4);
    CHECK(e.errors()[0].line == 2);
    CHECK(e.errors()[3].line == 5);
  }
  CHECK_THROWS_AS((void)l.plan_allocation(request_for("FLOOD-III", demand, true)), ImportError);
  CHECK(ledger_state(l) == before);
}

TEST_CASE("allocation: a capacity part of a whole-unit material is a whole number of units") {
  // Coats (decimals 0) have no stock; CAP-C makes 10 a day from 09:00 (lead 1h). By 12:00
  // (3 h) it has made 10 × 3 / 24 = 1.25 coats: one whole coat can be promised on time. A call
  // for 1.25 coats could never be delivered (deliver refuses 1.25 coats), so the plan must not
  // contain one.
  Flood f;
  auto &l = f.ledger;
  l.add_commitment(ledger_pledge("CAP-C", Tier::Capacity, "被服厂", "100", "10", "1h", "2026-01-01",
                                 "2026-12-31", "COAT"));
  const auto plan = l.plan_allocation(
      request_for("FLOOD-III", {wanted("5", "2026-11-22T12:00", nullptr, "COAT")}, false));
  REQUIRE(plan.lines.size() == 1);
  for (const auto &p : plan.lines[0].parts) {
    const std::string shown = p.quantity.to_string();
    CAPTURE(shown);
    CHECK(p.quantity.decimals() == 0);
  }
  CHECK(plan.lines[0].on_time == amount("1"));
  CHECK(plan.lines[0].shortfall == amount("4"));
}

TEST_CASE("allocation: verify detects a tampered commitment entry") {
  stockpile::testing::TempDir dir;
  const auto file = dir.path() / "ledger.db";
  {
    auto l = Ledger::create(file, shanghai());
    set_up_flood(l);
    (void)l.commit_allocation(request_for("FLOOD-III", {wanted("200", "2026-11-22T20:00")}, true));
    REQUIRE(l.commitment_entries().size() == 3);
    CHECK(l.verify().movements == 7);
  }
  auto sqlite3 = [&](const std::string &sql) {
    const auto script = dir.path() / "tamper.sql";
    std::ofstream(script) << sql << "\n";
    const std::string cmd =
        "sqlite3 -bail '" + file.string() + "' < '" + script.string() + "' > /dev/null 2>&1";
    return std::system(cmd.c_str());
  };
  // The trigger refuses the edit as long as it is there.
  CHECK(sqlite3("UPDATE commitment_entries SET quantity = 60000 WHERE id = 2;") != 0);
  // Call 2 (CAP-1, 2 tents) becomes 60 tents (quantities are stored in thousandths).
  REQUIRE(sqlite3("DROP TRIGGER commitment_entries_no_update;\n"
                  "UPDATE commitment_entries SET quantity = 60000 WHERE id = 2;") == 0);
  auto l = Ledger::open(file, shanghai());
  REQUIRE(l.commitment_entries().size() == 3);
  CHECK(l.commitment_entries()[1].quantity == amount("60")); // the edit took
  try {
    (void)l.verify();
    FAIL("verify accepted a changed call");
  } catch (const IntegrityError &e) {
    CHECK(e.exit_code() == 3);
    CHECK(misses(e.what(), {"commitment entry 2", "call"}) == "");
  }
}
