// Readiness (战备 / 保障能力), hazard coverage (灾种覆盖) and the annual report (年报): the pure
// functions on hand-built data first, then through a ledger. Every expected figure is worked
// out by hand in the comment next to it. Times are UTC unless a test says otherwise.
#include <chrono>
#include <doctest/doctest.h>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "stockpile/clock.hpp"
#include "stockpile/error.hpp"
#include "stockpile/ledger.hpp"
#include "stockpile/readiness.hpp"
#include "support/temp_ledger.hpp"

using namespace stockpile;
using std::chrono::hours;

template <> struct doctest::StringMaker<Quantity> {
  static doctest::String convert(const Quantity& value) { return value.to_string().c_str(); }
};

namespace {

Date d(const char* text) { return Date::parse(text); }
Quantity q(const char* text) { return Quantity::parse(text); }
std::chrono::sys_seconds utc(const char* text) { return parse_utc_timestamp(text, "time"); }

StockLine held(const char* depot, const char* material, const char* lot, const char* qty,
               const char* expiry = nullptr, LotStatus status = LotStatus::Available) {
  return StockLine{.depot = DepotCode(depot),
                   .tier = Tier::Physical,
                   .material = MaterialCode(material),
                   .name = material,
                   .unit = "个",
                   .lot = Lot{.material = MaterialCode(material),
                              .number = LotNumber(lot),
                              .production = std::nullopt,
                              .expiry = expiry ? std::optional<Date>(d(expiry)) : std::nullopt,
                              .status = status},
                   .quantity = q(qty)};
}

Scope depot_scope(const char* code) {
  return Scope{ScopeKind::Depot, code, code, {DepotCode(code)}, false};
}

Material material(const char* code, const char* name, const char* unit, const char* hazards) {
  Material m{MaterialCode(code)};
  m.name = name;
  m.unit = unit;
  m.hazards = parse_hazards(hazards);
  return m;
}

Commitment pledge(const char* code, Tier tier, const char* material_code, const char* qty,
                  const char* rate, const char* lead, const char* from, const char* to) {
  Commitment c{.code = CommitmentCode(code),
               .tier = tier,
               .party = "supplier",
               .contact = "",
               .material = MaterialCode(material_code),
               .valid_from = d(from),
               .valid_to = d(to),
               .quantity = q(qty),
               .rate = q(rate),
               .lead_time = Duration::parse(lead),
               .reliability = std::nullopt,
               .called = {}};
  return c;
}

const ReadinessRow* find_row(const std::vector<ReadinessRow>& rows, ScopeKind kind,
                             const char* scope, const char* mat) {
  for (const auto& r : rows) {
    if (r.kind == kind && r.scope == scope && r.material.str() == mat) return &r;
  }
  return nullptr;
}

const CoverageRow* find_row(const CoverageMatrix& m, ScopeKind kind, const char* scope) {
  for (const auto& r : m.rows) {
    if (r.kind == kind && r.scope == scope) return &r;
  }
  return nullptr;
}

const AnnualRow* find_row(const std::vector<AnnualRow>& rows, const char* mat,
                          const char* depot = nullptr) {
  for (const auto& r : rows) {
    if (r.material.str() != mat) continue;
    if (depot && (!r.depot || r.depot->str() != depot)) continue;
    return &r;
  }
  return nullptr;
}

// opening + receipts − issues + transfers in − out − disposals + adjustments + returns.
Quantity balance_of(const AnnualRow& r) {
  return r.opening + r.receipts - r.issues + r.transfers_in - r.transfers_out - r.disposals +
         r.adjustments + r.returns;
}

} // namespace

// ---- readiness: pure -----------------------------------------------------------------------

TEST_CASE("readiness: shortfall and excess arithmetic at the quota's edges") {
  const std::vector<Scope> scopes{depot_scope("A"), depot_scope("B"), depot_scope("C"),
                                  depot_scope("D"), depot_scope("E")};
  const std::vector<StockLine> stock{held("A", "M", "1", "299"), held("B", "M", "1", "300"),
                                     held("C", "M", "1", "600"), held("D", "M", "1", "601"),
                                     held("E", "M", "1", "7")};
  const std::vector<Quota> quotas{
      {DepotCode("A"), MaterialCode("M"), q("300"), q("600")},
      {DepotCode("B"), MaterialCode("M"), q("300"), q("600")},
      {DepotCode("C"), MaterialCode("M"), q("300"), q("600")},
      {DepotCode("D"), MaterialCode("M"), q("300"), q("600")},
      {DepotCode("E"), MaterialCode("M"), q("0"), std::nullopt}};
  const auto rows = assess_readiness(scopes, stock, quotas, {}, {}, d("2026-11-22"));
  REQUIRE(rows.size() == 5);
  const auto* a = find_row(rows, ScopeKind::Depot, "A", "M");
  const auto* b = find_row(rows, ScopeKind::Depot, "B", "M");
  const auto* c = find_row(rows, ScopeKind::Depot, "C", "M");
  const auto* dd = find_row(rows, ScopeKind::Depot, "D", "M");
  const auto* e = find_row(rows, ScopeKind::Depot, "E", "M");
  REQUIRE((a && b && c && dd && e));
  CHECK(a->shortfall == q("1")); // 300 − 299
  CHECK(a->excess == q("0"));
  CHECK(a->status == ReadinessStatus::Short);
  CHECK(b->shortfall == q("0")); // exactly the minimum
  CHECK(b->status == ReadinessStatus::Ok);
  CHECK(c->excess == q("0")); // exactly the maximum
  CHECK(c->status == ReadinessStatus::Ok);
  CHECK(dd->excess == q("1")); // 601 − 600
  CHECK(dd->status == ReadinessStatus::Over);
  CHECK(e->max == std::nullopt); // no maximum: never over
  CHECK(e->status == ReadinessStatus::Ok);
  // Below quota first: A is the only short row.
  CHECK(rows.front().scope == "A");
}

