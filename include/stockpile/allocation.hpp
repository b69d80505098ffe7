// Allocation (应急调配): how much of each material can reach an incident, from where and by
// when — counting depots (physical and enterprise tiers) and the commitments (agreement,
// capacity and social tiers). The planner is a pure function of a snapshot: the same input
// gives the same plan, and planning writes nothing.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "stockpile/codes.hpp"
#include "stockpile/incident.hpp"
#include "stockpile/movement.hpp"
#include "stockpile/commitment.hpp"
#include "stockpile/lot.hpp"
#include "stockpile/quantity.hpp"
#include "stockpile/quota.hpp"
#include "stockpile/tier.hpp"

namespace stockpile {

struct DemandLine {
  MaterialCode material;
  Quantity quantity;
  std::chrono::sys_seconds need_by{};
  std::optional<DepotCode> to; // a destination depot: stock moves there by transfer
};

// Where a depot sits in the network, for "nearest first" among equal offers.
struct DepotPlace {
  DepotCode depot;
  Tier tier = Tier::Physical;
  std::optional<OrgCode> district; // the district it is in (its owner, or its owner's parent)
  std::optional<OrgCode> city;
  std::chrono::minutes dispatch{0}; // time to get goods out of the door
};

struct StockSource {
  DepotCode depot;
  Lot lot;
  Quantity on_hand;
};

struct PlanningSnapshot {
  std::vector<DepotPlace> depots;
  std::vector<StockSource> stock;
  std::vector<Quota> quotas;
  std::vector<Commitment> commitments; // with `called` filled in
  // Decimals each material may have (default 3): capacity is produced in whole such units.
  std::map<std::string, int> decimals;
};

struct AllocationPolicy {
  bool allow_late = false;
  bool release_floors = false; // draw depots below their quota minimum
  std::string time_zone;       // which calendar day an arrival falls on (validity, expiry)
};

struct PlanPart {
  Tier tier = Tier::Physical;
  std::string source;           // depot code or commitment code
  std::optional<LotNumber> lot; // stock parts
  Quantity quantity;
  std::chrono::sys_seconds arrival{}; // when the last of it arrives
  bool late = false;                  // arrives after the line's need-by time
};

struct PlanLine {
  DemandLine demand;
  Quantity on_time;
  Quantity late;
  Quantity shortfall;
  std::vector<PlanPart> parts;
};

struct AllocationPlan {
  std::chrono::sys_seconds at{};
  AllocationPolicy policy;
  std::vector<PlanLine> lines; // in demand order
};

// Pure. Sources are shared across lines; lines are served by need-by time, then demand order.
[[nodiscard]] AllocationPlan plan_allocation(const PlanningSnapshot& snapshot,
                                             const std::vector<DemandLine>& demand,
                                             std::chrono::sys_seconds at,
                                             const AllocationPolicy& policy);

// What `allocate` asks of the ledger.
enum class Floors { ByLevel, Keep, Release };
[[nodiscard]] Floors parse_floors(std::string_view text, std::string_view field = "--floors");

struct AllocationRequest {
  IncidentCode incident;
  std::vector<DemandLine> demand;
  std::chrono::sys_seconds at{}; // plan time
  bool allow_late = false;
  // ByLevel: levels I and II release the quota floors, III and IV keep them.
  Floors floors = Floors::ByLevel;
  CustodianId actor; // who commits it
};

struct AllocationResult {
  AllocationPlan plan;
  Posting posting;                     // issues and transfers of the stock parts
  std::vector<CommitmentEntry> calls;  // calls on commitments
};

// A supplier's delivery against a call: into a depot (a receipt) or straight to the incident.
struct DeliveryRequest {
  std::int64_t call = 0;
  Quantity quantity;
  std::optional<DepotCode> depot; // none: delivered to the incident directly
  std::optional<LotNumber> lot;
  std::optional<Date> expiry;
  Date date;
  CustodianId actor;
};

// incident report: one row per material.
struct IncidentMaterialReport {
  MaterialCode material;
  std::string name, unit;
  bool recoverable = false;
  Quantity requested;
  Quantity physical, enterprise, agreement, capacity, social; // planned (committed) by tier
  Quantity issued;      // out of depots (issues and transfers, net of reversals)
  Quantity called;
  Quantity delivered;
  Quantity outstanding; // called − delivered
  Quantity returned;
  std::optional<Quantity> still_out; // recoverable materials: issued − returned
};

} // namespace stockpile
