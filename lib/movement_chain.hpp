// The hash chain over movements (internal): hash = SHA-256(previous hash ‖ canonical encoding
// of the movement and its lot's label), and verify, which recomputes it and the balances.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "stockpile/commitment.hpp"
#include "stockpile/lot.hpp"
#include "stockpile/movement.hpp"
#include "stockpile/stock.hpp"
#include "store/sqlite_store.hpp"

namespace stockpile::detail {

// What the chain covers of one movement, as views. The writer's Movement and verify's stored
// row both become this, so that there is one encoding; verify hashes the stored text as it
// is, so a value edited in the file into another spelling shows too.
struct ChainFields {
  std::int64_t id = 0, operation = 0, quantity = 0; // quantity in thousandths
  std::string_view date, recorded_at, kind, depot, material, lot;
  std::optional<std::string_view> production, expiry; // the lot's label
  std::string_view actor, counterparty;
  std::optional<std::string_view> incident;
  std::string_view document, reason, note;
  std::optional<std::string_view> approver;
  std::string_view unusable_reason;
  std::optional<std::int64_t> reverses;
};
void append_canonical(std::string& out, const ChainFields& f);

[[nodiscard]] std::string canonical_movement(const Movement& m, const Lot& lot);
[[nodiscard]] std::string chain_hash(const std::string& prev_hash, const Movement& m,
                                     const Lot& lot);

// The chain over commitment calls and deliveries (lib/ledger_reserve.cpp).
[[nodiscard]] std::string entry_hash(const std::string& prev_hash, const CommitmentEntry& e);

// Throws IntegrityError at the first problem found.
[[nodiscard]] VerifyReport verify_chain(const store::SqliteStore& store,
                                        const std::optional<std::string>& expect_head);

} // namespace stockpile::detail
