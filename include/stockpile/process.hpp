// Process-wide settings for a program that reaches SQLite through stockpile alone, such as
// the stockpile command. A library linked into a larger program leaves them to that program.
#pragma once

namespace stockpile {

// Turns SQLite's memory statistics off for the whole process. SQLite counts every allocation
// under a global mutex for sqlite3_memory_used() and its heap limits; a program that reads
// neither pays for nothing: at 10,000 imported movements the counting was 7.7 % of the
// instructions (176M of 2,275M, callgrind; docs/PERFORMANCE.md).
// Call it before the first ledger is opened. Returns false, and changes nothing, when SQLite
// was already initialised.
bool turn_off_sqlite_memory_statistics() noexcept;

} // namespace stockpile
