#include "stockpile/date.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "stockpile/error.hpp"

namespace stockpile {

namespace {

constexpr int kMinYear = 1900;
constexpr int kMaxYear = 9999;

constexpr std::array<std::string_view, 12> kMonthNames = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

bool is_ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Throws unless y-m-d names a day between 1900-01-01 and 9999-12-31; `text` is what the user
// wrote, quoted in the message.
Date checked_date(std::string_view field, std::string_view text, int y, unsigned m, unsigned d) {
  if (y < kMinYear || y > kMaxYear) {
    throw InvalidInput(field, text, "is outside the years 1900 to 9999");
  }
  if (m < 1 || m > 12) {
    throw InvalidInput(field, text, "is not a calendar date (months run from 01 to 12)");
  }
  const date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok()) {
    const date::year_month_day_last last{date::year{y}, date::month_day_last{date::month{m}}};
    throw InvalidInput(field, text,
                       fmt::format("is not a calendar date ({} {} has {} days)",
                                   kMonthNames.at(m - 1), y,
                                   static_cast<unsigned>(last.day())));
  }
  return Date(ymd);
}

std::int64_t day_count(Date d) noexcept { return d.days().time_since_epoch().count(); }

[[noreturn]] void throw_out_of_range(Date from, std::int64_t n, std::string_view what) {
  const std::uint64_t magnitude = n < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(n)
                                        : static_cast<std::uint64_t>(n);
  throw InvalidInput(fmt::format("date out of range: {} {} {} {} is outside {} to {}",
                                 from.to_string(), n < 0 ? '-' : '+', magnitude, what,
                                 Date::min().to_string(), Date::max().to_string()));
}

} // namespace

Date Date::from_ymd(int y, unsigned m, unsigned d) {
  return checked_date("date", fmt::format("{:04}-{:02}-{:02}", y, m, d), y, m, d);
}

Date Date::parse(std::string_view text, std::string_view field) {
  // One pass over the ten bytes, checking the shape and reading the numbers: reports parse
  // two dates for each line they read back from the ledger.
  std::array<unsigned, 3> parts{}; // year, month, day
  bool shape_ok = text.size() == 10;
  for (std::size_t i = 0; shape_ok && i < text.size(); ++i) {
    const char c = text[i];
    if (i == 4 || i == 7) {
      shape_ok = c == '-';
    } else if (is_ascii_digit(c)) {
      unsigned& part = parts[i < 4 ? 0 : i < 7 ? 1 : 2];
      part = part * 10 + static_cast<unsigned>(c - '0');
    } else {
      shape_ok = false;
    }
  }
  if (!shape_ok) throw InvalidInput(field, text, "expected a date YYYY-MM-DD");
  return checked_date(field, text, static_cast<int>(parts[0]), parts[1], parts[2]);
}

std::string Date::to_string() const {
  // Written digit by digit, not through fmt: reports print a date on every line (25k lines
  // of the expiry report at 1M movements spent 5% of their time formatting them).
  const auto v = ymd();
  if (static_cast<int>(v.year()) < 1000 || static_cast<int>(v.year()) > 9999) {
    // Only a Date made from raw days outside min()..max() gets here.
    return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(v.year()),
                       static_cast<unsigned>(v.month()), static_cast<unsigned>(v.day()));
  }
  const auto year = static_cast<unsigned>(static_cast<int>(v.year()));
  const auto month = static_cast<unsigned>(v.month());
  const auto day = static_cast<unsigned>(v.day());
  std::string out(10, '-');
  out[0] = static_cast<char>('0' + year / 1000);
  out[1] = static_cast<char>('0' + year / 100 % 10);
  out[2] = static_cast<char>('0' + year / 10 % 10);
  out[3] = static_cast<char>('0' + year % 10);
  out[5] = static_cast<char>('0' + month / 10);
  out[6] = static_cast<char>('0' + month % 10);
  out[8] = static_cast<char>('0' + day / 10);
  out[9] = static_cast<char>('0' + day % 10);
  return out;
}

Date Date::add_days(std::int64_t n) const {
  std::int64_t target = 0;
  if (__builtin_add_overflow(day_count(*this), n, &target) || target < day_count(min()) ||
      target > day_count(max())) {
    throw_out_of_range(*this, n, n == 1 || n == -1 ? "day" : "days");
  }
  // In range, so it fits date::days' int.
  return Date(date::sys_days{date::days{static_cast<date::days::rep>(target)}});
}

Date Date::add_months(std::int64_t n) const {
  const auto from = ymd();
  // Months since year 0, then back: floor division keeps negative n right.
  const std::int64_t index = std::int64_t{static_cast<int>(from.year())} * 12 +
                             std::int64_t{static_cast<unsigned>(from.month())} - 1;
  std::int64_t target = 0;
  if (__builtin_add_overflow(index, n, &target) || target < std::int64_t{kMinYear} * 12 ||
      target > std::int64_t{kMaxYear} * 12 + 11) {
    throw_out_of_range(*this, n, n == 1 || n == -1 ? "month" : "months");
  }
  const date::year y{static_cast<int>(target / 12)}; // target >= 0 here
  const date::month m{static_cast<unsigned>(target % 12) + 1};
  const date::day last = date::year_month_day_last{y, date::month_day_last{m}}.day();
  return Date(date::year_month_day{y, m, std::min(from.day(), last)});
}

} // namespace stockpile
