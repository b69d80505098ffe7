#include "stockpile/organisation.hpp"

#include <fmt/format.h>

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

void validate(const Organisation& org) { detail::validate_organisation(org, "--parent"); }

namespace detail {

void validate_organisation(const Organisation& org, std::string_view parent_field) {
  detail::validate_text("name", org.name, 200, true, detail::Lines::Multi);
  if (org.level == OrgLevel::City && org.parent) {
    throw InvalidInput(parent_field, org.parent->str(), "a city has no parent organisation");
  }
  if (org.level != OrgLevel::City && !org.parent) {
    throw InvalidInput(fmt::format("{}: {} needs its {} as parent", parent_field,
                                   org.level == OrgLevel::District ? "a district" : "an enterprise",
                                   org.level == OrgLevel::District ? "city" : "district") +
                       (parent_field.starts_with("--") ? " (--parent CODE)" : ""));
  }
}

} // namespace detail

} // namespace stockpile
