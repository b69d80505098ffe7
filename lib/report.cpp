#include "stockpile/report.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <functional>
#include <limits>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "stockpile/error.hpp"
#include "stockpile/ledger.hpp"

namespace stockpile {

namespace {

constexpr std::int64_t kMaxBucketEdge = 36'500; // a hundred years
constexpr std::size_t kMaxBucketEdges = 20;

std::string key_text(const DepotCode& depot, const MaterialCode& material) {
  // Codes never contain '/', so the pair is unambiguous.
  return depot.str() + "/" + material.str();
}

std::map<std::string, const Material*> by_code(const std::vector<Material>& materials) {
  std::map<std::string, const Material*> out;
  for (const auto& m : materials) out.emplace(m.code.str(), &m);
  return out;
}

} // namespace

// ---- expiry --------------------------------------------------------------------------------

std::vector<std::int64_t> default_bucket_edges() { return {30, 60, 90, 180, 365}; }

std::vector<std::int64_t> parse_bucket_edges(std::string_view text, std::string_view field) {
  constexpr std::string_view expected =
      "expected increasing whole numbers of days from 0 to 36500, comma-separated, e.g. "
      "30,60,90,180,365";
  std::vector<std::int64_t> edges;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = text.find(',', start);
    const std::string_view part =
        text.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                           : comma - start);
    if (part.empty() || part.size() > 5 ||
        !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      throw InvalidInput(field, text, expected);
    }
    std::int64_t value = 0;
    for (char c : part) value = value * 10 + (c - '0');
    if (value > kMaxBucketEdge || (!edges.empty() && value <= edges.back())) {
      throw InvalidInput(field, text, expected);
    }
    edges.push_back(value);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (edges.size() > kMaxBucketEdges) {
    throw InvalidInput(field, text, "expected at most 20 bucket edges");
  }
  return edges;
}

std::string ExpiryBucket::label() const {
  switch (kind) {
  case Kind::Expired: return "expired";
  case Kind::Within: return fmt::format("≤ {}", edge);
  case Kind::Later: return "later";
  case Kind::NoExpiry: return "no expiry";
  }
  return "?";
}

ExpiryBucket expiry_bucket(const std::optional<Date>& expiry, Date as_of,
                           const std::vector<std::int64_t>& edges) {
  using Kind = ExpiryBucket::Kind;
  if (!expiry) return {Kind::NoExpiry, 0};
  const std::int64_t left = as_of.days_until(*expiry);
  if (left < 0) return {Kind::Expired, 0};
  for (std::int64_t edge : edges) {
    if (left <= edge) return {Kind::Within, edge};
  }
  return {Kind::Later, 0};
}

bool warning_reached(const Material& material, const Lot& lot, Date as_of,
                     const Duration& default_window) {
  if (!lot.expiry) return false;
  const Date expiry = *lot.expiry;
  if (lot.expired_on(as_of)) return true;
  const auto window_start = [&](const Duration& window) {
    try {
      return window.subtract_from(expiry);
    } catch (const InvalidInput&) {
      return Date::min(); // the window reaches back past the calendar the ledger knows
    }
  };
  if (material.warn_percent) {
    std::optional<Date> start = lot.production;
    if (!start && material.shelf_life) start = window_start(*material.shelf_life);
    if (!start) return as_of >= window_start(default_window);
    // Integer arithmetic: days left ≤ percent % of the life, i.e. left·100 ≤ percent·life.
    const std::int64_t life = std::max<std::int64_t>(0, start->days_until(expiry));
    return as_of.days_until(expiry) * 100 <= std::int64_t{*material.warn_percent} * life;
  }
  return as_of >= window_start(material.warn_before ? *material.warn_before : default_window);
}

namespace {

// classify_expiry one line at a time, so that the report never holds the stock lines. The
// materials must outlive it.
class ExpiryClassifier {
public:
  ExpiryClassifier(const std::vector<Material>& materials, Date as_of,
                   const ExpiryOptions& options)
      : as_of_(as_of), options_(options) {
    catalog_.reserve(materials.size());
    for (const auto& m : materials) catalog_.emplace(m.code.str(), &m);
    if (options.within) last_day_ = options.within->add_to(as_of);
  }

