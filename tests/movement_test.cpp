// Movements (出入库) through the Ledger facade, as a depot keeper relies on them: what each write
// records, what it refuses, and that a refusal leaves the ledger exactly as it was.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "stockpile/error.hpp"
#include "stockpile/ledger.hpp"
#include "support/temp_ledger.hpp"

using namespace stockpile;

template <> struct doctest::StringMaker<Quantity> {
  static doctest::String convert(const Quantity& value) { return value.to_string().c_str(); }
};
template <> struct doctest::StringMaker<Date> {
  static doctest::String convert(const Date& value) { return value.to_string().c_str(); }
};

namespace {

Date day(const char* text) { return Date::parse(text); }
Quantity qty(const char* text) { return Quantity::parse(text); }
CustodianId keeper() { return CustodianId("wang.li"); }
CustodianId second() { return CustodianId("zhao.min"); }

OpenOptions utc() {
  auto o = stockpile::testing::fixed_clock();
  o.time_zone = "UTC"; // today is 2026-11-22 whatever the machine's zone
  return o;
}

Material material(const char* code, const char* name, const char* unit) {
  Material m{MaterialCode(code)};
  m.name = name;
  m.unit = unit;
  return m;
}

// A city (柳州) with two districts and an enterprise, a depot for each, three custodians and
// five materials; no movements yet.
struct Reserve {
  stockpile::testing::TempDir dir;
  std::filesystem::path file = dir.path() / "ledger.db";
  Ledger ledger = Ledger::create(file, utc());

  Reserve() {
    ledger.add_organisation({OrgCode("LZ"), "柳州市", OrgLevel::City, std::nullopt});
    ledger.add_organisation({OrgCode("LN"), "柳南区", OrgLevel::District, OrgCode("LZ")});
    ledger.add_organisation({OrgCode("YF"), "鱼峰区", OrgLevel::District, OrgCode("LZ")});
    ledger.add_organisation({OrgCode("CHEM"), "柳化", OrgLevel::Enterprise, OrgCode("LN")});
    ledger.add_depot({DepotCode("LN-01"), "柳南区救灾物资仓库", OrgCode("LN"), ""});
    ledger.add_depot({DepotCode("YF-01"), "鱼峰区救灾物资仓库", OrgCode("YF"), ""});
    ledger.add_depot({DepotCode("CHEM-01"), "柳化应急物资库", OrgCode("CHEM"), ""});
    ledger.add_custodian(
        {keeper(), "王丽", "", parse_roles("keeper"), {DepotCode("LN-01"), DepotCode("YF-01")}});
    ledger.add_custodian({second(), "赵敏", "", parse_roles("responsible"), {DepotCode("LN-01")}});
    ledger.add_custodian(
        {CustodianId("chen.gang"), "陈刚", "", parse_roles("keeper"), {DepotCode("CHEM-01")}});

    auto tent = material("TENT", "帐篷", "顶");
    tent.recoverable = true;
    tent.lot_tracked = false;
    ledger.add_material(tent);
    auto med = material("MED", "药品", "盒");
    med.shelf_life = Duration::parse("24m");
    ledger.add_material(med);
    auto vac = material("VAC", "疫苗", "支");
    vac.shelf_life = Duration::parse("1m");
    ledger.add_material(vac);
    auto carbon = material("CARBON", "活性炭", "kg");
    carbon.lot_tracked = false;
    carbon.decimals = 2;
    ledger.add_material(carbon);
    ledger.add_material(material("WATER", "饮用水", "箱")); // lot-tracked, not recoverable
  }
};

std::optional<LotNumber> lot_of(const char* lot) {
  return lot ? std::optional<LotNumber>(LotNumber(lot)) : std::nullopt;
}

ReceiveRequest receipt(const char* depot, const char* mat, const char* lot, const char* q,
                       const char* date) {
  return ReceiveRequest{.depot = DepotCode(depot),
                        .material = MaterialCode(mat),
                        .lot = lot_of(lot),
                        .quantity = qty(q),
                        .date = day(date),
                        .actor = keeper()};
}

ReceiveRequest receipt(const char* depot, const char* mat, const char* lot, const char* q,
                       const char* date, const char* expiry) {
  auto r = receipt(depot, mat, lot, q, date);
  r.expiry = day(expiry);
  return r;
}

IssueRequest issue(const char* depot, const char* mat, const char* lot, const char* q,
                   const char* date) {
  return IssueRequest{.depot = DepotCode(depot),
                      .material = MaterialCode(mat),
                      .lot = lot_of(lot),
                      .quantity = qty(q),
                      .date = day(date),
                      .actor = keeper()};
}

TransferRequest transfer(const char* from, const char* to, const char* mat, const char* lot,
                         const char* q, const char* date) {
  return TransferRequest{.from = DepotCode(from),
                         .to = DepotCode(to),
                         .material = MaterialCode(mat),
                         .lot = lot_of(lot),
                         .quantity = qty(q),
                         .date = day(date),
                         .actor = keeper()};
}

DisposeRequest disposal(const char* depot, const char* mat, const char* lot, const char* q,
                        const char* date, const char* approver) {
  return DisposeRequest{.depot = DepotCode(depot),
                        .material = MaterialCode(mat),
                        .lot = lot_of(lot),
                        .quantity = qty(q),
                        .date = day(date),
                        .actor = keeper(),
                        .reason = DisposalReason::Expired,
                        .approver = CustodianId(approver)};
}

ReturnRequest return_of(const char* depot, const char* mat, const char* lot, const char* q,
                        const char* date) {
  return ReturnRequest{.depot = DepotCode(depot),
                       .material = MaterialCode(mat),
                       .lot = lot_of(lot),
                       .quantity = qty(q),
                       .date = day(date),
                       .actor = keeper()};
}

ReverseRequest reversal(std::vector<std::int64_t> ids, const char* date,
                        std::string reason = "录入错误") {
  return ReverseRequest{.movements = std::move(ids),
                        .date = day(date),
                        .actor = keeper(),
                        .reason = std::move(reason)};
}

// The message of the error `fn` throws, which must be exactly an E.
template <class E, class F> std::string error_of(F&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    if (typeid(e) != typeid(E))
      return std::string("[wrong type ") + typeid(e).name() + "] " + e.what();
    return e.what();
  }
  return "(nothing thrown)";
}

// What a keeper can see of a depot's material: the sum over its lots.
Quantity on_hand(const Ledger& l, const char* depot, const char* mat,
                 std::optional<Date> as_of = std::nullopt) {
  Quantity total;
  for (const auto& s : l.stock({.depot = DepotCode(depot),
                       .material = MaterialCode(mat),
                       .org = std::nullopt,
                       .as_of = as_of,
                       .include_zero = false})) {
    total += s.quantity;
  }
  return total;
}

// Everything a refused write must leave alone: stock lines, movements, lots, chain head.
std::string snapshot(const Ledger& l) {
  std::string out;
  for (const auto& s : l.stock({.include_zero = true})) {
    out += s.depot.str() + "/" + s.material.str() + "/" + s.lot.number.str() + "=" +
           s.quantity.to_string() + ";";
  }
  for (const auto& m : l.movements())
    out += std::to_string(m.id) + ":" + m.hash + ";";
  for (const auto& lot : l.lots()) {
    out += lot.material.str() + "/" + lot.number.str() + "/" +
           (lot.expiry ? lot.expiry->to_string() : "-") + "/" + std::string(to_string(lot.status)) +
           ";";
  }
  out += "head=" + l.verify().head_hash;
  return out;
}

std::vector<std::int64_t> ids(const std::vector<Movement>& ms) {
  std::vector<std::int64_t> out;
  for (const auto& m : ms)
    out.push_back(m.id);
  return out;
}

using Ids = std::vector<std::int64_t>;

// Empty when `message` mentions every one of `parts` (the values a refusal must name);
// otherwise what it lacks, and the message. Wording may change, the values may not.
std::string lacks(const std::string& message, std::initializer_list<std::string_view> parts) {
  std::string missing;
  for (auto part : parts) {
    if (message.find(part) == std::string::npos) missing += "[" + std::string(part) + "] ";
  }
  return missing.empty() ? missing : missing + "not in: " + message;
}

} // namespace

// ---- the district warehouse --------------------------------------------------------------

TEST_CASE("movements: the district warehouse receives tents, refuses an over-issue, issues "
          "and reverses") {
  Reserve r;
  auto& l = r.ledger;

  auto in = receipt("LN-01", "TENT", nullptr, "15", "2026-11-20");
  in.paper.counterparty = "民政局";
  in.paper.document = "RK-2026-001";
  const auto received = l.receive(in);
  CHECK_FALSE(received.replayed);
  REQUIRE(received.movements.size() == 1);
  const auto& rm = received.movements[0];
  CHECK(rm.id == 1);
  CHECK(rm.kind == MovementKind::Receive);
  CHECK(rm.depot.str() == "LN-01");
  CHECK(rm.material.str() == "TENT");
  CHECK(rm.lot.str() == "-");
  CHECK(rm.quantity == qty("15"));
  CHECK(rm.date == day("2026-11-20"));
  CHECK(rm.actor == keeper());
  CHECK(rm.counterparty == "民政局");
  CHECK(rm.document == "RK-2026-001");
  CHECK(rm.recorded_at == "2026-11-22T08:00:00Z");
  CHECK(on_hand(l, "LN-01", "TENT") == qty("15"));

  const auto before = snapshot(l);
  try {
    (void)l.issue(issue("LN-01", "TENT", nullptr, "20", "2026-11-21"));
    FAIL("issued 20 tents out of 15");
  } catch (const InsufficientStock& e) {
    CHECK(e.exit_code() == 1);
    CHECK(lacks(e.what(), {"--qty \"20\"", "only 15 顶", "TENT", "LN-01", "2026-11-21"}) == "");
  }
  CHECK(snapshot(l) == before);
  CHECK(l.movements().size() == 1);
  CHECK(on_hand(l, "LN-01", "TENT") == qty("15"));

  const auto out = l.issue(issue("LN-01", "TENT", nullptr, "10", "2026-11-21"));
  REQUIRE(out.movements.size() == 1);
  CHECK(out.movements[0].id == 2);
  CHECK(out.movements[0].kind == MovementKind::Issue);
  CHECK(out.movements[0].quantity == qty("-10"));
  CHECK(out.movements[0].lot.str() == "-");
  CHECK(on_hand(l, "LN-01", "TENT") == qty("5"));

  const auto back = l.reverse(reversal({2}, "2026-11-21", "数量录错"));
  REQUIRE(back.movements.size() == 1);
  const auto& bm = back.movements[0];
  CHECK(bm.id == 3);
  CHECK(bm.kind == MovementKind::Reverse);
  CHECK(bm.quantity == qty("10"));
  CHECK(bm.reverses == std::optional<std::int64_t>(2));
  CHECK(bm.reason == "数量录错");
  CHECK(bm.depot.str() == "LN-01");
  CHECK(on_hand(l, "LN-01", "TENT") == qty("15"));
  CHECK(l.movements().size() == 3);
}

