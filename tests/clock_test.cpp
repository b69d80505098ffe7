#include <cstdlib>
#include <doctest/doctest.h>

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
