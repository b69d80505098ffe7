// stockpile custodian add|list|assign|import — named people responsible for reserves.
// add, assign, import: writing; list: read-only.
#include <algorithm>
#include <fmt/format.h>

#include "common.hpp"
#include "stockpile/csv.hpp"

namespace stockpile::cli {

namespace {

struct CustodianOptions {
  std::string id, name, phone, roles, file;
  std::vector<std::string> depots;
};


} // namespace

void setup_custodian(CLI::App& app) {
  auto opts = std::make_shared<CustodianOptions>();
  auto* group = app.add_subcommand("custodian", "Custodians: keepers (保管员), responsible "
                                                "persons (责任人), inspectors");
  group->require_subcommand(1);

  auto* add = group->add_subcommand("add", "Add a custodian");
  add->add_option("id", opts->id, "Custodian id, e.g. wang.li")->required();
  add->add_option("--name", opts->name, "Full name")->required();
  add->add_option("--phone", opts->phone, "Phone number");
  add->add_option("--roles", opts->roles, "keeper, responsible, inspector (comma-separated)");
  add->add_option("--depot", opts->depots, "Assign to this depot (repeatable)");
  add->callback([opts] {
    Custodian c{.id = CustodianId(opts->id),
                .name = opts->name,
                .phone = opts->phone,
                .roles = parse_roles(opts->roles),
                .depots = {}};
    for (const auto& d : opts->depots) {
      if (std::count(opts->depots.begin(), opts->depots.end(), d) > 1) {
        throw InvalidInput("--depot", d, "is given twice; name each depot once");
      }
      c.depots.emplace_back(d);
    }
    auto ledger = open_ledger();
    ledger.add_custodian(c);
    say(fmt::format("added custodian {} ({})", c.id.str(), c.name));
    if (output_format() != OutputFormat::Table) print(custodian_table({c}));
  });

  auto* list = group->add_subcommand("list", "List custodians and their depots");
  list->callback([] { print(custodian_table(open_ledger().custodians())); });

  auto* assign = group->add_subcommand("assign", "Assign a custodian to a depot");
  assign->add_option("id", opts->id, "Custodian id")->required();
  assign->add_option("--depot", opts->depots, "Depot code")->required()->expected(1);
  assign->callback([opts] {
    auto ledger = open_ledger();
    const CustodianId id(opts->id);
    const DepotCode depot(opts->depots.front());
    ledger.assign(id, depot);
    say(fmt::format("assigned {} to depot {}", id.str(), depot.str()));
  });

  auto* import = group->add_subcommand("import", "Import custodians from CSV "
                                                 "(id,name,phone,roles,depots); all or nothing");
  import->add_option("file", opts->file, "CSV file")->required();
  import->callback([opts] {
    const auto text = read_file(opts->file);
    auto n = open_ledger().import_custodians(text, opts->file);
    say(fmt::format("imported {} custodians from {}", n, opts->file));
  });
}

} // namespace stockpile::cli
