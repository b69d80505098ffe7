// BalanceBook (internal): the balances a bulk write moves, kept in memory and written once
// each when it ends or the book is full, inside the same transaction.
//
// An import of N movements used to write a balance row (and, through its triggers, a stock
// total) for every movement: at 1M rows of the bench stream 1,000,000 balance writes for
// 274,429 distinct balances. The book keeps the running balance of each one it touched; the
// checks read it from the book, and flush() writes each one set once, in key order. The book
// holds at most kCapacity balances (262,144, about 16 MiB): when full it is flushed and starts
// again, so that the balances do not grow an import's memory with the file. At 1M rows of the
// bench stream that makes 296,355 writes instead of 274,429; the import's peak RSS went from
// 72 to 88 MiB (2^17 balances: 79 MiB, 346,826 writes, and slower).
// The movements themselves are still inserted one by one, so queries over them (a movement
// dated in the past checked against later days) see every earlier row of the import.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "stockpile/quantity.hpp"
#include "store/sqlite_store.hpp"

namespace stockpile::detail {

class BalanceBook {
public:
  static constexpr std::size_t kCapacity = std::size_t{1} << 18;

  // `capacity`: how many balances it holds before it flushes itself (smaller in tests).
  explicit BalanceBook(store::SqliteStore& store, std::size_t capacity = kCapacity)
      : store_(store), capacity_(capacity) {}

  // The balance of the lot at the depot as it stands now (the book's, or read from the ledger
  // when the book does not hold it).
  [[nodiscard]] Quantity balance(const std::string& depot, std::int64_t lot_id);
  // Sets it, to be written by flush().
  void set(const std::string& depot, std::int64_t lot_id, Quantity quantity);
  // Writes every balance set since the last flush and empties the book. Must run in the
  // transaction that posted the movements, before it commits.
  void flush();
  [[nodiscard]] std::size_t size() const { return entries_.size(); }

private:
  struct Entry {
    Quantity quantity;   // as it stands
    bool exists = false; // a balances row is there
    bool set = false;    // set() since it was read
  };
  Entry& entry(const std::string& depot, std::int64_t lot_id);

  store::SqliteStore& store_;
  std::size_t capacity_;
  // Keyed by the depot's index in depots_ and the lot id, so that an entry costs tens of bytes
  // (a 1M-row import touches a quarter of a million balances), not a string each.
  struct Key {
    std::uint32_t depot;
    std::int64_t lot_id;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept {
      return std::hash<std::int64_t>{}(k.lot_id) * 31U + k.depot;
    }
  };
  std::unordered_map<std::string, std::uint32_t> depot_index_;
  std::vector<std::string> depots_;
  std::unordered_map<Key, Entry, KeyHash> entries_;
};

// The capacity an import's book is made with: kCapacity, unless a test lowers it to make an
// import flush its book partway through the file (ImportBookCapacity).
[[nodiscard]] std::size_t import_book_capacity() noexcept;

// Sets the import's book capacity for its own lifetime (tests only).
class ImportBookCapacity {
public:
  explicit ImportBookCapacity(std::size_t capacity);
  ~ImportBookCapacity();
  ImportBookCapacity(const ImportBookCapacity&) = delete;
  ImportBookCapacity& operator=(const ImportBookCapacity&) = delete;

private:
  std::size_t before_;
};

} // namespace stockpile::detail
