#include "stockpile/picking.hpp"

#include <algorithm>

namespace stockpile {

PickResult pick_first_expiry(std::vector<LotStock> lots, Quantity wanted, Date day) {
  PickResult result;
  std::vector<LotStock> usable;
  for (auto& l : lots) {
    if (!l.on_hand.is_positive()) continue;
    if (l.lot.usable_on(day)) {
      result.usable += l.on_hand;
      usable.push_back(std::move(l));
    } else {
      result.unusable += l.on_hand;
    }
  }
  if (result.short_of(wanted)) return result;
  std::sort(usable.begin(), usable.end(), [](const LotStock& a, const LotStock& b) {
    const auto& ea = a.lot.expiry;
    const auto& eb = b.lot.expiry;
    if (ea.has_value() != eb.has_value()) return ea.has_value(); // dated before undated
    if (ea && eb && *ea != *eb) return *ea < *eb;
    return a.lot.number.str() < b.lot.number.str();
  });
  Quantity left = wanted;
  for (auto& l : usable) {
    if (!left.is_positive()) break;
    const Quantity take = std::min(left, l.on_hand);
    result.picks.push_back(Pick{l.lot, take});
    left -= take;
  }
  return result;
}

} // namespace stockpile
