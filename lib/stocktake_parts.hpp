// A stocktake's review read a range of lots at a time, for the close (盘点结账): one part's
// lines, counts and movements since the start in memory instead of the whole stocktake with
// its labels (1.4 GB at a million lines; lib/ledger_stocktake.cpp).
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "stockpile/stocktake.hpp"
#include "store/sqlite_store.hpp"

namespace stockpile::detail {

// Calls `each` with the variances of `lots_per_part` of the stocktake's lots at a time, parts
// in lot id order, each part's lines in sheet order. A part goes through compute_variances as
// the whole review does, and a line's variance depends only on its own lot's counts and
// movements, so the parts together are the whole review: the same lines, the same figures.
void for_each_review_part(const store::SqliteStore& store, const Stocktake& s,
                          std::size_t lots_per_part,
                          const std::function<void(const std::vector<Variance>&)>& each);

} // namespace stockpile::detail
