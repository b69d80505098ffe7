#include "stockpile/depot.hpp"

#include "validate.hpp"

namespace stockpile {

void validate(const Depot& depot) {
  detail::validate_text("name", depot.name, 200, true, detail::Lines::Multi);
  detail::validate_text("address", depot.address, 500, false, detail::Lines::Multi);
}

} // namespace stockpile
