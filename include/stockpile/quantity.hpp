// Quantity (数量): how much of a material, in the material's own unit (件, 顶, kg, 吨...).
// Exact fixed-point: thousandths of the unit in a 64-bit integer, so 80 件 + 2.5 kg style sums
// never drift the way binary floating point does (0.1 + 0.2 != 0.3). A material says how many of
// the three decimals it may use; a quantity itself allows all three. Arithmetic is checked and
// throws InvalidInput rather than wrapping around.
#pragma once

#include <compare>
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>

namespace stockpile {

class Quantity;

namespace detail {
// Out of line so that the header needs neither fmt nor error.hpp; each throws InvalidInput
// describing the operation that overflowed.
[[noreturn]] void throw_quantity_overflow(Quantity a, char op, Quantity b);
[[noreturn]] void throw_quantity_overflow(Quantity a, std::int64_t factor);
[[noreturn]] void throw_quantity_negate_overflow(Quantity a);
[[noreturn]] void throw_quantity_whole_overflow(std::int64_t units);
} // namespace detail

class Quantity {
public:
  static constexpr int kDecimals = 3;
  static constexpr std::int64_t kScale = 1000;

  constexpr Quantity() noexcept = default; // zero

  [[nodiscard]] static constexpr Quantity from_thousandths(std::int64_t thousandths) noexcept {
    return Quantity(Raw{}, thousandths);
  }
  // `units` whole units of the material; throws InvalidInput if it does not fit.
  [[nodiscard]] static constexpr Quantity whole(std::int64_t units) {
    std::int64_t t = 0;
    if (__builtin_mul_overflow(units, kScale, &t)) detail::throw_quantity_whole_overflow(units);
    return Quantity(Raw{}, t);
  }

  // Accepts an optional '-', ASCII digits, and optionally '.' followed by 1 to 3 digits:
  // 80, 2.5, 0.125, -3, 007. Rejects exponents, signs on zero, '+', separators, whitespace,
  // "1." and ".5"; throws InvalidInput(field, text, ...).
  [[nodiscard]] static Quantity parse(std::string_view text, std::string_view field = "quantity");

  [[nodiscard]] constexpr std::int64_t thousandths() const noexcept { return thousandths_; }

  // The shortest exact decimal: 80, 2.5, 0.125, -3, 0 (never "-0", "2.50" or "2.").
  [[nodiscard]] std::string to_string() const;
  // How many decimals to_string() shows: 80 -> 0, 2.5 -> 1, 0.125 -> 3.
  [[nodiscard]] constexpr int decimals() const noexcept {
    if (thousandths_ % kScale == 0) return 0;
    if (thousandths_ % 100 == 0) return 1;
    if (thousandths_ % 10 == 0) return 2;
    return 3;
  }

  [[nodiscard]] constexpr bool is_zero() const noexcept { return thousandths_ == 0; }
  [[nodiscard]] constexpr bool is_negative() const noexcept { return thousandths_ < 0; }
  [[nodiscard]] constexpr bool is_positive() const noexcept { return thousandths_ > 0; }

  constexpr auto operator<=>(const Quantity&) const = default;

  constexpr Quantity& operator+=(Quantity other) {
    std::int64_t r = 0;
    if (__builtin_add_overflow(thousandths_, other.thousandths_, &r))
      detail::throw_quantity_overflow(*this, '+', other);
    thousandths_ = r;
    return *this;
  }
  constexpr Quantity& operator-=(Quantity other) {
    std::int64_t r = 0;
    if (__builtin_sub_overflow(thousandths_, other.thousandths_, &r))
      detail::throw_quantity_overflow(*this, '-', other);
    thousandths_ = r;
    return *this;
  }

  [[nodiscard]] friend constexpr Quantity operator+(Quantity a, Quantity b) { return a += b; }
  [[nodiscard]] friend constexpr Quantity operator-(Quantity a, Quantity b) { return a -= b; }
  [[nodiscard]] friend constexpr Quantity operator-(Quantity a) {
    std::int64_t r = 0;
    if (__builtin_sub_overflow(std::int64_t{0}, a.thousandths_, &r))
      detail::throw_quantity_negate_overflow(a);
    return Quantity(Raw{}, r);
  }

  // A count of packs times the pack size (or the reverse). Integers only: scaling a quantity
  // by a fraction would need a rounding rule, and that belongs to whoever needs it.
  [[nodiscard]] friend constexpr Quantity operator*(Quantity a, std::int64_t factor) {
    std::int64_t r = 0;
    if (__builtin_mul_overflow(a.thousandths_, factor, &r))
      detail::throw_quantity_overflow(a, factor);
    return Quantity(Raw{}, r);
  }
  [[nodiscard]] friend constexpr Quantity operator*(std::int64_t factor, Quantity a) {
    return a * factor;
  }
  // Without these, q * 2.5 would silently truncate 2.5 to 2.
  template <std::floating_point F> friend Quantity operator*(Quantity, F) = delete;
  template <std::floating_point F> friend Quantity operator*(F, Quantity) = delete;

private:
  struct Raw {};
  constexpr Quantity(Raw, std::int64_t thousandths) noexcept : thousandths_(thousandths) {}

  std::int64_t thousandths_ = 0;
};

} // namespace stockpile