// ---- first expiry first out ---------------------------------------------------------------

TEST_CASE("movements: an issue takes the earliest expiry first, splits across lots and skips "
          "expired ones") {
  Reserve r;
  auto& l = r.ledger;
  (void)l.receive(receipt("LN-01", "MED", "L-C", "10", "2026-10-01", "2027-06-30"));
  (void)l.receive(receipt("LN-01", "MED", "L-A", "5", "2026-10-01", "2027-01-31"));
  (void)l.receive(receipt("LN-01", "MED", "L-X", "20", "2026-10-01", "2026-11-01")); // expired
  (void)l.receive(receipt("LN-01", "MED", "L-B", "8", "2026-10-01", "2027-03-31"));

  const auto p = l.issue(issue("LN-01", "MED", nullptr, "16", "2026-11-22"));
  REQUIRE(p.movements.size() == 3);
  CHECK(p.movements[0].lot.str() == "L-A");
  CHECK(p.movements[0].quantity == qty("-5"));
  CHECK(p.movements[1].lot.str() == "L-B");
  CHECK(p.movements[1].quantity == qty("-8"));
  CHECK(p.movements[2].lot.str() == "L-C");
  CHECK(p.movements[2].quantity == qty("-3"));
  CHECK(ids(p.movements) == Ids{5, 6, 7});
  for (const auto& m : p.movements) {
    CHECK(m.kind == MovementKind::Issue);
    CHECK(m.operation == p.operation);
    CHECK(m.unusable_reason.empty());
  }

  std::vector<std::string> lines;
  for (const auto& s : l.stock({.material = MaterialCode("MED")})) {
    lines.push_back(s.lot.number.str() + "=" + s.quantity.to_string());
  }
  // Emptied lots drop out; the expired lot is untouched.
  CHECK(lines == std::vector<std::string>{"L-X=20", "L-C=7"});

  const auto before = snapshot(l);
  CHECK(lacks(error_of<InsufficientStock>(
                  [&] { (void)l.issue(issue("LN-01", "MED", nullptr, "8", "2026-11-22")); }),
              {"--qty \"8\"", "only 7 盒", "LN-01", "MED", "2026-11-22", "another 20"}) == "");
  CHECK(snapshot(l) == before);
}

// ---- receive ----------------------------------------------------------------------------

TEST_CASE("movements: receive needs a lot for lot-tracked materials and uses \"-\" otherwise") {
  Reserve r;
  auto& l = r.ledger;
  const auto before = snapshot(l);
  CHECK(error_of<InvalidInput>([&] {
          (void)l.receive(receipt("LN-01", "MED", nullptr, "5", "2026-11-20"));
        }) == "--lot: material MED is tracked by lot; name the lot");
  CHECK(error_of<InvalidInput>([&] {
          (void)l.receive(receipt("LN-01", "TENT", "T-2026", "5", "2026-11-20"));
        }) == "--lot \"T-2026\": material TENT is not tracked by lot; leave --lot out");
  CHECK(snapshot(l) == before);

  const auto p = l.receive(receipt("LN-01", "TENT", nullptr, "5", "2026-11-20"));
  REQUIRE(p.movements.size() == 1);
  CHECK(p.movements[0].lot.str() == "-");
  // Naming the implicit lot is the same as leaving it out.
  const auto again = l.receive(receipt("LN-01", "TENT", "-", "2", "2026-11-21"));
  CHECK(again.movements.at(0).lot.str() == "-");
  const auto tent_lots = l.lots(MaterialCode("TENT"));
  REQUIRE(tent_lots.size() == 1);
  CHECK(tent_lots[0].number.str() == "-");
  CHECK_FALSE(tent_lots[0].expiry.has_value());
  CHECK(on_hand(l, "LN-01", "TENT") == qty("7"));
}

TEST_CASE("movements: the implicit lot \"-\" is not a lot number for lot-tracked materials") {
  // "-" stands for "no lot" (materials without lot tracking); a lot-tracked material received
  // as "-" would have stock no label can be matched to.
  Reserve r;
  auto& l = r.ledger;
  const auto before = snapshot(l);
  CHECK(lacks(error_of<InvalidInput>(
                  [&] { (void)l.receive(receipt("LN-01", "MED", "-", "5", "2026-11-20")); }),
              {"--lot", "MED"}) == "");
  CHECK(snapshot(l) == before);
  CHECK(l.lots(MaterialCode("MED")).empty());
}

TEST_CASE("movements: receive computes the expiry from production and shelf life") {
  Reserve r;
  auto& l = r.ledger;
  auto produced = [&](const char* mat, const char* lot, const char* production) {
    auto req = receipt("LN-01", mat, lot, "1", "2026-11-20");
    req.production = day(production);
    (void)l.receive(req);
    return l.lot(MaterialCode(mat), LotNumber(lot));
  };
  SUBCASE("one month from the 31st clamps to the end of February (leap year)") {
    const auto lot = produced("VAC", "V-1", "2024-01-31");
    CHECK(lot.production == std::optional<Date>(day("2024-01-31")));
    CHECK(lot.expiry == std::optional<Date>(day("2024-02-29")));
  }
  SUBCASE("one month from the 31st clamps to the end of February (common year)") {
    CHECK(produced("VAC", "V-2", "2025-01-31").expiry == std::optional<Date>(day("2025-02-28")));
  }
  SUBCASE("24 months from a 29th of February") {
    CHECK(produced("MED", "M-1", "2024-02-29").expiry == std::optional<Date>(day("2026-02-28")));
  }
  SUBCASE("a material without shelf life does not expire") {
    const auto lot = produced("WATER", "W-1", "2026-01-01");
    CHECK(lot.production == std::optional<Date>(day("2026-01-01")));
    CHECK_FALSE(lot.expiry.has_value());
  }
  SUBCASE("an expiry on the label wins over the shelf life") {
    auto req = receipt("LN-01", "MED", "M-2", "1", "2026-11-20", "2026-06-30");
    req.production = day("2026-01-01");
    (void)l.receive(req);
    CHECK(l.lot(MaterialCode("MED"), LotNumber("M-2")).expiry ==
          std::optional<Date>(day("2026-06-30")));
  }
  SUBCASE("expiry on the production day is accepted") {
    auto req = receipt("LN-01", "MED", "M-3", "1", "2026-11-20", "2026-01-01");
    req.production = day("2026-01-01");
    CHECK(l.receive(req).movements.size() == 1);
  }
}

TEST_CASE("movements: receive refuses an expiry before production and a second label") {
  Reserve r;
  auto& l = r.ledger;
  auto bad = receipt("LN-01", "MED", "M-1", "5", "2026-11-20", "2024-01-01");
  bad.production = day("2024-02-01");
  const auto empty = snapshot(l);
  CHECK(error_of<InvalidInput>([&] { (void)l.receive(bad); }) ==
        "--expiry \"2024-01-01\": is before the production date 2024-02-01");
  CHECK(snapshot(l) == empty);
  CHECK(l.lots().empty());

  auto first = receipt("LN-01", "MED", "L-A", "5", "2026-11-01", "2027-01-31");
  first.production = day("2025-01-31");
  (void)l.receive(first);
  const auto before = snapshot(l);
  CHECK(error_of<InvalidInput>([&] {
          (void)l.receive(receipt("LN-01", "MED", "L-A", "3", "2026-11-20", "2027-02-28"));
        }) == "--expiry \"2027-02-28\": lot L-A of MED is already recorded with expiry 2027-01-31");
  auto other_production = receipt("LN-01", "MED", "L-A", "3", "2026-11-20");
  other_production.production = day("2025-02-01");
  CHECK(error_of<InvalidInput>([&] { (void)l.receive(other_production); }) ==
        "--production \"2025-02-01\": lot L-A of MED is already recorded with production date "
        "2025-01-31");
  CHECK(snapshot(l) == before);

  // The same label again, or no dates at all, adds to the lot and keeps its dates.
  (void)l.receive(receipt("LN-01", "MED", "L-A", "3", "2026-11-20", "2027-01-31"));
  (void)l.receive(receipt("YF-01", "MED", "L-A", "2", "2026-11-21"));
  const auto lot = l.lot(MaterialCode("MED"), LotNumber("L-A"));
  CHECK(lot.expiry == std::optional<Date>(day("2027-01-31")));
  CHECK(lot.production == std::optional<Date>(day("2025-01-31")));
  CHECK(l.lots(MaterialCode("MED")).size() == 1);
  CHECK(on_hand(l, "LN-01", "MED") == qty("8"));
  CHECK(on_hand(l, "YF-01", "MED") == qty("2"));
}

// ---- quantities, codes, actor and date ----------------------------------------------------

TEST_CASE("movements: quantities must be positive with at most the material's decimals") {
  Reserve r;
  auto& l = r.ledger;
  (void)l.receive(receipt("LN-01", "TENT", nullptr, "10", "2026-11-20"));
  const auto before = snapshot(l);
  CHECK(error_of<InvalidInput>([&] {
          (void)l.receive(receipt("LN-01", "TENT", nullptr, "0", "2026-11-20"));
        }) == "--qty \"0\": must be greater than zero");
  CHECK(error_of<InvalidInput>([&] {
          (void)l.receive(receipt("LN-01", "TENT", nullptr, "-3", "2026-11-20"));
        }) == "--qty \"-3\": must be greater than zero");
  CHECK(error_of<InvalidInput>([&] {
          (void)l.issue(issue("LN-01", "TENT", nullptr, "0", "2026-11-20"));
        }) == "--qty \"0\": must be greater than zero");
  CHECK(error_of<InvalidInput>([&] {
          (void)l.issue(issue("LN-01", "TENT", nullptr, "-1", "2026-11-20"));
        }) == "--qty \"-1\": must be greater than zero");
  CHECK(error_of<InvalidInput>([&] {
          (void)l.transfer(transfer("LN-01", "YF-01", "TENT", nullptr, "-1", "2026-11-20"));
        }) == "--qty \"-1\": must be greater than zero");
  CHECK(error_of<InvalidInput>([&] {
          (void)l.receive(receipt("LN-01", "TENT", nullptr, "1.5", "2026-11-20"));
        }) == "--qty \"1.5\": TENT is counted in whole 顶");
  CHECK(error_of<InvalidInput>([&] {
          (void)l.issue(issue("LN-01", "TENT", nullptr, "0.5", "2026-11-20"));
        }) == "--qty \"0.5\": TENT is counted in whole 顶");
  CHECK(error_of<InvalidInput>([&] {
          (void)l.receive(receipt("LN-01", "CARBON", nullptr, "0.125", "2026-11-20"));
        }) == "--qty \"0.125\": CARBON takes at most 2 decimals");
  CHECK(snapshot(l) == before);

  (void)l.receive(receipt("LN-01", "CARBON", nullptr, "2.5", "2026-11-20"));
  (void)l.issue(issue("LN-01", "CARBON", nullptr, "0.12", "2026-11-21"));
  CHECK(on_hand(l, "LN-01", "CARBON") == qty("2.38"));
}

