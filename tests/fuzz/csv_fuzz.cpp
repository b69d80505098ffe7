// libFuzzer entry point for the CSV reader and writer (parse_csv, csv_field, read_csv_table).
// The checks live in targets.cpp; see README.md.
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)stockpile::fuzz::fuzz_csv(stockpile::fuzz::text(data, size));
  return 0;
}
