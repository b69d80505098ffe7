// The ledger file's schema and its forward-only migrations (internal). docs/schema.md
// documents the tables for users who query the file with sqlite3.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace stockpile::store {

struct Migration {
  int version;          // PRAGMA user_version after this migration
  std::string_view sql; // run inside one transaction with the version bump
};

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
