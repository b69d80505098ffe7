#include "stockpile/stock.hpp"

#include <algorithm>
#include <map>
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

std::vector<StockTotal> group_stock(const std::vector<StockLine>& lines, StockGrouping by) {
  // Key: (depot, tier, material, lot) with the parts the grouping folds away left empty.
  using Key = std::tuple<std::string, int, std::string, std::string>;
  std::map<Key, StockTotal> totals;
  for (const auto& l : lines) {
    const bool with_depot = by == StockGrouping::Depot || by == StockGrouping::Lot;
    const bool with_tier = by == StockGrouping::Tier;
    const bool with_lot = by == StockGrouping::Lot;
    Key key{with_depot ? l.depot.str() : std::string(),
            with_tier ? static_cast<int>(l.tier) : -1, l.material.str(),
            with_lot ? l.lot.number.str() : std::string()};
    auto it = totals.find(key);
    if (it == totals.end()) {
      StockTotal t{.depot = with_depot ? std::optional<DepotCode>(l.depot) : std::nullopt,
                   .tier = with_tier ? std::optional<Tier>(l.tier) : std::nullopt,
                   .material = l.material,
                   .name = l.name,
                   .unit = l.unit,
                   .lot = with_lot ? std::optional<Lot>(l.lot) : std::nullopt,
                   .quantity = Quantity()};
      it = totals.emplace(std::move(key), std::move(t)).first;
    }
    it->second.quantity += l.quantity;
  }
  std::vector<StockTotal> out;
  out.reserve(totals.size());
  for (auto& [key, total] : totals) out.push_back(std::move(total));
  return out;
}

} // namespace stockpile
