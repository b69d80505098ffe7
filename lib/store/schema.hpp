// The ledger file's schema and its forward-only migrations (internal). docs/schema.md
// documents the tables for users who query the file with sqlite3.
#pragma once

#include <span>
#include <string_view>

namespace stockpile::store {

struct Migration {
  int version;          // PRAGMA user_version after this migration
  std::string_view sql; // run inside one transaction with the version bump
};

[[nodiscard]] std::span<const Migration> migrations() noexcept;

// The triggers that make tables append-only; verify checks they are all still there.
[[nodiscard]] std::span<const std::string_view> append_only_triggers() noexcept;

} // namespace stockpile::store
