// Ledger::import_movements: a movement CSV (the export's columns) checked row by row and
// posted in one transaction. Rows are parsed first (every syntax error listed); then each
// operation is checked against the ledger as the earlier operations of the file left it, and a
// bad operation is reported and skipped so that the later rows are still checked. Any error
// rolls the whole transaction back.
#include <algorithm>
#include <array>
#include <map>
#include <set>

#include <fmt/format.h>

#include "posting.hpp"
#include "validate.hpp"
#include "stockpile/clock.hpp"
#include "stockpile/csv.hpp"
#include "stockpile/ledger.hpp"

namespace stockpile {

using namespace detail;

namespace {

constexpr std::array<std::string_view, 6> kRequired = {"kind",     "date",     "depot",
                                                       "material", "quantity", "actor"};
constexpr std::array<std::string_view, 17> kOptional = {
    "id",       "operation",    "recorded_at", "lot",      "unit",
    "production", "expiry",     "counterparty", "incident", "document",
    "reason",   "note",         "approver",    "unusable_reason", "reverses",
    "idempotency_key", "hash"};

// The export defuses text a spreadsheet would run as a formula by prefixing '; undo exactly
// that, so an exported note "+1-2" comes back as it was.
std::string undefuse(std::string s) {
  if (s.size() >= 2 && s[0] == '\'' &&
      std::string_view("=+-@\t\r\n").find(s[1]) != std::string_view::npos) {
    s.erase(0, 1);
  }
  return s;
}

std::int64_t parse_id(std::string_view text, std::string_view field) {
  std::int64_t v = 0;
  if (text.empty() || text.size() > 18 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    throw InvalidInput(field, text, "expected a whole number");
  }
  for (char c : text) v = v * 10 + (c - '0');
  if (v == 0) throw InvalidInput(field, text, "expected a whole number from 1");
  return v;
}

template <class C> C parse_code(const std::string& text, std::string_view field) {
  validate_code(text, field);
  return C(text);
}

struct Row {
  std::size_t line = 0;
  std::optional<std::int64_t> id;
  std::string operation; // as written; empty: none
  MovementKind kind = MovementKind::Receive;
  Date date = Date::min();
  DepotCode depot{"-"};
  MaterialCode material{"-"};
  std::optional<LotNumber> lot;
  std::string unit;
  Quantity quantity;
  std::optional<Date> production, expiry;
  CustodianId actor{"-"};
  Paperwork paper;
  std::string reason;
  std::optional<CustodianId> approver;
  std::string unusable_reason;
  std::optional<std::int64_t> reverses;
};

class Importer {
public:
  Importer(Ledger::Impl& impl, std::string_view source) : impl_(impl), source_(source) {}

