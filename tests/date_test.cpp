#include "stockpile/date.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

// Lets CHECK_THROWS_* take [[nodiscard]] calls such as Date::parse(...).
#ifndef DOCTEST_CONFIG_VOID_CAST_EXPRESSIONS
#define DOCTEST_CONFIG_VOID_CAST_EXPRESSIONS
#endif
#include <doctest/doctest.h>

#include "stockpile/error.hpp"

using stockpile::Date;
using stockpile::InvalidInput;
using namespace date::literals;

namespace {

template <class A, class B> concept Addable = requires(A a, B b) { a + b; };
template <class A, class B> concept Subtractable = requires(A a, B b) { a - b; };

static_assert(!std::is_convertible_v<date::sys_days, Date>);
static_assert(!std::is_convertible_v<date::year_month_day, Date>);
static_assert(!std::is_convertible_v<const char*, Date>);
static_assert(!std::is_constructible_v<Date, std::string>);
static_assert(!std::is_constructible_v<Date, int>);
static_assert(!std::is_default_constructible_v<Date>);
static_assert(std::is_nothrow_constructible_v<Date, date::sys_days>);
static_assert(std::is_trivially_copyable_v<Date>);
// A date plus a number means nothing until the number has a unit: use add_days or Duration.
static_assert(!Addable<Date, int> && !Addable<Date, Date> && !Subtractable<Date, Date>);

static_assert(Date(2026_y / 3 / 1).days_until(Date(2026_y / 3 / 31)) == 30);
static_assert(Date(2026_y / 3 / 1) < Date(2026_y / 3 / 2));
static_assert(Date(2024_y / 2 / 29).year() == 2024);

const char* const kShape = "expected a date YYYY-MM-DD";

} // namespace

template <> struct doctest::StringMaker<Date> {
  static doctest::String convert(const Date& value) { return value.to_string().c_str(); }
};

TEST_CASE("date: construction and accessors") {
  const Date d(2026_y / date::March / 1);
  CHECK(d.year() == 2026);
  CHECK(d.month() == 3);
  CHECK(d.day() == 1);
  CHECK(d.ymd() == 2026_y / date::March / 1);
  CHECK(d.days() == date::sys_days(2026_y / date::March / 1));
  CHECK(Date(date::sys_days{date::days{0}}).to_string() == "1970-01-01");
  CHECK(Date::from_ymd(2024, 2, 29) == Date(2024_y / 2 / 29));
  CHECK(Date::min().to_string() == "1900-01-01");
  CHECK(Date::max().to_string() == "9999-12-31");
}