TEST_CASE("readiness: expired and blocked stock is held but not usable") {
  const std::vector<StockLine> stock{
      held("A", "MASK", "OLD", "100", "2026-11-21"),  // expired the day before
      held("A", "MASK", "LAST", "40", "2026-11-22"),  // usable through its expiry date
      held("A", "MASK", "Q", "30", nullptr, LotStatus::Quarantined),
      held("A", "MASK", "R", "20", nullptr, LotStatus::Recalled),
      held("A", "MASK", "OK", "5")};
  const std::vector<Quota> quotas{{DepotCode("A"), MaterialCode("MASK"), q("50"), q("500")}};
  const auto rows = assess_readiness({depot_scope("A")}, stock, quotas, {}, {}, d("2026-11-22"));
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].stock == q("45"));     // 40 + 5
  CHECK(rows[0].unusable == q("150")); // 100 + 30 + 20
  CHECK(rows[0].total == q("45"));
  CHECK(rows[0].shortfall == q("5")); // 50 − 45: the unusable stock does not hold the floor up
  CHECK(rows[0].status == ReadinessStatus::Short);
}

TEST_CASE("readiness: a material with a quota and no stock gets its catalog name") {
  const std::vector<Quota> quotas{{DepotCode("A"), MaterialCode("TENT"), q("10"), q("20")}};
  const auto rows = assess_readiness({depot_scope("A")}, {}, quotas, {},
                                     {material("TENT", "帐篷", "顶", "flood")}, d("2026-11-22"));
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].name == "帐篷");
  CHECK(rows[0].unit == "顶");
  CHECK(rows[0].shortfall == q("10"));
}

TEST_CASE("readiness: commitments deliver within the horizon, by tier") {
  // From 2026-11-22T00:00Z. By 2026-11-23T00:00Z (24 h):
  //   AGR 400, lead 12h → arrives 12:00, in time;
  //   AGR-LATE 70, lead 25h → after the horizon;
  //   AGR-OLD 100, valid only in 2025 → not valid on the arrival day;
  //   SOC 50, lead 24h → arrives exactly at the horizon: in time;
  //   CAP 100/day, max 1000, lead 6h → produces from 06:00 to 24:00, 18 h: 75.
  const std::vector<Commitment> cs{
      pledge("AGR", Tier::Agreement, "MASK", "400", "0", "12h", "2026-01-01", "2026-12-31"),
      pledge("AGR-LATE", Tier::Agreement, "MASK", "70", "0", "25h", "2026-01-01", "2026-12-31"),
      pledge("AGR-OLD", Tier::Agreement, "MASK", "100", "0", "1h", "2025-01-01", "2025-12-31"),
      pledge("SOC", Tier::Social, "MASK", "50", "0", "24h", "2026-01-01", "2026-12-31"),
      pledge("CAP", Tier::Capacity, "COAT", "1000", "100", "6h", "2026-01-01", "2026-12-31")};
  const auto from = utc("2026-11-22T00:00:00Z");
  const std::map<std::string, int> whole{{"COAT", 0}, {"MASK", 0}}; // whole units only
  const auto reach = commitment_reach(cs, whole, from, from + hours{24}, "UTC");
  REQUIRE(reach.count("MASK") == 1);
  REQUIRE(reach.count("COAT") == 1);
  CHECK(reach.at("MASK").agreement == q("400"));
  CHECK(reach.at("MASK").social == q("50"));
  CHECK(reach.at("MASK").capacity == q("0"));
  CHECK(reach.at("COAT").capacity == q("75"));
  CHECK(reach.at("COAT").agreement == q("0"));

  // 72 h: AGR-LATE arrives too; CAP produces 66 h: 275.
  const auto later = commitment_reach(cs, whole, from, from + hours{72}, "UTC");
  CHECK(later.at("MASK").agreement == q("470"));
  CHECK(later.at("COAT").capacity == q("275"));

  // 5 h: nothing has arrived (CAP starts at 6 h); no entry at all.
  const auto soon = commitment_reach(cs, whole, from, from + hours{5}, "UTC");
  CHECK(soon.empty());

  // What was already called is not offered again.
  auto called = cs;
  called[0].called = q("150");
  const auto after_call =
      commitment_reach(called, whole, from, from + hours{24}, "UTC");
  CHECK(after_call.at("MASK").agreement == q("250"));
}

