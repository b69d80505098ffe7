// The fuzz targets' bodies (see targets.hpp). Each parses its input with the library and then
// checks invariants computed another way: a reference parser for quantities, dates and
// durations, round trips (parse ∘ format), the CSV writer read back, an import's dry run that
// leaves the ledger as it was, a catalog read back from the ledger field by field.
#include "targets.hpp"

#include <chrono>
#include <charconv>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "stockpile/csv.hpp"
#include "stockpile/error.hpp"
#include "stockpile/ledger.hpp"

namespace stockpile::fuzz {

namespace {

constexpr auto npos = std::string_view::npos;

[[noreturn]] void fail(std::string_view invariant, std::string_view input) {
  throw Finding(fmt::format("{} (input {})", invariant, quote(input)));
}

// An invariant: a macro, so that the message (often formatted, with the input quoted) is built
// only when the invariant breaks: built eagerly for every check, it took up to a tenth of a run.
#define FUZZ_EXPECT(holds, invariant, input)                                                       \
  do {                                                                                             \
    if (!(holds)) fail((invariant), (input));                                                      \
  } while (false)

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view s) noexcept {
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

// Lines the CSV reader can name: one more than the line ends (CRLF, LF or a lone CR).
std::size_t physical_lines(std::string_view s) noexcept {
  std::size_t n = 1;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == s.size() || s[i + 1] != '\n'))) ++n;
  }
  return n;
}

bool one_line(std::string_view s) noexcept {
  return !s.empty() && s.find_first_of("\r\n") == npos;
}

// A refusal is expected, but its message must be one line (each row's, for an import), so
// that one error stays one line at a terminal, and rows come in line order.
Outcome refused(const Error& e, std::string_view input) {
  if (const auto* import = dynamic_cast<const ImportError*>(&e)) {
    FUZZ_EXPECT(!import->errors().empty(), "an ImportError lists at least one row", input);
    const std::size_t lines = physical_lines(input);
    std::size_t previous = 0;
    for (const auto& row : import->errors()) {
      FUZZ_EXPECT(one_line(row.message),
                  fmt::format("row error is one line: {}", quote(row.message)), input);
      FUZZ_EXPECT(row.line >= 1 && row.line <= lines && row.line >= previous,
                  fmt::format("row error lines are in the file and in order: {} after {}", row.line,
                              previous),
                  input);
      previous = row.line;
    }
  } else {
    FUZZ_EXPECT(one_line(e.what()), fmt::format("error is one line: {}", quote(e.what())), input);
  }
  return Outcome::Refused;
}

// An optional '-' and 1 to 18 digits, for the day counts the date target adds.
std::optional<std::int64_t> small_integer(std::string_view s) {
  const bool negative = !s.empty() && s.front() == '-';
  if (negative) s.remove_prefix(1);
  if (s.empty() || s.size() > 18 || !all_digits(s)) return std::nullopt;
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return negative ? -v : v;
}

// ---- quantity ------------------------------------------------------------------------------

// What Quantity::parse must return, computed another way: the thousandths as a digit string,
// compared with the limits of int64 as text. nullopt: the text must be refused.
std::optional<std::int64_t> reference_quantity(std::string_view s) {
  const bool negative = !s.empty() && s.front() == '-';
  if (negative) s.remove_prefix(1);
  const std::size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  const std::string_view frac = dot == npos ? std::string_view{} : s.substr(dot + 1);
  if (whole.empty() || !all_digits(whole)) return std::nullopt;
  if (dot != npos && (frac.empty() || frac.size() > 3 || !all_digits(frac))) return std::nullopt;
  std::string digits(whole);
  digits += frac;
  digits.append(3 - frac.size(), '0');
  const std::size_t first = digits.find_first_not_of('0');
  digits.erase(0, first == std::string::npos ? digits.size() : first);
  if (digits.empty()) {
    if (negative) return std::nullopt; // "-0" is refused: zero has no sign
    return 0;
  }
  const std::string_view limit = negative ? "9223372036854775808" : "9223372036854775807";
  if (digits.size() > limit.size() || (digits.size() == limit.size() && digits > limit)) {
    return std::nullopt;
  }
  std::uint64_t magnitude = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
  if (!negative) return static_cast<std::int64_t>(magnitude);
  if (magnitude == std::uint64_t{1} << 63) return std::numeric_limits<std::int64_t>::min();
  return -static_cast<std::int64_t>(magnitude);
}

