#include "movement_chain.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <atomic>
#include <exception>
#include <future>
#include <string_view>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "canonical.hpp"
#include "depot_lot_table.hpp"
#include "stockpile/error.hpp"
#include "store/schema.hpp"

namespace stockpile::detail {

namespace {

std::optional<std::string> text_of(const std::optional<Date>& d) {
  return d ? std::optional<std::string>(d->to_string()) : std::nullopt;
}

std::optional<std::string_view> view_of(const std::optional<std::string>& s) {
  return s ? std::optional<std::string_view>(*s) : std::nullopt;
}

// The lots' labels by id: direct indexing while the ids run 1, 2, 3... (they do, unless lots
// were removed from the file), a binary search otherwise. A lot's index is its place here.
class LotLabels {
public:
  using Label = store::SqliteStore::LotLabel;
  explicit LotLabels(std::vector<Label> labels) : labels_(std::move(labels)) {} // in id order
  [[nodiscard]] std::optional<std::size_t> index_of(std::int64_t id) const {
    if (id >= 1 && static_cast<std::uint64_t>(id) <= labels_.size() &&
        labels_[static_cast<std::size_t>(id - 1)].id == id) {
      return static_cast<std::size_t>(id - 1);
    }
    const auto it = std::lower_bound(labels_.begin(), labels_.end(), id,
                                     [](const Label& l, std::int64_t v) { return l.id < v; });
    if (it == labels_.end() || it->id != id) return std::nullopt;
    return static_cast<std::size_t>(it - labels_.begin());
  }
  [[nodiscard]] const Label& operator[](std::size_t index) const { return labels_[index]; }
  [[nodiscard]] std::size_t size() const noexcept { return labels_.size(); }

private:
  std::vector<Label> labels_;
};

// The depots by code, numbered once before the threads start (so they only read it).
class DepotIndex {
public:
  explicit DepotIndex(std::vector<std::string> codes) : codes_(std::move(codes)) {
    for (std::size_t i = 0; i < codes_.size(); ++i) {
      index_.emplace(codes_[i], static_cast<std::uint32_t>(i));
    }
  }
  [[nodiscard]] std::optional<std::uint32_t> find(std::string_view code) const {
    const auto it = index_.find(code);
    return it == index_.end() ? std::nullopt : std::optional<std::uint32_t>(it->second);
  }
  [[nodiscard]] const std::string& code(std::uint32_t index) const { return codes_[index]; }

private:
  std::vector<std::string> codes_;
  std::unordered_map<std::string_view, std::uint32_t> index_; // views into codes_
};

// Sums per (depot, lot). Most lots are held by one depot or two (the one that received it and
// the one it was transferred to), so each lot sums its first two depots in slots of its own,
// in lot order: neighbouring lots, which were received about the same time and move about the
// same time, share cache lines. Further depots go to a flat table (a tenth of the lots of the
// bench stream hold stock in four depots or more; in a std::unordered_map they were a node
// lookup each).
class BalanceSums {
public:
  explicit BalanceSums(std::size_t lots) : slots_(lots), more_(lots / 4) {}

