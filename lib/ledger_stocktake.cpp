// The Ledger facade's stocktakes: start (snapshot), count, import, review, close, cancel.
#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "ledger_impl.hpp"
#include "posting.hpp"
#include "stocktake_parts.hpp"
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

// A blind stocktake's review while it is open: what was counted, not what the books hold.
void hide_books(std::vector<Variance>& review) {
  for (auto& v : review) {
    v.line.book_at_start.reset();
    v.book.reset();
    v.variance.reset();
  }
}

std::vector<Variance> review_of(const Ledger::Impl& impl, const Stocktake& s) {
  return compute_variances(impl.store.stocktake_lines(s.id), impl.store.stocktake_counts(s.id),
                           impl.store.movements_since(s.depot.str(), s.start_position));
}

std::string line_key(const MaterialCode& m, const LotNumber& l) { return m.str() + "/" + l.str(); }

// What counting needs to know about the stocktake, read once per transaction: which lots are
// lines, and which file line counted each lot so far. Lot ids in a sorted vector, not a set of
// "material/lot" strings: a 100,000-line stocktake's sets took more memory than the rest of
// the import (issue 8: peak memory for large imports).
class CountContext {
public:
  CountContext(const Ledger::Impl& impl, std::int64_t id) {
    auto lots = impl.store.stocktake_line_lots(id);
    lines_ = std::move(lots.lot_ids);
    next_line_ = lots.last_line + 1;
    position_ = impl.store.movement_sequence();
  }

  // The ledger position: no movement happens inside the write.
  [[nodiscard]] std::int64_t position() const { return position_; }

  // The line number to give the lot when it is not a line yet (a found lot), else none.
  std::optional<std::int64_t> add_line(std::int64_t lot_id) {
    if (std::binary_search(lines_.begin(), lines_.end(), lot_id)) return std::nullopt;
    if (!found_.insert(lot_id).second) return std::nullopt;
    return next_line_++;
  }

  // Notes that file line `line` counted the lot; the earlier line when the file counted it
  // already.
  std::optional<std::size_t> counted_at(std::int64_t lot_id, std::size_t line) {
    std::size_t* slot = nullptr;
    if (const auto it = std::lower_bound(lines_.begin(), lines_.end(), lot_id);
        it != lines_.end() && *it == lot_id) {
      if (in_file_.empty()) in_file_.assign(lines_.size(), 0);
      slot = &in_file_[static_cast<std::size_t>(it - lines_.begin())];
    } else {
      slot = &unlisted_in_file_[lot_id];
    }
    if (*slot != 0) return *slot;
    *slot = line;
    return std::nullopt;
  }

private:
  std::vector<std::int64_t> lines_;  // lot ids of the lines when the write began, ascending
  std::vector<std::size_t> in_file_; // per entry of lines_: the file line that counted it
  std::unordered_set<std::int64_t> found_; // lots added as found lines in this write
  std::unordered_map<std::int64_t, std::size_t> unlisted_in_file_; // the same for the rest
  std::int64_t next_line_ = 1;
  std::int64_t position_ = 0;
};

// How a count's messages name its fields: the options of `stocktake count`, or the columns
// of a count sheet being imported.
struct CountFields {
  std::string_view qty, counter, material, lot, expiry, note;
};
constexpr CountFields kCountOptions{"--qty", "--counter", "--material", "--lot", "--expiry",
                                    "--note"};
constexpr CountFields kCountColumns{"counted", "counter", "material", "lot", "expiry", "note"};

// Checks one count and returns its lot's id; a lot the books have never seen is created
// (inside the caller's transaction). Throws on a bad count.
std::int64_t count_lot(Ledger::Impl& impl, const Stocktake& s, const CountRequest& r,
                       const Material& m, const CountFields& f) {
  validate_note(f.note, r.note);
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
  if (!row) {
    // A lot on the shelf that the books have never seen.
    return impl.store.insert_lot(
        Lot{.material = m.code, .number = r.lot, .production = std::nullopt, .expiry = r.expiry},
        impl.now());
  }
  if (r.expiry && row->lot.expiry != r.expiry) {
    throw InvalidInput(f.expiry, r.expiry->to_string(),
                       fmt::format("lot {} of {} is recorded with expiry {}", r.lot.str(),
                                   m.code.str(),
                                   row->lot.expiry ? row->lot.expiry->to_string() : "none"));
  }
  return row->id;
}

// Records a checked count, adding its lot as a found line first when it is not a line.
// Returns whether it did.
bool record_count(Ledger::Impl& impl, const Stocktake& s, const CountRequest& r,
                  std::int64_t lot_id, CountContext& ctx) {
  const auto line = ctx.add_line(lot_id);
  if (line) impl.store.insert_stocktake_line(s.id, *line, lot_id, Quantity(), true);
  impl.store.insert_count(s.id, lot_id, r.quantity, r.counter.str(), ctx.position(), impl.now(),
                          r.note);
  return line.has_value();
}

// How many lots a close reads at a time (about 1.5 KiB a line with its label, count and
// variance): a part of 16 MiB or so, where the whole stocktake was 159 MiB at 100,000 lines.
constexpr std::size_t kClosePart = 16384;

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
    Stocktake s{.id = 0,
                .depot = r.depot,
                .blind = r.blind,
                .materials = r.materials,
                .date = r.date,
                .started_by = r.actor,
                .started_at = impl_->now(),
                .start_position = impl_->store.movement_sequence()};
    id = s.id = impl_->store.insert_stocktake(s);
    (void)impl_->store.insert_snapshot_lines(s);
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
    CountContext ctx(*impl_, id);
    const Material m = require_material(*impl_, r.material);
    record_count(*impl_, s, r, count_lot(*impl_, s, r, m, kCountOptions), ctx);
  });
}

