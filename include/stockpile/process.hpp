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

// Gives SQLite an allocator that keeps small freed blocks for reuse. Debian's SQLite is built
// without its own cache of small blocks (its lookaside), so every statement run mallocs and
// frees a cursor for each table and index it opens: at 100,000 imported movements the allocator
// saves 2.9 % of the instructions (docs/PERFORMANCE.md). Process-wide: every SQLite connection
// of the process uses it, whoever opened it. Call it before the first ledger is opened.
// Returns false, and changes nothing, when SQLite was already initialised.
bool keep_sqlite_small_blocks() noexcept;

} // namespace stockpile