// to_string gives the shortest exact decimal, which parses back to the same quantity.
void check_quantity_text(Quantity q, std::string_view written, std::string_view input) {
  const std::string s = q.to_string();
  FUZZ_EXPECT(Quantity::parse(s) == q, fmt::format("parse(to_string()) == q for {}", s), input);
  const std::size_t dot = s.find('.');
  const std::size_t shown = dot == npos ? 0 : s.size() - dot - 1;
  FUZZ_EXPECT(shown == static_cast<std::size_t>(q.decimals()),
              fmt::format("decimals() matches to_string() {}", s), input);
  FUZZ_EXPECT(s != "-0" && (dot == npos || s.back() != '0'), fmt::format("{} is shortest", s),
              input);
  // Written without leading or trailing zeros, the text comes back unchanged.
  std::string_view w = written;
  if (!w.empty() && w.front() == '-') w.remove_prefix(1);
  const std::size_t wdot = w.find('.');
  const bool canonical = (w.substr(0, wdot) == "0" || w.front() != '0') &&
                         (wdot == npos || w.back() != '0');
  if (canonical) FUZZ_EXPECT(s == written, fmt::format("to_string() {} == as written", s), input);
}

void check_quantity_arithmetic(Quantity a, Quantity b, std::string_view input) {
  std::int64_t r = 0;
  try {
    const Quantity sum = a + b;
    FUZZ_EXPECT(sum - b == a, "(a + b) - b == a", input);
    FUZZ_EXPECT((sum > a) == b.is_positive(), "a + b > a exactly when b > 0", input);
  } catch (const InvalidInput& e) {
    FUZZ_EXPECT(__builtin_add_overflow(a.thousandths(), b.thousandths(), &r),
                "a + b refused though it fits", input);
    (void)refused(e, input);
  }
  try {
    const Quantity difference = a - b;
    FUZZ_EXPECT(difference + b == a, "(a - b) + b == a", input);
  } catch (const InvalidInput& e) {
    FUZZ_EXPECT(__builtin_sub_overflow(a.thousandths(), b.thousandths(), &r),
                "a - b refused though it fits", input);
    (void)refused(e, input);
  }
  try {
    FUZZ_EXPECT(-(-a) == a, "-(-a) == a", input);
  } catch (const InvalidInput& e) {
    FUZZ_EXPECT(a.thousandths() == std::numeric_limits<std::int64_t>::min(),
                "-a refused though it fits", input);
    (void)refused(e, input);
  }
}

// Parses against the reference; nullopt when (rightly) refused.
std::optional<Quantity> parse_quantity(std::string_view text, std::string_view input) {
  const auto expected = reference_quantity(text);
  try {
    const Quantity q = Quantity::parse(text);
    FUZZ_EXPECT(expected.has_value(), "accepted a quantity the reference refuses", input);
    FUZZ_EXPECT(q.thousandths() == *expected,
                fmt::format("parsed {} thousandths, the reference {}", q.thousandths(), *expected),
                input);
    check_quantity_text(q, text, input);
    return q;
  } catch (const InvalidInput& e) {
    FUZZ_EXPECT(!expected.has_value(), "refused a quantity the reference accepts", input);
    (void)refused(e, input);
    return std::nullopt;
  }
}

// ---- dates ---------------------------------------------------------------------------------