  void add(std::uint32_t depot, std::size_t lot, std::int64_t quantity) {
    for (Slot& slot : slots_[lot]) {
      if (slot.depot == depot || slot.depot == kNone) {
        slot.depot = depot;
        slot.sum += quantity;
        return;
      }
    }
    more_[{depot, lot}] += quantity;
  }
  void add(const BalanceSums& other) {
    other.for_each([&](std::uint32_t depot, std::size_t lot, std::int64_t sum) {
      add(depot, lot, sum);
    });
  }
  // Takes out the sum for (depot, lot): 0 when the movements never touched it.
  std::int64_t take(std::uint32_t depot, std::size_t lot) {
    for (Slot& slot : slots_[lot]) {
      if (slot.depot == depot) return std::exchange(slot.sum, 0);
    }
    std::int64_t* sum = more_.find({depot, lot});
    return sum == nullptr ? 0 : std::exchange(*sum, 0);
  }
  // fn(depot, lot index, sum) for every sum not taken and not zero.
  template <typename Fn> void for_each(Fn&& fn) const {
    for (std::size_t lot = 0; lot < slots_.size(); ++lot) {
      for (const Slot& slot : slots_[lot]) {
        if (slot.sum != 0) fn(slot.depot, lot, slot.sum);
      }
    }
    more_.for_each([&](std::uint32_t depot, std::uint64_t lot, std::int64_t sum) {
      if (sum != 0) fn(depot, static_cast<std::size_t>(lot), sum);
    });
  }

private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  struct Slot {
    std::uint32_t depot = kNone;
    std::int64_t sum = 0;
  };
  std::vector<std::array<Slot, 2>> slots_;
  DepotLotTable<std::int64_t> more_;
};

std::string missing_movement(std::int64_t missing, std::int64_t before, std::int64_t after) {
  return fmt::format("movement {} is missing: the ledger jumps from movement {} to {} (removed "
                     "from the file)",
                     missing, before, after);
}

std::string broken_link(std::int64_t id, std::int64_t before) {
  return fmt::format("movement {}: its link to movement {} is broken (the previous hash it "
                     "records is not that movement's hash)",
                     id, before);
}

// One stretch of the history (ids first..last), checked on whichever thread takes it: ids
// one after another, each movement's link to the one before it, its lot and depot, its hash;
// and what it adds to each balance (into the sums of the thread that checks it). Its first
// movement's id and link are checked when the stretches are joined, against the end of the
// one before.
struct ChainPart {
  std::int64_t movements = 0;
  std::int64_t first_id = 0, last_id = 0;
  std::string first_prev_hash, last_hash;
  std::optional<std::string> problem; // the first in id order; reading stopped there
  bool head_seen = false;
};

ChainPart check_part(const store::SqliteStore& store, bool own_connection, std::int64_t first,
                     std::int64_t last, const LotLabels& lots, const DepotIndex& depots,
                     const std::optional<std::string>& expect_head, BalanceSums& sums) {
  ChainPart part;
  std::string bytes;
  char hex[64];
  store.for_each_stored_movement(
      first, last, own_connection, [&](const store::SqliteStore::StoredMovement& m) {
        if (part.movements == 0) {
          part.first_id = m.id;
          part.first_prev_hash = m.prev_hash;
        } else if (m.id != part.last_id + 1) {
          part.problem = missing_movement(part.last_id + 1, part.last_id, m.id);
        } else if (m.prev_hash != part.last_hash) {
          part.problem = broken_link(m.id, part.last_id);
        }
        if (part.problem) return false;
        const auto lot_index = lots.index_of(m.lot_id);
        const auto depot = depots.find(m.depot);
        if (!lot_index || !depot) {
          part.problem = !lot_index ? fmt::format("movement {}: its lot (id {}) is not in the "
                                                  "lots table (removed from the file)",
                                                  m.id, m.lot_id)
                                    : fmt::format("movement {}: its depot {} is not in the "
                                                  "depots table (removed from the file)",
                                                  m.id, m.depot);
          return false;
        }
        const auto& lot = lots[*lot_index];
        bytes.assign(m.prev_hash);
        append_canonical(bytes, ChainFields{.id = m.id,
                                            .operation = m.operation,
                                            .quantity = m.quantity,
                                            .date = m.date,
                                            .recorded_at = m.recorded_at,
                                            .kind = m.kind,
                                            .depot = m.depot,
                                            .material = lot.material,
                                            .lot = lot.lot,
                                            .production = view_of(lot.production),
                                            .expiry = view_of(lot.expiry),
                                            .actor = m.actor,
                                            .counterparty = m.counterparty,
                                            .incident = m.incident,
                                            .document = m.document,
                                            .reason = m.reason,
                                            .note = m.note,
                                            .approver = m.approver,
                                            .unusable_reason = m.unusable_reason,
                                            .reverses = m.reverses});
        sha256_hex_into(bytes, hex);
        if (m.hash != std::string_view(hex, sizeof hex)) {
          part.problem = fmt::format("movement {}: its content does not match its hash "
                                     "(changed after it was recorded)",
                                     m.id);
          return false;
        }
        if (expect_head && m.hash == *expect_head) part.head_seen = true;
        sums.add(*depot, *lot_index, m.quantity);
        part.last_id = m.id;
        part.last_hash.assign(m.hash);
        ++part.movements;
        return true;
      });
  return part;
}

// The first problem with the balances table in (depot, material, lot) order, as a sorted scan
// would name it.
struct BalanceProblem {
  std::string depot, material, lot, message;
  bool operator<(const BalanceProblem& o) const {
    return std::tie(depot, material, lot) < std::tie(o.depot, o.material, o.lot);
  }
};

// The balances table checked in two steps, so that the first runs while the movements are
// still being summed: read() goes through the stored balances and stock totals and checks what
// needs no sums (the lot and depot each row names, the copies of the lot's label, stock_totals
// against the balances); against() compares each row with the sums and throws the first
// problem, in the order the checks have always been made: a wrong row, then a balance missing
// from the table, then a wrong stock total.
class BalanceCheck {
public:
  BalanceCheck(const LotLabels& lots, const DepotIndex& depots) : lots_(lots), depots_(depots) {}

