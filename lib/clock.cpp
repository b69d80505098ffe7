#include "stockpile/clock.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>
#include <optional>
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

// A time zone: the offset from UTC at an instant, and the instant a local time names.
//
// The process's own zone ($TZ, or /etc/localtime when TZ is unset: what every CLI command
// uses) goes through the C library, which reads that one zone file. The date library's
// database is only for another named zone: building it lists every file under
// /usr/share/zoneinfo, about 700 stat calls and 2-3 ms, more than a whole `issue` spends on
// its own work (issue 8's latency figure).
class Zone {
public:
  explicit Zone(std::string_view zone) {
    std::string name(zone);
    const char* env = std::getenv("TZ");
    std::string env_name = env && *env ? (*env == ':' ? env + 1 : env) : "";
    if (name.empty()) name = env_name;
    if (name == env_name && libc_reads(env_name)) return;
    try {
      tz_ = name.empty() ? date::current_zone() : date::locate_zone(name);
    } catch (const std::exception&) {
      if (!name.empty()) {
        throw InvalidInput("TZ", name,
                           "is not a time zone this system knows (e.g. Asia/Shanghai)");
      }
      tz_ = date::locate_zone("UTC");
    }
  }

  [[nodiscard]] std::chrono::seconds offset(std::chrono::sys_seconds t) const {
    if (tz_) return tz_->get_info(t).offset;
    const std::time_t c = t.time_since_epoch().count();
    std::tm tm{};
    if (!localtime_r(&c, &tm)) return std::chrono::seconds{0};
    return std::chrono::seconds{tm.tm_gmtoff};
  }

  [[nodiscard]] date::local_seconds to_local(std::chrono::sys_seconds t) const {
    return date::local_seconds{(t + offset(t)).time_since_epoch()};
  }

  // The instant local time `l` names; the earlier of two in a repeated hour, and the end of
  // the gap (the first instant that exists) for a time skipped by a change to summer time:
  // what date::choose::earliest gives.
  [[nodiscard]] std::chrono::sys_seconds to_sys(date::local_seconds l) const {
    if (tz_) {
      return std::chrono::time_point_cast<std::chrono::seconds>(
          tz_->to_sys(l, date::choose::earliest));
    }
    using std::chrono::sys_seconds;
    const auto wall = l.time_since_epoch();
    // The offsets in force a day either side; a zone changes its offset at most once in
    // that span (two changes within two days have never happened in the tz database).
    const auto before = offset(sys_seconds{wall - std::chrono::hours{48}});
    const auto after = offset(sys_seconds{wall + std::chrono::hours{48}});
    std::optional<sys_seconds> best;
    for (const auto o : {before, after}) {
      const sys_seconds t{wall - o};
      if (offset(t) == o && (!best || t < *best)) best = t;
    }
    if (best) return *best;
    // In a gap: the change happens between wall - after and wall - before; find its second.
    sys_seconds lo{wall - std::max(before, after)};
    sys_seconds hi{wall - std::min(before, after)};
    const auto first = offset(lo);
    while (hi - lo > std::chrono::seconds{1}) {
      const sys_seconds mid = lo + (hi - lo) / 2;
      (offset(mid) == first ? lo : hi) = mid;
    }
    return hi;
  }

private:
  // Whether the C library would read `name` as a zone file: a relative name without "..",
  // naming a TZif file under TZDIR. Anything else (a POSIX rule like "CST-8", an unknown
  // name) goes to the date library, which refuses what it does not know rather than
  // falling back to UTC as the C library does. "right/" zones count leap seconds, which the
  // ledger's times do not.
  static bool is_zone_file(const std::string& name) {
    if (name.front() == '/' || name.find("..") != std::string::npos ||
        name.starts_with("right/")) {
      return false;
    }
    const char* dir = std::getenv("TZDIR");
    const std::string path = fmt::format("{}/{}", dir && *dir ? dir : "/usr/share/zoneinfo", name);
    char magic[4] = {};
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return false;
    const bool tzif = std::fread(magic, 1, 4, f) == 4 && std::memcmp(magic, "TZif", 4) == 0;
    std::fclose(f);
    return tzif;
  }

  // Whether the C library reads $TZ (`env_name`) as that zone, with tzset() called for it:
  // localtime_r reads $TZ only once, so a program (or a test) that changes TZ afterwards
  // needs tzset() again. Remembered per value of TZ, so local_date in a loop opens no file.
  static bool libc_reads(const std::string& env_name) {
    static std::mutex m;
    static std::optional<std::string> checked;
    static bool usable = false;
    const std::lock_guard lock(m);
    if (checked != env_name) {
      usable = env_name.empty() || is_zone_file(env_name);
      if (usable) tzset();
      checked = env_name;
    }
    return usable;
  }

  const date::time_zone* tz_ = nullptr; // null: the C library's zone
};

} // namespace

Date local_date(std::chrono::sys_seconds t, std::string_view zone) {
  const auto local = Zone(zone).to_local(t);
  return Date(date::sys_days{std::chrono::floor<date::days>(local).time_since_epoch()});
}

std::chrono::sys_seconds start_of_day(Date day, std::string_view zone) {
  // A day that starts in a DST gap starts at the first valid instant.
  return Zone(zone).to_sys(date::local_seconds{day.days().time_since_epoch()});
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
  return Zone(zone).to_sys(local);
}

std::string format_datetime(std::chrono::sys_seconds t, std::string_view zone) {
  const auto local = Zone(zone).to_local(t);
  const auto day = std::chrono::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<std::chrono::seconds> time{local - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     time.hours().count(), time.minutes().count());
}

} // namespace stockpile
