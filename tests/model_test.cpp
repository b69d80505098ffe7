// Model-based randomized test: a seeded stream of movements, valid and invalid, applied to a
// ledger and to a small in-memory model that decides on its own whether each must succeed and
// what it must post. Balances must agree after every step.
//
// STOCKPILE_MODEL_SEED and STOCKPILE_MODEL_OPS override the seed and the number of steps. A
// failure prints the seed, the step and the operation; the same seed replays the same stream.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "stockpile/error.hpp"
#include "stockpile/ledger.hpp"
#include "support/temp_ledger.hpp"

using namespace stockpile;

namespace {

using Thousandths = std::int64_t;

// ---- the network ------------------------------------------------------------------------------

struct MaterialSpec {
  const char* code;
  const char* name;
  const char* unit;
  int decimals;
  bool lot_tracked;
  bool recoverable;
  bool shelf_life; // 24 months from production
};

constexpr std::array<MaterialSpec, 4> kMaterials{{
    {"COAT", "棉衣", "件", 0, true, false, true},
    {"TENT", "帐篷", "顶", 0, true, true, false},
    {"CARBON", "活性炭", "kg", 3, false, false, false},
    {"SANDBAG", "编织袋", "条", 0, true, false, false},
}};
constexpr std::array<const char*, 3> kDepots{"LN-01", "LN-02", "CHEM-01"};
constexpr const char* kEnterpriseDepot = "CHEM-01";
constexpr std::array<const char*, 3> kCustodians{"wang.li", "zhao.min", "chen.gang"};

const Date kStart{date::year{2026} / date::January / 1};
const Date kToday{date::year{2026} / date::November / 22}; // the fixed clock, in UTC

Date day_offset(Date d, std::int64_t n) { return Date(d.days() + date::days{static_cast<int>(n)}); }

// d + n calendar months, clamped to the target month's last day.
Date plus_months(Date d, int n) {
  date::year_month_day ymd = d.ymd() + date::months{n};
  if (!ymd.ok()) ymd = ymd.year() / ymd.month() / date::last;
  return Date(ymd);
}

const MaterialSpec* spec_of(const std::string& code) {
  for (const auto& m : kMaterials) {
    if (code == m.code) return &m;
  }
  return nullptr;
}
bool is_depot(const std::string& code) {
  return std::find(kDepots.begin(), kDepots.end(), code) != kDepots.end();
}
bool is_custodian(const std::string& id) {
  return std::find(kCustodians.begin(), kCustodians.end(), id) != kCustodians.end();
}

// ---- operations -------------------------------------------------------------------------------

struct StatusChange {
  MaterialCode material;
  LotNumber lot;
  LotStatus status;
  CustodianId actor;
  std::string reason;
};

using Op = std::variant<ReceiveRequest, IssueRequest, TransferRequest, DisposeRequest,
                        ReturnRequest, ReverseRequest, StatusChange>;

constexpr std::array<const char*, 7> kOpNames{"receive", "issue",   "transfer",  "dispose",
                                              "return",  "reverse", "lot-status"};

std::string q_text(Quantity q) { return q.to_string(); }
std::string opt_text(const std::optional<LotNumber>& v) { return v ? v->str() : "(none)"; }
std::string opt_text(const std::optional<Date>& v) { return v ? v->to_string() : "(none)"; }

std::string paper_text(const Paperwork& p) {
  std::string s = " counterparty=" + p.counterparty + " document=" + p.document + " note=" + p.note;
  if (p.incident) s += " incident=" + p.incident->str();
  return s;
}

// Every field of the request except the idempotency key: two requests are the same request
// exactly when these agree.
std::string canonical(const Op& op) {
  std::ostringstream o;
  std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, ReceiveRequest>) {
          o << "receive depot=" << r.depot.str() << " material=" << r.material.str()
            << " lot=" << opt_text(r.lot) << " qty=" << q_text(r.quantity)
            << " date=" << r.date.to_string() << " actor=" << r.actor.str()
            << " production=" << opt_text(r.production) << " expiry=" << opt_text(r.expiry)
            << paper_text(r.paper);
        } else if constexpr (std::is_same_v<T, IssueRequest>) {
          o << "issue depot=" << r.depot.str() << " material=" << r.material.str()
            << " lot=" << opt_text(r.lot) << " qty=" << q_text(r.quantity)
            << " date=" << r.date.to_string() << " actor=" << r.actor.str()
            << " allow_unusable=" << r.allow_unusable << paper_text(r.paper);
        } else if constexpr (std::is_same_v<T, TransferRequest>) {
          o << "transfer from=" << r.from.str() << " to=" << r.to.str()
            << " material=" << r.material.str() << " lot=" << opt_text(r.lot)
            << " qty=" << q_text(r.quantity) << " date=" << r.date.to_string()
            << " actor=" << r.actor.str() << " allow_unusable=" << r.allow_unusable
            << paper_text(r.paper);
        } else if constexpr (std::is_same_v<T, DisposeRequest>) {
          o << "dispose depot=" << r.depot.str() << " material=" << r.material.str()
            << " lot=" << opt_text(r.lot) << " qty=" << q_text(r.quantity)
            << " date=" << r.date.to_string() << " actor=" << r.actor.str()
            << " reason=" << to_string(r.reason) << " approver=" << r.approver.str()
            << paper_text(r.paper);
        } else if constexpr (std::is_same_v<T, ReturnRequest>) {
          o << "return depot=" << r.depot.str() << " material=" << r.material.str()
            << " lot=" << opt_text(r.lot) << " qty=" << q_text(r.quantity)
            << " date=" << r.date.to_string() << " actor=" << r.actor.str() << paper_text(r.paper);
        } else if constexpr (std::is_same_v<T, ReverseRequest>) {
          o << "reverse movements=";
          for (std::size_t i = 0; i < r.movements.size(); ++i) {
            o << (i ? "," : "") << r.movements[i];
          }
          o << " date=" << r.date.to_string() << " actor=" << r.actor.str()
            << " reason=" << r.reason << paper_text(r.paper);
        } else {
          o << "lot-status material=" << r.material.str() << " lot=" << r.lot.str()
            << " status=" << to_string(r.status) << " actor=" << r.actor.str()
            << " reason=" << r.reason;
        }
      },
      op);
  return o.str();
}

const Paperwork* paper_of(const Op& op) {
  return std::visit(
      [](const auto& r) -> const Paperwork* {
        if constexpr (std::is_same_v<std::decay_t<decltype(r)>, StatusChange>)
          return nullptr;
        else
          return &r.paper;
      },
      op);
}

std::string describe(const Op& op) {
  std::string s = canonical(op);
  if (const auto* p = paper_of(op); p && !p->idempotency_key.empty()) {
    s += " key=" + p->idempotency_key;
  }
  return s;
}

// ---- the model --------------------------------------------------------------------------------

struct Key {
  std::string depot;
  std::string material;
  std::string lot;
  auto operator<=>(const Key&) const = default;
};

std::string key_text(const Key& k) { return k.depot + "/" + k.material + "/" + k.lot; }

struct LotInfo {
  std::optional<Date> production;
  std::optional<Date> expiry;
  LotStatus status = LotStatus::Available;
  [[nodiscard]] bool usable_on(Date d) const {
    return status == LotStatus::Available && (!expiry || d <= *expiry);
  }
};

struct ModelMovement {
  Date date;
  MovementKind kind;
  Key key;
  Thousandths quantity;
  std::optional<std::int64_t> pair; // the other leg of a transfer
  bool reversed = false;
};