TEST_CASE("movements: unknown depot, material, lot and custodian are refused") {
  Reserve r;
  auto& l = r.ledger;
  (void)l.receive(receipt("LN-01", "MED", "L-A", "5", "2026-11-20", "2027-01-31"));
  const auto before = snapshot(l);

  CHECK(error_of<NotFound>([&] {
          (void)l.receive(receipt("NOWHERE", "TENT", nullptr, "1", "2026-11-20"));
        }) == "depot \"NOWHERE\": no such depot in the ledger");
  CHECK(error_of<NotFound>([&] {
          (void)l.receive(receipt("LN-01", "NOPE", nullptr, "1", "2026-11-20"));
        }) == "material \"NOPE\": no such material in the ledger");
  CHECK(error_of<NotFound>([&] {
          (void)l.issue(issue("NOWHERE", "MED", nullptr, "1", "2026-11-20"));
        }) == "depot \"NOWHERE\": no such depot in the ledger");
  CHECK(error_of<NotFound>([&] {
          (void)l.issue(issue("LN-01", "MED", "L-Z", "1", "2026-11-20"));
        }) == "lot \"L-Z\": material MED has no such lot in the ledger");
  CHECK(error_of<NotFound>([&] {
          (void)l.transfer(transfer("LN-01", "NOWHERE", "MED", "L-A", "1", "2026-11-20"));
        }) == "depot \"NOWHERE\": no such depot in the ledger");
  CHECK(error_of<NotFound>([&] {
          (void)l.dispose(disposal("LN-01", "MED", "L-Z", "1", "2026-11-20", "zhao.min"));
        }) == "lot \"L-Z\": material MED has no such lot in the ledger");
  CHECK(error_of<NotFound>([&] { (void)l.reverse(reversal({999}, "2026-11-22")); }) ==
        "movement \"999\": no such movement in the ledger");

  auto stranger = receipt("LN-01", "TENT", nullptr, "1", "2026-11-20");
  stranger.actor = CustodianId("nobody");
  CHECK(error_of<InvalidInput>([&] { (void)l.receive(stranger); }) ==
        "--actor \"nobody\": is not a custodian in the ledger (see custodian list)");
  auto stranger_issue = issue("LN-01", "MED", "L-A", "1", "2026-11-20");
  stranger_issue.actor = CustodianId("nobody");
  CHECK(error_of<InvalidInput>([&] { (void)l.issue(stranger_issue); }) ==
        "--actor \"nobody\": is not a custodian in the ledger (see custodian list)");
  auto stranger_reverse = reversal({1}, "2026-11-22");
  stranger_reverse.actor = CustodianId("nobody");
  CHECK(error_of<InvalidInput>([&] { (void)l.reverse(stranger_reverse); }) ==
        "--actor \"nobody\": is not a custodian in the ledger (see custodian list)");

  CHECK(snapshot(l) == before);
}

TEST_CASE("movements: a movement may be dated today but not in the future") {
  Reserve r;
  auto& l = r.ledger;
  CHECK(l.today() == day("2026-11-22"));
  const auto before = snapshot(l);
  CHECK(error_of<InvalidInput>([&] {
          (void)l.receive(receipt("LN-01", "TENT", nullptr, "1", "2026-11-23"));
        }) == "--date \"2026-11-23\": is in the future (today is 2026-11-22)");
  CHECK(snapshot(l) == before);
  CHECK(l.receive(receipt("LN-01", "TENT", nullptr, "1", "2026-11-22")).movements.size() == 1);
  CHECK(error_of<InvalidInput>([&] {
          (void)l.issue(issue("LN-01", "TENT", nullptr, "1", "2026-12-01"));
        }) == "--date \"2026-12-01\": is in the future (today is 2026-11-22)");
  CHECK(error_of<InvalidInput>([&] { (void)l.reverse(reversal({1}, "2026-11-23")); }) ==
        "--date \"2026-11-23\": is in the future (today is 2026-11-22)");

  SUBCASE("today is decided in the configured time zone") {
    // 08:00 UTC on the 22nd is still the 21st in Pago Pago (UTC-11).
    auto options = utc();
    options.time_zone = "Pacific/Pago_Pago";
    auto west = Ledger::open(r.file, options);
    CHECK(west.today() == day("2026-11-21"));
    CHECK(error_of<InvalidInput>([&] {
            (void)west.receive(receipt("LN-01", "TENT", nullptr, "1", "2026-11-22"));
          }) == "--date \"2026-11-22\": is in the future (today is 2026-11-21)");
  }
}

// ---- unusable lots ----------------------------------------------------------------------

TEST_CASE("movements: an expired or quarantined lot goes out only with allow_unusable, which "
          "is recorded") {
  Reserve r;
  auto& l = r.ledger;
  (void)l.receive(receipt("LN-01", "MED", "L-EXP", "10", "2026-11-01", "2026-11-10"));
  (void)l.receive(receipt("LN-01", "MED", "L-Q", "10", "2026-11-01", "2027-05-01"));
  l.set_lot_status(MaterialCode("MED"), LotNumber("L-Q"), LotStatus::Quarantined, keeper(),
                   "抽检不合格");
  CHECK(l.lot(MaterialCode("MED"), LotNumber("L-Q")).status == LotStatus::Quarantined);

  // On its expiry date the lot is still usable.
  const auto on_expiry_day = l.issue(issue("LN-01", "MED", "L-EXP", "2", "2026-11-10"));
  CHECK(on_expiry_day.movements.at(0).unusable_reason.empty());

  const auto before = snapshot(l);
  CHECK(error_of<RuleViolation>([&] {
          (void)l.issue(issue("LN-01", "MED", "L-EXP", "2", "2026-11-11"));
        }) == "lot L-EXP of MED is expired (expiry 2026-11-10) on 2026-11-11; move it anyway "
              "only with --allow-unusable REASON");
  CHECK(error_of<RuleViolation>([&] {
          (void)l.issue(issue("LN-01", "MED", "L-Q", "1", "2026-11-22"));
        }) == "lot L-Q of MED is quarantined on 2026-11-22; move it anyway only with "
              "--allow-unusable REASON");
  CHECK(error_of<RuleViolation>([&] {
          (void)l.transfer(transfer("LN-01", "YF-01", "MED", "L-EXP", "1", "2026-11-22"));
        }) == "lot L-EXP of MED is expired (expiry 2026-11-10) on 2026-11-22; move it anyway "
              "only with --allow-unusable REASON");
  CHECK(lacks(error_of<InsufficientStock>(
                  [&] { (void)l.issue(issue("LN-01", "MED", nullptr, "1", "2026-11-22")); }),
              {"--qty \"1\"", "only 0 盒", "LN-01", "MED", "2026-11-22", "another 18"}) == "");
  auto fefo_anyway = issue("LN-01", "MED", nullptr, "1", "2026-11-22");
  fefo_anyway.allow_unusable = "紧急";
  CHECK(error_of<InvalidInput>([&] { (void)l.issue(fefo_anyway); }) ==
        "--allow-unusable: name the lot with --lot; first expiry first out only takes usable "
        "lots");
  CHECK(snapshot(l) == before);

  auto expired = issue("LN-01", "MED", "L-EXP", "3", "2026-11-22");
  expired.allow_unusable = "培训演练用";
  const auto e = l.issue(expired);
  REQUIRE(e.movements.size() == 1);
  CHECK(e.movements[0].lot.str() == "L-EXP");
  CHECK(e.movements[0].quantity == qty("-3"));
  CHECK(e.movements[0].unusable_reason == "培训演练用");

  auto quarantined = issue("LN-01", "MED", "L-Q", "1", "2026-11-22");
  quarantined.allow_unusable = "送检";
  CHECK(l.issue(quarantined).movements.at(0).unusable_reason == "送检");

  auto moved = transfer("LN-01", "YF-01", "MED", "L-EXP", "1", "2026-11-22");
  moved.allow_unusable = "集中销毁";
  const auto t = l.transfer(moved);
  REQUIRE(t.movements.size() == 2);
  CHECK(t.movements[0].unusable_reason == "集中销毁");
  CHECK(t.movements[1].unusable_reason == "集中销毁");

  // The stored history says the same.
  const auto history = l.movements({.lot = LotNumber("L-EXP"), .kind = MovementKind::Issue});
  REQUIRE(history.size() == 2);
  CHECK(history[0].unusable_reason.empty());
  CHECK(history[1].unusable_reason == "培训演练用");

  // Released again, it goes out like any other lot and nothing unusable is recorded.
  l.set_lot_status(MaterialCode("MED"), LotNumber("L-Q"), LotStatus::Available, second(),
                   "复检合格");
  auto released = issue("LN-01", "MED", nullptr, "2", "2026-11-22");
  const auto after = l.issue(released);
  REQUIRE(after.movements.size() == 1);
  CHECK(after.movements[0].lot.str() == "L-Q");
  CHECK(after.movements[0].unusable_reason.empty());
  CHECK(on_hand(l, "LN-01", "MED") == qty("11")); // L-EXP 10-2-3-1, L-Q 10-1-2
  CHECK(on_hand(l, "YF-01", "MED") == qty("1"));
}

TEST_CASE("movements: a receipt that would overflow the balance is refused and writes nothing") {
  Reserve r;
  auto& l = r.ledger;
  (void)l.receive(receipt("LN-01", "TENT", nullptr, "9000000000000000", "2026-11-20"));
  const auto before = snapshot(l);
  CHECK_THROWS_AS(l.receive(receipt("LN-01", "TENT", nullptr, "9000000000000000", "2026-11-21")),
                  InvalidInput);
  CHECK(snapshot(l) == before);
  CHECK(on_hand(l, "LN-01", "TENT") == qty("9000000000000000"));
  CHECK(l.verify().movements == 1);
}

