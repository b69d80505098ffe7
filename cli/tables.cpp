// Tables for the reference data, shared by the listing commands and the audit.
#include <map>

#include "common.hpp"

namespace stockpile::cli {

namespace {
std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}
} // namespace

Table material_table(const std::vector<Material>& materials) {
  Table t({Column{"code"}, Column{"name"}, Column{"specification", "spec"}, Column{"unit"},
           Column{"gb_code"}, Column{"category"}, Column{"shelf_life", "shelf life"},
           Column{"hazards"}, Column{"recoverable"}, Column{"lot_tracked", "lots"},
           Column{"decimals", "dec", true}, Column{"revision", "rev", true}});
  for (const auto& m : materials) {
    t.add_row({Cell::str(m.code.str()), Cell::str(m.name), Cell::str(m.specification),
               Cell::str(m.unit), m.gb_code ? Cell::str(*m.gb_code) : Cell::null(),
               Cell::str(m.category),
               m.shelf_life ? Cell::str(m.shelf_life->to_string()) : Cell::null(),
               Cell::str(join(m.hazards)), Cell::boolean(m.recoverable),
               Cell::boolean(m.lot_tracked), Cell::num(std::to_string(m.decimals)),
               Cell::num(std::to_string(m.revision))});
  }
  return t;
}

Table org_table(const std::vector<Organisation>& orgs) {
  Table t({Column{"code"}, Column{"name"}, Column{"level"}, Column{"parent"}});
  for (const auto& o : orgs) {
    t.add_row({Cell::str(o.code.str()), Cell::str(o.name), Cell::str(std::string(to_string(o.level))),
               o.parent ? Cell::str(o.parent->str()) : Cell::null()});
  }
  return t;
}

Table depot_table(const Ledger& ledger, const std::vector<Depot>& depots) {
  std::map<std::string, Organisation> orgs;
  for (auto& o : ledger.organisations()) orgs.emplace(o.code.str(), o);
  Table t({Column{"code"}, Column{"name"}, Column{"org"}, Column{"tier"}, Column{"address"}});
  for (const auto& d : depots) {
    // A depot owned by an enterprise holds the enterprise tier (企业储备); city and district
    // depots hold the physical tier (实物储备).
    auto it = orgs.find(d.org.str());
    const bool enterprise = it != orgs.end() && it->second.level == OrgLevel::Enterprise;
    t.add_row({Cell::str(d.code.str()), Cell::str(d.name), Cell::str(d.org.str()),
               Cell::str(enterprise ? "enterprise" : "physical"), Cell::str(d.address)});
  }
  return t;
}

Table custodian_table(const std::vector<Custodian>& custodians) {
  Table t({Column{"id"}, Column{"name"}, Column{"phone"}, Column{"roles"}, Column{"depots"}});
  for (const auto& c : custodians) {
    std::string roles, depots;
    for (Role r : c.roles) roles += (roles.empty() ? "" : ",") + std::string(to_string(r));
    for (const auto& d : c.depots) depots += (depots.empty() ? "" : ",") + d.str();
    t.add_row({Cell::str(c.id.str()), Cell::str(c.name), Cell::str(c.phone), Cell::str(roles),
               Cell::str(depots)});
  }
  return t;
}

} // namespace stockpile::cli
