// Date (日期): a calendar day in the ledger — when a lot was received, produced or expires, when
// an inspection is due, the --as-of day of a report. No time of day and no time zone: "today" is
// decided once, in the configured zone, by whoever asks. Written as ISO 8601, 2026-03-01.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include <date/date.h>

namespace stockpile {

class Date {
public:
  constexpr explicit Date(date::sys_days days) noexcept : days_(days) {}
  // Precondition: ymd.ok(). Use from_ymd() for numbers that come from outside.
  constexpr explicit Date(date::year_month_day ymd) : days_(ymd) {}

  // Throws InvalidInput if y-m-d is not a calendar date or the year is outside 1900..9999.
  [[nodiscard]] static Date from_ymd(int y, unsigned m, unsigned d);

  // Strict ISO 8601 calendar date YYYY-MM-DD with a year from 1900 to 9999; anything else
  // (2026-1-01, 2026/01/01, 20260101, 2026-02-30, trailing text) throws InvalidInput.
  [[nodiscard]] static Date parse(std::string_view text, std::string_view field = "date");

  // The range parse() and from_ymd() accept, and that arithmetic must stay inside.
  [[nodiscard]] static constexpr Date min() noexcept {
    return Date(date::year{1900} / date::January / 1);
  }
  [[nodiscard]] static constexpr Date max() noexcept {
    return Date(date::year{9999} / date::December / 31);
  }

  [[nodiscard]] std::string to_string() const; // 2026-03-01

  [[nodiscard]] constexpr date::sys_days days() const noexcept { return days_; }
  [[nodiscard]] constexpr date::year_month_day ymd() const noexcept {
    return date::year_month_day(days_);
  }
  [[nodiscard]] constexpr int year() const noexcept { return static_cast<int>(ymd().year()); }
  [[nodiscard]] constexpr unsigned month() const noexcept {
    return static_cast<unsigned>(ymd().month());
  }
  [[nodiscard]] constexpr unsigned day() const noexcept {
    return static_cast<unsigned>(ymd().day());
  }

  // Both throw InvalidInput if the result falls outside min()..max().
  [[nodiscard]] Date add_days(std::int64_t n) const;
  // Calendar months; a day the target month lacks clamps to its last day
  // (2024-01-31 + 1 month = 2024-02-29, 2025-01-31 + 1 month = 2025-02-28).
  [[nodiscard]] Date add_months(std::int64_t n) const;

  // other - *this, in days: positive when other is later.
  [[nodiscard]] constexpr std::int64_t days_until(Date other) const noexcept {
    return std::int64_t{other.days_.time_since_epoch().count()} -
           std::int64_t{days_.time_since_epoch().count()};
  }

  constexpr auto operator<=>(const Date&) const = default;

private:
  date::sys_days days_;
};

} // namespace stockpile
