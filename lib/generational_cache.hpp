// GenerationalCache (internal): values kept by key in two generations of at most `capacity`
// entries each. When the newer generation is full it becomes the older one and the older one
// is forgotten; a value found in the older generation moves to the newer. What is used again
// within a generation's lifetime stays, at no more than twice the capacity, where forgetting
// everything at once when full dropped the values in use along with the rest (the import's
// lots: docs/PERFORMANCE.md).
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <utility>

namespace stockpile::detail {

template <class Value> class GenerationalCache {
public:
  explicit GenerationalCache(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // The value kept for `key`, or nullptr. Valid until the next call that adds or finds a
  // value (a generation may be forgotten then).
  [[nodiscard]] const Value* find(const std::string& key) {
    if (auto it = newer_.find(key); it != newer_.end()) return &it->second;
    auto it = older_.find(key);
    if (it == older_.end()) return nullptr;
    auto node = older_.extract(it);
    make_room();
    return &newer_.insert(std::move(node)).position->second;
  }

  // Keeps `value` for `key` (replacing what a generation held for it); returns it as kept.
  const Value& add(std::string key, Value value) {
    older_.erase(key);
    if (auto it = newer_.find(key); it != newer_.end()) {
      it->second = std::move(value);
      return it->second;
    }
    make_room();
    return newer_.emplace(std::move(key), std::move(value)).first->second;
  }

  [[nodiscard]] std::size_t size() const noexcept { return newer_.size() + older_.size(); }

private:
  void make_room() {
    if (newer_.size() < capacity_) return;
    older_ = std::move(newer_);
    newer_.clear(); // a moved-from map is valid but unspecified
  }

  std::size_t capacity_;
  std::unordered_map<std::string, Value> newer_, older_;
};

} // namespace stockpile::detail
