// stockpile depot add|list|import — depots (储备库), each owned by one organisation.
// add, import: writing; list: read-only.
#include <fmt/format.h>
#include <map>

#include "common.hpp"
#include "stockpile/csv.hpp"

namespace stockpile::cli {

namespace {

struct DepotOptions {
  std::string code, name, org, address, file;
};


} // namespace

void setup_depot(CLI::App& app) {
  auto opts = std::make_shared<DepotOptions>();
  auto* group = app.add_subcommand("depot", "Depots (储备库) and who owns them");
  group->require_subcommand(1);

  auto* add = group->add_subcommand("add", "Add a depot");
  add->add_option("code", opts->code, "Depot code")->required();
  add->add_option("--name", opts->name, "Name, e.g. 柳南区救灾物资仓库")->required();
  add->add_option("--org", opts->org, "Owning organisation")->required();
  add->add_option("--address", opts->address, "Address");
  add->callback([opts] {
    Depot d{.code = DepotCode(opts->code),
            .name = opts->name,
            .org = OrgCode(opts->org),
            .address = opts->address};
    auto ledger = open_ledger();
    ledger.add_depot(d);
    say(fmt::format("added depot {} ({}) owned by {}", d.code.str(), d.name, d.org.str()));
    if (output_format() != OutputFormat::Table) print(depot_table(ledger, {d}));
  });

  auto* list = group->add_subcommand("list", "List depots");
  list->callback([] {
    auto ledger = open_ledger();
    print(depot_table(ledger, ledger.depots()));
  });

  auto* import = group->add_subcommand("import", "Import depots from CSV "
                                                 "(code,name,org,address); all or nothing");
  import->add_option("file", opts->file, "CSV file")->required();
  import->callback([opts] {
    const auto text = read_file(opts->file);
    auto n = open_ledger().import_depots(text, opts->file);
    say(fmt::format("imported {} depots from {}", n, opts->file));
  });
}

} // namespace stockpile::cli
