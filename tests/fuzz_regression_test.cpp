// Fuzz regressions (issue 9): every input a fuzzer ever found (tests/fuzz/regressions/TARGET/)
// and every seed (tests/fuzz/corpus/TARGET/) goes through the same target function and the
// same invariants as in the libFuzzer binaries, here in the normal suite (gcc, ASan, UBSan).
// A seed named ok-* must be accepted and one named bad-* refused, so the seeds also pin down
// what each parser and import takes.
#include <doctest/doctest.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/targets.hpp"
#include "stockpile/csv.hpp"

namespace fs = std::filesystem;
using stockpile::fuzz::Outcome;

namespace {

const fs::path kFuzzDir = fs::path(STOCKPILE_SOURCE_DIR) / "tests" / "fuzz";

std::vector<fs::path> inputs_in(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file()) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Runs every input in `dir` through the target; returns how many there were.
std::size_t replay(std::string_view target, const fs::path& dir) {
  const auto it = std::find_if(stockpile::fuzz::kTargets.begin(), stockpile::fuzz::kTargets.end(),
                               [&](const auto& t) { return t.name == target; });
  REQUIRE(it != stockpile::fuzz::kTargets.end());
  const auto files = inputs_in(dir);
  for (const auto& file : files) {
    const std::string name = file.filename().string();
    const std::string input = stockpile::read_file(file);
    try {
      const Outcome outcome = it->run(input);
      if (name.rfind("ok-", 0) == 0) {
        CHECK_MESSAGE(outcome == Outcome::Accepted, file.string() << " was refused");
      } else if (name.rfind("bad-", 0) == 0) {
        CHECK_MESSAGE(outcome == Outcome::Refused, file.string() << " was accepted");
      }
    } catch (const std::exception& e) {
      // A Finding (broken invariant) or an exception the library must never let out.
      FAIL_CHECK(file.string() << ": " << std::string(e.what()));
    }
  }
  return files.size();
}

void replay_all(std::string_view target) {
  // The seed corpus is never empty: an empty folder would make this test pass by doing nothing.
  CHECK(replay(target, kFuzzDir / "corpus" / target) >= 5);
  (void)replay(target, kFuzzDir / "regressions" / target);
}

} // namespace

TEST_CASE("fuzz regressions: quantity") { replay_all("quantity"); }
TEST_CASE("fuzz regressions: date") { replay_all("date"); }
TEST_CASE("fuzz regressions: duration") { replay_all("duration"); }
TEST_CASE("fuzz regressions: csv") { replay_all("csv"); }
TEST_CASE("fuzz regressions: catalog") { replay_all("catalog"); }
TEST_CASE("fuzz regressions: movements") { replay_all("movements"); }
TEST_CASE("fuzz regressions: counts") { replay_all("counts"); }