struct Leg {
  MovementKind kind;
  Key key;
  Thousandths quantity;
  std::optional<std::int64_t> reverses;
  bool unusable = false;          // the lot was unusable on the day (moved with allow_unusable)
  std::optional<LotInfo> new_lot; // a receipt that creates the lot
  int pair_offset = 0;            // transfer legs: the other leg's index relative to this one
};

// What the model says an operation must do.
enum ErrorClass : unsigned { kInvalid = 1U, kNotFound = 2U, kRule = 4U, kInsufficient = 8U };

struct Expectation {
  unsigned errors = 0; // union of the acceptable error classes; 0: must succeed
  std::vector<std::string> reasons;
  std::vector<Leg> legs;
  bool either = false; // the rules leave the outcome open (see expect_reverse)
  std::optional<std::vector<std::int64_t>> replay;
  void fail(unsigned classes, std::string reason) {
    errors |= classes;
    reasons.push_back(std::move(reason));
  }
};

std::string classes_text(unsigned c) {
  std::string s;
  if (c & kInvalid) s += "InvalidInput ";
  if (c & kNotFound) s += "NotFound ";
  if (c & kRule) s += "RuleViolation ";
  if (c & kInsufficient) s += "InsufficientStock ";
  return s.empty() ? "none" : s;
}

unsigned classes_of(const Error& e) {
  unsigned c = 0;
  if (dynamic_cast<const InvalidInput*>(&e)) c |= kInvalid;
  if (dynamic_cast<const NotFound*>(&e)) c |= kNotFound;
  if (dynamic_cast<const RuleViolation*>(&e)) c |= kRule;
  if (dynamic_cast<const InsufficientStock*>(&e)) c |= kInsufficient;
  return c;
}

class Model {
public:
  std::map<Key, Thousandths> balance;
  std::map<Key, std::map<Date, Thousandths>> daily; // per-day sums of movements
  std::map<std::pair<std::string, std::string>, LotInfo> lots;
  std::vector<ModelMovement> movements; // movement id = index + 1
  struct KeyUse {
    std::string request;
    std::vector<std::int64_t> ids;
  };
  std::map<std::string, KeyUse> keys;

  [[nodiscard]] std::int64_t next_id() const {
    return static_cast<std::int64_t>(movements.size()) + 1;
  }

  [[nodiscard]] const LotInfo* lot(const std::string& material, const std::string& number) const {
    auto it = lots.find({material, number});
    return it == lots.end() ? nullptr : &it->second;
  }

  [[nodiscard]] Thousandths on_hand(const Key& k) const {
    auto it = balance.find(k);
    return it == balance.end() ? 0 : it->second;
  }

  [[nodiscard]] Thousandths as_of(const Key& k, Date day) const {
    Thousandths sum = 0;
    if (auto it = daily.find(k); it != daily.end()) {
      for (const auto& [d, q] : it->second) {
        if (d > day) break;
        sum += q;
      }
    }
    return sum;
  }

  // What a movement dated `day` may take out: the lowest end-of-day balance from `day` on.
  [[nodiscard]] Thousandths available(const Key& k, Date day) const {
    auto it = daily.find(k);
    if (it == daily.end()) return 0;
    Thousandths running = 0;
    auto later = it->second.upper_bound(day);
    for (auto j = it->second.begin(); j != later; ++j)
      running += j->second;
    Thousandths low = running;
    for (auto j = later; j != it->second.end(); ++j) {
      running += j->second;
      low = std::min(low, running);
    }
    return low;
  }

  [[nodiscard]] std::vector<std::string> lots_of(const std::string& material) const {
    std::vector<std::string> out;
    for (const auto& [k, info] : lots) {
      if (k.first == material) out.push_back(k.second);
    }
    return out;
  }

  [[nodiscard]] std::vector<std::string> lots_at(const std::string& depot,
                                                 const std::string& material) const {
    std::vector<std::string> out;
    for (const auto& [k, q] : balance) {
      if (k.depot == depot && k.material == material && q > 0) out.push_back(k.lot);
    }
    return out;
  }

  // First expiry first out over the lots usable on `day`.
  [[nodiscard]] std::vector<std::pair<std::string, Thousandths>> fefo(const std::string& depot,
                                                                      const std::string& material,
                                                                      Thousandths wanted, Date day,
                                                                      Thousandths& usable) const {
    struct Candidate {
      std::string lot;
      std::optional<Date> expiry;
      Thousandths have;
    };
    std::vector<Candidate> candidates;
    usable = 0;
    for (const auto& number : lots_at(depot, material)) {
      const Thousandths have = available(Key{depot, material, number}, day);
      const LotInfo& info = *lot(material, number);
      if (have <= 0 || !info.usable_on(day)) continue;
      candidates.push_back({number, info.expiry, have});
      usable += have;
    }
    std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
      if (a.expiry.has_value() != b.expiry.has_value()) return a.expiry.has_value();
      if (a.expiry && *a.expiry != *b.expiry) return *a.expiry < *b.expiry;
      return a.lot < b.lot;
    });
    std::vector<std::pair<std::string, Thousandths>> picks;
    if (usable < wanted) return picks;
    Thousandths left = wanted;
    for (const auto& c : candidates) {
      if (left <= 0) break;
      const Thousandths take = std::min(left, c.have);
      picks.emplace_back(c.lot, take);
      left -= take;
    }
    return picks;
  }

  [[nodiscard]] Expectation expect(const Op& op) const {
    Expectation e;
    if (const auto* paper = paper_of(op); paper && !paper->idempotency_key.empty()) {
      if (auto it = keys.find(paper->idempotency_key); it != keys.end()) {
        if (it->second.request == canonical(op))
          e.replay = it->second.ids;
        else
          e.fail(kRule | kInvalid, "idempotency key already used by a different request");
        return e;
      }
    }
    std::visit([&](const auto& r) { expect_one(r, e); }, op);
    return e;
  }

  void apply(const std::vector<Leg>& legs, Date date) {
    const std::int64_t first = next_id();
    for (std::size_t i = 0; i < legs.size(); ++i) {
      const Leg& leg = legs[i];
      if (leg.new_lot) lots[{leg.key.material, leg.key.lot}] = *leg.new_lot;
      balance[leg.key] += leg.quantity;
      daily[leg.key][date] += leg.quantity;
      std::optional<std::int64_t> pair;
      if (leg.pair_offset != 0) pair = first + static_cast<std::int64_t>(i) + leg.pair_offset;
      movements.push_back(ModelMovement{date, leg.kind, leg.key, leg.quantity, pair, false});
      if (leg.reverses) movements[static_cast<std::size_t>(*leg.reverses - 1)].reversed = true;
    }
  }

