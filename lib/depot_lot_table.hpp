// DepotLotTable (internal): a value per (depot, lot), both as small integers, in one flat
// array with open addressing.
//
// verify sums every movement into its (depot, lot): a million lookups, spread over the whole
// table. std::unordered_map costs a node allocation per key and a pointer chase per lookup;
// here a lookup is one multiply and, nearly always, one cache line. Keys are the depot's index
// (below 2^32 - 1) and the lot's index or id (below 2^32), packed into 64 bits.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

namespace stockpile::detail {

template <typename V> class DepotLotTable {
public:
  // `expected`: how many keys it will probably hold (it grows past that as needed).
  explicit DepotLotTable(std::size_t expected = 0) { rehash(capacity_for(expected)); }

  // The value for (depot, lot), made with V{} when it is not there yet.
  V& operator[](std::pair<std::uint32_t, std::uint64_t> key) {
    const std::uint64_t k = pack(key);
    if ((size_ + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
    Slot* s = probe(k);
    if (s->key == kEmpty) {
      s->key = k;
      ++size_;
    }
    return s->value;
  }
  // nullptr when (depot, lot) is not there.
  [[nodiscard]] V* find(std::pair<std::uint32_t, std::uint64_t> key) {
    Slot* s = probe(pack(key));
    return s->key == kEmpty ? nullptr : &s->value;
  }
  // fn(depot, lot, value) for every key, in no particular order.
  template <typename Fn> void for_each(Fn&& fn) const {
    for (const Slot& s : slots_) {
      if (s.key != kEmpty) {
        fn(static_cast<std::uint32_t>(s.key & 0xFFFF'FFFFU), s.key >> 32, s.value);
      }
    }
  }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }

private:
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0}; // depot 2^32 - 1: never a key
  struct Slot {
    std::uint64_t key = kEmpty;
    V value{};
  };

  static std::uint64_t pack(std::pair<std::uint32_t, std::uint64_t> key) {
    if (key.first == 0xFFFF'FFFFU || key.second > 0xFFFF'FFFFU) {
      throw std::length_error(
          "DepotLotTable: a depot number of 2^32 - 1, or a lot number beyond it");
    }
    return (key.second << 32) | key.first;
  }
  static std::size_t capacity_for(std::size_t keys) {
    std::size_t c = 16;
    while (c < keys * 2) c *= 2;
    return c;
  }
  // The slot that holds k, or the empty one where it would go. The table is never more than
  // half full, so the probe always ends.
  Slot* probe(std::uint64_t k) {
    // Fibonacci hashing: the high bits of k × 2^64/φ, spread over the table.
    std::size_t i = static_cast<std::size_t>((k * 0x9E37'79B9'7F4A'7C15U) >> shift_);
    for (;;) {
      Slot& s = slots_[i];
      if (s.key == k || s.key == kEmpty) return &s;
      i = (i + 1) & (slots_.size() - 1);
    }
  }
  void rehash(std::size_t capacity) {
    std::vector<Slot> old(capacity);
    old.swap(slots_);
    shift_ = 64;
    for (std::size_t c = capacity; c > 1; c /= 2) --shift_;
    for (Slot& s : old) {
      if (s.key != kEmpty) *probe(s.key) = std::move(s);
    }
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
  unsigned shift_ = 64;
};

} // namespace stockpile::detail
