#include "stockpile/stock.hpp"

#include <algorithm>
#include <numeric>
#include <string_view>
#include <tuple>

#include "stockpile/error.hpp"

namespace stockpile {

StockGrouping parse_stock_grouping(std::string_view text, std::string_view field) {
  if (text == "depot") return StockGrouping::Depot;
  if (text == "material") return StockGrouping::Material;
  if (text == "lot") return StockGrouping::Lot;
  if (text == "tier") return StockGrouping::Tier;
  throw InvalidInput(field, text, "expected depot, material, lot or tier");
}

void StockGrouper::add(const StockLine& l) {
  const bool with_depot = by_ == StockGrouping::Depot || by_ == StockGrouping::Lot;
  const bool with_tier = by_ == StockGrouping::Tier;
  const bool with_lot = by_ == StockGrouping::Lot;
  // Lines come in (depot, material) order from the ledger: a line of the same total as the
  // line before needs no lookup.
  if (last_ < totals_.size()) {
    StockTotal& last = totals_[last_];
    if (last.material == l.material && (!with_depot || *last.depot == l.depot) &&
        (!with_tier || *last.tier == l.tier) && (!with_lot || last.lot->number == l.lot.number)) {
      last.quantity += l.quantity;
      return;
    }
  }
  // Depot, tier, material and lot joined by NUL, which none of them can hold.
  key_.assign(with_depot ? l.depot.str() : std::string_view());
  key_ += '\0';
  key_ += with_tier ? static_cast<char>('0' + static_cast<int>(l.tier)) : '-';
  key_ += '\0';
  key_ += l.material.str();
  key_ += '\0';
  if (with_lot) key_ += l.lot.number.str();
  const auto [it, added] = index_.try_emplace(key_, totals_.size());
  last_ = it->second;
  if (!added) {
    totals_[last_].quantity += l.quantity;
    return;
  }
  totals_.push_back(StockTotal{.depot = with_depot ? std::optional<DepotCode>(l.depot) : std::nullopt,
                               .tier = with_tier ? std::optional<Tier>(l.tier) : std::nullopt,
                               .material = l.material,
                               .name = l.name,
                               .unit = l.unit,
                               .lot = with_lot ? std::optional<Lot>(l.lot) : std::nullopt,
                               .quantity = l.quantity});
}

std::vector<StockTotal> StockGrouper::take() && {
  // The order a sorted map of (depot, tier, material, lot) keys gave, folded parts empty.
  const auto key = [](const StockTotal& t) {
    return std::make_tuple(t.depot ? std::string_view(t.depot->str()) : std::string_view(),
                           t.tier ? static_cast<int>(*t.tier) : -1,
                           std::string_view(t.material.str()),
                           t.lot ? std::string_view(t.lot->number.str()) : std::string_view());
  };
  const auto before = [&](const StockTotal& a, const StockTotal& b) { return key(a) < key(b); };
  index_.clear();
  // By depot the ledger's lines come in key order already; otherwise an order of indices is
  // sorted, not the totals: a total is some 300 bytes, and sorting 174k of them (by lot at 1M
  // movements) moved each a dozen times.
  if (std::is_sorted(totals_.begin(), totals_.end(), before)) return std::move(totals_);
  std::vector<std::size_t> order(totals_.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return before(totals_[a], totals_[b]); });
  std::vector<StockTotal> sorted;
  sorted.reserve(totals_.size());
  for (const std::size_t i : order) sorted.push_back(std::move(totals_[i]));
  totals_.clear();
  return sorted;
}

std::vector<StockTotal> group_stock(const std::vector<StockLine>& lines, StockGrouping by) {
  StockGrouper grouper(by);
  for (const auto& l : lines) grouper.add(l);
  return std::move(grouper).take();
}

} // namespace stockpile