private:
  static void expect_header(Expectation& e, Date date, const CustodianId& actor) {
    if (!is_custodian(actor.str())) e.fail(kInvalid | kNotFound, "actor is not a custodian");
    if (date > kToday) e.fail(kInvalid, "date is after today");
  }

  // false when the quantity breaks the material's rule.
  static bool expect_quantity(Expectation& e, Quantity q, const MaterialSpec& m) {
    if (!q.is_positive()) {
      e.fail(kInvalid, "quantity not positive");
      return false;
    }
    Thousandths unit = 1;
    for (int i = m.decimals; i < Quantity::kDecimals; ++i)
      unit *= 10;
    if (q.thousandths() % unit != 0) {
      e.fail(kInvalid, "too many decimals for the material");
      return false;
    }
    return true;
  }

  // The lot a request names: materials without lot tracking always use the implicit lot.
  // Sets `bad` when the request names a lot it may not or omits one it must name.
  static std::optional<std::string> resolve_lot(Expectation& e, const MaterialSpec& m,
                                                const std::optional<LotNumber>& given,
                                                bool required, bool& bad) {
    bad = false;
    if (!m.lot_tracked) {
      if (given && given->str() != kImplicitLot) {
        e.fail(kInvalid, "a lot named for a material without lot tracking");
        bad = true;
        return std::nullopt;
      }
      return std::string(kImplicitLot);
    }
    if (!given) {
      if (required) {
        e.fail(kInvalid, "lot-tracked material without a lot");
        bad = true;
      }
      return std::nullopt;
    }
    return given->str();
  }

  // The lot must exist; a material without lot tracking that was never received has no
  // implicit lot yet, which may fairly be reported either way.
  const LotInfo* expect_lot(Expectation& e, const MaterialSpec& m,
                            const std::string& number) const {
    const LotInfo* info = lot(m.code, number);
    if (!info) e.fail(m.lot_tracked ? kNotFound : kNotFound | kInsufficient, "no such lot");
    return info;
  }

  void expect_one(const ReceiveRequest& r, Expectation& e) const {
    expect_header(e, r.date, r.actor);
    const MaterialSpec* m = spec_of(r.material.str());
    if (!m) e.fail(kNotFound, "unknown material");
    if (!is_depot(r.depot.str())) e.fail(kNotFound, "unknown depot");
    if (!m) return;
    expect_quantity(e, r.quantity, *m);
    bool bad = false;
    const auto number = resolve_lot(e, *m, r.lot, true, bad);
    if (bad) return;
    if (r.production && *r.production > r.date) e.fail(kInvalid, "made after it arrived");
    LotInfo fresh{r.production, r.expiry, LotStatus::Available};
    if (!fresh.expiry && fresh.production && m->shelf_life) {
      fresh.expiry = plus_months(*fresh.production, 24);
    }
    if (fresh.production && fresh.expiry && *fresh.expiry < *fresh.production) {
      e.fail(kInvalid, "expiry before production");
    }
    const LotInfo* old = lot(m->code, *number);
    if (old) {
      if (r.expiry && old->expiry != r.expiry) e.fail(kInvalid, "expiry differs from the lot's");
      if (r.production && old->production != r.production) {
        e.fail(kInvalid, "production differs from the lot's");
      }
    }
    if (e.errors) return;
    Leg leg{MovementKind::Receive,
            Key{r.depot.str(), m->code, *number},
            r.quantity.thousandths(),
            {},
            false,
            {},
            0};
    if (!old) leg.new_lot = fresh;
    e.legs.push_back(leg);
  }

  // Issue and transfer: what leaves `from` (and arrives at `to`).
  void expect_out(Expectation& e, const DepotCode& from, const std::optional<DepotCode>& to,
                  const MaterialCode& material, const std::optional<LotNumber>& given,
                  Quantity quantity, Date date, const CustodianId& actor,
                  const std::string& allow_unusable) const {
    expect_header(e, date, actor);
    const MaterialSpec* m = spec_of(material.str());
    if (!m) e.fail(kNotFound, "unknown material");
    const bool from_ok = is_depot(from.str());
    if (!from_ok) e.fail(kNotFound, "unknown depot");
    if (to) {
      if (!is_depot(to->str())) e.fail(kNotFound, "unknown destination depot");
      if (*to == from) e.fail(kInvalid, "transfer to the same depot");
    }
    if (!m) return;
    const bool qty_ok = expect_quantity(e, quantity, *m);
    bool bad = false;
    const auto number = resolve_lot(e, *m, given, false, bad);
    if (bad) return;
    std::vector<std::pair<std::string, Thousandths>> picks;
    if (number) {
      const LotInfo* info = expect_lot(e, *m, *number);
      if (!info) return;
      if (!info->usable_on(date) && allow_unusable.empty()) {
        e.fail(kRule, "lot unusable on the day without allow_unusable");
      }
      if (!from_ok || !qty_ok) return;
      if (available(Key{from.str(), m->code, *number}, date) < quantity.thousandths()) {
        e.fail(kInsufficient, "named lot short on the day");
      }
      picks.emplace_back(*number, quantity.thousandths());
    } else {
      if (!allow_unusable.empty()) e.fail(kInvalid, "allow_unusable without a lot");
      if (!from_ok || !qty_ok) return;
      Thousandths usable = 0;
      picks = fefo(from.str(), m->code, quantity.thousandths(), date, usable);
      if (picks.empty()) e.fail(kInsufficient, "usable lots short on the day");
    }
    if (e.errors) return;
    for (const auto& [number_, q] : picks) {
      const bool unusable = !lot(m->code, number_)->usable_on(date);
      if (to) {
        e.legs.push_back(Leg{
            MovementKind::TransferOut, Key{from.str(), m->code, number_}, -q, {}, unusable, {}, 1});
        e.legs.push_back(Leg{
            MovementKind::TransferIn, Key{to->str(), m->code, number_}, q, {}, unusable, {}, -1});
      } else {
        e.legs.push_back(
            Leg{MovementKind::Issue, Key{from.str(), m->code, number_}, -q, {}, unusable, {}, 0});
      }
    }
  }

  void expect_one(const IssueRequest& r, Expectation& e) const {
    expect_out(e, r.depot, std::nullopt, r.material, r.lot, r.quantity, r.date, r.actor,
               r.allow_unusable);
  }
  void expect_one(const TransferRequest& r, Expectation& e) const {
    expect_out(e, r.from, r.to, r.material, r.lot, r.quantity, r.date, r.actor, r.allow_unusable);
  }

  void expect_one(const DisposeRequest& r, Expectation& e) const {
    expect_header(e, r.date, r.actor);
    const MaterialSpec* m = spec_of(r.material.str());
    if (!m) e.fail(kNotFound, "unknown material");
    const bool depot_ok = is_depot(r.depot.str());
    if (!depot_ok) e.fail(kNotFound, "unknown depot");
    if (!is_custodian(r.approver.str())) e.fail(kInvalid | kNotFound, "unknown approver");
    if (r.approver == r.actor) e.fail(kInvalid | kRule, "approver is the actor");
    if (!m) return;
    const bool qty_ok = expect_quantity(e, r.quantity, *m);
    bool bad = false;
    const auto number = resolve_lot(e, *m, r.lot, true, bad);
    if (bad) return;
    // Disposal is how unusable stock leaves the books: no usability check.
    if (!expect_lot(e, *m, *number) || !depot_ok || !qty_ok) return;
    const Key k{r.depot.str(), m->code, *number};
    if (available(k, r.date) < r.quantity.thousandths()) e.fail(kInsufficient, "lot short");
    if (e.errors) return;
    e.legs.push_back(Leg{MovementKind::Dispose, k, -r.quantity.thousandths(), {}, false, {}, 0});
  }

  void expect_one(const ReturnRequest& r, Expectation& e) const {
    expect_header(e, r.date, r.actor);
    const MaterialSpec* m = spec_of(r.material.str());
    if (!m) e.fail(kNotFound, "unknown material");
    if (!is_depot(r.depot.str())) e.fail(kNotFound, "unknown depot");
    if (!m) return;
    expect_quantity(e, r.quantity, *m);
    if (!m->recoverable) e.fail(kRule, "material not recoverable");
    bool bad = false;
    const auto number = resolve_lot(e, *m, r.lot, true, bad);
    if (bad || !expect_lot(e, *m, *number) || e.errors) return;
    // What is out of the lot, any depot: issued, less returned; reversed ones do not count.
    Thousandths out = 0;
    for (const auto& mv : movements) {
      if (mv.reversed || mv.key.material != m->code || mv.key.lot != *number) continue;
      if (mv.kind == MovementKind::Issue || mv.kind == MovementKind::Return) out -= mv.quantity;
    }
    if (out < r.quantity.thousandths()) e.fail(kRule, "returns more than is out");
    if (e.errors) return;
    e.legs.push_back(Leg{MovementKind::Return,
                         Key{r.depot.str(), m->code, *number},
                         r.quantity.thousandths(),
                         {},
                         false,
                         {},
                         0});
  }

  void expect_one(const ReverseRequest& r, Expectation& e) const {
    expect_header(e, r.date, r.actor);
    if (r.movements.empty()) e.fail(kInvalid, "no movement named");
    if (r.reason.empty()) e.fail(kInvalid, "no reason");
    std::set<std::int64_t> targets;
    for (auto id : r.movements) {
      if (id < 1 || id >= next_id()) {
        e.fail(kNotFound, "no such movement");
        continue;
      }
      targets.insert(id);
      if (auto pair = movements[static_cast<std::size_t>(id - 1)].pair) targets.insert(*pair);
    }
    for (auto id : targets) {
      const ModelMovement& t = movements[static_cast<std::size_t>(id - 1)];
      if (t.kind == MovementKind::Reverse)
        e.fail(kRule, "reversing a reversal");
      else if (t.reversed)
        e.fail(kRule, "already reversed");
      if (r.date < t.date) e.fail(kInvalid, "reversal dated before the movement");
    }
    if (e.errors) {
      // With several defects any one may be reported, a target's shortage included.
      for (auto id : targets) {
        const ModelMovement& t = movements[static_cast<std::size_t>(id - 1)];
        if (t.quantity > 0 && available(t.key, r.date) < t.quantity) e.errors |= kInsufficient;
      }
      return;
    }
    std::map<Key, std::pair<Thousandths, Thousandths>> effect; // net, outgoing only
    for (auto id : targets) {
      const ModelMovement& t = movements[static_cast<std::size_t>(id - 1)];
      e.legs.push_back(Leg{MovementKind::Reverse, t.key, -t.quantity, id, false, {}, 0});
      auto& [net, out] = effect[t.key];
      net -= t.quantity;
      if (t.quantity > 0) out -= t.quantity;
    }
    // Every day from the reversal's date on must keep a balance >= 0. When one reversal both
    // takes from and gives back to the same lot and depot, whether it may lean on what it gives
    // back is not a rule we hold the ledger to: either outcome is accepted, as long as a
    // success leaves no balance negative.
    for (const auto& [k, ef] : effect) {
      const Thousandths have = available(k, r.date);
      if (have + ef.first < 0) {
        e.fail(kInsufficient, "reversal takes " + std::to_string(-ef.first) + " out of " +
                                  key_text(k) + ", which holds at least " + std::to_string(have) +
                                  " on every day from its date on (thousandths)");
      } else if (have + ef.second < 0)
        e.either = true;
    }
    if (e.errors) {
      e.either = false;
      e.legs.clear();
    }
  }

  void expect_one(const StatusChange& r, Expectation& e) const {
    if (!is_custodian(r.actor.str())) e.fail(kInvalid | kNotFound, "actor is not a custodian");
    if (!spec_of(r.material.str()))
      e.fail(kNotFound, "unknown material");
    else if (!lot(r.material.str(), r.lot.str()))
      e.fail(kNotFound, "no such lot");
    if (r.reason.empty()) e.fail(kInvalid, "no reason");
  }
};