TEST_CASE("readiness: commitments count only where the scope says so, in the total") {
  Scope city{ScopeKind::Organisation, "LZ", "柳州市", {DepotCode("A")}, true};
  Scope district{ScopeKind::Organisation, "LN", "柳南区", {DepotCode("A")}, false};
  const std::map<std::string, CommitmentReach> reach{
      {"MASK", CommitmentReach{.agreement = q("400"), .capacity = q("0"), .social = q("50")}}};
  const std::vector<Quota> quotas{{DepotCode("A"), MaterialCode("MASK"), q("600"), q("700")}};
  const auto rows = assess_readiness({city, district}, {held("A", "MASK", "1", "100")}, quotas,
                                     reach, {}, d("2026-11-22"));
  const auto* c = find_row(rows, ScopeKind::Organisation, "LZ", "MASK");
  const auto* l = find_row(rows, ScopeKind::Organisation, "LN", "MASK");
  REQUIRE((c && l));
  REQUIRE(c->reach.has_value());
  CHECK(c->total == q("550"));    // 100 + 400 + 50
  CHECK(c->shortfall == q("50")); // 600 − 550
  CHECK_FALSE(l->reach.has_value());
  CHECK(l->total == q("100"));
  CHECK(l->shortfall == q("500"));
  // A stock of 800 is over the maximum by 100 whatever the commitments: they take no shelf.
  const auto full = assess_readiness({city}, {held("A", "MASK", "1", "800")}, quotas, reach, {},
                                     d("2026-11-22"));
  REQUIRE(full.size() == 1);
  CHECK(full[0].excess == q("100"));
  CHECK(full[0].status == ReadinessStatus::Over);
}

// ---- coverage: pure ------------------------------------------------------------------------

TEST_CASE("coverage: single-hazard and no-hazard depots are flagged; counts are per material") {
  const std::vector<Material> catalog{
      material("COAT", "棉衣", "件", "cold"), material("QUILT", "棉胎", "床", "cold"),
      material("TENT", "帐篷", "顶", "earthquake,flood,cold"),
      material("MASK", "口罩", "个", "epidemic"), material("TAPE", "封条", "卷", "")};
  const std::vector<StockLine> stock{
      held("COLD", "COAT", "1", "80"), held("COLD", "QUILT", "1", "80"),
      held("COLD", "MASK", "OLD", "500", "2026-01-01"), // expired: serves nothing
      held("MIXED", "TENT", "1", "15"), held("MIXED", "MASK", "1", "10"),
      held("BARE", "TAPE", "1", "3")};
  Scope org{ScopeKind::Organisation, "LN", "柳南区",
            {DepotCode("COLD"), DepotCode("MIXED"), DepotCode("BARE")}, false};
  Scope empty_org{ScopeKind::Organisation, "CZ", "城中区", {}, false};
  const auto m = assess_coverage({depot_scope("MIXED"), depot_scope("COLD"), depot_scope("BARE"),
                                  org, empty_org},
                                 stock, catalog, d("2026-11-22"));
  CHECK(m.hazards == std::vector<std::string>{"cold", "earthquake", "epidemic", "flood"});
  const auto* cold = find_row(m, ScopeKind::Depot, "COLD");
  const auto* mixed = find_row(m, ScopeKind::Depot, "MIXED");
  const auto* bare = find_row(m, ScopeKind::Depot, "BARE");
  const auto* ln = find_row(m, ScopeKind::Organisation, "LN");
  const auto* cz = find_row(m, ScopeKind::Organisation, "CZ");
  REQUIRE((cold && mixed && bare && ln && cz));
  CHECK(cold->flag == CoverageFlag::SingleHazard);
  CHECK(cold->materials == 2);
  CHECK(cold->hazards == std::map<std::string, std::size_t>{{"cold", 2}});
  CHECK(mixed->flag == CoverageFlag::None);
  CHECK(mixed->hazards ==
        std::map<std::string, std::size_t>{{"cold", 1}, {"earthquake", 1}, {"epidemic", 1},
                                           {"flood", 1}});
  CHECK(bare->flag == CoverageFlag::NoHazard); // holds stock, but of nothing that serves a hazard
  CHECK(bare->materials == 1);
  CHECK(ln->hazards.at("cold") == 3); // COAT, QUILT, TENT
  CHECK(ln->depots == 3);
  // 3 of LN's 5 materials serve cold and no other hazard reaches half: a cold-weather district.
  CHECK(ln->flag == CoverageFlag::SingleHazard);
  CHECK(ln->main_hazard == "cold");
  CHECK(cold->main_hazard == "cold");
  CHECK(cz->flag == CoverageFlag::NoHazard);
  CHECK(cz->depots == 0);
  // Organisations first, then depots, each by code.
  REQUIRE(m.rows.size() == 5);
  CHECK(m.rows[0].scope == "CZ");
  CHECK(m.rows[1].scope == "LN");
  CHECK(m.rows[2].scope == "BARE");
  CHECK(m.rows[3].scope == "COLD");
  CHECK(m.rows[4].scope == "MIXED");
  // Detail: one line per depot, hazard and material, with the usable quantity.
  REQUIRE(m.detail.size() == 6); // COLD: cold×2; MIXED: TENT×3 + MASK×1
  CHECK(m.detail[0].depot.str() == "COLD");
  CHECK(m.detail[0].material.str() == "COAT");
  CHECK(m.detail[0].quantity == q("80"));
  CHECK(m.detail[2].depot.str() == "MIXED");
  CHECK(m.detail[2].hazard == "cold");
  CHECK(m.detail[2].material.str() == "TENT");
}

