#include <cstdlib>
#include <date/tz.h>
#include <doctest/doctest.h>
#include <optional>
#include <string>

#include "stockpile/clock.hpp"
#include "stockpile/error.hpp"

using namespace stockpile;

TEST_CASE("clock: UTC timestamps parse and format exactly") {
  const auto t = parse_utc_timestamp("2026-11-22T08:05:09Z", "STOCKPILE_NOW");
  CHECK(format_utc_timestamp(t) == "2026-11-22T08:05:09Z");
  CHECK(format_utc_timestamp(parse_utc_timestamp("2024-02-29T23:59:59Z", "t")) ==
        "2024-02-29T23:59:59Z");
  for (const char* bad : {"2026-11-22 08:00:00Z", "2026-11-22T08:00:00", "2026-02-30T08:00:00Z",
                          "2026-11-22T24:00:00Z", "2026-11-22T08:60:00Z", "", "now"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS((void)parse_utc_timestamp(bad, "STOCKPILE_NOW"), InvalidInput);
  }
}

TEST_CASE("clock: the local date follows the time zone") {
  // 2026-11-22T20:00:00Z is already the 23rd in Shanghai (UTC+8) but still the 22nd in UTC.
  const auto t = parse_utc_timestamp("2026-11-22T20:00:00Z", "t");
  CHECK(local_date(t, "Asia/Shanghai").to_string() == "2026-11-23");
  CHECK(local_date(t, "UTC").to_string() == "2026-11-22");
  CHECK(local_date(t, "America/New_York").to_string() == "2026-11-22");
  CHECK_THROWS_AS((void)local_date(t, "Mars/Olympus_Mons"), InvalidInput);
}

namespace {

// Sets TZ for one test and puts back what was there.
class ScopedTz {
public:
  explicit ScopedTz(const char* zone) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    ::setenv("TZ", zone, 1);
  }
  ~ScopedTz() {
    if (old_) ::setenv("TZ", old_->c_str(), 1);
    else ::unsetenv("TZ");
  }
  ScopedTz(const ScopedTz&) = delete;
  ScopedTz& operator=(const ScopedTz&) = delete;

private:
  std::optional<std::string> old_;
};

} // namespace

TEST_CASE("clock: the process's own zone ($TZ, read by the C library) agrees with the tz "
          "database") {
  // The zone in $TZ takes the C library's path, any other name the date library's: both must
  // give the same days, the same starts of day (DST gaps included) and the same local times.
  // Zones with summer time both ways, half-hour and 45-minute offsets, a negative DST
  // (Dublin), a day skipped (Apia, 2011-12-30) and a zone that dropped DST (Shanghai).
  using namespace std::chrono;
  // The years stop at 2037: past the last change a zone file lists, the C library follows the
  // file's rule for later years and the date library repeats the last offset.
  for (const std::string zone : {"Asia/Shanghai", "America/New_York", "Europe/London", "Europe/Dublin",
                           "Australia/Lord_Howe", "America/Sao_Paulo", "Pacific/Apia",
                           "Asia/Kathmandu", "America/St_Johns", "Pacific/Chatham"}) {
    CAPTURE(zone);
    const date::time_zone* reference = date::locate_zone(zone);
    const ScopedTz tz(zone.c_str());
    int checked = 0;
    // Every 50 minutes through 1986..1991 and 2010..2012, so the samples fall on every
    // ten-minute mark of the hour (Chatham and Kathmandu change at :45 and :15 offsets).
    for (const auto& [from, to] : {std::pair{"1986-01-01", "1992-01-01"},
                                  std::pair{"2010-01-01", "2013-01-01"}}) {
      const sys_seconds end{Date::parse(to).days().time_since_epoch()};
      for (sys_seconds t{Date::parse(from).days().time_since_epoch()}; t < end;
           t += minutes{50}) {
        const auto expected = reference->to_local(t);
        const Date day(date::sys_days{floor<date::days>(expected).time_since_epoch()});
        if (local_date(t, zone) != day || local_date(t) != day) {
          FAIL_CHECK("local_date differs at " << format_utc_timestamp(t));
          break;
        }
        ++checked;
      }
    }
    // Every day's start, 1980..2037.
    for (Date d = Date::parse("1980-01-01"); d < Date::parse("2038-01-01"); d = d.add_days(1)) {
      const date::local_seconds midnight{d.days().time_since_epoch()};
      const auto expected =
          time_point_cast<seconds>(reference->to_sys(midnight, date::choose::earliest));
      if (start_of_day(d, zone) != expected) {
        FAIL_CHECK("start_of_day differs on " << d.to_string());
        break;
      }
      ++checked;
    }
    // Local times in and around every change of offset in those years.
    for (auto info = reference->get_info(sys_seconds{Date::parse("1980-01-01").days()
                                                          .time_since_epoch()});
         info.end < sys_seconds{Date::parse("2038-01-01").days().time_since_epoch()};
         info = reference->get_info(info.end)) {
      const auto wall = (info.end + info.offset).time_since_epoch();
      for (minutes delta = -hours{2}; delta <= hours{2}; delta += minutes{15}) {
        const date::local_seconds l{wall + delta};
        const auto expected = time_point_cast<seconds>(reference->to_sys(l, date::choose::earliest));
        const auto text = format_utc_timestamp(sys_seconds{l.time_since_epoch()});
        const auto local_text = text.substr(0, 16); // "YYYY-MM-DDTHH:MM" read as local time
        if (parse_datetime(local_text, "t", zone) != expected) {
          FAIL_CHECK("parse_datetime differs at " << local_text);
          break;
        }
        const auto shown = reference->to_local(expected).time_since_epoch();
        if (format_datetime(expected, zone) !=
            format_utc_timestamp(sys_seconds{shown}).substr(0, 16)) {
          FAIL_CHECK("format_datetime differs at " << local_text);
          break;
        }
        ++checked;
      }
    }
    CHECK(checked > 90000);
  }
}

TEST_CASE("clock: a $TZ the system does not know is refused, not read as UTC") {
  const auto t = parse_utc_timestamp("2026-11-22T20:00:00Z", "t");
  const ScopedTz tz("Mars/Olympus_Mons");
  CHECK_THROWS_AS((void)local_date(t), InvalidInput);
  CHECK_THROWS_AS((void)local_date(t, "Mars/Olympus_Mons"), InvalidInput);
}
