// stockpile report expiry|rotation|aging|custodians — read-only: what needs attention this week
// (有效期, 轮换, 倒垛, contact cards); report readiness|coverage|annual — read-only: what the
// reserve can do and what it did (保障能力, 灾种覆盖, 年报). Every dated report takes --as-of;
// without it, today in the configured time zone (--tz, else $TZ).
#include <fmt/format.h>
#include <array>
#include <set>
#include <span>

#include "common.hpp"
#include "stockpile/clock.hpp"
#include "stockpile/readiness.hpp"
#include "stockpile/report.hpp"

namespace stockpile::cli {

namespace {

struct ReportOptions {
  std::string as_of, within, depot, org, material, buckets, horizon, year, by;
};

std::optional<Date> as_of_of(const ReportOptions& o) {
  if (o.as_of.empty()) return std::nullopt;
  return Date::parse(o.as_of, "--as-of");
}

template <class T> std::optional<T> code_of(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return T(s);
}

Cell opt_qty(const std::optional<Quantity>& q) {
  return q ? Cell::num(q->to_string()) : Cell::null();
}

// A report of several tables: json prints one object keyed by section (`key`), csv one block
// per section under a "# key" line, table a "== title (n rows)" heading per section.
void section(std::string_view key, std::string_view title, const Table& table, bool& first) {
  if (output_format() == OutputFormat::Json) {
    fmt::print("{}  {}: ", first ? "{\n" : ",\n", json_string(key));
    std::string body = render(table, OutputFormat::Json);
    while (!body.empty() && body.back() == '\n') body.pop_back();
    std::string indented;
    for (char c : body) {
      indented += c;
      if (c == '\n') indented += "  ";
    }
    fmt::print("{}", indented);
  } else if (output_format() == OutputFormat::Csv) {
    fmt::print("{}# {}\r\n{}", first ? "" : "\r\n", key,
               render(table, OutputFormat::Csv, RenderOptions{.csv_bom = first && globals().bom}));
  } else {
    fmt::print("{}== {} ({} rows)\n{}", first ? "" : "\n", title, table.size(),
               render(table, OutputFormat::Table));
  }
  first = false;
}

void end_sections() {
  if (output_format() == OutputFormat::Json) fmt::print("\n}}\n");
}

// The expiry report's table, a row at a time as the rows come (for_each_expiry_row), so that
// the report's rows are never held beside it.
class ExpiryTable {
public:
  ExpiryTable()
      : table_({Column{"depot"}, Column{"material"}, Column{"name"}, Column{"lot"},
                Column{"quantity", "qty", true}, Column{"unit"}, Column{"expiry"},
                Column{"days_left", "days left", true}, Column{"bucket"}, Column{"tier"},
                Column{"warning"}}) {}

  void add(const ExpiryRow& r) {
    // Views of the row's own text; what is formatted goes into strings kept across rows, so
    // that 25k rows (the 90-day window at 1M movements) cost no cell strings of their own.
    quantity_ = r.quantity.to_string();
    if (r.expiry) expiry_ = r.expiry->to_string();
    if (r.days_left) days_left_ = std::to_string(*r.days_left);
    bucket_ = r.bucket.label();
    const std::array<CellView, 11> row{{
        {CellKind::Text, r.depot.str()},
        {CellKind::Text, r.material.str()},
        {CellKind::Text, r.name},
        {CellKind::Text, r.lot.str()},
        {CellKind::Number, quantity_},
        {CellKind::Text, r.unit},
        r.expiry ? CellView{CellKind::Text, expiry_} : CellView{},
        r.days_left ? CellView{CellKind::Number, days_left_} : CellView{},
        {CellKind::Text, bucket_},
        {CellKind::Text, to_string(r.tier)},
        {CellKind::Bool, r.warning ? "true" : "false"},
    }};
    table_.add_row(std::span<const CellView>(row));
  }

