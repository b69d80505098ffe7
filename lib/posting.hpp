// Posting (internal): how every write reaches the ledger. A planner turns a request into
// legs, reading the ledger as it stands; post() checks the idempotency key, runs the planner
// and writes the legs as hash-chained movements with their balances, in one transaction.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "balance_book.hpp"
#include "canonical.hpp"
#include "ledger_impl.hpp"
#include "stockpile/lot.hpp"
#include "stockpile/material.hpp"
#include "stockpile/movement.hpp"

namespace stockpile::detail {

// One line to post: the planner's output.
struct Leg {
  MovementKind kind;
  DepotCode depot;
  Lot lot; // created if new
  Quantity quantity; // signed
  std::string reason;
  std::optional<CustodianId> approver;
  std::string unusable_reason;
  std::optional<std::int64_t> reverses;
  // The lots table's id of `lot` when the planner already read it (then `lot` is that row's
  // label): post_legs skips the lookup. Unset: looked up, or created.
  std::optional<std::int64_t> lot_id = std::nullopt;
  // Without lot_id: the planner looked for `lot` in the ledger, found none, and no earlier leg
  // of the posting creates it, so post_legs inserts it without looking again (a new lot was
  // looked up twice: 139k reads that found nothing in a 1M-row import). Set wrongly, the
  // insert fails on the lots' unique key and the posting with it.
  bool new_lot = false;
};

struct Header {
  Date date;
  CustodianId actor;
  const Paperwork& paper;
};

[[nodiscard]] Material require_material(const Ledger::Impl& impl, const MaterialCode& code);
void require_depot(const Ledger::Impl& impl, const DepotCode& code);
void require_custodian(const Ledger::Impl& impl, const CustodianId& id, std::string_view field);

// The actor is a custodian and the date is not in the future.
void check_header(const Ledger::Impl& impl, const Header& h);

// What the depot can give of a lot on `day`: the current balance, or less when a later day's
// balance would otherwise go negative (a movement recorded late, dated in the past).
[[nodiscard]] Quantity available(const Ledger::Impl& impl, const DepotCode& depot, const Lot& lot,
                                 Date day);
// The same for a lot whose id the caller has read already; with a book, the balance as the
// book has it.
[[nodiscard]] Quantity available(const Ledger::Impl& impl, const DepotCode& depot,
                                 std::int64_t lot_id, Date day, BalanceBook* book = nullptr);

// Consumables are not returned: refused unless the material is recoverable.
void check_recoverable(const Material& m);
// A return of `wanted` of a lot (field names the quantity in the message): refused unless that
// much of the lot is still out: issued, less what came back already (reversed issues and
// returns do not count), across every depot.
void check_returnable(const Ledger::Impl& impl, const Material& m, const Lot& lot,
                      Quantity wanted, std::string_view field);
// The same against `out`, what is out of the lot as the caller has counted it (the import
// keeps it as it posts).
void check_returnable(const Material& m, const Lot& lot, Quantity out, Quantity wanted,
                      std::string_view field);

// The request fields every kind shares, for the idempotency digest.
[[nodiscard]] Canonical request_of(std::string_view kind, const Header& h);

// Opens the transaction, checks the idempotency key and the header, runs the planner inside
// the transaction and posts its legs under a new operation.
Posting post(Ledger::Impl& impl, std::string_view kind, const Canonical& request,
             const Header& h, const std::function<std::vector<Leg>()>& plan);

// Where the hash chain stands: the last movement's hash and the next movement's id.
struct ChainHead {
  std::string hash;
  std::int64_t next_id = 0;
};

// Writes legs inside the caller's transaction (no idempotency check, no header check). With a
// book, the balances are kept in it, and the caller flushes it before the transaction commits.
// With `head`, the chain's head is taken from it when it holds one (else read from the table)
// and left in it once every leg is written: a caller posting many operations in one
// transaction (the import) reads it once, not once per operation. A posting that fails
// leaves it empty (some legs may have been written), so the next one reads the table.
// With `lot_ids`, it receives each leg's lots-table id, in the order of the legs (a lot the
// posting created included), so that a caller keeping lots need not read them back.
std::vector<Movement> post_legs(Ledger::Impl& impl, std::int64_t operation, const Header& h,
                                const std::vector<Leg>& legs, BalanceBook* book = nullptr,
                                std::optional<ChainHead>* head = nullptr,
                                std::vector<std::int64_t>* lot_ids = nullptr);

} // namespace stockpile::detail
