// Stocktakes (盘点) as a depot keeper relies on them: the book a count is compared with is the
// book at the moment of that count, blind sheets hide the book until the close, a close posts
// exactly one adjustment per variance or nothing at all, and a bad count sheet writes nothing.
#include <doctest/doctest.h>
#include <algorithm>
#include <chrono>
#include <initializer_list>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "stockpile/error.hpp"
#include "stockpile/ledger.hpp"
#include "stockpile/stocktake.hpp"
#include "stocktake_parts.hpp"
#include "store/sqlite_store.hpp"
#include "support/temp_ledger.hpp"

using namespace stockpile;

template <> struct doctest::StringMaker<Quantity> {
  static doctest::String convert(const Quantity& value) { return value.to_string().c_str(); }
};
template <> struct doctest::StringMaker<Date> {
  static doctest::String convert(const Date& value) { return value.to_string().c_str(); }
};

namespace {

Date st_day(const char* text) { return Date::parse(text); }
Quantity st_qty(const char* text) { return Quantity::parse(text); }
std::optional<Quantity> some(const char* text) { return Quantity::parse(text); }
// Optional values as text, so that a failed check shows them ("(none)" when empty).
std::string shown(const std::optional<Quantity>& q) { return q ? q->to_string() : "(none)"; }
std::string shown(const std::optional<std::int64_t>& n) {
  return n ? std::to_string(*n) : "(none)";
}

CustodianId starter() { return CustodianId("wang.li"); }    // keeper who starts and closes
CustodianId counter() { return CustodianId("zhao.jun"); }   // keeper who counts
CustodianId approver() { return CustodianId("chen.gang"); } // responsible, counts nothing

OpenOptions st_utc() {
  auto o = stockpile::testing::fixed_clock();
  o.time_zone = "UTC"; // today is 2026-11-22 whatever the machine's zone
  return o;
}

Material st_material(const char* code, const char* name, const char* unit) {
  Material m{MaterialCode(code)};
  m.name = name;
  m.unit = unit;
  return m;
}

// 柳南区 with its depot LN-01 and 鱼峰区 with YF-01; three custodians at LN-01 (one also at
// YF-01); quilts and tents by lot, carbon by weight without lots, medicine that expires.
struct Shelves {
  stockpile::testing::TempDir dir;
  std::filesystem::path file = dir.path() / "ledger.db";
  Ledger ledger = Ledger::create(file, st_utc());

  Shelves() {
    ledger.add_organisation({OrgCode("LZ"), "柳州市", OrgLevel::City, std::nullopt});
    ledger.add_organisation({OrgCode("LN"), "柳南区", OrgLevel::District, OrgCode("LZ")});
    ledger.add_organisation({OrgCode("YF"), "鱼峰区", OrgLevel::District, OrgCode("LZ")});
    ledger.add_depot({DepotCode("LN-01"), "柳南区救灾物资仓库", OrgCode("LN"), ""});
    ledger.add_depot({DepotCode("YF-01"), "鱼峰区救灾物资仓库", OrgCode("YF"), ""});
    ledger.add_custodian(
        {starter(), "王丽", "", parse_roles("keeper"), {DepotCode("LN-01"), DepotCode("YF-01")}});
    ledger.add_custodian({counter(), "赵军", "", parse_roles("keeper"), {DepotCode("LN-01")}});
    ledger.add_custodian(
        {approver(), "陈刚", "", parse_roles("responsible"), {DepotCode("LN-01")}});
    ledger.add_material(st_material("QUILT", "棉胎", "床"));
    auto tent = st_material("TENT", "帐篷", "顶");
    tent.recoverable = true;
    ledger.add_material(tent);
    auto carbon = st_material("CARBON", "活性炭", "kg");
    carbon.lot_tracked = false;
    carbon.decimals = 3;
    ledger.add_material(carbon);
    auto med = st_material("MED", "药品", "盒");
    med.shelf_life = Duration::parse("24m");
    ledger.add_material(med);
  }

  // The shelves of the CLI scenario: 80 quilts Q1, 15 tents T1, 250.5 kg of carbon.
  void stock_up() {
    (void)ledger.receive(in("QUILT", "Q1", "80"));
    (void)ledger.receive(in("TENT", "T1", "15"));
    (void)ledger.receive(in("CARBON", nullptr, "250.5"));
  }

  static ReceiveRequest in(const char* mat, const char* lot, const char* q,
                           const char* date = "2026-11-01", const char* depot = "LN-01") {
    return ReceiveRequest{.depot = DepotCode(depot),
                          .material = MaterialCode(mat),
                          .lot = lot ? std::optional<LotNumber>(LotNumber(lot)) : std::nullopt,
                          .quantity = st_qty(q),
                          .date = st_day(date),
                          .actor = starter()};
  }

  static IssueRequest out(const char* mat, const char* lot, const char* q,
                          const char* date = "2026-11-22") {
    return IssueRequest{.depot = DepotCode("LN-01"),
                        .material = MaterialCode(mat),
                        .lot = lot ? std::optional<LotNumber>(LotNumber(lot)) : std::nullopt,
                        .quantity = st_qty(q),
                        .date = st_day(date),
                        .actor = starter()};
  }

  std::int64_t start(bool blind = false, std::vector<MaterialCode> materials = {},
                     const char* depot = "LN-01") {
    return ledger
        .start_stocktake(StartStocktake{.depot = DepotCode(depot),
                                        .materials = std::move(materials),
                                        .blind = blind,
                                        .date = st_day("2026-11-22"),
                                        .actor = starter()})
        .id;
  }
};

CountRequest tally(const char* mat, const char* lot, const char* q,
                   CustodianId who = CustodianId("zhao.jun")) {
  return CountRequest{.material = MaterialCode(mat),
                      .lot = LotNumber(lot),
                      .quantity = st_qty(q),
                      .counter = std::move(who)};
}

CloseStocktake closing(std::map<std::string, VarianceReason> reasons = {},
                       Uncounted uncounted = Uncounted::Block,
                       std::optional<VarianceReason> default_reason = std::nullopt) {
  return CloseStocktake{.approver = approver(),
                        .actor = starter(),
                        .date = st_day("2026-11-22"),
                        .default_reason = default_reason,
                        .reasons = std::move(reasons),
                        .note = "",
                        .uncounted = uncounted};
}

// The message of the error `fn` throws, which must be exactly an E.
template <class E, class F> std::string refusal(F&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    if (typeid(e) != typeid(E))
      return std::string("[wrong type ") + typeid(e).name() + "] " + e.what();
    return e.what();
  }
  return "(nothing thrown)";
}

// Empty when `message` mentions every one of `parts`; otherwise what it lacks, and the message.
std::string missing_from(const std::string& message,
                         std::initializer_list<std::string_view> parts) {
  std::string missing;
  for (auto part : parts) {
    if (message.find(part) == std::string::npos) missing += "[" + std::string(part) + "] ";
  }
  return missing.empty() ? missing : missing + "not in: " + message;
}