unsigned days_in_month(int y, unsigned m) noexcept {
  constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
  return m == 2 && leap ? 29 : kDays[m - 1];
}

std::optional<std::int64_t> digits_of(std::string_view s) {
  if (s.empty() || !all_digits(s)) return std::nullopt;
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// Whether Date::parse must accept the text: YYYY-MM-DD naming a real day of 1900..9999.
bool reference_date_ok(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  const auto y = digits_of(s.substr(0, 4));
  const auto m = digits_of(s.substr(5, 2));
  const auto d = digits_of(s.substr(8, 2));
  if (!y || !m || !d || *y < 1900 || *y > 9999 || *m < 1 || *m > 12 || *d < 1) return false;
  return *d <= days_in_month(static_cast<int>(*y), static_cast<unsigned>(*m));
}

std::int64_t month_index(Date d) noexcept {
  return std::int64_t{d.year()} * 12 + static_cast<std::int64_t>(d.month()) - 1;
}

// `moved` is d moved by n days: exact, reversible, and refused only outside 1900..9999.
void check_days_moved(Date d, std::int64_t n, const std::function<Date()>& moved,
                      std::string_view input) {
  const bool fits = n >= d.days_until(Date::min()) && n <= d.days_until(Date::max());
  try {
    const Date r = moved();
    FUZZ_EXPECT(fits, fmt::format("{} + {} days accepted outside the range", d.to_string(), n),
                input);
    FUZZ_EXPECT(d.days_until(r) == n,
                fmt::format("{} + {} days is {}", d.to_string(), n, r.to_string()), input);
    FUZZ_EXPECT(r.add_days(-n) == d, "moving back by the same days returns", input);
  } catch (const InvalidInput& e) {
    FUZZ_EXPECT(!fits, fmt::format("{} + {} days refused inside the range", d.to_string(), n),
                input);
    (void)refused(e, input);
  }
}

// `moved` is d moved by n calendar months: the month index moves by n and the day is kept,
// or clamped to the last day of a shorter month.
void check_months_moved(Date d, std::int64_t n, const std::function<Date()>& moved,
                        std::string_view input) {
  const std::int64_t from = month_index(d);
  const bool fits = n >= std::int64_t{1900} * 12 - from && n <= std::int64_t{9999} * 12 + 11 - from;
  try {
    const Date r = moved();
    FUZZ_EXPECT(fits, fmt::format("{} + {} months accepted outside the range", d.to_string(), n),
                input);
    FUZZ_EXPECT(month_index(r) - from == n,
                fmt::format("{} + {} months is {}", d.to_string(), n, r.to_string()), input);
    FUZZ_EXPECT(r.day() == d.day() ||
                    (r.day() < d.day() && r.day() == days_in_month(r.year(), r.month())),
                fmt::format("{} + {} months keeps or clamps the day: {}", d.to_string(), n,
                            r.to_string()),
                input);
  } catch (const InvalidInput& e) {
    FUZZ_EXPECT(!fits, fmt::format("{} + {} months refused inside the range", d.to_string(), n),
                input);
    (void)refused(e, input);
  }
}

std::optional<Date> parse_date(std::string_view text, std::string_view input) {
  const bool expected = reference_date_ok(text);
  try {
    const Date d = Date::parse(text);
    FUZZ_EXPECT(expected, "accepted a date the reference refuses", input);
    FUZZ_EXPECT(d.to_string() == text, fmt::format("to_string() {} == as written", d.to_string()),
                input);
    FUZZ_EXPECT(Date::from_ymd(d.year(), d.month(), d.day()) == d, "from_ymd(parse()) == parse()",
                input);
    return d;
  } catch (const InvalidInput& e) {
    FUZZ_EXPECT(!expected, "refused a date the reference accepts", input);
    (void)refused(e, input);
    return std::nullopt;
  }
}

// ---- durations -----------------------------------------------------------------------------

struct UnitFacts {
  Duration::Written written;
  Duration::Unit unit;
  std::int64_t factor;
};

std::optional<UnitFacts> unit_of(char letter) noexcept {
  using W = Duration::Written;
  using U = Duration::Unit;
  switch (letter) {
  case 'h': return UnitFacts{W::Hours, U::Hours, 1};
  case 'd': return UnitFacts{W::Days, U::Days, 1};
  case 'w': return UnitFacts{W::Weeks, U::Days, 7};
  case 'm': return UnitFacts{W::Months, U::Months, 1};
  case 'y': return UnitFacts{W::Years, U::Months, 12};
  default: return std::nullopt;
  }
}

// The written count Duration::parse must accept (1..100000, leading zeros allowed), or none.
std::optional<std::int64_t> reference_duration_count(std::string_view s) {
  if (s.size() < 2 || !unit_of(s.back())) return std::nullopt;
  std::string_view digits = s.substr(0, s.size() - 1);
  if (!all_digits(digits)) return std::nullopt;
  while (!digits.empty() && digits.front() == '0') digits.remove_prefix(1);
  if (digits.empty() || digits.size() > 6) return std::nullopt;
  const auto v = digits_of(digits);
  if (!v || *v > Duration::kMaxCount) return std::nullopt;
  return v;
}

} // namespace

