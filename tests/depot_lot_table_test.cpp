// The flat (depot, lot) table that verify sums movements into (lib/depot_lot_table.hpp). What
// verify relies on: every key keeps its own value through the table's growth, a key never
// added is not found, and for_each visits each key once.
#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <random>
#include <stdexcept>
#include <utility>

#include "depot_lot_table.hpp"

using stockpile::detail::DepotLotTable;

TEST_CASE("depot-lot table: values match a std::map through growth, with keys that collide") {
  DepotLotTable<std::int64_t> table; // starts at 16 slots: grows many times below
  std::map<std::pair<std::uint32_t, std::uint64_t>, std::int64_t> model;
  std::mt19937_64 rng(20261207);
  // Few depots and lots, so that most adds land on a key already there; the lot numbers reach
  // 2^32 - 1, the highest the table takes.
  const std::uint64_t lots[] = {0, 1, 2, 3, 17, 1'000'003, 0xFFFF'FFFEU, 0xFFFF'FFFFU};
  for (int i = 0; i < 20'000; ++i) {
    const auto depot = static_cast<std::uint32_t>(rng() % 300);
    const std::uint64_t lot = i % 3 == 0 ? lots[rng() % 8] : rng() % 5'000;
    const auto q = static_cast<std::int64_t>(rng() % 2'001) - 1'000;
    table[{depot, lot}] += q;
    model[{depot, lot}] += q;
  }
  REQUIRE(table.size() == model.size());
  for (const auto& [key, sum] : model) {
    const std::int64_t* found = table.find(key);
    REQUIRE(found != nullptr);
    CHECK(*found == sum);
  }
  std::size_t visited = 0;
  table.for_each([&](std::uint32_t depot, std::uint64_t lot, std::int64_t sum) {
    ++visited;
    const auto it = model.find({depot, lot});
    REQUIRE(it != model.end());
    CHECK(it->second == sum);
  });
  CHECK(visited == model.size());
  // Keys never added are not found, whether or not their slot's neighbours are taken.
  for (std::uint32_t depot = 0; depot < 310; ++depot) {
    for (const std::uint64_t lot : {std::uint64_t{5'000}, std::uint64_t{6'001}, lots[4], lots[6]}) {
      CHECK((table.find({depot, lot}) != nullptr) == (model.count({depot, lot}) == 1));
    }
  }
}

TEST_CASE("depot-lot table: a value set to zero stays a key; a key beyond 32 bits is refused") {
  DepotLotTable<std::int64_t> table(4);
  table[{7, 42}] = 5;
  table[{7, 42}] -= 5;
  REQUIRE(table.find({7, 42}) != nullptr);
  CHECK(*table.find({7, 42}) == 0);
  CHECK(table.find({42, 7}) == nullptr); // depot and lot are not interchangeable
  CHECK(table.size() == 1);
  const auto add = [&](std::uint32_t depot, std::uint64_t lot) { table[{depot, lot}] += 1; };
  CHECK_THROWS_AS(add(7, std::uint64_t{1} << 32), std::length_error);
  CHECK_THROWS_AS(add(0xFFFF'FFFFU, 1), std::length_error); // the empty slot's mark
  CHECK(table.size() == 1);
}
