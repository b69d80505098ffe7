// Quota (储备定额): the standing stock a depot keeps of a material, between a minimum and an
// optional maximum (a city Red Cross keeps quilts 1,500–3,000). Allocation draws a depot down
// to its minimum and no further unless the incident's level releases the floors.
#pragma once

#include <optional>

#include "stockpile/codes.hpp"
#include "stockpile/quantity.hpp"

namespace stockpile {

struct Quota {
  DepotCode depot;
  MaterialCode material;
  Quantity min;
  std::optional<Quantity> max;
};

void validate(const Quota& quota);

} // namespace stockpile