TEST_CASE("coverage: one usable tent makes a cold-only depot cover three hazards") {
  const std::vector<Material> catalog{material("COAT", "棉衣", "件", "cold"),
                                      material("TENT", "帐篷", "顶", "earthquake,flood,cold")};
  const auto flagged = assess_coverage({depot_scope("A")}, {held("A", "COAT", "1", "80")},
                                       catalog, d("2026-11-22"));
  CHECK(flagged.rows.at(0).flag == CoverageFlag::SingleHazard);
  const auto covered = assess_coverage(
      {depot_scope("A")}, {held("A", "COAT", "1", "80"), held("A", "TENT", "1", "1")}, catalog,
      d("2026-11-22"));
  CHECK(covered.rows.at(0).flag == CoverageFlag::None);
  CHECK(covered.rows.at(0).hazards.size() == 3);
}

// ---- annual: pure --------------------------------------------------------------------------

TEST_CASE("annual: parse_year names --year and the value") {
  CHECK(parse_year("2026") == 2026);
  CHECK(parse_year("1900") == 1900);
  CHECK(parse_year("9999") == 9999);
  for (const char* bad : {"99999", "abc", "26", "", "1899", "+2026", "2026 ", "２０２６"}) {
    CAPTURE(bad);
    try {
      (void)parse_year(bad);
      FAIL("accepted");
    } catch (const InvalidInput& e) {
      CHECK(std::string(e.what()).find("--year " + quote(bad)) != std::string::npos);
      CHECK(e.exit_code() == 1);
    }
  }
}

TEST_CASE("annual: a row that does not add up is an integrity error, not a row") {
  Movement in{.id = 1, .date = d("2026-03-01"), .kind = MovementKind::Receive,
              .depot = DepotCode("A"), .material = MaterialCode("M"), .lot = LotNumber("1"),
              .quantity = q("10"), .actor = CustodianId("wang.li")};
  // 5 + 10 = 15 on the books; the closing balance says 16.
  const std::vector<StockLine> opening{held("A", "M", "1", "5")};
  const std::vector<StockLine> good{held("A", "M", "1", "15")};
  const std::vector<StockLine> bad{held("A", "M", "1", "16")};
  const auto rows = annual_rows(opening, {in}, good, {}, {}, AnnualGrouping::Material);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].receipts == q("10"));
  CHECK(rows[0].closing == q("15"));
  try {
    (void)annual_rows(opening, {in}, bad, {}, {}, AnnualGrouping::Material);
    FAIL("a mismatch was accepted");
  } catch (const IntegrityError& e) {
    CHECK(std::string(e.what()) ==
          "depot A material M: opening 5 + movements 10 = 15, but the closing balance is 16");
    CHECK(e.exit_code() == 3);
  }
  // A reversal whose movement is unknown cannot be put in a column.
  Movement rev = in;
  rev.id = 2;
  rev.kind = MovementKind::Reverse;
  rev.quantity = q("-10");
  rev.reverses = 1;
  CHECK_THROWS_AS((void)annual_rows(opening, {rev}, {held("A", "M", "1", "-5")}, {}, {},
                                    AnnualGrouping::Material),
                  IntegrityError);
}

// ---- through a ledger ----------------------------------------------------------------------

namespace {

// A city (LZ) with districts LN and YF and LN's enterprise CHEM; depots CITY-01 (LZ), LN-01,
// YF-01, CHEM-01; the clock says 2026-11-22T08:00Z.
struct Reserve {
  stockpile::testing::TempDir dir;
  Ledger ledger = [this] {
    auto o = stockpile::testing::fixed_clock();
    o.time_zone = "UTC";
    return Ledger::create(dir.path() / "ledger.db", o);
  }();

  Reserve() {
    ledger.add_organisation({OrgCode("LZ"), "柳州市", OrgLevel::City, std::nullopt});
    ledger.add_organisation({OrgCode("LN"), "柳南区", OrgLevel::District, OrgCode("LZ")});
    ledger.add_organisation({OrgCode("YF"), "鱼峰区", OrgLevel::District, OrgCode("LZ")});
    ledger.add_organisation({OrgCode("CHEM"), "柳化", OrgLevel::Enterprise, OrgCode("LN")});
    ledger.add_depot({DepotCode("CITY-01"), "柳州市救灾物资储备库", OrgCode("LZ"), ""});
    ledger.add_depot({DepotCode("LN-01"), "柳南区救灾物资仓库", OrgCode("LN"), ""});
    ledger.add_depot({DepotCode("YF-01"), "鱼峰区防汛物资仓库", OrgCode("YF"), ""});
    ledger.add_depot({DepotCode("CHEM-01"), "柳化应急物资库", OrgCode("CHEM"), ""});
    const std::vector<DepotCode> all{DepotCode("CITY-01"), DepotCode("LN-01"),
                                     DepotCode("YF-01"), DepotCode("CHEM-01")};
    ledger.add_custodian({CustodianId("wang.li"), "王丽", "", parse_roles("keeper"), all});
    ledger.add_custodian({CustodianId("chen.gang"), "陈刚", "", parse_roles("responsible"), all});
    ledger.add_custodian({CustodianId("zhao.jun"), "赵军", "", parse_roles("keeper"), all});
    ledger.add_material(material("COAT", "棉衣", "件", "cold"));
    auto mask = material("MASK", "口罩", "个", "epidemic");
    mask.shelf_life = Duration::parse("2y");
    ledger.add_material(mask);
    auto tent = material("TENT", "帐篷", "顶", "earthquake,flood,cold");
    tent.recoverable = true;
    ledger.add_material(tent);
  }