  // The line's row, or nullptr when the line is not in the report. The row is written over
  // the one before (its strings keep their buffers) and lives until the next call.
  const ExpiryRow* classify(const StockLine& line) {
    if (!line.quantity.is_positive()) return nullptr;
    const auto& expiry = line.lot.expiry;
    if (last_day_ && (!expiry || *expiry > *last_day_)) return nullptr;
    // A material the caller did not pass has no window of its own: the report's default.
    const auto it = catalog_.empty() ? catalog_.end() : catalog_.find(line.material.str());
    const Material& material = it != catalog_.end() ? *it->second : defaults_;
    if (row_) {
      row_->depot = line.depot;
      row_->material = line.material;
      row_->lot = line.lot.number;
    } else {
      row_.emplace(
          ExpiryRow{.depot = line.depot, .material = line.material, .lot = line.lot.number});
    }
    ExpiryRow& row = *row_;
    row.tier = line.tier;
    row.name = line.name;
    row.unit = line.unit;
    row.quantity = line.quantity;
    row.expiry = expiry;
    row.days_left =
        expiry ? std::optional<std::int64_t>(as_of_.days_until(*expiry)) : std::nullopt;
    row.bucket = expiry_bucket(expiry, as_of_, options_.edges);
    row.warning = warning_reached(material, line.lot, as_of_, options_.default_warning);
    return &row;
  }

  void add(const StockLine& line) {
    if (const ExpiryRow* row = classify(line)) rows_.push_back(*row);
  }

  [[nodiscard]] std::vector<ExpiryRow> take() && {
    // Sorted by expiry (none last), depot, material and lot. The keys are sorted, not the
    // rows: a row is some 250 bytes, and sorting 25k of them (the 90-day window at 1M
    // movements) moved each a dozen times; comparing rows in place read two of them from
    // scattered memory for every comparison.
    struct Key {
      std::int64_t day; // days since the epoch; none sorts last
      std::string_view depot, material, lot;
      std::size_t index;
      bool operator<(const Key& o) const noexcept {
        if (day != o.day) return day < o.day;
        if (const int c = depot.compare(o.depot); c != 0) return c < 0;
        if (const int c = material.compare(o.material); c != 0) return c < 0;
        return lot < o.lot;
      }
    };
    std::vector<Key> keys;
    keys.reserve(rows_.size());
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      const ExpiryRow& r = rows_[i];
      keys.push_back(Key{r.expiry ? Date::min().days_until(*r.expiry)
                                  : std::numeric_limits<std::int64_t>::max(),
                         r.depot.str(), r.material.str(), r.lot.str(), i});
    }
    // The ledger's window comes in this order already (its index is sorted so, schema
    // version 9): checking costs one pass where sorting 25k keys cost 40M instructions.
    if (std::is_sorted(keys.begin(), keys.end())) return std::move(rows_);
    std::sort(keys.begin(), keys.end());
    std::vector<ExpiryRow> sorted;
    sorted.reserve(rows_.size());
    for (const Key& k : keys) sorted.push_back(std::move(rows_[k.index]));
    rows_.clear();
    return sorted;
  }

private:
  // Into the caller's materials, by a hash: the window comes in expiry order, so lines of one
  // material seldom follow each other, and a tree of 5,000 codes cost 13 string comparisons
  // a line.
  std::unordered_map<std::string_view, const Material*> catalog_;
  // Stands for every material not in the catalog: only its (unset) windows are read.
  const Material defaults_{MaterialCode("default")};
  std::optional<ExpiryRow> row_; // the last line's, see classify
  Date as_of_;
  const ExpiryOptions& options_;
  std::optional<Date> last_day_;
  std::vector<ExpiryRow> rows_;
};

} // namespace

std::vector<ExpiryRow> classify_expiry(const std::vector<StockLine>& stock,
                                       const std::vector<Material>& materials, Date as_of,
                                       const ExpiryOptions& options) {
  ExpiryClassifier rows(materials, as_of, options);
  for (const auto& line : stock) rows.add(line);
  return std::move(rows).take();
}

Date for_each_expiry_row(const Ledger& ledger, const ExpiryOptions& options,
                         const std::function<void(const ExpiryRow&)>& fn) {
  const Date as_of = options.as_of.value_or(ledger.today());
  const auto materials = ledger.materials_with_own_warning();
  ExpiryClassifier rows(materials, as_of, options);
  // The window goes to the query, so that lots expiring later are never read (the classifier
  // applies it again, for callers of classify_expiry that pass stock of their own), and so
  // does the order: the whole window comes in it from balances_held_expiry as stored.
  ledger.for_each_stock_line(
      StockQuery{.depot = options.depot,
                 .material = options.material,
                 .org = options.org,
                 .as_of = as_of,
                 .include_zero = false,
                 .expiring_by = options.within ? std::optional<Date>(options.within->add_to(as_of))
                                               : std::nullopt,
                 .in_order = true,
                 .by_expiry = true},
      [&](const StockLine& line) {
        if (const ExpiryRow* row = rows.classify(line)) fn(*row);
      });
  return as_of;
}