  void parse(std::string_view text) {
    const auto table = read_csv_table(text, kRequired, kOptional);
    for (const auto& e : table.errors) errors_.push_back({e.line, e.message});
    if (!table.header_ok) return;
    auto cell = [&](const CsvRecord& r, std::string_view name) -> std::string {
      const auto i = table.column(name);
      return i ? undefuse(r.fields[*i]) : std::string();
    };
    std::set<std::int64_t> ids;
    rows_.reserve(table.rows.size());
    for (const auto& rec : table.rows) {
      try {
        Row r;
        r.line = rec.line;
        if (auto v = cell(rec, "id"); !v.empty()) {
          r.id = parse_id(v, "id");
          if (!ids.insert(*r.id).second) throw InvalidInput("id", v, "appears twice in the file");
        }
        r.operation = cell(rec, "operation");
        const auto kind = cell(rec, "kind");
        if (kind == "transfer") {
          throw InvalidInput("kind", kind, "name each leg: a transfer-out row and a transfer-in row");
        }
        r.kind = parse_movement_kind(kind, "kind");
        r.date = Date::parse(cell(rec, "date"), "date");
        r.depot = parse_code<DepotCode>(cell(rec, "depot"), "depot");
        r.material = parse_code<MaterialCode>(cell(rec, "material"), "material");
        if (auto v = cell(rec, "lot"); !v.empty()) r.lot = parse_code<LotNumber>(v, "lot");
        r.unit = cell(rec, "unit");
        r.quantity = Quantity::parse(cell(rec, "quantity"), "quantity");
        if (auto v = cell(rec, "production"); !v.empty()) r.production = Date::parse(v, "production");
        if (auto v = cell(rec, "expiry"); !v.empty()) r.expiry = Date::parse(v, "expiry");
        r.actor = parse_code<CustodianId>(cell(rec, "actor"), "actor");
        r.paper.counterparty = cell(rec, "counterparty");
        if (auto v = cell(rec, "incident"); !v.empty()) {
          r.paper.incident = parse_code<IncidentCode>(v, "incident");
        }
        r.paper.document = cell(rec, "document");
        r.paper.note = cell(rec, "note");
        r.paper.idempotency_key = cell(rec, "idempotency_key");
        r.reason = cell(rec, "reason");
        if (auto v = cell(rec, "approver"); !v.empty()) {
          r.approver = parse_code<CustodianId>(v, "approver");
        }
        r.unusable_reason = cell(rec, "unusable_reason");
        if (auto v = cell(rec, "reverses"); !v.empty()) r.reverses = parse_id(v, "reverses");
        // The same limits on free text as the commands that record a movement.
        validate_paperwork(r.paper, Naming::Column);
        validate_note("reason", r.reason);
        validate_note("unusable_reason", r.unusable_reason);
        check_row_shape(r);
        rows_.push_back(std::move(r));
      } catch (const Error& e) {
        errors_.push_back({rec.line, e.what()});
      }
    }
    total_rows_ = table.rows.size();
  }

  // Groups the parsed rows into operations, in file order.
  void group() {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < rows_.size();) {
      std::size_t j = i + 1;
      if (!rows_[i].operation.empty()) {
        if (!seen.insert(rows_[i].operation).second) {
          errors_.push_back({rows_[i].line,
                             fmt::format("operation \"{}\": its rows must be next to each other",
                                         rows_[i].operation)});
        }
        while (j < rows_.size() && rows_[j].operation == rows_[i].operation) ++j;
      } else if (rows_[i].kind == MovementKind::TransferOut && j < rows_.size() &&
                 rows_[j].operation.empty() && rows_[j].kind == MovementKind::TransferIn) {
        ++j; // a transfer's two legs
      }
      ops_.emplace_back(i, j);
      i = j;
    }
  }

  [[nodiscard]] const std::vector<RowError>& errors() const { return errors_; }
  void sort_errors() {
    std::stable_sort(errors_.begin(), errors_.end(),
                     [](const RowError& a, const RowError& b) { return a.line < b.line; });
  }

private:
  struct Outcome {
    bool replayed = false;
  };

  // What a row's kind allows, independent of the ledger.
  static void check_row_shape(const Row& r) {
    const auto q = r.quantity.to_string();
    switch (r.kind) {
    case MovementKind::Receive:
    case MovementKind::TransferIn:
    case MovementKind::Return:
      if (!r.quantity.is_positive()) throw InvalidInput("quantity", q, "must be greater than zero");
      break;
    case MovementKind::Issue:
    case MovementKind::TransferOut:
    case MovementKind::Dispose:
      // The export writes what leaves as negative; a spreadsheet may write it positive.
      if (r.quantity.is_zero()) throw InvalidInput("quantity", q, "must not be zero");
      break;
    case MovementKind::Adjust:
      if (r.quantity.is_zero()) throw InvalidInput("quantity", q, "must not be zero");
      if (r.reason.empty()) throw InvalidInput("reason: an adjustment needs a reason");
      break;
    case MovementKind::Reverse:
      if (!r.reverses) throw InvalidInput("reverses: a reversal names the id of the row it reverses");
      if (r.reason.empty()) throw InvalidInput("reason: a reversal needs a reason");
      break;
    }
    if (r.kind == MovementKind::Dispose) {
      (void)parse_disposal_reason(r.reason, "reason");
      if (!r.approver) throw InvalidInput("approver: a write-off names the custodian who approved it");
      if (*r.approver == r.actor) {
        throw InvalidInput("approver", r.approver->str(),
                           "is the actor; a write-off needs a second custodian's approval");
      }
    }
    if (r.reverses && r.kind != MovementKind::Reverse) {
      throw InvalidInput("reverses", std::to_string(*r.reverses), "is only for reverse rows");
    }
  }

