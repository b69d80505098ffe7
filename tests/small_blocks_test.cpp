// The allocator keep_sqlite_small_blocks() gives SQLite (lib/small_blocks.hpp), called the way
// SQLite calls it. The stockpile command runs every golden CLI test through it as well.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

#include "small_blocks.hpp"
#include "stockpile/ledger.hpp"
#include "stockpile/process.hpp"
#include "support/temp_ledger.hpp"

using stockpile::detail::small_block_methods;

TEST_CASE("small blocks: sizes are rounded as SQLite is told") {
  const auto m = small_block_methods();
  CHECK(m.xRoundup(1) == 64);
  CHECK(m.xRoundup(64) == 64);
  CHECK(m.xRoundup(65) == 128);
  CHECK(m.xRoundup(1024) == 1024);
  CHECK(m.xRoundup(1025) == 1032);
  CHECK(m.xRoundup(4096) == 4096);
  for (const int n : {1, 63, 64, 100, 1000, 1024, 1025, 5000}) {
    CAPTURE(n);
    void* p = m.xMalloc(n);
    REQUIRE(p != nullptr);
    CHECK(m.xSize(p) == m.xRoundup(n));
    CHECK(reinterpret_cast<std::uintptr_t>(p) % 16 == 0);
    std::memset(p, 0xab, static_cast<std::size_t>(m.xSize(p))); // all of it is usable
    m.xFree(p);
  }
  CHECK(m.xSize(nullptr) == 0);
  m.xFree(nullptr);
}

TEST_CASE("small blocks: a freed small block is handed out again for its size") {
  const auto m = small_block_methods();
  void* a = m.xMalloc(300);
  void* b = m.xMalloc(300);
  m.xFree(a);
  m.xFree(b);
  // Last in, first out, for any request that rounds to the same 320 bytes.
  void* c = m.xMalloc(260);
  void* d = m.xMalloc(320);
  CHECK(c == b);
  CHECK(d == a);
  m.xFree(c);
  m.xFree(d);
  // Another size does not take them.
  void* other = m.xMalloc(100);
  CHECK(other != c);
  CHECK(other != d);
  m.xFree(other);
}

TEST_CASE("small blocks: realloc keeps the contents, in place within the same size") {
  const auto m = small_block_methods();
  auto* p = static_cast<unsigned char*>(m.xMalloc(40));
  for (int i = 0; i < 40; ++i) p[i] = static_cast<unsigned char>(i);
  CHECK(m.xRealloc(p, 60) == p); // both round to 64
  auto* q = static_cast<unsigned char*>(m.xRealloc(p, 3000));
  REQUIRE(q != nullptr);
  CHECK(m.xSize(q) == 3000);
  bool same = true;
  for (int i = 0; i < 40; ++i) same = same && q[i] == static_cast<unsigned char>(i);
  CHECK(same);
  auto* r = static_cast<unsigned char*>(m.xRealloc(q, 10));
  CHECK(m.xSize(r) == 64);
  same = true;
  for (int i = 0; i < 10; ++i) same = same && r[i] == static_cast<unsigned char>(i);
  CHECK(same);
  m.xFree(r);
}

TEST_CASE("small blocks: threads keep their own blocks and free them when they end") {
  // Each thread fills and empties its lists, frees blocks another thread allocated, and ends:
  // what it kept is freed then (LeakSanitizer fails the test binary otherwise), and the blocks
  // live at one time are distinct.
  const auto m = small_block_methods();
  std::vector<void*> handed(1000);
  std::thread first([&] {
    for (auto& p : handed) p = m.xMalloc(200);
  });
  first.join();
  std::atomic<int> handed_twice{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = static_cast<std::size_t>(t); i < handed.size(); i += 2) {
        m.xFree(handed[i]);
      }
      std::vector<void*> live;
      for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < 400; ++i) live.push_back(m.xMalloc(100 + 300 * (i % 3)));
        const std::set<void*> distinct(live.begin(), live.end());
        if (distinct.size() != live.size()) ++handed_twice;
        for (void* p : live) m.xFree(p);
        live.clear();
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(handed_twice == 0);
}

TEST_CASE("small blocks: given to SQLite only before it starts") {
  // The command installs it first thing; a program that has opened a ledger is told it came too
  // late, and its ledgers work as before.
  stockpile::testing::TempDir dir;
  auto ledger = stockpile::Ledger::create(dir.path() / "a.db");
  CHECK_FALSE(stockpile::keep_sqlite_small_blocks());
  CHECK(ledger.verify().movements == 0);
}