// Everything a refused write must leave alone: stock, movements, lots, chain head, and every
// stocktake with its state, lines and counts.
std::string ledger_state(const Ledger& l) {
  std::string out;
  for (const auto& s : l.stock({.include_zero = true})) {
    out += s.depot.str() + "/" + s.material.str() + "/" + s.lot.number.str() + "=" +
           s.quantity.to_string() + ";";
  }
  for (const auto& m : l.movements())
    out += std::to_string(m.id) + ":" + m.hash + ";";
  for (const auto& lot : l.lots()) {
    out += lot.material.str() + "/" + lot.number.str() + "/" +
           (lot.expiry ? lot.expiry->to_string() : "-") + ";";
  }
  for (const auto& s : l.stocktakes()) {
    out += "stocktake " + std::to_string(s.id) + " " + std::string(to_string(s.state)) + " " +
           std::to_string(s.lines) + "/" + std::to_string(s.counted) + ";";
    for (const auto& v : l.stocktake_review(s.id)) {
      out += v.line.material.str() + "/" + v.line.lot.number.str() + ":" +
             (v.counted ? v.counted->to_string() : "?") + "x" + std::to_string(v.counts) + ";";
    }
  }
  out += "head=" + l.verify().head_hash;
  return out;
}

Quantity on_shelf(const Ledger& l, const char* mat, const char* lot, const char* depot = "LN-01") {
  Quantity total;
  for (const auto& s : l.stock({.depot = DepotCode(depot), .material = MaterialCode(mat)})) {
    if (s.lot.number.str() == lot) total += s.quantity;
  }
  return total;
}

const Variance& line_of(const std::vector<Variance>& review, const char* mat, const char* lot) {
  for (const auto& v : review) {
    if (v.line.material.str() == mat && v.line.lot.number.str() == lot) return v;
  }
  FAIL("no line " << mat << "/" << lot << " in the review");
  throw std::logic_error("unreachable");
}

StocktakeLine sheet_line(std::int64_t n, const char* mat, const char* lot,
                         std::optional<Quantity> book, bool found = false) {
  return StocktakeLine{.line = n,
                       .material = MaterialCode(mat),
                       .name = "",
                       .specification = "",
                       .unit = "",
                       .lot = Lot{.material = MaterialCode(mat), .number = LotNumber(lot)},
                       .book_at_start = book,
                       .found = found};
}

StocktakeCount counted_at(const char* mat, const char* lot, const char* q, std::int64_t position,
                          const char* who = "zhao.jun") {
  return StocktakeCount{.material = MaterialCode(mat),
                        .lot = LotNumber(lot),
                        .quantity = st_qty(q),
                        .counter = CustodianId(who),
                        .position = position};
}

MovementSince moved(std::int64_t id, const char* mat, const char* lot, const char* q) {
  return MovementSince{id, MaterialCode(mat), LotNumber(lot), st_qty(q)};
}

std::optional<std::int64_t> permille_of(const char* book, const char* variance) {
  Variance v{.line = sheet_line(1, "X", "-", some(book))};
  v.book = some(book);
  v.variance = some(variance);
  return v.permille();
}

} // namespace

// ---- the pure computation ----------------------------------------------------------------

TEST_CASE("stocktake: compute_variances compares each count with the book at its position") {
  const std::vector<StocktakeLine> lines{
      sheet_line(1, "CARBON", "-", some("250.5")),
      sheet_line(2, "QUILT", "Q1", some("80")),
      sheet_line(3, "TENT", "T1", some("15")),
      sheet_line(4, "TENT", "T-NEW", some("0"), true),
  };
  const std::vector<MovementSince> since{
      moved(4, "QUILT", "Q1", "10"),   // before the quilt count
      moved(5, "QUILT", "Q1", "-5"),   // exactly at the quilt count's position: included
      moved(6, "CARBON", "-", "-0.5"), // carbon is never counted: all of it counts
      moved(7, "QUILT", "Q1", "-20"),  // after the quilt count: not part of its book
      moved(8, "TENT", "T1", "1"),     // after both tent counts
      moved(9, "CARBON", "-", "0.25"),
      moved(10, "TENT", "T-NEW", "5"), // after the found lot was counted
  };
  const std::vector<StocktakeCount> counts{
      counted_at("QUILT", "Q1", "85", 5), counted_at("TENT", "T1", "11", 5),
      counted_at("TENT", "T-NEW", "2", 6, "wang.li"),
      counted_at("TENT", "T1", "12", 7, "chen.gang"), // recount: the last count stands
  };

  const auto r = compute_variances(lines, counts, since);
  REQUIRE(r.size() == 4);
  for (std::size_t i = 0; i < r.size(); ++i) {
    CHECK(r[i].line.line == static_cast<std::int64_t>(i + 1));
    CHECK(r[i].line.material == lines[i].material);
    CHECK(r[i].line.lot.number == lines[i].lot.number);
  }

  // Uncounted: no counted value, the book as it stands now, no variance.
  CHECK(shown(r[0].counted) == "(none)");
  CHECK(shown(r[0].book) == "250.25");
  CHECK(shown(r[0].variance) == "0");
  CHECK(r[0].counts == 0);
  CHECK_FALSE(r[0].counter.has_value());

  // 80 + 10 − 5 = 85 when counted; the 20 issued afterwards are not a shortage.
  CHECK(shown(r[1].counted) == "85");
  CHECK(shown(r[1].book) == "85");
  CHECK(shown(r[1].variance) == "0");
  CHECK(r[1].counts == 1);
  CHECK(r[1].counter == std::optional<CustodianId>(counter()));
  CHECK(shown(r[1].permille()) == "0");

  // Counted twice; the recount (12) stands against 15, with its counter.
  CHECK(shown(r[2].counted) == "12");
  CHECK(shown(r[2].book) == "15");
  CHECK(shown(r[2].variance) == "-3");
  CHECK(r[2].counts == 2);
  CHECK(r[2].counter == std::optional<CustodianId>(approver()));
  CHECK(shown(r[2].permille()) == "-200");

  // Found: the books held nothing; the whole count is a surplus, with no percentage.
  CHECK(r[3].line.found);
  CHECK(shown(r[3].counted) == "2");
  CHECK(shown(r[3].book) == "0");
  CHECK(shown(r[3].variance) == "2");
  CHECK(r[3].counts == 1);
  CHECK(shown(r[3].permille()) == "(none)");
}

TEST_CASE("stocktake: compute_variances without counts or movements keeps the start book") {
  const std::vector<StocktakeLine> lines{sheet_line(1, "QUILT", "Q1", some("80")),
                                         sheet_line(2, "QUILT", "Q2", some("7"))};
  const auto none = compute_variances(lines, {}, {});
  REQUIRE(none.size() == 2);
  CHECK(shown(none[0].book) == "80");
  CHECK(shown(none[1].book) == "7");
  CHECK(shown(none[0].counted) == "(none)");
  CHECK(shown(none[1].variance) == "0");

  // Movements and counts of lots that are not lines change nothing.
  const auto other =
      compute_variances(lines, {counted_at("QUILT", "Q9", "3", 4)},
                        {moved(4, "QUILT", "Q9", "3"), moved(5, "TENT", "Q1", "-1")});
  REQUIRE(other.size() == 2);
  CHECK(shown(other[0].book) == "80");
  CHECK(shown(other[0].counted) == "(none)");
  CHECK(shown(other[1].book) == "7");
  CHECK(compute_variances({}, {counted_at("QUILT", "Q1", "3", 4)}, {}).empty());
}