  // The lot a row names, checked against the material and (for receipts) created or matched.
  Lot lot_of(const Row& r, const Material& m) {
    std::optional<LotNumber> number = r.lot;
    if (!m.lot_tracked) {
      if (number && number->str() != kImplicitLot) {
        throw InvalidInput("lot", number->str(),
                           fmt::format("material {} is not tracked by lot; leave it empty or -",
                                       m.code.str()));
      }
      number = LotNumber(std::string(kImplicitLot));
    } else if (!number || number->str() == kImplicitLot) {
      throw InvalidInput(fmt::format("lot: material {} is tracked by lot; name the lot",
                                     m.code.str()));
    }
    const auto row = impl_.store.lot(m.code.str(), number->str());
    Lot lot{.material = m.code, .number = *number, .production = r.production, .expiry = r.expiry};
    if (row) {
      const Lot& old = row->lot;
      if (r.expiry && old.expiry != r.expiry) {
        throw InvalidInput("expiry", r.expiry->to_string(),
                           fmt::format("lot {} of {} is recorded with expiry {}", number->str(),
                                       m.code.str(),
                                       old.expiry ? old.expiry->to_string() : "none"));
      }
      if (r.production && old.production != r.production) {
        throw InvalidInput("production", r.production->to_string(),
                           fmt::format("lot {} of {} is recorded with production date {}",
                                       number->str(), m.code.str(),
                                       old.production ? old.production->to_string() : "none"));
      }
      return old;
    }
    if (pending_lots_.count({m.code.str(), number->str()})) {
      return pending_lots_.at({m.code.str(), number->str()});
    }
    if (r.kind != MovementKind::Receive && r.kind != MovementKind::Adjust &&
        number->str() != kImplicitLot) {
      throw NotFound(fmt::format("lot {}: material {} has no such lot in the ledger",
                                 quote(number->str()), m.code.str()));
    }
    if (!lot.expiry && lot.production && m.shelf_life) {
      lot.expiry = m.shelf_life->add_to(*lot.production);
    }
    if (lot.production && lot.expiry && *lot.expiry < *lot.production) {
      throw InvalidInput("expiry", lot.expiry->to_string(),
                         fmt::format("is before the production date {}",
                                     lot.production->to_string()));
    }
    return lot;
  }

  Leg leg_of(const Row& r, std::map<std::pair<std::string, std::string>, Quantity>& delta) {
    if (r.kind == MovementKind::Reverse) return reversal_leg(r, delta);
    const Material& m = material(r.material);
    depot(r.depot);
    if (!r.unit.empty() && r.unit != m.unit) {
      throw InvalidInput("unit", r.unit,
                         fmt::format("material {} is counted in {}", m.code.str(), m.unit));
    }
    if (r.quantity.decimals() > m.decimals) {
      throw InvalidInput("quantity", r.quantity.to_string(),
                         fmt::format("material {} takes at most {} decimals", m.code.str(),
                                     m.decimals));
    }
    if (r.approver) custodian(*r.approver, "approver");
    // A return row follows the rules of `stockpile return`: an import must not post what the
    // command refuses.
    if (r.kind == MovementKind::Return) check_recoverable(m);
    const Lot lot = lot_of(r, m);
    if (r.kind == MovementKind::Return) check_returnable(impl_, m, lot, r.quantity, "quantity");
    Quantity q = r.quantity;
    const bool out = r.kind == MovementKind::Issue || r.kind == MovementKind::TransferOut ||
                     r.kind == MovementKind::Dispose;
    if (out && q.is_positive()) q = -q;
    check_stock(r, lot, q, m.unit, delta);
    return Leg{r.kind, r.depot, lot, q, r.reason, r.approver, r.unusable_reason, {}};
  }

