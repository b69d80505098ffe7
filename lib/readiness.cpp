#include "stockpile/readiness.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>
#include <tuple>
#include <utility>

#include "stockpile/allocation.hpp"
#include "stockpile/clock.hpp"
#include "stockpile/error.hpp"
#include "stockpile/ledger.hpp"

namespace stockpile {

namespace {

std::map<std::string, const Material*> catalog_of(const std::vector<Material>& materials) {
  std::map<std::string, const Material*> out;
  for (const auto& m : materials) out.emplace(m.code.str(), &m);
  return out;
}

std::set<std::string> depot_set(const Scope& scope) {
  std::set<std::string> out;
  for (const auto& d : scope.depots) out.insert(d.str());
  return out;
}

// The scopes of readiness and coverage: the depot asked for; else every organisation (or the
// one asked for and those below it) and their depots.
std::vector<Scope> scopes_of(const Ledger& ledger, const std::optional<OrgCode>& org,
                             const std::optional<DepotCode>& depot) {
  const auto depots = ledger.depots();
  std::vector<Scope> scopes;
  if (depot) {
    const Depot d = ledger.depot(*depot); // NotFound for a code the ledger does not know
    if (org) {
      const auto tree = ledger.organisation_subtree(*org);
      if (std::find(tree.begin(), tree.end(), d.org) == tree.end()) return scopes;
    }
    scopes.push_back(Scope{ScopeKind::Depot, d.code.str(), d.name, {d.code}, false});
    return scopes;
  }
  const auto orgs = ledger.organisations();
  std::set<std::string> wanted;
  if (org) {
    for (const auto& o : ledger.organisation_subtree(*org)) wanted.insert(o.str());
  } else {
    for (const auto& o : orgs) wanted.insert(o.code.str());
  }
  for (const auto& o : orgs) {
    if (wanted.count(o.code.str()) == 0) continue;
    Scope s{ScopeKind::Organisation, o.code.str(), o.name, {}, !o.parent.has_value()};
    std::set<std::string> tree;
    for (const auto& c : ledger.organisation_subtree(o.code)) tree.insert(c.str());
    for (const auto& d : depots) {
      if (tree.count(d.org.str()) != 0) s.depots.push_back(d.code);
    }
    scopes.push_back(std::move(s));
  }
  for (const auto& d : depots) {
    if (wanted.count(d.org.str()) == 0) continue;
    scopes.push_back(Scope{ScopeKind::Depot, d.code.str(), d.name, {d.code}, false});
  }
  return scopes;
}

// Organisations before depots, then by code.
bool scope_before(ScopeKind ak, const std::string& a, ScopeKind bk, const std::string& b) {
  return std::tie(ak, a) < std::tie(bk, b);
}

} // namespace

std::string_view to_string(ScopeKind kind) noexcept {
  switch (kind) {
  case ScopeKind::Organisation: return "org";
  case ScopeKind::Depot: return "depot";
  }
  return "?";
}

// ---- readiness -----------------------------------------------------------------------------

std::map<std::string, CommitmentReach>
commitment_reach(const std::vector<Commitment>& commitments,
                 const std::map<std::string, int>& decimals, std::chrono::sys_seconds from,
                 std::chrono::sys_seconds by, std::string_view time_zone) {
  std::map<std::string, std::vector<Commitment>> by_material;
  for (const auto& c : commitments) by_material[c.material.str()].push_back(c);
  std::map<std::string, CommitmentReach> out;
  for (const auto& [material, list] : by_material) {
    Quantity remaining;
    for (const auto& c : list) remaining += c.remaining();
    if (!remaining.is_positive()) continue;
    // The planner is the one place that decides what a commitment delivers and when: ask it
    // for everything that remains, by `by`, from no stock at all.
    PlanningSnapshot snapshot;
    snapshot.commitments = list;
    if (auto d = decimals.find(material); d != decimals.end()) {
      snapshot.decimals[material] = d->second;
    }
    const DemandLine demand{.material = MaterialCode(material),
                            .quantity = remaining,
                            .need_by = by,
                            .to = std::nullopt};
    const auto plan = plan_allocation(snapshot, {demand}, from,
                                      AllocationPolicy{.allow_late = false,
                                                       .release_floors = true,
                                                       .time_zone = std::string(time_zone)});
    CommitmentReach reach;
    for (const auto& part : plan.lines.front().parts) {
      if (part.late) continue;
      if (part.tier == Tier::Agreement) reach.agreement += part.quantity;
      if (part.tier == Tier::Capacity) reach.capacity += part.quantity;
      if (part.tier == Tier::Social) reach.social += part.quantity;
    }
    if (reach.total().is_positive()) out.emplace(material, reach);
  }
  return out;
}

std::string_view to_string(ReadinessStatus status) noexcept {
  switch (status) {
  case ReadinessStatus::Short: return "short";
  case ReadinessStatus::Over: return "over";
  case ReadinessStatus::Ok: return "ok";
  case ReadinessStatus::NoQuota: return "no quota";
  }
  return "?";
}

std::vector<ReadinessRow> assess_readiness(const std::vector<Scope>& scopes,
                                           const std::vector<StockLine>& stock,
                                           const std::vector<Quota>& quotas,
                                           const std::map<std::string, CommitmentReach>& reach,
                                           const std::vector<Material>& materials, Date as_of) {
  const auto catalog = catalog_of(materials);
  std::vector<ReadinessRow> rows;
  for (const auto& scope : scopes) {
    const auto depots = depot_set(scope);
    struct Acc {
      std::string name, unit;
      Quantity usable, unusable;
      std::optional<Quantity> min, max;
      bool unbounded = false; // a quota without a maximum
    };
    std::map<std::string, Acc> acc; // by material code
    for (const auto& line : stock) {
      if (depots.count(line.depot.str()) == 0 || !line.quantity.is_positive()) continue;
      Acc& a = acc[line.material.str()];
      a.name = line.name;
      a.unit = line.unit;
      (line.lot.usable_on(as_of) ? a.usable : a.unusable) += line.quantity;
    }
    for (const auto& q : quotas) {
      if (depots.count(q.depot.str()) == 0) continue;
      Acc& a = acc[q.material.str()];
      a.min = a.min.value_or(Quantity()) + q.min;
      if (q.max) a.max = a.max.value_or(Quantity()) + *q.max;
      else a.unbounded = true;
    }
    if (scope.commitments) {
      for (const auto& [material, r] : reach) acc[material];
    }
    for (auto& [code, a] : acc) {
      if (a.name.empty() && a.unit.empty()) {
        if (const auto it = catalog.find(code); it != catalog.end()) {
          a.name = it->second->name;
          a.unit = it->second->unit;
        }
      }
      ReadinessRow row{.kind = scope.kind,
                       .scope = scope.code,
                       .scope_name = scope.name,
                       .material = MaterialCode(code),
                       .name = a.name,
                       .unit = a.unit,
                       .stock = a.usable,
                       .unusable = a.unusable,
                       .reach = std::nullopt,
                       .total = a.usable,
                       .min = a.min,
                       .max = a.unbounded ? std::nullopt : a.max,
                       .shortfall = {},
                       .excess = {},
                       .status = ReadinessStatus::NoQuota};
      if (scope.commitments) {
        const auto r = reach.find(code);
        row.reach = r == reach.end() ? CommitmentReach{} : r->second;
        row.total += row.reach->total();
      }
      if (row.min) {
        if (*row.min > row.total) row.shortfall = *row.min - row.total;
        if (row.max && row.stock > *row.max) row.excess = row.stock - *row.max;
        row.status = row.shortfall.is_positive() ? ReadinessStatus::Short
                     : row.excess.is_positive()  ? ReadinessStatus::Over
                                                 : ReadinessStatus::Ok;
      }
      rows.push_back(std::move(row));
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](const ReadinessRow& a, const ReadinessRow& b) {
    const bool as = a.shortfall.is_positive();
    const bool bs = b.shortfall.is_positive();
    if (as != bs) return as;
    if (a.kind != b.kind || a.scope != b.scope) {
      return scope_before(a.kind, a.scope, b.kind, b.scope);
    }
    return a.material.str() < b.material.str();
  });
  return rows;
}

ReadinessReport readiness_report(const Ledger& ledger, const ReadinessOptions& options) {
  ReadinessReport report;
  report.as_of = options.as_of.value_or(ledger.today());
  report.horizon = options.horizon;
  report.from = start_of_day(report.as_of, options.time_zone);
  if (const auto hours = options.horizon.hours()) {
    report.by = report.from + std::chrono::hours{*hours};
  } else {
    report.by = start_of_day(options.horizon.add_to(report.as_of), options.time_zone);
  }
  const auto scopes = scopes_of(ledger, options.org, options.depot);
  const auto stock = ledger.stock(StockQuery{.depot = options.depot,
                                             .material = std::nullopt,
                                             .org = options.org,
                                             .as_of = report.as_of,
                                             .include_zero = false});
  const auto materials = ledger.materials();
  std::map<std::string, CommitmentReach> reach;
  if (std::any_of(scopes.begin(), scopes.end(), [](const Scope& s) { return s.commitments; })) {
    std::map<std::string, int> decimals;
    for (const auto& m : materials) decimals[m.code.str()] = m.decimals;
    reach = commitment_reach(ledger.commitments(), decimals, report.from, report.by,
                             options.time_zone);
  }
  report.rows =
      assess_readiness(scopes, stock, ledger.quotas(), reach, materials, report.as_of);
  return report;
}

// ---- coverage ------------------------------------------------------------------------------

std::string_view to_string(CoverageFlag flag) noexcept {
  switch (flag) {
  case CoverageFlag::None: return "";
  case CoverageFlag::SingleHazard: return "single hazard";
  case CoverageFlag::NoHazard: return "no hazard";
  }
  return "?";
}

CoverageMatrix assess_coverage(const std::vector<Scope>& scopes,
                               const std::vector<StockLine>& stock,
                               const std::vector<Material>& materials, Date as_of) {
  CoverageMatrix out{.as_of = as_of, .hazards = {}, .rows = {}, .detail = {}};
  const auto catalog = catalog_of(materials);
  std::set<std::string> columns;
  for (const auto& m : materials) columns.insert(m.hazards.begin(), m.hazards.end());
  out.hazards.assign(columns.begin(), columns.end());

  // Usable stock per depot and material.
  std::map<std::pair<std::string, std::string>, Quantity> usable;
  std::map<std::string, const StockLine*> sample; // material → a line, for names and units
  for (const auto& line : stock) {
    if (!line.quantity.is_positive() || !line.lot.usable_on(as_of)) continue;
    usable[{line.depot.str(), line.material.str()}] += line.quantity;
    sample.emplace(line.material.str(), &line);
  }
  const auto hazards_of = [&](const std::string& material) -> const std::vector<std::string>& {
    static const std::vector<std::string> none;
    const auto it = catalog.find(material);
    return it == catalog.end() ? none : it->second->hazards;
  };

  for (const auto& scope : scopes) {
    const auto depots = depot_set(scope);
    std::set<std::string> held; // materials with usable stock in the scope
    for (const auto& [key, qty] : usable) {
      if (depots.count(key.first) != 0 && qty.is_positive()) held.insert(key.second);
    }
    CoverageRow row{.kind = scope.kind,
                    .scope = scope.code,
                    .scope_name = scope.name,
                    .depots = scope.depots.size(),
                    .materials = held.size(),
                    .hazards = {},
                    .flag = CoverageFlag::None,
                    .main_hazard = {}};
    for (const auto& m : held) {
      for (const auto& h : hazards_of(m)) ++row.hazards[h];
    }
    // A hazard the scope is stocked for: at least half of its materials serve it.
    std::vector<std::string> main;
    for (const auto& [h, n] : row.hazards) {
      if (2 * n >= row.materials) main.push_back(h);
    }
    if (row.hazards.empty()) {
      row.flag = CoverageFlag::NoHazard;
    } else if (main.size() == 1) {
      row.flag = CoverageFlag::SingleHazard;
      row.main_hazard = main.front();
    }
    out.rows.push_back(std::move(row));

    if (scope.kind != ScopeKind::Depot) continue;
    for (const auto& [key, qty] : usable) {
      if (depots.count(key.first) == 0 || !qty.is_positive()) continue;
      const StockLine* line = sample.at(key.second);
      for (const auto& h : hazards_of(key.second)) {
        out.detail.push_back(CoverageDetail{.depot = DepotCode(key.first),
                                            .hazard = h,
                                            .material = line->material,
                                            .name = line->name,
                                            .unit = line->unit,
                                            .quantity = qty});
      }
    }
  }
  std::stable_sort(out.rows.begin(), out.rows.end(),
                   [](const CoverageRow& a, const CoverageRow& b) {
                     return scope_before(a.kind, a.scope, b.kind, b.scope);
                   });
  std::sort(out.detail.begin(), out.detail.end(),
            [](const CoverageDetail& a, const CoverageDetail& b) {
              return std::tie(a.depot.str(), a.hazard, a.material.str()) <
                     std::tie(b.depot.str(), b.hazard, b.material.str());
            });
  return out;
}

CoverageMatrix coverage_report(const Ledger& ledger, const CoverageOptions& options) {
  const Date as_of = options.as_of.value_or(ledger.today());
  const auto scopes = scopes_of(ledger, options.org, options.depot);
  const auto stock = ledger.stock(StockQuery{.depot = options.depot,
                                             .material = std::nullopt,
                                             .org = options.org,
                                             .as_of = as_of,
                                             .include_zero = false});
  return assess_coverage(scopes, stock, ledger.materials(), as_of);
}

// ---- annual --------------------------------------------------------------------------------

int parse_year(std::string_view text, std::string_view field) {
  constexpr std::string_view expected = "expected a year from 1900 to 9999, e.g. 2026";
  if (text.size() != 4 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    throw InvalidInput(field, text, expected);
  }
  int year = 0;
  for (char c : text) year = year * 10 + (c - '0');
  if (year < Date::min().year() || year > Date::max().year()) {
    throw InvalidInput(field, text, expected);
  }
  return year;
}

AnnualGrouping parse_annual_grouping(std::string_view text, std::string_view field) {
  if (text == "material") return AnnualGrouping::Material;
  if (text == "depot") return AnnualGrouping::Depot;
  throw InvalidInput(field, text, "expected material or depot");
}

std::vector<AnnualRow> annual_rows(const std::vector<StockLine>& opening,
                                   const std::vector<Movement>& movements,
                                   const std::vector<StockLine>& closing,
                                   const std::map<std::int64_t, MovementKind>& reversed,
                                   const std::vector<Material>& materials, AnnualGrouping by) {
  const auto catalog = catalog_of(materials);
  using Key = std::pair<std::string, std::string>; // material, depot ("" per material)
  const auto key_of = [by](const MaterialCode& m, const DepotCode& d) {
    return Key{m.str(), by == AnnualGrouping::Depot ? d.str() : std::string()};
  };
  std::map<Key, AnnualRow> rows;
  const auto row_of = [&](const MaterialCode& m, const DepotCode& d) -> AnnualRow& {
    auto [it, added] = rows.try_emplace(key_of(m, d), AnnualRow{.material = m});
    if (added) {
      if (by == AnnualGrouping::Depot) it->second.depot = d;
      if (const auto c = catalog.find(m.str()); c != catalog.end()) {
        it->second.name = c->second->name;
        it->second.unit = c->second->unit;
      }
    }
    return it->second;
  };
  // The same figures per depot, to name the depot where the books do not add up.
  std::map<std::pair<std::string, std::string>, std::pair<Quantity, Quantity>> check;
  std::map<std::pair<std::string, std::string>, Quantity> moved;
  for (const auto& l : opening) {
    if (l.quantity.is_zero()) continue;
    row_of(l.material, l.depot).opening += l.quantity;
    check[{l.depot.str(), l.material.str()}].first += l.quantity;
  }
  for (const auto& l : closing) {
    if (l.quantity.is_zero()) continue;
    row_of(l.material, l.depot).closing += l.quantity;
    check[{l.depot.str(), l.material.str()}].second += l.quantity;
  }
  for (const auto& m : movements) {
    AnnualRow& row = row_of(m.material, m.depot);
    moved[{m.depot.str(), m.material.str()}] += m.quantity;
    check[{m.depot.str(), m.material.str()}];
    MovementKind kind = m.kind;
    if (kind == MovementKind::Reverse) {
      const auto it = m.reverses ? reversed.find(*m.reverses) : reversed.end();
      if (it == reversed.end()) {
        throw IntegrityError(fmt::format(
            "movement {}: a reversal of movement {}, which the ledger does not hold", m.id,
            m.reverses ? std::to_string(*m.reverses) : std::string("(none)")));
      }
      kind = it->second;
    }
    // In-coming columns add the signed quantity, out-going ones subtract it, so a reversal
    // (the opposite sign) lowers the column of what it reverses.
    switch (kind) {
    case MovementKind::Receive: row.receipts += m.quantity; break;
    case MovementKind::Issue: row.issues -= m.quantity; break;
    case MovementKind::TransferOut: row.transfers_out -= m.quantity; break;
    case MovementKind::TransferIn: row.transfers_in += m.quantity; break;
    case MovementKind::Dispose: row.disposals -= m.quantity; break;
    case MovementKind::Return: row.returns += m.quantity; break;
    case MovementKind::Adjust: row.adjustments += m.quantity; break;
    case MovementKind::Reverse:
      throw IntegrityError(fmt::format("movement {}: reverses movement {}, itself a reversal",
                                       m.id, *m.reverses));
    }
  }
  // Per depot and material first (the finer check names the depot), then each row's columns.
  for (const auto& [key, balances] : check) {
    const auto mv = moved.find(key);
    const Quantity net = mv == moved.end() ? Quantity() : mv->second;
    if (balances.first + net != balances.second) {
      throw IntegrityError(fmt::format(
          "depot {} material {}: opening {} + movements {} = {}, but the closing balance is {}",
          key.first, key.second, balances.first.to_string(), net.to_string(),
          (balances.first + net).to_string(), balances.second.to_string()));
    }
  }
  std::vector<AnnualRow> out;
  for (auto& [key, r] : rows) {
    const Quantity sum = r.opening + r.receipts - r.issues + r.transfers_in - r.transfers_out -
                         r.disposals + r.adjustments + r.returns;
    if (sum != r.closing) {
      throw IntegrityError(fmt::format(
          "material {}{}: opening {} + movements {} = {}, but the closing balance is {}",
          key.first, r.depot ? " at depot " + r.depot->str() : std::string(),
          r.opening.to_string(), (sum - r.opening).to_string(), sum.to_string(),
          r.closing.to_string()));
    }
    out.push_back(std::move(r));
  }
  return out;
}

AnnualReport annual_report(const Ledger& ledger, const AnnualOptions& options) {
  const Date today = ledger.today();
  if (options.year < Date::min().year() || options.year > today.year()) {
    throw InvalidInput("--year", std::to_string(options.year),
                       fmt::format("expected a year from {} to {} (this year)",
                                   Date::min().year(), today.year()));
  }
  const Date first = Date::from_ymd(options.year, 1, 1);
  AnnualReport report{.year = options.year,
                      .opening_day = first == Date::min() ? first : first.add_days(-1),
                      .closing_day = Date::from_ymd(options.year, 12, 31),
                      .rows = {}};
  std::optional<std::set<std::string>> depots; // --org: the subtree's depots
  if (options.org) {
    std::set<std::string> tree;
    for (const auto& o : ledger.organisation_subtree(*options.org)) tree.insert(o.str());
    depots.emplace();
    for (const auto& d : ledger.depots()) {
      if (tree.count(d.org.str()) != 0) depots->insert(d.code.str());
    }
  }
  const auto stock_on = [&](Date day) {
    if (first == Date::min() && day == first) return std::vector<StockLine>{}; // before 1900
    return ledger.stock(StockQuery{.depot = options.depot,
                                   .material = std::nullopt,
                                   .org = options.org,
                                   .as_of = day,
                                   .include_zero = false});
  };
  MovementQuery q;
  q.depot = options.depot;
  q.to = report.closing_day;
  const auto materials = ledger.materials();
  // The stock and the movements are separate reads: a write between them would look like a
  // ledger that does not add up. Read again, and only a mismatch that stays is one.
  for (int attempt = 0;; ++attempt) {
    const auto history = ledger.movements(q);
    const auto opening = stock_on(report.opening_day);
    const auto closing = stock_on(report.closing_day);
    std::map<std::int64_t, MovementKind> kinds;
    std::vector<Movement> year;
    for (const auto& m : history) {
      kinds.emplace(m.id, m.kind);
      if (m.date < first) continue;
      if (depots && depots->count(m.depot.str()) == 0) continue;
      year.push_back(m);
    }
    try {
      report.rows = annual_rows(opening, year, closing, kinds, materials, options.by);
      return report;
    } catch (const IntegrityError&) {
      const auto again = ledger.movements(q);
      const bool moved = again.size() != history.size() ||
                         (!again.empty() && again.back().id != history.back().id);
      if (!moved || attempt == 2) throw;
    }
  }
}

} // namespace stockpile
