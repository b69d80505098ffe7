#include "validate.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>

#include "stockpile/codes.hpp"
#include "stockpile/error.hpp"
#include "stockpile/movement.hpp"

namespace stockpile::detail {

void validate_text(std::string_view field, std::string_view value, std::size_t max_bytes,
                   bool required, Lines lines) {
  if (required && value.empty()) {
    throw InvalidInput(field, value, "must not be empty");
  }
  if (value.size() > max_bytes) {
    throw InvalidInput(field, value, fmt::format("is too long (at most {} bytes)", max_bytes));
  }
  if (!is_valid_utf8(value)) {
    throw InvalidInput(field, value, "is not valid UTF-8");
  }
  // Eight bytes at a time past words with no control byte (below 0x20, or DEL): the test for
  // "a byte below n" and "a byte equal to DEL" on a whole word, exact as to whether there is
  // one. A word with one, a tab or a line break included, is looked at byte by byte.
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  std::size_t from = 0;
  while (value.size() - from >= 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, value.data() + from, 8);
    const std::uint64_t del = w ^ (kOnes * 0x7f);
    if ((((w - kOnes * 0x20) & ~w) | ((del - kOnes) & ~del)) & kHigh) break;
    from += 8;
  }
  for (char c : value.substr(from)) {
    const auto u = static_cast<unsigned char>(c);
    const bool control = u < 0x20 || u == 0x7f;
    const bool allowed = c == '\t' || (lines == Lines::Multi && (c == '\n' || c == '\r'));
    if (control && !allowed) {
      throw InvalidInput(field, value,
                         lines == Lines::Multi ? "must not contain control characters"
                                               : "must be one line without control characters");
    }
  }
}

} // namespace stockpile::detail

namespace stockpile::detail {

void validate_phone(std::string_view field, std::string_view value) {
  validate_text(field, value, 32, false);
  const bool ok = std::all_of(value.begin(), value.end(), [](char ch) {
    return (ch >= '0' && ch <= '9') || ch == '+' || ch == '-' || ch == ' ' || ch == '(' ||
           ch == ')';
  });
  if (!ok) throw InvalidInput(field, value, "expected digits, spaces, '+', '-' or parentheses");
}

void validate_label(std::string_view field, std::string_view value, bool required) {
  validate_text(field, value, kLabelTextBytes, required, Lines::Single);
}

void validate_note(std::string_view field, std::string_view value, bool required) {
  validate_text(field, value, kNoteTextBytes, required, Lines::Multi);
}

void validate_paperwork(const Paperwork& paper, Naming naming) {
  const bool option = naming == Naming::Option;
  validate_label(option ? "--counterparty" : "counterparty", paper.counterparty);
  validate_label(option ? "--document" : "document", paper.document);
  validate_note(option ? "--note" : "note", paper.note);
  validate_label(option ? "--idempotency-key" : "idempotency_key", paper.idempotency_key);
}

} // namespace stockpile::detail
