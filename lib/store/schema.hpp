// The ledger file's schema and its forward-only migrations (internal). docs/schema.md
// documents the tables for users who query the file with sqlite3.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace SQLite {
class Database;
}

namespace stockpile::store {

struct Migration {
  int version;          // PRAGMA user_version after this migration
  std::string_view sql; // run inside one transaction with the version bump
  // Run first, with writable_schema: one UPDATE of sqlite_schema that changes the SQL text of
  // exactly `edited_objects` objects without changing what the rows must satisfy or how they
  // are stored. Empty: none.
  std::string_view schema_edit = {};
  int edited_objects = 1;
};

// Runs `m` on `db` inside the caller's transaction: the schema edit (defensive mode lifted for
// it alone, the schema version bumped so that every connection reads the schema again), then
// the SQL. Used for ledger files and for the in-memory schema they are compared with.
void run_migration(SQLite::Database& db, const Migration& m);

[[nodiscard]] std::span<const Migration> migrations() noexcept;

// The SHA-256 of the schema a ledger holds at `version` as this stockpile's migrations create
// it: every object's name, type, table and SQL (runs of whitespace made one space), in name
// order. Opening a ledger compares its schema's digest with this pinned value and reruns the
// migrations on :memory: to name what differs only when the two disagree. nullopt for a
// version with no pinned digest (then every open takes the slow path: correct, just slower).
[[nodiscard]] std::optional<std::string_view> pinned_schema_digest(int version) noexcept;

// The same digest computed now, by running the migrations up to `version` on :memory: (what
// the pinned values are checked against in tests/schema_digest_test.cpp).
[[nodiscard]] std::string expected_schema_digest(int version);

// The triggers that make tables append-only; verify checks they are all still there.
[[nodiscard]] std::span<const std::string_view> append_only_triggers() noexcept;

} // namespace stockpile::store
