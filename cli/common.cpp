#include "common.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>

#include "stockpile/clock.hpp"
#include "stockpile/error.hpp"

namespace stockpile::cli {

Globals& globals() {
  static Globals g;
  return g;
}

std::string ledger_path() {
  if (!globals().db.empty()) return globals().db;
  if (const char* env = std::getenv("STOCKPILE_DB"); env && *env) return env;
  return "stockpile.db";
}

OpenOptions open_options() {
  OpenOptions o;
  o.time_zone = time_zone();
  // STOCKPILE_NOW fixes the recording clock, so golden tests and reproducible demos print
  // the same timestamps every run.
  if (const char* now = std::getenv("STOCKPILE_NOW"); now && *now) {
    const auto t = parse_utc_timestamp(now, "STOCKPILE_NOW");
    o.clock = [t] { return t; };
  }
  return o;
}

std::string time_zone() {
  if (!globals().tz.empty()) return globals().tz;
  if (const char* tz = std::getenv("TZ"); tz && *tz) return *tz == ':' ? tz + 1 : tz;
  return {};
}

Ledger open_ledger() { return Ledger::open(ledger_path(), open_options()); }

OutputFormat output_format() { return parse_output_format(globals().format); }

void print(const Table& table) {
  // Written piece by piece as rendered: fmt::print copies its argument into a buffer first,
  // and a whole rendered report is megabytes for one over every depot.
  render(table, output_format(), RenderOptions{.csv_bom = globals().bom},
         [](std::string_view piece) {
           if (std::fwrite(piece.data(), 1, piece.size(), stdout) != piece.size()) {
             throw fmt::system_error(errno, "cannot write to file"); // as fmt::print would
           }
         });
}

namespace {
std::string render_cell_text(CellView c) {
  switch (c.kind) {
  case CellKind::Bool: return c.text == "true" ? "yes" : "no";
  case CellKind::Null: return "";
  default: return std::string(c.text);
  }
}
} // namespace

void print_record(const Table& table) {
  if (output_format() != OutputFormat::Table) {
    print(table);
    return;
  }
  Table vertical({Column{"field", "", false}, Column{"value", "", false}});
  for (std::size_t r = 0; r < table.size(); ++r) {
    for (std::size_t i = 0; i < table.columns().size(); ++i) {
      const auto& c = table.columns()[i];
      const CellView v = table.at(r, i);
      vertical.add_row({Cell::str(c.title.empty() ? c.name : c.title),
                        Cell::str(v.kind == CellKind::Text ? std::string(v.text)
                                                           : render_cell_text(v))});
    }
  }
  fmt::print("{}", render(vertical, OutputFormat::Table));
}

CustodianId actor_or_env(const std::string& given, std::string_view field) {
  std::string id = given;
  if (id.empty()) {
    if (const char* env = std::getenv("STOCKPILE_ACTOR"); env && *env) id = env;
  }
  if (id.empty()) {
    throw UsageError(fmt::format("{}: every write names who made it; give {} ID or set "
                                 "STOCKPILE_ACTOR",
                                 field, field));
  }
  return CustodianId(id);
}

CLI::Option* not_empty(CLI::Option* opt) {
  // A validator runs while the command line is parsed, before any command touches the ledger.
  return opt->each([name = opt->get_name()](const std::string& value) {
    if (value.empty()) {
      throw InvalidInput(name, value, "must not be empty; leave the option out for its default");
    }
  });
}

void append_joined(std::string& out, std::string_view sep, std::string_view part) {
  if (!out.empty()) out.append(sep);
  out.append(part);
}

void say(const std::string& line) {
  if (output_format() == OutputFormat::Table) fmt::print("{}\n", line);
}

} // namespace stockpile::cli

namespace stockpile::cli {

bool stderr_is_terminal() { return isatty(STDERR_FILENO) != 0; }

void show_progress(const std::string& what, const std::string& unit, long long done,
                   long long total) {
  fmt::print(stderr, "\r{}: {}/{} {}{}", what, done, total, unit, done == total ? "\n" : "");
  std::fflush(stderr);
}

} // namespace stockpile::cli
