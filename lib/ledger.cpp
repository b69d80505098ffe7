#include "stockpile/ledger.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <array>
#include <set>
#include <span>

#include "ledger_impl.hpp"
#include "stockpile/clock.hpp"
#include "material_csv.hpp"
#include "store/schema.hpp"
#include "validate.hpp"
#include "stockpile/csv.hpp"
#include "stockpile/error.hpp"

namespace stockpile {

std::chrono::sys_seconds Ledger::Impl::now_seconds() const {
  if (options.clock) return options.clock();
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::string Ledger::Impl::now() const {
  const auto t = now_seconds();
  if (formatted_.empty() || t != formatted_at_) {
    formatted_ = format_utc_timestamp(t);
    formatted_at_ = t;
  }
  return formatted_;
}

Ledger::Ledger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Ledger::Ledger(Ledger&&) noexcept = default;
Ledger& Ledger::operator=(Ledger&&) noexcept = default;
Ledger::~Ledger() = default;

Ledger Ledger::create(const std::filesystem::path& file, OpenOptions options) {
  return Ledger(std::make_unique<Impl>(file, store::OpenMode::CreateOrOpen, std::move(options)));
}

Ledger Ledger::open(const std::filesystem::path& file, OpenOptions options) {
  return Ledger(std::make_unique<Impl>(file, store::OpenMode::OpenExisting, std::move(options)));
}

int Ledger::schema_version() const {
  return impl_->read([&] { return impl_->store.schema_version(); });
}

int Ledger::latest_schema_version() noexcept { return store::migrations().back().version; }

const std::filesystem::path& Ledger::path() const noexcept { return impl_->store.path(); }

// ---- materials ----------------------------------------------------------------------------

namespace {

// Checks rows against each other and the ledger, then writes them all; any bad row and
// nothing is written. Lines are the rows' places in their source, for the error list.
std::vector<Material> add_material_rows(Ledger::Impl& impl, std::vector<MaterialRow> rows,
                                        std::string_view source,
                                        std::vector<RowError> errors = {}) {
  std::vector<Material> added;
  impl.store.write([&] {
    std::set<std::string> seen;
    for (auto& row : rows) {
      try {
        validate(row.material);
        const auto& code = row.material.code.str();
        if (!seen.insert(code).second || impl.store.material_exists(code)) {
          throw AlreadyExists("material", code);
        }
      } catch (const Error& e) {
        errors.push_back(RowError{row.line, e.what()});
      }
    }
    if (!errors.empty()) {
      std::stable_sort(errors.begin(), errors.end(),
                       [](const RowError& a, const RowError& b) { return a.line < b.line; });
      throw ImportError(std::string(source), std::move(errors));
    }
    const std::string now = impl.now();
    for (auto& row : rows) {
      row.material.revision = 1;
      impl.store.insert_material(row.material, now);
      added.push_back(std::move(row.material));
    }
  });
  return added;
}

} // namespace

Material Ledger::add_material(Material material) {
  // One material: its error is the error, without an import's "line 1:" in front.
  validate(material);
  impl_->store.write([&] {
    if (impl_->store.material_exists(material.code.str())) {
      throw AlreadyExists("material", material.code.str());
    }
    material.revision = 1;
    impl_->store.insert_material(material, impl_->now());
  });
  return material;
}

std::vector<Material> Ledger::add_materials(std::vector<Material> materials,
                                            std::string_view source) {
  std::vector<MaterialRow> rows;
  for (std::size_t i = 0; i < materials.size(); ++i) {
    rows.push_back(MaterialRow{i + 1, std::move(materials[i])});
  }
  return add_material_rows(*impl_, std::move(rows), source);
}

std::vector<Material> Ledger::import_materials(std::string_view csv_text,
                                               std::string_view source) {
  auto parsed = detail::read_material_rows(csv_text);
  return add_material_rows(*impl_, std::move(parsed.rows), source, std::move(parsed.errors));
}

Material Ledger::edit_material(Material material) {
  validate(material);
  impl_->store.write([&] {
    auto current = impl_->store.material(material.code.str());
    if (!current) throw NotFound("material", material.code.str());
    if (current->unit != material.unit) {
      throw RuleViolation(fmt::format(
          "unit {}: material {} is counted in {}; its history would change meaning. Add a new "
          "material instead",
          quote(material.unit), material.code.str(), current->unit));
    }
    if (material.decimals < current->decimals) {
      // Stock finer than the new decimals could never be issued, counted or written off again.
      for (const auto& b : impl_->store.all_balances()) {
        if (b.material == material.code.str() && b.quantity.decimals() > material.decimals) {
          throw RuleViolation(fmt::format(
              "--decimals \"{}\": depot {} holds {} {} of {} lot {}, which needs more "
              "decimals; issue, dispose or adjust that stock first",
              material.decimals, b.depot, b.quantity.to_string(), material.unit,
              material.code.str(), b.lot));
        }
      }
    }
    material.revision = current->revision + 1;
    impl_->store.insert_material_revision(material, impl_->now());
  });
  return material;
}

std::optional<Material> Ledger::find_material(const MaterialCode& code) const {
  return impl_->read([&] { return impl_->store.material(code.str()); });
}

Material Ledger::material(const MaterialCode& code) const {
  auto m = find_material(code);
  if (!m) throw NotFound("material", code.str());
  return std::move(*m);
}

std::vector<Material> Ledger::materials() const {
  return impl_->read([&] { return impl_->store.materials(); });
}

std::vector<Material> Ledger::materials_with_own_warning() const {
  return impl_->read([&] { return impl_->store.materials_with_own_warning(); });
}

std::vector<Material> Ledger::material_history(const MaterialCode& code) const {
  auto history = impl_->read([&] { return impl_->store.material_history(code.str()); });
  if (history.empty()) throw NotFound("material", code.str());
  return history;
}

// ---- organisations ------------------------------------------------------------------------

namespace {

OrgLevel expected_parent_level(OrgLevel level) {
  return level == OrgLevel::Enterprise ? OrgLevel::District : OrgLevel::City;
}

// The checks and inserts below run inside a transaction opened by their caller, so an import
// can add many rows, each seeing the ones before it, and still roll back as a whole.
// parent_field: how messages name the parent (--parent, or the column of an import).
void add_organisation_tx(Ledger::Impl& impl, const Organisation& org,
                         std::string_view parent_field = "--parent") {
  detail::validate_organisation(org, parent_field);
  if (org.parent) {
    // Walk up from the parent: meeting the organisation itself means a cycle. With the level
    // rule below a cycle can only be a self-reference today, but the walk keeps the rule true
    // if re-parenting is ever allowed.
    std::optional<OrgCode> up = org.parent;
    std::set<std::string> visited;
    while (up) {
      if (*up == org.code || !visited.insert(up->str()).second) {
        throw InvalidInput(parent_field, org.parent->str(),
                           fmt::format("would make a cycle: {} would be its own ancestor",
                                       org.code.str()));
      }
      auto next = impl.store.organisation(up->str());
      if (!next) break;
      up = next->parent;
    }
  }
  if (impl.store.organisation(org.code.str())) {
    throw AlreadyExists("organisation", org.code.str());
  }
  if (org.parent) {
    auto parent = impl.store.organisation(org.parent->str());
    if (!parent) {
      throw NotFound(fmt::format("{} {}: no such organisation in the ledger", parent_field,
                                 quote(org.parent->str())));
    }
    if (parent->level != expected_parent_level(org.level)) {
      throw InvalidInput(
          parent_field, org.parent->str(),
          fmt::format("is a {}; the parent of {} must be a {}", to_string(parent->level),
                      org.level == OrgLevel::Enterprise ? "an enterprise" : "a district",
                      to_string(expected_parent_level(org.level))));
    }
  }
  impl.store.insert_organisation(org, impl.now());
}

void add_depot_tx(Ledger::Impl& impl, const Depot& depot) {
  validate(depot);
  if (impl.store.depot(depot.code.str())) throw AlreadyExists("depot", depot.code.str());
  if (!impl.store.organisation(depot.org.str())) throw NotFound("organisation", depot.org.str());
  impl.store.insert_depot(depot, impl.now());
}

void add_custodian_tx(Ledger::Impl& impl, const Custodian& custodian) {
  validate(custodian);
  if (impl.store.custodian(custodian.id.str())) {
    throw AlreadyExists("custodian", custodian.id.str());
  }
  for (const auto& d : custodian.depots) {
    if (!impl.store.depot(d.str())) throw NotFound("depot", d.str());
  }
  impl.store.insert_custodian(custodian, impl.now());
  for (const auto& d : custodian.depots) {
    impl.store.insert_assignment(custodian.id.str(), d.str(), impl.now());
  }
}

// Runs add_row for each CSV row inside one transaction, collecting every row's error; any
// error rolls the whole import back.
template <class Row>
std::size_t import_rows(Ledger::Impl& impl, std::string_view text, std::string_view source,
                        std::span<const std::string_view> required,
                        std::span<const std::string_view> optional,
                        const std::function<Row(const CsvTable&, const CsvRecord&)>& parse_row,
                        const std::function<void(Ledger::Impl&, const Row&)>& add_row) {
  std::size_t added = 0;
  impl.store.write([&] {
    const CsvTable table = read_csv_table(text, required, optional);
    std::vector<RowError> errors;
    for (const auto& e : table.errors) errors.push_back(RowError{e.line, e.message});
    // With a bad header the rows cannot be read reliably, so only say why.
    if (!table.header_ok) throw ImportError(std::string(source), std::move(errors));
    for (const auto& record : table.rows) {
      try {
        add_row(impl, parse_row(table, record));
        ++added;
      } catch (const Error& e) {
        errors.push_back(RowError{record.line, e.what()});
      }
    }
    if (!errors.empty()) {
      std::stable_sort(errors.begin(), errors.end(),
                       [](const RowError& a, const RowError& b) { return a.line < b.line; });
      throw ImportError(std::string(source), std::move(errors));
    }
  });
  return added;
}

std::string cell(const CsvTable& table, const CsvRecord& record, std::string_view column) {
  auto i = table.column(column);
  return i ? record.fields.at(*i) : std::string();
}

} // namespace

void Ledger::add_organisation(const Organisation& org) {
  impl_->store.write([&] { add_organisation_tx(*impl_, org); });
}

std::size_t Ledger::import_organisations(std::string_view csv_text, std::string_view source) {
  static constexpr std::array<std::string_view, 3> kRequired{"code", "name", "level"};
  static constexpr std::array<std::string_view, 1> kOptional{"parent"};
  return import_rows<Organisation>(
      *impl_, csv_text, source, kRequired, kOptional,
      [](const CsvTable& t, const CsvRecord& r) {
        Organisation o{.code = OrgCode(cell(t, r, "code")),
                       .name = cell(t, r, "name"),
                       .level = parse_org_level(cell(t, r, "level"), "level"),
                       .parent = std::nullopt};
        if (auto p = cell(t, r, "parent"); !p.empty()) {
          detail::validate_code(p, "parent");
          o.parent = OrgCode(p);
        }
        return o;
      },
      [](Ledger::Impl& impl, const Organisation& o) { add_organisation_tx(impl, o, "parent"); });
}

Organisation Ledger::organisation(const OrgCode& code) const {
  auto o = impl_->read([&] { return impl_->store.organisation(code.str()); });
  if (!o) throw NotFound("organisation", code.str());
  return std::move(*o);
}

std::vector<Organisation> Ledger::organisations() const {
  return impl_->read([&] { return impl_->store.organisations(); });
}

std::vector<OrgCode> Ledger::organisation_subtree(const OrgCode& code) const {
  const auto all = organisations();
  if (std::none_of(all.begin(), all.end(), [&](const auto& o) { return o.code == code; })) {
    throw NotFound("organisation", code.str());
  }
  std::vector<OrgCode> out{code};
  for (std::size_t i = 0; i < out.size(); ++i) {
    for (const auto& o : all) {
      if (o.parent && *o.parent == out[i]) out.push_back(o.code);
    }
  }
  return out;
}

// ---- depots -------------------------------------------------------------------------------

void Ledger::add_depot(const Depot& depot) {
  impl_->store.write([&] { add_depot_tx(*impl_, depot); });
}

std::size_t Ledger::import_depots(std::string_view csv_text, std::string_view source) {
  static constexpr std::array<std::string_view, 3> kRequired{"code", "name", "org"};
  static constexpr std::array<std::string_view, 1> kOptional{"address"};
  return import_rows<Depot>(
      *impl_, csv_text, source, kRequired, kOptional,
      [](const CsvTable& t, const CsvRecord& r) {
        return Depot{.code = DepotCode(cell(t, r, "code")),
                     .name = cell(t, r, "name"),
                     .org = OrgCode(cell(t, r, "org")),
                     .address = cell(t, r, "address")};
      },
      add_depot_tx);
}

Depot Ledger::depot(const DepotCode& code) const {
  auto d = impl_->read([&] { return impl_->store.depot(code.str()); });
  if (!d) throw NotFound("depot", code.str());
  return std::move(*d);
}

std::vector<Depot> Ledger::depots() const {
  return impl_->read([&] { return impl_->store.depots(); });
}

// ---- custodians ---------------------------------------------------------------------------

void Ledger::add_custodian(const Custodian& custodian) {
  impl_->store.write([&] { add_custodian_tx(*impl_, custodian); });
}

std::size_t Ledger::import_custodians(std::string_view csv_text, std::string_view source) {
  static constexpr std::array<std::string_view, 2> kRequired{"id", "name"};
  static constexpr std::array<std::string_view, 3> kOptional{"phone", "roles", "depots"};
  return import_rows<Custodian>(
      *impl_, csv_text, source, kRequired, kOptional,
      [](const CsvTable& t, const CsvRecord& r) {
        Custodian c{.id = CustodianId(cell(t, r, "id")),
                    .name = cell(t, r, "name"),
                    .phone = cell(t, r, "phone"),
                    .roles = parse_roles(cell(t, r, "roles"), "roles"),
                    .depots = {}};
        const std::string depots = cell(t, r, "depots");
        std::size_t start = 0;
        while (start < depots.size()) {
          std::size_t end = depots.find_first_of(",; ", start);
          if (end == std::string::npos) end = depots.size();
          if (end > start) {
            DepotCode d(depots.substr(start, end - start));
            if (std::find(c.depots.begin(), c.depots.end(), d) != c.depots.end()) {
              throw InvalidInput("depots", depots,
                                 fmt::format("names depot {} twice; name each depot once",
                                             d.str()));
            }
            c.depots.push_back(std::move(d));
          }
          start = end + 1;
        }
        return c;
      },
      add_custodian_tx);
}

Custodian Ledger::custodian(const CustodianId& id) const {
  auto c = impl_->read([&] { return impl_->store.custodian(id.str()); });
  if (!c) throw NotFound("custodian", id.str());
  return std::move(*c);
}

std::vector<Custodian> Ledger::custodians() const {
  return impl_->read([&] { return impl_->store.custodians(); });
}

void Ledger::assign(const CustodianId& custodian, const DepotCode& depot) {
  impl_->store.write([&] {
    if (!impl_->store.custodian(custodian.str())) throw NotFound("custodian", custodian.str());
    if (!impl_->store.depot(depot.str())) throw NotFound("depot", depot.str());
    if (impl_->store.assigned(custodian.str(), depot.str())) {
      throw AlreadyExists("assignment", custodian.str() + " to " + depot.str());
    }
    impl_->store.insert_assignment(custodian.str(), depot.str(), impl_->now());
  });
}

} // namespace stockpile