TEST_CASE("stocktake: permille rounds half away from zero and is none without a book") {
  CHECK(shown(permille_of("15", "-3")) == "-200");
  CHECK(shown(permille_of("3", "1")) == "333");
  CHECK(shown(permille_of("3", "2")) == "667");
  CHECK(shown(permille_of("6", "-1")) == "-167");
  CHECK(shown(permille_of("6", "1")) == "167");
  CHECK(shown(permille_of("2", "0.001")) == "1");   // exactly 0.5‰
  CHECK(shown(permille_of("2", "-0.001")) == "-1"); // exactly −0.5‰
  CHECK(shown(permille_of("3", "0.001")) == "0");   // 0.33‰
  CHECK(shown(permille_of("250.5", "-0.5")) == "-2");
  CHECK(shown(permille_of("80", "0")) == "0");
  CHECK(shown(permille_of("4", "8")) == "2000");
  CHECK(shown(permille_of("0", "2")) == "(none)");

  Variance hidden{.line = sheet_line(1, "X", "-", std::nullopt)};
  hidden.counted = some("5");
  hidden.book.reset();
  hidden.variance.reset();
  CHECK(shown(hidden.permille()) == "(none)");
  Variance no_variance{.line = sheet_line(1, "X", "-", some("5"))};
  no_variance.book = some("5");
  no_variance.variance.reset();
  CHECK(shown(no_variance.permille()) == "(none)");
}

// ---- acceptance 1: goods move during the count -------------------------------------------

TEST_CASE("stocktake: goods moving during the count make no variance; a shortage closes into "
          "one adjustment") {
  Shelves d;
  auto& l = d.ledger;
  d.stock_up();
  const auto id = d.start();

  const auto st = l.stocktake(id);
  CHECK(st.state == StocktakeState::Open);
  CHECK(st.depot.str() == "LN-01");
  CHECK_FALSE(st.blind);
  CHECK(st.start_position == 3);
  CHECK(st.started_by == starter());
  CHECK(st.started_at == "2026-11-22T08:00:00Z");
  CHECK(st.date == st_day("2026-11-22"));
  CHECK(st.lines == 3);
  CHECK(st.counted == 0);

  const auto sheet = l.stocktake_sheet(id);
  REQUIRE(sheet.size() == 3);
  CHECK(sheet[0].material.str() == "CARBON");
  CHECK(sheet[0].lot.number.str() == "-");
  CHECK(shown(sheet[0].book_at_start) == "250.5");
  CHECK(sheet[0].unit == "kg");
  CHECK(sheet[1].material.str() == "QUILT");
  CHECK(shown(sheet[1].book_at_start) == "80");
  CHECK(sheet[1].name == "棉胎");
  CHECK(sheet[2].material.str() == "TENT");
  CHECK(shown(sheet[2].book_at_start) == "15");
  for (const auto& line : sheet)
    CHECK_FALSE(line.found);

  // 10 in and 5 out of Q1 before anyone reaches its shelf: 85 are there.
  (void)l.receive(Shelves::in("QUILT", "Q1", "10", "2026-11-22"));
  (void)l.issue(Shelves::out("QUILT", "Q1", "5"));
  l.count(id, tally("QUILT", "Q1", "85"));
  l.count(id, tally("TENT", "T1", "12")); // three tents missing
  l.count(id, tally("CARBON", "-", "250.5"));
  // And 5 more out of Q1 after it was counted: still no variance.
  (void)l.issue(Shelves::out("QUILT", "Q1", "5"));

  const auto review = l.stocktake_review(id);
  REQUIRE(review.size() == 3);
  CHECK(shown(line_of(review, "QUILT", "Q1").book) == "85");
  CHECK(shown(line_of(review, "QUILT", "Q1").counted) == "85");
  CHECK(shown(line_of(review, "QUILT", "Q1").variance) == "0");
  CHECK(shown(line_of(review, "TENT", "T1").book) == "15");
  CHECK(shown(line_of(review, "TENT", "T1").variance) == "-3");
  CHECK(shown(line_of(review, "TENT", "T1").permille()) == "-200");
  CHECK(shown(line_of(review, "CARBON", "-").variance) == "0");
  CHECK(l.stocktake(id).counted == 3);

  const auto movements_before = l.movements().size();
  REQUIRE(movements_before == 6);
  const auto posting = l.close_stocktake(id, closing({{"TENT/T1", VarianceReason::Lost}}));
  REQUIRE(posting.movements.size() == 1);
  const auto& adj = posting.movements[0];
  CHECK(adj.id == 7);
  CHECK(adj.kind == MovementKind::Adjust);
  CHECK(adj.depot.str() == "LN-01");
  CHECK(adj.material.str() == "TENT");
  CHECK(adj.lot.str() == "T1");
  CHECK(adj.quantity == st_qty("-3"));
  CHECK(adj.reason == "lost");
  CHECK(adj.approver == std::optional<CustodianId>(approver()));
  CHECK(adj.actor == starter());
  CHECK(adj.date == st_day("2026-11-22"));
  CHECK(adj.operation == posting.operation);
  CHECK(l.movements().size() == movements_before + 1);

  CHECK(on_shelf(l, "TENT", "T1") == st_qty("12"));
  CHECK(on_shelf(l, "QUILT", "Q1") == st_qty("80"));
  CHECK(on_shelf(l, "CARBON", "-") == st_qty("250.5"));

  const auto closed = l.stocktake(id);
  CHECK(closed.state == StocktakeState::Closed);
  CHECK(closed.approver == std::optional<CustodianId>(approver()));
  CHECK(closed.operation == std::optional<std::int64_t>(posting.operation));
  CHECK(closed.ended_at == "2026-11-22T08:00:00Z");

  const auto report = l.verify();
  CHECK(report.movements == 7);
  CHECK(report.head_hash == adj.hash);
}

TEST_CASE("stocktake: a lot received after the start and counted is no variance; a clean count "
          "closes with no adjustment") {
  Shelves d;
  auto& l = d.ledger;
  d.stock_up();
  const auto id = d.start();
  (void)l.receive(Shelves::in("QUILT", "Q2", "20", "2026-11-22"));
  // The same lot moving at another depot is not this depot's book.
  (void)l.receive(Shelves::in("TENT", "T1", "4", "2026-11-22", "YF-01"));
  l.count(id, tally("QUILT", "Q2", "20"));
  l.count(id, tally("QUILT", "Q1", "80"));
  l.count(id, tally("TENT", "T1", "15"));
  l.count(id, tally("CARBON", "-", "250.5"));

  const auto review = l.stocktake_review(id);
  REQUIRE(review.size() == 4);
  const auto& q2 = line_of(review, "QUILT", "Q2");
  CHECK(q2.line.line == 4);
  CHECK(shown(q2.book) == "20");
  CHECK(shown(q2.variance) == "0");

  CHECK(shown(line_of(review, "TENT", "T1").book) == "15");
  CHECK(shown(line_of(review, "TENT", "T1").variance) == "0");

  const auto posting = l.close_stocktake(id, closing());
  CHECK(posting.movements.empty());
  CHECK(l.movements().size() == 5);
  CHECK(l.stocktake(id).state == StocktakeState::Closed);
  CHECK(on_shelf(l, "QUILT", "Q2") == st_qty("20"));
  CHECK(on_shelf(l, "TENT", "T1", "YF-01") == st_qty("4"));
  CHECK(l.verify().movements == 5);
}