Outcome fuzz_quantity(std::string_view input) {
  const std::size_t space = input.find(' ');
  const auto a = parse_quantity(input.substr(0, space), input);
  if (!a) return Outcome::Refused;
  if (space != npos) {
    const auto b = parse_quantity(input.substr(space + 1), input);
    if (!b) return Outcome::Refused;
    check_quantity_arithmetic(*a, *b, input);
  }
  return Outcome::Accepted;
}

Outcome fuzz_date(std::string_view input) {
  const std::size_t space = input.find(' ');
  const auto d = parse_date(input.substr(0, space), input);
  if (!d) return Outcome::Refused;
  if (space != npos) {
    if (const auto n = small_integer(input.substr(space + 1))) {
      check_days_moved(*d, *n, [&] { return d->add_days(*n); }, input);
      check_months_moved(*d, *n, [&] { return d->add_months(*n); }, input);
    }
  }
  return Outcome::Accepted;
}

Outcome fuzz_duration(std::string_view input) {
  const std::size_t space = input.find(' ');
  const std::string_view text = input.substr(0, space);
  const auto count = reference_duration_count(text);
  std::optional<Duration> parsed;
  try {
    parsed = Duration::parse(text);
  } catch (const InvalidInput& e) {
    FUZZ_EXPECT(!count, "refused a duration the reference accepts", input);
    return refused(e, input);
  }
  const Duration& dur = *parsed;
  FUZZ_EXPECT(count.has_value(), "accepted a duration the reference refuses", input);
  const UnitFacts facts = *unit_of(text.back());
  FUZZ_EXPECT(dur.written_unit() == facts.written && dur.unit() == facts.unit, "units as written",
              input);
  FUZZ_EXPECT(dur.written_count() == *count && dur.count() == *count * facts.factor,
              fmt::format("counts {} and {} for {}", dur.written_count(), dur.count(), *count),
              input);
  const std::string shown = dur.to_string();
  FUZZ_EXPECT(shown == fmt::format("{}{}", *count, text.back()),
              fmt::format("to_string() {} is the count and the letter as written", shown), input);
  const Duration again = Duration::parse(shown);
  FUZZ_EXPECT(again == dur && again.written_unit() == dur.written_unit(),
              "parse(to_string()) == the duration", input);
  FUZZ_EXPECT(Duration::of(*count, facts.written) == dur, "Duration::of gives the same", input);
  const auto hours = dur.hours();
  switch (facts.unit) {
  case Duration::Unit::Hours: FUZZ_EXPECT(hours == dur.count(), "hours() of h", input); break;
  case Duration::Unit::Days:
    FUZZ_EXPECT(hours == dur.count() * 24, "hours() of d and w", input);
    break;
  case Duration::Unit::Months: FUZZ_EXPECT(!hours, "months have no fixed hours", input); break;
  }
  FUZZ_EXPECT(dur.approx_days() >= 0, "approx_days() >= 0", input);

  if (space == npos) return Outcome::Accepted;
  const auto d = parse_date(input.substr(space + 1), input);
  if (!d) return Outcome::Accepted; // the duration was; the date's refusal is checked
  if (facts.unit == Duration::Unit::Months) {
    check_months_moved(*d, dur.count(), [&] { return dur.add_to(*d); }, input);
    check_months_moved(*d, -dur.count(), [&] { return dur.subtract_from(*d); }, input);
  } else {
    // Hours move a date by whole days only, rounded down.
    const std::int64_t days = facts.unit == Duration::Unit::Hours ? dur.count() / 24 : dur.count();
    check_days_moved(*d, days, [&] { return dur.add_to(*d); }, input);
    check_days_moved(*d, -days, [&] { return dur.subtract_from(*d); }, input);
  }
  return Outcome::Accepted;
}

