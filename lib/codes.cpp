#include "stockpile/codes.hpp"

#include <array>
#include <cstdint>
#include <optional>

#include "stockpile/error.hpp"
#include "ascii_run.hpp"

namespace stockpile {

namespace {

constexpr std::size_t kMaxCodeBytes = 64;

// Decodes the UTF-8 sequence at text[pos], advancing pos past it; nullopt if it is not a
// well-formed sequence (Unicode 15, table 3-7).
std::optional<char32_t> decode(std::string_view text, std::size_t& pos) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char b0 = byte(pos);
  if (b0 < 0x80) {
    ++pos;
    return char32_t{b0};
  }
  std::size_t len = 0;
  char32_t cp = 0;
  unsigned char lo = 0x80; // bounds of the second byte, narrowed to exclude overlong forms,
  unsigned char hi = 0xBF; // surrogates and code points above U+10FFFF
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0Fu;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07u;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return std::nullopt; // continuation byte, C0/C1 (overlong 2-byte), F5..FF
  }
  if (text.size() - pos < len) return std::nullopt;
  for (std::size_t i = 1; i < len; ++i) {
    const unsigned char b = byte(pos + i);
    const unsigned char min = i == 1 ? lo : 0x80;
    const unsigned char max = i == 1 ? hi : 0xBF;
    if (b < min || b > max) return std::nullopt;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  pos += len;
  return cp;
}

// The ASCII characters a code may hold, as a table: an import checks a dozen codes a row.
constexpr std::array<bool, 128> kCodeAscii = [] {
  std::array<bool, 128> t{};
  for (char32_t c = 0; c < 128; ++c) {
    t[c] = (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') || (c >= U'0' && c <= U'9') ||
           c == U'-' || c == U'_' || c == U'.';
  }
  return t;
}();

bool is_code_ascii(char32_t c) noexcept { return c < 128 && kCodeAscii[c]; }

// Non-ASCII characters that are blank, invisible or control characters: two codes differing
// only by one of them would look identical on screen and on paper.
bool is_blank_or_invisible(char32_t c) noexcept {
  return (c >= 0x80 && c <= 0x9F) ||     // C1 controls
         c == 0xA0 || c == 0xAD ||       // no-break space, soft hyphen
         c == 0x1680 ||                  // ogham space mark
         (c >= 0x2000 && c <= 0x200F) || // spaces, zero-width characters, LRM/RLM
         (c >= 0x2028 && c <= 0x202F) || // line/paragraph separators, bidi embeddings, NNBSP
         (c >= 0x205F && c <= 0x206F) || // math space, word joiner, bidi isolates
         c == 0x3000 ||                  // ideographic space (全角空格)
         c == 0xFEFF ||                  // byte order mark / zero-width no-break space
         (c >= 0xFFF9 && c <= 0xFFFB);   // interlinear annotation controls
}

} // namespace

bool is_valid_utf8(std::string_view text) noexcept {
  std::size_t pos = 0;
  while ((pos = detail::ascii_run_end(text, pos)) < text.size()) {
    if (!decode(text, pos)) return false;
  }
  return true;
}

namespace detail {

std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) noexcept {
  if (pos >= text.size()) return 0;
  std::size_t end = pos;
  return decode(text, end) ? end - pos : 0;
}

void validate_code(std::string_view text, std::string_view field) {
  if (text.size() > kMaxCodeBytes) {
    throw InvalidInput(field, text,
                       "is too long (at most 64 bytes; a Chinese character takes 3)");
  }
  bool ok = !text.empty();
  // ASCII bytes are checked as bytes; decoding starts at the first byte that is not. Every
  // report validates each code it reads back (25k lines of the expiry window at 1M movements,
  // three codes each), and most codes are ASCII.
  std::size_t pos = 0;
  while (pos < text.size() && static_cast<unsigned char>(text[pos]) < 0x80) {
    if (!is_code_ascii(static_cast<unsigned char>(text[pos]))) {
      ok = false;
      break;
    }
    ++pos;
  }
  while (ok && pos < text.size()) {
    const auto c = decode(text, pos);
    ok = c && (*c < 0x80 ? is_code_ascii(*c) : !is_blank_or_invisible(*c));
  }
  if (!ok) {
    throw InvalidInput(field, text,
                       "expected 1-64 characters: letters, digits, '-', '_' or '.'");
  }
}

} // namespace detail

} // namespace stockpile
