// Fuzz targets (issue 9): one function per input format, taking one input and checking what
// must hold whatever the input is. The libFuzzer binaries (tests/fuzz/*_fuzz.cpp) and the
// normal suite (tests/fuzz_regression_test.cpp) call the same functions, so an input the
// fuzzer found is replayed in the suite by exactly the code that found it.
//
// What counts as a finding: a crash or sanitizer report, any exception that is not a
// stockpile::Error (std::out_of_range from a container, say), and a broken invariant, which
// throws Finding. A stockpile::Error is the library refusing the input, as documented; its
// message must still be one line (each row's line, for an ImportError).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

namespace stockpile::fuzz {

// An invariant did not hold. Deliberately not a stockpile::Error, so that no target can take
// it for a refusal.
class Finding : public std::logic_error {
public:
  using std::logic_error::logic_error;
};

enum class Outcome {
  Accepted, // the input parsed or imported
  Refused,  // the library threw a stockpile::Error with a proper message
};

// A quantity ("2.5"); with a space, two ("2.5 -3") whose sum and difference are checked too.
Outcome fuzz_quantity(std::string_view input);
// A date ("2024-02-29"); with a space, a day count ("2024-02-29 -365") added as days and as
// months.
Outcome fuzz_date(std::string_view input);
// A duration ("36m"); with a space, a date it is added to and subtracted from ("1m 2024-01-31").
Outcome fuzz_duration(std::string_view input);
// Any text through the CSV reader, the writer (round trip) and the header check.
Outcome fuzz_csv(std::string_view input);
// A material catalog CSV: parsed, and when it parses, imported into a ledger and read back.
Outcome fuzz_catalog(std::string_view input);
// A movement CSV imported as a dry run into a ledger with reference data and stock.
Outcome fuzz_movements(std::string_view input);
// A filled count sheet imported as a dry run into an open stocktake and a blind one.
Outcome fuzz_counts(std::string_view input);

// libFuzzer's bytes as text (the targets take any bytes, valid UTF-8 or not).
[[nodiscard]] inline std::string_view text(const std::uint8_t* data, std::size_t size) noexcept {
  return {reinterpret_cast<const char*>(data), size};
}

struct Target {
  std::string_view name; // also the folder of its corpus and regressions
  Outcome (*run)(std::string_view);
};

inline constexpr std::array<Target, 7> kTargets{{
    {"quantity", fuzz_quantity},
    {"date", fuzz_date},
    {"duration", fuzz_duration},
    {"csv", fuzz_csv},
    {"catalog", fuzz_catalog},
    {"movements", fuzz_movements},
    {"counts", fuzz_counts},
}};

} // namespace stockpile::fuzz
