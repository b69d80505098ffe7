// Inspection (检查): checks on a schedule — a depot's monthly fire check, a generator that must
// be test-run, an agreement supplier re-verified. Recurrence is calendar-correct and anchored
// to the plan, not to when the last inspection happened to be done: monthly on day 31 is due
// Jan 31, Feb 28 (29), Mar 31, Apr 30 ... A failed inspection opens findings that stay listed
// until resolved.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stockpile/codes.hpp"
#include "stockpile/date.hpp"
#include "stockpile/duration.hpp"

namespace stockpile {

// What is inspected: "depot:D", "lot:D/M/L" (equipment to test-run) or "commitment:C".
struct InspectionTarget {
  enum class Kind { Depot, Lot, Commitment };
  Kind kind = Kind::Depot;
  std::string depot, material, lot, commitment;
  [[nodiscard]] std::string to_string() const;
};
// Throws InvalidInput(field, text, ...) for a malformed target.
[[nodiscard]] InspectionTarget parse_inspection_target(std::string_view text,
                                                       std::string_view field = "--target");

struct InspectionPlan {
  std::int64_t id = 0;
  InspectionTarget target;
  Duration every;                 // days, weeks, months or years
  std::optional<int> on_day;      // monthly plans: the day of the month (clamped to its end)
  CustodianId custodian;          // who is responsible
  Date starting;
};

// Pure: the k-th due date (k = 0, 1, ...), anchored to the plan's start.
[[nodiscard]] Date occurrence(const InspectionPlan& plan, std::int64_t k);

enum class InspectionResult { Pass, Fail };
[[nodiscard]] std::string_view to_string(InspectionResult r) noexcept;
[[nodiscard]] InspectionResult parse_inspection_result(std::string_view text,
                                                       std::string_view field = "--result");

struct Finding {
  std::int64_t id = 0;
  std::int64_t inspection = 0;
  std::int64_t plan = 0;
  std::string target;
  std::string text;
  Date found;
  std::optional<CustodianId> resolved_by;
  std::string resolution;
  std::string resolved_at;
};

struct Inspection {
  std::int64_t id = 0;
  std::int64_t plan = 0;
  Date date;
  CustodianId inspector;
  InspectionResult result = InspectionResult::Pass;
  std::vector<Finding> findings;
};

struct DueInspection {
  InspectionPlan plan;
  Date due;                   // the earliest occurrence after the last inspection
  std::int64_t days_overdue;  // as_of − due: positive when overdue, ≤ 0 when coming up
  std::int64_t missed = 0;    // occurrences from `due` through as_of
  std::optional<Date> last_done;
};

// Pure: plans due or overdue by as_of + within (within in days); `last_done[i]` is the last
// inspection date of plans[i]. An inspection covers every occurrence up to its date.
[[nodiscard]] std::vector<DueInspection>
due_inspections(const std::vector<InspectionPlan>& plans,
                const std::vector<std::optional<Date>>& last_done, Date as_of,
                std::int64_t within_days);

} // namespace stockpile