TEST_CASE("movements: a lot's status change needs a known lot, actor and a reason") {
  Reserve r;
  auto& l = r.ledger;
  (void)l.receive(receipt("LN-01", "MED", "L-A", "5", "2026-11-20", "2027-01-31"));
  CHECK(error_of<NotFound>([&] {
          l.set_lot_status(MaterialCode("MED"), LotNumber("L-Z"), LotStatus::Recalled, keeper(),
                           "厂家召回");
        }) == "lot \"L-Z\": no such lot in the ledger");
  CHECK(error_of<NotFound>([&] {
          l.set_lot_status(MaterialCode("NOPE"), LotNumber("L-A"), LotStatus::Recalled, keeper(),
                           "厂家召回");
        }) == "material \"NOPE\": no such material in the ledger");
  CHECK(error_of<InvalidInput>([&] {
          l.set_lot_status(MaterialCode("MED"), LotNumber("L-A"), LotStatus::Recalled, keeper(),
                           "");
        }) == "--reason: a status change needs a reason");
  CHECK(error_of<InvalidInput>([&] {
          l.set_lot_status(MaterialCode("MED"), LotNumber("L-A"), LotStatus::Recalled,
                           CustodianId("nobody"), "厂家召回");
        }) == "--actor \"nobody\": is not a custodian in the ledger (see custodian list)");
  CHECK(l.lot(MaterialCode("MED"), LotNumber("L-A")).status == LotStatus::Available);
  l.set_lot_status(MaterialCode("MED"), LotNumber("L-A"), LotStatus::Recalled, keeper(),
                   "厂家召回");
  CHECK(l.lot(MaterialCode("MED"), LotNumber("L-A")).status == LotStatus::Recalled);
  const auto lines = l.stock({.material = MaterialCode("MED")});
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].lot.status == LotStatus::Recalled);
}

// ---- transfer ---------------------------------------------------------------------------

TEST_CASE("movements: a transfer writes both legs in one operation") {
  Reserve r;
  auto& l = r.ledger;
  (void)l.receive(receipt("LN-01", "TENT", nullptr, "15", "2026-11-20"));

  auto req = transfer("LN-01", "YF-01", "TENT", nullptr, "6", "2026-11-21");
  req.paper.document = "DB-007";
  const auto p = l.transfer(req);
  REQUIRE(p.movements.size() == 2);
  const auto& out = p.movements[0];
  const auto& in = p.movements[1];
  CHECK(out.id == 2);
  CHECK(out.kind == MovementKind::TransferOut);
  CHECK(out.depot.str() == "LN-01");
  CHECK(out.quantity == qty("-6"));
  CHECK(in.id == 3);
  CHECK(in.kind == MovementKind::TransferIn);
  CHECK(in.depot.str() == "YF-01");
  CHECK(in.quantity == qty("6"));
  CHECK(out.lot.str() == "-");
  CHECK(in.lot.str() == "-");
  CHECK(out.operation == p.operation);
  CHECK(in.operation == p.operation);
  CHECK(in.document == "DB-007");
  CHECK(on_hand(l, "LN-01", "TENT") == qty("9"));
  CHECK(on_hand(l, "YF-01", "TENT") == qty("6"));

  const auto before = snapshot(l);
  CHECK(error_of<InvalidInput>([&] {
          (void)l.transfer(transfer("LN-01", "LN-01", "TENT", nullptr, "1", "2026-11-21"));
        }) == "--to \"LN-01\": is the depot the goods leave (--from)");
  CHECK(lacks(error_of<InsufficientStock>([&] {
                (void)l.transfer(transfer("LN-01", "YF-01", "TENT", nullptr, "10", "2026-11-21"));
              }),
              {"--qty \"10\"", "only 9 顶", "LN-01", "TENT", "2026-11-21"}) == "");
  CHECK(error_of<NotFound>([&] {
          (void)l.transfer(transfer("NOWHERE", "YF-01", "TENT", nullptr, "1", "2026-11-21"));
        }) == "depot \"NOWHERE\": no such depot in the ledger");
  CHECK(snapshot(l) == before);

  SUBCASE("reversing the in-leg reverses both legs") {
    // Undone newest first: the in-leg, then the out-leg.
    const auto back = l.reverse(reversal({3}, "2026-11-22"));
    REQUIRE(back.movements.size() == 2);
    CHECK(back.movements[0].reverses == std::optional<std::int64_t>(3));
    CHECK(back.movements[0].depot.str() == "YF-01");
    CHECK(back.movements[0].quantity == qty("-6"));
    CHECK(back.movements[1].reverses == std::optional<std::int64_t>(2));
    CHECK(back.movements[1].depot.str() == "LN-01");
    CHECK(back.movements[1].quantity == qty("6"));
    CHECK(back.movements[0].operation == back.movements[1].operation);
    CHECK(on_hand(l, "LN-01", "TENT") == qty("15"));
    CHECK(on_hand(l, "YF-01", "TENT") == qty("0"));
    CHECK(error_of<RuleViolation>([&] { (void)l.reverse(reversal({2}, "2026-11-22")); }) ==
          "movement 3 was already reversed");
  }
  SUBCASE("naming both legs reverses each once") {
    const auto back = l.reverse(reversal({3, 2}, "2026-11-22"));
    REQUIRE(back.movements.size() == 2);
    CHECK(back.movements[0].reverses == std::optional<std::int64_t>(3));
    CHECK(back.movements[1].reverses == std::optional<std::int64_t>(2));
    CHECK(on_hand(l, "LN-01", "TENT") == qty("15"));
  }
  SUBCASE("reversing the out-leg reverses both legs") {
    const auto back = l.reverse(reversal({2}, "2026-11-22"));
    CHECK(ids(l.movements({.kind = MovementKind::Reverse})) == Ids{4, 5});
    REQUIRE(back.movements.size() == 2);
    CHECK(back.movements[0].reverses == std::optional<std::int64_t>(3));
    CHECK(on_hand(l, "YF-01", "TENT") == qty("0"));
  }
  SUBCASE("a transfer whose goods left the destination cannot be reversed") {
    (void)l.issue(issue("YF-01", "TENT", nullptr, "5", "2026-11-22"));
    const auto issued = snapshot(l);
    CHECK(lacks(error_of<InsufficientStock>([&] { (void)l.reverse(reversal({2}, "2026-11-22")); }),
                {"reversing movement 3", "6 顶", "YF-01", "TENT", "only 1"}) == "");
    CHECK(snapshot(l) == issued);
  }
}

TEST_CASE("movements: a transfer of a lot-tracked material moves each lot first expiry first") {
  Reserve r;
  auto& l = r.ledger;
  (void)l.receive(receipt("LN-01", "MED", "L-B", "8", "2026-11-01", "2027-03-31"));
  (void)l.receive(receipt("LN-01", "MED", "L-A", "5", "2026-11-01", "2027-01-31"));
  const auto p = l.transfer(transfer("LN-01", "CHEM-01", "MED", nullptr, "7", "2026-11-22"));
  REQUIRE(p.movements.size() == 4);
  std::vector<std::string> legs;
  for (const auto& m : p.movements) {
    legs.push_back(std::string(to_string(m.kind)) + " " + m.depot.str() + " " + m.lot.str() + " " +
                   m.quantity.to_string());
    CHECK(m.operation == p.operation);
  }
  std::sort(legs.begin(), legs.end());
  CHECK(legs == std::vector<std::string>{"transfer-in CHEM-01 L-A 5", "transfer-in CHEM-01 L-B 2",
                                         "transfer-out LN-01 L-A -5", "transfer-out LN-01 L-B -2"});
  // The lot travels with its label.
  const auto there = l.stock({.depot = DepotCode("CHEM-01")});
  REQUIRE(there.size() == 2);
  CHECK(there[0].lot.number.str() == "L-A");
  CHECK(there[0].lot.expiry == std::optional<Date>(day("2027-01-31")));
  CHECK(there[1].lot.number.str() == "L-B");
  CHECK(there[1].quantity == qty("2"));
  CHECK(on_hand(l, "LN-01", "MED") == qty("6"));
}

// ---- dispose ----------------------------------------------------------------------------

TEST_CASE("movements: a write-off records its reason and a second custodian's approval") {
  Reserve r;
  auto& l = r.ledger;
  (void)l.receive(receipt("LN-01", "MED", "L-EXP", "10", "2026-11-01", "2026-11-10"));
  const auto before = snapshot(l);

  CHECK(error_of<InvalidInput>([&] {
          (void)l.dispose(disposal("LN-01", "MED", "L-EXP", "4", "2026-11-22", "wang.li"));
        }) == "--approved-by \"wang.li\": is the actor; a write-off needs a second custodian's "
              "approval");
  CHECK(error_of<InvalidInput>([&] {
          (void)l.dispose(disposal("LN-01", "MED", "L-EXP", "4", "2026-11-22", "nobody"));
        }) == "--approved-by \"nobody\": is not a custodian in the ledger (see custodian list)");
  CHECK(lacks(error_of<InsufficientStock>([&] {
                (void)l.dispose(disposal("LN-01", "MED", "L-EXP", "11", "2026-11-22", "zhao.min"));
              }),
              {"--qty \"11\"", "only 10 盒", "LN-01", "MED", "L-EXP"}) == "");
  CHECK(lacks(error_of<InsufficientStock>([&] {
                (void)l.dispose(disposal("YF-01", "MED", "L-EXP", "1", "2026-11-22", "zhao.min"));
              }),
              {"--qty \"1\"", "only 0 盒", "YF-01", "MED", "L-EXP"}) == "");
  CHECK(error_of<InvalidInput>([&] {
          (void)l.dispose(disposal("LN-01", "MED", nullptr, "1", "2026-11-22", "zhao.min"));
        }) == "--lot: material MED is tracked by lot; name the lot");
  CHECK(snapshot(l) == before);

  // Expired stock leaves the books this way without --allow-unusable.
  auto req = disposal("LN-01", "MED", "L-EXP", "4", "2026-11-22", "zhao.min");
  req.paper.document = "BF-2026-03";
  const auto p = l.dispose(req);
  REQUIRE(p.movements.size() == 1);
  const auto& m = p.movements[0];
  CHECK(m.kind == MovementKind::Dispose);
  CHECK(m.quantity == qty("-4"));
  CHECK(m.reason == "expired");
  CHECK(m.approver == std::optional<CustodianId>(second()));
  CHECK(m.actor == keeper());
  CHECK(m.document == "BF-2026-03");
  CHECK(m.unusable_reason.empty());
  CHECK(on_hand(l, "LN-01", "MED") == qty("6"));

  // As stored.
  const auto stored = l.movements({.kind = MovementKind::Dispose});
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].reason == "expired");
  CHECK(stored[0].approver == std::optional<CustodianId>(second()));

  auto damaged = disposal("LN-01", "TENT", nullptr, "1", "2026-11-22", "zhao.min");
  damaged.reason = DisposalReason::Damaged;
  (void)l.receive(receipt("YF-01", "TENT", nullptr, "3", "2026-11-20"));
  CHECK(lacks(error_of<InsufficientStock>([&] { (void)l.dispose(damaged); }),
              {"--qty \"1\"", "only 0 顶", "LN-01", "TENT"}) == "");
  (void)l.receive(receipt("LN-01", "TENT", nullptr, "3", "2026-11-20"));
  const auto d = l.dispose(damaged);
  CHECK(d.movements.at(0).reason == "damaged");
  CHECK(d.movements.at(0).lot.str() == "-");
  CHECK(on_hand(l, "LN-01", "TENT") == qty("2"));
}

