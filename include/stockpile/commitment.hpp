// Commitments: the non-stock tiers of the five-in-one reserve. An agreement reserve (协议储备)
// is a supplier contracted to deliver a quantity on call within a lead time; a capacity reserve
// (产能储备) is a producer pledged to switch lines and make `rate` per day after mobilising, up
// to a maximum; a social reserve (社会储备) is a pledge by an organisation or the public.
// Calls on a commitment and deliveries against calls are ledger entries, hash-chained.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "stockpile/codes.hpp"
#include "stockpile/date.hpp"
#include "stockpile/duration.hpp"
#include "stockpile/quantity.hpp"
#include "stockpile/tier.hpp"

namespace stockpile {

// agreement|capacity|social; throws InvalidInput.
[[nodiscard]] Tier parse_commitment_tier(std::string_view text, std::string_view field = "--tier");

struct Commitment {
  CommitmentCode code;
  Tier tier = Tier::Agreement; // agreement, capacity or social
  std::string party;           // supplier, producer or pledging organisation
  std::string contact;         // phone
  MaterialCode material;
  Date valid_from; // usable for arrivals from this day ...
  Date valid_to;   // ... through this day
  Quantity quantity; // agreement and social: committed; capacity: the maximum in all
  Quantity rate;     // capacity: per day; zero otherwise
  Duration lead_time = Duration::parse("1h"); // delivery (agreement, social) or mobilisation
  std::optional<Quantity> reliability; // social: 0..1, shown, never used to shrink quantities
  Quantity called;                     // filled in by the ledger: the sum of its calls

  [[nodiscard]] Quantity remaining() const { return quantity - called; }
  // Usable for goods arriving on `day`.
  [[nodiscard]] bool valid_on(Date day) const noexcept {
    return valid_from <= day && day <= valid_to;
  }
};

// Field rules (tier-specific fields, dates in order, lead time in hours, days or weeks).
void validate(const Commitment& c);

// A call (调用) on a commitment, or a delivery against a call.
struct CommitmentEntry {
  std::int64_t id = 0;
  std::string kind; // "call" or "deliver"
  CommitmentCode commitment;
  std::optional<IncidentCode> incident;
  std::optional<std::int64_t> call; // a delivery's call
  Quantity quantity;
  std::optional<std::chrono::sys_seconds> due; // a call's planned arrival
  std::optional<DepotCode> depot;              // a delivery into a depot
  std::optional<std::int64_t> movement;        // the receipt a delivery into a depot made
  CustodianId actor;
  std::string recorded_at;
  std::string hash;
};

} // namespace stockpile
