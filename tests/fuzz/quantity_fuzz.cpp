// libFuzzer entry point for the quantity parser (Quantity::parse, to_string, arithmetic).
// The checks live in targets.cpp; see README.md.
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)stockpile::fuzz::fuzz_quantity(stockpile::fuzz::text(data, size));
  return 0;
}
