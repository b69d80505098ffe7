// The Ledger facade's movements: each request is checked and planned against the ledger as it
// stands, then posted in the same transaction (hash-chained movements and balances together).
#include <algorithm>
#include <map>
#include <fmt/format.h>

#include "canonical.hpp"
#include "ledger_impl.hpp"
#include "movement_chain.hpp"
#include "posting.hpp"
#include "validate.hpp"
#include "stockpile/clock.hpp"
#include "stockpile/error.hpp"
#include "stockpile/picking.hpp"

namespace stockpile {

namespace {

} // namespace

namespace detail {

Material require_material(const Ledger::Impl& impl, const MaterialCode& code) {
  auto m = impl.store.material(code.str());
  if (!m) throw NotFound("material", code.str());
  return std::move(*m);
}

void require_depot(const Ledger::Impl& impl, const DepotCode& code) {
  if (!impl.store.depot(code.str())) throw NotFound("depot", code.str());
}

void require_custodian(const Ledger::Impl& impl, const CustodianId& id, std::string_view field) {
  if (!impl.store.custodian(id.str())) {
    throw InvalidInput(field, id.str(), "is not a custodian in the ledger (see custodian list)");
  }
}

Quantity available(const Ledger::Impl& impl, const DepotCode& depot, const Lot& lot, Date day) {
  auto row = impl.store.lot(lot.material.str(), lot.number.str());
  if (!row) return Quantity();
  return available(impl, depot, row->id, day);
}

Quantity available(const Ledger::Impl& impl, const DepotCode& depot, std::int64_t lot_id,
                   Date day, BalanceBook* book) {
  const Quantity now =
      book ? book->balance(depot.str(), lot_id) : impl.store.balance(depot.str(), lot_id);
  return impl.store.min_balance_from(depot.str(), lot_id, day.to_string(), now);
}

void check_recoverable(const Material& m) {
  if (!m.recoverable) {
    throw RuleViolation(fmt::format("material {} ({}) is not recoverable: consumables are not "
                                    "returned (receive them instead)",
                                    quote(m.code.str()), m.name));
  }
}

void check_returnable(const Ledger::Impl& impl, const Material& m, const Lot& lot,
                      Quantity wanted, std::string_view field) {
  check_returnable(m, lot, impl.store.lot_out(m.code.str(), lot.number.str()), wanted, field);
}

void check_returnable(const Material& m, const Lot& lot, Quantity out, Quantity wanted,
                      std::string_view field) {
  if (out < wanted) {
    // More coming back than ever left would create stock out of nothing.
    const std::string what = m.lot_tracked ? fmt::format("lot {} of {}", lot.number.str(),
                                                         m.code.str())
                                           : m.code.str();
    throw RuleViolation(fmt::format("{} \"{}\": only {} {} of {} is out (issued and not yet "
                                    "returned); a return brings back at most that",
                                    field, wanted.to_string(), out.to_string(), m.unit, what));
  }
}

} // namespace detail

namespace {

using namespace detail;

void check_quantity(Quantity q, const Material& m) {
  if (!q.is_positive()) throw InvalidInput("--qty", q.to_string(), "must be greater than zero");
  if (q.decimals() > m.decimals) {
    throw InvalidInput("--qty", q.to_string(),
                       m.decimals == 0
                           ? fmt::format("{} is counted in whole {}", m.code.str(), m.unit)
                           : fmt::format("{} takes at most {} decimals", m.code.str(),
                                         m.decimals));
  }
}


// The lot number a request means: lot-tracked materials need one (when `required`);
// others always use the implicit lot.
std::optional<LotNumber> lot_number(const Material& m, const std::optional<LotNumber>& given,
                                    bool required) {
  if (!m.lot_tracked) {
    if (given && given->str() != kImplicitLot) {
      throw InvalidInput("--lot", given->str(),
                         fmt::format("material {} is not tracked by lot; leave --lot out",
                                     m.code.str()));
    }
    return LotNumber(std::string(kImplicitLot));
  }
  if (given && given->str() == kImplicitLot) {
    throw InvalidInput("--lot", given->str(),
                       fmt::format("is the implicit lot of materials without lot tracking; "
                                   "material {} is tracked by lot: name the lot on its label",
                                   m.code.str()));
  }
  if (!given && required) {
    throw InvalidInput(fmt::format("--lot: material {} is tracked by lot; name the lot",
                                   m.code.str()));
  }
  return given;
}

Lot require_lot(const Ledger::Impl& impl, const Material& m, const LotNumber& number) {
  auto row = impl.store.lot(m.code.str(), number.str());
  // A material without lot tracking always has its implicit lot, held or not yet.
  if (!row && number.str() == kImplicitLot) return Lot{.material = m.code, .number = number};
  if (!row) {
    throw NotFound(fmt::format("lot {}: material {} has no such lot in the ledger",
                               quote(number.str()), m.code.str()));
  }
  return row->lot;
}

std::string why_unusable(const Lot& lot) {
  if (lot.status != LotStatus::Available) return std::string(to_string(lot.status));
  return fmt::format("expired (expiry {})", lot.expiry->to_string());
}

// Picks what leaves `depot`: the named lot, or first expiry first out across usable lots.
std::vector<Pick> pick(const Ledger::Impl& impl, const DepotCode& depot, const Material& m,
                       const std::optional<LotNumber>& given, Quantity wanted, Date day,
                       const std::string& allow_unusable) {
  const auto number = lot_number(m, given, false);
  if (number) {
    const Lot lot = require_lot(impl, m, *number);
    if (!lot.usable_on(day) && allow_unusable.empty()) {
      throw RuleViolation(fmt::format(
          "lot {} of {} is {} on {}; move it anyway only with --allow-unusable REASON",
          lot.number.str(), m.code.str(), why_unusable(lot), day.to_string()));
    }
    const Quantity have = available(impl, depot, lot, day);
    if (have < wanted) {
      const std::string what = m.lot_tracked
                                   ? fmt::format("lot {} of {} ({})", lot.number.str(),
                                                 m.code.str(), m.name)
                                   : fmt::format("{} ({})", m.code.str(), m.name);
      throw InsufficientStock(fmt::format("--qty \"{}\": depot {} can give only {} {} of {} for a "
                                          "movement dated {}",
                                          wanted.to_string(), depot.str(), have.to_string(),
                                          m.unit, what, day.to_string()));
    }
    return {Pick{lot, wanted}};
  }
  if (!allow_unusable.empty()) {
    throw InvalidInput("--allow-unusable: name the lot with --lot; first expiry first out "
                       "only takes usable lots");
  }
  std::vector<LotStock> lots;
  for (auto& b : impl.store.depot_lots(depot.str(), m.code.str())) {
    b.stock.on_hand =
        impl.store.min_balance_from(depot.str(), b.lot_id, day.to_string(), b.stock.on_hand);
    lots.push_back(std::move(b.stock));
  }
  auto result = pick_first_expiry(std::move(lots), wanted, day);
  if (result.short_of(wanted)) {
    std::string unusable;
    if (result.unusable.is_positive()) {
      unusable = fmt::format(" (another {} is expired, quarantined, recalled or damaged)",
                             result.unusable.to_string());
    }
    throw InsufficientStock(fmt::format("--qty \"{}\": depot {} has only {} {} of {} ({}) "
                                        "usable on {}{}",
                                        wanted.to_string(), depot.str(),
                                        result.usable.to_string(), m.unit, m.code.str(), m.name,
                                        day.to_string(), unusable));
  }
  return result.picks;
}

} // namespace

namespace detail {

void check_header(const Ledger::Impl& impl, const Header& h) {
  require_custodian(impl, h.actor, "--actor");
  const Date today = local_date(impl.now_seconds(), impl.options.time_zone);
  if (h.date > today) {
    throw InvalidInput("--date", h.date.to_string(),
                       fmt::format("is in the future (today is {})", today.to_string()));
  }
}

Canonical request_of(std::string_view kind, const Header& h) {
  Canonical c;
  c.add("kind", kind)
      .add("date", h.date.to_string())
      .add("actor", h.actor.str())
      .add("counterparty", h.paper.counterparty)
      .add_opt("incident", h.paper.incident ? std::optional<std::string>(h.paper.incident->str())
                                        : std::nullopt)
      .add("document", h.paper.document)
      .add("note", h.paper.note);
  return c;
}

} // namespace detail

namespace {

std::optional<std::string> opt(const std::optional<LotNumber>& v) {
  return v ? std::optional<std::string>(v->str()) : std::nullopt;
}
std::optional<std::string> opt(const std::optional<Date>& v) {
  return v ? std::optional<std::string>(v->to_string()) : std::nullopt;
}

} // namespace

namespace detail {

std::vector<Movement> post_legs(Ledger::Impl& impl, std::int64_t operation, const Header& h,
                                const std::vector<Leg>& legs, BalanceBook* book,
                                std::optional<ChainHead>* head,
                                std::vector<std::int64_t>* lot_ids) {
  std::vector<Movement> out;
  if (lot_ids != nullptr) lot_ids->clear();
  const std::string now = impl.now();
  std::string prev;
  std::int64_t id = 0;
  if (head != nullptr && head->has_value()) {
    prev = std::move((*head)->hash);
    id = (*head)->next_id;
    head->reset(); // holds a head again only once every leg is written
  } else {
    prev = impl.store.head_hash();
    id = impl.store.next_movement_id();
  }
  for (const auto& leg : legs) {
    std::int64_t lot_id = 0;
    if (leg.lot_id) {
      lot_id = *leg.lot_id;
    } else if (leg.new_lot) {
      lot_id = impl.store.insert_lot(leg.lot, now);
    } else {
      auto row = impl.store.lot(leg.lot.material.str(), leg.lot.number.str());
      lot_id = row ? row->id : impl.store.insert_lot(leg.lot, now);
    }
    if (lot_ids != nullptr) lot_ids->push_back(lot_id);
    std::optional<Quantity> held;
    if (book) {
      held = book->balance(leg.depot.str(), lot_id);
    } else {
      held = impl.store.balance_row(leg.depot.str(), lot_id);
    }
    const Quantity after = held.value_or(Quantity()) + leg.quantity;
    if (after.is_negative()) {
      // The planners check first; this guards the invariant whatever a planner does.
      throw InsufficientStock(fmt::format("depot {} lot {} of {} would go below zero ({})",
                                          leg.depot.str(), leg.lot.number.str(),
                                          leg.lot.material.str(), after.to_string()));
    }
    if (book) {
      book->set(leg.depot.str(), lot_id, after);
    } else {
      impl.store.set_balance(leg.depot.str(), lot_id, after, held.has_value());
    }
    Movement m{.id = id++,
               .operation = operation,
               .date = h.date,
               .recorded_at = now,
               .kind = leg.kind,
               .depot = leg.depot,
               .material = leg.lot.material,
               .lot = leg.lot.number,
               .quantity = leg.quantity,
               .actor = h.actor,
               .counterparty = h.paper.counterparty,
               .incident = h.paper.incident,
               .document = h.paper.document,
               .reason = leg.reason,
               .note = h.paper.note,
               .approver = leg.approver,
               .unusable_reason = leg.unusable_reason,
               .reverses = leg.reverses,
               .hash = {}};
    m.hash = chain_hash(prev, m, leg.lot);
    impl.store.insert_movement(m, lot_id, prev);
    prev = m.hash;
    out.push_back(std::move(m));
  }
  if (head != nullptr) *head = ChainHead{std::move(prev), id};
  return out;
}

Posting post(Ledger::Impl& impl, std::string_view kind, const Canonical& request,
             const Header& h, const std::function<std::vector<Leg>()>& plan) {
  // Free text goes into the hash chain and every export: refuse bad text before anything else.
  validate_paperwork(h.paper, Naming::Option);
  Posting result;
  impl.store.write([&] {
    const std::string digest = detail::sha256_hex(request.bytes());
    const std::string& key = h.paper.idempotency_key;
    if (!key.empty()) {
      if (auto op = impl.store.operation_by_key(key)) {
        if (op->digest != digest) {
          throw RuleViolation(fmt::format("--idempotency-key {}: already used by operation {} "
                                          "for a different request; nothing was written",
                                          quote(key), op->id));
        }
        result = Posting{op->id, impl.store.operation_movements(op->id), true};
        return;
      }
    }
    check_header(impl, h);
    const auto legs = plan();
    if (legs.empty()) return; // nothing to record: no operation either
    const auto operation =
        impl.store.insert_operation(std::string(kind), key, digest, impl.now());
    result.movements = post_legs(impl, operation, h, legs);
    result.operation = operation;
  });
  return result;
}

} // namespace detail

using namespace detail;

Posting Ledger::receive(const ReceiveRequest& r) {
  const Header h{r.date, r.actor, r.paper};
  auto request = request_of("receive", h);
  request.add("depot", r.depot.str())
      .add("material", r.material.str())
      .add_opt("lot", opt(r.lot))
      .add("quantity", r.quantity.thousandths())
      .add_opt("production", opt(r.production))
      .add_opt("expiry", opt(r.expiry));
  return post(*impl_, "receive", request, h, [&] {
    const Material m = require_material(*impl_, r.material);
    require_depot(*impl_, r.depot);
    check_quantity(r.quantity, m);
    const LotNumber number = *lot_number(m, r.lot, true);
    if (r.production && *r.production > r.date) {
      // Goods cannot arrive before they are made; a typo here moves the expiry with it.
      throw InvalidInput("--production", r.production->to_string(),
                         fmt::format("is after the day of the receipt {}", r.date.to_string()));
    }
    Lot lot{.material = m.code, .number = number, .production = r.production, .expiry = r.expiry};
    if (!lot.expiry && lot.production && m.shelf_life) {
      lot.expiry = m.shelf_life->add_to(*lot.production);
    }
    if (lot.production && lot.expiry && *lot.expiry < *lot.production) {
      throw InvalidInput("--expiry", lot.expiry->to_string(),
                         fmt::format("is before the production date {}",
                                     lot.production->to_string()));
    }
    if (auto existing = impl_->store.lot(m.code.str(), number.str())) {
      // A lot's dates are on its label: a second receipt of the same lot must agree.
      const auto& old = existing->lot;
      if (r.expiry && old.expiry != r.expiry) {
        throw InvalidInput("--expiry", r.expiry->to_string(),
                           fmt::format("lot {} of {} is already recorded with expiry {}",
                                       number.str(), m.code.str(),
                                       old.expiry ? old.expiry->to_string() : "none"));
      }
      if (r.production && old.production != r.production) {
        throw InvalidInput("--production", r.production->to_string(),
                           fmt::format("lot {} of {} is already recorded with production date {}",
                                       number.str(), m.code.str(),
                                       old.production ? old.production->to_string() : "none"));
      }
      lot = old;
    }
    return std::vector<Leg>{Leg{MovementKind::Receive, r.depot, lot, r.quantity, "", {}, "", {}}};
  });
}

Posting Ledger::issue(const IssueRequest& r) {
  const Header h{r.date, r.actor, r.paper};
  auto request = request_of("issue", h);
  request.add("depot", r.depot.str())
      .add("material", r.material.str())
      .add_opt("lot", opt(r.lot))
      .add("quantity", r.quantity.thousandths())
      .add("allow_unusable", r.allow_unusable);
  validate_note("--allow-unusable", r.allow_unusable);
  return post(*impl_, "issue", request, h, [&] {
    const Material m = require_material(*impl_, r.material);
    require_depot(*impl_, r.depot);
    check_quantity(r.quantity, m);
    std::vector<Leg> legs;
    for (auto& p : pick(*impl_, r.depot, m, r.lot, r.quantity, r.date, r.allow_unusable)) {
      const bool unusable = !p.lot.usable_on(r.date);
      legs.push_back(Leg{MovementKind::Issue, r.depot, p.lot, -p.quantity, "", {},
                         unusable ? r.allow_unusable : "", {}});
    }
    return legs;
  });
}

Posting Ledger::transfer(const TransferRequest& r) {
  const Header h{r.date, r.actor, r.paper};
  auto request = request_of("transfer", h);
  request.add("from", r.from.str())
      .add("to", r.to.str())
      .add("material", r.material.str())
      .add_opt("lot", opt(r.lot))
      .add("quantity", r.quantity.thousandths())
      .add("allow_unusable", r.allow_unusable);
  validate_note("--allow-unusable", r.allow_unusable);
  return post(*impl_, "transfer", request, h, [&] {
    const Material m = require_material(*impl_, r.material);
    require_depot(*impl_, r.from);
    require_depot(*impl_, r.to);
    if (r.from == r.to) {
      throw InvalidInput("--to", r.to.str(), "is the depot the goods leave (--from)");
    }
    check_quantity(r.quantity, m);
    std::vector<Leg> legs;
    for (auto& p : pick(*impl_, r.from, m, r.lot, r.quantity, r.date, r.allow_unusable)) {
      const std::string unusable = p.lot.usable_on(r.date) ? "" : r.allow_unusable;
      legs.push_back(Leg{MovementKind::TransferOut, r.from, p.lot, -p.quantity, "", {},
                         unusable, {}});
      legs.push_back(Leg{MovementKind::TransferIn, r.to, p.lot, p.quantity, "", {}, unusable, {}});
    }
    return legs;
  });
}

Posting Ledger::dispose(const DisposeRequest& r) {
  const Header h{r.date, r.actor, r.paper};
  auto request = request_of("dispose", h);
  request.add("depot", r.depot.str())
      .add("material", r.material.str())
      .add_opt("lot", opt(r.lot))
      .add("quantity", r.quantity.thousandths())
      .add("reason", to_string(r.reason))
      .add("approver", r.approver.str());
  return post(*impl_, "dispose", request, h, [&] {
    const Material m = require_material(*impl_, r.material);
    require_depot(*impl_, r.depot);
    check_quantity(r.quantity, m);
    require_custodian(*impl_, r.approver, "--approved-by");
    if (r.approver == r.actor) {
      throw InvalidInput("--approved-by", r.approver.str(),
                         "is the actor; a write-off needs a second custodian's approval");
    }
    // Expired, recalled or damaged stock leaves the books this way, so no usability check.
    const Lot lot = require_lot(*impl_, m, *lot_number(m, r.lot, true));
    const Quantity have = available(*impl_, r.depot, lot, r.date);
    if (have < r.quantity) {
      throw InsufficientStock(fmt::format("--qty \"{}\": lot {} of {} has only {} {} at depot {}",
                                          r.quantity.to_string(), lot.number.str(), m.code.str(),
                                          have.to_string(), m.unit, r.depot.str()));
    }
    return std::vector<Leg>{Leg{MovementKind::Dispose, r.depot, lot, -r.quantity,
                                std::string(to_string(r.reason)), r.approver, "", {}}};
  });
}

Posting Ledger::return_items(const ReturnRequest& r) {
  const Header h{r.date, r.actor, r.paper};
  auto request = request_of("return", h);
  request.add("depot", r.depot.str())
      .add("material", r.material.str())
      .add_opt("lot", opt(r.lot))
      .add("quantity", r.quantity.thousandths());
  return post(*impl_, "return", request, h, [&] {
    const Material m = require_material(*impl_, r.material);
    require_depot(*impl_, r.depot);
    check_quantity(r.quantity, m);
    check_recoverable(m);
    const Lot lot = require_lot(*impl_, m, *lot_number(m, r.lot, true));
    check_returnable(*impl_, m, lot, r.quantity, "--qty");
    return std::vector<Leg>{Leg{MovementKind::Return, r.depot, lot, r.quantity, "", {}, "", {}}};
  });
}

Posting Ledger::reverse(const ReverseRequest& r) {
  const Header h{r.date, r.actor, r.paper};
  auto request = request_of("reverse", h);
  for (auto id : r.movements) request.add("movement", id);
  request.add("reason", r.reason);
  if (r.reason.empty()) throw InvalidInput("--reason: a reversal needs a reason");
  validate_note("--reason", r.reason);
  return post(*impl_, "reverse", request, h, [&] {
    if (r.movements.empty()) throw InvalidInput("movement: name at least one movement id");
    // Gather the movements, bringing each transfer leg's other leg along.
    std::vector<Movement> targets;
    auto add = [&](Movement m) {
      if (std::none_of(targets.begin(), targets.end(),
                       [&](const Movement& t) { return t.id == m.id; })) {
        targets.push_back(std::move(m));
      }
    };
    for (auto id : r.movements) {
      auto m = impl_->store.movement(id);
      if (!m) throw NotFound("movement", std::to_string(id));
      if (m->kind == MovementKind::TransferOut || m->kind == MovementKind::TransferIn) {
        const auto other_kind = m->kind == MovementKind::TransferOut ? MovementKind::TransferIn
                                                                     : MovementKind::TransferOut;
        for (auto& leg : impl_->store.operation_movements(m->operation)) {
          if (leg.kind == other_kind && leg.lot == m->lot && leg.material == m->material &&
              leg.quantity == -m->quantity) {
            add(std::move(leg));
            break;
          }
        }
      }
      add(std::move(*m));
    }
    // Newest first, so that undoing an issue and the receipt it drew on works in one request.
    std::sort(targets.begin(), targets.end(),
              [](const Movement& a, const Movement& b) { return a.id > b.id; });
    std::vector<Leg> legs;
    std::map<std::pair<std::string, std::string>, Quantity> planned; // depot, material/lot
    for (const auto& t : targets) {
      if (t.kind == MovementKind::Reverse) {
        throw RuleViolation(fmt::format("movement {} is itself a reversal; record the movement "
                                        "again instead",
                                        t.id));
      }
      if (impl_->store.reversed(t.id)) {
        throw RuleViolation(fmt::format("movement {} was already reversed", t.id));
      }
      if (r.date < t.date) {
        throw InvalidInput("--date", r.date.to_string(),
                           fmt::format("is before movement {}'s date {}", t.id,
                                       t.date.to_string()));
      }
      const Material m = require_material(*impl_, t.material);
      const Lot lot = require_lot(*impl_, m, t.lot);
      auto& delta = planned[{t.depot.str(), t.material.str() + "/" + t.lot.str()}];
      if (t.quantity.is_positive()) {
        const Quantity have = available(*impl_, t.depot, lot, r.date) + delta;
        if (have < t.quantity) {
          throw InsufficientStock(fmt::format(
              "reversing movement {} takes {} {} of {} lot {} out of depot {}, which has only {}",
              t.id, t.quantity.to_string(), m.unit, m.code.str(), lot.number.str(),
              t.depot.str(), have.to_string()));
        }
      }
      delta -= t.quantity;
      legs.push_back(Leg{MovementKind::Reverse, t.depot, lot, -t.quantity, r.reason, {}, "", t.id});
    }
    return legs;
  });
}

Posting Ledger::dispose_expired(const DepotCode& depot, Date day, const CustodianId& actor,
                                const CustodianId& approver, const Paperwork& paper) {
  // The day is the as-of day of the write-off (check_header would call it --date).
  if (const Date today = this->today(); day > today) {
    throw InvalidInput("--as-of", day.to_string(),
                       fmt::format("is in the future (today is {})", today.to_string()));
  }
  const Header h{day, actor, paper};
  auto request = request_of("dispose-expired", h);
  request.add("depot", depot.str()).add("approver", approver.str());
  return post(*impl_, "dispose-expired", request, h, [&] {
    require_depot(*impl_, depot);
    require_custodian(*impl_, approver, "--approved-by");
    if (approver == actor) {
      throw InvalidInput("--approved-by", approver.str(),
                         "is the actor; a write-off needs a second custodian's approval");
    }
    std::vector<Leg> legs;
    for (const auto& b : impl_->store.depot_snapshot(depot.str())) {
      auto lots = impl_->store.depot_lots(depot.str(), b.material);
      const auto it = std::find_if(lots.begin(), lots.end(),
                                   [&](const auto& l) { return l.lot_id == b.lot_id; });
      if (it == lots.end() || !it->stock.lot.expired_on(day)) continue;
      // A back-dated write-off takes only what every later day can spare.
      const Quantity qty = available(*impl_, depot, it->stock.lot, day);
      if (!qty.is_positive()) continue;
      legs.push_back(Leg{MovementKind::Dispose, depot, it->stock.lot, -qty,
                         std::string(to_string(DisposalReason::Expired)), approver, "", {}});
    }
    return legs;
  });
}

void Ledger::set_lot_status(const MaterialCode& material, const LotNumber& lot_number_,
                            LotStatus status, const CustodianId& actor,
                            const std::string& reason) {
  if (reason.empty()) throw InvalidInput("--reason: a status change needs a reason");
  validate_note("--reason", reason);
  impl_->store.write([&] {
    require_custodian(*impl_, actor, "--actor");
    const Material m = require_material(*impl_, material);
    auto row = impl_->store.lot(m.code.str(), lot_number_.str());
    if (!row) throw NotFound("lot", lot_number_.str());
    impl_->store.insert_lot_status(row->id, status, actor.str(), reason, impl_->now());
  });
}

Lot Ledger::lot(const MaterialCode& material, const LotNumber& number) const {
  auto row = impl_->read([&] { return impl_->store.lot(material.str(), number.str()); });
  if (!row) throw NotFound("lot", number.str());
  return row->lot;
}

std::vector<Lot> Ledger::lots(const std::optional<MaterialCode>& material) const {
  return impl_->read([&] {
    // An unknown code is refused as stock() refuses it: an empty list would read as "none".
    if (material) (void)require_material(*impl_, *material);
    return impl_->store.lots(material ? std::optional<std::string>(material->str())
                                      : std::nullopt);
  });
}

namespace {
// The organisation codes a stock query's org filter stands for (it and those below it).
std::vector<std::string> org_codes(const Ledger& ledger, const StockQuery& query) {
  std::vector<std::string> orgs;
  if (query.org) {
    for (const auto& o : ledger.organisation_subtree(*query.org)) orgs.push_back(o.str());
  }
  return orgs;
}

// fn(orgs) in one read snapshot, once the query's codes are known to the ledger: an unknown
// depot or material is refused, where no lines would read as "none held".
template <class Fn>
void read_stock(const Ledger& ledger, Ledger::Impl& impl, const StockQuery& query, Fn&& fn) {
  const auto orgs = org_codes(ledger, query);
  impl.read([&] {
    if (query.depot) require_depot(impl, *query.depot);
    if (query.material) (void)require_material(impl, *query.material);
    fn(orgs);
  });
}

// The stock folded into a grouping. Any grouping but by lot folds the per-depot totals the
// ledger keeps (stock_totals): the same numbers as folding every lot line, which verify proves.
std::vector<StockTotal> fold_stock(const store::SqliteStore& store, const StockQuery& query,
                                   const std::vector<std::string>& orgs, StockGrouping by) {
  StockGrouper grouper(by);
  if (by == StockGrouping::Lot ||
      !store.for_each_stock_total(query, orgs, true,
                                  [&](const StockTotal& t) { grouper.add(t); })) {
    store.for_each_stock_line(query, orgs, [&](const StockLine& l) { grouper.add(l); });
  }
  return std::move(grouper).take();
}
} // namespace

void Ledger::for_each_stock_line(const StockQuery& query,
                                 const std::function<void(const StockLine&)>& fn) const {
  read_stock(*this, *impl_, query, [&](const std::vector<std::string>& orgs) {
    impl_->store.for_each_stock_line(query, orgs, fn);
  });
}

std::vector<StockLine> Ledger::stock(const StockQuery& query) const {
  std::vector<StockLine> lines;
  for_each_stock_line(query, [&](const StockLine& l) { lines.push_back(l); });
  return lines;
}

std::vector<StockTotal> Ledger::stock_totals(const StockQuery& query, StockGrouping by) const {
  std::vector<StockTotal> totals;
  read_stock(*this, *impl_, query, [&](const std::vector<std::string>& orgs) {
    totals = fold_stock(impl_->store, query, orgs, by);
  });
  return totals;
}

void Ledger::for_each_stock_total(const StockQuery& query, StockGrouping by,
                                  const std::function<void(const StockTotal&)>& fn) const {
  read_stock(*this, *impl_, query, [&](const std::vector<std::string>& orgs) {
    // By depot the ledger's totals are the rows, already in order: passed on as read, none
    // held (101,515 of them at 1M movements). Otherwise, or for a past day, folded first.
    if (by == StockGrouping::Depot && impl_->store.for_each_stock_total(query, orgs, false, fn)) {
      return;
    }
    for (const auto& total : fold_stock(impl_->store, query, orgs, by)) fn(total);
  });
}

std::vector<Movement> Ledger::movements(const MovementQuery& query) const {
  if (query.from && query.to && *query.from > *query.to) {
    throw InvalidInput("--from", query.from->to_string(),
                       fmt::format("is after --to {}; expected a day on or before it",
                                   query.to->to_string()));
  }
  return impl_->read([&] {
    // Unknown codes are refused as stock() refuses them: an empty list would read as "none".
    if (query.depot) require_depot(*impl_, *query.depot);
    if (query.material) (void)require_material(*impl_, *query.material);
    auto found = impl_->store.movements(query);
    // A movement may name an incident never added with `incident add`, so only a code that
    // is neither an incident nor on any movement is refused (a typo finds nothing).
    if (found.empty() && query.incident && !impl_->store.incident(query.incident->str()) &&
        impl_->store.movements(MovementQuery{.incident = query.incident}).empty()) {
      throw NotFound("incident", query.incident->str());
    }
    return found;
  });
}

Date Ledger::today() const { return local_date(impl_->now_seconds(), impl_->options.time_zone); }

VerifyReport Ledger::verify(const std::optional<std::string>& expect_head) const {
  // A mistyped head is the keeper's input, not a changed history: refuse it as bad data (exit 1)
  // instead of reporting an integrity failure (exit 3) that sends someone hunting for tampering.
  std::optional<std::string> head = expect_head;
  if (head) {
    const bool hex = std::all_of(head->begin(), head->end(), [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    });
    if (head->size() != 64 || !hex) {
      throw InvalidInput("--expect-head", *head,
                         "expected a head hash: the 64 hexadecimal digits verify prints");
    }
    for (char& c : *head) {
      if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return impl_->read([&] { return detail::verify_chain(impl_->store, head); });
}

} // namespace stockpile
