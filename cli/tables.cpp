// Tables for the reference data, shared by the listing commands and the audit.
#include <fmt/format.h>

#include <array>
#include <map>

#include "common.hpp"

namespace stockpile::cli {

namespace {
std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) append_joined(out, ",", s);
  return out;
}
} // namespace

Table material_table(const std::vector<Material>& materials) {
  Table t({Column{"code"}, Column{"name"}, Column{"specification", "spec"}, Column{"unit"},
           Column{"gb_code"}, Column{"category"}, Column{"shelf_life", "shelf life"},
           Column{"hazards"}, Column{"recoverable"}, Column{"lot_tracked", "lots"},
           Column{"decimals", "dec", true}, Column{"warning"}, Column{"revision", "rev", true}});
  for (const auto& m : materials) {
    const std::string warning = warning_text(m);
    t.add_row({Cell::str(m.code.str()), Cell::str(m.name), Cell::str(m.specification),
               Cell::str(m.unit), m.gb_code ? Cell::str(*m.gb_code) : Cell::null(),
               Cell::str(m.category),
               m.shelf_life ? Cell::str(m.shelf_life->to_string()) : Cell::null(),
               Cell::str(join(m.hazards)), Cell::boolean(m.recoverable),
               Cell::boolean(m.lot_tracked), Cell::num(std::to_string(m.decimals)),
               warning.empty() ? Cell::null() : Cell::str(warning),
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
    for (Role r : c.roles) append_joined(roles, ",", to_string(r));
    for (const auto& d : c.depots) append_joined(depots, ",", d.str());
    t.add_row({Cell::str(c.id.str()), Cell::str(c.name), Cell::str(c.phone), Cell::str(roles),
               Cell::str(depots)});
  }
  return t;
}

} // namespace stockpile::cli

namespace stockpile::cli {

Table movement_table(const std::vector<Movement>& movements, bool full) {
  // The text table keeps to what fits a terminal; json and csv carry every field.
  if (!full) {
    Table t({Column{"id", "", true}, Column{"date"}, Column{"kind"}, Column{"depot"},
             Column{"material"}, Column{"lot"}, Column{"quantity", "qty", true}, Column{"actor"},
             Column{"document", "doc"}, Column{"detail"}});
    for (const auto& m : movements) {
      std::string detail = m.reason;
      if (m.reverses) detail = fmt::format("reverses {}: {}", *m.reverses, m.reason);
      if (!m.counterparty.empty()) append_joined(detail, "; ", m.counterparty);
      if (m.incident) append_joined(detail, "; ", "incident " + m.incident->str());
      t.add_row({Cell::num(std::to_string(m.id)), Cell::str(m.date.to_string()),
                 Cell::str(std::string(to_string(m.kind))), Cell::str(m.depot.str()),
                 Cell::str(m.material.str()), Cell::str(m.lot.str()),
                 Cell::num(m.quantity.to_string()), Cell::str(m.actor.str()),
                 Cell::str(m.document), Cell::str(detail)});
    }
    return t;
  }
  Table t({Column{"id"}, Column{"operation"}, Column{"date"}, Column{"recorded_at"},
           Column{"kind"}, Column{"depot"}, Column{"material"}, Column{"lot"},
           Column{"quantity"}, Column{"actor"}, Column{"counterparty"}, Column{"incident"},
           Column{"document"}, Column{"reason"}, Column{"note"}, Column{"approver"},
           Column{"unusable_reason"}, Column{"reverses"}, Column{"hash"}});
  for (const auto& m : movements) {
    t.add_row({Cell::num(std::to_string(m.id)), Cell::num(std::to_string(m.operation)),
               Cell::str(m.date.to_string()), Cell::str(m.recorded_at),
               Cell::str(std::string(to_string(m.kind))), Cell::str(m.depot.str()),
               Cell::str(m.material.str()), Cell::str(m.lot.str()),
               Cell::num(m.quantity.to_string()), Cell::str(m.actor.str()),
               Cell::str(m.counterparty), m.incident ? Cell::str(m.incident->str()) : Cell::null(),
               Cell::str(m.document), Cell::str(m.reason), Cell::str(m.note),
               m.approver ? Cell::str(m.approver->str()) : Cell::null(),
               Cell::str(m.unusable_reason),
               m.reverses ? Cell::num(std::to_string(*m.reverses)) : Cell::null(),
               Cell::str(m.hash)});
  }
  return t;
}

StockTable::StockTable(StockGrouping by, Date day) : table_(columns(by)), day_(day) {}

std::vector<Column> StockTable::columns(StockGrouping by) {
  std::vector<Column> cols;
  if (by == StockGrouping::Depot || by == StockGrouping::Lot) cols.emplace_back("depot");
  if (by == StockGrouping::Tier) cols.emplace_back("tier");
  cols.emplace_back("material");
  cols.emplace_back("name");
  if (by == StockGrouping::Lot) {
    cols.emplace_back("lot");
    cols.emplace_back("expiry");
    cols.emplace_back("status");
  }
  cols.emplace_back("quantity", "qty", true);
  cols.emplace_back("unit");
  return cols;
}

void StockTable::add(const StockTotal& s) {
  // Views of the total's own text: the table copies each once, into its buffer.
  std::array<CellView, 9> row;
  std::size_t c = 0;
  const auto put = [&](CellKind kind, std::string_view text) { row.at(c++) = {kind, text}; };
  if (s.depot) put(CellKind::Text, s.depot->str());
  if (s.tier) put(CellKind::Text, to_string(*s.tier));
  put(CellKind::Text, s.material.str());
  put(CellKind::Text, s.name);
  std::string expiry;
  if (s.lot) {
    put(CellKind::Text, s.lot->number.str());
    if (s.lot->expiry) {
      expiry = s.lot->expiry->to_string();
      put(CellKind::Text, expiry);
    } else {
      put(CellKind::Null, {});
    }
    // What a keeper needs to see is whether the lot can go out: an expired lot says so.
    put(CellKind::Text, s.lot->status == LotStatus::Available && s.lot->expired_on(day_)
                            ? std::string_view("expired")
                            : to_string(s.lot->status));
  }
  const std::string quantity = s.quantity.to_string();
  put(CellKind::Number, quantity);
  put(CellKind::Text, s.unit);
  table_.add_row(std::span<const CellView>(row.data(), c));
}

Table stock_table(const std::vector<StockTotal>& totals, StockGrouping by, Date day) {
  StockTable t(by, day);
  t.reserve(totals.size());
  for (const auto& s : totals) t.add(s);
  return std::move(t).take();
}

} // namespace stockpile::cli
