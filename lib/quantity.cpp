#include "stockpile/quantity.hpp"

#include <cstdint>
#include <limits>

#include <fmt/format.h>

#include "stockpile/error.hpp"

namespace stockpile {

namespace {

constexpr std::string_view kExpected = "expected a decimal number with at most 3 decimals";
constexpr auto kMaxFractionDigits = static_cast<std::size_t>(Quantity::kDecimals);

bool is_ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// The magnitude of a thousandths count, as unsigned so that INT64_MIN has one too.
std::uint64_t magnitude(std::int64_t t) noexcept {
  return t < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(t) : static_cast<std::uint64_t>(t);
}

} // namespace

Quantity Quantity::parse(std::string_view text, std::string_view field) {
  std::string_view rest = text;
  const bool negative = !rest.empty() && rest.front() == '-';
  if (negative) rest.remove_prefix(1);

  const std::size_t dot = rest.find('.');
  const std::string_view int_part = rest.substr(0, dot);
  const std::string_view frac_part =
      dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
  const auto all_digits = [](std::string_view s) {
    for (char c : s) {
      if (!is_ascii_digit(c)) return false;
    }
    return true;
  };
  const bool shape_ok = !int_part.empty() && all_digits(int_part) &&
                        (dot == std::string_view::npos ||
                         (!frac_part.empty() && frac_part.size() <= kMaxFractionDigits &&
                          all_digits(frac_part)));
  if (!shape_ok) throw InvalidInput(field, text, kExpected);

  // Accumulate the magnitude in thousandths; the negative side has room for one more.
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  constexpr std::uint64_t kMinMagnitude = std::uint64_t{1} << 63;
  const std::uint64_t limit = negative ? kMinMagnitude : static_cast<std::uint64_t>(kMax);
  const auto too_big = [&] {
    return InvalidInput(field, text,
                        negative ? "is too small (at least -9223372036854775.808)"
                                 : "is too large (at most 9223372036854775.807)");
  };
  std::uint64_t value = 0;
  const auto push_digit = [&](char c) {
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (value > (limit - d) / 10) throw too_big();
    value = value * 10 + d;
  };
  for (char c : int_part) push_digit(c);
  for (char c : frac_part) push_digit(c);
  for (std::size_t i = frac_part.size(); i < kMaxFractionDigits; ++i) push_digit('0');

  if (negative && value == 0) throw InvalidInput(field, text, kExpected); // "-0", "-0.00"
  if (!negative) return from_thousandths(static_cast<std::int64_t>(value));
  // value <= 2^63 here, and only -2^63 lacks a positive counterpart to negate.
  return from_thousandths(value == kMinMagnitude ? kMin : -static_cast<std::int64_t>(value));
}

std::string Quantity::to_string() const {
  // Digits written backwards into a buffer, not through fmt: every row of a report prints a
  // quantity (24k rows of `stock` at 100k movements spent 7% of their time formatting them).
  const std::uint64_t m = magnitude(thousandths_);
  std::uint64_t units = m / static_cast<std::uint64_t>(kScale);
  std::uint64_t frac = m % static_cast<std::uint64_t>(kScale);
  char buffer[32]; // sign, 19 digits of units, point, 3 decimals
  char* end = buffer + sizeof buffer;
  char* p = end;
  if (frac != 0) {
    int decimals = 3;
    while (frac % 10 == 0) { // no trailing zeros: 2.500 is "2.5"
      frac /= 10;
      --decimals;
    }
    for (; decimals > 0; --decimals, frac /= 10) *--p = static_cast<char>('0' + frac % 10);
    *--p = '.';
  }
  do {
    *--p = static_cast<char>('0' + units % 10);
    units /= 10;
  } while (units != 0);
  if (thousandths_ < 0) *--p = '-';
  return {p, end};
}

namespace detail {

void throw_quantity_overflow(Quantity a, char op, Quantity b) {
  throw InvalidInput(
      fmt::format("quantity overflow: {} {} {}", a.to_string(), op, b.to_string()));
}

void throw_quantity_overflow(Quantity a, std::int64_t factor) {
  throw InvalidInput(fmt::format("quantity overflow: {} * {}", a.to_string(), factor));
}

void throw_quantity_negate_overflow(Quantity a) {
  throw InvalidInput(fmt::format("quantity overflow: -({})", a.to_string()));
}

void throw_quantity_whole_overflow(std::int64_t units) {
  throw InvalidInput(fmt::format(
      "quantity overflow: {} units (at most 9223372036854775 whole units fit)", units));
}

} // namespace detail

} // namespace stockpile