// ---- the generator ----------------------------------------------------------------------------

class Rng {
public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  // Uniform in 0..n-1 (0 when n <= 1); mt19937_64's output is the same on every platform.
  std::int64_t below(std::int64_t n) {
    if (n <= 1) return 0;
    return static_cast<std::int64_t>(engine_() % static_cast<std::uint64_t>(n));
  }
  std::int64_t between(std::int64_t lo, std::int64_t hi) { return lo + below(hi - lo + 1); }
  bool percent(int p) { return below(100) < p; }
  template <class T> const T& pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(below(static_cast<std::int64_t>(v.size())))];
  }
  template <class T, std::size_t N> const T& pick(const std::array<T, N>& v) {
    return v[static_cast<std::size_t>(below(static_cast<std::int64_t>(N)))];
  }

private:
  std::mt19937_64 engine_;
};

class Generator {
public:
  Generator(std::uint64_t seed, const Model& model, int ops)
      : rng_(seed), model_(model), ops_(ops) {}

  Op next(int step) {
    // The day moves forward through the year; most movements are dated that day, some are
    // back-dated entries recorded late.
    cursor_ = std::min(kToday, day_offset(kStart, std::int64_t{step} * 326 / ops_));
    ++step_;
    const auto roll = rng_.below(100);
    if (roll < 6 && !keyed_.empty()) return replay();
    Op op = roll < 30   ? Op(receive())
            : roll < 52 ? Op(issue())
            : roll < 65 ? Op(transfer())
            : roll < 73 ? Op(dispose())
            : roll < 79 ? Op(return_items())
            : roll < 91 ? Op(reverse())
                        : Op(status_change());
    if (rng_.percent(12)) std::visit([&](auto& r) { corrupt(r); }, op);
    if (auto* paper = std::visit([](auto& r) -> Paperwork* { return paper_ptr(r); }, op);
        paper && rng_.percent(20)) {
      paper->idempotency_key = "key-" + std::to_string(step_);
      keyed_.push_back(op);
    }
    return op;
  }

private:
  template <class R> static Paperwork* paper_ptr(R& r) {
    if constexpr (std::is_same_v<R, StatusChange>)
      return nullptr;
    else
      return &r.paper;
  }

  // Same key: the very same request (a retry) or another one (a mistake).
  Op replay() {
    Op op = rng_.pick(keyed_);
    if (rng_.percent(60)) return op;
    const std::string key = paper_of(op)->idempotency_key;
    if (rng_.percent(50)) {
      std::visit(
          [&](auto& r) {
            if constexpr (requires { r.quantity; })
              r.quantity = r.quantity + Quantity::whole(1);
            else if constexpr (requires { r.reason = std::string(); })
              r.reason += " (again)";
          },
          op);
    } else {
      op = rng_.percent(50) ? Op(receive()) : Op(issue());
    }
    std::visit(
        [&](auto& r) {
          if (auto* p = paper_ptr(r)) p->idempotency_key = key;
        },
        op);
    return op;
  }

  Date movement_date() {
    const auto roll = rng_.below(100);
    if (roll < 80) return cursor_;
    if (roll < 97) return std::max(kStart, day_offset(cursor_, -rng_.between(1, 45)));
    return day_offset(kStart, rng_.below(kStart.days_until(kToday) + 1));
  }

  Date expiry_date() {
    static const std::array<Date, 12> pool{
        Date(date::year{2026} / 1 / 1),   Date(date::year{2026} / 2 / 28),
        Date(date::year{2026} / 4 / 30),  Date(date::year{2026} / 6 / 30),
        Date(date::year{2026} / 8 / 31),  Date(date::year{2026} / 10 / 15),
        Date(date::year{2026} / 11 / 22), Date(date::year{2026} / 12 / 31),
        Date(date::year{2027} / 6 / 30),  Date(date::year{2027} / 12 / 31),
        Date(date::year{2028} / 6 / 30),  Date(date::year{2028} / 12 / 31)};
    if (rng_.percent(70)) return rng_.pick(pool); // shared dates: ties for FEFO to break
    const Date first(date::year{2026} / 1 / 1);
    return day_offset(first, rng_.below(first.days_until(Date(date::year{2028} / 12 / 31)) + 1));
  }

