#include <doctest/doctest.h>

#include "stockpile/error.hpp"
#include "stockpile/inspection.hpp"

using namespace stockpile;

namespace {

InspectionPlan monthly_plan(const char* starting, std::optional<int> on_day, const char* every = "1m") {
  return InspectionPlan{.id = 1,
                        .target = parse_inspection_target("depot:LN-01"),
                        .every = Duration::parse(every),
                        .on_day = on_day,
                        .custodian = CustodianId("chen.gang"),
                        .starting = Date::parse(starting)};
}

std::vector<std::string> dates(const InspectionPlan& p, int n) {
  std::vector<std::string> out;
  for (int k = 0; k < n; ++k) out.push_back(occurrence(p, k).to_string());
  return out;
}

} // namespace

TEST_CASE("inspection: monthly on day 31 is anchored to the plan and clamped to each month") {
  CHECK(dates(monthly_plan("2027-01-31", 31), 5) ==
        std::vector<std::string>{"2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30",
                                 "2027-05-31"});
  CHECK(dates(monthly_plan("2028-01-31", 31), 3) ==
        std::vector<std::string>{"2028-01-31", "2028-02-29", "2028-03-31"});
  // Without --on-day the start's own day is the anchor.
  CHECK(dates(monthly_plan("2027-01-31", std::nullopt), 3) ==
        std::vector<std::string>{"2027-01-31", "2027-02-28", "2027-03-31"});
  // --on-day before the start's day: the first occurrence is next month.
  CHECK(dates(monthly_plan("2027-01-20", 5), 3) ==
        std::vector<std::string>{"2027-02-05", "2027-03-05", "2027-04-05"});
  // Quarterly and yearly across a leap day.
  CHECK(dates(monthly_plan("2027-11-30", 30, "3m"), 3) ==
        std::vector<std::string>{"2027-11-30", "2028-02-29", "2028-05-30"});
  CHECK(dates(monthly_plan("2028-02-29", std::nullopt, "1y"), 3) ==
        std::vector<std::string>{"2028-02-29", "2029-02-28", "2030-02-28"});
}

TEST_CASE("inspection: plans every so many days or weeks") {
  CHECK(dates(monthly_plan("2026-12-28", std::nullopt, "2w"), 3) ==
        std::vector<std::string>{"2026-12-28", "2027-01-11", "2027-01-25"});
  CHECK(dates(monthly_plan("2026-12-31", std::nullopt, "90d"), 2) ==
        std::vector<std::string>{"2026-12-31", "2027-03-31"});
}

TEST_CASE("inspection: due and overdue follow the last inspection, not the calendar alone") {
  const std::vector<InspectionPlan> plans{monthly_plan("2027-01-31", 31)};
  SUBCASE("never done: the first occurrence, with every missed one counted") {
    const auto due = due_inspections(plans, {std::nullopt}, Date::parse("2027-03-31"), 0);
    REQUIRE(due.size() == 1);
    CHECK(due[0].due.to_string() == "2027-01-31");
    CHECK(due[0].days_overdue == 59);
    CHECK(due[0].missed == 3); // 01-31, 02-28, 03-31
  }
  SUBCASE("done on the due day: next month is due, not yet overdue") {
    const auto due = due_inspections(plans, {Date::parse("2027-02-28")},
                                     Date::parse("2027-03-01"), 30);
    REQUIRE(due.size() == 1);
    CHECK(due[0].due.to_string() == "2027-03-31");
    CHECK(due[0].days_overdue == -30);
    CHECK(due[0].missed == 0);
  }
  SUBCASE("outside the window: not listed") {
    CHECK(due_inspections(plans, {Date::parse("2027-02-28")}, Date::parse("2027-03-01"), 29)
              .empty());
  }
}

TEST_CASE("inspection: targets") {
  CHECK(parse_inspection_target("lot:LN-01/GEN/FD-01").to_string() == "lot:LN-01/GEN/FD-01");
  CHECK(parse_inspection_target("commitment:AGR-1").kind ==
        InspectionTarget::Kind::Commitment);
  for (const char* bad : {"shelf:3", "depot:", "lot:LN-01/GEN", "LN-01", "depot:A B"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS((void)parse_inspection_target(bad), InvalidInput);
  }
  CHECK_THROWS_AS((void)parse_inspection_result("ok"), InvalidInput);
}