Outcome fuzz_csv(std::string_view input) {
  const CsvDocument doc = parse_csv(input);
  const std::size_t lines = physical_lines(input);
  std::size_t previous = 0;
  for (const auto& r : doc.records) {
    FUZZ_EXPECT(r.line > previous && r.line <= lines,
                fmt::format("record lines rise within the file: {} after {}", r.line, previous),
                input);
    previous = r.line;
    FUZZ_EXPECT(!r.fields.empty(), "a record has a field", input);
    for (const auto& f : r.fields) {
      FUZZ_EXPECT(is_valid_utf8(f) && f.find('\0') == std::string::npos,
                  fmt::format("a field read is UTF-8 without NUL: {}", quote(f)), input);
      const std::string defused = defuse_formula(f);
      FUZZ_EXPECT(defused == f || defused == "'" + f, "defuse_formula adds at most a '", input);
      FUZZ_EXPECT(defused.size() <= 1 || std::string_view("=+-@\t\r\n").find(defused[0]) == npos,
                  fmt::format("defused {} does not start a formula", quote(defused)), input);
      const std::string number = csv_number(f);
      FUZZ_EXPECT(number == f || number == csv_field(f, true),
                  "csv_number is the number or a field", input);
    }
  }
  previous = 0;
  for (const auto& e : doc.errors) {
    FUZZ_EXPECT(e.line >= previous && e.line >= 1 && e.line <= lines,
                fmt::format("error lines are in the file and in order: {}", e.line), input);
    FUZZ_EXPECT(one_line(e.message), "a CSV error is one line", input);
    previous = e.line;
  }

  if (doc.errors.empty()) {
    // What the writer makes of the records reads back as the same records. With a BOM first,
    // as the exports write for Excel, so that a first field starting with U+FEFF survives.
    std::string written = "\xEF\xBB\xBF";
    for (const auto& r : doc.records) {
      std::vector<std::string> encoded;
      for (const auto& f : r.fields) encoded.push_back(csv_field(f, false));
      written += csv_line(encoded);
    }
    const CsvDocument again = parse_csv(written);
    FUZZ_EXPECT(again.errors.empty() && again.records.size() == doc.records.size(),
                fmt::format("the written records read back: {} of {}, {} errors",
                            again.records.size(), doc.records.size(), again.errors.size()),
                input);
    for (std::size_t i = 0; i < doc.records.size(); ++i) {
      FUZZ_EXPECT(again.records[i].fields == doc.records[i].fields,
                  fmt::format("record {} reads back unchanged", i + 1), input);
    }
  }

  static constexpr std::array<std::string_view, 2> kRequired{"code", "name"};
  static constexpr std::array<std::string_view, 2> kOptional{"unit", "note"};
  const CsvTable table = read_csv_table(input, kRequired, kOptional);
  previous = 0;
  for (const auto& e : table.errors) {
    FUZZ_EXPECT(e.line >= previous && e.line >= 1 && e.line <= lines,
                fmt::format("table error lines are in the file and in order: {}", e.line), input);
    FUZZ_EXPECT(one_line(e.message), "a table error is one line", input);
    previous = e.line;
  }
  for (const auto& name : table.header) {
    FUZZ_EXPECT(name.empty() || (name.front() != ' ' && name.front() != '\t' &&
                                 name.back() != ' ' && name.back() != '\t'),
                "header names are trimmed", input);
  }
  if (table.header_ok) {
    for (const auto name : kRequired) {
      FUZZ_EXPECT(table.column(name).has_value(), "required column", input);
    }
  }
  for (const auto& r : table.rows) {
    FUZZ_EXPECT(r.fields.size() == table.header.size(), "a row has as many fields as the header",
                input);
  }
  return doc.errors.empty() ? Outcome::Accepted : Outcome::Refused;
}