  const MaterialSpec& material() { return rng_.pick(kMaterials); }
  DepotCode depot() { return DepotCode(rng_.pick(kDepots)); }
  CustodianId actor() { return CustodianId(rng_.pick(kCustodians)); }

  // A quantity of about `scale` thousandths at most (at least one unit's worth of choices).
  Quantity quantity(const MaterialSpec& m, Thousandths scale) {
    if (m.decimals == 0)
      return Quantity::whole(rng_.between(1, std::max<Thousandths>(1, scale / 1000)));
    return Quantity::from_thousandths(rng_.between(1, std::max<Thousandths>(1000, scale)));
  }

  ReceiveRequest receive() {
    const MaterialSpec& m = material();
    ReceiveRequest r{.depot = depot(),
                     .material = MaterialCode(m.code),
                     .lot = std::nullopt,
                     .quantity = quantity(m, 60'000),
                     .date = movement_date(),
                     .actor = actor(),
                     .production = std::nullopt,
                     .expiry = std::nullopt,
                     .paper = {.counterparty = "supplier",
                               .incident = {},
                               .document = {},
                               .note = {},
                               .idempotency_key = {}}};
    if (!m.lot_tracked) {
      if (rng_.percent(30)) r.lot = LotNumber(std::string(kImplicitLot));
      if (rng_.percent(2)) r.lot = LotNumber("L01"); // names a lot it may not
      return r;
    }
    const auto existing = model_.lots_of(m.code);
    if (existing.empty() || (existing.size() < 16 && rng_.percent(25))) {
      std::string number;
      do {
        const auto n = rng_.between(1, 16);
        number = (n < 10 ? "L0" : "L") + std::to_string(n);
      } while (std::find(existing.begin(), existing.end(), number) != existing.end());
      r.lot = LotNumber(number);
      if (rng_.percent(2)) r.lot.reset(); // a lot-tracked material needs its lot
      if (m.shelf_life) {
        const auto roll = rng_.below(100);
        if (roll < 45) {
          r.expiry = expiry_date();
        } else if (roll < 75) {
          r.production = day_offset(Date(date::year{2024} / 1 / 1), rng_.below(1056));
        } else if (roll < 95) {
          r.expiry = expiry_date();
          r.production = day_offset(*r.expiry, rng_.percent(90) ? -rng_.between(100, 900)
                                                                : rng_.between(1, 30));
        }
      } else if (std::string(m.code) == "TENT" && rng_.percent(70)) {
        r.expiry = expiry_date();
      }
      return r;
    }
    const std::string number = rng_.pick(existing);
    r.lot = LotNumber(number);
    const LotInfo& info = *model_.lot(m.code, number);
    const auto roll = rng_.below(100);
    if (roll < 60) return r;
    if (roll < 80 && info.expiry)
      r.expiry = info.expiry; // the label again: fine
    else if (roll < 88 && info.production)
      r.production = info.production;
    else if (roll < 94)
      r.expiry = expiry_date(); // usually disagrees with the label
    else if (roll < 100)
      r.production = day_offset(Date(date::year{2025} / 1 / 1), rng_.below(300));
    return r;
  }

  // A lot to take from `depot`: usually one it holds.
  std::optional<LotNumber> lot_at(const std::string& depot_code, const MaterialSpec& m) {
    if (!m.lot_tracked) {
      return rng_.percent(50) ? std::optional<LotNumber>(std::string(kImplicitLot)) : std::nullopt;
    }
    auto held = model_.lots_at(depot_code, m.code);
    if (held.empty() || rng_.percent(5)) held = model_.lots_of(m.code);
    if (held.empty()) return LotNumber("L01");
    return LotNumber(rng_.pick(held));
  }

  // How much to take: mostly what is there, sometimes a bit more.
  Quantity out_quantity(const std::string& depot_code, const MaterialSpec& m,
                        const std::optional<LotNumber>& lot, Date day) {
    Thousandths have = 0;
    if (lot) {
      have = model_.available(Key{depot_code, m.code, lot->str()}, day);
    } else {
      for (const auto& n : model_.lots_at(depot_code, m.code)) {
        if (model_.lot(m.code, n)->usable_on(day)) {
          have += model_.available(Key{depot_code, m.code, n}, day);
        }
      }
    }
    have = std::max<Thousandths>(have, 0);
    if (rng_.percent(15)) return quantity(m, have + 1000); // just at or above what is there
    return quantity(m, have * 11 / 10);
  }

  std::string allow(const std::optional<LotNumber>& lot, const MaterialSpec& m, Date day) {
    if (!lot) return rng_.percent(3) ? "urgent" : ""; // allow_unusable needs a lot
    const LotInfo* info = model_.lot(m.code, lot->str());
    if (info && !info->usable_on(day) && rng_.percent(50)) return "flood relief, checked on site";
    return "";
  }

  IssueRequest issue() {
    const MaterialSpec& m = material();
    const DepotCode d = depot();
    const Date day = movement_date();
    std::optional<LotNumber> lot;
    if (!m.lot_tracked || rng_.percent(50)) lot = lot_at(d.str(), m);
    IssueRequest r{.depot = d,
                   .material = MaterialCode(m.code),
                   .lot = lot,
                   .quantity = out_quantity(d.str(), m, lot, day),
                   .date = day,
                   .actor = actor(),
                   .allow_unusable = allow(lot, m, day),
                   .paper = {.counterparty = "town",
                             .incident = {},
                             .document = {},
                             .note = {},
                             .idempotency_key = {}}};
    if (rng_.percent(10)) r.paper.incident = IncidentCode("FLOOD-2026-07");
    return r;
  }

  TransferRequest transfer() {
    const MaterialSpec& m = material();
    const DepotCode from = depot();
    DepotCode to = depot();
    while (to == from && rng_.percent(97))
      to = depot();
    const Date day = movement_date();
    std::optional<LotNumber> lot;
    if (!m.lot_tracked || rng_.percent(40)) lot = lot_at(from.str(), m);
    return TransferRequest{.from = from,
                           .to = to,
                           .material = MaterialCode(m.code),
                           .lot = lot,
                           .quantity = out_quantity(from.str(), m, lot, day),
                           .date = day,
                           .actor = actor(),
                           .allow_unusable = allow(lot, m, day),
                           .paper = {}};
  }

  DisposeRequest dispose() {
    const MaterialSpec& m = material();
    const DepotCode d = depot();
    const Date day = movement_date();
    auto lot = lot_at(d.str(), m);
    if (m.lot_tracked && rng_.percent(3)) lot.reset();
    const CustodianId who = actor();
    CustodianId approver = actor();
    while (approver == who && rng_.percent(90))
      approver = actor();
    static constexpr std::array kReasons{DisposalReason::Expired, DisposalReason::Damaged,
                                         DisposalReason::Recalled, DisposalReason::Other};
    return DisposeRequest{.depot = d,
                          .material = MaterialCode(m.code),
                          .lot = lot,
                          .quantity = out_quantity(d.str(), m, lot ? lot : LotNumber("-"), day),
                          .date = day,
                          .actor = who,
                          .reason = rng_.pick(kReasons),
                          .approver = approver,
                          .paper = {}};
  }

  ReturnRequest return_items() {
    const MaterialSpec& m = rng_.percent(85) ? kMaterials[1] : material();
    const DepotCode d = depot();
    std::optional<LotNumber> lot;
    if (auto all = model_.lots_of(m.code); !all.empty())
      lot = LotNumber(rng_.pick(all));
    else if (m.lot_tracked)
      lot = LotNumber("L01");
    if (!m.lot_tracked && rng_.percent(50)) lot.reset();
    ReturnRequest r{.depot = d,
                    .material = MaterialCode(m.code),
                    .lot = lot,
                    .quantity = quantity(m, 20'000),
                    .date = movement_date(),
                    .actor = actor(),
                    .paper = {}};
    if (rng_.percent(50)) r.paper.incident = IncidentCode("FLOOD-2026-07");
    return r;
  }

  ReverseRequest reverse() {
    const auto n = static_cast<std::int64_t>(model_.movements.size());
    ReverseRequest r{
        .movements = {}, .date = cursor_, .actor = actor(), .reason = "entered twice", .paper = {}};
    if (n == 0) {
      r.movements.push_back(1);
      return r;
    }
    const auto roll = rng_.below(100);
    if (roll < 12) {
      // Several receipts into one lot at one depot, reversed together.
      const auto start = rng_.between(1, n);
      for (auto id = start; id <= n && r.movements.size() < 3; ++id) {
        const auto& first = model_.movements[static_cast<std::size_t>(start - 1)];
        const auto& m = model_.movements[static_cast<std::size_t>(id - 1)];
        if (m.kind == MovementKind::Receive && m.key == first.key && !m.reversed) {
          r.movements.push_back(id);
        }
      }
      if (r.movements.empty()) r.movements.push_back(start);
    } else {
      const auto count = roll < 80 ? 1 : roll < 93 ? 2 : 3;
      for (int i = 0; i < count; ++i) {
        const auto kind = rng_.below(100);
        if (kind < 60)
          r.movements.push_back(n - rng_.below(std::min<std::int64_t>(n, 40)));
        else if (kind < 96)
          r.movements.push_back(rng_.between(1, n));
        else
          r.movements.push_back(n + rng_.between(1, 5)); // no such movement
      }
    }
    if (rng_.percent(2)) r.movements.clear();
    if (rng_.percent(2)) r.reason.clear();
    Date latest = kStart;
    for (auto id : r.movements) {
      if (id >= 1 && id <= n)
        latest = std::max(latest, model_.movements[static_cast<std::size_t>(id - 1)].date);
    }
    const auto when = rng_.below(100);
    if (when < 55)
      r.date = latest;
    else if (when < 85)
      r.date = std::max(latest, cursor_);
    else
      r.date = movement_date(); // may be before the movement
    return r;
  }

  StatusChange status_change() {
    const MaterialSpec& m = material();
    auto all = model_.lots_of(m.code);
    const std::string number =
        all.empty() ? std::string(m.lot_tracked ? "L01" : "-") : rng_.pick(all);
    const auto roll = rng_.below(100);
    const LotStatus status = roll < 50   ? LotStatus::Available
                             : roll < 75 ? LotStatus::Quarantined
                             : roll < 90 ? LotStatus::Recalled
                                         : LotStatus::Damaged;
    return StatusChange{MaterialCode(m.code), LotNumber(number), status, actor(),
                        rng_.percent(3) ? "" : "inspection"};
  }

  // One defect of the kinds an operator makes.
  template <class R> void corrupt(R& r) {
    const auto roll = rng_.below(9);
    if constexpr (requires { r.quantity; }) {
      if (roll == 0) return void(r.quantity = Quantity());
      if (roll == 1) return void(r.quantity = -Quantity::whole(rng_.between(1, 5)));
      if (roll == 2) return void(r.quantity = r.quantity + Quantity::from_thousandths(500));
      if (roll == 3) return void(r.quantity = r.quantity * 20 + Quantity::whole(1000));
    }
    if constexpr (requires { r.depot; }) {
      if (roll == 4) return void(r.depot = DepotCode("YF-09"));
    }
    if constexpr (requires { r.from; }) {
      if (roll == 4) return void((rng_.percent(50) ? r.from : r.to) = DepotCode("YF-09"));
    }
    if constexpr (requires { r.material; }) {
      if (roll == 5) return void(r.material = MaterialCode("BLANKET"));
    }
    if constexpr (requires { r.lot = LotNumber("x"); }) {
      if (roll == 6) return void(r.lot = LotNumber("L99"));
    }
    if constexpr (requires { r.date; }) {
      if (roll == 7) return void(r.date = day_offset(kToday, rng_.between(1, 60)));
    }
    r.actor = CustodianId("li.temp"); // roll 8, or a defect the request cannot carry
  }

  Rng rng_;
  const Model& model_;
  int ops_;
  int step_ = 0;
  Date cursor_ = kStart;
  std::vector<Op> keyed_; // requests sent with an idempotency key
};

// ---- running both -----------------------------------------------------------------------------

struct Outcome {
  std::optional<Posting> posting; // a movement write that succeeded
  bool succeeded = false;
  std::string error;
  unsigned error_classes = 0;
  int exit_code = 0;
  bool foreign = false; // threw something outside stockpile::Error
};

Outcome run(Ledger& ledger, const Op& op) {
  Outcome out;
  try {
    std::visit(
        [&](const auto& r) {
          using T = std::decay_t<decltype(r)>;
          if constexpr (std::is_same_v<T, ReceiveRequest>)
            out.posting = ledger.receive(r);
          else if constexpr (std::is_same_v<T, IssueRequest>)
            out.posting = ledger.issue(r);
          else if constexpr (std::is_same_v<T, TransferRequest>)
            out.posting = ledger.transfer(r);
          else if constexpr (std::is_same_v<T, DisposeRequest>)
            out.posting = ledger.dispose(r);
          else if constexpr (std::is_same_v<T, ReturnRequest>)
            out.posting = ledger.return_items(r);
          else if constexpr (std::is_same_v<T, ReverseRequest>)
            out.posting = ledger.reverse(r);
          else
            ledger.set_lot_status(r.material, r.lot, r.status, r.actor, r.reason);
        },
        op);
    out.succeeded = true;
  } catch (const Error& e) {
    out.error = e.what();
    out.error_classes = classes_of(e);
    out.exit_code = e.exit_code();
  } catch (const std::exception& e) {
    out.error = e.what();
    out.foreign = true;
  }
  return out;
}

Key key_of(const StockLine& line) {
  return Key{line.depot.str(), line.material.str(), line.lot.number.str()};
}

// Which lines of the stock a comparison covers: every line, or one material (at one depot).
struct Scope {
  std::optional<std::string> depot;
  std::optional<std::string> material;
  [[nodiscard]] bool covers(const Key& k) const {
    return (!depot || k.depot == *depot) && (!material || k.material == *material);
  }
  [[nodiscard]] StockQuery query() const {
    StockQuery q;
    if (depot) q.depot = DepotCode(*depot);
    if (material) q.material = MaterialCode(*material);
    return q;
  }
};

// Differences between the ledger's stock and the model's within `scope`; empty when equal.
// With `details`, also each line's lot dates, status and tier.
std::string stock_diff(const Model& model, const std::vector<StockLine>& lines, const Scope& scope,
                       std::optional<Date> as_of, bool details) {
  std::vector<std::pair<Key, Thousandths>> got;
  got.reserve(lines.size());
  for (const auto& line : lines)
    got.emplace_back(key_of(line), line.quantity.thousandths());
  std::sort(got.begin(), got.end());
  std::vector<std::pair<Key, Thousandths>> want;
  for (const auto& [k, q] : model.balance) {
    if (!scope.covers(k)) continue;
    const Thousandths v = as_of ? model.as_of(k, *as_of) : q;
    if (v != 0) want.emplace_back(k, v);
  }
  if (got == want && !details) return {};

  std::ostringstream o;
  std::map<Key, Thousandths> got_map;
  for (const auto& [k, q] : got) {
    if (!got_map.emplace(k, q).second) o << key_text(k) << " listed twice; ";
  }
  const std::map<Key, Thousandths> want_map(want.begin(), want.end());
  for (const auto& [k, q] : want_map) {
    auto it = got_map.find(k);
    const Thousandths g = it == got_map.end() ? 0 : it->second;
    if (g != q) o << key_text(k) << ": ledger " << g << ", model " << q << " (thousandths); ";
  }
  for (const auto& [k, q] : got_map) {
    if (!want_map.contains(k)) o << key_text(k) << ": ledger " << q << ", model 0 (thousandths); ";
  }
  if (!details) return o.str();
  for (const auto& line : lines) {
    const Key k = key_of(line);
    const LotInfo* info = model.lot(k.material, k.lot);
    if (!info) {
      o << key_text(k) << ": lot unknown to the model; ";
      continue;
    }
    if (line.lot.expiry != info->expiry) {
      o << key_text(k) << ": expiry " << opt_text(line.lot.expiry) << ", model "
        << opt_text(info->expiry) << "; ";
    }
    if (line.lot.status != info->status) {
      o << key_text(k) << ": status " << to_string(line.lot.status) << ", model "
        << to_string(info->status) << "; ";
    }
    const Tier tier = k.depot == kEnterpriseDepot ? Tier::Enterprise : Tier::Physical;
    if (line.tier != tier) o << key_text(k) << ": wrong tier; ";
  }
  return o.str();
}

// The stock lines an operation can change (or, failing, must leave alone): its material at
// its depot, or everywhere for a transfer, a reversal or a request naming an unknown code.
Scope touched(const Model& model, const Op& op) {
  Scope scope;
  std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, ReverseRequest>) {
          std::set<std::string> materials;
          for (auto id : r.movements) {
            if (id >= 1 && id < model.next_id()) {
              materials.insert(model.movements[static_cast<std::size_t>(id - 1)].key.material);
            }
          }
          if (materials.size() == 1) scope.material = *materials.begin();
        } else {
          if (spec_of(r.material.str())) scope.material = r.material.str();
          if constexpr (requires { r.depot; }) {
            if (scope.material && is_depot(r.depot.str())) scope.depot = r.depot.str();
          }
        }
      },
      op);
  return scope;
}

