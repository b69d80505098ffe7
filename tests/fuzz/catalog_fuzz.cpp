// libFuzzer entry point for the material catalog import (parse_material_csv and
// Ledger::import_materials).
// The checks live in targets.cpp; see README.md.
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)stockpile::fuzz::fuzz_catalog(stockpile::fuzz::text(data, size));
  return 0;
}
