#include "stockpile/quantity.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

// Lets CHECK_THROWS_* take [[nodiscard]] calls such as Quantity::parse(...).
#ifndef DOCTEST_CONFIG_VOID_CAST_EXPRESSIONS
#define DOCTEST_CONFIG_VOID_CAST_EXPRESSIONS
#endif
#include <doctest/doctest.h>

#include "stockpile/error.hpp"

using stockpile::InvalidInput;
using stockpile::Quantity;

namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

Quantity q(std::int64_t thousandths) { return Quantity::from_thousandths(thousandths); }

// No implicit or explicit way in from a number except the named factories, none out.
static_assert(!std::is_convertible_v<int, Quantity>);
static_assert(!std::is_convertible_v<std::int64_t, Quantity>);
static_assert(!std::is_convertible_v<double, Quantity>);
static_assert(!std::is_convertible_v<float, Quantity>);
static_assert(!std::is_constructible_v<Quantity, int>);
static_assert(!std::is_constructible_v<Quantity, std::int64_t>);
static_assert(!std::is_constructible_v<Quantity, double>);
static_assert(!std::is_constructible_v<Quantity, const char*>);
static_assert(!std::is_convertible_v<Quantity, std::int64_t>);
static_assert(!std::is_convertible_v<Quantity, double>);
static_assert(!std::is_convertible_v<Quantity, bool>);
static_assert(!std::is_constructible_v<std::int64_t, Quantity>);
static_assert(!std::is_constructible_v<double, Quantity>);
static_assert(!std::is_constructible_v<bool, Quantity>);
static_assert(std::is_nothrow_default_constructible_v<Quantity>);
static_assert(std::is_trivially_copyable_v<Quantity>);

// Only meaningful operators: no mixing with raw numbers, no Quantity * Quantity, no scaling
// by a fraction (which would truncate silently). A requires-expression only answers "no"
// inside a template, hence the concepts.
template <class A, class B> concept Addable = requires(A a, B b) { a + b; };
template <class A, class B> concept Subtractable = requires(A a, B b) { a - b; };
template <class A, class B> concept Multipliable = requires(A a, B b) { a * b; };
template <class A, class B> concept Divisible = requires(A a, B b) { a / b; };
template <class A, class B> concept EqualityComparable = requires(A a, B b) { a == b; };
template <class A, class B> concept Ordered = requires(A a, B b) { a < b; };
template <class A> concept Testable = requires(A a) { a ? 1 : 0; };

static_assert(Addable<Quantity, Quantity> && Subtractable<Quantity, Quantity>);
static_assert(!Addable<Quantity, int> && !Addable<int, Quantity>);
static_assert(!Subtractable<Quantity, int>);
static_assert(!EqualityComparable<Quantity, int> && !Ordered<Quantity, int>);
static_assert(!EqualityComparable<Quantity, double>);
static_assert(!Multipliable<Quantity, Quantity>);
static_assert(!Divisible<Quantity, Quantity> && !Divisible<Quantity, int>);
static_assert(!Multipliable<Quantity, double> && !Multipliable<double, Quantity>);
static_assert(!Multipliable<Quantity, float> && !Multipliable<Quantity, long double>);
static_assert(Multipliable<Quantity, std::int64_t> && Multipliable<int, Quantity>);
static_assert(!Testable<Quantity>);

// The arithmetic is usable at compile time.
static_assert(Quantity().is_zero());
static_assert(Quantity::whole(2) + Quantity::from_thousandths(500) ==
              Quantity::from_thousandths(2500));
static_assert(Quantity::whole(3) - Quantity::whole(5) == -Quantity::whole(2));
static_assert(Quantity::from_thousandths(250) * 4 == Quantity::whole(1));
static_assert(Quantity::whole(1) < Quantity::from_thousandths(1001));
static_assert(Quantity::from_thousandths(2500).decimals() == 1);

const char* const kBadNumber = "expected a decimal number with at most 3 decimals";

} // namespace

template <> struct doctest::StringMaker<Quantity> {
  static doctest::String convert(const Quantity& value) { return value.to_string().c_str(); }
};

