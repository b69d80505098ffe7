#include "validate.hpp"

#include <fmt/format.h>

#include "stockpile/codes.hpp"
#include "stockpile/error.hpp"

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
  for (char c : value) {
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
