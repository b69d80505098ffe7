// Depot (储备库 / 仓库): a store where physical stock is kept, owned by one organisation.
// "Closed management, dedicated store, named keeper": custodians are assigned to depots.
#pragma once

#include <string>

#include "stockpile/codes.hpp"

namespace stockpile {

struct Depot {
  DepotCode code;
  std::string name;
  OrgCode org;
  std::string address;
};

void validate(const Depot& depot);

} // namespace stockpile
