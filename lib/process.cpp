// Process-wide settings: see stockpile/process.hpp.
#include "stockpile/process.hpp"

#include <sqlite3.h>

#include "small_blocks.hpp"

namespace stockpile {

bool turn_off_sqlite_memory_statistics() noexcept {
  // SQLITE_MISUSE once sqlite3_initialize() has run: the setting is read only there.
  return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
}

bool keep_sqlite_small_blocks() noexcept {
  sqlite3_mem_methods methods = detail::small_block_methods(); // SQLite keeps a copy
  return sqlite3_config(SQLITE_CONFIG_MALLOC, &methods) == SQLITE_OK;
}

} // namespace stockpile
