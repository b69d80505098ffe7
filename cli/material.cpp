// stockpile material add|edit|list|show|import — the catalog (物资目录).
// add, edit, import: writing; list, show: read-only.
#include <fmt/format.h>

#include "common.hpp"
#include "stockpile/csv.hpp"
#include "stockpile/error.hpp"

namespace stockpile::cli {

namespace {

struct MaterialOptions {
  std::string code, name, unit, specification, gb_code, category, shelf_life, hazards,
      recoverable, lot_tracked, decimals, warning;
  bool history = false;
  std::string file;
};



// Fills the fields given on the command line into m; empty strings leave a field alone.
void apply(const MaterialOptions& o, Material& m) {
  if (!o.name.empty()) m.name = o.name;
  if (!o.unit.empty()) m.unit = o.unit;
  if (!o.specification.empty()) m.specification = o.specification;
  if (!o.gb_code.empty()) m.gb_code = o.gb_code;
  if (!o.category.empty()) m.category = o.category;
  if (!o.shelf_life.empty()) m.shelf_life = parse_shelf_life(o.shelf_life, "--shelf-life");
  if (!o.hazards.empty()) m.hazards = parse_hazards(o.hazards, "--hazards");
  if (!o.recoverable.empty()) m.recoverable = parse_flag(o.recoverable, "--recoverable");
  if (!o.lot_tracked.empty()) m.lot_tracked = parse_flag(o.lot_tracked, "--lots");
  if (!o.warning.empty()) parse_warning(o.warning, "--warning", m);
  if (!o.decimals.empty()) {
    if (o.decimals.size() != 1 || o.decimals[0] < '0' || o.decimals[0] > '3') {
      throw InvalidInput("--decimals", o.decimals, "expected 0, 1, 2 or 3");
    }
    m.decimals = o.decimals[0] - '0';
  }
}

void add_fields(CLI::App* cmd, MaterialOptions& o, bool required) {
  cmd->add_option("--name", o.name, "Name, e.g. 棉衣")->required(required);
  cmd->add_option("--unit", o.unit, "Unit: 件 套 顶 张 床 台 kg 吨 m ...")->required(required);
  cmd->add_option("--spec", o.specification, "Specification (规格)");
  cmd->add_option("--gb-code", o.gb_code, "GB/T 38565-2020 code, 7 digits");
  cmd->add_option("--category", o.category, "Free category, e.g. shelter or 污染物收集");
  cmd->add_option("--shelf-life", o.shelf_life, "Shelf life: 36m, 2y, 90d, 2w");
  cmd->add_option("--hazards", o.hazards, "Hazards served, comma-separated: cold,flood,...");
  cmd->add_option("--recoverable", o.recoverable, "yes: comes back after use (tents)");
  cmd->add_option("--lots", o.lot_tracked, "yes (default): tracked by lot; no: one implicit lot");
  cmd->add_option("--decimals", o.decimals, "Decimals a quantity may have, 0-3 (default 0)");
  cmd->add_option("--warning", o.warning,
                  "Expiry warning window: a duration (90d) or the last percent of the shelf "
                  "life (20%)");
}

} // namespace

void setup_material(CLI::App& app) {
  auto opts = std::make_shared<MaterialOptions>();
  auto* group = app.add_subcommand("material", "The catalog of materials (物资目录)");
  group->require_subcommand(1);

  auto* add = group->add_subcommand("add", "Add a material to the catalog");
  add->add_option("code", opts->code, "Material code, e.g. COAT-01")->required();
  add_fields(add, *opts, true);
  add->callback([opts] {
    Material m(MaterialCode(opts->code));
    apply(*opts, m);
    auto ledger = open_ledger();
    auto added = ledger.add_material(std::move(m));
    say(fmt::format("added material {} ({}, {})", added.code.str(), added.name, added.unit));
    if (output_format() != OutputFormat::Table) print(material_table({added}));
  });

  auto* edit = group->add_subcommand(
      "edit", "Change a material's description (appends a revision; history keeps the old one)");
  edit->add_option("code", opts->code, "Material code")->required();
  add_fields(edit, *opts, false);
  edit->callback([opts, edit] {
    auto ledger = open_ledger();
    Material m = ledger.material(MaterialCode(opts->code));
    std::size_t given = 0;
    for (const CLI::Option* option : edit->get_options()) {
      if (option->count() > 0) ++given;
    }
    if (given <= 1) {
      // Only the code: a revision that changes nothing would still be appended.
      throw UsageError("material edit: give at least one field to change, e.g. --name or "
                       "--shelf-life (see stockpile material edit --help)");
    }
    apply(*opts, m);
    // apply() takes an empty value as "not given"; a name or unit given empty is a mistake
    // that validation must see, not a field left alone.
    if (edit->count("--name") > 0) m.name = opts->name;
    if (edit->count("--unit") > 0) m.unit = opts->unit;
    auto edited = ledger.edit_material(std::move(m));
    say(fmt::format("material {} is now at revision {}", edited.code.str(), edited.revision));
    if (output_format() != OutputFormat::Table) print(material_table({edited}));
  });

  auto* list = group->add_subcommand("list", "List the catalog");
  list->callback([] { print(material_table(open_ledger().materials())); });

  auto* show = group->add_subcommand("show", "Show one material");
  show->add_option("code", opts->code, "Material code")->required();
  show->add_flag("--history", opts->history, "Every revision, oldest first");
  show->callback([opts] {
    auto ledger = open_ledger();
    const MaterialCode code(opts->code);
    if (opts->history) {
      print(material_table(ledger.material_history(code)));
    } else {
      print_record(material_table({ledger.material(code)}));
    }
  });

  auto* import = group->add_subcommand(
      "import", "Import a catalog CSV: every bad row is listed, and nothing is written if any is");
  import->add_option("file", opts->file, "CSV file (UTF-8, with or without BOM)")->required();
  import->callback([opts] {
    const std::string text = read_file(opts->file);
    auto ledger = open_ledger();
    auto added = ledger.import_materials(text, opts->file);
    say(fmt::format("imported {} materials from {}", added.size(), opts->file));
    if (output_format() != OutputFormat::Table) print(material_table(added));
  });
}

} // namespace stockpile::cli
