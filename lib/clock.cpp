#include "stockpile/clock.hpp"

#include <cstdlib>
#include <date/date.h>
#include <date/tz.h>
#include <fmt/format.h>

#include "stockpile/error.hpp"

namespace stockpile {

namespace {

bool two_digits(std::string_view s, std::size_t at, int max, int& out) {
  const char a = s[at];
  const char b = s[at + 1];
  if (a < '0' || a > '9' || b < '0' || b > '9') return false;
  out = (a - '0') * 10 + (b - '0');
  return out <= max;
}

} // namespace

std::chrono::sys_seconds parse_utc_timestamp(std::string_view text, std::string_view field) {
  // Written by hand rather than with date::parse, whose long double seconds trip GCC's
  // -Wmaybe-uninitialized in optimised builds.
  const auto fail = [&] {
    return InvalidInput(field, text, "expected a UTC time like 2026-11-22T08:00:00Z");
  };
  if (text.size() != 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text[19] != 'Z') {
    throw fail();
  }
  Date day = [&] {
    try {
      return Date::parse(text.substr(0, 10), field);
    } catch (const InvalidInput&) {
      throw fail();
    }
  }();
  int h = 0, m = 0, s = 0;
  if (!two_digits(text, 11, 23, h) || !two_digits(text, 14, 59, m) ||
      !two_digits(text, 17, 59, s)) {
    throw fail();
  }
  return std::chrono::sys_seconds{day.days().time_since_epoch()} + std::chrono::hours{h} +
         std::chrono::minutes{m} + std::chrono::seconds{s};
}

std::string format_utc_timestamp(std::chrono::sys_seconds t) {
  const auto day = std::chrono::floor<date::days>(t);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<std::chrono::seconds> time{t - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     time.hours().count(), time.minutes().count(), time.seconds().count());
}

namespace {

const date::time_zone* zone_of(std::string_view zone) {
  std::string name(zone);
  if (name.empty()) {
    // date::current_zone() reads /etc/localtime and ignores TZ; honour TZ ourselves.
    if (const char* tz = std::getenv("TZ"); tz && *tz) name = *tz == ':' ? tz + 1 : tz;
  }
  const date::time_zone* tz = nullptr;
  try {
    tz = name.empty() ? date::current_zone() : date::locate_zone(name);
  } catch (const std::exception&) {
    if (!name.empty()) {
      throw InvalidInput("TZ", name, "is not a time zone this system knows (e.g. Asia/Shanghai)");
    }
    tz = date::locate_zone("UTC");
  }
  return tz;
}

} // namespace

Date local_date(std::chrono::sys_seconds t, std::string_view zone) {
  const auto local = zone_of(zone)->to_local(t);
  return Date(date::sys_days{std::chrono::floor<date::days>(local).time_since_epoch()});
}

std::chrono::sys_seconds start_of_day(Date day, std::string_view zone) {
  const date::local_seconds local{day.days().time_since_epoch()};
  // A day that starts in a DST gap starts at the first valid instant.
  return std::chrono::time_point_cast<std::chrono::seconds>(
      zone_of(zone)->to_sys(local, date::choose::earliest));
}

std::chrono::sys_seconds parse_datetime(std::string_view text, std::string_view field,
                                        std::string_view zone) {
  if (!text.empty() && text.back() == 'Z') return parse_utc_timestamp(text, field);
  const auto fail = [&] {
    return InvalidInput(field, text, "expected a local time like 2026-11-22T16:00");
  };
  if ((text.size() != 16 && text.size() != 19) || (text[10] != 'T' && text[10] != ' ') ||
      text[13] != ':' || (text.size() == 19 && text[16] != ':')) {
    throw fail();
  }
  Date day = [&] {
    try {
      return Date::parse(text.substr(0, 10), field);
    } catch (const InvalidInput&) {
      throw fail();
    }
  }();
  int h = 0, m = 0, s = 0;
  if (!two_digits(text, 11, 23, h) || !two_digits(text, 14, 59, m) ||
      (text.size() == 19 && !two_digits(text, 17, 59, s))) {
    throw fail();
  }
  const date::local_seconds local{day.days().time_since_epoch() + std::chrono::hours{h} +
                                  std::chrono::minutes{m} + std::chrono::seconds{s}};
  return std::chrono::time_point_cast<std::chrono::seconds>(
      zone_of(zone)->to_sys(local, date::choose::earliest));
}

std::string format_datetime(std::chrono::sys_seconds t, std::string_view zone) {
  const auto local = zone_of(zone)->to_local(t);
  const auto day = std::chrono::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<std::chrono::seconds> time{local - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     time.hours().count(), time.minutes().count());
}

} // namespace stockpile
