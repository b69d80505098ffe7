// Opening a ledger checks its schema against a digest pinned per version (lib/store/schema.cpp)
// and reruns the migrations only to name what differs. The pinned digests must be exactly
// what the migrations create, or every open would take the slow path (or, worse, a pinned
// value that matched a foreign schema would let it through).
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <optional>
#include <string>
#include <string_view>

#include "store/schema.hpp"

using namespace stockpile::store;

TEST_CASE("schema digest: every version's pinned digest is what its migrations create") {
  for (const auto& m : migrations()) {
    CAPTURE(m.version);
    const std::string computed = expected_schema_digest(m.version);
    const auto pinned = pinned_schema_digest(m.version);
    INFO(fmt::format("add {{{}, \"{}\"}} to kDigests in lib/store/schema.cpp", m.version, computed));
    CHECK(pinned == std::optional<std::string_view>(computed));
  }
  // Different versions differ, so a file can never pass for another version.
  CHECK(expected_schema_digest(1) != expected_schema_digest(migrations().back().version));
  CHECK_FALSE(pinned_schema_digest(migrations().back().version + 1).has_value());
}