// ---- return -----------------------------------------------------------------------------

TEST_CASE("movements: recoverable items come back tied to their incident") {
  Reserve r;
  auto& l = r.ledger;
  (void)l.receive(receipt("LN-01", "TENT", nullptr, "15", "2026-11-01"));
  auto out = issue("LN-01", "TENT", nullptr, "10", "2026-11-05");
  out.paper.incident = IncidentCode("FLOOD-2026-07");
  out.paper.counterparty = "柳南区应急局";
  (void)l.issue(out);
  CHECK(on_hand(l, "LN-01", "TENT") == qty("5"));

  auto back = return_of("LN-01", "TENT", nullptr, "8", "2026-11-20");
  back.paper.incident = IncidentCode("FLOOD-2026-07");
  const auto p = l.return_items(back);
  REQUIRE(p.movements.size() == 1);
  CHECK(p.movements[0].kind == MovementKind::Return);
  CHECK(p.movements[0].quantity == qty("8"));
  CHECK(p.movements[0].lot.str() == "-");
  CHECK(p.movements[0].incident == std::optional<IncidentCode>(IncidentCode("FLOOD-2026-07")));
  CHECK(on_hand(l, "LN-01", "TENT") == qty("13"));

  const auto flood = l.movements({.incident = IncidentCode("FLOOD-2026-07")});
  CHECK(ids(flood) == Ids{2, 3});
  REQUIRE(flood.size() == 2);
  CHECK(flood[0].kind == MovementKind::Issue);
  CHECK(flood[1].kind == MovementKind::Return);
  // FLOOD-2026-07 was never added as an incident, yet movements name it; a code that nothing
  // names is refused, so a typo does not read as "no movements".
  CHECK_THROWS_AS((void)l.movements({.incident = IncidentCode("QUAKE-2026-01")}), NotFound);

  // Consumables are not returned.
  (void)l.receive(receipt("LN-01", "WATER", "W-1", "10", "2026-11-01"));
  (void)l.issue(issue("LN-01", "WATER", "W-1", "5", "2026-11-05"));
  const auto before = snapshot(l);
  auto water = return_of("LN-01", "WATER", "W-1", "2", "2026-11-20");
  water.paper.incident = IncidentCode("FLOOD-2026-07");
  CHECK(error_of<RuleViolation>([&] { (void)l.return_items(water); }) ==
        "material \"WATER\" (饮用水) is not recoverable: consumables are not returned (receive "
        "them instead)");
  CHECK(error_of<InvalidInput>([&] {
          (void)l.return_items(return_of("LN-01", "TENT", nullptr, "0", "2026-11-20"));
        }) == "--qty \"0\": must be greater than zero");
  CHECK(error_of<NotFound>([&] {
          (void)l.return_items(return_of("LN-01", "NOPE", nullptr, "1", "2026-11-20"));
        }) == "material \"NOPE\": no such material in the ledger");
  CHECK(snapshot(l) == before);
}

TEST_CASE("movements: a return brings back at most what went out of the lot and is not back") {
  Reserve r;
  auto& l = r.ledger;
  (void)l.receive(receipt("LN-01", "TENT", nullptr, "20", "2026-11-01"));
  (void)l.issue(issue("LN-01", "TENT", nullptr, "5", "2026-11-05"));
  const auto wrong = l.issue(issue("LN-01", "TENT", nullptr, "3", "2026-11-05"));
  (void)l.reverse(reversal({wrong.movements[0].id}, "2026-11-06")); // never left
  const auto before = snapshot(l);
  CHECK(error_of<RuleViolation>([&] {
          (void)l.return_items(return_of("LN-01", "TENT", nullptr, "6", "2026-11-20"));
        }) == "--qty \"6\": only 5 顶 of TENT is out (issued and not yet returned); a return "
              "brings back at most that");
  CHECK(snapshot(l) == before);

  // What is out may come back in parts, from any depot, and no more after that.
  (void)l.return_items(return_of("LN-01", "TENT", nullptr, "2", "2026-11-20"));
  (void)l.return_items(return_of("YF-01", "TENT", nullptr, "3", "2026-11-20"));
  CHECK(lacks(error_of<RuleViolation>([&] {
                (void)l.return_items(return_of("LN-01", "TENT", nullptr, "1", "2026-11-21"));
              }),
              {"--qty \"1\"", "only 0"}) == "");
}

TEST_CASE("movements: a reversed return is out again; another lot's issues are not this lot's") {
  Reserve r;
  auto& l = r.ledger;
  auto gen = material("GEN", "发电机", "台"); // recoverable and tracked by lot
  gen.recoverable = true;
  l.add_material(gen);
  (void)l.receive(receipt("LN-01", "GEN", "M-1", "10", "2026-11-01"));
  (void)l.receive(receipt("LN-01", "GEN", "M-2", "10", "2026-11-01"));
  (void)l.issue(issue("LN-01", "GEN", "M-1", "4", "2026-11-05"));
  (void)l.issue(issue("LN-01", "GEN", "M-2", "6", "2026-11-05"));
  const auto back = l.return_items(return_of("LN-01", "GEN", "M-1", "4", "2026-11-10"));
  // M-1 is all back; the six of M-2 that are out make no room for more of M-1.
  CHECK(lacks(error_of<RuleViolation>([&] {
                (void)l.return_items(return_of("LN-01", "GEN", "M-1", "1", "2026-11-11"));
              }),
              {"--qty \"1\"", "only 0", "lot M-1 of GEN"}) == "");
  // The return was recorded by mistake and reversed: the four are out again.
  (void)l.reverse(reversal({back.movements[0].id}, "2026-11-12"));
  CHECK(lacks(error_of<RuleViolation>([&] {
                (void)l.return_items(return_of("LN-01", "GEN", "M-1", "5", "2026-11-13"));
              }),
              {"--qty \"5\"", "only 4"}) == "");
  CHECK(l.return_items(return_of("LN-01", "GEN", "M-1", "4", "2026-11-13")).movements.size() ==
        1);
  CHECK(l.return_items(return_of("LN-01", "GEN", "M-2", "6", "2026-11-13")).movements.size() ==
        1);
}

TEST_CASE("movements: a production date after the day of the receipt is refused") {
  Reserve r;
  auto& l = r.ledger;
  auto in = receipt("LN-01", "MED", "M-1", "10", "2026-11-20");
  in.production = day("2026-11-21");
  CHECK(error_of<InvalidInput>([&] { (void)l.receive(in); }) ==
        "--production \"2026-11-21\": is after the day of the receipt 2026-11-20");
  CHECK(l.movements().empty());
  in.production = day("2026-11-20"); // made the day it arrived
  CHECK(l.receive(in).movements.size() == 1);
}

TEST_CASE("movements: the free text of a movement must be UTF-8 and within its limit") {
  Reserve r;
  auto& l = r.ledger;
  auto in = receipt("LN-01", "TENT", nullptr, "1", "2026-11-20");
  in.paper.note = "caf\xe9";
  CHECK(error_of<InvalidInput>([&] { (void)l.receive(in); }) ==
        "--note \"caf\\xe9\": is not valid UTF-8");
  in.paper.note = std::string(1001, 'x');
  CHECK(lacks(error_of<InvalidInput>([&] { (void)l.receive(in); }),
              {"--note \"xxxx", "at most 1000 bytes"}) == "");
  in.paper.note = std::string(1000, 'x');
  in.paper.idempotency_key = std::string(201, 'k');
  CHECK(lacks(error_of<InvalidInput>([&] { (void)l.receive(in); }),
              {"--idempotency-key \"kkkk", "at most 200 bytes"}) == "");
  CHECK(l.movements().empty());
  in.paper.idempotency_key = "retry-1";
  CHECK(l.receive(in).movements.size() == 1); // a note of exactly 1000 bytes is fine
}

TEST_CASE("movements: listings refuse unknown codes and a --from after --to") {
  Reserve r;
  auto& l = r.ledger;
  CHECK(error_of<NotFound>([&] { (void)l.lots(MaterialCode("NOPE")); }) ==
        "material \"NOPE\": no such material in the ledger");
  CHECK(error_of<NotFound>([&] { (void)l.movements({.depot = DepotCode("NOPE")}); }) ==
        "depot \"NOPE\": no such depot in the ledger");
  CHECK(error_of<NotFound>([&] { (void)l.movements({.material = MaterialCode("NOPE")}); }) ==
        "material \"NOPE\": no such material in the ledger");
  CHECK(error_of<InvalidInput>([&] {
          (void)l.movements({.from = day("2026-11-10"), .to = day("2026-11-01")});
        }) == "--from \"2026-11-10\": is after --to 2026-11-01; expected a day on or before it");
  CHECK(l.movements({.material = MaterialCode("TENT")}).empty()); // known, nothing yet
}

TEST_CASE("movements: verify refuses a malformed head as bad input, not as tampering") {
  Reserve r;
  auto& l = r.ledger;
  (void)l.receive(receipt("LN-01", "TENT", nullptr, "1", "2026-11-20"));
  CHECK(error_of<InvalidInput>([&] { (void)l.verify(std::string("abc")); }) ==
        "--expect-head \"abc\": expected a head hash: the 64 hexadecimal digits verify prints");
  std::string head = l.verify().head_hash;
  for (char& c : head) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(l.verify(head).movements == 1); // as copied from a printout in capitals
  CHECK_THROWS_AS((void)l.verify(std::string(64, '0')), IntegrityError);
}

// ---- reverse ----------------------------------------------------------------------------