  Leg reversal_leg(const Row& r, std::map<std::pair<std::string, std::string>, Quantity>& delta) {
    const auto it = new_ids_.find(*r.reverses);
    if (it == new_ids_.end()) {
      throw NotFound(fmt::format("reverses {}: no row with that id comes earlier in the file",
                                 *r.reverses));
    }
    auto target = impl_.store.movement(it->second);
    if (!target) throw NotFound("movement", std::to_string(it->second));
    if (target->kind == MovementKind::Reverse) {
      throw RuleViolation(fmt::format("reverses {}: that row is itself a reversal", *r.reverses));
    }
    if (impl_.store.reversed(target->id) || reversed_now_.count(target->id)) {
      throw RuleViolation(fmt::format("reverses {}: that row was already reversed", *r.reverses));
    }
    if (target->depot != r.depot || target->material != r.material ||
        (r.lot && target->lot != *r.lot) || r.quantity != -target->quantity) {
      throw InvalidInput("reverses", std::to_string(*r.reverses),
                         fmt::format("that row moved {} of {} lot {} at depot {}; a reversal "
                                     "moves {} of the same",
                                     target->quantity.to_string(), target->material.str(),
                                     target->lot.str(), target->depot.str(),
                                     (-target->quantity).to_string()));
    }
    const Material& m = material(target->material);
    const auto lot_row = impl_.store.lot(m.code.str(), target->lot.str());
    const Lot lot = lot_row ? lot_row->lot : Lot{.material = m.code, .number = target->lot};
    check_stock(r, lot, -target->quantity, m.unit, delta);
    reversed_now_.insert(target->id);
    return Leg{MovementKind::Reverse, r.depot, lot, -target->quantity, r.reason, {}, "",
               target->id};
  }

  // Stock never goes negative, on the row's day or any later day already in the ledger.
  void check_stock(const Row& r, const Lot& lot, Quantity q, const std::string& unit,
                   std::map<std::pair<std::string, std::string>, Quantity>& delta) {
    auto& d = delta[{r.depot.str(), lot.material.str() + "/" + lot.number.str()}];
    if (q.is_negative()) {
      const Quantity have = available(impl_, r.depot, lot, r.date) + d;
      if (have < -q) {
        throw InsufficientStock(fmt::format(
            "quantity \"{}\": depot {} has only {} {} of {} lot {} on {}", r.quantity.to_string(),
            r.depot.str(), have.to_string(), unit, lot.material.str(), lot.number.str(),
            r.date.to_string()));
      }
    }
    d += q;
  }

  // The request an operation stands for, for its idempotency digest: every field of its rows
  // except the source ledger's ids, times and hashes.
  std::string digest_of(std::size_t first, std::size_t last) const {
    Canonical c;
    c.add("kind", "import");
    for (std::size_t i = first; i < last; ++i) {
      const Row& r = rows_[i];
      c.add("row", std::string(to_string(r.kind)))
          .add("date", r.date.to_string())
          .add("depot", r.depot.str())
          .add("material", r.material.str())
          .add("lot", r.lot ? r.lot->str() : "")
          .add("quantity", r.quantity.thousandths())
          .add("production", r.production ? r.production->to_string() : "")
          .add("expiry", r.expiry ? r.expiry->to_string() : "")
          .add("actor", r.actor.str())
          .add("counterparty", r.paper.counterparty)
          .add("incident", r.paper.incident ? r.paper.incident->str() : "")
          .add("document", r.paper.document)
          .add("note", r.paper.note)
          .add("reason", r.reason)
          .add("approver", r.approver ? r.approver->str() : "")
          .add("unusable_reason", r.unusable_reason)
          .add("reverses", r.reverses.value_or(0));
    }
    return sha256_hex(c.bytes());
  }

