// BalanceBook: see balance_book.hpp.
#include "balance_book.hpp"

#include <algorithm>
#include <atomic>
#include <tuple>

namespace stockpile::detail {

namespace {
std::atomic<std::size_t> import_capacity{BalanceBook::kCapacity};
} // namespace

std::size_t import_book_capacity() noexcept { return import_capacity.load(); }

ImportBookCapacity::ImportBookCapacity(std::size_t capacity)
    : before_(import_capacity.exchange(capacity)) {}
ImportBookCapacity::~ImportBookCapacity() { import_capacity.store(before_); }

BalanceBook::Entry& BalanceBook::entry(const std::string& depot, std::int64_t lot_id) {
  auto [at, added] = depot_index_.try_emplace(depot, static_cast<std::uint32_t>(depots_.size()));
  if (added) depots_.push_back(depot);
  auto it = entries_.find(Key{at->second, lot_id});
  if (it != entries_.end()) return it->second;
  if (entries_.size() >= capacity_) flush();
  const auto row = store_.balance_row(depot, lot_id);
  return entries_.emplace(Key{at->second, lot_id}, Entry{row.value_or(Quantity()), row.has_value()})
      .first->second;
}

Quantity BalanceBook::balance(const std::string& depot, std::int64_t lot_id) {
  return entry(depot, lot_id).quantity;
}

void BalanceBook::set(const std::string& depot, std::int64_t lot_id, Quantity quantity) {
  Entry& e = entry(depot, lot_id);
  e.quantity = quantity;
  e.set = true;
}

void BalanceBook::flush() {
  // In the balances table's key order (depot, lot id): the writes walk its pages once.
  using Item = std::unordered_map<Key, Entry, KeyHash>::value_type;
  std::vector<const Item*> due;
  due.reserve(entries_.size());
  for (const auto& item : entries_) {
    if (item.second.set) due.push_back(&item);
  }
  std::sort(due.begin(), due.end(), [this](const Item* a, const Item* b) {
    return std::tie(depots_[a->first.depot], a->first.lot_id) <
           std::tie(depots_[b->first.depot], b->first.lot_id);
  });
  // Emptied however the writes end: a write that fails fails the whole import, and a book
  // that kept its entries would write them again at the next flush.
  struct Clear {
    std::unordered_map<Key, Entry, KeyHash>& entries;
    ~Clear() { entries.clear(); }
  } clear{entries_};
  for (const Item* item : due) {
    const auto& [key, e] = *item;
    const std::string& depot = depots_[key.depot];
    store_.set_balance(depot, key.lot_id, e.quantity, e.exists);
    if (!e.exists && e.quantity.is_zero()) {
      // A lot first held and emptied within the import: posted one by one it was inserted,
      // then updated to zero, and that update's trigger removed the zero stock total the
      // insert's had left. Written at once, the same update does the same.
      store_.set_balance(depot, key.lot_id, e.quantity, true);
    }
  }
}

} // namespace stockpile::detail