  void read(const store::SqliteStore& store) {
    // The stored balances summed per depot and material ("depot\0material"), for stock_totals.
    std::unordered_map<std::string, std::int64_t> totals;
    std::string key;
    // The rows come in (depot, lot) order: the depot's number is looked up once per depot.
    std::optional<std::string> last_depot;
    std::optional<std::uint32_t> last_index;
    store.for_each_stored_balance([&](const store::SqliteStore::StoredBalance& b) {
      const std::string_view depot = b.depot;
      const auto index = lots_.index_of(b.lot_id);
      if (!index) {
        keep(wrong_, {std::string(depot), "", "",
                      fmt::format("balance of depot {}: it names lot id {}, which the lots "
                                  "table does not hold (removed from the file)",
                                  depot, b.lot_id)});
        return;
      }
      const auto& lot = lots_[*index];
      // Most rows are lots a depot has emptied; a zero adds nothing to a total (a total
      // missing from the map is taken as zero below).
      if (b.quantity != 0) {
        key.assign(depot).append(1, '\0').append(lot.material);
        totals[key] += b.quantity;
      }
      if (!last_depot || depot != *last_depot) {
        last_depot.emplace(depot);
        last_index = depots_.find(depot);
      }
      auto copy = copy_problem(b, lot);
      if (!last_index) { // no movement can name a depot the depots table lacks
        if (b.quantity != 0) keep(wrong_, wrong_quantity(depot, lot, b.quantity, 0));
        else if (copy) keep(wrong_, std::move(*copy));
        return;
      }
      rows_.push_back(Row{.quantity = b.quantity,
                          .lot = *index,
                          .depot = *last_index,
                          .copy_problem = copy ? static_cast<std::uint32_t>(copies_.size())
                                               : kNoProblem});
      if (copy) copies_.push_back(std::move(*copy));
    });

    // stock_totals must be exactly the balances summed per depot and material; a total of
    // zero may be kept for a material a depot no longer holds.
    store.for_each_stored_total([&](std::string_view depot, std::string_view material,
                                    std::int64_t stored) {
      key.assign(depot).append(1, '\0').append(material);
      const auto it = totals.find(key);
      const std::int64_t from_balances = it == totals.end() ? 0 : it->second;
      if (it != totals.end()) totals.erase(it);
      if (from_balances == stored) return;
      keep(totals_wrong_,
           {std::string(depot), std::string(material), "",
            fmt::format("stock total of depot {}, material {}: the stock_totals table holds {} "
                        "but its lots' balances add up to {}",
                        depot, material, q(stored), q(from_balances))});
    });
    for (const auto& [k, sum] : totals) {
      if (sum == 0) continue;
      const auto cut = k.find('\0');
      const std::string depot = k.substr(0, cut), material = k.substr(cut + 1);
      keep(totals_wrong_, {depot, material, "",
                           fmt::format("stock total of depot {}, material {}: missing from the "
                                       "stock_totals table; its lots' balances add up to {}",
                                       depot, material, q(sum))});
    }
  }