  Posting receive(const char* depot, const char* mat, const char* lot, const char* qty,
                  const char* date, const char* expiry = nullptr) {
    return ledger.receive(ReceiveRequest{
        .depot = DepotCode(depot),
        .material = MaterialCode(mat),
        .lot = LotNumber(lot),
        .quantity = q(qty),
        .date = d(date),
        .actor = CustodianId("wang.li"),
        .production = std::nullopt,
        .expiry = expiry ? std::optional<Date>(d(expiry)) : std::nullopt});
  }

  Posting issue(const char* depot, const char* mat, const char* qty, const char* date) {
    return ledger.issue(IssueRequest{.depot = DepotCode(depot),
                                     .material = MaterialCode(mat),
                                     .lot = std::nullopt,
                                     .quantity = q(qty),
                                     .date = d(date),
                                     .actor = CustodianId("wang.li")});
  }

  Posting reverse(std::int64_t id, const char* date) {
    return ledger.reverse(ReverseRequest{.movements = {id},
                                         .date = d(date),
                                         .actor = CustodianId("wang.li"),
                                         .reason = "entered twice"});
  }

  void quota(const char* depot, const char* mat, const char* min, const char* max) {
    ledger.set_quota({DepotCode(depot), MaterialCode(mat), q(min),
                      max ? std::optional<Quantity>(q(max)) : std::nullopt});
  }

  // Stock on 2026-11-22 (usable unless said):
  //   CITY-01 COAT 500                       quota 1000, no max
  //   LN-01   COAT 80                        quota 50..60
  //   LN-01   MASK M1 100 expired 2026-10-31, M3 30 quarantined   quota 300..600
  //   CHEM-01 MASK M2 200                    quota 100..150
  //   YF-01   TENT 10                        quota 5..20
  // Commitments (from 2026-11-22T00:00Z): AGR-M mask 400 in 12 h; SOC-M mask 50 in 3 d;
  // CAP-C coats 100 a day after 6 h, at most 1000; AGR-OLD mask 100, valid only in 2025.
  void stock_up() {
    receive("CITY-01", "COAT", "C1", "500", "2026-01-10");
    receive("LN-01", "COAT", "C1", "80", "2026-01-10");
    receive("LN-01", "MASK", "M1", "100", "2025-01-10", "2026-10-31");
    receive("LN-01", "MASK", "M3", "30", "2026-05-10", "2028-05-01");
    ledger.set_lot_status(MaterialCode("MASK"), LotNumber("M3"), LotStatus::Quarantined,
                          CustodianId("wang.li"), "mould on the cartons");
    receive("CHEM-01", "MASK", "M2", "200", "2026-05-10", "2028-05-01");
    receive("YF-01", "TENT", "T1", "10", "2026-01-10");
    quota("CITY-01", "COAT", "1000", nullptr);
    quota("LN-01", "COAT", "50", "60");
    quota("LN-01", "MASK", "300", "600");
    quota("CHEM-01", "MASK", "100", "150");
    quota("YF-01", "TENT", "5", "20");
    ledger.add_commitment(
        pledge("AGR-M", Tier::Agreement, "MASK", "400", "0", "12h", "2026-01-01", "2026-12-31"));
    ledger.add_commitment(
        pledge("SOC-M", Tier::Social, "MASK", "50", "0", "3d", "2026-01-01", "2026-12-31"));
    ledger.add_commitment(
        pledge("CAP-C", Tier::Capacity, "COAT", "1000", "100", "6h", "2026-01-01", "2026-12-31"));
    ledger.add_commitment(
        pledge("AGR-OLD", Tier::Agreement, "MASK", "100", "0", "1h", "2025-01-01", "2025-12-31"));
  }
};

ReadinessOptions on_day(const char* horizon = "24h") {
  ReadinessOptions o;
  o.as_of = d("2026-11-22");
  o.horizon = Duration::parse(horizon);
  o.time_zone = "UTC";
  return o;
}

} // namespace

