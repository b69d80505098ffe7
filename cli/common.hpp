// What every command group shares: the global options, opening the ledger, printing.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <string>

#include "stockpile/ledger.hpp"
#include "stockpile/table.hpp"

namespace stockpile::cli {

struct Globals {
  std::string db;             // --db, else STOCKPILE_DB, else ./stockpile.db
  std::string format = "table";
  bool bom = false;           // --bom: CSV output starts with a byte-order mark
  std::string tz;             // --tz: the time zone "today" is computed in (else $TZ)
};

// The time zone for dates and local times: --tz, else $TZ, else the system's zone ("").
[[nodiscard]] std::string time_zone();

Globals& globals();

[[nodiscard]] std::string ledger_path();
[[nodiscard]] OpenOptions open_options();
[[nodiscard]] Ledger open_ledger();
[[nodiscard]] OutputFormat output_format();

// Who makes a write: the option's value, else $STOCKPILE_ACTOR; neither is a usage error
// naming `field` (every movement names its custodian).
[[nodiscard]] CustodianId actor_or_env(const std::string& given,
                                       std::string_view field = "--actor");

// Refuses an empty value for `opt` (InvalidInput, exit 1). For options whose empty string
// means "left out, use the default": `--date ''` from a script whose variable is unset must
// not quietly become today (or `--actor ''` the $STOCKPILE_ACTOR of the shell).
CLI::Option* not_empty(CLI::Option* opt);

// A progress line on stderr ("\rWHAT: DONE/TOTAL UNIT"), only when stderr is a terminal so a
// script or a log never sees carriage returns; empty (no progress) when it is not.
template <class N>
[[nodiscard]] std::function<void(N, N)> progress_line(std::string what, std::string unit);
[[nodiscard]] bool stderr_is_terminal();
void show_progress(const std::string& what, const std::string& unit, long long done,
                   long long total);
template <class N>
std::function<void(N, N)> progress_line(std::string what, std::string unit) {
  if (!stderr_is_terminal()) return {};
  return [what = std::move(what), unit = std::move(unit)](N done, N total) {
    show_progress(what, unit, static_cast<long long>(done), static_cast<long long>(total));
  };
}

// Appends part to out, with sep between parts (no leading separator).
void append_joined(std::string& out, std::string_view sep, std::string_view part);

// Prints a listing in the chosen --format.
void print(const Table& table);
// Prints one record: vertically ("field  value" lines) as a table, else like print().
void print_record(const Table& table);
// A confirmation for a write, shown only in table format (json/csv print the record instead).
void say(const std::string& line);

// Tables for the reference data (cli/tables.cpp).
[[nodiscard]] Table material_table(const std::vector<Material>& materials);
[[nodiscard]] Table org_table(const std::vector<Organisation>& orgs);
[[nodiscard]] Table depot_table(const Ledger& ledger, const std::vector<Depot>& depots);
[[nodiscard]] Table custodian_table(const std::vector<Custodian>& custodians);
// full: every field (json, csv, and what a write prints); else what fits a terminal.
[[nodiscard]] Table movement_table(const std::vector<Movement>& movements, bool full);
// day: the day the lot statuses are shown for (expired or not).
[[nodiscard]] Table stock_table(const std::vector<StockTotal>& totals, StockGrouping by, Date day);
// The same table a total at a time (stock streams the ledger's totals into it).
class StockTable {
public:
  StockTable(StockGrouping by, Date day);
  void add(const StockTotal& total);
  void reserve(std::size_t rows) { table_.reserve(rows, 48); } // about a row's text
  [[nodiscard]] Table take() && { return std::move(table_); }

private:
  static std::vector<Column> columns(StockGrouping by);
  Table table_;
  Date day_;
};

// Registers each command group (one file each).
void setup_init(CLI::App& app);
void setup_material(CLI::App& app);
void setup_org(CLI::App& app);
void setup_depot(CLI::App& app);
void setup_custodian(CLI::App& app);
void setup_audit(CLI::App& app);
void setup_report(CLI::App& app);  // cli/report.cpp
void setup_inspect(CLI::App& app); // cli/inspect.cpp
void setup_export(CLI::App& app);  // cli/export.cpp
void setup_import(CLI::App& app);  // cli/import.cpp
void setup_movements(CLI::App& app);
void setup_stock(CLI::App& app);
void setup_stocktake(CLI::App& app);
void setup_reserve(CLI::App& app); // after setup_depot: adds depot dispatch

} // namespace stockpile::cli
