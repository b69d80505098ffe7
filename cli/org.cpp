// stockpile org add|list|import — organisations at three levels (市, 区县, 企业).
// add, import: writing; list: read-only.
#include <fmt/format.h>

#include "common.hpp"
#include "stockpile/csv.hpp"

namespace stockpile::cli {

namespace {

struct OrgOptions {
  std::string code, name, level, parent, file;
};


} // namespace

void setup_org(CLI::App& app) {
  auto opts = std::make_shared<OrgOptions>();
  auto* group = app.add_subcommand("org", "Organisations: city → district → enterprise");
  group->require_subcommand(1);

  auto* add = group->add_subcommand("add", "Add an organisation");
  add->add_option("code", opts->code, "Organisation code")->required();
  add->add_option("--name", opts->name, "Name, e.g. 柳州市应急管理局")->required();
  add->add_option("--level", opts->level, "city, district or enterprise")->required();
  add->add_option("--parent", opts->parent, "The organisation one level above");
  add->callback([opts] {
    Organisation o{.code = OrgCode(opts->code),
                   .name = opts->name,
                   .level = parse_org_level(opts->level),
                   .parent = std::nullopt};
    if (!opts->parent.empty()) o.parent = OrgCode(opts->parent);
    auto ledger = open_ledger();
    ledger.add_organisation(o);
    say(fmt::format("added {} {} ({})", to_string(o.level), o.code.str(), o.name));
    if (output_format() != OutputFormat::Table) print(org_table({o}));
  });

  auto* list = group->add_subcommand("list", "List organisations");
  list->callback([] { print(org_table(open_ledger().organisations())); });

  auto* import = group->add_subcommand("import", "Import organisations from CSV "
                                                 "(code,name,level,parent); all or nothing");
  import->add_option("file", opts->file, "CSV file")->required();
  import->callback([opts] {
    const auto text = read_file(opts->file);
    auto n = open_ledger().import_organisations(text, opts->file);
    say(fmt::format("imported {} organisations from {}", n, opts->file));
  });
}

} // namespace stockpile::cli