namespace {

OpenOptions fixed_options() {
  OpenOptions o;
  o.clock = [] {
    return std::chrono::sys_seconds{date::sys_days{date::year{2026} / 11 / 22}.time_since_epoch()} +
           std::chrono::hours{8};
  };
  o.synchronous_full = false;
  o.time_zone = "UTC"; // today is 2026-11-22 wherever the fuzzer runs
  return o;
}

// An in-memory ledger: no file per input, nothing left behind when a run is killed.
Ledger memory_ledger() { return Ledger::create(":memory:", fixed_options()); }

// Two materials that a catalog may collide with.
Ledger catalog_ledger() {
  Ledger ledger = memory_ledger();
  (void)ledger.import_materials("code,name,unit\nQUILT,棉胎,床\nTENT,帐篷,顶\n", "materials");
  return ledger;
}

// Every field of a material as the catalog gave it and the ledger gives it back.
void expect_same(const Material& a, const Material& b, std::string_view input) {
  const auto life = [](const Material& m) { return m.shelf_life ? m.shelf_life->to_string() : ""; };
  const bool same = a.code == b.code && a.name == b.name && a.specification == b.specification &&
                    a.unit == b.unit && a.gb_code == b.gb_code && a.category == b.category &&
                    life(a) == life(b) && a.hazards == b.hazards &&
                    a.recoverable == b.recoverable && a.lot_tracked == b.lot_tracked &&
                    a.decimals == b.decimals && warning_text(a) == warning_text(b);
  FUZZ_EXPECT(same, fmt::format("material {} reads back as imported", a.code.str()), input);
}

// Reference data, stock in four materials at two depots, and two open stocktakes: LN-01
// (books shown) and YF-01 (blind). Imports are dry runs, so it stays as built: every input
// meets the same ledger, and a finding replays alone.
struct Depots {
  Ledger ledger = memory_ledger();
  std::int64_t movements = 0;
  // As started, read once: every dry run must leave them so. (Read per input, they cost a
  // quarter of each run.)
  std::optional<Stocktake> open;  // the books shown
  std::optional<Stocktake> blind; // the books hidden