TEST_CASE("movements: a movement is reversed once, and a reversal is never reversed") {
  Reserve r;
  auto& l = r.ledger;
  (void)l.receive(receipt("LN-01", "TENT", nullptr, "10", "2026-11-10")); // 1
  const auto rev = l.reverse(reversal({1}, "2026-11-10"));                // 2
  REQUIRE(rev.movements.size() == 1);
  CHECK(rev.movements[0].id == 2);
  CHECK(rev.movements[0].quantity == qty("-10"));
  CHECK(on_hand(l, "LN-01", "TENT") == qty("0"));

  const auto before = snapshot(l);
  CHECK(error_of<RuleViolation>([&] { (void)l.reverse(reversal({1}, "2026-11-22")); }) ==
        "movement 1 was already reversed");
  CHECK(error_of<RuleViolation>([&] { (void)l.reverse(reversal({2}, "2026-11-22")); }) ==
        "movement 2 is itself a reversal; record the movement again instead");
  CHECK(error_of<InvalidInput>([&] { (void)l.reverse(reversal({}, "2026-11-22")); }) ==
        "movement: name at least one movement id");
  CHECK(error_of<InvalidInput>([&] { (void)l.reverse(reversal({1}, "2026-11-22", "")); }) ==
        "--reason: a reversal needs a reason");
  CHECK(snapshot(l) == before);
}

TEST_CASE("movements: a receipt whose stock was issued cannot be reversed") {
  Reserve r;
  auto& l = r.ledger;
  (void)l.receive(receipt("LN-01", "TENT", nullptr, "10", "2026-11-10")); // 1
  (void)l.issue(issue("LN-01", "TENT", nullptr, "10", "2026-11-15"));     // 2
  const auto before = snapshot(l);
  CHECK(lacks(error_of<InsufficientStock>([&] { (void)l.reverse(reversal({1}, "2026-11-22")); }),
              {"reversing movement 1", "10 顶", "LN-01", "TENT", "only 0"}) == "");
  CHECK(error_of<InvalidInput>([&] { (void)l.reverse(reversal({2}, "2026-11-14")); }) ==
        "--date \"2026-11-14\": is before movement 2's date 2026-11-15");
  CHECK(snapshot(l) == before);

  // Once the issue is reversed, the receipt can be.
  (void)l.reverse(reversal({2}, "2026-11-22"));
  CHECK(on_hand(l, "LN-01", "TENT") == qty("10"));
  (void)l.reverse(reversal({1}, "2026-11-22"));
  CHECK(on_hand(l, "LN-01", "TENT") == qty("0"));
  CHECK(l.verify().movements == 4);
}

TEST_CASE("movements: a reversal dated on an earlier day must not make a later day negative") {
  Reserve r;
  auto& l = r.ledger;
  (void)l.receive(receipt("LN-01", "TENT", nullptr, "10", "2026-11-10")); // 1
  (void)l.issue(issue("LN-01", "TENT", nullptr, "6", "2026-11-15"));      // 2
  (void)l.receive(receipt("LN-01", "TENT", nullptr, "10", "2026-11-20")); // 3: 14 on hand
  const auto before = snapshot(l);
  // Taking the first 10 out on 11-12 would leave 11-15 at -6.
  CHECK(lacks(error_of<InsufficientStock>([&] { (void)l.reverse(reversal({1}, "2026-11-12")); }),
              {"reversing movement 1", "10 顶", "LN-01", "TENT", "only 4"}) == "");
  CHECK(snapshot(l) == before);
  // On 11-20 there is enough.
  (void)l.reverse(reversal({1}, "2026-11-20"));
  CHECK(on_hand(l, "LN-01", "TENT") == qty("4"));
}

// ---- idempotency ------------------------------------------------------------------------

TEST_CASE("movements: a retried write with the same key records nothing new") {
  Reserve r;
  auto& l = r.ledger;
  auto req = receipt("LN-01", "MED", "L-A", "5", "2026-11-20", "2027-01-31");
  req.paper.idempotency_key = "RK-2026-001#1";
  const auto first = l.receive(req);
  CHECK_FALSE(first.replayed);
  (void)l.receive(receipt("LN-01", "TENT", nullptr, "3", "2026-11-20")); // the head moves on
  const auto before = snapshot(l);

  const auto again = l.receive(req);
  CHECK(again.replayed);
  CHECK(again.operation == first.operation);
  REQUIRE(again.movements.size() == 1);
  CHECK(again.movements[0].id == first.movements[0].id);
  CHECK(again.movements[0].hash == first.movements[0].hash);
  CHECK(again.movements[0].quantity == qty("5"));
  CHECK(again.movements[0].lot.str() == "L-A");
  CHECK(snapshot(l) == before);
  CHECK(l.movements().size() == 2);

  auto changed = req;
  changed.quantity = qty("6");
  CHECK(error_of<RuleViolation>([&] { (void)l.receive(changed); }) ==
        "--idempotency-key \"RK-2026-001#1\": already used by operation 1 for a different "
        "request; nothing was written");
  auto other_kind = issue("LN-01", "MED", "L-A", "1", "2026-11-21");
  other_kind.paper.idempotency_key = "RK-2026-001#1";
  CHECK(error_of<RuleViolation>([&] { (void)l.issue(other_kind); }) ==
        "--idempotency-key \"RK-2026-001#1\": already used by operation 1 for a different "
        "request; nothing was written");
  CHECK(snapshot(l) == before);
  CHECK(on_hand(l, "LN-01", "MED") == qty("5"));
}

TEST_CASE("movements: a refused write does not use up its idempotency key") {
  Reserve r;
  auto& l = r.ledger;
  auto req = transfer("LN-01", "YF-01", "TENT", nullptr, "4", "2026-11-22");
  req.paper.idempotency_key = "DB-9";
  (void)l.receive(receipt("LN-01", "TENT", nullptr, "3", "2026-11-21"));
  CHECK(lacks(error_of<InsufficientStock>([&] { (void)l.transfer(req); }),
              {"--qty \"4\"", "only 3 顶", "LN-01", "TENT", "2026-11-22"}) == "");
  (void)l.receive(receipt("LN-01", "TENT", nullptr, "2", "2026-11-21"));
  const auto done = l.transfer(req);
  CHECK_FALSE(done.replayed);
  CHECK(done.movements.size() == 2);
  const auto replay = l.transfer(req);
  CHECK(replay.replayed);
  CHECK(ids(replay.movements) == ids(done.movements));
  CHECK(replay.movements.at(1).kind == MovementKind::TransferIn);
  CHECK(on_hand(l, "YF-01", "TENT") == qty("4"));
  CHECK(on_hand(l, "LN-01", "TENT") == qty("1"));
}

TEST_CASE("movements: taking a material the depot never held is short of stock, not an unknown "
          "lot") {
  // The keeper named no lot: the answer is that the depot has none, whatever the material's
  // lot tracking, and whether or not another depot ever received it.
  Reserve r;
  auto& l = r.ledger;
  const auto before = snapshot(l);
  CHECK(lacks(error_of<InsufficientStock>(
                  [&] { (void)l.issue(issue("LN-01", "MED", nullptr, "1", "2026-11-22")); }),
              {"--qty \"1\"", "only 0 盒", "LN-01", "MED"}) == "");
  CHECK(lacks(error_of<InsufficientStock>(
                  [&] { (void)l.issue(issue("LN-01", "TENT", nullptr, "1", "2026-11-22")); }),
              {"--qty \"1\"", "only 0 顶", "LN-01", "TENT"}) == "");
  CHECK(lacks(error_of<InsufficientStock>([&] {
                (void)l.transfer(transfer("LN-01", "YF-01", "CARBON", nullptr, "1", "2026-11-22"));
              }),
              {"--qty \"1\"", "only 0 kg", "LN-01", "CARBON"}) == "");
  CHECK(lacks(error_of<InsufficientStock>([&] {
                (void)l.dispose(disposal("LN-01", "TENT", nullptr, "1", "2026-11-22", "zhao.min"));
              }),
              {"--qty \"1\"", "only 0 顶", "LN-01", "TENT"}) == "");
  CHECK(snapshot(l) == before);
}

// ---- back-dated movements -----------------------------------------------------------------

TEST_CASE("movements: a back-dated issue may not make a later day's balance negative") {
  Reserve r;
  auto& l = r.ledger;
  (void)l.receive(receipt("LN-01", "TENT", nullptr, "10", "2026-11-10"));
  (void)l.issue(issue("LN-01", "TENT", nullptr, "10", "2026-11-15"));
  const auto before = snapshot(l);
  CHECK(lacks(error_of<InsufficientStock>(
                  [&] { (void)l.issue(issue("LN-01", "TENT", nullptr, "5", "2026-11-12")); }),
              {"--qty \"5\"", "only 0 顶", "LN-01", "TENT", "2026-11-12"}) == "");
  CHECK(snapshot(l) == before);
  (void)l.receive(receipt("LN-01", "MED", "L-A", "10", "2026-11-10", "2027-01-31"));
  (void)l.issue(issue("LN-01", "MED", nullptr, "10", "2026-11-15"));
  const auto with_med = snapshot(l);
  CHECK(lacks(error_of<InsufficientStock>(
                  [&] { (void)l.issue(issue("LN-01", "MED", nullptr, "5", "2026-11-12")); }),
              {"--qty \"5\"", "only 0 盒", "LN-01", "MED", "2026-11-12"}) == "");
  CHECK(lacks(error_of<InsufficientStock>(
                  [&] { (void)l.issue(issue("LN-01", "MED", "L-A", "5", "2026-11-12")); }),
              {"--qty \"5\"", "only 0 盒", "LN-01", "MED", "L-A", "2026-11-12"}) == "");
  CHECK(snapshot(l) == with_med);

  SUBCASE("stock received later does not help an earlier day") {
    (void)l.receive(receipt("LN-01", "TENT", nullptr, "10", "2026-11-20"));
    const auto later = snapshot(l);
    CHECK(lacks(error_of<InsufficientStock>(
                    [&] { (void)l.issue(issue("LN-01", "TENT", nullptr, "5", "2026-11-12")); }),
                {"--qty \"5\"", "only 0 顶", "LN-01", "TENT", "2026-11-12"}) == "");
    CHECK(lacks(error_of<InsufficientStock>([&] {
                  (void)l.transfer(transfer("LN-01", "YF-01", "TENT", nullptr, "5", "2026-11-12"));
                }),
                {"--qty \"5\"", "only 0 顶", "LN-01", "TENT", "2026-11-12"}) == "");
    CHECK(snapshot(l) == later);
    CHECK(l.issue(issue("LN-01", "TENT", nullptr, "5", "2026-11-20")).movements.size() == 1);
  }
}

