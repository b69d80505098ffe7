// Picking lots for an issue or a transfer: first expiry first out (先进先出、出陈存新). Pure
// functions of a snapshot, so the choice is testable without a ledger and the same every time.
#pragma once

#include <vector>

#include "stockpile/date.hpp"
#include "stockpile/lot.hpp"
#include "stockpile/quantity.hpp"

namespace stockpile {

struct LotStock {
  Lot lot;
  Quantity on_hand;
};

struct Pick {
  Lot lot;
  Quantity quantity; // positive: how much leaves this lot
};

struct PickResult {
  std::vector<Pick> picks;   // in picking order; empty if short
  Quantity usable;           // what usable lots hold in all
  Quantity unusable;         // held by lots that are expired on `day` or not available
  [[nodiscard]] bool short_of(Quantity wanted) const { return usable < wanted; }
};

// Takes `wanted` from the usable lots (not expired on `day`, status available), earliest expiry
// first, undated lots last, ties by lot number; splits across lots when one is not enough.
// When the usable lots hold less than `wanted`, picks is empty.
[[nodiscard]] PickResult pick_first_expiry(std::vector<LotStock> lots, Quantity wanted, Date day);

} // namespace stockpile
