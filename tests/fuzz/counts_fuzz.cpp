// libFuzzer entry point for the count sheet import (Ledger::import_counts, as a dry run).
// The checks live in targets.cpp; see README.md.
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)stockpile::fuzz::fuzz_counts(stockpile::fuzz::text(data, size));
  return 0;
}
