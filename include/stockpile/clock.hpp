// Time: when a write is recorded (UTC) and which calendar day "today" is for the keeper
// (in the configured time zone), so that reports with --as-of are reproducible.
#pragma once

#include <chrono>
#include <string_view>

#include "stockpile/date.hpp"

namespace stockpile {

// Parses a UTC timestamp "2026-11-22T08:00:00Z"; throws InvalidInput(field, text, ...).
[[nodiscard]] std::chrono::sys_seconds parse_utc_timestamp(std::string_view text,
                                                           std::string_view field);

// Formats as "2026-11-22T08:00:00Z".
[[nodiscard]] std::string format_utc_timestamp(std::chrono::sys_seconds t);

// The calendar day at instant t in time zone `zone` (an IANA name such as Asia/Shanghai).
// An empty zone means $TZ if set, else the system's zone (/etc/localtime), else UTC.
// Throws InvalidInput("TZ", zone, ...) for a zone the system does not know.
[[nodiscard]] Date local_date(std::chrono::sys_seconds t, std::string_view zone = {});

// The instant a local calendar day starts in `zone` (empty: as for local_date).
[[nodiscard]] std::chrono::sys_seconds start_of_day(Date day, std::string_view zone = {});

// Parses a local date and time "2026-11-22T16:00" (or with seconds) in `zone`, or a UTC time
// ending in Z; throws InvalidInput(field, text, ...).
[[nodiscard]] std::chrono::sys_seconds parse_datetime(std::string_view text, std::string_view field,
                                                      std::string_view zone = {});

// Formats as local time "2026-11-22T16:00" in `zone`.
[[nodiscard]] std::string format_datetime(std::chrono::sys_seconds t, std::string_view zone = {});

} // namespace stockpile