ExpiryReport expiry_report(const Ledger& ledger, const ExpiryOptions& options) {
  ExpiryReport report{.as_of = Date::min(), .rows = {}};
  report.as_of = for_each_expiry_row(
      ledger, options, [&](const ExpiryRow& row) { report.rows.push_back(row); });
  return report;
}

// ---- rotation ------------------------------------------------------------------------------

std::string_view to_string(RotationAction action) noexcept {
  switch (action) {
  case RotationAction::WriteOff: return "write off";
  case RotationAction::IssueForUse: return "issue for use";
  case RotationAction::Transfer: return "transfer";
  }
  return "?";
}

Quantity procurement_needed(Quantity min, Quantity stock, Quantity rotating_out) {
  const Quantity gap = min - (stock - rotating_out);
  return gap.is_positive() ? gap : Quantity();
}

RotationPlan plan_rotation(const std::vector<StockLine>& stock, const std::vector<Quota>& quotas,
                           Date as_of, const Duration& within) {
  RotationPlan plan{.as_of = as_of, .horizon = within.add_to(as_of), .lots = {},
                    .procurement = {}};

  std::map<std::string, const Quota*> quota_of; // depot/material
  for (const auto& q : quotas) quota_of[key_text(q.depot, q.material)] = &q;
  std::map<std::string, Quantity> held; // depot/material → every lot held on as_of
  std::map<std::string, const StockLine*> sample; // depot/material → a line, for names
  std::vector<const StockLine*> leaving;
  for (const auto& line : stock) {
    if (!line.quantity.is_positive()) continue;
    const auto k = key_text(line.depot, line.material);
    held[k] += line.quantity;
    sample.emplace(k, &line);
    if (line.lot.expiry && *line.lot.expiry <= plan.horizon) leaving.push_back(&line);
  }
  std::sort(leaving.begin(), leaving.end(), [](const StockLine* a, const StockLine* b) {
    return std::make_tuple(*a->lot.expiry, std::cref(a->depot.str()),
                           std::cref(a->material.str()), std::cref(a->lot.number.str())) <
           std::make_tuple(*b->lot.expiry, std::cref(b->depot.str()),
                           std::cref(b->material.str()), std::cref(b->lot.number.str()));
  });

  // Pass 1: write off, issue for use, or needs a transfer. A depot that needs to transfer
  // stock of a material out is short of it itself and is no target for that material.
  std::map<std::string, Quantity> remaining = held; // after the lots decided so far leave
  std::set<std::string> short_of;
  std::vector<Quantity> left_after(leaving.size());
  for (std::size_t i = 0; i < leaving.size(); ++i) {
    const StockLine* line = leaving[i];
    const auto k = key_text(line->depot, line->material);
    RotationLot lot{.depot = line->depot,
                    .material = line->material,
                    .name = line->name,
                    .unit = line->unit,
                    .lot = line->lot.number,
                    .quantity = line->quantity,
                    .expiry = *line->lot.expiry,
                    .days_left = as_of.days_until(*line->lot.expiry),
                    .action = RotationAction::IssueForUse,
                    .transfer_to = std::nullopt,
                    .reason = {}};
    Quantity& left = remaining[k];
    left -= line->quantity;
    left_after[i] = left;
    const auto q = quota_of.find(k);
    const Quantity min = q == quota_of.end() ? Quantity() : q->second->min;
    if (line->lot.expired_on(as_of)) {
      lot.action = RotationAction::WriteOff;
      lot.reason = fmt::format("expired: usable through {}", line->lot.expiry->to_string());
    } else if (left >= min) {
      lot.reason = q == quota_of.end()
                       ? fmt::format("{} keeps {} without it; no quota", line->depot.str(),
                                     left.to_string())
                       : fmt::format("{} keeps {} without it, quota min {}", line->depot.str(),
                                     left.to_string(), min.to_string());
    } else {
      lot.action = RotationAction::Transfer; // a target is chosen in pass 2
      short_of.insert(k);
    }
    plan.lots.push_back(std::move(lot));
  }

  // Pass 2: a depot with a quota of the material and room under it, the most room first.
  std::map<std::string, Quantity> sent_in; // what earlier lots transfer to a depot
  for (std::size_t i = 0; i < plan.lots.size(); ++i) {
    RotationLot& lot = plan.lots[i];
    if (lot.action != RotationAction::Transfer) continue;
    const Quota* best = nullptr;
    Quantity best_room;
    for (const auto& other : quotas) {
      if (other.material != lot.material || other.depot == lot.depot) continue;
      const auto ok = key_text(other.depot, other.material);
      if (short_of.count(ok) != 0) continue;
      const Quantity cap = other.max.value_or(other.min);
      const Quantity room = cap - held[ok] - sent_in[ok];
      if (!room.is_positive()) continue;
      if (best == nullptr || room > best_room ||
          (room == best_room && other.depot.str() < best->depot.str())) {
        best = &other;
        best_room = room;
      }
    }
    const auto q = quota_of.find(key_text(lot.depot, lot.material));
    const std::string short_by =
        fmt::format("{} would keep {} without it, quota min {}", lot.depot.str(),
                    left_after[i].to_string(),
                    q == quota_of.end() ? std::string("0") : q->second->min.to_string());
    if (best != nullptr) {
      lot.transfer_to = best->depot;
      sent_in[key_text(best->depot, best->material)] += lot.quantity;
      lot.reason = fmt::format("{}; {} has room for {}", short_by, best->depot.str(),
                               best_room.to_string());
    } else {
      lot.action = RotationAction::IssueForUse;
      lot.reason = fmt::format("{}; no other depot can take it", short_by);
    }
  }

  // Procurement: every depot/material that rotates stock out or ends below its minimum.
  std::map<std::string, Quantity> out;
  for (const auto& l : plan.lots) out[key_text(l.depot, l.material)] += l.quantity;
  std::set<std::string> keys;
  for (const auto& [k, qty] : out) keys.insert(k);
  for (const auto& [k, q] : quota_of) keys.insert(k);
  for (const auto& k : keys) {
    const auto q = quota_of.find(k);
    const Quantity stock_held = held.count(k) != 0 ? held.at(k) : Quantity();
    const Quantity rotating = out.count(k) != 0 ? out.at(k) : Quantity();
    const Quantity min = q == quota_of.end() ? Quantity() : q->second->min;
    const Quantity procure = procurement_needed(min, stock_held, rotating);
    if (rotating.is_zero() && procure.is_zero()) continue;
    const auto s = sample.find(k);
    Procurement p{
        .depot = q != quota_of.end() ? q->second->depot : s->second->depot,
        .material = q != quota_of.end() ? q->second->material : s->second->material,
        .name = s != sample.end() ? s->second->name : std::string(),
        .unit = s != sample.end() ? s->second->unit : std::string(),
        .min = q == quota_of.end() ? std::nullopt : std::optional<Quantity>(q->second->min),
        .max = q == quota_of.end() ? std::nullopt : q->second->max,
        .stock = stock_held,
        .rotating_out = rotating,
        .after = stock_held - rotating,
        .procure = procure};
    plan.procurement.push_back(std::move(p));
  }
  std::sort(plan.procurement.begin(), plan.procurement.end(),
            [](const Procurement& a, const Procurement& b) {
              return std::tie(a.depot.str(), a.material.str()) <
                     std::tie(b.depot.str(), b.material.str());
            });
  return plan;
}

