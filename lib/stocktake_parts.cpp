#include "stocktake_parts.hpp"

#include <algorithm>

namespace stockpile::detail {

void for_each_review_part(const store::SqliteStore& store, const Stocktake& s,
                          std::size_t lots_per_part,
                          const std::function<void(const std::vector<Variance>&)>& each) {
  lots_per_part = std::max<std::size_t>(lots_per_part, 1);
  const auto lots = store.stocktake_line_lots(s.id).lot_ids; // ascending
  for (std::size_t from = 0; from < lots.size(); from += lots_per_part) {
    const store::SqliteStore::LotRange range{
        lots[from], lots[std::min(from + lots_per_part, lots.size()) - 1]};
    each(compute_variances(store.stocktake_lines(s.id, range), store.stocktake_counts(s.id, range),
                           store.movements_since(s.depot.str(), s.start_position, range)));
  }
}

} // namespace stockpile::detail
