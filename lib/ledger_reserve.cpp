// The Ledger facade's five-in-one reserve: incidents, quotas, commitments, allocation
// (plan and commit), deliveries against calls, and the incident report.
#include <algorithm>
#include <fmt/format.h>
#include <map>

#include "canonical.hpp"
#include "ledger_impl.hpp"
#include "posting.hpp"
#include "stockpile/clock.hpp"
#include "stockpile/error.hpp"

namespace stockpile {

using namespace detail;

namespace detail {

std::string canonical_entry(const CommitmentEntry& e) {
  Canonical c;
  c.add("v", std::int64_t{1})
      .add("id", e.id)
      .add("kind", e.kind)
      .add("commitment", e.commitment.str())
      .add_opt("incident", e.incident ? std::optional<std::string>(e.incident->str())
                                      : std::nullopt)
      .add_opt("call", e.call ? std::optional<std::string>(std::to_string(*e.call)) : std::nullopt)
      .add("quantity", e.quantity.thousandths())
      .add_opt("due", e.due ? std::optional<std::string>(format_utc_timestamp(*e.due))
                            : std::nullopt)
      .add_opt("depot", e.depot ? std::optional<std::string>(e.depot->str()) : std::nullopt)
      .add_opt("movement",
               e.movement ? std::optional<std::string>(std::to_string(*e.movement)) : std::nullopt)
      .add("actor", e.actor.str())
      .add("recorded_at", e.recorded_at);
  return c.bytes();
}

std::string entry_hash(const std::string& prev, const CommitmentEntry& e) {
  return sha256_hex(prev + canonical_entry(e));
}

} // namespace detail

Floors parse_floors(std::string_view text, std::string_view field) {
  if (text == "keep") return Floors::Keep;
  if (text == "release") return Floors::Release;
  throw InvalidInput(field, text, "expected keep or release");
}

namespace {

Incident require_incident(const Ledger::Impl& impl, const IncidentCode& code) {
  auto i = impl.store.incident(code.str());
  if (!i) throw NotFound("incident", code.str());
  return std::move(*i);
}

CommitmentEntry append_entry(Ledger::Impl& impl, CommitmentEntry e) {
  e.id = impl.store.next_entry_id();
  e.recorded_at = impl.now();
  const std::string prev = impl.store.entries_head_hash();
  e.hash = entry_hash(prev, e);
  impl.store.insert_entry(e, prev);
  return e;
}

std::vector<RowError> demand_errors(const Ledger::Impl& impl,
                                    const std::vector<DemandLine>& demand) {
  std::vector<RowError> errors;
  for (std::size_t i = 0; i < demand.size(); ++i) {
    const auto& d = demand[i];
    try {
      const Material m = require_material(impl, d.material);
      if (!d.quantity.is_positive()) {
        throw InvalidInput("qty", d.quantity.to_string(), "must be greater than zero");
      }
      if (d.quantity.decimals() > m.decimals) {
        throw InvalidInput("qty", d.quantity.to_string(),
                           fmt::format("{} takes at most {} decimals", m.code.str(), m.decimals));
      }
      if (d.to) require_depot(impl, *d.to);
    } catch (const Error& e) {
      errors.push_back(RowError{i + 1, e.what()});
    }
  }
  return errors;
}

// Checks the demand whole and lists every bad line at once.
void check_demand(const Ledger::Impl& impl, const std::vector<DemandLine>& demand) {
  if (demand.empty()) throw InvalidInput("demand: give at least one line");
  auto errors = demand_errors(impl, demand);
  if (errors.size() == 1 && demand.size() == 1) throw InvalidInput(errors.front().message);
  if (!errors.empty()) throw ImportError("demand", std::move(errors));
}

AllocationPolicy policy_of(const Ledger::Impl& impl, const AllocationRequest& r) {
  const Incident incident = require_incident(impl, r.incident);
  bool release = incident.level == IncidentLevel::I || incident.level == IncidentLevel::II;
  if (r.floors == Floors::Keep) release = false;
  if (r.floors == Floors::Release) release = true;
  return AllocationPolicy{.allow_late = r.allow_late,
                          .release_floors = release,
                          .time_zone = impl.options.time_zone};
}

AllocationPlan plan_in(const Ledger::Impl& impl, const AllocationRequest& r) {
  const auto policy = policy_of(impl, r);
  check_demand(impl, r.demand);
  PlanningSnapshot snapshot;
  snapshot.depots = impl.store.depot_places();
  snapshot.quotas = impl.store.quotas(std::nullopt);
  std::vector<std::string> materials;
  for (const auto& d : r.demand) {
    if (std::find(materials.begin(), materials.end(), d.material.str()) == materials.end()) {
      materials.push_back(d.material.str());
    }
  }
  for (const auto& m : materials) {
    snapshot.decimals[m] = require_material(impl, MaterialCode(m)).decimals;
    for (auto& s : impl.store.stock_sources(m)) snapshot.stock.push_back(std::move(s));
    for (auto& c : impl.store.commitments(m)) snapshot.commitments.push_back(std::move(c));
  }
  return stockpile::plan_allocation(snapshot, r.demand, r.at, policy);
}

} // namespace

void Ledger::add_incident(const Incident& incident) {
  validate(incident);
  if (const auto now = impl_->now_seconds(); incident.opened > now) {
    // An incident is recorded once it has begun; a future time is a typo in the day.
    const auto& zone = impl_->options.time_zone;
    throw InvalidInput("--opened", format_datetime(incident.opened, zone),
                       fmt::format("is in the future (now is {})", format_datetime(now, zone)));
  }
  impl_->store.write([&] {
    if (impl_->store.incident(incident.code.str())) {
      throw AlreadyExists("incident", incident.code.str());
    }
    impl_->store.insert_incident(incident, impl_->now());
  });
}

Incident Ledger::incident(const IncidentCode& code) const {
  return impl_->read([&] { return require_incident(*impl_, code); });
}

std::vector<Incident> Ledger::incidents() const {
  return impl_->read([&] { return impl_->store.incidents(); });
}

void Ledger::set_quota(const Quota& quota) {
  validate(quota);
  impl_->store.write([&] {
    require_depot(*impl_, quota.depot);
    const Material m = require_material(*impl_, quota.material);
    if (quota.min.decimals() > m.decimals) {
      throw InvalidInput("--min", quota.min.to_string(),
                         fmt::format("{} takes at most {} decimals", m.code.str(), m.decimals));
    }
    impl_->store.upsert_quota(quota, impl_->now());
  });
}

std::vector<Quota> Ledger::quotas(const std::optional<DepotCode>& depot) const {
  return impl_->read([&] {
    // An unknown code is refused, not listed as "no quotas": a typo must not look like none.
    if (depot) require_depot(*impl_, *depot);
    return impl_->store.quotas(depot ? std::optional<std::string>(depot->str()) : std::nullopt);
  });
}

void Ledger::set_dispatch_time(const DepotCode& depot, const Duration& time) {
  const auto hours = time.hours();
  if (!hours) {
    throw InvalidInput("--dispatch-time", time.to_string(), "expected hours, days or weeks");
  }
  impl_->store.write([&] {
    require_depot(*impl_, depot);
    impl_->store.set_dispatch_minutes(depot.str(), *hours * 60);
  });
}

void Ledger::add_commitment(const Commitment& commitment) {
  validate(commitment);
  impl_->store.write([&] {
    if (impl_->store.commitment(commitment.code.str())) {
      throw AlreadyExists("commitment", commitment.code.str());
    }
    const Material m = require_material(*impl_, commitment.material);
    if (commitment.quantity.decimals() > m.decimals) {
      throw InvalidInput("--qty", commitment.quantity.to_string(),
                         fmt::format("{} takes at most {} decimals", m.code.str(), m.decimals));
    }
    impl_->store.insert_commitment(commitment, impl_->now());
  });
}

Commitment Ledger::commitment(const CommitmentCode& code) const {
  auto c = impl_->read([&] { return impl_->store.commitment(code.str()); });
  if (!c) throw NotFound("commitment", code.str());
  return std::move(*c);
}

std::vector<Commitment> Ledger::commitments() const {
  return impl_->read([&] { return impl_->store.commitments(std::nullopt); });
}

std::vector<CommitmentEntry>
Ledger::commitment_entries(const std::optional<CommitmentCode>& commitment,
                           const std::optional<IncidentCode>& incident) const {
  return impl_->read([&] {
    // Unknown codes are refused, not listed as "no calls": a typo must not look like none.
    if (commitment && !impl_->store.commitment(commitment->str())) {
      throw NotFound("commitment", commitment->str());
    }
    if (incident) (void)require_incident(*impl_, *incident);
    return impl_->store.entries(store::SqliteStore::EntryFilter{
        commitment ? std::optional<std::string>(commitment->str()) : std::nullopt,
        incident ? std::optional<std::string>(incident->str()) : std::nullopt});
  });
}

std::vector<RowError> Ledger::check_demand(const std::vector<DemandLine>& demand) const {
  return impl_->read([&] { return demand_errors(*impl_, demand); });
}

AllocationPlan Ledger::plan_allocation(const AllocationRequest& request) const {
  return impl_->read([&] { return plan_in(*impl_, request); });
}

AllocationResult Ledger::commit_allocation(const AllocationRequest& r) {
  AllocationResult result;
  const Paperwork paper{.counterparty = "",
                        .incident = r.incident,
                        .document = fmt::format("allocation for incident {}", r.incident.str()),
                        .note = "",
                        .idempotency_key = ""};
  impl_->store.write([&] {
    const Date today = local_date(impl_->now_seconds(), impl_->options.time_zone);
    const Header h{today, r.actor, paper};
    check_header(*impl_, h);
    result.plan = plan_in(*impl_, r);
    std::vector<Leg> legs;
    for (const auto& line : result.plan.lines) {
      for (const auto& part : line.parts) {
        if (!part.lot) continue;
        const DepotCode depot(part.source);
        auto row = impl_->store.lot(line.demand.material.str(), part.lot->str());
        if (!row) throw IntegrityError("a planned lot is missing from the ledger");
        if (line.demand.to) {
          legs.push_back(Leg{MovementKind::TransferOut, depot, row->lot, -part.quantity, "", {},
                             "", std::nullopt});
          legs.push_back(Leg{MovementKind::TransferIn, *line.demand.to, row->lot, part.quantity,
                             "", {}, "", std::nullopt});
        } else {
          legs.push_back(Leg{MovementKind::Issue, depot, row->lot, -part.quantity, "", {}, "",
                             std::nullopt});
        }
      }
    }
    Canonical request = request_of("allocate", h);
    request.add("incident", r.incident.str()).add("at", format_utc_timestamp(r.at));
    const auto operation = impl_->store.insert_operation(
        "allocate", "", sha256_hex(request.bytes()), impl_->now());
    for (const auto& d : r.demand) impl_->store.insert_demand(operation, r.incident.str(), d);
    result.posting.operation = operation;
    result.posting.movements = post_legs(*impl_, operation, h, legs);
    for (const auto& line : result.plan.lines) {
      for (const auto& part : line.parts) {
        if (part.lot) continue;
        result.calls.push_back(append_entry(
            *impl_, CommitmentEntry{.id = 0,
                                    .kind = "call",
                                    .commitment = CommitmentCode(part.source),
                                    .incident = r.incident,
                                    .call = std::nullopt,
                                    .quantity = part.quantity,
                                    .due = part.arrival,
                                    .depot = line.demand.to,
                                    .movement = std::nullopt,
                                    .actor = r.actor,
                                    .recorded_at = {},
                                    .hash = {}}));
      }
    }
  });
  return result;
}

CommitmentEntry Ledger::deliver(const DeliveryRequest& r) {
  std::optional<CommitmentEntry> delivered;
  impl_->store.write([&] {
    auto call = impl_->store.entry(r.call);
    if (!call || call->kind != "call") throw NotFound("call", std::to_string(r.call));
    const auto c = *impl_->store.commitment(call->commitment.str());
    const Material m = require_material(*impl_, c.material);
    if (!r.quantity.is_positive()) {
      throw InvalidInput("--qty", r.quantity.to_string(), "must be greater than zero");
    }
    if (r.quantity.decimals() > m.decimals) {
      throw InvalidInput("--qty", r.quantity.to_string(),
                         fmt::format("{} takes at most {} decimals", m.code.str(), m.decimals));
    }
    const Quantity already = impl_->store.delivered(r.call);
    if (already + r.quantity > call->quantity) {
      throw RuleViolation(fmt::format("--qty \"{}\": call {} was for {} {} and {} have been "
                                      "delivered; at most {} more",
                                      r.quantity.to_string(), r.call,
                                      call->quantity.to_string(), m.unit, already.to_string(),
                                      (call->quantity - already).to_string()));
    }
    const Paperwork paper{.counterparty = c.party,
                          .incident = call->incident,
                          .document = fmt::format("call {}", r.call),
                          .note = "",
                          .idempotency_key = ""};
    const Header h{r.date, r.actor, paper};
    check_header(*impl_, h);
    std::optional<std::int64_t> movement;
    if (r.depot) {
      require_depot(*impl_, *r.depot);
      std::string number(kImplicitLot);
      if (m.lot_tracked) {
        if (!r.lot || r.lot->str() == kImplicitLot) {
          throw InvalidInput(fmt::format("--lot: material {} is tracked by lot; name the lot",
                                         m.code.str()));
        }
        number = r.lot->str();
      }
      Lot lot{.material = m.code, .number = LotNumber(number), .expiry = r.expiry};
      if (auto existing = impl_->store.lot(m.code.str(), number)) lot = existing->lot;
      Canonical request = request_of("deliver", h);
      request.add("call", r.call).add("quantity", r.quantity.thousandths());
      const auto operation = impl_->store.insert_operation(
          "deliver", "", sha256_hex(request.bytes()), impl_->now());
      const auto moved = post_legs(*impl_, operation, h,
                                   {Leg{MovementKind::Receive, *r.depot, lot, r.quantity, "", {},
                                        "", std::nullopt}});
      movement = moved.front().id;
    }
    delivered = append_entry(*impl_, CommitmentEntry{.id = 0,
                                                     .kind = "deliver",
                                                     .commitment = c.code,
                                                     .incident = call->incident,
                                                     .call = r.call,
                                                     .quantity = r.quantity,
                                                     .due = std::nullopt,
                                                     .depot = r.depot,
                                                     .movement = movement,
                                                     .actor = r.actor,
                                                     .recorded_at = {},
                                                     .hash = {}});
  });
  return std::move(*delivered);
}

std::vector<IncidentMaterialReport> Ledger::incident_report(const IncidentCode& code) const {
  return impl_->read([&] {
    (void)require_incident(*impl_, code);
    std::map<std::string, IncidentMaterialReport> rows;
    auto row = [&](const MaterialCode& material) -> IncidentMaterialReport& {
      auto it = rows.find(material.str());
      if (it == rows.end()) {
        const Material m = require_material(*impl_, material);
        IncidentMaterialReport r{.material = material, .name = m.name, .unit = m.unit,
                                 .recoverable = m.recoverable};
        it = rows.emplace(material.str(), std::move(r)).first;
      }
      return it->second;
    };
    for (const auto& d : impl_->store.demands(code.str())) row(d.material).requested += d.quantity;
    std::map<std::string, Tier> depot_tier;
    for (const auto& p : impl_->store.depot_places()) depot_tier.emplace(p.depot.str(), p.tier);
    const auto tagged = impl_->store.movements(MovementQuery{.incident = code});
    for (const auto& m : tagged) {
      auto& r = row(m.material);
      if (m.kind == MovementKind::Issue || m.kind == MovementKind::TransferOut) {
        r.issued -= m.quantity;
        (depot_tier[m.depot.str()] == Tier::Enterprise ? r.enterprise : r.physical) -= m.quantity;
        // A reversal of an issue for this incident takes it back.
        for (const auto& rev : impl_->store.movements(MovementQuery{.kind = MovementKind::Reverse})) {
          if (rev.reverses == m.id) r.issued -= rev.quantity;
        }
      } else if (m.kind == MovementKind::Return) {
        r.returned += m.quantity;
      }
    }
    for (const auto& e : impl_->store.entries({std::nullopt, code.str()})) {
      const auto c = *impl_->store.commitment(e.commitment.str());
      auto& r = row(c.material);
      if (e.kind == "call") {
        r.called += e.quantity;
        (c.tier == Tier::Agreement ? r.agreement
                                   : c.tier == Tier::Capacity ? r.capacity : r.social) +=
            e.quantity;
      } else {
        r.delivered += e.quantity;
      }
    }
    std::vector<IncidentMaterialReport> out;
    for (auto& [k, r] : rows) {
      r.outstanding = r.called - r.delivered;
      if (r.recoverable) r.still_out = r.issued - r.returned;
      out.push_back(std::move(r));
    }
    return out;
  });
}

} // namespace stockpile
