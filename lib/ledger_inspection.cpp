// The Ledger facade's inspection schedules.
#include <fmt/format.h>

#include "ledger_impl.hpp"
#include "posting.hpp"
#include "stockpile/clock.hpp"
#include "stockpile/error.hpp"
#include "validate.hpp"

namespace stockpile {

using namespace detail;

std::int64_t Ledger::add_inspection_plan(const InspectionPlan& plan) {
  if (plan.every.unit() == Duration::Unit::Hours && plan.every.count() % 24 != 0) {
    throw InvalidInput("--every", plan.every.to_string(),
                       "expected whole days, weeks, months or years (e.g. 1m, 2w, 90d)");
  }
  if (plan.on_day && plan.every.unit() != Duration::Unit::Months) {
    throw InvalidInput("--on-day", std::to_string(*plan.on_day),
                       "only a plan every so many months or years has a day of the month");
  }
  if (plan.on_day && (*plan.on_day < 1 || *plan.on_day > 31)) {
    throw InvalidInput("--on-day", std::to_string(*plan.on_day), "expected 1 to 31");
  }
  std::int64_t id = 0;
  impl_->store.write([&] {
    require_custodian(*impl_, plan.custodian, "--custodian");
    const auto& t = plan.target;
    switch (t.kind) {
    case InspectionTarget::Kind::Depot: require_depot(*impl_, DepotCode(t.depot)); break;
    case InspectionTarget::Kind::Commitment:
      if (!impl_->store.commitment(t.commitment)) throw NotFound("commitment", t.commitment);
      break;
    case InspectionTarget::Kind::Lot:
      require_depot(*impl_, DepotCode(t.depot));
      (void)require_material(*impl_, MaterialCode(t.material));
      if (!impl_->store.lot(t.material, t.lot)) {
        throw NotFound(fmt::format("lot {}: material {} has no such lot in the ledger",
                                   quote(t.lot), t.material));
      }
      break;
    }
    id = impl_->store.insert_plan(plan, impl_->now());
  });
  return id;
}

std::vector<InspectionPlan> Ledger::inspection_plans() const {
  return impl_->read([&] { return impl_->store.plans(); });
}

std::vector<DueInspection> Ledger::due_inspections(Date as_of, std::int64_t within_days) const {
  return impl_->read([&] {
    const auto plans = impl_->store.plans();
    std::vector<std::optional<Date>> last;
    for (const auto& p : plans) last.push_back(impl_->store.last_inspection(p.id));
    return stockpile::due_inspections(plans, last, as_of, within_days);
  });
}

std::int64_t Ledger::record_inspection(std::int64_t plan, Date date, const CustodianId& inspector,
                                       InspectionResult result,
                                       const std::vector<std::string>& findings) {
  if (result == InspectionResult::Fail && findings.empty()) {
    throw InvalidInput("--finding: a failed inspection needs at least one finding");
  }
  for (const auto& f : findings) validate_text("--finding", f, 1000, true, Lines::Multi);
  std::int64_t id = 0;
  impl_->store.write([&] {
    if (!impl_->store.plan(plan)) throw NotFound("inspection plan", std::to_string(plan));
    require_custodian(*impl_, inspector, "--by");
    const Date today = local_date(impl_->now_seconds(), impl_->options.time_zone);
    if (date > today) {
      throw InvalidInput("--date", date.to_string(),
                         fmt::format("is in the future (today is {})", today.to_string()));
    }
    id = impl_->store.insert_inspection(plan, date, inspector.str(), result, impl_->now());
    for (const auto& f : findings) (void)impl_->store.insert_finding(id, f);
  });
  return id;
}

void Ledger::resolve_finding(std::int64_t finding, const CustodianId& by, const std::string& note) {
  validate_text("--note", note, 1000, true, Lines::Multi);
  impl_->store.write([&] {
    auto f = impl_->store.finding(finding);
    if (!f) throw NotFound("finding", std::to_string(finding));
    if (f->resolved_by) {
      throw RuleViolation(fmt::format("finding {} was already resolved by {} at {}", finding,
                                      f->resolved_by->str(), f->resolved_at));
    }
    require_custodian(*impl_, by, "--by");
    impl_->store.insert_resolution(finding, by.str(), note, impl_->now());
  });
}

std::vector<Finding> Ledger::findings(bool open_only) const {
  return impl_->read([&] { return impl_->store.findings(open_only); });
}

std::vector<Inspection> Ledger::inspections(std::optional<std::int64_t> plan) const {
  return impl_->read([&] {
    // An unknown plan is refused, not listed as "never inspected".
    if (plan && !impl_->store.plan(*plan)) throw NotFound("inspection plan", std::to_string(*plan));
    return impl_->store.inspections(plan);
  });
}

} // namespace stockpile
