// The Ledger facade's stocktakes: start (snapshot), count, import, review, close, cancel.
#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <map>
#include <set>

#include "ledger_impl.hpp"
#include "posting.hpp"
#include "validate.hpp"
#include "stockpile/csv.hpp"
#include "stockpile/error.hpp"

namespace stockpile {

using namespace detail;

namespace {

Stocktake require_stocktake(const Ledger::Impl& impl, std::int64_t id) {
  auto s = impl.store.stocktake(id);
  if (!s) throw NotFound("stocktake", std::to_string(id));
  return std::move(*s);
}

Stocktake require_open(const Ledger::Impl& impl, std::int64_t id) {
  auto s = require_stocktake(impl, id);
  if (s.state != StocktakeState::Open) {
    throw RuleViolation(fmt::format("stocktake {} is {}: it is history now and cannot change",
                                    id, to_string(s.state)));
  }
  return s;
}

bool books_hidden(const Stocktake& s) { return s.blind && s.state == StocktakeState::Open; }

std::vector<Variance> review_of(const Ledger::Impl& impl, const Stocktake& s) {
  return compute_variances(impl.store.stocktake_lines(s.id), impl.store.stocktake_counts(s.id),
                           impl.store.movements_since(s.depot.str(), s.start_position));
}

std::string line_key(const MaterialCode& m, const LotNumber& l) { return m.str() + "/" + l.str(); }

// What counting needs to know about the stocktake, read once per transaction.
struct CountContext {
  std::int64_t next_line = 1;
  std::set<std::string> listed; // material/lot of every line
  std::int64_t position = 0;    // the ledger position: no movement happens inside the write
};

CountContext context_of(const Ledger::Impl& impl, std::int64_t id) {
  CountContext ctx;
  for (const auto& l : impl.store.stocktake_lines(id)) {
    ctx.listed.insert(line_key(l.material, l.lot.number));
    ctx.next_line = l.line + 1;
  }
  ctx.position = impl.store.movement_sequence();
  return ctx;
}

// How a count's messages name its fields: the options of `stocktake count`, or the columns
// of a count sheet being imported.
struct CountFields {
  std::string_view qty, counter, material, lot, expiry, note;
};
constexpr CountFields kCountOptions{"--qty", "--counter", "--material", "--lot", "--expiry",
                                    "--note"};
constexpr CountFields kCountColumns{"counted", "counter", "material", "lot", "expiry", "note"};

// Records one count inside the caller's transaction; throws on a bad count.
void count_tx(Ledger::Impl& impl, const Stocktake& s, const CountRequest& r, CountContext& ctx,
              const CountFields& f = kCountOptions) {
  validate_note(f.note, r.note);
  const Material m = require_material(impl, r.material);
  require_custodian(impl, r.counter, f.counter);
  if (r.quantity.is_negative()) {
    throw InvalidInput(f.qty, r.quantity.to_string(), "a count cannot be negative");
  }
  if (r.quantity.decimals() > m.decimals) {
    throw InvalidInput(f.qty, r.quantity.to_string(),
                       fmt::format("{} takes at most {} decimals", m.code.str(), m.decimals));
  }
  if (!s.materials.empty() &&
      std::find(s.materials.begin(), s.materials.end(), m.code) == s.materials.end()) {
    throw InvalidInput(f.material, m.code.str(),
                       fmt::format("is not part of stocktake {}", s.id));
  }
  if (m.lot_tracked && r.lot.str() == kImplicitLot) {
    throw InvalidInput(f.lot, r.lot.str(),
                       fmt::format("material {} is tracked by lot: name the lot on its label",
                                   m.code.str()));
  }
  if (!m.lot_tracked && r.lot.str() != kImplicitLot) {
    throw InvalidInput(f.lot, r.lot.str(),
                       fmt::format("material {} is not tracked by lot; use -", m.code.str()));
  }
  auto row = impl.store.lot(m.code.str(), r.lot.str());
  std::int64_t lot_id = 0;
  if (row) {
    lot_id = row->id;
    if (r.expiry && row->lot.expiry != r.expiry) {
      throw InvalidInput(f.expiry, r.expiry->to_string(),
                         fmt::format("lot {} of {} is recorded with expiry {}", r.lot.str(),
                                     m.code.str(),
                                     row->lot.expiry ? row->lot.expiry->to_string() : "none"));
    }
  } else {
    // A lot on the shelf that the books have never seen.
    lot_id = impl.store.insert_lot(
        Lot{.material = m.code, .number = r.lot, .production = std::nullopt, .expiry = r.expiry},
        impl.now());
  }
  if (ctx.listed.insert(line_key(m.code, r.lot)).second) {
    impl.store.insert_stocktake_line(s.id, ctx.next_line++, lot_id, Quantity(), true);
  }
  impl.store.insert_count(s.id, lot_id, r.quantity, r.counter.str(), ctx.position, impl.now(),
                          r.note);
}

} // namespace

Stocktake Ledger::start_stocktake(const StartStocktake& r) {
  // Counting a day still to come would compare the count with movements not yet made.
  if (const Date today = this->today(); r.date > today) {
    throw InvalidInput("--date", r.date.to_string(),
                       fmt::format("is in the future (today is {})", today.to_string()));
  }
  std::int64_t id = 0;
  impl_->store.write([&] {
    require_depot(*impl_, r.depot);
    require_custodian(*impl_, r.actor, "--actor");
    for (const auto& m : r.materials) (void)require_material(*impl_, m);
    if (auto open = impl_->store.open_stocktake(r.depot.str())) {
      throw RuleViolation(fmt::format("depot {} already has stocktake {} open; close or cancel "
                                      "it first",
                                      r.depot.str(), *open));
    }
    id = impl_->store.insert_stocktake(Stocktake{.id = 0,
                                                 .depot = r.depot,
                                                 .blind = r.blind,
                                                 .materials = r.materials,
                                                 .date = r.date,
                                                 .started_by = r.actor,
                                                 .started_at = impl_->now(),
                                                 .start_position =
                                                     impl_->store.movement_sequence()});
    std::int64_t line = 1;
    for (const auto& b : impl_->store.depot_snapshot(r.depot.str())) {
      if (!r.materials.empty() &&
          std::none_of(r.materials.begin(), r.materials.end(),
                       [&](const MaterialCode& m) { return m.str() == b.material; })) {
        continue;
      }
      impl_->store.insert_stocktake_line(id, line++, b.lot_id, b.quantity, false);
    }
  });
  return stocktake(id);
}

Stocktake Ledger::stocktake(std::int64_t id) const {
  return impl_->read([&] { return require_stocktake(*impl_, id); });
}

std::vector<Stocktake> Ledger::stocktakes(const std::optional<DepotCode>& depot) const {
  return impl_->read([&] {
    if (depot) require_depot(*impl_, *depot); // a typo must not look like "no stocktakes"
    return impl_->store.stocktakes(depot ? std::optional<std::string>(depot->str())
                                         : std::nullopt);
  });
}

std::vector<StocktakeLine> Ledger::stocktake_sheet(std::int64_t id) const {
  return impl_->read([&] {
    const auto s = require_stocktake(*impl_, id);
    auto lines = impl_->store.stocktake_lines(id);
    if (books_hidden(s)) {
      for (auto& l : lines) l.book_at_start.reset();
    }
    return lines;
  });
}

void Ledger::count(std::int64_t id, const CountRequest& r) {
  impl_->store.write([&] {
    const auto s = require_open(*impl_, id);
    auto ctx = context_of(*impl_, id);
    count_tx(*impl_, s, r, ctx);
  });
}

std::vector<Variance> Ledger::stocktake_review(std::int64_t id) const {
  return impl_->read([&] {
    const auto s = require_stocktake(*impl_, id);
    auto review = review_of(*impl_, s);
    if (books_hidden(s)) {
      for (auto& v : review) {
        v.line.book_at_start.reset();
        v.book.reset();
        v.variance.reset();
      }
    }
    return review;
  });
}

std::vector<Variance> Ledger::import_counts(std::int64_t id, std::string_view csv_text,
                                            std::string_view source, const CustodianId& counter,
                                            bool dry_run) {
  static constexpr std::array<std::string_view, 3> kRequired{"material", "lot", "counted"};
  // The sheet's own columns may stay in the file; only the ones above are read.
  static constexpr std::array<std::string_view, 10> kOptional{
      "line", "name", "specification", "unit", "expiry", "status",
      "book", "counter", "note",       "found"};
  std::vector<Variance> preview;
  // A dry run ends by throwing this, so the transaction rolls back after computing the review.
  struct DryRunDone {};
  try {
    impl_->store.write([&] {
      const auto s = require_open(*impl_, id);
      // Read a row at a time: the parsed sheet is not held (a 100,000-line count sheet took
      // more memory as parsed records than everything else the import does).
      CsvTableReader reader(csv_text, kRequired, kOptional);
      const CsvTable& table = reader.header();
      std::vector<CsvError> csv_errors = table.errors;
      std::vector<RowError> errors;
      const auto take_csv_errors = [&] {
        for (const auto& e : csv_errors) errors.push_back(RowError{e.line, e.message});
        csv_errors.clear();
      };
      if (!table.header_ok) {
        while (reader.next(csv_errors)) {
        }
        take_csv_errors();
        throw ImportError(std::string(source), std::move(errors));
      }
      auto cell = [&](const CsvRecord& r, std::string_view name) {
        auto i = table.column(name);
        return i ? r.fields.at(*i) : std::string();
      };
      auto ctx = context_of(*impl_, id);
      std::map<std::string, std::size_t> seen; // material/lot → line of the file
      while (auto row = reader.next(csv_errors)) {
        const CsvRecord& r = *row;
        try {
          const std::string counted = cell(r, "counted");
          if (counted.empty()) continue; // a line of the sheet not counted yet
          const MaterialCode material(cell(r, "material"));
          const std::string lot_text = cell(r, "lot");
          if (lot_text.empty() && require_material(*impl_, material).lot_tracked) {
            // An empty cell stands for the implicit lot "-"; name what the file holds.
            throw InvalidInput("lot", lot_text,
                               fmt::format("material {} is tracked by lot: name the lot on its "
                                           "label",
                                           material.str()));
          }
          const LotNumber lot(lot_text.empty() ? std::string(kImplicitLot) : lot_text);
          const auto key = line_key(material, lot);
          if (auto [it, fresh] = seen.emplace(key, r.line); !fresh) {
            throw InvalidInput(fmt::format("{} is counted twice in this file (lines {} and {})",
                                           key, it->second, r.line));
          }
          CountRequest c{.material = material,
                         .lot = lot,
                         .quantity = Quantity::parse(counted, "counted"),
                         .counter = counter,
                         .expiry = std::nullopt,
                         .note = cell(r, "note")};
          CountFields fields = kCountColumns;
          if (auto who = cell(r, "counter"); !who.empty()) {
            c.counter = CustodianId(who);
          } else {
            fields.counter = "--counter"; // the option names everyone who counted the file
          }
          if (auto e = cell(r, "expiry"); !e.empty()) c.expiry = Date::parse(e, "expiry");
          count_tx(*impl_, s, c, ctx, fields);
        } catch (const Error& e) {
          errors.push_back(RowError{r.line, e.what()});
        }
      }
      take_csv_errors();
      if (!errors.empty()) {
        std::stable_sort(errors.begin(), errors.end(),
                         [](const RowError& a, const RowError& b) { return a.line < b.line; });
        throw ImportError(std::string(source), std::move(errors));
      }
      preview = review_of(*impl_, s);
      if (books_hidden(s)) {
        for (auto& v : preview) {
          v.line.book_at_start.reset();
          v.book.reset();
          v.variance.reset();
        }
      }
      if (dry_run) throw DryRunDone{};
    });
  } catch (const DryRunDone&) {
  }
  return preview;
}

Posting Ledger::close_stocktake(std::int64_t id, const CloseStocktake& r) {
  const Paperwork paper{.counterparty = "",
                        .incident = std::nullopt,
                        .document = fmt::format("stocktake {}", id),
                        .note = r.note,
                        .idempotency_key = ""};
  const Header h{r.date, r.actor, paper};
  auto request = request_of("stocktake-close", h);
  request.add("stocktake", id).add("approver", r.approver.str());
  Posting posting;
  impl_->store.write([&] {
    const auto s = require_open(*impl_, id);
    check_header(*impl_, h);
    require_custodian(*impl_, r.approver, "--approved-by");
    const auto counts = impl_->store.stocktake_counts(id);
    // Segregation of duties: whoever approves counted nothing.
    std::set<std::string> counters;
    for (const auto& c : counts) counters.insert(c.counter.str());
    if (counters.contains(r.approver.str())) {
      throw InvalidInput("--approved-by", r.approver.str(),
                         "counted lines of this stocktake; the approver must be a custodian who "
                         "counted none");
    }
    auto review = review_of(*impl_, s);
    std::vector<std::string> uncounted;
    for (const auto& v : review) {
      if (!v.counted) uncounted.push_back(line_key(v.line.material, v.line.lot.number));
    }
    if (!uncounted.empty() && r.uncounted == Uncounted::Block) {
      throw RuleViolation(fmt::format("{} line(s) not counted ({}{}); say what they mean with "
                                      "--uncounted zero (nothing on the shelf) or --uncounted "
                                      "keep (not counted this time)",
                                      uncounted.size(), uncounted.front(),
                                      uncounted.size() > 1 ? ", ..." : ""));
    }
    for (const auto& entry : r.reasons) {
      // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
      const std::string& key = entry.first;
      if (std::none_of(review.begin(), review.end(), [&](const Variance& v) {
            return line_key(v.line.material, v.line.lot.number) == key;
          })) {
        throw InvalidInput("--line-reason", key, fmt::format("is not a line of stocktake {}", id));
      }
    }
    std::vector<Leg> legs;
    std::vector<std::string> missing_reason;
    for (const auto& v : review) {
      Quantity variance = *v.variance;
      if (!v.counted) {
        if (r.uncounted != Uncounted::Zero) continue;
        variance = -*v.book; // nothing on the shelf
      }
      if (variance.is_zero()) continue;
      const auto key = line_key(v.line.material, v.line.lot.number);
      std::optional<VarianceReason> reason = r.default_reason;
      if (auto it = r.reasons.find(key); it != r.reasons.end()) reason = it->second;
      if (!reason) {
        missing_reason.push_back(key);
        continue;
      }
      if (*reason == VarianceReason::Other && r.note.empty()) {
        throw InvalidInput(fmt::format("--note: line {} has reason other; say what happened "
                                       "with --note",
                                       key));
      }
      legs.push_back(Leg{MovementKind::Adjust, s.depot, v.line.lot, variance,
                         std::string(to_string(*reason)), r.approver, "", std::nullopt});
    }
    if (!missing_reason.empty()) {
      throw InvalidInput(fmt::format(
          "--reason: {} variance(s) have no reason ({}{}); give --reason REASON for all or "
          "--line-reason MATERIAL/LOT=REASON",
          missing_reason.size(), missing_reason.front(), missing_reason.size() > 1 ? ", ..." : ""));
    }
    const auto operation = impl_->store.insert_operation(
        "stocktake-close", "", sha256_hex(request.bytes()), impl_->now());
    posting.operation = operation;
    posting.movements = post_legs(*impl_, operation, h, legs);
    impl_->store.insert_stocktake_end(id, StocktakeState::Closed, r.actor.str(), r.approver.str(),
                                      operation, r.note, impl_->now());
  });
  return posting;
}

void Ledger::cancel_stocktake(std::int64_t id, const CustodianId& actor,
                              const std::string& reason) {
  impl_->store.write([&] {
    (void)require_open(*impl_, id);
    require_custodian(*impl_, actor, "--actor");
    if (reason.empty()) throw InvalidInput("--reason: a cancelled stocktake needs a reason");
    impl_->store.insert_stocktake_end(id, StocktakeState::Cancelled, actor.str(), std::nullopt,
                                      std::nullopt, reason, impl_->now());
  });
}

} // namespace stockpile
