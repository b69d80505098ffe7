// SmallBlocks: see small_blocks.hpp.
#include "small_blocks.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>

namespace stockpile::detail {

namespace {

constexpr std::size_t kGranule = 64;
constexpr std::size_t kLargest = 1024;
constexpr std::size_t kSizes = kLargest / kGranule;
constexpr std::size_t kKeep = 256;
// Before each block: its size, for xSize and to find its list. 16 bytes keep the block as
// aligned as malloc's (SQLite needs 8).
constexpr std::size_t kHeader = 16;

struct FreeBlock {
  FreeBlock* next;
};

// One thread's lists. Trivially destructible, so that its storage stays usable until the
// thread is gone: SQLite may still free a block after Drain ran (a connection closed by a
// static destructor), and that block then goes straight back to free().
struct Lists {
  std::array<FreeBlock*, kSizes> head;
  std::array<std::size_t, kSizes> count;
  bool armed;  // this thread's Drain is registered
  bool closed; // this thread's Drain ran
};
thread_local Lists t_lists{};

// Frees a thread's kept blocks when it ends (LeakSanitizer would name them otherwise).
struct Drain {
  bool armed = false;
  Drain() = default;
  Drain(const Drain&) = delete;
  Drain& operator=(const Drain&) = delete;
  ~Drain() {
    for (std::size_t i = 0; i < kSizes; ++i) {
      while (FreeBlock* f = t_lists.head[i]) {
        t_lists.head[i] = f->next;
        std::free(reinterpret_cast<char*>(f) - kHeader);
      }
      t_lists.count[i] = 0;
    }
    t_lists.closed = true;
  }
};
thread_local Drain t_drain;

std::size_t rounded(int n) noexcept {
  const auto bytes = static_cast<std::size_t>(n > 0 ? n : 1);
  if (bytes <= kLargest) return (bytes + kGranule - 1) / kGranule * kGranule;
  return (bytes + 7) / 8 * 8;
}

std::size_t size_of(const void* block) noexcept {
  std::size_t size = 0;
  std::memcpy(&size, static_cast<const char*>(block) - kHeader, sizeof size);
  return size;
}

void* block_malloc(int n) {
  const std::size_t size = rounded(n);
  if (size <= kLargest) {
    const std::size_t i = size / kGranule - 1;
    if (FreeBlock* f = t_lists.head[i]) {
      t_lists.head[i] = f->next;
      --t_lists.count[i];
      return f; // its header still holds its size
    }
  }
  auto* base = static_cast<char*>(std::malloc(size + kHeader));
  if (base == nullptr) return nullptr;
  std::memcpy(base, &size, sizeof size);
  return base + kHeader;
}

void block_free(void* p) {
  if (p == nullptr) return;
  const std::size_t size = size_of(p);
  if (size <= kLargest && !t_lists.closed) {
    if (!t_lists.armed) {
      t_drain.armed = true; // its first use in this thread registers its destructor
      t_lists.armed = true;
    }
    const std::size_t i = size / kGranule - 1;
    if (t_lists.count[i] < kKeep) {
      t_lists.head[i] = new (p) FreeBlock{t_lists.head[i]};
      ++t_lists.count[i];
      return;
    }
  }
  std::free(static_cast<char*>(p) - kHeader);
}

int block_size(void* p) { return p == nullptr ? 0 : static_cast<int>(size_of(p)); }

void* block_realloc(void* p, int n) {
  const std::size_t size = rounded(n);
  const std::size_t had = size_of(p);
  if (size == had) return p;
  void* q = block_malloc(n);
  if (q == nullptr) return nullptr; // p stays allocated, as realloc() leaves it
  std::memcpy(q, p, std::min(size, had));
  block_free(p);
  return q;
}

int block_roundup(int n) { return static_cast<int>(rounded(n)); }
int block_init(void*) { return SQLITE_OK; }
void block_shutdown(void*) {}

} // namespace

sqlite3_mem_methods small_block_methods() noexcept {
  return {block_malloc,  block_free, block_realloc,  block_size,
          block_roundup, block_init, block_shutdown, nullptr};
}

} // namespace stockpile::detail
