// stockpile export ledger — read-only: the ledger (台账) as CSV, JSON Lines, a ledger/hledger
// journal or an Excel workbook, written whole or not at all.

#include <cctype>
#include <cstdio>
#include <fmt/format.h>
#include <iostream>

#include "common.hpp"
#include "stockpile/error.hpp"
#include "stockpile/export.hpp"

namespace stockpile::cli {

namespace {

struct ExportCliOptions {
  std::vector<std::string> to; // the format, and optionally the last day (told apart by value)
  std::string out, from, depot, org;
};

// --to names the format (csv, jsonl, journal, xlsx) and, given a second time, the last day
// (YYYY-MM-DD): `--to csv --to 2026-12-31`. A value starting with a digit is a day.
void read_to(const std::vector<std::string>& values, std::optional<ExportFormat>& format,
             std::optional<Date>& last_day) {
  for (const auto& v : values) {
    if (!v.empty() && std::isdigit(static_cast<unsigned char>(v.front())) != 0) {
      if (last_day) {
        throw InvalidInput("--to", v,
                           fmt::format("a second last day; --to {} was given already",
                                       last_day->to_string()));
      }
      last_day = Date::parse(v, "--to");
      continue;
    }
    ExportFormat f{};
    try {
      f = parse_export_format(v, "--to");
    } catch (const InvalidInput&) {
      throw InvalidInput("--to", v,
                         "expected a format (csv, jsonl, journal or xlsx) or a last day "
                         "YYYY-MM-DD");
    }
    if (format) {
      throw InvalidInput("--to", v,
                         fmt::format("a second format; --to {} was given already",
                                     to_string(*format)));
    }
    format = f;
  }
  if (!format) {
    throw UsageError("--to: name the format: csv, jsonl, journal or xlsx (see stockpile export "
                     "ledger --help)");
  }
}

} // namespace

void setup_export(CLI::App& app) {
  auto o = std::make_shared<ExportCliOptions>();
  auto* group = app.add_subcommand("export", "Export the ledger (台账导出); read-only");
  group->require_subcommand(1);
  auto* ledger = group->add_subcommand(
      "ledger", "The movement history as CSV, JSON Lines, a ledger/hledger journal or an Excel "
                "workbook; written to a temporary file and renamed into place when complete");
  ledger
      ->add_option("--to", o->to,
                   "The format: csv, jsonl, journal or xlsx; given again with a day YYYY-MM-DD: "
                   "the last day exported (--to csv --to 2026-12-31)")
      ->required()
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  ledger->add_option("--out", o->out, "The file to write; - for standard output (not for xlsx)")
      ->required();
  ledger->add_option("--from", o->from, "Only movements from this day, YYYY-MM-DD");
  ledger->add_option("--depot", o->depot, "Only this depot");
  ledger->add_option("--org", o->org, "Only depots of this organisation and those below it");
  ledger->callback([o] {
    std::optional<ExportFormat> format;
    ExportOptions options;
    read_to(o->to, format, options.to);
    if (!o->from.empty()) options.from = Date::parse(o->from, "--from");
    if (!o->depot.empty()) options.depot = DepotCode(o->depot);
    if (!o->org.empty()) options.org = OrgCode(o->org);
    options.bom = globals().bom;
    if (o->out == "-" && *format == ExportFormat::Xlsx) {
      throw InvalidInput("--out", o->out,
                         "an Excel workbook is binary; name a file to write it to");
    }
    options.progress = progress_line<std::int64_t>("exporting", "movements");
    const auto ledger_file = open_ledger();
    if (o->out == "-") {
      (void)export_ledger(ledger_file, *format, std::cout, options);
      return;
    }
    const auto result = export_ledger(ledger_file, *format, std::filesystem::path(o->out), options);
    say(fmt::format("exported {} movements to {} ({})", result.movements, o->out,
                    to_string(*format)));
  });
}

} // namespace stockpile::cli