TEST_CASE("readiness: a city rolls up its districts and enterprises; commitments count at the "
          "top") {
  Reserve r;
  r.stock_up();
  const auto report = readiness_report(r.ledger, on_day());
  CHECK(report.by == utc("2026-11-23T00:00:00Z"));
  const auto& rows = report.rows;

  // Depots: stock alone.
  const auto* ln_mask = find_row(rows, ScopeKind::Depot, "LN-01", "MASK");
  REQUIRE(ln_mask);
  CHECK(ln_mask->stock == q("0"));
  CHECK(ln_mask->unusable == q("130")); // 100 expired + 30 quarantined
  CHECK_FALSE(ln_mask->reach.has_value());
  CHECK(ln_mask->shortfall == q("300"));
  const auto* ln_coat = find_row(rows, ScopeKind::Depot, "LN-01", "COAT");
  REQUIRE(ln_coat);
  CHECK(ln_coat->excess == q("20")); // 80 − 60
  CHECK(ln_coat->status == ReadinessStatus::Over);

  // The district LN: LN-01 and its enterprise's CHEM-01. Masks: usable 200 (CHEM-01), quota
  // 300 + 100 = 400 .. 600 + 150 = 750: short by 200. No commitments below the city.
  const auto* ln = find_row(rows, ScopeKind::Organisation, "LN", "MASK");
  REQUIRE(ln);
  CHECK(ln->stock == q("200"));
  CHECK(ln->unusable == q("130"));
  CHECK(ln->min == q("400"));
  CHECK(ln->max == q("750"));
  CHECK(ln->shortfall == q("200"));
  CHECK_FALSE(ln->reach.has_value());
  // The enterprise alone: 200 against 100..150, over by 50.
  const auto* chem = find_row(rows, ScopeKind::Organisation, "CHEM", "MASK");
  REQUIRE(chem);
  CHECK(chem->excess == q("50"));

  // The city: every depot, and the commitments that deliver by 2026-11-23T00:00Z.
  // Masks: 200 + agreement 400 (SOC-M's 3 days are beyond the horizon, AGR-OLD expired) = 600
  // against 400..750: ok.
  const auto* lz_mask = find_row(rows, ScopeKind::Organisation, "LZ", "MASK");
  REQUIRE(lz_mask);
  REQUIRE(lz_mask->reach.has_value());
  CHECK(lz_mask->reach->agreement == q("400"));
  CHECK(lz_mask->reach->social == q("0"));
  CHECK(lz_mask->total == q("600"));
  CHECK(lz_mask->status == ReadinessStatus::Ok);
  // Coats: 500 + 80 stock + 75 produced (18 h at 100 a day) = 655 against 1000 + 50 = 1050,
  // no maximum (CITY-01 has none): short by 395.
  const auto* lz_coat = find_row(rows, ScopeKind::Organisation, "LZ", "COAT");
  REQUIRE(lz_coat);
  CHECK(lz_coat->stock == q("580"));
  CHECK(lz_coat->reach->capacity == q("75"));
  CHECK(lz_coat->total == q("655"));
  CHECK(lz_coat->min == q("1050"));
  CHECK(lz_coat->max == std::nullopt);
  CHECK(lz_coat->shortfall == q("395"));

  // Below quota first: org LN MASK, org LZ COAT, depot CITY-01 COAT, depot LN-01 MASK.
  REQUIRE(rows.size() == 12);
  CHECK(rows[0].scope == "LN");
  CHECK(rows[1].scope == "LZ");
  CHECK(rows[1].material.str() == "COAT");
  CHECK(rows[2].scope == "CITY-01");
  CHECK(rows[3].scope == "LN-01");
  CHECK(rows[3].material.str() == "MASK");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    CAPTURE(i);
    CHECK(rows[i].shortfall.is_positive() == (i < 4));
  }
}

TEST_CASE("readiness: a longer horizon brings the social pledge and more production in") {
  Reserve r;
  r.stock_up();
  const auto rows = readiness_report(r.ledger, on_day("3d")).rows;
  const auto* lz_mask = find_row(rows, ScopeKind::Organisation, "LZ", "MASK");
  const auto* lz_coat = find_row(rows, ScopeKind::Organisation, "LZ", "COAT");
  REQUIRE((lz_mask && lz_coat));
  CHECK(lz_mask->reach->social == q("50")); // arrives at exactly 72 h
  CHECK(lz_mask->total == q("650"));
  CHECK(lz_coat->reach->capacity == q("275")); // 66 h at 100 a day
}

TEST_CASE("readiness: --org and --depot narrow the scopes") {
  Reserve r;
  r.stock_up();
  auto o = on_day();
  o.org = OrgCode("LN");
  const auto rows = readiness_report(r.ledger, o).rows;
  for (const auto& row : rows) {
    CAPTURE(row.scope);
    CHECK((row.scope == "LN" || row.scope == "CHEM" || row.scope == "LN-01" ||
           row.scope == "CHEM-01"));
    CHECK_FALSE(row.reach.has_value()); // a district is not the top of the tree
  }
  CHECK(rows.size() == 6); // LN: COAT, MASK; CHEM: MASK; LN-01: COAT, MASK; CHEM-01: MASK

  auto one = on_day();
  one.depot = DepotCode("YF-01");
  const auto yf = readiness_report(r.ledger, one).rows;
  REQUIRE(yf.size() == 1);
  CHECK(yf[0].kind == ScopeKind::Depot);
  CHECK(yf[0].status == ReadinessStatus::Ok);

  one.depot = DepotCode("NOPE");
  CHECK_THROWS_AS((void)readiness_report(r.ledger, one), NotFound);
}

TEST_CASE("coverage: through the ledger, expired and quarantined masks leave LN-01 cold-only") {
  Reserve r;
  r.stock_up();
  CoverageOptions o;
  o.as_of = d("2026-11-22");
  const auto m = coverage_report(r.ledger, o);
  const auto* ln01 = find_row(m, ScopeKind::Depot, "LN-01");
  const auto* chem = find_row(m, ScopeKind::Depot, "CHEM-01");
  const auto* yf = find_row(m, ScopeKind::Depot, "YF-01");
  const auto* lz = find_row(m, ScopeKind::Organisation, "LZ");
  REQUIRE((ln01 && chem && yf && lz));
  CHECK(ln01->flag == CoverageFlag::SingleHazard);
  CHECK(ln01->hazards == std::map<std::string, std::size_t>{{"cold", 1}});
  CHECK(chem->flag == CoverageFlag::SingleHazard); // epidemic
  CHECK(yf->flag == CoverageFlag::None);           // a tent: earthquake, flood, cold
  CHECK(lz->hazards == std::map<std::string, std::size_t>{
                           {"cold", 2}, {"earthquake", 1}, {"epidemic", 1}, {"flood", 1}});
  // On 2026-10-31 mask M1 was not yet expired: LN-01 served epidemics too.
  o.as_of = d("2026-10-31");
  const auto before = coverage_report(r.ledger, o);
  CHECK(find_row(before, ScopeKind::Depot, "LN-01")->flag == CoverageFlag::None);
}

