// Duration (期限): a span of calendar time — a material's shelf life (保质期, e.g. 36m), a
// supplier's lead time (24h, 3d), how long before expiry to warn (90d), an inspection interval
// (2w). Written as a whole number and one unit letter: h hours, d days, w weeks (7 days),
// m months, y years (12 months). Months and years are calendar months, not a fixed number of
// days, so they keep their own unit; the unit the user wrote is kept for printing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "stockpile/date.hpp"

namespace stockpile {

class Duration {
public:
  // What the duration is measured in once weeks are turned into days and years into months.
  enum class Unit { Hours, Days, Months };
  // The unit as written: 2w stays 2w when printed.
  enum class Written { Hours, Days, Weeks, Months, Years };

  static constexpr std::int64_t kMaxCount = 100000; // of the written unit

  // A count of 1..kMaxCount of one unit; throws InvalidInput otherwise.
  [[nodiscard]] static Duration of(std::int64_t count, Written unit);

  // "36m", "2y", "90d", "2w", "24h": ASCII digits (1..100000, leading zeros allowed) and one
  // lowercase unit letter, nothing else. Throws InvalidInput(field, text, ...).
  [[nodiscard]] static Duration parse(std::string_view text, std::string_view field = "duration");

  [[nodiscard]] std::string to_string() const; // in the unit as written: "2y", not "24m"

  [[nodiscard]] Unit unit() const noexcept { return unit_; }
  [[nodiscard]] std::int64_t count() const noexcept { return count_; } // in unit()
  [[nodiscard]] Written written_unit() const noexcept { return written_; }
  [[nodiscard]] std::int64_t written_count() const noexcept;

  // Exact length in hours for h, d and w (a day is 24 hours: calendar days, no DST);
  // nullopt for months and years, whose length depends on the date they start from.
  [[nodiscard]] std::optional<std::int64_t> hours() const noexcept;
  // Rough length in days, for sorting and display only: a month counts as 30 days and hours
  // are rounded down to whole days. Never use it for date arithmetic; use add_to().
  [[nodiscard]] std::int64_t approx_days() const noexcept;

  // The date this long after (before) `d`. Months and years are calendar months clamped to the
  // target month's last day: 2024-01-31 + 1m = 2024-02-29, 2025-01-31 + 1m = 2025-02-28,
  // 2024-02-29 + 1y = 2025-02-28, and 2024-03-31 - 1m = 2024-02-29. Days and weeks are plain
  // days. Hours count in whole days only, rounded down (36h moves a date by 1 day, 23h by
  // none): a Date has no time of day to carry the rest. Throws InvalidInput if the result
  // leaves Date::min()..Date::max().
  [[nodiscard]] Date add_to(Date d) const;
  [[nodiscard]] Date subtract_from(Date d) const;

  // Same length of time: 2y == 24m, 2w == 14d, 48h == 2d; months never equal days.
  friend bool operator==(const Duration& a, const Duration& b) noexcept;

private:
  Duration(Unit unit, std::int64_t count, Written written) noexcept
      : unit_(unit), count_(count), written_(written) {}

  Unit unit_;
  std::int64_t count_;
  Written written_;
};

// d + shelf_life: the expiry date of a lot produced on d.
[[nodiscard]] Date operator+(Date d, const Duration& duration);
// expiry - warning window: the day to start warning.
[[nodiscard]] Date operator-(Date d, const Duration& duration);

} // namespace stockpile