TEST_CASE("quantity: zero, factories and accessors") {
  CHECK(Quantity().thousandths() == 0);
  CHECK(Quantity::from_thousandths(-42).thousandths() == -42);
  CHECK(Quantity::whole(80).thousandths() == 80'000);
  CHECK(Quantity::whole(-3).thousandths() == -3'000);
  CHECK(Quantity::whole(9'223'372'036'854'775).thousandths() == 9'223'372'036'854'775'000);
  CHECK(Quantity::kScale == 1000);
  CHECK(Quantity::kDecimals == 3);
}

TEST_CASE("quantity: whole() overflow names the number of units") {
  CHECK_THROWS_WITH_AS(Quantity::whole(9'223'372'036'854'776),
                       "quantity overflow: 9223372036854776 units (at most 9223372036854775 "
                       "whole units fit)",
                       InvalidInput);
  CHECK_THROWS_AS(Quantity::whole(-9'223'372'036'854'776), InvalidInput);
  CHECK_THROWS_AS(Quantity::whole(kMax), InvalidInput);
}

TEST_CASE("quantity: parse accepts plain decimals") {
  struct Case {
    const char* text;
    std::int64_t thousandths;
  };
  const std::vector<Case> cases = {
      {"80", 80'000},
      {"2.5", 2'500},
      {"0.125", 125},
      {"-3", -3'000},
      {"1000000", 1'000'000'000},
      {"007", 7'000},
      {"0", 0},
      {"0.0", 0},
      {"0.000", 0},
      {"-0.5", -500},
      {"-0.001", -1},
      {"12.34", 12'340},
      {"1.000", 1'000},
      {"9223372036854775.807", kMax},
      {"-9223372036854775.808", kMin},
      {"00000000000000000000000000001", 1'000},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(Quantity::parse(c.text).thousandths() == c.thousandths);
  }
}

TEST_CASE("quantity: parse rejects anything but a plain decimal, naming field and value") {
  const std::vector<std::string> bad = {
      "1e3",  "1E3",   "NaN",   "nan", "inf",  "-inf", "-0",    "-0.0",  "-0.000", "-00",
      "1,000", "",     " 1",    "1 ",  "+1",   "1.",   ".5",    "1.2345", "-",     "-.5",
      "1..2", "1.2.3", "0x10",  "--1", "1-",   "1_000", "1'000", "١٢",   "１",    "½",
      "−1", // U+2212 MINUS SIGN
  };
  for (const auto& text : bad) {
    CAPTURE(text);
    const std::string expected = "quantity \"" + text + "\": " + kBadNumber;
    CHECK_THROWS_WITH_AS(Quantity::parse(text), expected.c_str(), InvalidInput);
  }
  // Control characters are escaped in the message.
  CHECK_THROWS_WITH_AS(Quantity::parse("\t1"),
                       "quantity \"\\t1\": expected a decimal number with at most 3 decimals",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(Quantity::parse("1\n"),
                       "quantity \"1\\n\": expected a decimal number with at most 3 decimals",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(Quantity::parse(std::string_view("1\0", 2)),
                       "quantity \"1\\x00\": expected a decimal number with at most 3 decimals",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(Quantity::parse("1e3", "--qty"),
                       "--qty \"1e3\": expected a decimal number with at most 3 decimals",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(Quantity::parse("-0", "--qty"),
                       "--qty \"-0\": expected a decimal number with at most 3 decimals",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(Quantity::parse("", "--qty"),
                       "--qty \"\": expected a decimal number with at most 3 decimals",
                       InvalidInput);
}

TEST_CASE("quantity: parse rejects values beyond the 64-bit range") {
  CHECK_THROWS_WITH_AS(Quantity::parse("9223372036854775.808", "--qty"),
                       "--qty \"9223372036854775.808\": is too large (at most "
                       "9223372036854775.807)",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(Quantity::parse("9223372036854776"),
                       "quantity \"9223372036854776\": is too large (at most "
                       "9223372036854775.807)",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(Quantity::parse("99999999999999999999999999999999"),
                       "quantity \"99999999999999999999999999999999\": is too large (at most "
                       "9223372036854775.807)",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(Quantity::parse("-9223372036854775.809"),
                       "quantity \"-9223372036854775.809\": is too small (at least "
                       "-9223372036854775.808)",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(Quantity::parse("-18446744073709551.616"),
                       "quantity \"-18446744073709551.616\": is too small (at least "
                       "-9223372036854775.808)",
                       InvalidInput);
}

TEST_CASE("quantity: to_string is the shortest exact decimal") {
  CHECK(q(80'000).to_string() == "80");
  CHECK(q(2'500).to_string() == "2.5");
  CHECK(q(125).to_string() == "0.125");
  CHECK(q(-3'000).to_string() == "-3");
  CHECK(q(0).to_string() == "0");
  CHECK(q(-1).to_string() == "-0.001");
  CHECK(q(10).to_string() == "0.01");
  CHECK(q(-2'050).to_string() == "-2.05");
  CHECK(q(1'000'000'000).to_string() == "1000000");
  CHECK(q(kMax).to_string() == "9223372036854775.807");
  CHECK(q(kMin).to_string() == "-9223372036854775.808");
  CHECK((-Quantity()).to_string() == "0");
  CHECK((q(500) - q(500)).to_string() == "0");
}

TEST_CASE("quantity: decimals counts what to_string shows") {
  CHECK(q(80'000).decimals() == 0);
  CHECK(q(0).decimals() == 0);
  CHECK(q(2'500).decimals() == 1);
  CHECK(q(-2'500).decimals() == 1);
  CHECK(q(2'050).decimals() == 2);
  CHECK(q(125).decimals() == 3);
  CHECK(q(-1).decimals() == 3);
  CHECK(q(kMin).decimals() == 3);
}

TEST_CASE("quantity: parse(to_string(x)) == x") {
  std::vector<std::int64_t> values = {0, 1, -1, 9, 10, 99, 100, 999, 1000, 1001, -1001,
                                      kMax, kMin, kMax - 1, kMin + 1, kMax / 1000 * 1000,
                                      kMin / 1000 * 1000};
  for (std::int64_t t = -5'000; t <= 5'000; t += 7) values.push_back(t);
  std::uint64_t state = 0x9E3779B97F4A7C15u; // fixed seed: reproducible
  for (int i = 0; i < 2'000; ++i) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    // Magnitudes from tiny to the whole range, both signs.
    const auto v = static_cast<std::int64_t>(state >> (state % 60));
    values.push_back(v);
    if (v != kMin) values.push_back(-v);
  }
  for (const std::int64_t t : values) {
    CAPTURE(t);
    const Quantity x = q(t);
    const std::string text = x.to_string();
    REQUIRE(Quantity::parse(text) == x);
    const std::size_t dot = text.find('.');
    const std::size_t shown = dot == std::string::npos ? 0 : text.size() - dot - 1;
    CHECK(shown == static_cast<std::size_t>(x.decimals()));
  }
}

TEST_CASE("quantity: arithmetic and comparisons") {
  Quantity a = Quantity::parse("80");
  const Quantity b = Quantity::parse("2.5");
  CHECK((a + b).to_string() == "82.5");
  CHECK((a - b).to_string() == "77.5");
  CHECK((b - a).to_string() == "-77.5");
  CHECK((-b).to_string() == "-2.5");
  CHECK((-Quantity()).to_string() == "0");
  CHECK((b * 4).to_string() == "10");
  CHECK((3 * b).to_string() == "7.5");
  CHECK((b * -2).to_string() == "-5");
  CHECK((b * 0).is_zero());
  a += b;
  CHECK(a == Quantity::parse("82.5"));
  a -= Quantity::whole(100);
  CHECK(a == Quantity::parse("-17.5"));
  CHECK(a.is_negative());
  CHECK_FALSE(a.is_positive());
  CHECK_FALSE(a.is_zero());
  CHECK(b.is_positive());
  CHECK(Quantity().is_zero());
  CHECK_FALSE(Quantity().is_positive());
  CHECK_FALSE(Quantity().is_negative());
  CHECK(Quantity::parse("0.1") + Quantity::parse("0.2") == Quantity::parse("0.3"));
  CHECK(Quantity::parse("2.5") < Quantity::parse("2.501"));
  CHECK(Quantity::parse("-1") < Quantity::parse("0"));
  CHECK(Quantity::parse("2.50") == Quantity::parse("2.5"));
  CHECK(Quantity::parse("2.5") != Quantity::parse("2.05"));
  CHECK(Quantity::parse("3") >= Quantity::parse("3.000"));
}

TEST_CASE("quantity: overflow throws instead of wrapping") {
  const Quantity max = q(kMax);
  const Quantity min = q(kMin);
  CHECK_THROWS_WITH_AS(max + Quantity::whole(1),
                       "quantity overflow: 9223372036854775.807 + 1", InvalidInput);
  CHECK_THROWS_WITH_AS(max + q(1), "quantity overflow: 9223372036854775.807 + 0.001",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(min - q(1), "quantity overflow: -9223372036854775.808 - 0.001",
                       InvalidInput);
  CHECK_THROWS_WITH_AS(-min, "quantity overflow: -(-9223372036854775.808)", InvalidInput);
  CHECK_THROWS_WITH_AS(max * 2, "quantity overflow: 9223372036854775.807 * 2", InvalidInput);
  CHECK_THROWS_WITH_AS(min * -1, "quantity overflow: -9223372036854775.808 * -1",
                       InvalidInput);
  Quantity acc = max;
  CHECK_THROWS_AS(acc += q(1), InvalidInput);
  CHECK(acc == max); // unchanged by the failed operation
  acc = min;
  CHECK_THROWS_AS(acc -= q(1), InvalidInput);
  CHECK(acc == min);
  CHECK((max + min).to_string() == "-0.001");
  CHECK((-max).thousandths() == kMin + 1);
}
