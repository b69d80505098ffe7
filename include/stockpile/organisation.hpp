// Organisation (单位): who owns depots and answers for a reserve. Three levels: city (市) →
// district or county (区县) → enterprise (企业). A city rolls up its districts, a district its
// enterprises; stock in a depot owned by an enterprise is the enterprise tier (企业储备).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "stockpile/codes.hpp"

namespace stockpile {

enum class OrgLevel { City, District, Enterprise };

[[nodiscard]] std::string_view to_string(OrgLevel level) noexcept;
// Accepts city|district|enterprise (also 市, 区县/区/县, 企业); throws InvalidInput.
[[nodiscard]] OrgLevel parse_org_level(std::string_view text, std::string_view field = "--level");

struct Organisation {
  OrgCode code;
  std::string name;
  OrgLevel level = OrgLevel::City;
  std::optional<OrgCode> parent; // a city has none; a district's is a city; an enterprise's a district
};

// Field rules only; the parent's existence, level and cycles are checked by the ledger.
void validate(const Organisation& org);

} // namespace stockpile
