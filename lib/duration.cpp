#include "stockpile/duration.hpp"

#include <fmt/format.h>

#include "stockpile/error.hpp"

namespace stockpile {

namespace {

constexpr std::string_view kExpected =
    "expected a whole number followed by h, d, w, m or y (e.g. 36m, 2y, 90d, 2w, 24h)";

struct UnitInfo {
  char letter;
  Duration::Unit unit;
  std::int64_t factor; // written count * factor = count in unit
};

UnitInfo info(Duration::Written w) noexcept {
  switch (w) {
  case Duration::Written::Hours: return {'h', Duration::Unit::Hours, 1};
  case Duration::Written::Days: return {'d', Duration::Unit::Days, 1};
  case Duration::Written::Weeks: return {'w', Duration::Unit::Days, 7};
  case Duration::Written::Months: return {'m', Duration::Unit::Months, 1};
  case Duration::Written::Years: return {'y', Duration::Unit::Months, 12};
  }
  return {'?', Duration::Unit::Days, 1};
}

std::optional<Duration::Written> from_letter(char c) noexcept {
  switch (c) {
  case 'h': return Duration::Written::Hours;
  case 'd': return Duration::Written::Days;
  case 'w': return Duration::Written::Weeks;
  case 'm': return Duration::Written::Months;
  case 'y': return Duration::Written::Years;
  default: return std::nullopt;
  }
}

constexpr std::string_view kTooLarge = "is too long (at most 100000 of one unit)";

} // namespace

Duration Duration::of(std::int64_t count, Written unit) {
  const UnitInfo i = info(unit);
  if (count < 1) throw InvalidInput("duration", fmt::format("{}{}", count, i.letter), kExpected);
  if (count > kMaxCount) {
    throw InvalidInput("duration", fmt::format("{}{}", count, i.letter), kTooLarge);
  }
  return Duration(i.unit, count * i.factor, unit);
}

Duration Duration::parse(std::string_view text, std::string_view field) {
  if (text.size() < 2) throw InvalidInput(field, text, kExpected);
  const auto written = from_letter(text.back());
  if (!written) throw InvalidInput(field, text, kExpected);
  std::int64_t count = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9') throw InvalidInput(field, text, kExpected);
    count = count * 10 + (c - '0');
    if (count > kMaxCount) throw InvalidInput(field, text, kTooLarge); // before it can overflow
  }
  if (count == 0) throw InvalidInput(field, text, kExpected);
  const UnitInfo i = info(*written);
  return Duration(i.unit, count * i.factor, *written);
}

std::int64_t Duration::written_count() const noexcept { return count_ / info(written_).factor; }

std::string Duration::to_string() const {
  return fmt::format("{}{}", written_count(), info(written_).letter);
}

std::optional<std::int64_t> Duration::hours() const noexcept {
  switch (unit_) {
  case Unit::Hours: return count_;
  case Unit::Days: return count_ * 24;
  case Unit::Months: return std::nullopt;
  }
  return std::nullopt;
}

std::int64_t Duration::approx_days() const noexcept {
  switch (unit_) {
  case Unit::Hours: return count_ / 24;
  case Unit::Days: return count_;
  case Unit::Months: return count_ * 30;
  }
  return count_;
}

Date Duration::add_to(Date d) const {
  switch (unit_) {
  case Unit::Hours: return d.add_days(count_ / 24); // whole days only: see the header
  case Unit::Days: return d.add_days(count_);
  case Unit::Months: return d.add_months(count_);
  }
  return d;
}

Date Duration::subtract_from(Date d) const {
  switch (unit_) {
  case Unit::Hours: return d.add_days(-(count_ / 24));
  case Unit::Days: return d.add_days(-count_);
  case Unit::Months: return d.add_months(-count_);
  }
  return d;
}

bool operator==(const Duration& a, const Duration& b) noexcept {
  if ((a.unit_ == Duration::Unit::Months) != (b.unit_ == Duration::Unit::Months)) return false;
  if (a.unit_ == Duration::Unit::Months) return a.count_ == b.count_;
  return a.hours() == b.hours();
}

Date operator+(Date d, const Duration& duration) { return duration.add_to(d); }
Date operator-(Date d, const Duration& duration) { return duration.subtract_from(d); }

} // namespace stockpile
