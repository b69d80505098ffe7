// libFuzzer entry point for the duration parser (Duration::parse, add_to, subtract_from).
// The checks live in targets.cpp; see README.md.
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)stockpile::fuzz::fuzz_duration(stockpile::fuzz::text(data, size));
  return 0;
}