  Depots() {
    (void)ledger.import_organisations("code,name,level,parent\nLZ,柳州市,city,\n"
                                      "LN,柳南区,district,LZ\nYF,鱼峰区,district,LZ\n",
                                      "organisations");
    (void)ledger.import_depots("code,name,org,address\nLN-01,柳南区仓库,LN,\nYF-01,鱼峰区仓库,YF,\n",
                               "depots");
    (void)ledger.import_custodians("id,name,phone,roles,depots\n"
                                   "wang.li,王丽,,keeper,LN-01;YF-01\n"
                                   "zhao.jun,赵军,,keeper,LN-01;YF-01\n"
                                   "chen.gang,陈刚,,responsible,LN-01;YF-01\n",
                                   "custodians");
    // Quilts and tents come back after use (returns); carbon and medicine are consumed.
    (void)ledger.import_materials("code,name,unit,shelf_life,lot_tracked,decimals,recoverable\n"
                                  "QUILT,棉胎,床,,yes,0,yes\n"
                                  "TENT,帐篷,顶,,yes,0,yes\n"
                                  "CARBON,活性炭,kg,,no,3,no\n"
                                  "MED,药品,盒,24m,yes,0,no\n",
                                  "materials");
    (void)ledger.import_movements(
        "id,kind,date,depot,material,lot,quantity,production,expiry,actor,approver,reason,"
        "idempotency_key\n"
        "1,receive,2026-01-05,LN-01,QUILT,Q1,80,,,wang.li,,,open-1\n"
        "2,receive,2026-01-05,LN-01,TENT,T1,15,,,wang.li,,,open-2\n"
        "3,receive,2026-01-05,LN-01,CARBON,,250.5,,,wang.li,,,open-3\n"
        "4,receive,2026-01-06,LN-01,MED,M1,40,2026-01-01,,wang.li,,,open-4\n"
        "5,receive,2026-01-06,YF-01,QUILT,Q2,20,,,wang.li,,,open-5\n"
        "6,issue,2026-02-01,LN-01,QUILT,Q1,-5,,,wang.li,,,open-6\n"
        "7,transfer-out,2026-03-01,LN-01,TENT,T1,-3,,,wang.li,,,open-7\n"
        "8,transfer-in,2026-03-01,YF-01,TENT,T1,3,,,wang.li,,,open-7\n"
        "9,dispose,2026-04-01,LN-01,MED,M1,-2,,,wang.li,chen.gang,damaged,open-8\n",
        "opening.csv");
    const Date day = Date::parse("2026-11-22");
    open = ledger.stocktake(
        ledger.start_stocktake({DepotCode("LN-01"), {}, false, day, CustodianId("wang.li")}).id);
    blind = ledger.stocktake(
        ledger.start_stocktake({DepotCode("YF-01"), {}, true, day, CustodianId("wang.li")}).id);
    movements = ledger.count_movements({});
  }
};

Depots& depots() {
  static Depots d;
  return d;
}

// A dry run of a count sheet against one stocktake: the review is consistent and nothing is
// written.
Outcome dry_count(Depots& d, const Stocktake& before, std::string_view input) {
  const std::int64_t id = before.id;
  const bool blind = before.blind;
  Outcome outcome = Outcome::Accepted;
  try {
    const auto result =
        d.ledger.import_counts(id, input, "fuzz.csv", CustodianId("zhao.jun"), true);
    const auto& review = result.review;
    FUZZ_EXPECT(review.size() == static_cast<std::size_t>(before.lines + result.found),
                "the review lists every line of the sheet and every lot found", input);
    FUZZ_EXPECT(result.found <= result.counted, "a found lot was counted", input);
    FUZZ_EXPECT(review.size() >= static_cast<std::size_t>(before.lines),
                "the review lists every line of the sheet", input);
    for (const auto& v : review) {
      const std::string what = v.line.material.str() + "/" + v.line.lot.number.str();
      if (blind) {
        FUZZ_EXPECT(!v.book && !v.variance && !v.line.book_at_start,
                    fmt::format("{}: a blind review hides the books", what), input);
        continue;
      }
      FUZZ_EXPECT(v.book && v.variance, fmt::format("{}: the review shows the books", what), input);
      if (v.counted) {
        FUZZ_EXPECT(*v.variance == *v.counted - *v.book,
                    fmt::format("{}: variance == counted - book", what), input);
        FUZZ_EXPECT(v.counts >= 1, "a counted line was counted", input);
      } else {
        FUZZ_EXPECT(v.variance->is_zero(), fmt::format("{}: uncounted, no variance", what), input);
      }
      if (const auto permille = v.permille()) {
        FUZZ_EXPECT(*permille == 0 ||
                        (*permille < 0) == (v.variance->is_negative() != v.book->is_negative()),
                    fmt::format("{}: permille has the variance's sign", what), input);
      }
    }
  } catch (const Error& e) {
    outcome = refused(e, input);
  }
  const Stocktake after = d.ledger.stocktake(id);
  FUZZ_EXPECT(after.lines == before.lines && after.counted == before.counted &&
                  after.state == StocktakeState::Open,
              "a dry run of a count sheet writes nothing", input);
  return outcome;
}

} // namespace

