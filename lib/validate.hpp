// Field rules shared by the reference-data types (internal).
#pragma once

#include <cstddef>
#include <string_view>

namespace stockpile::detail {

enum class Lines { Single, Multi };

// Free text: valid UTF-8, no control characters (tab, and with Lines::Multi also CR and LF,
// are allowed), at most max_bytes bytes; non-empty when required.
void validate_text(std::string_view field, std::string_view value, std::size_t max_bytes,
                   bool required, Lines lines = Lines::Single);

} // namespace stockpile::detail
