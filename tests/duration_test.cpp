#include "stockpile/duration.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

// Lets CHECK_THROWS_* take [[nodiscard]] calls such as Duration::parse(...).
#ifndef DOCTEST_CONFIG_VOID_CAST_EXPRESSIONS
#define DOCTEST_CONFIG_VOID_CAST_EXPRESSIONS
#endif
#include <doctest/doctest.h>

#include "stockpile/error.hpp"

using stockpile::Date;
using stockpile::Duration;
using stockpile::InvalidInput;

namespace {

template <class A, class B> concept Addable = requires(A a, B b) { a + b; };
template <class A, class B> concept Subtractable = requires(A a, B b) { a - b; };

static_assert(!std::is_convertible_v<const char*, Duration>);
static_assert(!std::is_constructible_v<Duration, std::string>);
static_assert(!std::is_constructible_v<Duration, int>);
static_assert(!std::is_default_constructible_v<Duration>);
static_assert(Addable<Date, Duration> && Subtractable<Date, Duration>);
static_assert(!Addable<Duration, Date> && !Addable<Duration, int> && !Addable<Date, int>);

const char* const kShape =
    "expected a whole number followed by h, d, w, m or y (e.g. 36m, 2y, 90d, 2w, 24h)";

Date d(const char* text) { return Date::parse(text); }

} // namespace

template <> struct doctest::StringMaker<Date> {
  static doctest::String convert(const Date& value) { return value.to_string().c_str(); }
};
template <> struct doctest::StringMaker<Duration> {
  static doctest::String convert(const Duration& duration) {
    return duration.to_string().c_str();
  }
};

TEST_CASE("duration: parse normalizes but prints as written") {
  struct Case {
    const char* text;
    Duration::Unit unit;
    std::int64_t count;
    Duration::Written written;
  };
  const std::vector<Case> cases = {
      {"36m", Duration::Unit::Months, 36, Duration::Written::Months},
      {"2y", Duration::Unit::Months, 24, Duration::Written::Years},
      {"90d", Duration::Unit::Days, 90, Duration::Written::Days},
      {"2w", Duration::Unit::Days, 14, Duration::Written::Weeks},
      {"24h", Duration::Unit::Hours, 24, Duration::Written::Hours},
      {"1d", Duration::Unit::Days, 1, Duration::Written::Days},
      {"100000y", Duration::Unit::Months, 1'200'000, Duration::Written::Years},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    const Duration x = Duration::parse(c.text);
    CHECK(x.unit() == c.unit);
    CHECK(x.count() == c.count);
    CHECK(x.written_unit() == c.written);
    CHECK(x.to_string() == c.text);
  }
  CHECK(Duration::parse("2w").written_count() == 2);
  CHECK(Duration::parse("2y").written_count() == 2);
  CHECK(Duration::parse("007d").to_string() == "7d");
}

TEST_CASE("duration: parse rejects anything but a count and one unit letter") {
  const std::vector<std::string> bad = {
      "3x", "3",   "m",   "1.5y", "-1d", "0d",  "",     "00m",  "+3d", "3 d", " 3d", "3d ",
      "3D", "3M",  "3Y",  "d3",   "3dd", "3mo", "1y6m", "1e3d", "３d", "3天", "0x10d",
  };
  for (const auto& text : bad) {
    CAPTURE(text);
    const std::string expected = "--shelf-life \"" + text + "\": " + kShape;
    CHECK_THROWS_WITH_AS(Duration::parse(text, "--shelf-life"), expected.c_str(), InvalidInput);
  }
  CHECK_THROWS_WITH_AS(Duration::parse("3x"),
                       "duration \"3x\": expected a whole number followed by h, d, w, m or y "
                       "(e.g. 36m, 2y, 90d, 2w, 24h)",
                       InvalidInput);
}

