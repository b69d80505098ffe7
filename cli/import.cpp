// stockpile import movements FILE [--dry-run] — writing: opening balances and migrations from a
// spreadsheet or another ledger's CSV export (台账导入), all rows or none.

#include <cstdio>
#include <fmt/format.h>

#include "common.hpp"
#include "stockpile/csv.hpp"

namespace stockpile::cli {

namespace {

struct ImportOptions {
  std::string file;
  bool dry_run = false;
};

} // namespace

void setup_import(CLI::App& app) {
  auto opts = std::make_shared<ImportOptions>();
  auto* group = app.add_subcommand("import", "Import movements from CSV");
  group->require_subcommand(1);
  auto* movements = group->add_subcommand(
      "movements", "Import movements (the columns `export ledger --to csv` writes): every bad "
                   "row is listed, and nothing is written if any is");
  movements->add_option("file", opts->file, "CSV file (UTF-8, with or without BOM)")->required();
  movements->add_flag("--dry-run", opts->dry_run, "Check every row; write nothing");
  movements->callback([opts] {
    const MappedFile file(opts->file);
    auto ledger = open_ledger();
    MovementImportOptions options;
    options.dry_run = opts->dry_run;
    options.progress = progress_line<std::size_t>("importing " + opts->file, "rows");
    const auto r = ledger.import_movements(file, opts->file, options);
    const auto summary = fmt::format(
        "{} rows in {} operations from {}: {} operations ({} movements) {}, {} already in the "
        "ledger",
        r.rows, r.operations, opts->file, r.operations_written, r.movements_written,
        r.dry_run ? "would be written" : "written", r.operations_replayed);
    if (output_format() == OutputFormat::Table) {
      fmt::print("{}{}\n", r.dry_run ? "dry run: " : "imported ", summary);
      if (r.dry_run) fmt::print("nothing was written\n");
      return;
    }
    Table t({Column{"file"}, Column{"rows"}, Column{"operations"}, Column{"operations_written"},
             Column{"movements_written"}, Column{"operations_replayed"}, Column{"dry_run"}});
    t.add_row({Cell::str(opts->file), Cell::num(std::to_string(r.rows)),
               Cell::num(std::to_string(r.operations)),
               Cell::num(std::to_string(r.operations_written)),
               Cell::num(std::to_string(r.movements_written)),
               Cell::num(std::to_string(r.operations_replayed)), Cell::boolean(r.dry_run)});
    print_record(t);
  });
}

} // namespace stockpile::cli