std::string lots_diff(const Model& model, const std::vector<Lot>& lots) {
  std::ostringstream o;
  if (lots.size() != model.lots.size()) {
    o << "ledger has " << lots.size() << " lots, model " << model.lots.size() << "; ";
  }
  for (const auto& l : lots) {
    const LotInfo* info = model.lot(l.material.str(), l.number.str());
    if (!info) {
      o << l.material.str() << "/" << l.number.str() << " unknown to the model; ";
    } else if (l.expiry != info->expiry || l.production != info->production ||
               l.status != info->status) {
      o << l.material.str() << "/" << l.number.str() << ": ledger " << opt_text(l.production)
        << ".." << opt_text(l.expiry) << " " << to_string(l.status) << ", model "
        << opt_text(info->production) << ".." << opt_text(info->expiry) << " "
        << to_string(info->status) << "; ";
    }
  }
  return o.str();
}

// The day a request is dated (a status change has none: it is recorded today).
Date date_of(const Op& op) {
  return std::visit(
      [](const auto& r) -> Date {
        if constexpr (requires { r.date; })
          return r.date;
        else
          return kToday;
      },
      op);
}

// Compares what the ledger posted with the legs the model planned.
std::string posting_diff(const Model& model, const Op& op, const Posting& posting,
                         const std::vector<Leg>& legs) {
  std::ostringstream o;
  if (posting.replayed) o << "posting says replayed; ";
  if (posting.movements.size() != legs.size()) {
    o << "posted " << posting.movements.size() << " movements, model " << legs.size() << ": ";
    for (const auto& m : posting.movements) {
      o << "[" << m.id << " " << to_string(m.kind) << " " << m.depot.str() << "/" << m.lot.str()
        << " " << m.quantity.to_string() << "] ";
    }
    return o.str();
  }
  const Date date = date_of(op);
  std::string allow;
  if (const auto* i = std::get_if<IssueRequest>(&op)) allow = i->allow_unusable;
  if (const auto* t = std::get_if<TransferRequest>(&op)) allow = t->allow_unusable;
  for (std::size_t i = 0; i < legs.size(); ++i) {
    const Movement& m = posting.movements[i];
    const Leg& leg = legs[i];
    const std::int64_t id = model.next_id() + static_cast<std::int64_t>(i);
    if (m.id != id || m.kind != leg.kind || m.depot.str() != leg.key.depot ||
        m.material.str() != leg.key.material || m.lot.str() != leg.key.lot ||
        m.quantity.thousandths() != leg.quantity || m.date != date || m.reverses != leg.reverses ||
        m.unusable_reason != (leg.unusable ? allow : std::string())) {
      o << "movement " << i << ": ledger [" << m.id << " " << to_string(m.kind) << " "
        << m.depot.str() << "/" << m.material.str() << "/" << m.lot.str() << " "
        << m.quantity.thousandths() << " " << m.date.to_string() << " reverses "
        << (m.reverses ? std::to_string(*m.reverses) : "-") << " unusable '" << m.unusable_reason
        << "'], model [" << id << " " << to_string(leg.kind) << " " << key_text(leg.key) << " "
        << leg.quantity << " reverses " << (leg.reverses ? std::to_string(*leg.reverses) : "-")
        << " unusable " << leg.unusable << "]; ";
    }
  }
  return o.str();
}

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  if (!text || !*text) return fallback;
  char* end = nullptr;
  const auto v = std::strtoull(text, &end, 10);
  return end && *end == '\0' ? v : fallback;
}