  Outcome apply(std::size_t first, std::size_t last) {
    const Row& head = rows_[first];
    for (std::size_t i = first + 1; i < last; ++i) {
      const Row& r = rows_[i];
      auto differs = [&](std::string_view field, const std::string& a, const std::string& b) {
        if (a != b) {
          throw InvalidInput(fmt::format(
              "line {}: {} \"{}\": the rows of one operation share it (line {} has \"{}\")",
              r.line, field, b, head.line, a));
        }
      };
      differs("date", head.date.to_string(), r.date.to_string());
      differs("actor", head.actor.str(), r.actor.str());
      differs("counterparty", head.paper.counterparty, r.paper.counterparty);
      differs("incident", head.paper.incident ? head.paper.incident->str() : "",
              r.paper.incident ? r.paper.incident->str() : "");
      differs("document", head.paper.document, r.paper.document);
      differs("note", head.paper.note, r.paper.note);
      differs("idempotency_key", head.paper.idempotency_key, r.paper.idempotency_key);
    }
    const std::string digest = digest_of(first, last);
    const std::string& key = head.paper.idempotency_key;
    if (!key.empty()) {
      if (auto op = impl_.store.operation_by_key(key)) {
        if (op->digest != digest) {
          throw RuleViolation(fmt::format("idempotency_key {}: already used by operation {} for "
                                          "different movements",
                                          quote(key), op->id));
        }
        // Already imported: map the file's ids onto the movements it created back then.
        const auto existing = impl_.store.operation_movements(op->id);
        for (std::size_t i = first; i < last && i - first < existing.size(); ++i) {
          if (rows_[i].id) new_ids_[*rows_[i].id] = existing[i - first].id;
        }
        return {true};
      }
    }
    const Header h{head.date, head.actor, head.paper};
    custodian(head.actor, "actor");
    if (head.date > today_) {
      throw InvalidInput("date", head.date.to_string(),
                         fmt::format("is in the future (today is {})", today_.to_string()));
    }
    std::map<std::pair<std::string, std::string>, Quantity> delta;
    std::vector<Leg> legs;
    for (std::size_t i = first; i < last; ++i) {
      try {
        legs.push_back(leg_of(rows_[i], delta));
        if (rows_[i].kind == MovementKind::Receive || rows_[i].kind == MovementKind::Adjust) {
          pending_lots_.emplace(std::pair{legs.back().lot.material.str(),
                                          legs.back().lot.number.str()},
                                legs.back().lot);
        }
      } catch (const Error& e) {
        // Name the row, not the operation's first line.
        throw RowFailure{rows_[i].line, e.what()};
      }
    }
    check_transfer_balance(first, last, legs);
    const auto operation = impl_.store.insert_operation("import", key, digest, impl_.now());
    const auto written = post_legs(impl_, operation, h, legs);
    pending_lots_.clear();
    for (std::size_t i = first; i < last; ++i) {
      if (rows_[i].id) new_ids_[*rows_[i].id] = written[i - first].id;
    }
    return {false};
  }