// ---- acceptance 2: blind -----------------------------------------------------------------

TEST_CASE("stocktake: a blind stocktake hides the book until it is closed") {
  Shelves d;
  auto& l = d.ledger;
  d.stock_up();
  const auto id = d.start(/*blind=*/true);
  CHECK(l.stocktake(id).blind);

  const auto sheet = l.stocktake_sheet(id);
  REQUIRE(sheet.size() == 3);
  for (const auto& line : sheet)
    CHECK(shown(line.book_at_start) == "(none)");

  l.count(id, tally("CARBON", "-", "250"));
  l.count(id, tally("TENT", "T1", "15"));
  const auto review = l.stocktake_review(id);
  REQUIRE(review.size() == 3);
  for (const auto& v : review) {
    CHECK(shown(v.line.book_at_start) == "(none)");
    CHECK(shown(v.book) == "(none)");
    CHECK(shown(v.variance) == "(none)");
    CHECK(shown(v.permille()) == "(none)");
  }
  CHECK(shown(line_of(review, "CARBON", "-").counted) == "250");
  CHECK(line_of(review, "CARBON", "-").counts == 1);
  CHECK(shown(line_of(review, "QUILT", "Q1").counted) == "(none)");

  // A filled sheet's preview is as blind as the review.
  const auto preview =
      l.import_counts(id, "material,lot,counted\nQUILT,Q1,80\n", "counts.csv", counter(), true)
          .review;
  REQUIRE(preview.size() == 3);
  for (const auto& v : preview) {
    CHECK(shown(v.book) == "(none)");
    CHECK(shown(v.variance) == "(none)");
  }
  CHECK(shown(line_of(preview, "QUILT", "Q1").counted) == "80");

  const auto posting = l.close_stocktake(id, closing({}, Uncounted::Keep, VarianceReason::Lost));
  REQUIRE(posting.movements.size() == 1);
  CHECK(posting.movements[0].material.str() == "CARBON");
  CHECK(posting.movements[0].quantity == st_qty("-0.5"));

  const auto after_sheet = l.stocktake_sheet(id);
  REQUIRE(after_sheet.size() == 3);
  CHECK(shown(after_sheet[0].book_at_start) == "250.5");
  CHECK(shown(after_sheet[1].book_at_start) == "80");
  CHECK(shown(after_sheet[2].book_at_start) == "15");
  const auto after = l.stocktake_review(id);
  REQUIRE(after.size() == 3);
  CHECK(shown(line_of(after, "CARBON", "-").book) == "250.5");
  CHECK(shown(line_of(after, "CARBON", "-").variance) == "-0.5");
  CHECK(shown(line_of(after, "CARBON", "-").permille()) == "-2");
  CHECK(shown(line_of(after, "TENT", "T1").book) == "15");
  CHECK(shown(line_of(after, "TENT", "T1").variance) == "0");
  CHECK(shown(line_of(after, "QUILT", "Q1").book) == "80");
  CHECK(shown(line_of(after, "QUILT", "Q1").counted) == "(none)");
}

// ---- acceptance 3: the close's rules -----------------------------------------------------

TEST_CASE("stocktake: a refused close leaves the ledger and the open stocktake as they were") {
  Shelves d;
  auto& l = d.ledger;
  d.stock_up();
  const auto id = d.start();
  l.count(id, tally("QUILT", "Q1", "80"));
  l.count(id, tally("TENT", "T1", "12")); // short by 3; carbon is not counted
  const auto before = ledger_state(l);
  const auto movements = l.movements().size();

  SUBCASE("the approver counted lines") {
    auto c = closing({}, Uncounted::Keep, VarianceReason::Lost);
    c.approver = counter();
    CHECK(missing_from(refusal<InvalidInput>([&] { (void)l.close_stocktake(id, c); }),
                       {"--approved-by", "zhao.jun"}) == "");
  }
  SUBCASE("a variance without a reason") {
    CHECK(missing_from(refusal<InvalidInput>(
                           [&] { (void)l.close_stocktake(id, closing({}, Uncounted::Keep)); }),
                       {"--reason", "TENT/T1"}) == "");
  }
  SUBCASE("reason other without a note") {
    CHECK(missing_from(refusal<InvalidInput>([&] {
                         (void)l.close_stocktake(
                             id, closing({{"TENT/T1", VarianceReason::Other}}, Uncounted::Keep));
                       }),
                       {"--note", "TENT/T1"}) == "");
    CHECK(missing_from(refusal<InvalidInput>([&] {
                         (void)l.close_stocktake(
                             id, closing({}, Uncounted::Keep, VarianceReason::Other));
                       }),
                       {"--note", "TENT/T1"}) == "");
  }
  SUBCASE("uncounted lines and no policy for them") {
    CHECK(missing_from(refusal<RuleViolation>([&] {
                         (void)l.close_stocktake(id, closing({{"TENT/T1", VarianceReason::Lost}}));
                       }),
                       {"CARBON/-", "--uncounted"}) == "");
  }
  SUBCASE("a line reason for a lot that is not a line") {
    CHECK(missing_from(refusal<InvalidInput>([&] {
                         (void)l.close_stocktake(id, closing({{"TENT/T1", VarianceReason::Lost},
                                                              {"TENT/T9", VarianceReason::Lost}},
                                                             Uncounted::Keep));
                       }),
                       {"TENT/T9"}) == "");
  }
  SUBCASE("an approver who is no custodian") {
    auto c = closing({}, Uncounted::Keep, VarianceReason::Lost);
    c.approver = CustodianId("nobody");
    CHECK(missing_from(refusal<InvalidInput>([&] { (void)l.close_stocktake(id, c); }),
                       {"--approved-by", "nobody"}) == "");
  }

  CHECK(ledger_state(l) == before);
  CHECK(l.movements().size() == movements);
  CHECK(l.stocktake(id).state == StocktakeState::Open);
  CHECK_FALSE(l.stocktake(id).operation.has_value());
  CHECK(on_shelf(l, "TENT", "T1") == st_qty("15"));
}

