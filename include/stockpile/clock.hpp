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

} // namespace stockpile