RotationPlan rotation_report(const Ledger& ledger, const RotationOptions& options) {
  const Date as_of = options.as_of.value_or(ledger.today());
  const auto stock = ledger.stock(StockQuery{.as_of = as_of, .include_zero = false});
  auto plan = plan_rotation(stock, ledger.quotas(), as_of, options.within);
  // A quota whose depot holds none of the material has no stock line to name it.
  const auto catalog = ledger.materials();
  const auto names = by_code(catalog);
  for (auto& p : plan.procurement) {
    if (!p.name.empty() || !p.unit.empty()) continue;
    if (const auto it = names.find(p.material.str()); it != names.end()) {
      p.name = it->second->name;
      p.unit = it->second->unit;
    }
  }
  return plan;
}

// ---- aging ---------------------------------------------------------------------------------

std::string_view to_string(AgingAction action) noexcept {
  switch (action) {
  case AgingAction::Restack: return "re-stack";
  case AgingAction::QualityTest: return "quality test";
  }
  return "?";
}

std::optional<AgingAction> aging_action(Date received, Date as_of) {
  // Calendar years: received 2025-11-22 is exactly one year old on 2026-11-22 and more than
  // one year old from 2026-11-23, whether the year had 365 or 366 days.
  if (received.year() + 3 <= Date::max().year() && as_of > received.add_months(36)) {
    return AgingAction::QualityTest;
  }
  if (received.year() + 1 <= Date::max().year() && as_of > received.add_months(12)) {
    return AgingAction::Restack;
  }
  return std::nullopt;
}