TEST_CASE("stocktake: uncounted lines are zeroed or kept as the close says") {
  Shelves d;
  auto& l = d.ledger;
  d.stock_up();
  const auto id = d.start();
  l.count(id, tally("QUILT", "Q1", "80"));
  l.count(id, tally("TENT", "T1", "12"));
  // Carbon is never counted; 0.5 kg more arrives during the count.
  (void)l.receive(Shelves::in("CARBON", nullptr, "0.5", "2026-11-22"));

  SUBCASE("zero: nothing was on the shelf") {
    const auto p = l.close_stocktake(id, closing({{"TENT/T1", VarianceReason::Lost}},
                                                 Uncounted::Zero, VarianceReason::Miscounted));
    REQUIRE(p.movements.size() == 2);
    CHECK(p.movements[0].material.str() == "CARBON");
    CHECK(p.movements[0].kind == MovementKind::Adjust);
    CHECK(p.movements[0].quantity == st_qty("-251")); // the book now, not at the start
    CHECK(p.movements[0].reason == "miscounted");
    CHECK(p.movements[1].material.str() == "TENT");
    CHECK(p.movements[1].quantity == st_qty("-3"));
    CHECK(p.movements[1].reason == "lost");
    CHECK(on_shelf(l, "CARBON", "-") == st_qty("0"));
    CHECK(on_shelf(l, "TENT", "T1") == st_qty("12"));
    CHECK(on_shelf(l, "QUILT", "Q1") == st_qty("80"));
  }
  SUBCASE("keep: not counted this time") {
    auto c = closing({{"TENT/T1", VarianceReason::Other}}, Uncounted::Keep);
    c.note = "帐篷借给社区未登记";
    const auto p = l.close_stocktake(id, c);
    REQUIRE(p.movements.size() == 1);
    CHECK(p.movements[0].material.str() == "TENT");
    CHECK(p.movements[0].quantity == st_qty("-3"));
    CHECK(p.movements[0].reason == "other");
    CHECK(p.movements[0].note == "帐篷借给社区未登记");
    CHECK(on_shelf(l, "CARBON", "-") == st_qty("251"));
    CHECK(on_shelf(l, "TENT", "T1") == st_qty("12"));
  }
  CHECK(l.stocktake(id).state == StocktakeState::Closed);
  CHECK_NOTHROW((void)l.verify());
}

// ---- acceptance 4: a thousand lots -------------------------------------------------------