  // Throws IntegrityError at the first problem. Takes the rows' sums out of `sums`.
  void against(BalanceSums& sums) const {
    std::optional<BalanceProblem> wrong = wrong_;
    for (const Row& row : rows_) {
      const std::int64_t from_movements = sums.take(row.depot, row.lot);
      if (from_movements != row.quantity) {
        keep(wrong, wrong_quantity(depots_.code(row.depot), lots_[row.lot], row.quantity,
                                   from_movements));
      } else if (row.copy_problem != kNoProblem) {
        keep(wrong, copies_[row.copy_problem]);
      }
    }
    if (wrong) throw IntegrityError(wrong->message);

    // What is left adds up to something only if the balances table lacks it.
    std::optional<BalanceProblem> missing;
    sums.for_each([&](std::uint32_t depot, std::size_t index, std::int64_t sum) {
      const auto& lot = lots_[index];
      keep(missing, {depots_.code(depot), lot.material, lot.lot,
                     fmt::format("balance of depot {}, material {}, lot {}: missing from the "
                                 "balances table; the movements add up to {}",
                                 depots_.code(depot), lot.material, lot.lot, q(sum))});
    });
    if (missing) throw IntegrityError(missing->message);
    if (totals_wrong_) throw IntegrityError(totals_wrong_->message);
  }

private:
  static constexpr std::uint32_t kNoProblem = UINT32_MAX;
  // A balance row whose depot is in the depots table, to compare with the movements' sum.
  struct Row {
    std::int64_t quantity;
    std::size_t lot; // index
    std::uint32_t depot;
    std::uint32_t copy_problem; // index into copies_, or kNoProblem
  };

  static void keep(std::optional<BalanceProblem>& first, BalanceProblem p) {
    if (!first || p < *first) first = std::move(p);
  }
  static std::string q(std::int64_t thousandths) {
    return Quantity::from_thousandths(thousandths).to_string();
  }
  static BalanceProblem wrong_quantity(std::string_view depot, const LotLabels::Label& lot,
                                       std::int64_t stored, std::int64_t from_movements) {
    return {std::string(depot), lot.material, lot.lot,
            fmt::format("balance of depot {}, material {}, lot {}: the balances table holds {} "
                        "but the movements add up to {}",
                        depot, lot.material, lot.lot, q(stored), q(from_movements))};
  }
  // The copies of the lot's label and expiry that the stock and expiry reports read in place
  // of the lot (schema versions 8 and 9): the first that differs from the lot's.
  static std::optional<BalanceProblem> copy_problem(const store::SqliteStore::StoredBalance& b,
                                                    const LotLabels::Label& lot) {
    const auto text = [](const auto& value) -> std::string_view {
      return value ? std::string_view(*value) : std::string_view("none");
    };
    const std::pair<const char*, std::pair<std::optional<std::string_view>,
                                           std::optional<std::string_view>>>
        copies[] = {{"material", {b.material, std::string_view(lot.material)}},
                    {"lot", {b.lot, std::string_view(lot.lot)}},
                    {"production", {b.production, view_of(lot.production)}},
                    {"expiry", {b.expiry, view_of(lot.expiry)}}};
    for (const auto& [field, values] : copies) {
      if (values.first == values.second) continue;
      return BalanceProblem{std::string(b.depot), lot.material, lot.lot,
                            fmt::format("balance of depot {}, material {}, lot {}: the balances "
                                        "table gives {} {} but the lot's is {}",
                                        b.depot, lot.material, lot.lot, field,
                                        text(values.first), text(values.second))};
    }
    return std::nullopt;
  }

