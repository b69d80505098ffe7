// stockpile inspect plan add|list, due, record, resolve, findings, history — inspection
// schedules (检查). plan add, record, resolve: writing; the rest read-only.
#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>
#include <map>

#include "common.hpp"
#include "stockpile/error.hpp"

namespace stockpile::cli {

namespace {

struct InspectOptions {
  std::string target, every, custodian, starting, as_of, within, date, by, result, note;
  std::vector<std::string> findings;
  std::int64_t id = 0;
  int on_day = 0;
  std::string count; // plan dates --count, checked by hand so the message names the value
  bool all = false;
};


std::int64_t days_of(const std::string& text, std::string_view field, Date from) {
  if (text.empty()) return 0;
  const auto d = Duration::parse(text, field);
  return from.days_until(d.add_to(from));
}

Table plan_table(const std::vector<InspectionPlan>& plans) {
  Table t({Column{"id", "", true}, Column{"target"}, Column{"every"}, Column{"on_day", "day", true},
           Column{"custodian"}, Column{"starting"}});
  for (const auto& p : plans) {
    t.add_row({Cell::num(std::to_string(p.id)), Cell::str(p.target.to_string()),
               Cell::str(p.every.to_string()),
               p.on_day ? Cell::num(std::to_string(*p.on_day)) : Cell::null(),
               Cell::str(p.custodian.str()), Cell::str(p.starting.to_string())});
  }
  return t;
}

Table finding_table(const std::vector<Finding>& list) {
  Table t({Column{"id", "", true}, Column{"plan", "", true}, Column{"inspection", "", true},
           Column{"target"}, Column{"found"}, Column{"finding"}, Column{"resolved_by"},
           Column{"resolution"}});
  for (const auto& f : list) {
    t.add_row({Cell::num(std::to_string(f.id)), Cell::num(std::to_string(f.plan)),
               Cell::num(std::to_string(f.inspection)), Cell::str(f.target),
               Cell::str(f.found.to_string()), Cell::str(f.text),
               f.resolved_by ? Cell::str(f.resolved_by->str()) : Cell::null(),
               Cell::str(f.resolution)});
  }
  return t;
}

} // namespace

void setup_inspect(CLI::App& app) {
  auto o = std::make_shared<InspectOptions>();
  auto* inspect = app.add_subcommand("inspect", "Inspection schedules (检查), due inspections, "
                                                "findings");
  inspect->require_subcommand(1);

  auto* plan = inspect->add_subcommand("plan", "Inspection plans");
  plan->require_subcommand(1);
  auto* add = plan->add_subcommand("add", "Add a recurring inspection");
  add->add_option("--target", o->target,
                  "depot:DEPOT, lot:DEPOT/MATERIAL/LOT or commitment:CODE")->required();
  add->add_option("--every", o->every, "1m, 3m, 1y, 2w, 30d")->required();
  add->add_option("--on-day", o->on_day, "Day of the month (monthly plans; clamped to its end)");
  add->add_option("--custodian", o->custodian, "Responsible custodian")->required();
  add->add_option("--starting", o->starting, "First due date, YYYY-MM-DD")->required();
  add->callback([o, add] {
    InspectionPlan p{.id = 0,
                     .target = parse_inspection_target(o->target),
                     .every = Duration::parse(o->every, "--every"),
                     .on_day = std::nullopt,
                     .custodian = CustodianId(o->custodian),
                     .starting = Date::parse(o->starting, "--starting")};
    // Given (even as 0) goes to the library, which checks 1 to 31; 0 is not "left out".
    if (add->count("--on-day") > 0) p.on_day = o->on_day;
    const auto id = open_ledger().add_inspection_plan(p);
    p.id = id;
    say(fmt::format("inspection plan {}: {} every {}, first due {}", id, p.target.to_string(),
                    p.every.to_string(), occurrence(p, 0).to_string()));
  });
  auto* dates = plan->add_subcommand("dates", "The next due dates of a plan, from its start");
  dates->add_option("plan", o->id, "Plan id")->required();
  dates->add_option("--count", o->count, "How many, 1 to 1000 (default 6)");
  dates->callback([o] {
    const auto plans = open_ledger().inspection_plans();
    const auto it = std::find_if(plans.begin(), plans.end(),
                                 [&](const InspectionPlan& p) { return p.id == o->id; });
    if (it == plans.end()) throw NotFound("inspection plan", std::to_string(o->id));
    int count = 6;
    if (!o->count.empty()) {
      const bool digits = o->count.size() <= 4 &&
                          std::all_of(o->count.begin(), o->count.end(),
                                      [](char c) { return c >= '0' && c <= '9'; });
      count = digits ? std::stoi(o->count) : 0;
      if (count < 1 || count > 1000) {
        throw InvalidInput("--count", o->count, "expected a whole number from 1 to 1000");
      }
    }
    Table t({Column{"n", "", true}, Column{"due"}});
    for (int k = 0; k < count; ++k) {
      const Date due = occurrence(*it, k);
      if (Date::max() < due) break; // the calendar ends at 9999-12-31
      t.add_row({Cell::num(std::to_string(k + 1)), Cell::str(due.to_string())});
    }
    print(t);
  });
  plan->add_subcommand("list", "List inspection plans")->callback([] {
    print(plan_table(open_ledger().inspection_plans()));
  });

  auto* due = inspect->add_subcommand("due", "Due and overdue inspections");
  due->add_option("--as-of", o->as_of, "The day (default: today)");
  due->add_option("--within", o->within, "Also what falls due within this (e.g. 7d, 1m)");
  due->callback([o] {
    auto ledger = open_ledger();
    const Date as_of = o->as_of.empty() ? ledger.today() : Date::parse(o->as_of, "--as-of");
    Table t({Column{"plan", "", true}, Column{"target"}, Column{"every"}, Column{"due"},
             Column{"days_overdue", "overdue", true}, Column{"missed", "", true},
             Column{"last_done", "last done"}, Column{"custodian"}, Column{"phone"}});
    std::map<std::string, std::string> phones;
    for (const auto& c : ledger.custodians()) phones[c.id.str()] = c.phone;
    for (const auto& d : ledger.due_inspections(as_of, days_of(o->within, "--within", as_of))) {
      t.add_row({Cell::num(std::to_string(d.plan.id)), Cell::str(d.plan.target.to_string()),
                 Cell::str(d.plan.every.to_string()), Cell::str(d.due.to_string()),
                 Cell::num(std::to_string(d.days_overdue)), Cell::num(std::to_string(d.missed)),
                 d.last_done ? Cell::str(d.last_done->to_string()) : Cell::null(),
                 Cell::str(d.plan.custodian.str()), Cell::str(phones[d.plan.custodian.str()])});
    }
    print(t);
  });

  auto* record = inspect->add_subcommand("record", "Record an inspection");
  record->add_option("plan", o->id, "Plan id")->required();
  not_empty(record->add_option("--date", o->date, "Day it was done (default: today)"));
  record->add_option("--by", o->by, "Inspector (default: $STOCKPILE_ACTOR)");
  record->add_option("--result", o->result, "pass or fail")->required();
  record->add_option("--finding", o->findings, "What was found (repeatable; needed on fail)");
  record->callback([o] {
    auto ledger = open_ledger();
    const Date date = o->date.empty() ? ledger.today() : Date::parse(o->date, "--date");
    const auto id = ledger.record_inspection(o->id, date, actor_or_env(o->by, "--by"),
                                             parse_inspection_result(o->result), o->findings);
    say(fmt::format("inspection {} of plan {} recorded ({}, {} finding(s))", id, o->id, o->result,
                    o->findings.size()));
  });

  auto* resolve = inspect->add_subcommand("resolve", "Close a finding");
  resolve->add_option("finding", o->id, "Finding id")->required();
  resolve->add_option("--by", o->by, "Custodian (default: $STOCKPILE_ACTOR)");
  resolve->add_option("--note", o->note, "What was done")->required();
  resolve->callback([o] {
    open_ledger().resolve_finding(o->id, actor_or_env(o->by, "--by"), o->note);
    say(fmt::format("finding {} resolved", o->id));
  });

  auto* findings = inspect->add_subcommand("findings", "Open findings (all with --all)");
  findings->add_flag("--all", o->all, "Resolved ones too");
  findings->callback([o] { print(finding_table(open_ledger().findings(!o->all))); });

  auto* history = inspect->add_subcommand("history", "Inspections done");
  history->add_option("--plan", o->id, "Only this plan");
  history->callback([o] {
    auto ledger = open_ledger();
    Table t({Column{"id", "", true}, Column{"plan", "", true}, Column{"date"},
             Column{"inspector"}, Column{"result"}, Column{"findings", "", true}});
    for (const auto& i : ledger.inspections(o->id == 0 ? std::nullopt
                                                       : std::optional<std::int64_t>(o->id))) {
      t.add_row({Cell::num(std::to_string(i.id)), Cell::num(std::to_string(i.plan)),
                 Cell::str(i.date.to_string()), Cell::str(i.inspector.str()),
                 Cell::str(std::string(to_string(i.result))),
                 Cell::num(std::to_string(i.findings.size()))});
    }
    print(t);
  });
}

} // namespace stockpile::cli
