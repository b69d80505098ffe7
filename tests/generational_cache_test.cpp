// The import's lot cache (lib/generational_cache.hpp): at most two generations of `capacity`
// values; what is found in the older generation moves to the newer and so outlives the next
// turn; nothing is ever answered for a key with another key's value.
#include <doctest/doctest.h>

#include <string>

#include "generational_cache.hpp"

using stockpile::detail::GenerationalCache;

TEST_CASE("generational cache: a value found again outlives the turn of generations") {
  GenerationalCache<int> cache(2);
  CHECK(cache.find("a") == nullptr);
  CHECK(cache.add("a", 1) == 1);
  CHECK(cache.add("b", 2) == 2);
  // The newer generation is full: "c" starts a new one, "a" and "b" are the older.
  CHECK(cache.add("c", 3) == 3);
  CHECK(cache.size() == 3);
  // Found in the older generation: moved to the newer (which then holds c and a).
  REQUIRE(cache.find("a") != nullptr);
  CHECK(*cache.find("a") == 1);
  // Full again: "d" turns the generations; "b", never used again, is forgotten with the
  // older; "a" and "c" stay.
  CHECK(cache.add("d", 4) == 4);
  CHECK(cache.find("b") == nullptr);
  REQUIRE(cache.find("a") != nullptr);
  CHECK(*cache.find("a") == 1);
  REQUIRE(cache.find("c") != nullptr);
  CHECK(*cache.find("c") == 3);
  REQUIRE(cache.find("d") != nullptr);
  CHECK(*cache.find("d") == 4);
}

TEST_CASE("generational cache: bounded at twice the capacity, each key its own value") {
  GenerationalCache<std::string> cache(100);
  for (int i = 0; i < 1000; ++i) {
    const auto key = "lot-" + std::to_string(i);
    CHECK(cache.find(key) == nullptr);
    CHECK(cache.add(key, "value of " + key) == "value of " + key);
    CHECK(cache.size() <= 200);
    // Every tenth key asked for again later, as the import asks for the lots it issues from.
    if (i >= 50 && i % 10 == 0) {
      const auto earlier = "lot-" + std::to_string(i - 50);
      const std::string* kept = cache.find(earlier);
      if (kept) CHECK(*kept == "value of " + earlier);
    }
  }
  // The last hundred are all there.
  for (int i = 900; i < 1000; ++i) {
    const auto key = "lot-" + std::to_string(i);
    REQUIRE(cache.find(key) != nullptr);
    CHECK(*cache.find(key) == "value of " + key);
  }
  // Adding a key a generation holds replaces its value.
  cache.add("lot-999", "changed");
  CHECK(*cache.find("lot-999") == "changed");
}

TEST_CASE("generational cache: a capacity of zero keeps one value") {
  GenerationalCache<int> cache(0);
  cache.add("a", 1);
  REQUIRE(cache.find("a") != nullptr);
  CHECK(*cache.find("a") == 1);
}
