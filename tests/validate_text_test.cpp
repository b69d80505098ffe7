// Free text (names, notes, paperwork) as every write checks it (lib/validate.hpp): valid UTF-8
// and no control characters, a tab allowed, and line breaks only where a note allows them.
#include <doctest/doctest.h>

#include <string>

#include "stockpile/error.hpp"
#include "validate.hpp"

using stockpile::InvalidInput;
using stockpile::detail::Lines;
using stockpile::detail::validate_text;

namespace {

// The message validate_text refuses `value` with, or "" when it accepts it.
std::string refusal(const std::string& value, Lines lines) {
  try {
    validate_text("note", value, 1000, false, lines);
    return "";
  } catch (const InvalidInput& e) {
    return e.what();
  }
}

} // namespace

TEST_CASE("validate_text: a control character anywhere is refused, a tab is not") {
  // Words of eight bytes with none are skipped whole: each character is put at every offset
  // from them, after ASCII and after Chinese text.
  for (std::size_t k = 0; k < 20; ++k) {
    CAPTURE(k);
    for (const std::string& before : {std::string(k, 'a'), std::string(k / 3 + 1, 'a') + "棉衣帐篷"}) {
      CAPTURE(before);
      const std::string after = "第" + std::string(k, 'b');
      CHECK(refusal(before + after, Lines::Single).empty());
      CHECK(refusal(before + "\t" + after, Lines::Single).empty());
      for (const char c : {'\x01', '\x1f', '\x7f', '\x1b', '\0'}) {
        CAPTURE(static_cast<int>(c));
        const std::string value = before + std::string(1, c) + after;
        CHECK(refusal(value, Lines::Single).find("must be one line without control characters") !=
              std::string::npos);
        CHECK(refusal(value, Lines::Multi).find("must not contain control characters") !=
              std::string::npos);
      }
      const std::string broken = before + "\n" + after;
      CHECK(refusal(broken, Lines::Single).find("must be one line") != std::string::npos);
      CHECK(refusal(broken, Lines::Multi).empty());
      CHECK(refusal(before + "\r\n" + after, Lines::Multi).empty());
    }
  }
  // The bytes next to the limits are text: a space (0x20) and a tilde (0x7e).
  CHECK(refusal("          \x20\x7e ~ ~ ~ ~", Lines::Single).empty());
}
