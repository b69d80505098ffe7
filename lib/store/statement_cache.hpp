// Prepared statements kept for the life of a store (internal). An import checks every row
// against the ledger (material, depot, lot, balance) and posts it (movement, balance): for
// such one-row statements, preparing the SQL costs more than running it, so the hot ones are
// prepared once per store and reused (docs/PERFORMANCE.md has the figures).
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace stockpile::store {

// One use of a cached statement. When it goes out of scope the cursor is reset and the
// bindings cleared, so no statement keeps a read snapshot open between calls (a WAL reader
// that never ends would stop checkpoints) and the next use starts clean. A statement is used
// by one caller at a time: taking it again while in use is a programming error, caught here
// instead of silently restarting the outer caller's cursor.
class Reused {
public:
  struct Slot {
    SQLite::Statement statement;
    bool in_use = false;
  };
  explicit Reused(Slot& slot) : slot_(slot) {
    if (slot_.in_use) {
      throw std::logic_error("statement cache: " + slot_.statement.getQuery() +
                             " is already in use");
    }
    slot_.in_use = true;
  }
  ~Reused() {
    // tryReset, not sqlite3_reset: SQLiteCpp keeps "has a row" and "done" flags of its own.
    slot_.statement.tryReset();
    try {
      slot_.statement.clearBindings(); // sqlite3_clear_bindings: cannot fail on a live statement
    } catch (...) {
    }
    slot_.in_use = false;
  }
  Reused(const Reused&) = delete;
  Reused& operator=(const Reused&) = delete;

  SQLite::Statement& operator*() const noexcept { return slot_.statement; }
  SQLite::Statement* operator->() const noexcept { return &slot_.statement; }

private:
  Slot& slot_;
};

class StatementCache {
public:
  explicit StatementCache(SQLite::Database& db) : db_(db) {}

  // The statement for `sql`, prepared on first use. Only for fixed SQL text (bound
  // parameters, never values formatted in), so the cache stays as small as the code's set of
  // statements.
  [[nodiscard]] Reused get(const std::string& sql) {
    auto it = slots_.find(sql);
    if (it == slots_.end()) {
      it = slots_.emplace(sql, std::make_unique<Reused::Slot>(Reused::Slot{
                                   SQLite::Statement(db_, sql), false}))
               .first;
    }
    return Reused(*it->second);
  }

private:
  SQLite::Database& db_;
  std::unordered_map<std::string, std::unique_ptr<Reused::Slot>> slots_;
};

} // namespace stockpile::store