TEST_CASE("date: from_ymd rejects impossible dates") {
  CHECK_THROWS_WITH_AS(Date::from_ymd(2026, 2, 29),
                       "date \"2026-02-29\": is not a calendar date (February 2026 has 28 days)",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(Date::from_ymd(2026, 13, 1),
                       "date \"2026-13-01\": is not a calendar date (months run from 01 to 12)",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(Date::from_ymd(2026, 4, 0),
                       "date \"2026-04-00\": is not a calendar date (April 2026 has 30 days)",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(Date::from_ymd(1899, 12, 31),
                       "date \"1899-12-31\": is outside the years 1900 to 9999", InvalidInput);
  CHECK_THROWS_WITH_AS(Date::from_ymd(10000, 1, 1),
                       "date \"10000-01-01\": is outside the years 1900 to 9999", InvalidInput);
}

TEST_CASE("date: parse accepts strict ISO 8601 calendar dates") {
  CHECK(Date::parse("2026-03-01") == Date(2026_y / 3 / 1));
  CHECK(Date::parse("2024-02-29") == Date(2024_y / 2 / 29));
  CHECK(Date::parse("2000-02-29") == Date(2000_y / 2 / 29));
  CHECK(Date::parse("1900-01-01") == Date::min());
  CHECK(Date::parse("9999-12-31") == Date::max());
  CHECK(Date::parse("2026-12-31").ymd() == 2026_y / 12 / 31);
}

TEST_CASE("date: parse rejects other shapes, naming field and value") {
  const std::vector<std::string> bad = {
      "",           "26-1-1",      "2026-1-01",   "2026-01-1",   "2026/01/01", "20260101",
      "2026-01-01x", "2026-01-01 ", " 2026-01-01", "2026-01-01T00:00", "2026.01.01",
      "+2026-01-01", "-2026-01-01", "12026-01-01", "2026-0a-01", "２０２６-01-01",
      "2026--1-01", "2026-01-+1",  "yyyy-mm-dd",
  };
  for (const auto& text : bad) {
    CAPTURE(text);
    const std::string expected = "--as-of \"" + text + "\": " + kShape;
    CHECK_THROWS_WITH_AS(Date::parse(text, "--as-of"), expected.c_str(), InvalidInput);
  }
  CHECK_THROWS_WITH_AS(Date::parse("2026/01/01"),
                       "date \"2026/01/01\": expected a date YYYY-MM-DD", InvalidInput);
}

TEST_CASE("date: parse rejects well-shaped impossible dates") {
  CHECK_THROWS_WITH_AS(Date::parse("2026-02-30", "--expires"),
                       "--expires \"2026-02-30\": is not a calendar date (February 2026 has 28 "
                       "days)",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(Date::parse("2024-02-30"),
                       "date \"2024-02-30\": is not a calendar date (February 2024 has 29 days)",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(Date::parse("1900-02-29"),
                       "date \"1900-02-29\": is not a calendar date (February 1900 has 28 days)",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(Date::parse("2026-04-31"),
                       "date \"2026-04-31\": is not a calendar date (April 2026 has 30 days)",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(Date::parse("2026-01-00"),
                       "date \"2026-01-00\": is not a calendar date (January 2026 has 31 days)",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(Date::parse("2026-13-01"),
                       "date \"2026-13-01\": is not a calendar date (months run from 01 to 12)",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(Date::parse("2026-00-10"),
                       "date \"2026-00-10\": is not a calendar date (months run from 01 to 12)",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(Date::parse("1899-12-31"),
                       "date \"1899-12-31\": is outside the years 1900 to 9999", InvalidInput);
  CHECK_THROWS_WITH_AS(Date::parse("0000-01-01"),
                       "date \"0000-01-01\": is outside the years 1900 to 9999", InvalidInput);
}

TEST_CASE("date: to_string and parse round-trip over the whole range") {
  for (Date d = Date::min(); d.days_until(Date::max()) > 997; d = d.add_days(997)) {
    const std::string text = d.to_string();
    CAPTURE(text);
    REQUIRE(text.size() == 10);
    REQUIRE(Date::parse(text) == d);
  }
  for (Date d = Date(2023_y / 12 / 1); d < Date(2025_y / 3 / 1); d = d.add_days(1)) {
    REQUIRE(Date::parse(d.to_string()) == d);
  }
  CHECK(Date::parse(Date::max().to_string()) == Date::max());
  CHECK(Date(2026_y / 3 / 1).to_string() == "2026-03-01");
  CHECK(Date(1999_y / 12 / 31).to_string() == "1999-12-31");
}

TEST_CASE("date: day arithmetic") {
  const Date d = Date::parse("2026-02-27");
  CHECK(d.add_days(1).to_string() == "2026-02-28");
  CHECK(d.add_days(2).to_string() == "2026-03-01");
  CHECK(d.add_days(0) == d);
  CHECK(d.add_days(-58).to_string() == "2025-12-31");
  CHECK(d.add_days(365).to_string() == "2027-02-27");
  CHECK(d.days_until(Date::parse("2026-03-01")) == 2);
  CHECK(Date::parse("2026-03-01").days_until(d) == -2);
  CHECK(d.days_until(d) == 0);
  CHECK(Date::min().days_until(Date::max()) == 2'958'463);
  CHECK(d.add_days(d.days_until(Date::parse("2030-06-15"))) == Date::parse("2030-06-15"));
}

TEST_CASE("date: month arithmetic clamps to the month's last day") {
  CHECK(Date::parse("2024-01-31").add_months(1).to_string() == "2024-02-29");
  CHECK(Date::parse("2025-01-31").add_months(1).to_string() == "2025-02-28");
  CHECK(Date::parse("2024-02-29").add_months(12).to_string() == "2025-02-28");
  CHECK(Date::parse("2024-03-31").add_months(-1).to_string() == "2024-02-29");
  CHECK(Date::parse("2024-05-31").add_months(1).to_string() == "2024-06-30");
  CHECK(Date::parse("2026-01-15").add_months(-1).to_string() == "2025-12-15");
  CHECK(Date::parse("2026-01-15").add_months(-13).to_string() == "2024-12-15");
  CHECK(Date::parse("2026-11-30").add_months(3).to_string() == "2027-02-28");
  CHECK(Date::parse("2026-03-01").add_months(36).to_string() == "2029-03-01");
  CHECK(Date::parse("2026-03-01").add_months(0).to_string() == "2026-03-01");
}

TEST_CASE("date: arithmetic that leaves 1900..9999 throws") {
  CHECK_THROWS_WITH_AS(Date::max().add_days(1),
                       "date out of range: 9999-12-31 + 1 day is outside 1900-01-01 to "
                       "9999-12-31",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(Date::min().add_days(-2),
                       "date out of range: 1900-01-01 - 2 days is outside 1900-01-01 to "
                       "9999-12-31",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(Date::min().add_days(std::numeric_limits<std::int64_t>::min()),
                       "date out of range: 1900-01-01 - 9223372036854775808 days is outside "
                       "1900-01-01 to 9999-12-31",
                       InvalidInput);
  CHECK_THROWS_AS(Date::max().add_days(std::numeric_limits<std::int64_t>::max()), InvalidInput);
  CHECK_THROWS_WITH_AS(Date::parse("9999-12-01").add_months(1),
                       "date out of range: 9999-12-01 + 1 month is outside 1900-01-01 to "
                       "9999-12-31",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(Date::min().add_months(-12),
                       "date out of range: 1900-01-01 - 12 months is outside 1900-01-01 to "
                       "9999-12-31",
                       InvalidInput);
  CHECK_THROWS_AS(Date::min().add_months(std::numeric_limits<std::int64_t>::min()), InvalidInput);
  CHECK_THROWS_AS(Date::max().add_months(std::numeric_limits<std::int64_t>::max()), InvalidInput);
  CHECK(Date::parse("9999-10-31").add_months(2) == Date::max());
  CHECK(Date::max().add_days(-Date::min().days_until(Date::max())) == Date::min());
}

TEST_CASE("date: comparisons") {
  const Date a = Date::parse("2026-03-01");
  const Date b = Date::parse("2026-03-02");
  CHECK(a < b);
  CHECK(b > a);
  CHECK(a <= a);
  CHECK(a != b);
  CHECK(a == Date::from_ymd(2026, 3, 1));
  CHECK((a <=> b) == std::strong_ordering::less);
}