namespace {

constexpr int kLotsPerMaterial = 250;
const char* const kBulkMaterials[] = {"QUILT", "TENT", "MASK", "RAIN"};

std::string bulk_lot(int n) {
  std::string digits = std::to_string(n);
  return "B" + std::string(4 - digits.size(), '0') + digits;
}
std::string bulk_qty(int i) { return std::to_string(i % 9 + 1); }

// Row i of the count sheet names lot i (its material, lot and book quantity).
struct BulkRow {
  std::string material, lot, counted;
};
BulkRow bulk_row(int i) {
  return {kBulkMaterials[i / kLotsPerMaterial], bulk_lot(i % kLotsPerMaterial + 1), bulk_qty(i)};
}
std::string csv_of(const std::vector<BulkRow>& rows) {
  std::string out = "material,lot,counted\n";
  for (const auto& r : rows)
    out += r.material + "," + r.lot + "," + r.counted + "\n";
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

TEST_CASE("stocktake: a 1,000-line count sheet with 5 bad rows names each and writes nothing") {
  Shelves d;
  auto& l = d.ledger;
  l.add_material(st_material("MASK", "口罩", "盒"));
  l.add_material(st_material("RAIN", "雨衣", "件"));
  const auto t_setup = std::chrono::steady_clock::now();
  for (int i = 0; i < 4 * kLotsPerMaterial; ++i) {
    const auto row = bulk_row(i);
    (void)l.receive(Shelves::in(row.material.c_str(), row.lot.c_str(), row.counted.c_str()));
  }
  const double setup_s = seconds_since(t_setup);
  const auto t_start = std::chrono::steady_clock::now();
  const auto id = d.start();
  const double start_s = seconds_since(t_start);
  REQUIRE(l.stocktake(id).lines == 1000);

  std::vector<BulkRow> good;
  for (int i = 0; i < 1000; ++i)
    good.push_back(bulk_row(i));
  auto bad = good;            // file line = row index + 2 (the header is line 1)
  bad[99].counted = "1e3";    // line 101
  bad[300].material = "NOPE"; // line 302
  bad[501].lot = "-";         // line 503: MASK is tracked by lot
  bad[702].counted = "-2";    // line 704
  bad[903] = good[0];         // line 905: QUILT B0001 again
  const auto lots_before = l.lots().size();
  const auto before = ledger_state(l);

  const auto t_bad = std::chrono::steady_clock::now();
  try {
    (void)l.import_counts(id, csv_of(bad), "counts.csv", counter(), false);
    FAIL("a sheet with 5 bad rows was imported");
  } catch (const ImportError& e) {
    CHECK(e.source() == "counts.csv");
    std::vector<std::size_t> lines;
    for (const auto& r : e.errors())
      lines.push_back(r.line);
    CHECK(lines == std::vector<std::size_t>{101, 302, 503, 704, 905});
    REQUIRE(e.errors().size() == 5);
    CHECK(missing_from(e.errors()[0].message, {"1e3"}) == "");
    CHECK(missing_from(e.errors()[1].message, {"NOPE"}) == "");
    // A file's rows are named by its columns, not by the options of `stocktake count`.
    CHECK(missing_from(e.errors()[2].message, {"MASK", "lot \"-\""}) == "");
    CHECK(missing_from(e.errors()[3].message, {"counted \"-2\""}) == "");
    CHECK(missing_from(e.errors()[4].message, {"QUILT/B0001", "2", "905"}) == "");
  }
  const double bad_s = seconds_since(t_bad);
  CHECK(ledger_state(l) == before);
  CHECK(l.lots().size() == lots_before);
  CHECK(l.stocktake(id).counted == 0);
  for (const auto& v : l.stocktake_review(id))
    CHECK(v.counts == 0);

  const auto t_good = std::chrono::steady_clock::now();
  const auto imported = l.import_counts(id, csv_of(good), "counts.csv", counter(), false);
  const double good_s = seconds_since(t_good);
  CHECK(imported.counted == 1000);
  CHECK(imported.found == 0);
  CHECK(imported.review.empty()); // only a dry run computes it
  const auto review = l.stocktake_review(id);
  REQUIRE(review.size() == 1000);
  int zero = 0;
  for (const auto& v : review) {
    if (v.counted && v.book && *v.counted == *v.book && v.variance == some("0") && v.counts == 1)
      ++zero;
  }
  CHECK(zero == 1000);
  CHECK(l.stocktake(id).counted == 1000);
  CHECK(l.stocktake_review(id).size() == 1000);
  CHECK(l.movements().size() == 1000);

  // A dry run on a fresh stocktake: the review as it would be, and nothing written.
  l.cancel_stocktake(id, starter(), "重新盘点");
  const auto fresh = d.start();
  auto dry_rows = good;
  dry_rows[10].counted = std::to_string(std::stoi(dry_rows[10].counted) - 1);
  dry_rows.push_back({"QUILT", "B9999", "3"});
  const auto fresh_before = ledger_state(l);
  const auto t_dry = std::chrono::steady_clock::now();
  const auto dry_import = l.import_counts(fresh, csv_of(dry_rows), "counts.csv", counter(), true);
  const double dry_s = seconds_since(t_dry);
  CHECK(dry_import.counted == 1001);
  CHECK(dry_import.found == 1); // B9999
  const auto& dry = dry_import.review;
  REQUIRE(dry.size() == 1001);
  CHECK(shown(line_of(dry, "QUILT", "B0011").variance) == "-1");
  CHECK(line_of(dry, "QUILT", "B9999").line.found);
  CHECK(shown(line_of(dry, "QUILT", "B9999").counted) == "3");
  CHECK(shown(line_of(dry, "QUILT", "B9999").book) == "0");
  CHECK(shown(line_of(dry, "TENT", "B0250").counted) == "5");
  CHECK(ledger_state(l) == fresh_before);
  CHECK(l.stocktake(fresh).lines == 1000);
  CHECK(l.stocktake(fresh).counted == 0);
  CHECK(l.lots().size() == lots_before); // B9999 was not created
  for (const auto& v : l.stocktake_review(fresh))
    CHECK(shown(v.counted) == "(none)");

  MESSAGE("1,000 lots: receive " << setup_s << " s, start " << start_s << " s, refused import "
                                 << bad_s << " s, import " << good_s << " s, dry run " << dry_s
                                 << " s");
}

// ---- lifecycle ---------------------------------------------------------------------------

TEST_CASE("stocktake: a stocktake cannot start on a day still to come") {
  Shelves d;
  auto& l = d.ledger;
  d.stock_up();
  const auto before = ledger_state(l);
  CHECK(refusal<InvalidInput>([&] {
          (void)l.start_stocktake(StartStocktake{.depot = DepotCode("LN-01"),
                                                 .materials = {},
                                                 .blind = false,
                                                 .date = st_day("2026-11-23"),
                                                 .actor = starter()});
        }) == "--date \"2026-11-23\": is in the future (today is 2026-11-22)");
  CHECK(ledger_state(l) == before);
  CHECK(l.stocktakes().empty());
  CHECK(refusal<NotFound>([&] { (void)l.stocktakes(DepotCode("NOPE")); }) ==
        "depot \"NOPE\": no such depot in the ledger");
}

TEST_CASE("stocktake: one open stocktake per depot; stocktakes() lists state, lines and counted") {
  Shelves d;
  auto& l = d.ledger;
  d.stock_up();
  (void)l.receive(Shelves::in("TENT", "T1", "4", "2026-11-01", "YF-01"));
  const auto first = d.start();
  const auto before = ledger_state(l);
  CHECK(missing_from(refusal<RuleViolation>([&] { (void)d.start(); }),
                     {"LN-01", std::to_string(first)}) == "");
  CHECK(missing_from(refusal<RuleViolation>([&] { (void)d.start(true, {MaterialCode("TENT")}); }),
                     {"LN-01"}) == "");
  CHECK(ledger_state(l) == before);

  // Another depot has its own.
  const auto other = d.start(false, {}, "YF-01");
  CHECK(other != first);
  l.count(first, tally("TENT", "T1", "15"));
  l.count(first, tally("TENT", "T1", "15")); // a line counted twice is counted once
  l.count(first, tally("QUILT", "Q1", "80"));

  auto all = l.stocktakes();
  REQUIRE(all.size() == 2);
  CHECK(all[0].id == first);
  CHECK(all[0].depot.str() == "LN-01");
  CHECK(all[0].state == StocktakeState::Open);
  CHECK(all[0].lines == 3);
  CHECK(all[0].counted == 2);
  CHECK(all[1].id == other);
  CHECK(all[1].depot.str() == "YF-01");
  CHECK(all[1].lines == 1);
  CHECK(all[1].counted == 0);
  const auto yf = l.stocktakes(DepotCode("YF-01"));
  REQUIRE(yf.size() == 1);
  CHECK(yf[0].id == other);

  (void)l.close_stocktake(first, closing({}, Uncounted::Keep));
  l.cancel_stocktake(other, starter(), "开错了");
  all = l.stocktakes();
  REQUIRE(all.size() == 2);
  CHECK(all[0].state == StocktakeState::Closed);
  CHECK(all[0].counted == 2);
  CHECK(all[1].state == StocktakeState::Cancelled);

  // Once it is over, the depot may start the next one.
  const auto next = d.start();
  CHECK(l.stocktake(next).state == StocktakeState::Open);
  CHECK(l.stocktakes(DepotCode("LN-01")).size() == 2);
}

TEST_CASE("stocktake: cancel needs a reason and writes no movement") {
  Shelves d;
  auto& l = d.ledger;
  d.stock_up();
  const auto id = d.start();
  l.count(id, tally("TENT", "T1", "10"));
  const auto before = ledger_state(l);
  CHECK(missing_from(refusal<InvalidInput>([&] { l.cancel_stocktake(id, starter(), ""); }),
                     {"--reason"}) == "");
  CHECK(ledger_state(l) == before);
  CHECK(l.stocktake(id).state == StocktakeState::Open);

  l.cancel_stocktake(id, starter(), "started by mistake");
  const auto s = l.stocktake(id);
  CHECK(s.state == StocktakeState::Cancelled);
  CHECK_FALSE(s.approver.has_value());
  CHECK_FALSE(s.operation.has_value());
  CHECK(s.ended_at == "2026-11-22T08:00:00Z");
  CHECK(l.movements().size() == 3);
  CHECK(on_shelf(l, "TENT", "T1") == st_qty("15")); // the short count posted nothing
}

TEST_CASE("stocktake: a closed or cancelled stocktake is history and refuses every change") {
  Shelves d;
  auto& l = d.ledger;
  d.stock_up();
  const auto id = d.start();
  l.count(id, tally("TENT", "T1", "15"));
  std::string word;
  SUBCASE("closed") {
    (void)l.close_stocktake(id, closing({}, Uncounted::Keep));
    word = "closed";
  }
  SUBCASE("cancelled") {
    l.cancel_stocktake(id, starter(), "停电");
    word = "cancelled";
  }
  const auto before = ledger_state(l);
  const auto parts = {std::string_view(word), std::string_view("stocktake")};
  CHECK(missing_from(refusal<RuleViolation>([&] { l.count(id, tally("TENT", "T1", "14")); }),
                     parts) == "");
  CHECK(missing_from(refusal<RuleViolation>([&] {
                       (void)l.import_counts(id, "material,lot,counted\nTENT,T1,14\n", "c.csv",
                                             counter(), false);
                     }),
                     parts) == "");
  CHECK(missing_from(refusal<RuleViolation>([&] {
                       (void)l.import_counts(id, "material,lot,counted\nTENT,T1,14\n", "c.csv",
                                             counter(), true);
                     }),
                     parts) == "");
  CHECK(missing_from(refusal<RuleViolation>(
                         [&] { (void)l.close_stocktake(id, closing({}, Uncounted::Keep)); }),
                     parts) == "");
  CHECK(missing_from(refusal<RuleViolation>([&] { l.cancel_stocktake(id, starter(), "again"); }),
                     parts) == "");
  CHECK(ledger_state(l) == before);
  CHECK(l.stocktake(id).state ==
        (word == "closed" ? StocktakeState::Closed : StocktakeState::Cancelled));
  CHECK(missing_from(refusal<NotFound>([&] { (void)l.stocktake(id + 100); }),
                     {std::to_string(id + 100)}) == "");
}

// ---- what a count may name ---------------------------------------------------------------

TEST_CASE("stocktake: a material filter limits the lines and refuses counts of other materials") {
  Shelves d;
  auto& l = d.ledger;
  d.stock_up();
  (void)l.receive(Shelves::in("TENT", "T2", "6"));
  const auto id = d.start(false, {MaterialCode("TENT")});
  const auto s = l.stocktake(id);
  CHECK(s.materials == std::vector<MaterialCode>{MaterialCode("TENT")});
  CHECK(s.lines == 2);
  const auto sheet = l.stocktake_sheet(id);
  REQUIRE(sheet.size() == 2);
  CHECK(sheet[0].material.str() == "TENT");
  CHECK(sheet[0].lot.number.str() == "T1");
  CHECK(sheet[1].material.str() == "TENT");
  CHECK(sheet[1].lot.number.str() == "T2");

  const auto before = ledger_state(l);
  CHECK(missing_from(refusal<InvalidInput>([&] { l.count(id, tally("QUILT", "Q1", "80")); }),
                     {"QUILT"}) == "");
  CHECK(missing_from(refusal<InvalidInput>([&] { l.count(id, tally("CARBON", "-", "250.5")); }),
                     {"CARBON"}) == "");
  CHECK(ledger_state(l) == before);

  // Uncounted means the filtered lines only: zeroing touches no quilt and no carbon.
  l.count(id, tally("TENT", "T1", "15"));
  const auto p = l.close_stocktake(id, closing({}, Uncounted::Zero, VarianceReason::Lost));
  REQUIRE(p.movements.size() == 1);
  CHECK(p.movements[0].lot.str() == "T2");
  CHECK(p.movements[0].quantity == st_qty("-6"));
  CHECK(on_shelf(l, "QUILT", "Q1") == st_qty("80"));
  CHECK(on_shelf(l, "CARBON", "-") == st_qty("250.5"));

  CHECK(missing_from(refusal<NotFound>([&] { (void)d.start(false, {MaterialCode("NOPE")}); }),
                     {"NOPE"}) == "");

  // Two materials: their lines only, numbered from 1 in the sheet's order.
  const auto two = d.start(false, {MaterialCode("TENT"), MaterialCode("CARBON")});
  const auto lines = l.stocktake_sheet(two);
  std::string listed;
  for (const auto& line : lines)
    listed += std::to_string(line.line) + ":" + line.material.str() + "/" + line.lot.number.str() + " ";
  CHECK(listed == "1:CARBON/- 2:TENT/T1 ");
}

TEST_CASE("stocktake: a found lot with an expiry is created and closes into a positive adjust") {
  Shelves d;
  auto& l = d.ledger;
  d.stock_up();
  const auto id = d.start();
  auto found = tally("TENT", "T-NEW", "2");
  found.expiry = st_day("2030-01-01");
  found.note = "货架后面";
  l.count(id, found);

  const auto lot = l.lot(MaterialCode("TENT"), LotNumber("T-NEW"));
  CHECK(lot.expiry == std::optional<Date>(st_day("2030-01-01")));
  const auto sheet = l.stocktake_sheet(id);
  REQUIRE(sheet.size() == 4);
  CHECK(sheet[3].line == 4);
  CHECK(sheet[3].lot.number.str() == "T-NEW");
  CHECK(sheet[3].found);
  CHECK(shown(sheet[3].book_at_start) == "0");
  CHECK(l.stocktake(id).lines == 4);
  CHECK(on_shelf(l, "TENT", "T-NEW") == st_qty("0")); // counted, not yet posted

  const auto v = line_of(l.stocktake_review(id), "TENT", "T-NEW");
  CHECK(shown(v.book) == "0");
  CHECK(shown(v.variance) == "2");
  CHECK(shown(v.permille()) == "(none)");

  const auto p =
      l.close_stocktake(id, closing({{"TENT/T-NEW", VarianceReason::Found}}, Uncounted::Keep));
  REQUIRE(p.movements.size() == 1);
  CHECK(p.movements[0].kind == MovementKind::Adjust);
  CHECK(p.movements[0].lot.str() == "T-NEW");
  CHECK(p.movements[0].quantity == st_qty("2"));
  CHECK(p.movements[0].reason == "found");
  bool listed = false;
  for (const auto& s : l.stock({.depot = DepotCode("LN-01"), .material = MaterialCode("TENT")})) {
    if (s.lot.number.str() != "T-NEW") continue;
    listed = true;
    CHECK(s.quantity == st_qty("2"));
    CHECK(s.lot.expiry == std::optional<Date>(st_day("2030-01-01")));
  }
  CHECK(listed);
  CHECK(l.verify().movements == 4);
}

TEST_CASE("stocktake: counting a known lot with a different expiry is refused") {
  Shelves d;
  auto& l = d.ledger;
  auto med = Shelves::in("MED", "M1", "30");
  med.expiry = st_day("2027-06-30");
  (void)l.receive(med);
  d.stock_up();
  const auto id = d.start();
  const auto before = ledger_state(l);

  auto wrong = tally("MED", "M1", "30");
  wrong.expiry = st_day("2028-01-01");
  CHECK(missing_from(refusal<InvalidInput>([&] { l.count(id, wrong); }),
                     {"--expiry", "2028-01-01", "2027-06-30", "M1"}) == "");
  auto none = tally("QUILT", "Q1", "80"); // Q1 has no expiry on record
  none.expiry = st_day("2030-01-01");
  CHECK(missing_from(refusal<InvalidInput>([&] { l.count(id, none); }),
                     {"--expiry", "2030-01-01", "Q1"}) == "");
  CHECK(ledger_state(l) == before);
  CHECK(l.lot(MaterialCode("MED"), LotNumber("M1")).expiry ==
        std::optional<Date>(st_day("2027-06-30")));

  auto same = tally("MED", "M1", "30");
  same.expiry = st_day("2027-06-30");
  l.count(id, same);
  CHECK(shown(line_of(l.stocktake_review(id), "MED", "M1").counted) == "30");
  CHECK(l.stocktake(id).lines == 4); // no found line for a known lot
}

TEST_CASE("stocktake: a count must be a quantity of the material as the books know it") {
  Shelves d;
  auto& l = d.ledger;
  d.stock_up();
  const auto id = d.start();
  const auto before = ledger_state(l);
  CHECK(missing_from(refusal<InvalidInput>([&] { l.count(id, tally("TENT", "T1", "-2")); }),
                     {"-2"}) == "");
  CHECK(missing_from(refusal<InvalidInput>([&] { l.count(id, tally("QUILT", "Q1", "1.5")); }),
                     {"1.5", "QUILT"}) == "");
  CHECK(missing_from(refusal<InvalidInput>([&] { l.count(id, tally("TENT", "-", "15")); }),
                     {"TENT", "--lot"}) == "");
  CHECK(missing_from(refusal<InvalidInput>([&] { l.count(id, tally("CARBON", "C1", "1")); }),
                     {"CARBON", "--lot"}) == "");
  CHECK(missing_from(refusal<NotFound>([&] { l.count(id, tally("NOPE", "X", "1")); }), {"NOPE"}) ==
        "");
  CHECK(missing_from(refusal<InvalidInput>(
                         [&] { l.count(id, tally("TENT", "T1", "15", CustodianId("nobody"))); }),
                     {"nobody"}) == "");
  CHECK(ledger_state(l) == before);

  // A zero count is a count: the whole book is short.
  l.count(id, tally("CARBON", "-", "0"));
  const auto v = line_of(l.stocktake_review(id), "CARBON", "-");
  CHECK(shown(v.counted) == "0");
  CHECK(shown(v.variance) == "-250.5");
  CHECK(shown(v.permille()) == "-1000");
}

TEST_CASE("stocktake: an exported sheet imports with its extra columns and blank counts") {
  Shelves d;
  auto& l = d.ledger;
  d.stock_up();
  const auto id = d.start();
  // The sheet as `stocktake sheet --out` writes it (BOM and all), partly filled in, with a
  // counter column naming someone else for one row.
  const std::string sheet =
      "\xEF\xBB\xBFline,material,name,specification,unit,lot,expiry,status,counted,counter\n"
      "1,CARBON,活性炭,,kg,-,,available,250,\n"
      "2,QUILT,棉胎,,床,Q1,,available,,\n"
      "3,TENT,帐篷,,顶,T1,,available,15,wang.li\n";
  const auto imported = l.import_counts(id, sheet, "sheet.csv", counter(), false);
  CHECK(imported.counted == 2); // QUILT's row is not filled in
  const auto review = l.stocktake_review(id);
  REQUIRE(review.size() == 3);
  CHECK(shown(line_of(review, "CARBON", "-").counted) == "250");
  CHECK(shown(line_of(review, "CARBON", "-").variance) == "-0.5");
  CHECK(line_of(review, "CARBON", "-").counter == std::optional<CustodianId>(counter()));
  CHECK(shown(line_of(review, "QUILT", "Q1").counted) == "(none)");
  CHECK(line_of(review, "TENT", "T1").counter == std::optional<CustodianId>(starter()));
  CHECK(l.stocktake(id).counted == 2);

  // wang.li counted a row of the file, so wang.li may not approve either.
  auto c = closing({}, Uncounted::Keep, VarianceReason::Lost);
  c.approver = starter();
  CHECK(missing_from(refusal<InvalidInput>([&] { (void)l.close_stocktake(id, c); }), {"wang.li"}) ==
        "");
}

TEST_CASE("stocktake: the review read a few lots at a time is the whole review") {
  // A close reads the review in parts of lots (lib/stocktake_parts.hpp). Every part size must
  // give the lines, books and variances of the whole review: counts, recounts, movements
  // between the start and a count or after it, a found lot, uncounted lines, and the same lot
  // held at another depot, at the edges of parts.
  Shelves d;
  auto& l = d.ledger;
  // Received out of the sheet's order, so that lot ids and lines run differently.
  for (const char* lot : {"Q6", "Q2", "Q5", "Q1", "Q4", "Q3"}) (void)l.receive(d.in("QUILT", lot, "50"));
  for (const char* lot : {"T3", "T1", "T2"}) (void)l.receive(d.in("TENT", lot, "9"));
  (void)l.receive(d.in("CARBON", nullptr, "250.5"));
  (void)l.receive(d.in("QUILT", "Q2", "7", "2026-11-01", "YF-01")); // not this depot's
  const auto id = d.start();
  l.count(id, tally("QUILT", "Q1", "50"));
  (void)l.issue(d.out("QUILT", "Q2", "4"));    // before its count: the book is 46
  l.count(id, tally("QUILT", "Q2", "45"));
  l.count(id, tally("QUILT", "Q3", "50"));
  (void)l.issue(d.out("QUILT", "Q3", "10"));   // after its count: the book stays 50
  l.count(id, tally("QUILT", "Q4", "48"));
  l.count(id, tally("QUILT", "Q4", "49", starter())); // a recount stands
  l.count(id, tally("QUILT", "Q-NEW", "3"));   // found on the shelf
  l.count(id, tally("TENT", "T2", "8"));
  l.count(id, tally("CARBON", "-", "250"));
  (void)l.issue(d.out("TENT", "T3", "1"));     // uncounted: the book is now's

  const auto whole = l.stocktake_review(id);
  REQUIRE(whole.size() == 11);
  const Stocktake s = l.stocktake(id);
  const store::SqliteStore store(d.file, store::OpenMode::OpenExisting, {});
  const auto row = [](const Variance& v) {
    return std::to_string(v.line.line) + " " + v.line.material.str() + "/" +
           v.line.lot.number.str() + (v.line.found ? " found" : "") + " start " +
           shown(v.line.book_at_start) + " book " + shown(v.book) + " counted " +
           shown(v.counted) + " variance " + shown(v.variance) + " counts " +
           std::to_string(v.counts) + " by " + (v.counter ? v.counter->str() : "-");
  };
  std::vector<std::string> expected;
  for (const auto& v : whole) expected.push_back(row(v));
  CHECK(expected[0].find("start") != std::string::npos);
  for (const std::size_t part : std::vector<std::size_t>{1, 2, 3, 4, 10, 11, 12, 100}) {
    CAPTURE(part);
    std::vector<Variance> got;
    std::size_t parts = 0;
    detail::for_each_review_part(store, s, part, [&](const std::vector<Variance>& p) {
      ++parts;
      CHECK(p.size() <= part);
      for (std::size_t i = 1; i < p.size(); ++i) CHECK(p[i - 1].line.line < p[i].line.line);
      got.insert(got.end(), p.begin(), p.end());
    });
    CHECK(parts == (whole.size() + part - 1) / part);
    std::sort(got.begin(), got.end(),
              [](const Variance& a, const Variance& b) { return a.line.line < b.line.line; });
    std::vector<std::string> rows;
    for (const auto& v : got) rows.push_back(row(v));
    CHECK(rows == expected);
  }
  // What the whole review says, so that the comparison above compares something.
  CHECK(shown(line_of(whole, "QUILT", "Q2").book) == "46");
  CHECK(shown(line_of(whole, "QUILT", "Q2").variance) == "-1");
  CHECK(shown(line_of(whole, "QUILT", "Q3").book) == "50");
  CHECK(line_of(whole, "QUILT", "Q4").counts == 2);
  CHECK(shown(line_of(whole, "QUILT", "Q4").counted) == "49");
  CHECK(line_of(whole, "QUILT", "Q-NEW").line.found);
  CHECK(shown(line_of(whole, "TENT", "T3").book) == "8");
  CHECK(shown(line_of(whole, "TENT", "T3").counted) == "(none)");
}