std::map<ReceiptKey, Date> receipt_dates(const std::vector<Movement>& movements) {
  // Per key, the first date for each source, most telling first: receive, transfer in, any.
  struct Firsts {
    std::optional<Date> receive, transfer_in, any;
  };
  std::map<ReceiptKey, Firsts> firsts;
  const auto earliest = [](std::optional<Date>& slot, Date d) {
    if (!slot || d < *slot) slot = d;
  };
  for (const auto& m : movements) {
    if (!m.quantity.is_positive()) continue;
    auto& f = firsts[ReceiptKey{m.depot.str(), m.material.str(), m.lot.str()}];
    if (m.kind == MovementKind::Receive) earliest(f.receive, m.date);
    if (m.kind == MovementKind::TransferIn) earliest(f.transfer_in, m.date);
    earliest(f.any, m.date);
  }
  std::map<ReceiptKey, Date> out;
  for (const auto& [key, f] : firsts) {
    out.emplace(key, f.receive ? *f.receive : f.transfer_in ? *f.transfer_in : *f.any);
  }
  return out;
}

std::vector<AgingRow> classify_aging(const std::vector<StockLine>& stock,
                                     const std::map<ReceiptKey, Date>& received, Date as_of) {
  std::vector<AgingRow> rows;
  for (const auto& line : stock) {
    if (!line.quantity.is_positive()) continue;
    const auto it =
        received.find(ReceiptKey{line.depot.str(), line.material.str(), line.lot.number.str()});
    if (it == received.end()) continue;
    const auto action = aging_action(it->second, as_of);
    if (!action) continue;
    rows.push_back(AgingRow{.depot = line.depot,
                            .tier = line.tier,
                            .material = line.material,
                            .name = line.name,
                            .unit = line.unit,
                            .lot = line.lot.number,
                            .quantity = line.quantity,
                            .received = it->second,
                            .days_held = it->second.days_until(as_of),
                            .action = *action});
  }
  std::sort(rows.begin(), rows.end(), [](const AgingRow& a, const AgingRow& b) {
    return std::make_tuple(-a.days_held, std::cref(a.depot.str()), std::cref(a.material.str()),
                           std::cref(a.lot.str())) <
           std::make_tuple(-b.days_held, std::cref(b.depot.str()), std::cref(b.material.str()),
                           std::cref(b.lot.str()));
  });
  return rows;
}

AgingReport aging_report(const Ledger& ledger, const AgingOptions& options) {
  const Date as_of = options.as_of.value_or(ledger.today());
  const auto stock = ledger.stock(StockQuery{.depot = options.depot,
                                             .material = options.material,
                                             .org = options.org,
                                             .as_of = as_of,
                                             .include_zero = false});
  MovementQuery q;
  q.depot = options.depot;
  q.material = options.material;
  q.to = as_of;
  return {as_of, classify_aging(stock, receipt_dates(ledger.movements(q)), as_of)};
}

// ---- custodians ----------------------------------------------------------------------------

std::vector<ContactCard> contact_cards(const std::vector<Depot>& depots,
                                       const std::vector<Custodian>& custodians) {
  std::vector<ContactCard> cards;
  for (const auto& d : depots) {
    ContactCard card{.depot = d.code, .name = d.name, .org = d.org, .keepers = {},
                     .responsible = {}};
    for (const auto& c : custodians) {
      if (std::find(c.depots.begin(), c.depots.end(), d.code) == c.depots.end()) continue;
      const Contact contact{c.id, c.name, c.phone};
      const auto has = [&](Role r) {
        return std::find(c.roles.begin(), c.roles.end(), r) != c.roles.end();
      };
      if (has(Role::Keeper)) card.keepers.push_back(contact);
      if (has(Role::Responsible)) card.responsible.push_back(contact);
    }
    const auto by_id = [](const Contact& a, const Contact& b) { return a.id < b.id; };
    std::sort(card.keepers.begin(), card.keepers.end(), by_id);
    std::sort(card.responsible.begin(), card.responsible.end(), by_id);
    cards.push_back(std::move(card));
  }
  std::sort(cards.begin(), cards.end(),
            [](const ContactCard& a, const ContactCard& b) { return a.depot < b.depot; });
  return cards;
}

std::vector<ContactCard> custodian_report(const Ledger& ledger) {
  return contact_cards(ledger.depots(), ledger.custodians());
}

} // namespace stockpile
