// stockpile report expiry|rotation|aging|custodians — read-only: what needs attention this week
// (有效期, 轮换, 倒垛, contact cards). Every dated report takes --as-of; without it, today in the
// configured time zone (--tz, else $TZ).
#include <fmt/format.h>

#include "common.hpp"
#include "stockpile/report.hpp"

namespace stockpile::cli {

namespace {

struct ReportOptions {
  std::string as_of, within, depot, org, material, buckets;
};

std::optional<Date> as_of_of(const ReportOptions& o) {
  if (o.as_of.empty()) return std::nullopt;
  return Date::parse(o.as_of, "--as-of");
}

template <class T> std::optional<T> code_of(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return T(s);
}

Cell opt_date(const std::optional<Date>& d) {
  return d ? Cell::str(d->to_string()) : Cell::null();
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

Table expiry_table(const ExpiryReport& report) {
  Table t({Column{"depot"}, Column{"material"}, Column{"name"}, Column{"lot"},
           Column{"quantity", "qty", true}, Column{"unit"}, Column{"expiry"},
           Column{"days_left", "days left", true}, Column{"bucket"}, Column{"tier"},
           Column{"warning"}});
  for (const auto& r : report.rows) {
    t.add_row({Cell::str(r.depot.str()), Cell::str(r.material.str()), Cell::str(r.name),
               Cell::str(r.lot.str()), Cell::num(r.quantity.to_string()), Cell::str(r.unit),
               opt_date(r.expiry),
               r.days_left ? Cell::num(std::to_string(*r.days_left)) : Cell::null(),
               Cell::str(r.bucket.label()), Cell::str(std::string(to_string(r.tier))),
               Cell::boolean(r.warning)});
  }
  return t;
}

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
  auto* report = app.add_subcommand("report", "Reports: expiry, rotation, aging, custodians");
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
    print(expiry_table(expiry_report(open_ledger(), opts)));
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
}

} // namespace stockpile::cli
