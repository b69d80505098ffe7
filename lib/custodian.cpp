#include "stockpile/custodian.hpp"

#include <algorithm>

#include "stockpile/error.hpp"
#include "validate.hpp"

namespace stockpile {

std::string_view to_string(Role role) noexcept {
  switch (role) {
  case Role::Keeper: return "keeper";
  case Role::Responsible: return "responsible";
  case Role::Inspector: return "inspector";
  }
  return "?";
}

Role parse_role(std::string_view text, std::string_view field) {
  if (text == "keeper" || text == "保管员") return Role::Keeper;
  if (text == "responsible" || text == "责任人") return Role::Responsible;
  if (text == "inspector" || text == "检查员") return Role::Inspector;
  throw InvalidInput(field, text, "expected keeper, responsible or inspector");
}

std::vector<Role> parse_roles(std::string_view text, std::string_view field) {
  std::vector<Role> roles;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find_first_of(",;| ", start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) roles.push_back(parse_role(text.substr(start, end - start), field));
    start = end + 1;
  }
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  return roles;
}

void validate(const Custodian& c) {
  detail::validate_text("name", c.name, 200, true);
  detail::validate_phone("phone", c.phone);
  for (auto d = c.depots.begin(); d != c.depots.end(); ++d) {
    // The assignment is stored once per depot: a second one would fail deep in the store.
    if (std::find(c.depots.begin(), d, *d) != d) {
      throw InvalidInput("depot", d->str(), "is named twice; name each depot once");
    }
  }
}

} // namespace stockpile
