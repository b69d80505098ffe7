// ascii_run (internal): where a run of ASCII bytes ends, eight bytes at a time.
//
// The UTF-8 checks (the CSV reader's on every record, validate_text on every text field) walked
// their input a byte at a time; an import checks every byte of its file twice that way. Codes,
// dates and numbers are ASCII, so most of the walk is skipping ASCII.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace stockpile::detail {

// The offset of the first byte at or after `from` that is not ASCII (its high bit set), or
// text.size().
[[nodiscard]] inline std::size_t ascii_run_end(std::string_view text, std::size_t from) noexcept {
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  std::size_t i = from;
  while (text.size() - i >= 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + i, 8);
    if ((word & kHighBits) != 0) break;
    i += 8;
  }
  while (i < text.size() && static_cast<unsigned char>(text[i]) < 0x80) ++i;
  return i;
}

} // namespace stockpile::detail