void add_network(Ledger& ledger) {
  ledger.add_organisation({OrgCode("LZ"), "柳州市", OrgLevel::City, std::nullopt});
  ledger.add_organisation({OrgCode("LN"), "柳南区", OrgLevel::District, OrgCode("LZ")});
  ledger.add_organisation({OrgCode("CHEM"), "柳化", OrgLevel::Enterprise, OrgCode("LN")});
  ledger.add_depot({DepotCode("LN-01"), "柳南区一号库", OrgCode("LN"), ""});
  ledger.add_depot({DepotCode("LN-02"), "柳南区二号库", OrgCode("LN"), ""});
  ledger.add_depot({DepotCode("CHEM-01"), "柳化应急库", OrgCode("CHEM"), ""});
  for (const auto* id : kCustodians) {
    ledger.add_custodian({CustodianId(id),
                          "保管员",
                          "",
                          parse_roles("keeper"),
                          {DepotCode(kDepots[0]), DepotCode(kDepots[2])}});
  }
  for (const auto& spec : kMaterials) {
    Material m{MaterialCode(spec.code)};
    m.name = spec.name;
    m.unit = spec.unit;
    m.decimals = spec.decimals;
    m.lot_tracked = spec.lot_tracked;
    m.recoverable = spec.recoverable;
    if (spec.shelf_life) m.shelf_life = Duration::parse("24m");
    ledger.add_material(m);
  }
}

// Tallies, per kind of operation: successes, refusals, replays.
using Tally = std::array<std::array<int, 3>, kOpNames.size()>;

