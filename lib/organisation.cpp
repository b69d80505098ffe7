#include "stockpile/organisation.hpp"

#include "stockpile/error.hpp"
#include "validate.hpp"

namespace stockpile {

std::string_view to_string(OrgLevel level) noexcept {
  switch (level) {
  case OrgLevel::City: return "city";
  case OrgLevel::District: return "district";
  case OrgLevel::Enterprise: return "enterprise";
  }
  return "?";
}

OrgLevel parse_org_level(std::string_view text, std::string_view field) {
  if (text == "city" || text == "市") return OrgLevel::City;
  if (text == "district" || text == "county" || text == "区县" || text == "区" || text == "县")
    return OrgLevel::District;
  if (text == "enterprise" || text == "企业") return OrgLevel::Enterprise;
  throw InvalidInput(field, text, "expected city, district or enterprise");
}

void validate(const Organisation& org) {
  detail::validate_text("name", org.name, 200, true, detail::Lines::Multi);
  if (org.level == OrgLevel::City && org.parent) {
    throw InvalidInput("--parent", org.parent->str(), "a city has no parent organisation");
  }
  if (org.level != OrgLevel::City && !org.parent) {
    throw InvalidInput(org.level == OrgLevel::District
                           ? "--parent: a district needs its city as parent (--parent CODE)"
                           : "--parent: an enterprise needs its district as parent (--parent CODE)");
  }
}

} // namespace stockpile
