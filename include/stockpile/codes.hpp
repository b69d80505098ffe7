// Codes (编码): the short identifiers keepers type and print — a material (MAT-COAT-01 or 棉衣),
// a depot, an organisation, a custodian, a lot number (批号), an incident, a commitment. Each
// kind is its own type, so a depot code cannot be passed where a material code is expected.
// A code is 1 to 64 bytes of ASCII letters, digits, '-', '_', '.', or non-ASCII letters such
// as Chinese characters; never spaces, separators (/ : ,) or control characters, so it is safe
// in a CSV cell, a file name and a command line. Codes are case-sensitive.
#pragma once

#include <compare>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace stockpile {

// Strict UTF-8: no overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF,
// no truncated sequences.
[[nodiscard]] bool is_valid_utf8(std::string_view text) noexcept;

namespace detail {
// Throws InvalidInput(field, text, ...) unless text is a valid code (see above).
void validate_code(std::string_view text, std::string_view field);
// Bytes of the well-formed UTF-8 sequence starting at text[pos] (1 to 4), or 0 when the bytes
// there are not one (error messages show such bytes as \xNN instead of passing them on).
[[nodiscard]] std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) noexcept;
} // namespace detail

template <class Tag>
class Code {
public:
  explicit Code(std::string text) : text_(std::move(text)) {
    detail::validate_code(text_, Tag::field_name);
  }

  [[nodiscard]] const std::string& str() const noexcept { return text_; }

  friend bool operator==(const Code&, const Code&) = default;
  friend auto operator<=>(const Code&, const Code&) = default;

private:
  std::string text_;
};

struct MaterialTag {
  static constexpr std::string_view field_name = "material";
};
struct DepotTag {
  static constexpr std::string_view field_name = "depot";
};
struct OrgTag {
  static constexpr std::string_view field_name = "organisation";
};
struct CustodianTag {
  static constexpr std::string_view field_name = "custodian";
};
struct LotTag {
  static constexpr std::string_view field_name = "lot";
};
struct IncidentTag {
  static constexpr std::string_view field_name = "incident";
};
struct CommitmentTag {
  static constexpr std::string_view field_name = "commitment";
};

using MaterialCode = Code<MaterialTag>;
using DepotCode = Code<DepotTag>;
using OrgCode = Code<OrgTag>;
using CustodianId = Code<CustodianTag>;
using LotNumber = Code<LotTag>;
using IncidentCode = Code<IncidentTag>;
using CommitmentCode = Code<CommitmentTag>;

} // namespace stockpile

template <class Tag>
struct std::hash<stockpile::Code<Tag>> {
  std::size_t operator()(const stockpile::Code<Tag>& code) const noexcept {
    return std::hash<std::string>{}(code.str());
  }
};