  const LotLabels& lots_;
  const DepotIndex& depots_;
  std::vector<Row> rows_;
  std::vector<BalanceProblem> copies_;
  std::optional<BalanceProblem> wrong_;        // found in the table alone
  std::optional<BalanceProblem> totals_wrong_; // stock_totals against the balances
};

} // namespace

void append_canonical(std::string& out, const ChainFields& f) {
  // Everything recorded about the movement, and the label of its lot (the lots table is part
  // of what the chain protects: a changed expiry date must show). Room for all of it is made
  // once: the names, the values (an integer takes at most 20 characters) and each field's
  // framing.
  constexpr std::size_t kFields = 21;
  constexpr std::size_t kNames = sizeof("v" "id" "operation" "date" "recorded_at" "kind" "depot"
                                        "material" "lot" "production" "expiry" "quantity"
                                        "actor" "counterparty" "incident" "document" "reason"
                                        "note" "approver" "unusable_reason" "reverses");
  const auto size = [](const std::optional<std::string_view>& v) { return v ? v->size() : 0; };
  const std::size_t room =
      kNames + kFields * (FieldWriter::kOverhead + 20) + f.date.size() + f.recorded_at.size() +
      f.kind.size() + f.depot.size() + f.material.size() + f.lot.size() + size(f.production) +
      size(f.expiry) + f.actor.size() + f.counterparty.size() + size(f.incident) +
      f.document.size() + f.reason.size() + f.note.size() + size(f.approver) +
      f.unusable_reason.size();
  const std::size_t at = out.size();
  out.resize(at + room);
  FieldWriter w(out.data() + at);
  w.field("v", std::int64_t{1});
  w.field("id", f.id);
  w.field("operation", f.operation);
  w.field("date", f.date);
  w.field("recorded_at", f.recorded_at);
  w.field("kind", f.kind);
  w.field("depot", f.depot);
  w.field("material", f.material);
  w.field("lot", f.lot);
  w.field("production", f.production);
  w.field("expiry", f.expiry);
  w.field("quantity", f.quantity);
  w.field("actor", f.actor);
  w.field("counterparty", f.counterparty);
  w.field("incident", f.incident);
  w.field("document", f.document);
  w.field("reason", f.reason);
  w.field("note", f.note);
  w.field("approver", f.approver);
  w.field("unusable_reason", f.unusable_reason);
  if (f.reverses) w.field("reverses", *f.reverses);
  else w.field("reverses", std::optional<std::string_view>());
  out.resize(static_cast<std::size_t>(w.end() - out.data()));
}

std::string canonical_movement(const Movement& m, const Lot& lot) {
  const std::string date = m.date.to_string();
  const auto production = text_of(lot.production);
  const auto expiry = text_of(lot.expiry);
  std::string out;
  append_canonical(
      out, ChainFields{.id = m.id,
                       .operation = m.operation,
                       .quantity = m.quantity.thousandths(),
                       .date = date,
                       .recorded_at = m.recorded_at,
                       .kind = to_string(m.kind),
                       .depot = m.depot.str(),
                       .material = m.material.str(),
                       .lot = m.lot.str(),
                       .production = view_of(production),
                       .expiry = view_of(expiry),
                       .actor = m.actor.str(),
                       .counterparty = m.counterparty,
                       .incident = m.incident ? std::optional<std::string_view>(m.incident->str())
                                              : std::nullopt,
                       .document = m.document,
                       .reason = m.reason,
                       .note = m.note,
                       .approver = m.approver ? std::optional<std::string_view>(m.approver->str())
                                              : std::nullopt,
                       .unusable_reason = m.unusable_reason,
                       .reverses = m.reverses});
  return out;
}

std::string chain_hash(const std::string& prev_hash, const Movement& m, const Lot& lot) {
  return sha256_hex(prev_hash + canonical_movement(m, lot));
}

VerifyReport verify_chain(const store::SqliteStore& store,
                          const std::optional<std::string>& expect_head) {
  VerifyReport report;
  const LotLabels lots(store.lot_labels());
  const DepotIndex depots(store.depot_codes());

  // Hashing a million movements is seconds of work for one core, and each movement's check
  // needs only its own row and the one before it: the history is cut into parts by id, which
  // the threads (each with a SQLite connection and sums of its own) take in turn until none
  // is left, and the parts are joined in order. Several parts a thread, so that the threads
  // finish together although the main one first reads the balances table. Always two parts at
  // least, so that the joining is exercised by every test.
  // The first part starts at the lowest id in the table, not at 1: a row slipped in below the
  // first movement must be read to be named.
  const auto ids = store.movement_id_range(); // no structured binding: the lambdas capture it
  const std::int64_t lowest = ids.first;
  const std::int64_t last = ids.second;
  const auto cores = static_cast<std::int64_t>(std::thread::hardware_concurrency());
  const std::int64_t threads =
      last < 2 ? 1 : std::min({std::max<std::int64_t>(cores, 2), std::int64_t{4}, last});
  const std::int64_t parts = last < 2 ? 1 : std::min(threads * 8, last);
  std::vector<ChainPart> checked(static_cast<std::size_t>(parts));
  std::vector<BalanceSums> sums;
  for (std::int64_t t = 0; t < threads; ++t) sums.emplace_back(lots.size());
  // Where part i ends: floor(last * i / parts) without forming last * i, which would overflow
  // for an id planted near 2^63 / parts (and leave it unread).
  const auto end_of = [&](std::int64_t i) {
    return last / parts * i + last % parts * i / parts;
  };
  std::atomic<std::int64_t> next_part{0};
  const auto work = [&](bool own_connection, BalanceSums& into) {
    for (std::int64_t i = next_part++; i < parts; i = next_part++) {
      const std::int64_t first = i == 0 ? std::min<std::int64_t>(lowest, 1) : end_of(i) + 1;
      checked[static_cast<std::size_t>(i)] = check_part(store, own_connection, first,
                                                        end_of(i + 1), lots, depots,
                                                        expect_head, into);
    }
  };
  std::vector<std::future<void>> others;
  // Declared after `others`, so destroyed before it: when this thread leaves by an exception,
  // the other threads stop after the part they hold instead of checking the rest for nothing.
  struct StopParts {
    std::atomic<std::int64_t>& next;
    std::int64_t parts;
    ~StopParts() { next = parts; }
  } const stop_parts{next_part, parts};
  for (std::int64_t t = 1; t < threads; ++t) {
    others.push_back(std::async(std::launch::async,
                                [&, t] { work(true, sums[static_cast<std::size_t>(t)]); }));
  }
  // A balances table that cannot be read is reported after the chain, as it always was: a
  // broken chain is the first thing to name.
  BalanceCheck balances(lots, depots);
  std::exception_ptr unreadable_balances;
  try {
    balances.read(store);
  } catch (...) {
    unreadable_balances = std::current_exception();
  }
  work(false, sums.front());
  for (auto& f : others) f.get();

  // Joined in order, each part's problem in its place: the first problem in id order is named.
  std::int64_t last_id = 0;
  std::string prev(kGenesisHash);
  bool head_seen = !expect_head.has_value();
  for (auto& part : checked) {
    if (part.movements > 0 || part.problem) {
      if (part.first_id < 1) {
        throw IntegrityError(fmt::format("movement {}: the ledger's movements start at 1; this "
                                         "one was inserted into the file",
                                         part.first_id));
      }
      if (part.first_id != last_id + 1) {
        throw IntegrityError(missing_movement(last_id + 1, last_id, part.first_id));
      }
      if (part.first_prev_hash != prev) throw IntegrityError(broken_link(part.first_id, last_id));
    }
    if (part.problem) throw IntegrityError(*part.problem);
    if (part.movements == 0) continue;
    last_id = part.last_id;
    prev = part.last_hash;
    head_seen = head_seen || part.head_seen;
    report.movements += part.movements;
  }
  if (store.movement_sequence() > last_id) {
    throw IntegrityError(fmt::format("movement {} is missing: movements up to {} were recorded "
                                     "but the ledger ends at {} (removed from the file)",
                                     last_id + 1, store.movement_sequence(), last_id));
  }
  if (!head_seen) {
    throw IntegrityError(fmt::format("--expect-head {}: no movement has this hash; the history "
                                     "that ended there was changed or removed",
                                     *expect_head));
  }

  // The balances table must be exactly what the movements add up to.
  if (unreadable_balances) std::rethrow_exception(unreadable_balances);
  for (std::size_t t = 1; t < sums.size(); ++t) sums.front().add(sums[t]);
  balances.against(sums.front());

  // Calls on commitments and deliveries carry a chain of their own.
  std::string entry_prev(kGenesisHash);
  std::int64_t last_entry = 0;
  store.for_each_entry([&](const CommitmentEntry& e, const std::string& stored_prev) {
    if (e.id != last_entry + 1) {
      throw IntegrityError(fmt::format("commitment entry {} is missing: the calls jump from {} "
                                       "to {} (removed from the file)",
                                       last_entry + 1, last_entry, e.id));
    }
    if (stored_prev != entry_prev || entry_hash(entry_prev, e) != e.hash) {
      throw IntegrityError(fmt::format("commitment entry {} ({}): its content does not match "
                                       "its hash (changed after it was recorded)",
                                       e.id, e.kind));
    }
    entry_prev = e.hash;
    last_entry = e.id;
  });
  if (store.entry_sequence() > last_entry) {
    throw IntegrityError(fmt::format("commitment entry {} is missing: entries up to {} were "
                                     "recorded but the ledger ends at {}",
                                     last_entry + 1, store.entry_sequence(), last_entry));
  }

  // The append-only triggers must still be there.
  for (const std::string_view name : store::append_only_triggers()) {
    SQLite::Statement q(store.db(), "SELECT 1 FROM sqlite_schema WHERE type = 'trigger' AND "
                                    "name = ?");
    q.bind(1, std::string(name));
    if (!q.executeStep()) {
      throw IntegrityError(fmt::format("trigger {} was removed: the ledger no longer refuses "
                                       "edits; restore it from a copy and investigate",
                                       name));
    }
  }
  report.head_hash = last_id == 0 ? std::string() : prev;
  return report;
}

} // namespace stockpile::detail
