// The five-in-one reserve and incidents:
//   incident add|list|show|report, quota set|list, commitment add|list|show|calls|deliver,
//   depot dispatch, allocate.
// add, set, deliver, dispatch, allocate --commit: writing; the rest read-only.
#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>

#include "common.hpp"
#include "stockpile/clock.hpp"
#include "stockpile/csv.hpp"
#include "stockpile/error.hpp"

namespace stockpile::cli {

namespace {

struct ReserveOptions {
  std::string code, name, level, opened, location, depot, material, min, max, time;
  std::string tier, party, contact, valid_from, valid_to, qty, rate, lead_time, reliability;
  std::string lot, expiry, date, actor, need_by, to, demand, at, floors, incident;
  std::int64_t call = 0;
  bool allow_late = false, commit = false, to_incident = false;
};


std::string zone() { return time_zone(); }

std::chrono::sys_seconds now_of(const OpenOptions& o) {
  if (o.clock) return o.clock();
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

Table commitment_table(const std::vector<Commitment>& list) {
  Table t({Column{"code"}, Column{"tier"}, Column{"party"}, Column{"contact"},
           Column{"material"}, Column{"quantity", "qty/max", true}, Column{"rate", "", true},
           Column{"lead_time", "lead"}, Column{"valid_from"}, Column{"valid_to"},
           Column{"called", "", true}, Column{"remaining", "", true}, Column{"reliability"}});
  for (const auto& c : list) {
    t.add_row({Cell::str(c.code.str()), Cell::str(std::string(to_string(c.tier))),
               Cell::str(c.party), Cell::str(c.contact), Cell::str(c.material.str()),
               Cell::num(c.quantity.to_string()),
               c.tier == Tier::Capacity ? Cell::num(c.rate.to_string()) : Cell::null(),
               Cell::str(c.lead_time.to_string()), Cell::str(c.valid_from.to_string()),
               Cell::str(c.valid_to.to_string()), Cell::num(c.called.to_string()),
               Cell::num(c.remaining().to_string()),
               c.reliability ? Cell::num(c.reliability->to_string()) : Cell::null()});
  }
  return t;
}

Table entry_table(const std::vector<CommitmentEntry>& list) {
  Table t({Column{"id", "", true}, Column{"kind"}, Column{"commitment"}, Column{"incident"},
           Column{"call", "", true}, Column{"quantity", "qty", true}, Column{"due"},
           Column{"depot"}, Column{"movement", "", true}, Column{"actor"},
           Column{"recorded_at"}});
  for (const auto& e : list) {
    t.add_row({Cell::num(std::to_string(e.id)), Cell::str(e.kind), Cell::str(e.commitment.str()),
               e.incident ? Cell::str(e.incident->str()) : Cell::null(),
               e.call ? Cell::num(std::to_string(*e.call)) : Cell::null(),
               Cell::num(e.quantity.to_string()),
               e.due ? Cell::str(format_datetime(*e.due, zone())) : Cell::null(),
               e.depot ? Cell::str(e.depot->str()) : Cell::null(),
               e.movement ? Cell::num(std::to_string(*e.movement)) : Cell::null(),
               Cell::str(e.actor.str()), Cell::str(e.recorded_at)});
  }
  return t;
}

Table incident_table(const std::vector<Incident>& list) {
  Table t({Column{"code"}, Column{"name"}, Column{"level"}, Column{"opened"},
           Column{"location"}});
  for (const auto& i : list) {
    t.add_row({Cell::str(i.code.str()), Cell::str(i.name), Cell::str(std::string(to_string(i.level))),
               Cell::str(format_datetime(i.opened, zone())), Cell::str(i.location)});
  }
  return t;
}

// The demand: one line from the options, or a CSV file (material, qty, need_by, to) checked
// whole, every bad row listed, before anything is planned.
std::vector<DemandLine> demand_of(const ReserveOptions& o, const Ledger& ledger) {
  if (!o.demand.empty()) {
    if (!o.material.empty() || !o.qty.empty()) {
      throw UsageError("--demand: give either a demand file or --material/--qty/--need-by");
    }
    static constexpr std::array<std::string_view, 3> kRequired{"material", "qty", "need_by"};
    static constexpr std::array<std::string_view, 1> kOptional{"to"};
    const auto table = read_csv_table(read_file(o.demand), kRequired, kOptional);
    std::vector<RowError> errors;
    for (const auto& e : table.errors) errors.push_back(RowError{e.line, e.message});
    if (!table.header_ok) throw ImportError(o.demand, std::move(errors));
    std::vector<DemandLine> lines;
    std::vector<std::size_t> line_of; // file line of each parsed demand line
    for (const auto& r : table.rows) {
      try {
        auto cell = [&](std::string_view n) { return r.fields.at(*table.column(n)); };
        DemandLine d{.material = MaterialCode(cell("material")),
                     .quantity = Quantity::parse(cell("qty"), "qty"),
                     .need_by = parse_datetime(cell("need_by"), "need_by", zone()),
                     .to = std::nullopt};
        if (auto i = table.column("to"); i && !r.fields.at(*i).empty()) {
          d.to = DepotCode(r.fields.at(*i));
        }
        lines.push_back(std::move(d));
        line_of.push_back(r.line);
      } catch (const Error& e) {
        errors.push_back(RowError{r.line, e.what()});
      }
    }
    // What only the ledger can tell (unknown codes, decimals), for the rows that parsed.
    for (const auto& e : ledger.check_demand(lines)) {
      errors.push_back(RowError{line_of.at(e.line - 1), e.message});
    }
    if (!errors.empty()) {
      std::stable_sort(errors.begin(), errors.end(),
                       [](const RowError& a, const RowError& b) { return a.line < b.line; });
      throw ImportError(o.demand, std::move(errors));
    }
    return lines;
  }
  if (o.material.empty() || o.qty.empty() || o.need_by.empty()) {
    throw UsageError("allocate: give --material, --qty and --need-by, or --demand FILE.csv");
  }
  DemandLine d{.material = MaterialCode(o.material),
               .quantity = Quantity::parse(o.qty, "--qty"),
               .need_by = parse_datetime(o.need_by, "--need-by", zone()),
               .to = std::nullopt};
  if (!o.to.empty()) d.to = DepotCode(o.to);
  return {d};
}

std::string plan_json(const AllocationPlan& plan, const IncidentCode& incident) {
  std::string out = "{\n";
  out += fmt::format("  \"incident\": {},\n", json_string(incident.str()));
  out += fmt::format("  \"at\": {},\n", json_string(format_datetime(plan.at, zone())));
  out += fmt::format("  \"allow_late\": {},\n", plan.policy.allow_late ? "true" : "false");
  out += fmt::format("  \"floors\": {},\n",
                     json_string(plan.policy.release_floors ? "released" : "kept"));
  out += "  \"lines\": [";
  for (std::size_t i = 0; i < plan.lines.size(); ++i) {
    const auto& l = plan.lines[i];
    out += i ? ",\n" : "\n";
    out += "    {\n";
    out += fmt::format("      \"line\": {},\n", i + 1);
    out += fmt::format("      \"material\": {},\n", json_string(l.demand.material.str()));
    out += fmt::format("      \"requested\": {},\n", l.demand.quantity.to_string());
    out += fmt::format("      \"need_by\": {},\n",
                       json_string(format_datetime(l.demand.need_by, zone())));
    out += fmt::format("      \"to\": {},\n", l.demand.to ? json_string(l.demand.to->str()) : "null");
    out += fmt::format("      \"on_time\": {},\n", l.on_time.to_string());
    out += fmt::format("      \"late\": {},\n", l.late.to_string());
    out += fmt::format("      \"shortfall\": {},\n", l.shortfall.to_string());
    out += "      \"parts\": [";
    for (std::size_t j = 0; j < l.parts.size(); ++j) {
      const auto& p = l.parts[j];
      out += j ? ",\n" : "\n";
      out += fmt::format(
          "        {{\"tier\": {}, \"source\": {}, \"lot\": {}, \"quantity\": {}, "
          "\"arrival\": {}, \"late\": {}}}",
          json_string(to_string(p.tier)), json_string(p.source),
          p.lot ? json_string(p.lot->str()) : "null", p.quantity.to_string(),
          json_string(format_datetime(p.arrival, zone())), p.late ? "true" : "false");
    }
    out += l.parts.empty() ? "]\n" : "\n      ]\n";
    out += "    }";
  }
  out += plan.lines.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

void print_plan(const AllocationPlan& plan, const IncidentCode& incident) {
  if (output_format() == OutputFormat::Json) {
    fmt::print("{}", plan_json(plan, incident));
    return;
  }
  Table lines({Column{"line", "", true}, Column{"material"}, Column{"requested", "", true},
               Column{"need_by"}, Column{"to"}, Column{"on_time", "on time", true},
               Column{"late", "", true}, Column{"shortfall", "", true}});
  Table parts({Column{"line", "", true}, Column{"tier"}, Column{"source"}, Column{"lot"},
               Column{"quantity", "qty", true}, Column{"arrival"}, Column{"late"}});
  for (std::size_t i = 0; i < plan.lines.size(); ++i) {
    const auto& l = plan.lines[i];
    const auto n = Cell::num(std::to_string(i + 1));
    lines.add_row({n, Cell::str(l.demand.material.str()), Cell::num(l.demand.quantity.to_string()),
                   Cell::str(format_datetime(l.demand.need_by, zone())),
                   l.demand.to ? Cell::str(l.demand.to->str()) : Cell::null(),
                   Cell::num(l.on_time.to_string()), Cell::num(l.late.to_string()),
                   Cell::num(l.shortfall.to_string())});
    for (const auto& p : l.parts) {
      parts.add_row({n, Cell::str(std::string(to_string(p.tier))), Cell::str(p.source),
                     p.lot ? Cell::str(p.lot->str()) : Cell::null(),
                     Cell::num(p.quantity.to_string()),
                     Cell::str(format_datetime(p.arrival, zone())), Cell::boolean(p.late)});
    }
  }
  if (output_format() == OutputFormat::Csv) {
    print(parts);
    return;
  }
  fmt::print("plan for incident {} at {} (quota floors {}, late deliveries {})\n",
             incident.str(), format_datetime(plan.at, zone()),
             plan.policy.release_floors ? "released" : "kept",
             plan.policy.allow_late ? "allowed" : "not allowed");
  fmt::print("{}\n{}", render(lines, OutputFormat::Table), render(parts, OutputFormat::Table));
}

} // namespace

void setup_reserve(CLI::App& app) {
  auto o = std::make_shared<ReserveOptions>();

  // ---- incidents ----
  auto* incident = app.add_subcommand("incident", "Incidents (突发事件), graded I to IV");
  incident->require_subcommand(1);
  auto* iadd = incident->add_subcommand("add", "Record an incident");
  iadd->add_option("code", o->code, "Incident code")->required();
  iadd->add_option("--name", o->name, "Name")->required();
  iadd->add_option("--level", o->level, "I (特别重大), II (重大), III (较大) or IV (一般)")
      ->required();
  iadd->add_option("--opened", o->opened, "When it started, e.g. 2026-11-22T06:30")->required();
  iadd->add_option("--location", o->location, "Where");
  iadd->callback([o] {
    Incident i{.code = IncidentCode(o->code),
               .name = o->name,
               .level = parse_incident_level(o->level),
               .opened = parse_datetime(o->opened, "--opened", zone()),
               .location = o->location};
    open_ledger().add_incident(i);
    say(fmt::format("added incident {} ({}, level {})", i.code.str(), i.name, to_string(i.level)));
  });
  incident->add_subcommand("list", "List incidents")->callback([] {
    print(incident_table(open_ledger().incidents()));
  });
  auto* ishow = incident->add_subcommand("show", "One incident");
  ishow->add_option("code", o->code, "Incident code")->required();
  ishow->callback([o] { print_record(incident_table({open_ledger().incident(IncidentCode(o->code))})); });
  auto* ireport = incident->add_subcommand("report", "Requested, planned by tier, issued, calls, "
                                                     "delivered, returned and still out");
  ireport->add_option("code", o->code, "Incident code")->required();
  ireport->callback([o] {
    Table t({Column{"material"}, Column{"name"}, Column{"requested", "", true},
             Column{"physical", "", true}, Column{"enterprise", "", true},
             Column{"agreement", "", true}, Column{"capacity", "", true},
             Column{"social", "", true}, Column{"issued", "", true}, Column{"called", "", true},
             Column{"delivered", "", true}, Column{"outstanding", "", true},
             Column{"returned", "", true}, Column{"still_out", "still out", true},
             Column{"unit"}});
    for (const auto& r : open_ledger().incident_report(IncidentCode(o->code))) {
      t.add_row({Cell::str(r.material.str()), Cell::str(r.name), Cell::num(r.requested.to_string()),
                 Cell::num(r.physical.to_string()), Cell::num(r.enterprise.to_string()),
                 Cell::num(r.agreement.to_string()), Cell::num(r.capacity.to_string()),
                 Cell::num(r.social.to_string()), Cell::num(r.issued.to_string()),
                 Cell::num(r.called.to_string()), Cell::num(r.delivered.to_string()),
                 Cell::num(r.outstanding.to_string()), Cell::num(r.returned.to_string()),
                 r.still_out ? Cell::num(r.still_out->to_string()) : Cell::null(),
                 Cell::str(r.unit)});
    }
    print(t);
  });

  // ---- quotas ----
  auto* quota = app.add_subcommand("quota", "Quotas (储备定额): a depot's minimum and maximum");
  quota->require_subcommand(1);
  auto* qset = quota->add_subcommand("set", "Set a depot's quota of a material");
  qset->add_option("--depot", o->depot, "Depot code")->required();
  qset->add_option("--material", o->material, "Material code")->required();
  qset->add_option("--min", o->min, "Minimum standing stock")->required();
  qset->add_option("--max", o->max, "Maximum");
  qset->callback([o] {
    Quota q{.depot = DepotCode(o->depot),
            .material = MaterialCode(o->material),
            .min = Quantity::parse(o->min, "--min"),
            .max = std::nullopt};
    if (!o->max.empty()) q.max = Quantity::parse(o->max, "--max");
    open_ledger().set_quota(q);
    say(fmt::format("quota of {} at {}: {} to {}", q.material.str(), q.depot.str(),
                    q.min.to_string(), q.max ? q.max->to_string() : "no maximum"));
  });
  auto* qlist = quota->add_subcommand("list", "List quotas");
  qlist->add_option("--depot", o->depot, "Only this depot");
  qlist->callback([o] {
    std::optional<DepotCode> d;
    if (!o->depot.empty()) d = DepotCode(o->depot);
    Table t({Column{"depot"}, Column{"material"}, Column{"min", "", true}, Column{"max", "", true}});
    for (const auto& q : open_ledger().quotas(d)) {
      t.add_row({Cell::str(q.depot.str()), Cell::str(q.material.str()), Cell::num(q.min.to_string()),
                 q.max ? Cell::num(q.max->to_string()) : Cell::null()});
    }
    print(t);
  });

  // ---- commitments ----
  auto* commitment = app.add_subcommand("commitment", "Agreement (协议), capacity (产能) and "
                                                      "social (社会) reserves");
  commitment->require_subcommand(1);
  auto* cadd = commitment->add_subcommand("add", "Record a commitment");
  cadd->add_option("code", o->code, "Commitment code")->required();
  cadd->add_option("--tier", o->tier, "agreement, capacity or social")->required();
  cadd->add_option("--party", o->party, "Supplier, producer or pledging organisation")->required();
  cadd->add_option("--contact", o->contact, "Phone");
  cadd->add_option("--material", o->material, "Material code")->required();
  cadd->add_option("--valid-from", o->valid_from, "First day it can deliver")->required();
  cadd->add_option("--valid-to", o->valid_to, "Last day it can deliver")->required();
  cadd->add_option("--qty", o->qty, "agreement and social: the committed quantity");
  cadd->add_option("--rate", o->rate, "capacity: quantity per day");
  cadd->add_option("--max", o->max, "capacity: the maximum in all");
  cadd->add_option("--lead-time", o->lead_time, "Delivery or mobilisation time: 12h, 3d")
      ->required();
  cadd->add_option("--reliability", o->reliability, "social: 0 to 1 (shown only)");
  cadd->callback([o] {
    const Tier tier = parse_commitment_tier(o->tier);
    const bool capacity = tier == Tier::Capacity;
    if (capacity && (o->rate.empty() || o->max.empty())) {
      throw UsageError("commitment add: a capacity reserve needs --rate and --max");
    }
    if (!capacity && o->qty.empty()) {
      throw UsageError("commitment add: an agreement or social reserve needs --qty");
    }
    Commitment c{.code = CommitmentCode(o->code),
                 .tier = tier,
                 .party = o->party,
                 .contact = o->contact,
                 .material = MaterialCode(o->material),
                 .valid_from = Date::parse(o->valid_from, "--valid-from"),
                 .valid_to = Date::parse(o->valid_to, "--valid-to"),
                 .quantity = capacity ? Quantity::parse(o->max, "--max")
                                      : Quantity::parse(o->qty, "--qty"),
                 .rate = o->rate.empty() ? Quantity() : Quantity::parse(o->rate, "--rate"),
                 .lead_time = Duration::parse(o->lead_time, "--lead-time"),
                 .reliability = std::nullopt,
                 .called = Quantity()};
    if (!o->reliability.empty()) c.reliability = Quantity::parse(o->reliability, "--reliability");
    validate(c); // refuses a --rate on another tier (the library's rule)
    // What a tier does not have must not be dropped quietly.
    if (!capacity && !o->max.empty()) {
      throw InvalidInput("--max", o->max, "only a capacity reserve has a maximum; give --qty");
    }
    if (capacity && !o->qty.empty()) {
      throw InvalidInput("--qty", o->qty, "a capacity reserve has --rate and --max, not --qty");
    }
    open_ledger().add_commitment(c);
    say(fmt::format("added {} reserve {} ({}, {})", to_string(c.tier), c.code.str(), c.party,
                    c.material.str()));
  });
  commitment->add_subcommand("list", "List commitments with what remains")->callback([] {
    print(commitment_table(open_ledger().commitments()));
  });
  auto* cshow = commitment->add_subcommand("show", "One commitment and its calls");
  cshow->add_option("code", o->code, "Commitment code")->required();
  cshow->callback([o] {
    auto ledger = open_ledger();
    const CommitmentCode code(o->code);
    print_record(commitment_table({ledger.commitment(code)}));
    if (output_format() == OutputFormat::Table) {
      fmt::print("\n{}", render(entry_table(ledger.commitment_entries(code)), OutputFormat::Table));
    }
  });
  auto* calls = commitment->add_subcommand("calls", "Calls and deliveries (hash-chained)");
  calls->add_option("--incident", o->incident, "Only this incident");
  calls->callback([o] {
    std::optional<IncidentCode> i;
    if (!o->incident.empty()) i = IncidentCode(o->incident);
    print(entry_table(open_ledger().commitment_entries(std::nullopt, i)));
  });
  auto* deliver = commitment->add_subcommand("deliver", "Record what a supplier delivered "
                                                        "against a call");
  deliver->add_option("call", o->call, "Call id")->required();
  deliver->add_option("--qty", o->qty, "Quantity delivered")->required();
  deliver->add_option("--depot", o->depot, "Received into this depot");
  deliver->add_flag("--to-incident", o->to_incident, "Delivered straight to the incident");
  deliver->add_option("--lot", o->lot, "Lot number (lot-tracked materials)");
  deliver->add_option("--expiry", o->expiry, "Expiry of a new lot");
  not_empty(deliver->add_option("--date", o->date, "Day of delivery (default: today)"));
  not_empty(deliver->add_option("--actor", o->actor, "Custodian (default: $STOCKPILE_ACTOR)"));
  deliver->callback([o] {
    if (o->depot.empty() == !o->to_incident) {
      throw UsageError("commitment deliver: give exactly one of --depot D or --to-incident");
    }
    auto ledger = open_ledger();
    DeliveryRequest r{.call = o->call,
                      .quantity = Quantity::parse(o->qty, "--qty"),
                      .depot = std::nullopt,
                      .lot = std::nullopt,
                      .expiry = std::nullopt,
                      .date = o->date.empty() ? ledger.today() : Date::parse(o->date, "--date"),
                      .actor = actor_or_env(o->actor)};
    if (!o->depot.empty()) r.depot = DepotCode(o->depot);
    if (!o->lot.empty()) r.lot = LotNumber(o->lot);
    if (!o->expiry.empty()) r.expiry = Date::parse(o->expiry, "--expiry");
    const auto e = ledger.deliver(r);
    say(fmt::format("recorded delivery {} of {} against call {}{}", e.id, e.quantity.to_string(),
                    o->call,
                    e.movement ? fmt::format(" (movement {} at {})", *e.movement, e.depot->str())
                               : std::string(" (to the incident)")));
  });

  // ---- depot dispatch time ----
  auto* dispatch = app.get_subcommand("depot")->add_subcommand(
      "dispatch", "Set how long goods take to leave a depot once allocated");
  dispatch->add_option("code", o->depot, "Depot code")->required();
  dispatch->add_option("--time", o->time, "e.g. 2h, 1d")->required();
  dispatch->callback([o] {
    open_ledger().set_dispatch_time(DepotCode(o->depot), Duration::parse(o->time, "--time"));
    say(fmt::format("depot {} dispatches in {}", o->depot, o->time));
  });

  // ---- allocate ----
  auto* allocate = app.add_subcommand(
      "allocate", "Plan what can reach an incident, from where and by when (writes nothing "
                  "without --commit)");
  allocate->add_option("--incident", o->incident, "Incident code")->required();
  allocate->add_option("--material", o->material, "Material code");
  allocate->add_option("--qty", o->qty, "Quantity needed");
  allocate->add_option("--need-by", o->need_by, "Needed by, e.g. 2026-11-22T20:00");
  allocate->add_option("--to", o->to, "Destination depot (stock moves there by transfer)");
  allocate->add_option("--demand", o->demand, "CSV with material, qty, need_by[, to]");
  allocate->add_option("--at", o->at, "Plan time (default: now)");
  allocate->add_flag("--allow-late", o->allow_late, "Fill what arrives after need-by, too");
  allocate->add_option("--floors", o->floors,
                       "keep or release the depots' quota minimums (default: released at "
                       "levels I and II)");
  allocate->add_flag("--commit", o->commit,
                     "Record the plan: issues/transfers and calls, in one transaction");
  not_empty(allocate->add_option("--actor", o->actor,
                                 "Custodian committing it (default: $STOCKPILE_ACTOR)"));
  allocate->callback([o] {
    const auto options = open_options();
    auto ledger = Ledger::open(ledger_path(), options);
    AllocationRequest r{.incident = IncidentCode(o->incident),
                        .demand = demand_of(*o, ledger),
                        .at = o->at.empty() ? now_of(options)
                                            : parse_datetime(o->at, "--at", zone()),
                        .allow_late = o->allow_late,
                        .floors = o->floors.empty() ? Floors::ByLevel : parse_floors(o->floors),
                        .actor = o->commit ? actor_or_env(o->actor) : CustodianId("-")};
    if (!o->commit) {
      print_plan(ledger.plan_allocation(r), r.incident);
      return;
    }
    const auto result = ledger.commit_allocation(r);
    print_plan(result.plan, r.incident);
    if (output_format() == OutputFormat::Table) {
      fmt::print("committed as operation {}: {} movement(s), {} call(s)\n",
                 result.posting.operation, result.posting.movements.size(), result.calls.size());
      for (const auto& c : result.calls) {
        fmt::print("  call {}  {}  {}  due {}\n", c.id, c.commitment.str(),
                   c.quantity.to_string(), format_datetime(*c.due, zone()));
      }
    }
  });
}

} // namespace stockpile::cli