TEST_CASE("duration: counts above 100000 are refused before they can overflow") {
  CHECK(Duration::parse("100000d").count() == 100'000);
  CHECK_THROWS_WITH_AS(Duration::parse("100001d"),
                       "duration \"100001d\": is too long (at most 100000 of one unit)",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(Duration::parse("99999999999999999999999999y", "--lead-time"),
                       "--lead-time \"99999999999999999999999999y\": is too long (at most "
                       "100000 of one unit)",
                       InvalidInput);
}

TEST_CASE("duration: of() builds the same values as parse()") {
  CHECK(Duration::of(36, Duration::Written::Months).to_string() == "36m");
  CHECK(Duration::of(2, Duration::Written::Weeks).count() == 14);
  CHECK(Duration::of(2, Duration::Written::Years) == Duration::parse("2y"));
  CHECK_THROWS_WITH_AS(Duration::of(0, Duration::Written::Days), (std::string("duration \"0d\": ") +
                                                                   kShape).c_str(),
                       InvalidInput);
  CHECK_THROWS_WITH_AS(Duration::of(-5, Duration::Written::Weeks),
                       (std::string("duration \"-5w\": ") + kShape).c_str(), InvalidInput);
  CHECK_THROWS_WITH_AS(Duration::of(100'001, Duration::Written::Hours),
                       "duration \"100001h\": is too long (at most 100000 of one unit)",
                       InvalidInput);
}

TEST_CASE("duration: to_string and parse round-trip") {
  const std::vector<char> letters = {'h', 'd', 'w', 'm', 'y'};
  for (const char letter : letters) {
    for (std::int64_t n = 1; n <= Duration::kMaxCount; n = n * 3 + 1) {
      const std::string text = std::to_string(n) + letter;
      CAPTURE(text);
      const Duration x = Duration::parse(text);
      REQUIRE(x.to_string() == text);
      REQUIRE(Duration::parse(x.to_string()) == x);
      REQUIRE(x.written_count() == n);
    }
  }
}

TEST_CASE("duration: equality means the same length of time") {
  CHECK(Duration::parse("2y") == Duration::parse("24m"));
  CHECK(Duration::parse("2w") == Duration::parse("14d"));
  CHECK(Duration::parse("48h") == Duration::parse("2d"));
  CHECK(Duration::parse("168h") == Duration::parse("1w"));
  CHECK(Duration::parse("36m") == Duration::parse("36m"));
  CHECK(Duration::parse("1y") != Duration::parse("13m"));
  CHECK(Duration::parse("30d") != Duration::parse("1m")); // a month is not a fixed length
  CHECK(Duration::parse("36h") != Duration::parse("1d"));
  CHECK(Duration::parse("1m") != Duration::parse("720h"));
}

TEST_CASE("duration: hours and approx_days") {
  CHECK(Duration::parse("24h").hours() == std::optional<std::int64_t>(24));
  CHECK(Duration::parse("3d").hours() == std::optional<std::int64_t>(72));
  CHECK(Duration::parse("2w").hours() == std::optional<std::int64_t>(336));
  CHECK_FALSE(Duration::parse("1m").hours().has_value());
  CHECK_FALSE(Duration::parse("2y").hours().has_value());
  CHECK(Duration::parse("47h").approx_days() == 1);
  CHECK(Duration::parse("90d").approx_days() == 90);
  CHECK(Duration::parse("2w").approx_days() == 14);
  CHECK(Duration::parse("3m").approx_days() == 90);
  CHECK(Duration::parse("2y").approx_days() == 720);
  CHECK(Duration::parse("100000y").approx_days() == 36'000'000);
}

TEST_CASE("duration: months and years clamp to the month's last day") {
  CHECK(Duration::parse("1m").add_to(d("2024-01-31")) == d("2024-02-29"));
  CHECK(Duration::parse("1m").add_to(d("2025-01-31")) == d("2025-02-28"));
  CHECK(Duration::parse("1y").add_to(d("2024-02-29")) == d("2025-02-28"));
  CHECK(Duration::parse("4y").add_to(d("2024-02-29")) == d("2028-02-29"));
  CHECK(Duration::parse("36m").add_to(d("2026-03-15")) == d("2029-03-15"));
  CHECK(Duration::parse("2y").add_to(d("2026-03-15")) == d("2028-03-15"));
  CHECK(d("2026-08-31") + Duration::parse("6m") == d("2027-02-28"));
  CHECK(Duration::parse("1m").subtract_from(d("2024-03-31")) == d("2024-02-29"));
  CHECK(Duration::parse("1y").subtract_from(d("2024-02-29")) == d("2023-02-28"));
  CHECK(d("2026-01-15") - Duration::parse("3m") == d("2025-10-15"));
}

TEST_CASE("duration: days, weeks and hours move by whole days") {
  CHECK(Duration::parse("90d").add_to(d("2026-01-01")) == d("2026-04-01"));
  CHECK(Duration::parse("2w").add_to(d("2026-02-20")) == d("2026-03-06"));
  CHECK(Duration::parse("1d").add_to(d("2024-02-28")) == d("2024-02-29"));
  CHECK(Duration::parse("24h").add_to(d("2026-12-31")) == d("2027-01-01"));
  CHECK(Duration::parse("47h").add_to(d("2026-03-01")) == d("2026-03-02")); // rounded down
  CHECK(Duration::parse("23h").add_to(d("2026-03-01")) == d("2026-03-01"));
  CHECK(Duration::parse("90d").subtract_from(d("2026-04-01")) == d("2026-01-01"));
  CHECK(Duration::parse("1w").subtract_from(d("2026-03-03")) == d("2026-02-24"));
  CHECK(Duration::parse("47h").subtract_from(d("2026-03-01")) == d("2026-02-28"));
  CHECK(Duration::parse("23h").subtract_from(d("2026-03-01")) == d("2026-03-01"));
  // Warn 90 days before a lot produced 2026-03-15 with a 36-month shelf life expires.
  const Date expiry = d("2026-03-15") + Duration::parse("36m");
  CHECK(expiry == d("2029-03-15"));
  CHECK(expiry - Duration::parse("90d") == d("2028-12-15"));
}

TEST_CASE("duration: results outside 1900..9999 throw") {
  CHECK_THROWS_WITH_AS(Duration::parse("1y").add_to(d("9999-06-01")),
                       "date out of range: 9999-06-01 + 12 months is outside 1900-01-01 to "
                       "9999-12-31",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(d("1900-01-10") - Duration::parse("2w"),
                       "date out of range: 1900-01-10 - 14 days is outside 1900-01-01 to "
                       "9999-12-31",
                       InvalidInput);
  CHECK_THROWS_AS(Duration::parse("100000y").add_to(d("2026-01-01")), InvalidInput);
  CHECK_THROWS_AS(Duration::parse("100000d").subtract_from(d("2026-01-01")), InvalidInput);
}
