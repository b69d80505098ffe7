// Field rules of the five-in-one reserve's reference data: commitments, incidents, quotas.
#include <fmt/format.h>

#include "stockpile/commitment.hpp"
#include "stockpile/error.hpp"
#include "stockpile/incident.hpp"
#include "stockpile/quota.hpp"
#include "validate.hpp"

namespace stockpile {

Tier parse_commitment_tier(std::string_view text, std::string_view field) {
  if (text == "agreement") return Tier::Agreement;
  if (text == "capacity") return Tier::Capacity;
  if (text == "social") return Tier::Social;
  throw InvalidInput(field, text, "expected agreement, capacity or social");
}

void validate(const Commitment& c) {
  if (c.tier != Tier::Agreement && c.tier != Tier::Capacity && c.tier != Tier::Social) {
    throw InvalidInput("--tier", to_string(c.tier), "expected agreement, capacity or social");
  }
  detail::validate_text("--party", c.party, 200, true);
  // A phone, as a custodian's: a supplier's number must be one a keeper can dial.
  detail::validate_phone("--contact", c.contact);
  if (c.valid_to < c.valid_from) {
    throw InvalidInput("--valid-to", c.valid_to.to_string(),
                       fmt::format("is before --valid-from {}", c.valid_from.to_string()));
  }
  if (!c.lead_time.hours()) {
    throw InvalidInput("--lead-time", c.lead_time.to_string(),
                       "expected hours, days or weeks (e.g. 12h, 3d)");
  }
  const char* qty_field = c.tier == Tier::Capacity ? "--max" : "--qty";
  if (!c.quantity.is_positive()) {
    throw InvalidInput(qty_field, c.quantity.to_string(), "must be greater than zero");
  }
  if (c.tier == Tier::Capacity && !c.rate.is_positive()) {
    throw InvalidInput("--rate", c.rate.to_string(), "must be greater than zero (per day)");
  }
  if (c.tier != Tier::Capacity && !c.rate.is_zero()) {
    throw InvalidInput("--rate", c.rate.to_string(), "only a capacity reserve has a rate");
  }
  if (c.reliability) {
    if (c.tier != Tier::Social) {
      throw InvalidInput("--reliability", c.reliability->to_string(),
                         "only a social reserve has a reliability");
    }
    if (c.reliability->is_negative() || *c.reliability > Quantity::whole(1)) {
      throw InvalidInput("--reliability", c.reliability->to_string(), "expected 0 to 1");
    }
  }
}

std::string_view to_string(IncidentLevel level) noexcept {
  switch (level) {
  case IncidentLevel::I: return "I";
  case IncidentLevel::II: return "II";
  case IncidentLevel::III: return "III";
  case IncidentLevel::IV: return "IV";
  }
  return "?";
}

IncidentLevel parse_incident_level(std::string_view text, std::string_view field) {
  if (text == "I" || text == "1") return IncidentLevel::I;
  if (text == "II" || text == "2") return IncidentLevel::II;
  if (text == "III" || text == "3") return IncidentLevel::III;
  if (text == "IV" || text == "4") return IncidentLevel::IV;
  throw InvalidInput(field, text, "expected I, II, III or IV");
}

void validate(const Incident& incident) {
  detail::validate_text("--name", incident.name, 200, true);
  detail::validate_text("--location", incident.location, 500, false);
}

void validate(const Quota& quota) {
  if (quota.min.is_negative()) {
    throw InvalidInput("--min", quota.min.to_string(), "must not be negative");
  }
  if (quota.max && *quota.max < quota.min) {
    throw InvalidInput("--max", quota.max->to_string(),
                       fmt::format("is below --min {}", quota.min.to_string()));
  }
}

} // namespace stockpile
