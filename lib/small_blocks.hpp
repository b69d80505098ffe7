// SmallBlocks (internal): the allocator that keep_sqlite_small_blocks() (stockpile/process.hpp)
// gives SQLite. Debian builds SQLite with SQLITE_OMIT_LOOKASIDE, so every small allocation SQLite
// makes goes to malloc: each statement run allocates a cursor per table and index it opens and
// frees them again when it ends, twenty-odd malloc/free pairs for one movement inserted, and most
// of them miss glibc's per-thread cache (seven blocks of a size) and take its slow path.
//
// Blocks of up to 1,024 bytes are rounded up to a multiple of 64 and, once freed, kept on their
// size's list (at most 256 a size, a thread) for the next allocation of that size; larger ones
// go to malloc and free as they are. Each thread keeps its own lists, so no lock is taken
// (verify's threads run a connection each); a thread's lists are freed when it ends. A block
// freed by another thread than the one that allocated it joins that thread's lists: every block
// comes from malloc, so any thread can hand it out or free it.
#pragma once

#include <sqlite3.h>

namespace stockpile::detail {

// The methods for sqlite3_config(SQLITE_CONFIG_MALLOC, ...), which copies them.
[[nodiscard]] sqlite3_mem_methods small_block_methods() noexcept;

} // namespace stockpile::detail
