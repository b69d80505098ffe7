// stockpile audit — read-only: what an auditor asks first. Does the ledger verify (hash chain
// and balances)? Who owns which depot, who keeps it, and what does each depot hold?
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
    const std::string count = title == "ledger" ? "" : fmt::format(" ({} rows)", table.size());
    fmt::print("{}== {}{}\n{}", first ? "" : "\n", title, count,
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
    // verify throws IntegrityError (exit 3) on a broken ledger: an audit stops right there.
    const auto check = ledger.verify();
    const auto stock = ledger.stock();
    Table summary({Column{"ledger"}, Column{"schema_version", "schema", true},
                   Column{"materials", "", true}, Column{"depots", "", true},
                   Column{"movements", "", true}, Column{"head_hash", "head hash"},
                   Column{"verified"}});
    summary.add_row({Cell::str(ledger.path().string()),
                     Cell::num(std::to_string(ledger.schema_version())),
                     Cell::num(std::to_string(ledger.materials().size())),
                     Cell::num(std::to_string(ledger.depots().size())),
                     Cell::num(std::to_string(check.movements)), Cell::str(check.head_hash),
                     Cell::boolean(true)});
    bool first = true;
    section("ledger", summary, first);
    section("organisations", org_table(ledger.organisations()), first);
    section("depots", depot_table(ledger, ledger.depots()), first);
    section("custodians", custodian_table(ledger.custodians()), first);
    section("stock by depot", stock_table(group_stock(stock, StockGrouping::Depot),
                                          StockGrouping::Depot, ledger.today()),
            first);
    if (output_format() == OutputFormat::Json) fmt::print("\n}}\n");
  });
}

} // namespace stockpile::cli
