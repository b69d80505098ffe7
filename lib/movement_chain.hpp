// The hash chain over movements (internal): hash = SHA-256(previous hash ‖ canonical encoding
// of the movement and its lot's label), and verify, which recomputes it and the balances.
#pragma once

#include <optional>
#include <string>

#include "stockpile/commitment.hpp"
#include "stockpile/lot.hpp"
#include "stockpile/movement.hpp"
#include "stockpile/stock.hpp"
#include "store/sqlite_store.hpp"

namespace stockpile::detail {

[[nodiscard]] std::string canonical_movement(const Movement& m, const Lot& lot);
[[nodiscard]] std::string chain_hash(const std::string& prev_hash, const Movement& m,
                                     const Lot& lot);

// The chain over commitment calls and deliveries (lib/ledger_reserve.cpp).
[[nodiscard]] std::string entry_hash(const std::string& prev_hash, const CommitmentEntry& e);

// Throws IntegrityError at the first problem found.
[[nodiscard]] VerifyReport verify_chain(const store::SqliteStore& store,
                                        const std::optional<std::string>& expect_head);

} // namespace stockpile::detail