Outcome fuzz_catalog(std::string_view input) {
  std::vector<MaterialRow> rows;
  try {
    rows = parse_material_csv(input, "fuzz.csv");
  } catch (const ImportError& e) {
    return refused(e, input);
  }
  std::size_t previous = 0;
  for (const auto& row : rows) {
    FUZZ_EXPECT(row.line > previous, "material rows in line order", input);
    previous = row.line;
    try {
      validate(row.material);
    } catch (const InvalidInput& e) {
      throw Finding(fmt::format("a material read from the catalog fails validate: {} (input {})",
                                e.what(), quote(input)));
    }
  }

  // Into a ledger that holds QUILT and TENT already. A ledger takes each code once, so inputs
  // of a run meet a ledger that earlier inputs added to; a code seen before is refused
  // (checked as such) and nothing else depends on what came before, so a finding replays
  // alone. Every 1000 imports the ledger starts afresh to keep it small.
  static std::optional<Ledger> ledger;
  static int imports = 0;
  if (!ledger || imports == 1000) {
    ledger.reset();
    ledger.emplace(catalog_ledger());
    imports = 0;
  }
  std::set<std::string> codes;
  bool fresh = true;
  for (const auto& row : rows) {
    fresh = codes.insert(row.material.code.str()).second && fresh;
    fresh = fresh && !ledger->find_material(row.material.code);
  }
  try {
    const auto added = ledger->import_materials(input, "fuzz.csv");
    ++imports;
    FUZZ_EXPECT(fresh, "the import took a code twice or one the ledger has", input);
    FUZZ_EXPECT(added.size() == rows.size(), "the import adds every row", input);
    for (const auto& row : rows) {
      const Material stored = ledger->material(row.material.code);
      expect_same(row.material, stored, input);
      FUZZ_EXPECT(stored.revision == 1, "a new material is revision 1", input);
    }
  } catch (const Error& e) {
    FUZZ_EXPECT(!fresh, fmt::format("the import refused a catalog that parsed, with new codes: {}",
                                    e.what()),
                input);
    (void)refused(e, input);
  }
  return Outcome::Accepted;
}

Outcome fuzz_movements(std::string_view input) {
  Depots& d = depots();
  Outcome outcome = Outcome::Accepted;
  try {
    const auto r = d.ledger.import_movements(input, "fuzz.csv", {.dry_run = true, .progress = {}});
    FUZZ_EXPECT(r.dry_run, "a dry run says so", input);
    FUZZ_EXPECT(r.operations == r.operations_written + r.operations_replayed,
                "operations are written or replayed", input);
    FUZZ_EXPECT(r.operations <= r.rows && r.movements_written <= r.rows,
                "no more operations or movements than rows", input);
  } catch (const Error& e) {
    outcome = refused(e, input);
  }
  FUZZ_EXPECT(d.ledger.count_movements({}) == d.movements, "a dry run writes no movement", input);
  return outcome;
}

Outcome fuzz_counts(std::string_view input) {
  Depots& d = depots();
  const Outcome outcome = dry_count(d, *d.open, input);
  (void)dry_count(d, *d.blind, input);
  return outcome;
}

} // namespace stockpile::fuzz