TEST_CASE("annual: opening + movements = closing across the year boundary") {
  Reserve r;
  // 2025 at LN-01: 100 coats in, 10 out on 12-31, 20 transferred to YF-01 on 12-31.
  r.receive("LN-01", "COAT", "C1", "100", "2025-03-01");
  const auto wrong_issue = r.issue("LN-01", "COAT", "10", "2025-12-31").movements.at(0).id;
  (void)r.ledger.transfer(TransferRequest{.from = DepotCode("LN-01"),
                                          .to = DepotCode("YF-01"),
                                          .material = MaterialCode("COAT"),
                                          .lot = LotNumber("C1"),
                                          .quantity = q("20"),
                                          .date = d("2025-12-31"),
                                          .actor = CustodianId("wang.li")});
  r.receive("YF-01", "TENT", "T1", "10", "2025-06-01");
  // 2026: the 12-31 issue is reversed on 01-01; 50 more come in; 5 are written off.
  (void)r.reverse(wrong_issue, "2026-01-01");
  r.receive("LN-01", "COAT", "C2", "50", "2026-01-01");
  (void)r.ledger.dispose(DisposeRequest{.depot = DepotCode("LN-01"),
                                        .material = MaterialCode("COAT"),
                                        .lot = LotNumber("C2"),
                                        .quantity = q("5"),
                                        .date = d("2026-01-01"),
                                        .actor = CustodianId("wang.li"),
                                        .reason = DisposalReason::Damaged,
                                        .approver = CustodianId("chen.gang")});
  (void)r.issue("LN-01", "COAT", "30", "2026-02-01");
  // A receipt entered by mistake and reversed in the same year nets to nothing.
  const auto twice = r.receive("LN-01", "COAT", "C2", "7", "2026-04-01").movements.at(0).id;
  (void)r.reverse(twice, "2026-04-02");
  // Tents: 4 out, 3 back.
  (void)r.issue("YF-01", "TENT", "4", "2026-02-01");
  (void)r.ledger.return_items(ReturnRequest{.depot = DepotCode("YF-01"),
                                            .material = MaterialCode("TENT"),
                                            .lot = LotNumber("T1"),
                                            .quantity = q("3"),
                                            .date = d("2026-03-01"),
                                            .actor = CustodianId("wang.li")});
  // A stocktake at YF-01 finds 18 coats of the 20 on the books.
  const auto st = r.ledger.start_stocktake(StartStocktake{.depot = DepotCode("YF-01"),
                                                          .materials = {MaterialCode("COAT")},
                                                          .blind = false,
                                                          .date = d("2026-06-01"),
                                                          .actor = CustodianId("wang.li")});
  r.ledger.count(st.id, CountRequest{.material = MaterialCode("COAT"),
                                     .lot = LotNumber("C1"),
                                     .quantity = q("18"),
                                     .counter = CustodianId("zhao.jun")});
  (void)r.ledger.close_stocktake(st.id, CloseStocktake{.approver = CustodianId("chen.gang"),
                                                       .actor = CustodianId("wang.li"),
                                                       .date = d("2026-06-01"),
                                                       .reasons = {{"COAT/C1",
                                                                    VarianceReason::Lost}}});

  SUBCASE("2025 per depot") {
    const auto y = annual_report(r.ledger, AnnualOptions{.year = 2025,
                                                         .org = std::nullopt,
                                                         .depot = std::nullopt,
                                                         .by = AnnualGrouping::Depot});
    CHECK(y.opening_day == d("2024-12-31"));
    CHECK(y.closing_day == d("2025-12-31"));
    REQUIRE(y.rows.size() == 3);
    const auto* ln = find_row(y.rows, "COAT", "LN-01");
    REQUIRE(ln);
    CHECK(ln->opening == q("0"));
    CHECK(ln->receipts == q("100"));
    CHECK(ln->issues == q("10")); // the reversal comes next year
    CHECK(ln->transfers_out == q("20"));
    CHECK(ln->closing == q("70"));
    const auto* yf = find_row(y.rows, "COAT", "YF-01");
    REQUIRE(yf);
    CHECK(yf->transfers_in == q("20"));
    CHECK(yf->closing == q("20"));
  }
  SUBCASE("2026 per depot: the January reversal lowers 2026's issues") {
    const auto y = annual_report(r.ledger, AnnualOptions{.year = 2026,
                                                         .org = std::nullopt,
                                                         .depot = std::nullopt,
                                                         .by = AnnualGrouping::Depot});
    const auto* ln = find_row(y.rows, "COAT", "LN-01");
    REQUIRE(ln);
    CHECK(ln->opening == q("70"));
    CHECK(ln->receipts == q("50"));  // 50 + 7 − 7
    CHECK(ln->issues == q("20"));    // 30 − 10 reversed
    CHECK(ln->disposals == q("5"));
    CHECK(ln->closing == q("95"));   // 70 + 50 − 20 − 5
    const auto* yf = find_row(y.rows, "COAT", "YF-01");
    REQUIRE(yf);
    CHECK(yf->opening == q("20"));
    CHECK(yf->adjustments == q("-2"));
    CHECK(yf->closing == q("18"));
    const auto* tent = find_row(y.rows, "TENT", "YF-01");
    REQUIRE(tent);
    CHECK(tent->issues == q("4"));
    CHECK(tent->returns == q("3"));
    CHECK(tent->closing == q("9"));
    for (const auto& row : y.rows) CHECK(balance_of(row) == row.closing);
  }
  SUBCASE("2026 per material: transfers inside the scope show on both sides") {
    const auto y = annual_report(r.ledger, AnnualOptions{.year = 2026});
    const auto* coat = find_row(y.rows, "COAT");
    REQUIRE(coat);
    CHECK_FALSE(coat->depot.has_value());
    CHECK(coat->opening == q("90"));
    CHECK(coat->adjustments == q("-2"));
    CHECK(coat->closing == q("113")); // 95 + 18
    const auto y25 = annual_report(r.ledger, AnnualOptions{.year = 2025});
    const auto* coat25 = find_row(y25.rows, "COAT");
    REQUIRE(coat25);
    CHECK(coat25->transfers_in == q("20"));
    CHECK(coat25->transfers_out == q("20"));
    CHECK(coat25->closing == q("90"));
    CHECK(coat25->closing == coat->opening);
  }
  SUBCASE("--org and --depot") {
    const auto yf = annual_report(r.ledger, AnnualOptions{.year = 2025,
                                                          .org = OrgCode("YF"),
                                                          .depot = std::nullopt,
                                                          .by = AnnualGrouping::Material});
    const auto* coat = find_row(yf.rows, "COAT");
    REQUIRE(coat);
    CHECK(coat->transfers_in == q("20"));
    CHECK(coat->transfers_out == q("0")); // LN-01's leg is outside 鱼峰区
    const auto ln = annual_report(r.ledger, AnnualOptions{.year = 2026,
                                                          .org = std::nullopt,
                                                          .depot = DepotCode("LN-01"),
                                                          .by = AnnualGrouping::Material});
    REQUIRE(ln.rows.size() == 1);
    CHECK(ln.rows[0].closing == q("95"));
  }
  SUBCASE("a year that has not begun, and a year before everything") {
    try {
      (void)annual_report(r.ledger, AnnualOptions{.year = 2027});
      FAIL("2027 accepted on 2026-11-22");
    } catch (const InvalidInput& e) {
      CHECK(std::string(e.what()).rfind("--year \"2027\"", 0) == 0);
    }
    CHECK(annual_report(r.ledger, AnnualOptions{.year = 2024}).rows.empty());
    CHECK(annual_report(r.ledger, AnnualOptions{.year = 1900}).rows.empty());
  }
}