  // What a transfer takes out of one depot arrives at another: per lot, out = −in.
  void check_transfer_balance(std::size_t first, std::size_t last, const std::vector<Leg>& legs) {
    std::map<std::string, Quantity> net;
    bool any = false;
    for (std::size_t i = 0; i < legs.size(); ++i) {
      const auto k = legs[i].kind;
      if (k != MovementKind::TransferOut && k != MovementKind::TransferIn) continue;
      any = true;
      net[legs[i].lot.material.str() + " lot " + legs[i].lot.number.str()] += legs[i].quantity;
    }
    if (!any) return;
    for (const auto& [what, q] : net) {
      if (!q.is_zero()) {
        throw RowFailure{rows_[first].line,
                         fmt::format("transfer of {}: what leaves one depot must arrive at "
                                     "another in the same operation (off by {}); rows {} to {}",
                                     what, q.to_string(), rows_[first].line,
                                     rows_[last - 1].line)};
      }
    }
  }

public:
  struct RowFailure {
    std::size_t line;
    std::string message;
  };

  MovementImportResult run_all(const MovementImportOptions& options) {
    MovementImportResult result;
    result.rows = total_rows_;
    result.operations = ops_.size();
    result.dry_run = options.dry_run;
    std::size_t done = 0, next_report = 0;
    for (const auto& [first, last] : ops_) {
      try {
        if (apply(first, last).replayed) {
          ++result.operations_replayed;
        } else {
          ++result.operations_written;
          result.movements_written += last - first;
        }
      } catch (const RowFailure& f) {
        errors_.push_back({f.line, f.message});
        pending_lots_.clear();
      } catch (const Error& e) {
        errors_.push_back({rows_[first].line, e.what()});
        pending_lots_.clear();
      }
      done += last - first;
      if (options.progress && (done >= next_report || done == rows_.size())) {
        options.progress(done, total_rows_);
        next_report = done + 1000;
      }
    }
    return result;
  }

  void set_today(Date d) { today_ = d; }

private:
  // The reference data rows name, looked up once per import (the file names the same few
  // materials, depots and custodians on thousands of rows; nothing changes them meanwhile:
  // the import is one write transaction).
  const Material& material(const MaterialCode& code) {
    auto it = materials_.find(code.str());
    if (it == materials_.end()) {
      it = materials_.emplace(code.str(), require_material(impl_, code)).first;
    }
    return it->second;
  }
  void depot(const DepotCode& code) {
    if (depots_.count(code.str()) == 0) {
      require_depot(impl_, code);
      depots_.insert(code.str());
    }
  }
  void custodian(const CustodianId& id, std::string_view field) {
    if (custodians_.count(id.str()) == 0) {
      require_custodian(impl_, id, field);
      custodians_.insert(id.str());
    }
  }

  Ledger::Impl& impl_;
  std::string source_;
  std::map<std::string, Material> materials_;
  std::set<std::string> depots_, custodians_;
  std::vector<Row> rows_;
  std::vector<std::pair<std::size_t, std::size_t>> ops_;
  std::vector<RowError> errors_;
  std::size_t total_rows_ = 0;
  std::map<std::int64_t, std::int64_t> new_ids_; // file id → ledger movement id
  std::set<std::int64_t> reversed_now_;
  std::map<std::pair<std::string, std::string>, Lot> pending_lots_;
  Date today_ = Date::min();
};

// Thrown inside the transaction to roll it back (a dry run, or rows that failed); an Error so
// that the store passes it through unchanged.
struct RollBack : Error {
  RollBack() : Error("rolled back") {}
};

} // namespace

MovementImportResult Ledger::import_movements(std::string_view csv_text, std::string_view source,
                                              const MovementImportOptions& options) {
  Importer importer(*impl_, source);
  importer.parse(csv_text);
  importer.group();
  importer.set_today(local_date(impl_->now_seconds(), impl_->options.time_zone));
  MovementImportResult result;
  try {
    impl_->store.write([&] {
      if (!importer.errors().empty()) return; // syntax errors: don't touch the ledger
      result = importer.run_all(options);
      if (!importer.errors().empty() || options.dry_run) throw RollBack{};
    });
  } catch (const RollBack&) {
    // rolled back: either a dry run or rows that failed
  }
  if (!importer.errors().empty()) {
    importer.sort_errors();
    throw ImportError(std::string(source), importer.errors());
  }
  return result;
}

} // namespace stockpile
