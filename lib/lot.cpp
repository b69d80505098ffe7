#include "stockpile/lot.hpp"

#include "stockpile/error.hpp"
#include "stockpile/tier.hpp"

namespace stockpile {

std::string_view to_string(LotStatus status) noexcept {
  switch (status) {
  case LotStatus::Available: return "available";
  case LotStatus::Quarantined: return "quarantined";
  case LotStatus::Recalled: return "recalled";
  case LotStatus::Damaged: return "damaged";
  }
  return "?";
}

LotStatus parse_lot_status(std::string_view text, std::string_view field) {
  if (text == "available") return LotStatus::Available;
  if (text == "quarantined") return LotStatus::Quarantined;
  if (text == "recalled") return LotStatus::Recalled;
  if (text == "damaged") return LotStatus::Damaged;
  throw InvalidInput(field, text, "expected available, quarantined, recalled or damaged");
}

std::string_view to_string(Tier tier) noexcept {
  switch (tier) {
  case Tier::Physical: return "physical";
  case Tier::Enterprise: return "enterprise";
  case Tier::Agreement: return "agreement";
  case Tier::Capacity: return "capacity";
  case Tier::Social: return "social";
  }
  return "?";
}

} // namespace stockpile