TEST_CASE("coverage: DOMAIN.md's district warehouse is a single-hazard (cold) depot") {
  // Coats, trousers, batting, covers, sheets (cold), mosquito nets (epidemic, flood), tents
  // (earthquake, flood, cold) and folding beds (earthquake, flood): 6 of 8 serve cold.
  const std::vector<Material> catalog{
      material("COAT", "棉衣", "件", "cold"),       material("TROUSERS", "棉裤", "件", "cold"),
      material("BATTING", "棉胎", "床", "cold"),    material("COVER", "被套", "件", "cold"),
      material("SHEET", "床单", "件", "cold"),      material("NET", "蚊帐", "顶", "epidemic,flood"),
      material("TENT", "帐篷", "顶", "earthquake,flood,cold"),
      material("BED", "折叠床", "张", "earthquake,flood")};
  std::vector<StockLine> stock;
  for (const char* code : {"COAT", "TROUSERS", "BATTING", "COVER", "SHEET", "NET"}) {
    stock.push_back(held("LN-01", code, "1", "80"));
  }
  stock.push_back(held("LN-01", "TENT", "1", "15"));
  stock.push_back(held("LN-01", "BED", "1", "10"));
  // A second depot evenly split between two hazards is not flagged.
  stock.push_back(held("YF-01", "COAT", "1", "10"));
  stock.push_back(held("YF-01", "BED", "1", "10"));
  const auto m = assess_coverage({depot_scope("LN-01"), depot_scope("YF-01")}, stock, catalog,
                                 d("2026-11-22"));
  const auto* ln = find_row(m, ScopeKind::Depot, "LN-01");
  const auto* yf = find_row(m, ScopeKind::Depot, "YF-01");
  REQUIRE((ln && yf));
  CHECK(ln->hazards == std::map<std::string, std::size_t>{
                           {"cold", 6}, {"earthquake", 2}, {"epidemic", 1}, {"flood", 3}});
  CHECK(ln->flag == CoverageFlag::SingleHazard);
  CHECK(ln->main_hazard == "cold");
  CHECK(yf->flag == CoverageFlag::None); // cold 1 of 2, earthquake 1 of 2, flood 1 of 2
}
