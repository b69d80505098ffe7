#include "stockpile/stock.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
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
  add(l.depot, l.tier, l.material, l.name, l.unit, &l.lot, l.quantity);
}

void StockGrouper::add(const StockTotal& t) {
  if (!t.depot || !t.tier || by_ == StockGrouping::Lot) {
    throw std::logic_error("StockGrouper: a depot total needs its depot and tier, and has no lot");
  }
  add(*t.depot, *t.tier, t.material, t.name, t.unit, nullptr, t.quantity);
}

void StockGrouper::add(const DepotCode& depot, Tier tier, const MaterialCode& material,
                       const std::string& name, const std::string& unit, const Lot* lot,
                       Quantity quantity) {
  const bool with_depot = by_ == StockGrouping::Depot || by_ == StockGrouping::Lot;
  const bool with_tier = by_ == StockGrouping::Tier;
  const bool with_lot = by_ == StockGrouping::Lot;
  // Lines come in (depot, material) order from the ledger: a line of the same total as the
  // line before needs no lookup.
  if (last_ < totals_.size()) {
    StockTotal& last = totals_[last_];
    if (last.material == material && (!with_depot || *last.depot == depot) &&
        (!with_tier || *last.tier == tier) && (!with_lot || last.lot->number == lot->number)) {
      last.quantity += quantity;
      return;
    }
  }
  // While the lines come in the totals' own order, a line that sorts after the last total
  // starts a new one: no lookup (stock by depot from the ledger's totals, 24k–120k of them).
  // Past the first line out of order, every total is found by its key.
  const auto key_of = [&](std::string_view d, Tier t, std::string_view m, std::string_view l) {
    return std::make_tuple(with_depot ? d : std::string_view(),
                           with_tier ? static_cast<int>(t) : -1, m,
                           with_lot ? l : std::string_view());
  };
  if (in_order_ && !totals_.empty()) {
    const StockTotal& back = totals_.back();
    in_order_ = key_of(back.depot ? std::string_view(back.depot->str()) : std::string_view(),
                       back.tier.value_or(Tier::Physical), back.material.str(),
                       back.lot ? std::string_view(back.lot->number.str()) : std::string_view()) <
                key_of(depot.str(), tier, material.str(),
                       lot ? std::string_view(lot->number.str()) : std::string_view());
    if (!in_order_) {
      for (std::size_t i = 0; i < totals_.size(); ++i) index_.emplace(key_text(totals_[i]), i);
    }
  }
  if (!in_order_) {
    // Depot, tier, material and lot joined by NUL, which none of them can hold.
    key_text(key_, with_depot ? depot.str() : std::string_view(), with_tier, tier,
             material.str(), with_lot ? lot->number.str() : std::string_view());
    const auto [it, added] = index_.try_emplace(key_, totals_.size());
    if (!added) {
      last_ = it->second;
      totals_[last_].quantity += quantity;
      return;
    }
  }
  last_ = totals_.size();
  totals_.push_back(StockTotal{.depot = with_depot ? std::optional<DepotCode>(depot) : std::nullopt,
                               .tier = with_tier ? std::optional<Tier>(tier) : std::nullopt,
                               .material = material,
                               .name = name,
                               .unit = unit,
                               .lot = with_lot ? std::optional<Lot>(*lot) : std::nullopt,
                               .quantity = quantity});
}

void StockGrouper::key_text(std::string& out, std::string_view depot, bool with_tier, Tier tier,
                            std::string_view material, std::string_view lot) {
  out.assign(depot);
  out += '\0';
  out += with_tier ? static_cast<char>('0' + static_cast<int>(tier)) : '-';
  out += '\0';
  out += material;
  out += '\0';
  out += lot;
}

std::string StockGrouper::key_text(const StockTotal& t) {
  std::string key;
  key_text(key, t.depot ? std::string_view(t.depot->str()) : std::string_view(), t.tier.has_value(),
           t.tier.value_or(Tier::Physical), t.material.str(),
           t.lot ? std::string_view(t.lot->number.str()) : std::string_view());
  return key;
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