  [[nodiscard]] const Table& table() const noexcept { return table_; }

private:
  Table table_;
  std::string quantity_, expiry_, days_left_, bucket_;
};

Table rotation_lot_table(const RotationPlan& plan) {
  Table t({Column{"depot"}, Column{"material"}, Column{"name"}, Column{"lot"},
           Column{"quantity", "qty", true}, Column{"unit"}, Column{"expiry"},
           Column{"days_left", "days left", true}, Column{"action"},
           Column{"transfer_to", "to"}, Column{"reason"}});
  for (const auto& l : plan.lots) {
    std::string action(to_string(l.action));
    if (l.transfer_to) action += " to " + l.transfer_to->str();
    t.add_row({Cell::str(l.depot.str()), Cell::str(l.material.str()), Cell::str(l.name),
               Cell::str(l.lot.str()), Cell::num(l.quantity.to_string()), Cell::str(l.unit),
               Cell::str(l.expiry.to_string()), Cell::num(std::to_string(l.days_left)),
               Cell::str(action),
               l.transfer_to ? Cell::str(l.transfer_to->str()) : Cell::null(),
               Cell::str(l.reason)});
  }
  return t;
}

Table procurement_table(const RotationPlan& plan) {
  Table t({Column{"depot"}, Column{"material"}, Column{"name"}, Column{"unit"},
           Column{"min", "", true}, Column{"max", "", true}, Column{"stock", "", true},
           Column{"rotating_out", "out", true}, Column{"after", "", true},
           Column{"procure", "", true}});
  for (const auto& p : plan.procurement) {
    t.add_row({Cell::str(p.depot.str()), Cell::str(p.material.str()), Cell::str(p.name),
               Cell::str(p.unit), opt_qty(p.min), opt_qty(p.max),
               Cell::num(p.stock.to_string()), Cell::num(p.rotating_out.to_string()),
               Cell::num(p.after.to_string()), Cell::num(p.procure.to_string())});
  }
  return t;
}

Table aging_table(const AgingReport& report) {
  Table t({Column{"depot"}, Column{"material"}, Column{"name"}, Column{"lot"},
           Column{"quantity", "qty", true}, Column{"unit"}, Column{"received"},
           Column{"days_held", "days held", true}, Column{"action"}, Column{"tier"}});
  for (const auto& r : report.rows) {
    t.add_row({Cell::str(r.depot.str()), Cell::str(r.material.str()), Cell::str(r.name),
               Cell::str(r.lot.str()), Cell::num(r.quantity.to_string()), Cell::str(r.unit),
               Cell::str(r.received.to_string()), Cell::num(std::to_string(r.days_held)),
               Cell::str(std::string(to_string(r.action))),
               Cell::str(std::string(to_string(r.tier)))});
  }
  return t;
}

std::string contacts_text(const std::vector<Contact>& contacts) {
  std::string out;
  for (const auto& c : contacts) {
    append_joined(out, "; ",
                  fmt::format("{} {}", c.name, c.phone.empty() ? "(no phone)" : c.phone));
  }
  return out;
}

Table custodian_card_table(const std::vector<ContactCard>& cards) {
  Table t({Column{"depot"}, Column{"name"}, Column{"org"}, Column{"keepers"},
           Column{"responsible"}, Column{"alert"}});
  for (const auto& c : cards) {
    std::string alert;
    if (c.keepers.empty()) append_joined(alert, ", ", "no keeper");
    if (c.responsible.empty()) append_joined(alert, ", ", "no responsible person");
    t.add_row({Cell::str(c.depot.str()), Cell::str(c.name), Cell::str(c.org.str()),
               Cell::str(contacts_text(c.keepers)), Cell::str(contacts_text(c.responsible)),
               alert.empty() ? Cell::null() : Cell::str(alert)});
  }
  return t;
}

Cell qty(const Quantity& q) { return Cell::num(q.to_string()); }

Table readiness_table(const ReadinessReport& report) {
  Table t({Column{"scope"}, Column{"code"}, Column{"material"}, Column{"name"}, Column{"unit"},
           Column{"stock", "", true}, Column{"unusable", "", true},
           Column{"agreement", "", true}, Column{"capacity", "", true},
           Column{"social", "", true}, Column{"total", "", true}, Column{"min", "", true},
           Column{"max", "", true}, Column{"shortfall", "", true}, Column{"excess", "", true},
           Column{"status"}});
  for (const auto& r : report.rows) {
    const auto tier = [&](Quantity CommitmentReach::*field) {
      return r.reach ? qty((*r.reach).*field) : Cell::null();
    };
    t.add_row({Cell::str(std::string(to_string(r.kind))), Cell::str(r.scope),
               Cell::str(r.material.str()), Cell::str(r.name), Cell::str(r.unit), qty(r.stock),
               qty(r.unusable), tier(&CommitmentReach::agreement),
               tier(&CommitmentReach::capacity), tier(&CommitmentReach::social), qty(r.total),
               opt_qty(r.min), opt_qty(r.max), qty(r.shortfall), qty(r.excess),
               Cell::str(std::string(to_string(r.status)))});
  }
  return t;
}

Table coverage_matrix_table(const CoverageMatrix& m) {
  // A hazard is one word of lowercase letters, digits and '-' (or non-ASCII), so it can share
  // the columns' namespace with the fixed ones; the one that would collide gets a prefix.
  const std::set<std::string> fixed{"scope", "code", "name", "materials", "covered", "flag",
                                    "depots"};
  std::vector<Column> columns{Column{"scope"}, Column{"code"}, Column{"name"}};
  for (const auto& h : m.hazards) {
    columns.emplace_back(fixed.count(h) != 0 ? "hazard-" + h : h, h, true);
  }
  columns.emplace_back("materials", "", true);
  columns.emplace_back("covered", "", true);
  columns.emplace_back("flag");
  columns.emplace_back("depots", "", true);
  Table t(std::move(columns));
  for (const auto& r : m.rows) {
    std::vector<Cell> row{Cell::str(std::string(to_string(r.kind))), Cell::str(r.scope),
                          Cell::str(r.scope_name)};
    for (const auto& h : m.hazards) {
      const auto it = r.hazards.find(h);
      row.push_back(it == r.hazards.end() ? Cell::null() : Cell::num(std::to_string(it->second)));
    }
    std::string flag(to_string(r.flag));
    if (r.flag == CoverageFlag::SingleHazard) flag += ": " + r.main_hazard;
    row.push_back(Cell::num(std::to_string(r.materials)));
    row.push_back(Cell::num(std::to_string(r.hazards.size())));
    row.push_back(flag.empty() ? Cell::null() : Cell::str(flag));
    row.push_back(Cell::num(std::to_string(r.depots)));
    t.add_row(std::move(row));
  }
  return t;
}

Table coverage_detail_table(const CoverageMatrix& m) {
  Table t({Column{"depot"}, Column{"hazard"}, Column{"material"}, Column{"name"},
           Column{"quantity", "qty", true}, Column{"unit"}});
  for (const auto& d : m.detail) {
    t.add_row({Cell::str(d.depot.str()), Cell::str(d.hazard), Cell::str(d.material.str()),
               Cell::str(d.name), qty(d.quantity), Cell::str(d.unit)});
  }
  return t;
}

Table annual_table(const AnnualReport& report, AnnualGrouping by) {
  std::vector<Column> columns;
  if (by == AnnualGrouping::Depot) columns.emplace_back("depot");
  for (const char* c : {"material", "name", "unit"}) columns.emplace_back(c);
  columns.emplace_back("opening", "", true);
  columns.emplace_back("receipts", "", true);
  columns.emplace_back("issues", "", true);
  columns.emplace_back("transfers_in", "transfer in", true);
  columns.emplace_back("transfers_out", "transfer out", true);
  columns.emplace_back("disposals", "", true);
  columns.emplace_back("adjustments", "adjust", true);
  columns.emplace_back("returns", "", true);
  columns.emplace_back("closing", "", true);
  Table t(std::move(columns));
  for (const auto& r : report.rows) {
    std::vector<Cell> row;
    if (by == AnnualGrouping::Depot) row.push_back(Cell::str(r.depot ? r.depot->str() : ""));
    for (Cell c : {Cell::str(r.material.str()), Cell::str(r.name), Cell::str(r.unit),
                   qty(r.opening), qty(r.receipts), qty(r.issues), qty(r.transfers_in),
                   qty(r.transfers_out), qty(r.disposals), qty(r.adjustments), qty(r.returns),
                   qty(r.closing)}) {
      row.push_back(std::move(c));
    }
    t.add_row(std::move(row));
  }
  return t;
}

void add_as_of(CLI::App* cmd, ReportOptions& o) {
  cmd->add_option("--as-of", o.as_of,
                  "The day the report is for, YYYY-MM-DD (default: today in --tz, else $TZ)");
}

void add_filters(CLI::App* cmd, ReportOptions& o) {
  cmd->add_option("--depot", o.depot, "Only this depot");
  cmd->add_option("--org", o.org, "Only depots of this organisation and those below it");
  cmd->add_option("--material", o.material, "Only this material");
}

} // namespace

void setup_report(CLI::App& app) {
  auto o = std::make_shared<ReportOptions>();
  auto* report = app.add_subcommand(
      "report", "Reports: expiry, rotation, aging, custodians, readiness, coverage, annual");
  report->require_subcommand(1);

  auto* expiry = report->add_subcommand(
      "expiry", "Every lot with stock by days to expiry (有效期), with its warning window");
  add_as_of(expiry, *o);
  expiry->add_option("--within", o->within,
                     "Only lots expiring within this long of --as-of (expired ones always), "
                     "e.g. 90d, 6m");
  add_filters(expiry, *o);
  expiry->add_option("--buckets", o->buckets,
                     "Bucket edges in days, increasing (default 30,60,90,180,365)");
  expiry->callback([o] {
    ExpiryOptions opts;
    opts.as_of = as_of_of(*o);
    if (!o->within.empty()) opts.within = Duration::parse(o->within, "--within");
    if (!o->buckets.empty()) opts.edges = parse_bucket_edges(o->buckets, "--buckets");
    opts.depot = code_of<DepotCode>(o->depot);
    opts.org = code_of<OrgCode>(o->org);
    opts.material = code_of<MaterialCode>(o->material);
    ExpiryTable table;
    (void)for_each_expiry_row(open_ledger(), opts, [&](const ExpiryRow& row) { table.add(row); });
    print(table.table());
  });

  auto* rotation = report->add_subcommand(
      "rotation", "Lots to rotate out (轮换) before they expire, and what to procure to stay at "
                  "quota");
  add_as_of(rotation, *o);
  rotation->add_option("--within", o->within,
                       "Rotate out what expires within this long of --as-of (default 90d)");
  rotation->callback([o] {
    RotationOptions opts;
    opts.as_of = as_of_of(*o);
    if (!o->within.empty()) opts.within = Duration::parse(o->within, "--within");
    const auto plan = rotation_report(open_ledger(), opts);
    bool first = true;
    section("lots",
            fmt::format("rotate out (轮换): lots expiring by {}, as of {}",
                        plan.horizon.to_string(), plan.as_of.to_string()),
            rotation_lot_table(plan), first);
    section("procurement", "procure to keep each depot at its quota minimum",
            procurement_table(plan), first);
    end_sections();
  });

  auto* aging = report->add_subcommand(
      "aging", "Lots held over one year (re-stack, 倒垛) or three years (quality test, 抽样检测)");
  add_as_of(aging, *o);
  add_filters(aging, *o);
  aging->callback([o] {
    AgingOptions opts;
    opts.as_of = as_of_of(*o);
    opts.depot = code_of<DepotCode>(o->depot);
    opts.org = code_of<OrgCode>(o->org);
    opts.material = code_of<MaterialCode>(o->material);
    print(aging_table(aging_report(open_ledger(), opts)));
  });

  auto* custodians = report->add_subcommand(
      "custodians", "The emergency contact card of each depot: keepers and responsible persons");
  custodians->callback([] { print(custodian_card_table(custodian_report(open_ledger()))); });

  auto* readiness = report->add_subcommand(
      "readiness", "Per depot and organisation (战备, 保障能力): usable stock and what commitments "
                   "deliver within the horizon, against the quota; below quota first");
  add_as_of(readiness, *o);
  readiness->add_option("--horizon", o->horizon,
                        "Count commitments that deliver within this long of the start of --as-of "
                        "(default 24h), e.g. 12h, 3d");
  readiness->add_option("--org", o->org, "Only this organisation, those below it, their depots");
  readiness->add_option("--depot", o->depot, "Only this depot");
  readiness->callback([o] {
    ReadinessOptions opts;
    opts.as_of = as_of_of(*o);
    if (!o->horizon.empty()) opts.horizon = Duration::parse(o->horizon, "--horizon");
    opts.org = code_of<OrgCode>(o->org);
    opts.depot = code_of<DepotCode>(o->depot);
    opts.time_zone = time_zone();
    const auto r = readiness_report(open_ledger(), opts);
    say(fmt::format("readiness (保障能力) as of {}: commitments delivering by {} ({} from the "
                    "start of the day)",
                    r.as_of.to_string(), format_datetime(r.by, opts.time_zone),
                    r.horizon.to_string()));
    print(readiness_table(r));
  });

  auto* coverage = report->add_subcommand(
      "coverage", "Hazard coverage (灾种覆盖): per depot and organisation, how many materials "
                  "with usable stock serve each hazard; single-hazard and no-hazard flagged");
  add_as_of(coverage, *o);
  coverage->add_option("--org", o->org, "Only this organisation, those below it, their depots");
  coverage->add_option("--depot", o->depot, "Only this depot");
  coverage->callback([o] {
    CoverageOptions opts;
    opts.as_of = as_of_of(*o);
    opts.org = code_of<OrgCode>(o->org);
    opts.depot = code_of<DepotCode>(o->depot);
    const auto m = coverage_report(open_ledger(), opts);
    bool first = true;
    section("matrix",
            fmt::format("hazard coverage (灾种覆盖) as of {}: materials with usable stock "
                        "serving each hazard",
                        m.as_of.to_string()),
            coverage_matrix_table(m), first);
    section("detail", "usable quantity per depot, hazard and material",
            coverage_detail_table(m), first);
    end_sections();
  });

  auto* annual = report->add_subcommand(
      "annual", "The yearly report (年报): opening balance, receipts, issues, transfers, "
                "write-offs, adjustments, returns and closing balance, checked to add up");
  annual->add_option("--year", o->year, "The calendar year, e.g. 2026")->required();
  annual->add_option("--org", o->org, "Only depots of this organisation and those below it");
  annual->add_option("--depot", o->depot, "Only this depot");
  annual->add_option("--by", o->by, "material (default): one row per material; depot: per "
                                     "depot and material");
  annual->callback([o] {
    AnnualOptions opts;
    opts.year = parse_year(o->year, "--year");
    opts.org = code_of<OrgCode>(o->org);
    opts.depot = code_of<DepotCode>(o->depot);
    if (!o->by.empty()) opts.by = parse_annual_grouping(o->by, "--by");
    const auto r = annual_report(open_ledger(), opts);
    say(fmt::format("annual report (年报) {}: opening balance at the end of {}, closing at the "
                    "end of {}; reversals are netted into the column of what they reverse",
                    r.year, r.opening_day.to_string(), r.closing_day.to_string()));
    print(annual_table(r, opts.by));
  });
}

} // namespace stockpile::cli