std::vector<Variance> Ledger::stocktake_review(std::int64_t id) const {
  return impl_->read([&] {
    const auto s = require_stocktake(*impl_, id);
    auto review = review_of(*impl_, s);
    if (books_hidden(s)) hide_books(review);
    return review;
  });
}

CountImport Ledger::import_counts(std::int64_t id, std::string_view csv_text,
                                  std::string_view source, const CustodianId& counter,
                                  bool dry_run) {
  static constexpr std::array<std::string_view, 3> kRequired{"material", "lot", "counted"};
  // The sheet's own columns may stay in the file; only the ones above are read.
  static constexpr std::array<std::string_view, 10> kOptional{
      "line", "name", "specification", "unit", "expiry", "status",
      "book", "counter", "note",       "found"};
  CountImport result;
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
      CountContext ctx(*impl_, id);
      // The materials the file names, read once each (a sheet names a few thousand at most).
      std::unordered_map<std::string, Material> materials;
      const auto material_of = [&](const MaterialCode& code) -> const Material& {
        auto it = materials.find(code.str());
        if (it == materials.end()) {
          it = materials.emplace(code.str(), require_material(*impl_, code)).first;
        }
        return it->second;
      };
      while (auto row = reader.next(csv_errors)) {
        const CsvRecord& r = *row;
        try {
          const std::string counted = cell(r, "counted");
          if (counted.empty()) continue; // a line of the sheet not counted yet
          const MaterialCode material(cell(r, "material"));
          const std::string lot_text = cell(r, "lot");
          const Material& m = material_of(material);
          if (lot_text.empty() && m.lot_tracked) {
            // An empty cell stands for the implicit lot "-"; name what the file holds.
            throw InvalidInput("lot", lot_text,
                               fmt::format("material {} is tracked by lot: name the lot on its "
                                           "label",
                                           material.str()));
          }
          const LotNumber lot(lot_text.empty() ? std::string(kImplicitLot) : lot_text);
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
          const auto lot_id = count_lot(*impl_, s, c, m, fields);
          if (const auto earlier = ctx.counted_at(lot_id, r.line)) {
            throw InvalidInput(fmt::format("{} is counted twice in this file (lines {} and {})",
                                           line_key(material, lot), *earlier, r.line));
          }
          if (record_count(*impl_, s, c, lot_id, ctx)) ++result.found;
          ++result.counted;
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
      if (dry_run) {
        result.review = review_of(*impl_, s);
        if (books_hidden(s)) hide_books(result.review);
        throw DryRunDone{};
      }
    });
  } catch (const DryRunDone&) {
  }
  return result;
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
    // Segregation of duties: whoever approves counted nothing.
    const auto counters = impl_->store.stocktake_counters(id);
    if (std::find(counters.begin(), counters.end(), r.approver.str()) != counters.end()) {
      throw InvalidInput("--approved-by", r.approver.str(),
                         "counted lines of this stocktake; the approver must be a custodian who "
                         "counted none");
    }
    // The review a part of the lots at a time (lib/stocktake_parts.hpp): a close holds one
    // part and what the checks below need, not the whole stocktake with its labels.
    struct Adjustment {
      std::int64_t line;
      Lot lot;
      Quantity variance;
    };
    std::vector<Adjustment> adjustments;
    std::size_t uncounted = 0;
    std::optional<std::pair<std::int64_t, std::string>> first_uncounted; // line, key
    std::set<std::string> reason_lines; // the keys of r.reasons that are lines
    for_each_review_part(impl_->store, s, kClosePart, [&](const std::vector<Variance>& part) {
      for (const auto& v : part) {
        if (!r.reasons.empty()) {
          if (auto key = line_key(v.line.material, v.line.lot.number); r.reasons.contains(key)) {
            reason_lines.insert(std::move(key));
          }
        }
        Quantity variance = *v.variance;
        if (!v.counted) {
          ++uncounted;
          if (!first_uncounted || v.line.line < first_uncounted->first) {
            first_uncounted.emplace(v.line.line, line_key(v.line.material, v.line.lot.number));
          }
          if (r.uncounted != Uncounted::Zero) continue;
          variance = -*v.book; // nothing on the shelf
        }
        if (!variance.is_zero()) adjustments.push_back({v.line.line, v.line.lot, variance});
      }
    });
    if (uncounted > 0 && r.uncounted == Uncounted::Block) {
      throw RuleViolation(fmt::format("{} line(s) not counted ({}{}); say what they mean with "
                                      "--uncounted zero (nothing on the shelf) or --uncounted "
                                      "keep (not counted this time)",
                                      uncounted, first_uncounted->second,
                                      uncounted > 1 ? ", ..." : ""));
    }
    for (const auto& entry : r.reasons) {
      if (!reason_lines.contains(entry.first)) {
        throw InvalidInput("--line-reason", entry.first,
                           fmt::format("is not a line of stocktake {}", id));
      }
    }
    std::sort(adjustments.begin(), adjustments.end(),
              [](const Adjustment& a, const Adjustment& b) { return a.line < b.line; });
    std::vector<Leg> legs;
    std::vector<std::string> missing_reason;
    for (const auto& a : adjustments) {
      const auto key = line_key(a.lot.material, a.lot.number);
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
      legs.push_back(Leg{MovementKind::Adjust, s.depot, a.lot, a.variance,
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
