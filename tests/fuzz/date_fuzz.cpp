// libFuzzer entry point for the date parser (Date::parse, add_days, add_months).
// The checks live in targets.cpp; see README.md.
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)stockpile::fuzz::fuzz_date(stockpile::fuzz::text(data, size));
  return 0;
}
