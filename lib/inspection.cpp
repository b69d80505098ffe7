#include "stockpile/inspection.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "stockpile/error.hpp"

namespace stockpile {

std::string InspectionTarget::to_string() const {
  switch (kind) {
  case Kind::Depot: return "depot:" + depot;
  case Kind::Lot: return fmt::format("lot:{}/{}/{}", depot, material, lot);
  case Kind::Commitment: return "commitment:" + commitment;
  }
  return "?";
}

InspectionTarget parse_inspection_target(std::string_view text, std::string_view field) {
  const auto fail = [&] {
    return InvalidInput(field, text,
                        "expected depot:DEPOT, lot:DEPOT/MATERIAL/LOT or commitment:CODE");
  };
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) throw fail();
  const auto kind = text.substr(0, colon);
  const auto rest = std::string(text.substr(colon + 1));
  InspectionTarget t;
  try {
    if (kind == "depot") {
      t.kind = InspectionTarget::Kind::Depot;
      t.depot = DepotCode(rest).str();
    } else if (kind == "commitment") {
      t.kind = InspectionTarget::Kind::Commitment;
      t.commitment = CommitmentCode(rest).str();
    } else if (kind == "lot") {
      const auto a = rest.find('/');
      const auto b = a == std::string::npos ? a : rest.find('/', a + 1);
      if (b == std::string::npos) throw fail();
      t.kind = InspectionTarget::Kind::Lot;
      t.depot = DepotCode(rest.substr(0, a)).str();
      t.material = MaterialCode(rest.substr(a + 1, b - a - 1)).str();
      t.lot = LotNumber(rest.substr(b + 1)).str();
    } else {
      throw fail();
    }
  } catch (const InvalidInput&) {
    throw fail();
  }
  return t;
}

Date occurrence(const InspectionPlan& plan, std::int64_t k) {
  const auto& every = plan.every;
  if (every.unit() == Duration::Unit::Months) {
    // Anchored to the start month; the day is on_day (or the start's day), clamped to the
    // month's end, so day 31 gives Feb 28/29 and then Mar 31 again.
    const auto ym = plan.starting.ymd().year() / plan.starting.ymd().month();
    const int day = plan.on_day.value_or(static_cast<int>(plan.starting.day()));
    auto at = [&](std::int64_t months) {
      const auto m = ym + date::months{months};
      const auto last = static_cast<int>(unsigned((m / date::last).day()));
      return Date(m / date::day{static_cast<unsigned>(std::min(day, last))});
    };
    // With on_day, the first occurrence is the first such day on or after the start.
    const std::int64_t shift = at(0) < plan.starting ? 1 : 0;
    return at((k + shift) * every.count());
  }
  const std::int64_t days = every.unit() == Duration::Unit::Days ? every.count()
                                                                 : every.count() / 24;
  return plan.starting.add_days(k * std::max<std::int64_t>(days, 1));
}

std::string_view to_string(InspectionResult r) noexcept {
  return r == InspectionResult::Pass ? "pass" : "fail";
}

InspectionResult parse_inspection_result(std::string_view text, std::string_view field) {
  if (text == "pass") return InspectionResult::Pass;
  if (text == "fail") return InspectionResult::Fail;
  throw InvalidInput(field, text, "expected pass or fail");
}

std::vector<DueInspection> due_inspections(const std::vector<InspectionPlan>& plans,
                                           const std::vector<std::optional<Date>>& last_done,
                                           Date as_of, std::int64_t within_days) {
  std::vector<DueInspection> out;
  const Date horizon = as_of.add_days(within_days);
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const auto& plan = plans[i];
    const auto& last = last_done.at(i);
    // The first occurrence the last inspection did not cover.
    std::int64_t k = 0;
    while (last && occurrence(plan, k) <= *last) ++k;
    const Date due = occurrence(plan, k);
    if (due > horizon) continue;
    std::int64_t missed = 0;
    for (std::int64_t j = k; occurrence(plan, j) <= as_of; ++j) ++missed;
    out.push_back(DueInspection{plan, due, due.days_until(as_of), missed, last});
  }
  std::sort(out.begin(), out.end(), [](const DueInspection& a, const DueInspection& b) {
    if (a.due != b.due) return a.due < b.due;
    return a.plan.id < b.plan.id;
  });
  return out;
}

} // namespace stockpile
