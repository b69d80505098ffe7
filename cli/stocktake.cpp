// stockpile stocktake start|sheet|count|import|review|close|cancel|list|show — 盘点.
// start, count, import, close, cancel: writing; sheet, review, list, show: read-only.
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <system_error>
#include <map>

#include "common.hpp"
#include "stockpile/csv.hpp"
#include "stockpile/error.hpp"

namespace stockpile::cli {

namespace {

struct StocktakeOptions {
  std::int64_t id = 0;
  std::string depot, date, actor, material, lot, qty, counter, expiry, note, file, out;
  std::string approver, reason, uncounted;
  std::vector<std::string> materials, line_reasons;
  bool blind = false, dry_run = false, totals = false;
};


Cell qty_cell(const std::optional<Quantity>& q) {
  return q ? Cell::num(q->to_string()) : Cell::null();
}

std::string permille_text(std::int64_t p) {
  const std::int64_t a = p < 0 ? -p : p;
  return fmt::format("{}{}.{}", p < 0 ? "-" : "", a / 10, a % 10);
}

Table stocktake_table(const std::vector<Stocktake>& list) {
  Table t({Column{"id", "", true}, Column{"depot"}, Column{"state"}, Column{"blind"},
           Column{"date"}, Column{"started_by"}, Column{"lines", "", true},
           Column{"counted", "", true}, Column{"approver"}, Column{"operation", "op", true}});
  for (const auto& s : list) {
    t.add_row({Cell::num(std::to_string(s.id)), Cell::str(s.depot.str()),
               Cell::str(std::string(to_string(s.state))), Cell::boolean(s.blind),
               Cell::str(s.date.to_string()), Cell::str(s.started_by.str()),
               Cell::num(std::to_string(s.lines)), Cell::num(std::to_string(s.counted)),
               s.approver ? Cell::str(s.approver->str()) : Cell::null(),
               s.operation ? Cell::num(std::to_string(*s.operation)) : Cell::null()});
  }
  return t;
}

// The count sheet. A blind sheet has no book column at all.
Table sheet_table(const std::vector<StocktakeLine>& lines, bool hidden) {
  std::vector<Column> cols{Column{"line", "", true}, Column{"material"}, Column{"name"},
                           Column{"specification", "spec"}, Column{"unit"}, Column{"lot"},
                           Column{"expiry"}, Column{"status"}};
  if (!hidden) cols.emplace_back("book", "", true);
  cols.emplace_back("counted");
  Table t(std::move(cols));
  for (const auto& l : lines) {
    std::vector<Cell> row{Cell::num(std::to_string(l.line)), Cell::str(l.material.str()),
                          Cell::str(l.name), Cell::str(l.specification), Cell::str(l.unit),
                          Cell::str(l.lot.number.str()),
                          l.lot.expiry ? Cell::str(l.lot.expiry->to_string()) : Cell::null(),
                          Cell::str(std::string(to_string(l.lot.status)))};
    if (!hidden) row.push_back(qty_cell(l.book_at_start));
    row.push_back(Cell::str("")); // to be filled in on the shelf
    t.add_row(std::move(row));
  }
  return t;
}

Table review_table(const std::vector<Variance>& review, bool hidden) {
  std::vector<Column> cols{Column{"line", "", true}, Column{"material"}, Column{"name"},
                           Column{"lot"}};
  if (!hidden) cols.emplace_back("book", "", true);
  cols.emplace_back("counted", "", true);
  if (!hidden) {
    cols.emplace_back("variance", "", true);
    cols.emplace_back("variance_pct", "var %", true);
  }
  cols.emplace_back("unit");
  cols.emplace_back("counter");
  cols.emplace_back("counts", "", true);
  cols.emplace_back("found");
  Table t(std::move(cols));
  for (const auto& v : review) {
    std::vector<Cell> row{Cell::num(std::to_string(v.line.line)), Cell::str(v.line.material.str()),
                          Cell::str(v.line.name), Cell::str(v.line.lot.number.str())};
    if (!hidden) row.push_back(qty_cell(v.book));
    row.push_back(qty_cell(v.counted));
    if (!hidden) {
      row.push_back(v.counted ? qty_cell(v.variance) : Cell::null());
      const auto p = v.counted ? v.permille() : std::nullopt;
      row.push_back(p ? Cell::num(permille_text(*p)) : Cell::null());
    }
    row.push_back(Cell::str(v.line.unit));
    row.push_back(v.counter ? Cell::str(v.counter->str()) : Cell::null());
    row.push_back(Cell::num(std::to_string(v.counts)));
    row.push_back(Cell::boolean(v.line.found));
    t.add_row(std::move(row));
  }
  return t;
}

Table totals_table(const std::vector<Variance>& review, bool hidden) {
  struct Total {
    std::string name, unit;
    Quantity book, counted, variance;
    int lines = 0, uncounted = 0;
  };
  std::map<std::string, Total> totals;
  for (const auto& v : review) {
    auto& t = totals[v.line.material.str()];
    t.name = v.line.name;
    t.unit = v.line.unit;
    ++t.lines;
    if (v.book) t.book += *v.book;
    if (v.counted) {
      t.counted += *v.counted;
      if (v.variance) t.variance += *v.variance;
    } else {
      ++t.uncounted;
    }
  }
  std::vector<Column> cols{Column{"material"}, Column{"name"}, Column{"lines", "", true},
                           Column{"uncounted", "", true}};
  if (!hidden) cols.emplace_back("book", "", true);
  cols.emplace_back("counted", "", true);
  if (!hidden) cols.emplace_back("variance", "", true);
  cols.emplace_back("unit");
  Table out(std::move(cols));
  for (const auto& [code, t] : totals) {
    std::vector<Cell> row{Cell::str(code), Cell::str(t.name), Cell::num(std::to_string(t.lines)),
                          Cell::num(std::to_string(t.uncounted))};
    if (!hidden) row.push_back(Cell::num(t.book.to_string()));
    row.push_back(Cell::num(t.counted.to_string()));
    if (!hidden) row.push_back(Cell::num(t.variance.to_string()));
    row.push_back(Cell::str(t.unit));
    out.add_row(std::move(row));
  }
  return out;
}

bool hidden_for(const Stocktake& s) { return s.blind && s.state == StocktakeState::Open; }

} // namespace

void setup_stocktake(CLI::App& app) {
  auto o = std::make_shared<StocktakeOptions>();
  auto* group = app.add_subcommand("stocktake", "Stocktakes (盘点): counts that tolerate "
                                                "movement, blind sheets, review and approval");
  group->require_subcommand(1);

  auto* start = group->add_subcommand("start", "Open a stocktake of a depot");
  start->add_option("--depot", o->depot, "Depot code")->required();
  start->add_option("--material", o->materials, "Only these materials (repeatable)");
  start->add_flag("--blind", o->blind, "Blind count: no book quantity shown until closed");
  not_empty(start->add_option("--date", o->date, "Count day (default: today)"));
  not_empty(start->add_option("--actor", o->actor, "Custodian (default: $STOCKPILE_ACTOR)"));
  start->callback([o] {
    auto ledger = open_ledger();
    StartStocktake r{.depot = DepotCode(o->depot),
                     .materials = {},
                     .blind = o->blind,
                     .date = o->date.empty() ? ledger.today() : Date::parse(o->date, "--date"),
                     .actor = actor_or_env(o->actor)};
    for (const auto& m : o->materials) r.materials.emplace_back(m);
    const auto s = ledger.start_stocktake(r);
    say(fmt::format("stocktake {} open at depot {}: {} lines to count{}", s.id, s.depot.str(),
                    s.lines, s.blind ? " (blind)" : ""));
    if (output_format() != OutputFormat::Table) print(stocktake_table({s}));
  });

  auto* sheet = group->add_subcommand("sheet", "Print the count sheet (or write it as CSV)");
  sheet->add_option("id", o->id, "Stocktake id")->required();
  sheet->add_option("--out", o->out, "Write the sheet as CSV (UTF-8 with BOM, for Excel) here");
  sheet->callback([o] {
    auto ledger = open_ledger();
    const auto s = ledger.stocktake(o->id);
    const auto t = sheet_table(ledger.stocktake_sheet(o->id), hidden_for(s));
    if (o->out.empty()) {
      print(t);
      return;
    }
    // Name the option and the reason, as export does: "cannot write" alone leaves a keeper
    // guessing between a directory, a missing folder and a full disk.
    const auto fail = [&](const std::string& why) {
      return StorageError(fmt::format("--out {}: {}", quote(o->out), why));
    };
    std::error_code ec;
    if (std::filesystem::is_directory(o->out, ec)) throw fail("is a directory; name a file");
    errno = 0;
    std::ofstream out(o->out, std::ios::binary | std::ios::trunc);
    if (!out) {
      throw fail("cannot write: " + (errno != 0 ? std::generic_category().message(errno)
                                                : std::string("cannot create the file")));
    }
    out << render(t, OutputFormat::Csv, RenderOptions{.csv_bom = true});
    if (!out.flush()) throw fail("cannot write: the disk refused the data");
    say(fmt::format("wrote {} lines to {}", t.size(), o->out));
  });

  auto* count = group->add_subcommand("count", "Record the count of one lot");
  count->add_option("id", o->id, "Stocktake id")->required();
  count->add_option("--material", o->material, "Material code")->required();
  count->add_option("--lot", o->lot, "Lot number (- for materials without lots)")->required();
  count->add_option("--qty", o->qty, "Quantity on the shelf")->required();
  count->add_option("--counter", o->counter, "Who counted (default: $STOCKPILE_ACTOR)");
  count->add_option("--expiry", o->expiry, "Expiry date of a lot the books do not know");
  count->add_option("--note", o->note, "Note");
  count->callback([o] {
    auto ledger = open_ledger();
    CountRequest r{.material = MaterialCode(o->material),
                   .lot = LotNumber(o->lot),
                   .quantity = Quantity::parse(o->qty, "--qty"),
                   .counter = actor_or_env(o->counter, "--counter"),
                   .expiry = std::nullopt,
                   .note = o->note};
    if (!o->expiry.empty()) r.expiry = Date::parse(o->expiry, "--expiry");
    ledger.count(o->id, r);
    say(fmt::format("counted {} {} lot {} in stocktake {}", r.quantity.to_string(),
                    r.material.str(), r.lot.str(), o->id));
  });

  auto* import = group->add_subcommand("import", "Import a filled count sheet (CSV): every bad "
                                                 "row is listed; nothing is written if any");
  import->add_option("id", o->id, "Stocktake id")->required();
  import->add_option("file", o->file, "CSV with columns material, lot, counted")->required();
  import->add_option("--counter", o->counter,
                     "Who counted rows without a counter column (default: $STOCKPILE_ACTOR)");
  import->add_flag("--dry-run", o->dry_run, "Check and show the review; write nothing");
  import->callback([o] {
    // Mapped, not read: a count sheet of a whole central depot runs to millions of rows.
    const MappedFile file(o->file);
    auto ledger = open_ledger();
    const auto s = ledger.stocktake(o->id);
    const auto result =
        ledger.import_counts(o->id, file.text(), o->file, actor_or_env(o->counter, "--counter"),
                             o->dry_run);
    if (o->dry_run) {
      say(fmt::format("dry run: {} is valid; nothing was written. The review would be:", o->file));
      print(review_table(result.review, hidden_for(s)));
    } else {
      say(fmt::format("imported {} count(s) of {} into stocktake {}{}", result.counted, o->file,
                      o->id,
                      result.found == 0
                          ? std::string()
                          : fmt::format(" ({} lot(s) not on the sheet added as found lines)",
                                        result.found)));
    }
  });

  auto* review = group->add_subcommand("review", "Book, counted and variance per line");
  review->add_option("id", o->id, "Stocktake id")->required();
  review->add_flag("--totals", o->totals, "Totals per material instead of lines");
  review->callback([o] {
    auto ledger = open_ledger();
    const auto s = ledger.stocktake(o->id);
    const auto lines = ledger.stocktake_review(o->id);
    print(o->totals ? totals_table(lines, hidden_for(s)) : review_table(lines, hidden_for(s)));
  });

  auto* close = group->add_subcommand("close", "Approve and post one adjustment per variance");
  close->add_option("id", o->id, "Stocktake id")->required();
  close->add_option("--approved-by", o->approver, "Approver: a custodian who counted no line")
      ->required();
  close->add_option("--reason", o->reason,
                    "Reason for every variance: miscounted, lost, found, damaged, expired, "
                    "issued-without-record, other");
  close->add_option("--line-reason", o->line_reasons,
                    "MATERIAL/LOT=REASON for one line (repeatable)");
  close->add_option("--note", o->note, "Note (required with reason other)");
  close->add_option("--uncounted", o->uncounted,
                    "zero: uncounted lines are empty; keep: leave them as booked");
  not_empty(close->add_option("--date", o->date, "Day of the adjustments (default: today)"));
  not_empty(close->add_option("--actor", o->actor,
                              "Custodian closing it (default: $STOCKPILE_ACTOR)"));
  close->callback([o] {
    auto ledger = open_ledger();
    CloseStocktake r{.approver = CustodianId(o->approver),
                     .actor = actor_or_env(o->actor),
                     .date = o->date.empty() ? ledger.today() : Date::parse(o->date, "--date"),
                     .default_reason = std::nullopt,
                     .reasons = {},
                     .note = o->note,
                     .uncounted = Uncounted::Block};
    if (!o->reason.empty()) r.default_reason = parse_variance_reason(o->reason);
    if (!o->uncounted.empty()) r.uncounted = parse_uncounted(o->uncounted);
    for (const auto& lr : o->line_reasons) {
      const auto eq = lr.find('=');
      if (eq == std::string::npos) {
        throw InvalidInput("--line-reason", lr, "expected MATERIAL/LOT=REASON");
      }
      r.reasons[lr.substr(0, eq)] = parse_variance_reason(lr.substr(eq + 1), "--line-reason");
    }
    const auto posting = ledger.close_stocktake(o->id, r);
    if (output_format() != OutputFormat::Table) {
      print(movement_table(posting.movements, true));
      return;
    }
    fmt::print("stocktake {} closed; operation {} posted {} adjustment(s)\n", o->id,
               posting.operation, posting.movements.size());
    for (const auto& m : posting.movements) {
      fmt::print("  movement {}  adjust  {} {}  lot {}  ({})\n", m.id, m.quantity.to_string(),
                 m.material.str(), m.lot.str(), m.reason);
    }
  });

  auto* cancel = group->add_subcommand("cancel", "Cancel an open stocktake (nothing is posted)");
  cancel->add_option("id", o->id, "Stocktake id")->required();
  cancel->add_option("--reason", o->reason, "Why")->required();
  not_empty(cancel->add_option("--actor", o->actor, "Custodian (default: $STOCKPILE_ACTOR)"));
  cancel->callback([o] {
    open_ledger().cancel_stocktake(o->id, actor_or_env(o->actor), o->reason);
    say(fmt::format("stocktake {} cancelled", o->id));
  });

  auto* list = group->add_subcommand("list", "Stocktakes, oldest first");
  list->add_option("--depot", o->depot, "Only this depot");
  list->callback([o] {
    std::optional<DepotCode> depot;
    if (!o->depot.empty()) depot = DepotCode(o->depot);
    print(stocktake_table(open_ledger().stocktakes(depot)));
  });

  auto* show = group->add_subcommand("show", "One stocktake");
  show->add_option("id", o->id, "Stocktake id")->required();
  show->callback([o] { print_record(stocktake_table({open_ledger().stocktake(o->id)})); });
}

} // namespace stockpile::cli