// Checks the ledger's outcome against the model's expectation and, when they agree, brings the
// model along. False when they disagree (the failure has been reported).
bool settle(Model& model, const Op& op, const Expectation& expect, const Outcome& got, Tally& tally,
            int& fefo_splits) {
  auto& count = tally[op.index()];
  if (got.foreign) {
    FAIL_CHECK("threw something other than a stockpile::Error: " << got.error);
    return false;
  }
  if (expect.replay) {
    std::vector<std::int64_t> ids;
    if (got.posting) {
      for (const auto& m : got.posting->movements)
        ids.push_back(m.id);
    }
    const bool replayed = got.posting && got.posting->replayed;
    CHECK_MESSAGE(replayed, "a retry with the same key and request was not replayed: "
                                << (got.succeeded ? "it wrote anew" : got.error));
    CHECK_MESSAGE(ids == *expect.replay, "a replay returned other movements than the original");
    ++count[2];
    return replayed && ids == *expect.replay;
  }
  if (!got.succeeded) {
    if (!expect.errors && !expect.either) {
      FAIL_CHECK("refused; the model expected success: " << got.error);
      return false;
    }
    CHECK_MESSAGE(got.exit_code == 1, "exit code " << got.exit_code << ": " << got.error);
    if (expect.errors && !(got.error_classes & expect.errors)) {
      FAIL_CHECK("threw " << classes_text(got.error_classes) << "(" << got.error
                          << "); the model expected " << classes_text(expect.errors));
      return false;
    }
    ++count[1];
    return got.exit_code == 1;
  }
  if (expect.errors) {
    FAIL_CHECK("succeeded; the model expected " << classes_text(expect.errors));
    return false;
  }
  ++count[0];
  if (const auto* s = std::get_if<StatusChange>(&op)) {
    model.lots[{s->material.str(), s->lot.str()}].status = s->status;
    return true;
  }
  const Posting& posting = *got.posting;
  std::vector<Leg> legs = expect.legs;
  if (std::holds_alternative<ReverseRequest>(op)) {
    // The order of a reversal's legs is the ledger's to choose: follow it.
    std::map<std::int64_t, std::size_t> posted;
    for (std::size_t i = 0; i < posting.movements.size(); ++i) {
      posted[posting.movements[i].reverses.value_or(0)] = i;
    }
    auto rank = [&](const Leg& l) {
      auto it = posted.find(*l.reverses);
      return it == posted.end() ? posted.size() : it->second;
    };
    std::stable_sort(legs.begin(), legs.end(),
                     [&](const Leg& x, const Leg& y) { return rank(x) < rank(y); });
  }
  const std::string diff = posting_diff(model, op, posting, legs);
  CHECK_MESSAGE(diff.empty(), "posted other movements than the model: " << diff);
  if (!diff.empty()) return false;

  std::vector<std::int64_t> ids;
  for (const auto& m : posting.movements)
    ids.push_back(m.id);
  if (const auto* paper = paper_of(op); paper && !paper->idempotency_key.empty()) {
    model.keys[paper->idempotency_key] = Model::KeyUse{canonical(op), ids};
  }
  const bool fefo = std::visit(
      [](const auto& r) {
        if constexpr (requires { r.allow_unusable; })
          return !r.lot.has_value();
        else
          return false;
      },
      op);
  const auto outgoing =
      std::count_if(legs.begin(), legs.end(), [](const Leg& l) { return l.quantity < 0; });
  if (fefo && outgoing > 1) ++fefo_splits;

  model.apply(legs, date_of(op));
  // Whatever the ledger accepted must leave every day's balance >= 0.
  bool ok = true;
  for (const auto& leg : legs) {
    const Thousandths low = model.available(leg.key, Date::min());
    CHECK_MESSAGE(low >= 0, key_text(leg.key)
                                << " now goes down to " << low << " thousandths on some day");
    ok = ok && low >= 0;
  }
  return ok;
}

} // namespace

TEST_CASE("model: random movements keep the ledger's stock equal to a model's") {
  const std::uint64_t seed = env_number("STOCKPILE_MODEL_SEED", 20261122);
  const int ops = static_cast<int>(
      std::clamp<std::uint64_t>(env_number("STOCKPILE_MODEL_OPS", 10'000), 1, 10'000'000));
  INFO("seed " << seed << " (STOCKPILE_MODEL_SEED), " << ops
               << " operations (STOCKPILE_MODEL_OPS)");

  stockpile::testing::TempDir dir;
  OpenOptions options = stockpile::testing::fixed_clock();
  options.time_zone = "UTC";
  Ledger ledger = Ledger::create(dir.path() / "model.db", options);
  REQUIRE(ledger.today() == kToday);
  add_network(ledger);

  Model model;
  Generator gen(seed, model, ops);
  Rng checks(seed ^ 0x5eedULL);
  Tally tally{};
  int fefo_splits = 0;
  int step = 0;
  {
    std::string op_text;
    std::string expected_text;
    INFO("step " << step << ": " << op_text);
    INFO("model expects: " << expected_text);
    for (; step < ops; ++step) {
      const Op op = gen.next(step);
      op_text = describe(op);
      const Expectation expect = model.expect(op);
      expected_text = expect.replay   ? "replay"
                      : expect.either ? "success or refusal"
                      : expect.errors ? classes_text(expect.errors)
                                      : "success";
      for (const auto& why : expect.reasons)
        expected_text += "; " + why;

      if (!settle(model, op, expect, run(ledger, op), tally, fefo_splits)) break;

      // The ledger must hold what the model holds (a failure changes nothing): the lines the
      // operation touches after every step, the whole stock with its lots every 100 steps. A
      // full comparison at every step would double the run time under the sanitizers.
      const bool full = step % 100 == 99 || step == ops - 1;
      const Scope scope = full ? Scope{} : touched(model, op);
      const std::string diff =
          stock_diff(model, ledger.stock(scope.query()), scope, std::nullopt, full);
      CHECK_MESSAGE(diff.empty(), "stock differs from the model: " << diff);
      if (!diff.empty()) break;
      if (full) {
        const std::string lots = lots_diff(model, ledger.lots());
        CHECK_MESSAGE(lots.empty(), "lots differ from the model: " << lots);
        if (!lots.empty()) break;
      }

      if (step % 500 == 499 || step == ops - 1) {
        const auto movements = static_cast<std::int64_t>(model.movements.size());
        CHECK(ledger.verify().movements == movements);
        const Date day = day_offset(kStart, checks.below(kStart.days_until(kToday) + 1));
        INFO("as of " << day.to_string());
        const std::string past =
            stock_diff(model, ledger.stock({.as_of = day}), Scope{}, day, false);
        CHECK_MESSAGE(past.empty(), "stock as of a past day differs from the model: " << past);
        if (!past.empty()) break;
      }
    }
  }

  std::ostringstream summary;
  summary << "model: seed " << seed << ", " << step << "/" << ops << " operations, "
          << model.movements.size() << " movements, " << fefo_splits
          << " first-expiry picks split across lots;";
  for (std::size_t k = 0; k < kOpNames.size(); ++k) {
    summary << " " << kOpNames[k] << " " << tally[k][0] << " ok/" << tally[k][1] << " refused/"
            << tally[k][2] << " replayed";
  }
  MESSAGE(summary.str());
  // A generator that stopped producing some outcome would quietly make this test weaker.
  if (step == ops && ops >= 2000) {
    int replays = 0;
    for (std::size_t k = 0; k < kOpNames.size(); ++k) {
      INFO(kOpNames[k]);
      CHECK(tally[k][0] > 0);
      CHECK(tally[k][1] > 0);
      replays += tally[k][2];
    }
    CHECK(replays > 0);
    CHECK(fefo_splits > 0);
  }
}