TEST_CASE("movements: a back-dated issue that every later day can spare is accepted") {
  Reserve r;
  auto& l = r.ledger;
  (void)l.receive(receipt("LN-01", "MED", "L-A", "10", "2026-11-10", "2027-01-31"));
  (void)l.issue(issue("LN-01", "MED", nullptr, "4", "2026-11-15"));
  // 6 are left after 11-15, so at most 6 can go on 11-12.
  CHECK(lacks(error_of<InsufficientStock>(
                  [&] { (void)l.issue(issue("LN-01", "MED", nullptr, "7", "2026-11-12")); }),
              {"--qty \"7\"", "only 6 盒", "LN-01", "MED", "2026-11-12"}) == "");
  CHECK(lacks(error_of<InsufficientStock>([&] {
                (void)l.dispose(disposal("LN-01", "MED", "L-A", "7", "2026-11-12", "zhao.min"));
              }),
              {"--qty \"7\"", "only 6 盒", "LN-01", "MED", "L-A"}) == "");
  // Nothing was there before the receipt.
  CHECK(lacks(error_of<InsufficientStock>(
                  [&] { (void)l.issue(issue("LN-01", "MED", nullptr, "1", "2026-11-09")); }),
              {"--qty \"1\"", "only 0 盒", "LN-01", "MED", "2026-11-09"}) == "");
  const auto p = l.issue(issue("LN-01", "MED", nullptr, "5", "2026-11-12"));
  CHECK(p.movements.at(0).date == day("2026-11-12"));
  CHECK(on_hand(l, "LN-01", "MED") == qty("1"));
  CHECK(on_hand(l, "LN-01", "MED", day("2026-11-12")) == qty("5"));
  CHECK(on_hand(l, "LN-01", "MED", day("2026-11-15")) == qty("1"));
}

// ---- stock ------------------------------------------------------------------------------

TEST_CASE("movements: stock by organisation includes its children, and tiers split") {
  Reserve r;
  auto& l = r.ledger;
  (void)l.receive(receipt("LN-01", "TENT", nullptr, "15", "2026-11-20"));
  (void)l.receive(receipt("CHEM-01", "TENT", nullptr, "20", "2026-11-20"));
  (void)l.receive(receipt("YF-01", "TENT", nullptr, "4", "2026-11-20"));
  (void)l.receive(receipt("CHEM-01", "MED", "L-A", "2", "2026-11-20", "2027-01-31"));

  auto depots = [](const std::vector<StockLine>& lines) {
    std::vector<std::string> out;
    for (const auto& s : lines) {
      out.push_back(s.depot.str() + "/" + std::string(to_string(s.tier)) + "/" + s.material.str() +
                    "=" + s.quantity.to_string());
    }
    return out;
  };
  CHECK(depots(l.stock({.org = OrgCode("LN")})) ==
        std::vector<std::string>{"CHEM-01/enterprise/MED=2", "CHEM-01/enterprise/TENT=20",
                                 "LN-01/physical/TENT=15"});
  CHECK(depots(l.stock({.org = OrgCode("CHEM")})) ==
        std::vector<std::string>{"CHEM-01/enterprise/MED=2", "CHEM-01/enterprise/TENT=20"});
  CHECK(depots(l.stock({.org = OrgCode("YF")})) ==
        std::vector<std::string>{"YF-01/physical/TENT=4"});
  CHECK(l.stock({.org = OrgCode("LZ")}).size() == 4);
  CHECK(depots(l.stock({.material = MaterialCode("TENT"), .org = OrgCode("LN")})) ==
        std::vector<std::string>{"CHEM-01/enterprise/TENT=20", "LN-01/physical/TENT=15"});
  CHECK(depots(l.stock({.depot = DepotCode("YF-01")})) ==
        std::vector<std::string>{"YF-01/physical/TENT=4"});
  CHECK(error_of<NotFound>([&] { (void)l.stock({.org = OrgCode("NOWHERE")}); }) ==
        "organisation \"NOWHERE\": no such organisation in the ledger");
  CHECK(error_of<NotFound>([&] { (void)l.stock({.depot = DepotCode("NOWHERE")}); }) ==
        "depot \"NOWHERE\": no such depot in the ledger");
  CHECK(error_of<NotFound>([&] { (void)l.stock({.material = MaterialCode("NOPE")}); }) ==
        "material \"NOPE\": no such material in the ledger");

  const auto tiers = group_stock(l.stock(), StockGrouping::Tier);
  std::vector<std::string> rows;
  for (const auto& t : tiers) {
    rows.push_back(std::string(to_string(*t.tier)) + "/" + t.material.str() + "=" +
                   t.quantity.to_string());
  }
  CHECK(rows ==
        std::vector<std::string>{"physical/TENT=19", "enterprise/MED=2", "enterprise/TENT=20"});

  // stock_totals folds the lines as they are read; the same totals as grouping the lines, and
  // the same refusal of unknown codes.
  for (const auto by : {StockGrouping::Depot, StockGrouping::Material, StockGrouping::Lot,
                        StockGrouping::Tier}) {
    const auto streamed = l.stock_totals({.org = OrgCode("LZ")}, by);
    const auto grouped = group_stock(l.stock({.org = OrgCode("LZ")}), by);
    REQUIRE(streamed.size() == grouped.size());
    for (std::size_t i = 0; i < grouped.size(); ++i) {
      CHECK(streamed[i].material == grouped[i].material);
      CHECK(streamed[i].depot == grouped[i].depot);
      CHECK(streamed[i].quantity == grouped[i].quantity);
    }
  }
  CHECK(error_of<NotFound>([&] {
          (void)l.stock_totals({.depot = DepotCode("NOWHERE")}, StockGrouping::Depot);
        }) == "depot \"NOWHERE\": no such depot in the ledger");
}

TEST_CASE("movements: the ledger's stock totals are the lot lines folded, in every grouping") {
  // stock reads the per-depot totals the ledger keeps (stock_totals) for every grouping but
  // by lot, and by depot streams them as read: the same rows as folding every lot line, for
  // any filter, with an emptied material and several lots per material; a past day falls
  // back to the lines.
  Reserve r;
  auto& l = r.ledger;
  (void)l.receive(receipt("LN-01", "MED", "L-A", "5", "2026-11-10", "2027-01-31"));
  auto with_production = receipt("LN-01", "MED", "L-B", "8", "2026-11-11", "2027-03-31");
  with_production.production = day("2025-03-31");
  (void)l.receive(with_production);
  (void)l.receive(receipt("LN-01", "TENT", nullptr, "15", "2026-11-12"));
  (void)l.receive(receipt("CHEM-01", "TENT", nullptr, "20", "2026-11-12"));
  (void)l.receive(receipt("CHEM-01", "MED", "L-C", "2", "2026-11-13", "2027-02-28"));
  (void)l.transfer(transfer("LN-01", "YF-01", "MED", "L-A", "5", "2026-11-14"));
  (void)l.issue(issue("CHEM-01", "MED", "L-C", "2", "2026-11-15")); // CHEM-01 holds no MED now
  (void)l.issue(issue("LN-01", "TENT", nullptr, "4", "2026-11-16"));
  // Statuses, the latest of each lot's changes counting: a scan over every depot and material
  // reads them all first, a narrower one asks per line.
  l.set_lot_status(MaterialCode("MED"), LotNumber("L-A"), LotStatus::Quarantined, keeper(), "抽检");
  l.set_lot_status(MaterialCode("MED"), LotNumber("L-A"), LotStatus::Recalled, keeper(), "召回");
  l.set_lot_status(MaterialCode("MED"), LotNumber("L-B"), LotStatus::Damaged, keeper(), "受潮");
  l.set_lot_status(MaterialCode("MED"), LotNumber("L-B"), LotStatus::Available, keeper(), "复检");

  const auto text = [](const StockTotal& t) {
    return (t.depot ? t.depot->str() : "*") + "/" +
           (t.tier ? std::string(to_string(*t.tier)) : "*") + "/" + t.material.str() + "/" +
           (t.lot ? t.lot->number.str() : "*") + "/" + t.name + "/" + t.unit + "=" +
           t.quantity.to_string();
  };
  const auto texts = [&](const std::vector<StockTotal>& totals) {
    std::vector<std::string> out;
    for (const auto& t : totals) out.push_back(text(t));
    return out;
  };
  const std::vector<StockQuery> queries{
      {},
      {.depot = DepotCode("LN-01")},
      {.material = MaterialCode("MED")},
      {.org = OrgCode("LN")},
      {.as_of = day("2026-11-13")}, // before the transfer: the lines, summed from movements
      {.as_of = day("2026-11-30")}, // nothing dated later: the totals
  };
  for (std::size_t q = 0; q < queries.size(); ++q) {
    for (const auto by : {StockGrouping::Depot, StockGrouping::Material, StockGrouping::Lot,
                          StockGrouping::Tier}) {
      CAPTURE(q);
      CAPTURE(static_cast<int>(by));
      const auto folded = texts(group_stock(l.stock(queries[q]), by));
      CHECK(texts(l.stock_totals(queries[q], by)) == folded);
      std::vector<StockTotal> streamed;
      l.for_each_stock_total(queries[q], by, [&](const StockTotal& t) { streamed.push_back(t); });
      CHECK(texts(streamed) == folded);
    }
  }
  // Without in_order the lines may come in any order, but they are the same lines.
  for (const auto& query : queries) {
    StockQuery any = query;
    any.in_order = false;
    const auto line_texts = [&](const std::vector<StockLine>& lines) {
      std::vector<std::string> out;
      for (const auto& s : lines) {
        out.push_back(s.depot.str() + "/" + s.lot.material.str() + "/" + s.lot.number.str() +
                      "=" + s.quantity.to_string());
      }
      std::sort(out.begin(), out.end());
      return out;
    };
    CHECK(line_texts(l.stock(any)) == line_texts(l.stock(query)));
    any.expiring_by = day("2027-02-28");
    StockQuery window = query;
    window.expiring_by = any.expiring_by;
    CHECK(line_texts(l.stock(any)) == line_texts(l.stock(window)));
    // The window (read without the lots where it can be, from the balances' copy of each
    // lot's label) is the stock filtered to the lots that expire by its end, label and order
    // included.
    const auto labels = [](const std::vector<StockLine>& lines) {
      std::vector<std::string> out;
      for (const auto& s : lines) {
        out.push_back(fmt::format("{}/{}/{}/{}/{}/{}/{}/{}/{}", s.depot.str(), s.material.str(),
                                  s.name, s.unit, s.lot.number.str(),
                                  s.lot.production ? s.lot.production->to_string() : "-",
                                  s.lot.expiry ? s.lot.expiry->to_string() : "-",
                                  static_cast<int>(s.lot.status), s.quantity.to_string()));
      }
      return out;
    };
    std::vector<StockLine> expected;
    for (const auto& line : l.stock(query)) {
      if (line.lot.expiry && *line.lot.expiry <= *window.expiring_by) expected.push_back(line);
    }
    CHECK(labels(l.stock(window)) == labels(expected));
    for (const auto& line : l.stock(window)) {
      CHECK(line.lot.status == l.lot(line.material, line.lot.number).status);
    }
    for (const auto& line : l.stock(query)) {
      CAPTURE(line.lot.number.str());
      CHECK(line.lot.status == l.lot(line.material, line.lot.number).status);
    }
  }
  CHECK(l.lot(MaterialCode("MED"), LotNumber("L-A")).status == LotStatus::Recalled);
  CHECK(l.lot(MaterialCode("MED"), LotNumber("L-B")).status == LotStatus::Available);
  std::vector<std::string> recalled; // L-A, all of it moved to YF-01
  for (const auto& line : l.stock({})) {
    if (line.lot.status == LotStatus::Recalled)
      recalled.push_back(line.depot.str() + "/" + line.lot.number.str());
  }
  CHECK(recalled == std::vector<std::string>{"YF-01/L-A"});
  CHECK(texts(l.stock_totals({}, StockGrouping::Depot)) ==
        std::vector<std::string>{"CHEM-01/*/TENT/*/帐篷/顶=20", "LN-01/*/MED/*/药品/盒=8",
                                 "LN-01/*/TENT/*/帐篷/顶=11", "YF-01/*/MED/*/药品/盒=5"});
  CHECK(error_of<NotFound>([&] {
          l.for_each_stock_total({.material = MaterialCode("NOPE")}, StockGrouping::Depot,
                                 [](const StockTotal&) {});
        }) == "material \"NOPE\": no such material in the ledger");
}

