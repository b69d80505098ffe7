// stockpile init — writing: creates the ledger file (or migrates an existing one).
#include <fmt/format.h>

#include "common.hpp"

namespace stockpile::cli {

void setup_init(CLI::App& app) {
  auto* cmd = app.add_subcommand("init", "Create a new ledger file (or bring an existing one "
                                         "up to the current schema)");
  cmd->callback([] {
    const auto path = ledger_path();
    auto ledger = Ledger::create(path, open_options());
    Table t({Column{"path"}, Column{"schema_version", "schema", true}});
    t.add_row({Cell::str(path), Cell::num(std::to_string(ledger.schema_version()))});
    if (output_format() == OutputFormat::Table) {
      fmt::print("ledger {} ready (schema version {})\n", path, ledger.schema_version());
    } else {
      print(t);
    }
  });
}

} // namespace stockpile::cli
