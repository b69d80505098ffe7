// Process-wide settings: see stockpile/process.hpp.
#include "stockpile/process.hpp"

#include <sqlite3.h>

namespace stockpile {

bool turn_off_sqlite_memory_statistics() noexcept {
  // SQLITE_MISUSE once sqlite3_initialize() has run: the setting is read only there.
  return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
}

} // namespace stockpile