TEST_CASE("movements: stock as of a past day is what stock was on that day") {
  Reserve r;
  auto& l = r.ledger;
  (void)l.receive(receipt("LN-01", "TENT", nullptr, "15", "2026-11-10")); // 1
  (void)l.issue(issue("LN-01", "TENT", nullptr, "5", "2026-11-15"));      // 2
  (void)l.receive(receipt("LN-01", "TENT", nullptr, "3", "2026-11-20"));  // 3

  CHECK(l.stock({.as_of = day("2026-11-09")}).empty());
  CHECK(on_hand(l, "LN-01", "TENT", day("2026-11-10")) == qty("15"));
  CHECK(on_hand(l, "LN-01", "TENT", day("2026-11-14")) == qty("15"));
  CHECK(on_hand(l, "LN-01", "TENT", day("2026-11-15")) == qty("10"));
  CHECK(on_hand(l, "LN-01", "TENT", day("2026-11-19")) == qty("10"));
  CHECK(on_hand(l, "LN-01", "TENT", day("2026-11-20")) == qty("13"));
  CHECK(on_hand(l, "LN-01", "TENT", day("2026-11-22")) == qty("13"));
  CHECK(on_hand(l, "LN-01", "TENT") == qty("13"));

  // A reversal counts from its own date; the past stays as it was.
  (void)l.reverse(reversal({2}, "2026-11-21"));
  CHECK(on_hand(l, "LN-01", "TENT", day("2026-11-20")) == qty("13"));
  CHECK(on_hand(l, "LN-01", "TENT", day("2026-11-21")) == qty("18"));
  CHECK(on_hand(l, "LN-01", "TENT") == qty("18"));

  // Recorded late, dated earlier: as-of follows the date, not the recording order.
  (void)l.issue(issue("LN-01", "TENT", nullptr, "2", "2026-11-16"));
  CHECK(on_hand(l, "LN-01", "TENT", day("2026-11-15")) == qty("10"));
  CHECK(on_hand(l, "LN-01", "TENT", day("2026-11-16")) == qty("8"));
  CHECK(on_hand(l, "LN-01", "TENT") == qty("16"));
}

TEST_CASE("movements: emptied lots show only when asked for") {
  Reserve r;
  auto& l = r.ledger;
  (void)l.receive(receipt("LN-01", "MED", "L-A", "5", "2026-11-20", "2027-01-31"));
  (void)l.receive(receipt("LN-01", "MED", "L-B", "5", "2026-11-20", "2027-03-31"));
  (void)l.issue(issue("LN-01", "MED", nullptr, "5", "2026-11-21"));
  const auto now = l.stock();
  REQUIRE(now.size() == 1);
  CHECK(now[0].lot.number.str() == "L-B");
  const auto all = l.stock({.include_zero = true});
  REQUIRE(all.size() == 2);
  CHECK(all[0].lot.number.str() == "L-A");
  CHECK(all[0].quantity == qty("0"));
  CHECK(all[0].name == "药品");
  CHECK(all[0].unit == "盒");
}

TEST_CASE("movements: the history filters by depot, material, lot, kind, incident and dates") {
  Reserve r;
  auto& l = r.ledger;
  (void)l.receive(receipt("LN-01", "TENT", nullptr, "15", "2026-11-10"));           // 1
  (void)l.receive(receipt("LN-01", "MED", "L-A", "5", "2026-11-12", "2027-01-31")); // 2
  (void)l.transfer(transfer("LN-01", "YF-01", "TENT", nullptr, "6", "2026-11-15")); // 3, 4
  auto flood_tents = issue("YF-01", "TENT", nullptr, "2", "2026-11-18");            // 5
  flood_tents.paper.incident = IncidentCode("FLOOD-1");
  (void)l.issue(flood_tents);
  auto flood_med = issue("LN-01", "MED", "L-A", "1", "2026-11-20"); // 6
  flood_med.paper.incident = IncidentCode("FLOOD-1");
  (void)l.issue(flood_med);

  CHECK(ids(l.movements()) == Ids{1, 2, 3, 4, 5, 6});
  CHECK(ids(l.movements({.depot = DepotCode("YF-01")})) == Ids{4, 5});
  CHECK(ids(l.movements({.depot = DepotCode("LN-01")})) == Ids{1, 2, 3, 6});
  CHECK(ids(l.movements({.material = MaterialCode("MED")})) == Ids{2, 6});
  CHECK(ids(l.movements({.lot = LotNumber("L-A")})) == Ids{2, 6});
  CHECK(ids(l.movements({.lot = LotNumber("-")})) == Ids{1, 3, 4, 5});
  CHECK(ids(l.movements({.kind = MovementKind::Issue})) == Ids{5, 6});
  CHECK(ids(l.movements({.kind = MovementKind::TransferOut})) == Ids{3});
  CHECK(ids(l.movements({.kind = MovementKind::TransferIn})) == Ids{4});
  CHECK(ids(l.movements({.transfers = true})) == Ids{3, 4});
  CHECK(ids(l.movements({.incident = IncidentCode("FLOOD-1")})) == Ids{5, 6});
  CHECK(ids(l.movements({.from = day("2026-11-12"), .to = day("2026-11-15")})) == Ids{2, 3, 4});
  CHECK(ids(l.movements({.from = day("2026-11-16")})) == Ids{5, 6});
  CHECK(ids(l.movements({.to = day("2026-11-10")})) == Ids{1});
  CHECK(ids(l.movements({.depot = DepotCode("LN-01"), .kind = MovementKind::Issue})) == Ids{6});
  CHECK(ids(l.movements({.material = MaterialCode("TENT"), .from = day("2026-11-15")})) ==
        Ids{3, 4, 5});
  CHECK(l.movements({.kind = MovementKind::Dispose}).empty());
  CHECK(l.movements({.from = day("2026-11-21")}).empty());
  CHECK(parse_movement_kind("transfer-in") == MovementKind::TransferIn);
  CHECK(error_of<InvalidInput>([] { (void)parse_movement_kind("move"); }) ==
        "--kind \"move\": expected receive, issue, transfer, transfer-out, transfer-in, "
        "dispose, return, reverse or adjust");

  // What the history returns is what was written.
  const auto six = l.movements({.incident = IncidentCode("FLOOD-1"), .to = day("2026-11-20")});
  REQUIRE(six.size() == 2);
  CHECK(six[1].material.str() == "MED");
  CHECK(six[1].quantity == qty("-1"));
  CHECK(six[1].date == day("2026-11-20"));
  CHECK(six[1].incident == std::optional<IncidentCode>(IncidentCode("FLOOD-1")));
}

TEST_CASE("movements: ids increase, hashes differ and a transfer's legs share an operation") {
  Reserve r;
  auto& l = r.ledger;
  std::vector<Posting> postings;
  postings.push_back(l.receive(receipt("LN-01", "TENT", nullptr, "15", "2026-11-10")));
  postings.push_back(l.receive(receipt("LN-01", "TENT", nullptr, "15", "2026-11-10")));
  postings.push_back(l.transfer(transfer("LN-01", "YF-01", "TENT", nullptr, "6", "2026-11-15")));
  postings.push_back(l.issue(issue("YF-01", "TENT", nullptr, "1", "2026-11-16")));
  postings.push_back(l.reverse(reversal({5}, "2026-11-16")));

  const auto all = l.movements();
  CHECK(ids(all) == Ids{1, 2, 3, 4, 5, 6});
  std::set<std::string> hashes;
  for (const auto& m : all) {
    CHECK(m.hash.size() == 64);
    CHECK(m.hash.find_first_not_of("0123456789abcdef") == std::string::npos);
    hashes.insert(m.hash);
  }
  // Two identical receipts still hash differently.
  CHECK(hashes.size() == all.size());

  for (std::size_t i = 1; i < postings.size(); ++i) {
    CHECK(postings[i].operation > postings[i - 1].operation);
  }
  CHECK(all[2].operation == all[3].operation);
  CHECK(all[2].operation == postings[2].operation);
  CHECK(all[1].operation != all[2].operation);
  CHECK(all[4].operation != all[3].operation);
  // What a write returns is what the history holds.
  CHECK(postings[2].movements.at(1).hash == all[3].hash);
  CHECK(postings[4].movements.at(0).hash == all[5].hash);
  CHECK(l.verify().head_hash == all.back().hash);
}

TEST_CASE("movements: one reversal can undo an issue and the receipt it drew on") {
  Reserve r;
  auto& l = r.ledger;
  (void)l.receive(receipt("LN-01", "TENT", nullptr, "8", "2026-11-20"));
  (void)l.issue(issue("LN-01", "TENT", nullptr, "8", "2026-11-21"));
  // Named oldest first; undone newest first, so the receipt's reversal finds the tents back.
  const auto back = l.reverse(reversal({1, 2}, "2026-11-22"));
  REQUIRE(back.movements.size() == 2);
  CHECK(back.movements[0].reverses == std::optional<std::int64_t>(2));
  CHECK(back.movements[1].reverses == std::optional<std::int64_t>(1));
  CHECK(on_hand(l, "LN-01", "TENT") == qty("0"));
  CHECK(l.verify().movements == 4);
}
