// libFuzzer entry point for the movement import (Ledger::import_movements, as a dry run).
// The checks live in targets.cpp; see README.md.
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)stockpile::fuzz::fuzz_movements(stockpile::fuzz::text(data, size));
  return 0;
}
