// stockpile audit — read-only: what an auditor asks first. The ledger file and its schema,
// the organisation network with its depots and named custodians, and the catalog.
#include <fmt/format.h>

#include "common.hpp"
#include "stockpile/table.hpp"

namespace stockpile::cli {

namespace {

void section(std::string_view title, const Table& table, bool& first) {
  if (output_format() == OutputFormat::Json) {
    // One JSON object keyed by section, each an array of objects like the listings.
    fmt::print("{}  {}: ", first ? "{\n" : ",\n", json_string(title));
    std::string body = render(table, OutputFormat::Json);
    while (!body.empty() && body.back() == '\n') body.pop_back();
    // Indent the nested array by two spaces so the whole document stays readable.
    std::string indented;
    for (char c : body) {
      indented += c;
      if (c == '\n') indented += "  ";
    }
    fmt::print("{}", indented);
  } else if (output_format() == OutputFormat::Csv) {
    fmt::print("{}# {}\r\n{}", first ? "" : "\r\n", title, render(table, OutputFormat::Csv));
  } else {
    fmt::print("{}== {} ({})\n{}", first ? "" : "\n", title, table.size(),
               render(table, OutputFormat::Table));
  }
  first = false;
}

} // namespace

void setup_audit(CLI::App& app) {
  auto* cmd = app.add_subcommand("audit", "Print an audit of the ledger: network, custodians, "
                                          "catalog");
  cmd->callback([] {
    auto ledger = open_ledger();
    if (output_format() == OutputFormat::Table) {
      fmt::print("stockpile audit of {} (schema version {})\n\n", ledger.path().string(),
                 ledger.schema_version());
    }
    bool first = true;
    section("organisations", org_table(ledger.organisations()), first);
    section("depots", depot_table(ledger, ledger.depots()), first);
    section("custodians", custodian_table(ledger.custodians()), first);
    section("materials", material_table(ledger.materials()), first);
    if (output_format() == OutputFormat::Json) fmt::print("\n}}\n");
  });
}

} // namespace stockpile::cli
