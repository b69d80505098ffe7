// The ledger's movements, lots and balances in SQLite (part of the storage seam).
#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <algorithm>
#include <cstdint>
#include <deque>
#include <optional>
#include <sqlite3.h>
#include <unordered_map>

#include "canonical.hpp"
#include "store/sqlite_store.hpp"
#include "store/statement_cache.hpp"
#include "stockpile/ledger.hpp" // MovementRecord

namespace stockpile::store {

namespace {

std::optional<Date> nullable_date(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return Date::parse(c.getString());
}

void bind_optional(SQLite::Statement& q, int index, const std::optional<std::string>& v) {
  if (v) q.bind(index, *v);
  else q.bind(index);
}

std::optional<std::string> text_of(const std::optional<Date>& d) {
  if (!d) return std::nullopt;
  return d->to_string();
}

constexpr const char* kLotStatus =
    "COALESCE((SELECT s.status FROM lot_status_changes s WHERE s.lot_id = l.id "
    "ORDER BY s.id DESC LIMIT 1), 'available')";
// The same for a balance (alias b) read without its lot.
constexpr const char* kHeldLotStatus =
    "COALESCE((SELECT s.status FROM lot_status_changes s WHERE s.lot_id = b.lot_id "
    "ORDER BY s.id DESC LIMIT 1), 'available')";

// Columns 0..21 as read by read_movement (with the lot's fields at the end), then the lot's
// status as `status` gives it.
std::string movement_select(const char* status) {
  return fmt::format(
      "SELECT m.id, m.operation, m.date, m.recorded_at, m.kind, m.depot, l.material, l.lot, "
      "m.quantity, m.actor, m.counterparty, m.incident, m.document, m.reason, m.note, "
      "m.approver, m.unusable_reason, m.reverses, m.hash, m.prev_hash, l.production, l.expiry, "
      "{} FROM movements m JOIN lots l ON l.id = m.lot_id",
      status);
}
const std::string kMovementSelect = movement_select(kLotStatus);

Movement read_movement(SQLite::Statement& q) {
  Movement m{.id = q.getColumn(0).getInt64(),
             .operation = q.getColumn(1).getInt64(),
             .date = Date::parse(q.getColumn(2).getString()),
             .recorded_at = q.getColumn(3).getString(),
             .kind = parse_movement_kind(q.getColumn(4).getString()),
             .depot = DepotCode(q.getColumn(5).getString()),
             .material = MaterialCode(q.getColumn(6).getString()),
             .lot = LotNumber(q.getColumn(7).getString()),
             .quantity = Quantity::from_thousandths(q.getColumn(8).getInt64()),
             .actor = CustodianId(q.getColumn(9).getString()),
             .counterparty = q.getColumn(10).getString(),
             .incident = std::nullopt,
             .document = q.getColumn(12).getString(),
             .reason = q.getColumn(13).getString(),
             .note = q.getColumn(14).getString(),
             .approver = std::nullopt,
             .unusable_reason = q.getColumn(16).getString(),
             .reverses = std::nullopt,
             .hash = q.getColumn(18).getString()};
  if (!q.getColumn(11).isNull()) m.incident = IncidentCode(q.getColumn(11).getString());
  if (!q.getColumn(15).isNull()) m.approver = CustodianId(q.getColumn(15).getString());
  if (!q.getColumn(17).isNull()) m.reverses = q.getColumn(17).getInt64();
  return m;
}

Lot read_movement_lot(SQLite::Statement& q) {
  return Lot{.material = MaterialCode(q.getColumn(6).getString()),
             .number = LotNumber(q.getColumn(7).getString()),
             .production = nullable_date(q.getColumn(20)),
             .expiry = nullable_date(q.getColumn(21)),
             .status = parse_lot_status(q.getColumn(22).getString())};
}

} // namespace

// ---- lots -------------------------------------------------------------------------------

std::optional<SqliteStore::LotRow> SqliteStore::lot(const std::string& material,
                                                    const std::string& number) const {
  // Formatted once: this lookup runs for every row of an import.
  static const std::string sql = fmt::format("SELECT l.id, l.production, l.expiry, {} FROM lots l "
                                             "WHERE l.material = ? AND l.lot = ?",
                                             kLotStatus);
  auto q = cached(sql);
  q->bind(1, material);
  q->bind(2, number);
  if (!q->executeStep()) return std::nullopt;
  return LotRow{q->getColumn(0).getInt64(),
                Lot{.material = MaterialCode(material),
                    .number = LotNumber(number),
                    .production = nullable_date(q->getColumn(1)),
                    .expiry = nullable_date(q->getColumn(2)),
                    .status = parse_lot_status(q->getColumn(3).getString())}};
}

std::vector<Lot> SqliteStore::lots(const std::optional<std::string>& material) const {
  SQLite::Statement q(*db_, fmt::format("SELECT l.material, l.lot, l.production, l.expiry, {} "
                                        "FROM lots l WHERE (?1 IS NULL OR l.material = ?1) "
                                        "ORDER BY l.material, l.expiry IS NULL, l.expiry, l.lot",
                                        kLotStatus));
  bind_optional(q, 1, material);
  std::vector<Lot> out;
  while (q.executeStep()) {
    out.push_back(Lot{.material = MaterialCode(q.getColumn(0).getString()),
                      .number = LotNumber(q.getColumn(1).getString()),
                      .production = nullable_date(q.getColumn(2)),
                      .expiry = nullable_date(q.getColumn(3)),
                      .status = parse_lot_status(q.getColumn(4).getString())});
  }
  return out;
}

std::int64_t SqliteStore::insert_lot(const Lot& lot, const std::string& now) {
  auto q = cached("INSERT INTO lots (material, lot, production, expiry, created_at) "
                            "VALUES (?, ?, ?, ?, ?)");
  q->bind(1, lot.material.str());
  q->bind(2, lot.number.str());
  bind_optional(*q, 3, text_of(lot.production));
  bind_optional(*q, 4, text_of(lot.expiry));
  q->bind(5, now);
  q->exec();
  return db_->getLastInsertRowid();
}

void SqliteStore::insert_lot_status(std::int64_t lot_id, LotStatus status,
                                    const std::string& actor, const std::string& reason,
                                    const std::string& now) {
  SQLite::Statement q(*db_, "INSERT INTO lot_status_changes (lot_id, status, actor, reason, "
                            "recorded_at) VALUES (?, ?, ?, ?, ?)");
  q.bind(1, lot_id);
  q.bind(2, std::string(to_string(status)));
  q.bind(3, actor);
  q.bind(4, reason);
  q.bind(5, now);
  q.exec();
}

// ---- balances -----------------------------------------------------------------------------

std::vector<SqliteStore::LotBalance> SqliteStore::depot_lots(const std::string& depot,
                                                             const std::string& material) const {
  // The material's lots first, then each one's balance at the depot by key: the depot's
  // balances first meant a random read of every lot it ever held (4,222 at JC-C01 at 1M).
  SQLite::Statement q(*db_, fmt::format("SELECT l.id, l.lot, l.production, l.expiry, {}, "
                                        "b.quantity FROM lots l CROSS JOIN balances b "
                                        "ON b.lot_id = l.id WHERE l.material = ? AND b.depot = ? "
                                        "AND b.quantity > 0",
                                        kLotStatus));
  q.bind(1, material);
  q.bind(2, depot);
  std::vector<LotBalance> out;
  while (q.executeStep()) {
    out.push_back(LotBalance{
        q.getColumn(0).getInt64(),
        LotStock{Lot{.material = MaterialCode(material),
                     .number = LotNumber(q.getColumn(1).getString()),
                     .production = nullable_date(q.getColumn(2)),
                     .expiry = nullable_date(q.getColumn(3)),
                     .status = parse_lot_status(q.getColumn(4).getString())},
                 Quantity::from_thousandths(q.getColumn(5).getInt64())}});
  }
  return out;
}

Quantity SqliteStore::balance(const std::string& depot, std::int64_t lot_id) const {
  return balance_row(depot, lot_id).value_or(Quantity());
}

std::optional<Quantity> SqliteStore::balance_row(const std::string& depot,
                                                 std::int64_t lot_id) const {
  auto q = cached("SELECT quantity FROM balances WHERE depot = ? AND lot_id = ?");
  q->bind(1, depot);
  q->bind(2, lot_id);
  if (!q->executeStep()) return std::nullopt;
  return Quantity::from_thousandths(q->getColumn(0).getInt64());
}

void SqliteStore::set_balance(const std::string& depot, std::int64_t lot_id, Quantity quantity,
                              bool exists) {
  if (exists) {
    // Most movements touch a balance the depot already holds: a plain update by key. An
    // INSERT ... SELECT ... ON CONFLICT for every write cost SQLite a temporary table per row
    // (the table has triggers), a third of an import's balance writes.
    auto q = cached("UPDATE balances SET quantity = ?3 WHERE depot = ?1 AND lot_id = ?2");
    q->bindNoCopy(1, depot); // outlives exec(): no copy (insert_movement says why)
    q->bind(2, lot_id);
    q->bind(3, quantity.thousandths());
    if (q->exec() != 1) {
      throw IntegrityError(fmt::format("balance of depot {} and lot id {} vanished during the "
                                       "write",
                                       depot, lot_id));
    }
    return;
  }
  // The lot's label and expiry are copied once, when the depot first holds the lot (schema
  // versions 8 and 9); the triggers on balances keep stock_totals. VALUES with a subquery per
  // column, not INSERT ... SELECT: SQLite runs an INSERT ... SELECT into a table with triggers
  // through a temporary table, built for every row (two thirds of what a new balance cost).
  auto q = cached("INSERT INTO balances (depot, lot_id, quantity, expiry, material, lot, "
                  "production) VALUES (?1, ?2, ?3, (SELECT expiry FROM lots WHERE id = ?2), "
                  "(SELECT material FROM lots WHERE id = ?2), (SELECT lot FROM lots WHERE id = ?2), "
                  "(SELECT production FROM lots WHERE id = ?2))");
  q->bindNoCopy(1, depot);
  q->bind(2, lot_id);
  q->bind(3, quantity.thousandths());
  try {
    q->exec();
  } catch (const SQLite::Exception& e) {
    // A lot id missing from the lots table (its copies come out NULL, which the totals trigger
    // refuses, or else the foreign key) or a negative quantity: the callers rule both out, so
    // this is a broken invariant, not bad input.
    if (e.getErrorCode() != SQLITE_CONSTRAINT) throw;
    throw IntegrityError(fmt::format("balance of depot {} and lot id {} refused by the ledger "
                                     "({}); nothing was written",
                                     depot, lot_id, e.what()));
  }
}

Quantity SqliteStore::min_balance_from(const std::string& depot, std::int64_t lot_id,
                                       const std::string& day, Quantity now) const {
  // Entries are mostly made in date order: with nothing dated after `day`, the lowest balance
  // from `day` on is the balance now (one index seek instead of the window query below).
  {
    auto later = cached("SELECT 1 FROM movements WHERE depot = ? AND lot_id = ? AND date > ? "
                        "LIMIT 1");
    later->bind(1, depot);
    later->bind(2, lot_id);
    later->bind(3, day);
    if (!later->executeStep()) return now;
  }
  // Running balance at the end of each day with movements; the balance at the end of `day`
  // is the running sum of the last such day on or before it.
  auto q = cached("WITH daily AS (SELECT date, SUM(quantity) AS q FROM movements "
                  "WHERE depot = ?1 AND lot_id = ?2 GROUP BY date), "
                  "running AS (SELECT date, SUM(q) OVER (ORDER BY date) AS r FROM daily) "
                  "SELECT MIN(r) FROM (SELECT COALESCE((SELECT r FROM running WHERE date <= ?3 "
                  "ORDER BY date DESC LIMIT 1), 0) AS r UNION ALL "
                  "SELECT r FROM running WHERE date > ?3)");
  q->bind(1, depot);
  q->bind(2, lot_id);
  q->bind(3, day);
  if (!q->executeStep() || q->getColumn(0).isNull()) return Quantity();
  // The last day's running sum is `now` when the balance agrees with the movements.
  return std::min(now, Quantity::from_thousandths(q->getColumn(0).getInt64()));
}

std::string SqliteStore::latest_movement_date() const {
  // One seek to the end of the movements_date index.
  auto q = cached("SELECT max(date) FROM movements");
  if (!q->executeStep() || q->getColumn(0).isNull()) return {};
  return q->getColumn(0).getString();
}

// ---- operations and movements -------------------------------------------------------------

std::optional<SqliteStore::OperationRow>
SqliteStore::operation_by_key(const std::string& key) const {
  auto q = cached("SELECT id, kind, request_digest FROM operations "
                            "WHERE idempotency_key = ?");
  q->bind(1, key);
  if (!q->executeStep()) return std::nullopt;
  return OperationRow{q->getColumn(0).getInt64(), q->getColumn(1).getString(),
                      q->getColumn(2).getString()};
}

std::int64_t SqliteStore::insert_operation(const std::string& kind, const std::string& key,
                                           const std::string& digest, const std::string& now) {
  auto q = cached("INSERT INTO operations (kind, idempotency_key, request_digest, "
                            "recorded_at) VALUES (?, ?, ?, ?)");
  // Bound without copies, as in insert_movement: the strings outlive exec().
  q->bindNoCopy(1, kind);
  if (key.empty()) q->bind(2);
  else q->bindNoCopy(2, key);
  q->bindNoCopy(3, digest);
  q->bindNoCopy(4, now);
  q->exec();
  return db_->getLastInsertRowid();
}

std::string SqliteStore::head_hash() const {
  auto q = cached("SELECT hash FROM movements ORDER BY id DESC LIMIT 1");
  if (!q->executeStep()) return std::string(detail::kGenesisHash);
  return q->getColumn(0).getString();
}

std::int64_t SqliteStore::movement_sequence() const {
  auto q = cached("SELECT max(coalesce((SELECT CAST(value AS INTEGER) FROM meta "
                  "WHERE key = 'movement_sequence'), 0), "
                  "coalesce((SELECT max(id) FROM movements), 0))");
  q->executeStep();
  return q->getColumn(0).getInt64();
}

void SqliteStore::record_movement_sequence() {
  // Once per write, not per movement (schema version 12 says why). Read back from the table
  // rather than counted as movements are inserted: an import rolls a failed operation back to
  // its savepoint, and a sequence above the last movement would read as a removed tail. Never
  // lowered: after a tail removed outside stockpile the next ids still skip the removed ones,
  // and verify keeps reporting the gap. The last id is its own query: inside a FROM clause
  // `max(id)` scanned every movement (a million for one `issue`), here it is one seek.
  auto last = cached("SELECT id FROM movements ORDER BY id DESC LIMIT 1");
  if (!last->executeStep()) return;
  const std::string id = std::to_string(last->getColumn(0).getInt64());
  auto q = cached("INSERT INTO meta (key, value) VALUES ('movement_sequence', ?1) "
                  "ON CONFLICT (key) DO UPDATE SET value = excluded.value "
                  "WHERE CAST(value AS INTEGER) < CAST(excluded.value AS INTEGER)");
  q->bindNoCopy(1, id); // outlives exec()
  q->exec();
}

std::int64_t SqliteStore::next_movement_id() const { return movement_sequence() + 1; }

void SqliteStore::insert_movement(const Movement& m, std::int64_t lot_id,
                                  const std::string& prev_hash) {
  // The text is bound without a copy (SQLITE_STATIC): every string below outlives exec(),
  // where SQLite reads it into the row, and the cached statement's bindings are cleared when
  // `q` goes out of scope. Copied, the thirteen strings cost a malloc, a memcpy and a free
  // each for every movement an import posts.
  const std::string date = m.date.to_string(); // both short enough to need no allocation
  const std::string kind(to_string(m.kind));
  auto q = cached(
                      "INSERT INTO movements (id, operation, date, recorded_at, kind, depot, "
                      "lot_id, quantity, actor, counterparty, incident, document, reason, note, "
                      "approver, unusable_reason, reverses, prev_hash, hash) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q->bind(1, m.id);
  q->bind(2, m.operation);
  q->bindNoCopy(3, date);
  q->bindNoCopy(4, m.recorded_at);
  q->bindNoCopy(5, kind);
  q->bindNoCopy(6, m.depot.str());
  q->bind(7, lot_id);
  q->bind(8, m.quantity.thousandths());
  q->bindNoCopy(9, m.actor.str());
  q->bindNoCopy(10, m.counterparty);
  if (m.incident) q->bindNoCopy(11, m.incident->str());
  else q->bind(11);
  q->bindNoCopy(12, m.document);
  q->bindNoCopy(13, m.reason);
  q->bindNoCopy(14, m.note);
  if (m.approver) q->bindNoCopy(15, m.approver->str());
  else q->bind(15);
  q->bindNoCopy(16, m.unusable_reason);
  if (m.reverses) q->bind(17, *m.reverses);
  else q->bind(17);
  q->bindNoCopy(18, prev_hash);
  q->bindNoCopy(19, m.hash);
  q->exec();
  movements_inserted_ = true;
}

std::optional<Movement> SqliteStore::movement(std::int64_t id) const {
  auto q = cached(kMovementSelect + " WHERE m.id = ?");
  q->bind(1, id);
  if (!q->executeStep()) return std::nullopt;
  return read_movement(*q);
}

std::vector<Movement> SqliteStore::operation_movements(std::int64_t operation) const {
  SQLite::Statement q(*db_, kMovementSelect + " WHERE m.operation = ? ORDER BY m.id");
  q.bind(1, operation);
  std::vector<Movement> out;
  while (q.executeStep()) out.push_back(read_movement(q));
  return out;
}

bool SqliteStore::reversed(std::int64_t movement_id) const {
  auto q = cached("SELECT 1 FROM movements WHERE reverses = ?");
  q->bind(1, movement_id);
  return q->executeStep();
}

namespace {

// The WHERE clause of a movement query (and of an export, which may add organisations) and
// the values it binds, in order.
std::string movement_filter(const MovementQuery& f,
                          const std::optional<std::vector<std::string>>& orgs,
                          std::vector<std::string>& args) {
  std::string sql = " WHERE 1 = 1";
  auto where = [&](const char* clause, std::string value) {
    sql += clause;
    args.push_back(std::move(value));
  };
  if (f.depot) where(" AND m.depot = ?", f.depot->str());
  if (f.material) where(" AND l.material = ?", f.material->str());
  if (f.lot) where(" AND l.lot = ?", f.lot->str());
  if (f.transfers) sql += " AND m.kind IN ('transfer-out', 'transfer-in')";
  else if (f.kind) where(" AND m.kind = ?", std::string(to_string(*f.kind)));
  if (f.incident) where(" AND m.incident = ?", f.incident->str());
  // +m.date: filter on the date without walking its index, so rows come in id order straight
  // from the table instead of through a sort of the whole selection.
  if (f.from) where(" AND +m.date >= ?", f.from->to_string());
  if (f.to) where(" AND +m.date <= ?", f.to->to_string());
  if (orgs) {
    sql += " AND m.depot IN (SELECT d.code FROM depots d WHERE d.org IN (";
    for (std::size_t i = 0; i < orgs->size(); ++i) {
      sql += i ? ", ?" : "?";
      args.push_back((*orgs)[i]);
    }
    sql += orgs->empty() ? "NULL))" : "))";
  }
  return sql;
}

} // namespace

std::vector<Movement> SqliteStore::movements(const MovementQuery& f) const {
  std::vector<std::string> args;
  std::string sql = kMovementSelect + movement_filter(f, std::nullopt, args);
  sql += " ORDER BY m.id";
  SQLite::Statement q(*db_, sql);
  for (std::size_t i = 0; i < args.size(); ++i) q.bind(static_cast<int>(i + 1), args[i]);
  std::vector<Movement> out;
  while (q.executeStep()) out.push_back(read_movement(q));
  return out;
}

Quantity SqliteStore::lot_out(const std::string& material, const std::string& lot) const {
  // In SQL rather than over the lot's movements read as objects: a return checks this, and an
  // import of returns read each lot's whole history a row at a time (5 % of a 100k import).
  auto q = cached("SELECT COALESCE(-sum(m.quantity), 0) FROM movements m "
                  "WHERE m.lot_id = (SELECT id FROM lots WHERE material = ?1 AND lot = ?2) "
                  "AND (m.kind = 'issue' OR m.kind = 'return') "
                  "AND NOT EXISTS (SELECT 1 FROM movements r WHERE r.reverses = m.id)");
  q->bind(1, material);
  q->bind(2, lot);
  q->executeStep();
  return Quantity::from_thousandths(q->getColumn(0).getInt64());
}

// ---- stock ------------------------------------------------------------------------------

namespace {
std::string_view text_at(sqlite3_stmt* st, int col) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st, col));
  return text ? std::string_view(text, static_cast<std::size_t>(sqlite3_column_bytes(st, col)))
              : std::string_view();
}
std::optional<std::string_view> nullable_text_at(sqlite3_stmt* st, int col) {
  if (sqlite3_column_type(st, col) == SQLITE_NULL) return std::nullopt;
  return text_at(st, col);
}

// A statement through SQLite's own API, for the scans that read every row: SQLiteCpp's
// Column objects cost a reference count and a lookup per value.
class RawScan {
public:
  RawScan(SQLite::Database& db, const char* sql) {
    if (sqlite3_prepare_v2(db.getHandle(), sql, -1, &st_, nullptr) != SQLITE_OK) {
      throw SQLite::Exception(db.getHandle(), sqlite3_errcode(db.getHandle()));
    }
  }
  ~RawScan() { sqlite3_finalize(st_); }
  RawScan(const RawScan&) = delete;
  RawScan& operator=(const RawScan&) = delete;
  // The next row; false at the end.
  bool step() {
    const int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw SQLite::Exception(sqlite3_db_handle(st_), rc);
  }
  [[nodiscard]] sqlite3_stmt* get() const noexcept { return st_; }
  // Binds `text` to parameter `index` (from 1); SQLite copies it.
  void bind(int index, std::string_view text) {
    if (sqlite3_bind_text(st_, index, text.data(), static_cast<int>(text.size()),
                          SQLITE_TRANSIENT) != SQLITE_OK) {
      throw SQLite::Exception(sqlite3_db_handle(st_), sqlite3_errcode(sqlite3_db_handle(st_)));
    }
  }

private:
  sqlite3_stmt* st_ = nullptr;
};
} // namespace

namespace {

// The lots' current statuses, read once before a scan over many balances. Asked per line, the
// status subquery was an eighth of the expiry window's SQL at 1M movements (25k lines, each
// opening a cursor on lot_status_changes), while status changes are rare events (a
// quarantine, a recall) and their table is small. A ledger with very many of them keeps the
// subquery: reading them all would then cost more than the lines.
class LotStatuses {
public:
  static constexpr std::int64_t kMostToRead = 50'000;

  // Reads the statuses when the table's last id (it is append-only, so that is at least its
  // row count's order) is at most kMostToRead; otherwise preloaded() stays false.
  explicit LotStatuses(SQLite::Database& db) {
    SQLite::Statement last(db, "SELECT max(id) FROM lot_status_changes");
    if (!last.executeStep()) return;
    if (last.getColumn(0).isNull()) {
      preloaded_ = true; // none: every lot is available
      return;
    }
    if (last.getColumn(0).getInt64() > kMostToRead) return;
    RawScan all(db, "SELECT lot_id, status FROM lot_status_changes ORDER BY id");
    while (all.step()) {
      latest_[sqlite3_column_int64(all.get(), 0)] = parse_lot_status(text_at(all.get(), 1));
    }
    preloaded_ = true;
  }

  [[nodiscard]] bool preloaded() const noexcept { return preloaded_; }
  [[nodiscard]] LotStatus of(std::int64_t lot_id) const {
    const auto it = latest_.find(lot_id);
    return it == latest_.end() ? LotStatus::Available : it->second;
  }

private:
  bool preloaded_ = false;
  std::unordered_map<std::int64_t, LotStatus> latest_;
};

// Values keyed by a short code, in a deque (which never moves what it holds, so references
// stay good) found through an open-addressed array of (hash, index) probed in order. `stock`
// looks a material up for each of its 24k–174k lines, which come in depot order and so
// switch material on nearly every line: with std::unordered_map's node per material each
// lookup was a chain of cache misses, a ninth of the report's time at 100k movements.
template <class Value> class CodeMap {
public:
  [[nodiscard]] Value* find(std::string_view code) {
    if (slots_.empty()) return nullptr;
    const std::size_t hash = std::hash<std::string_view>{}(code);
    for (std::size_t i = hash & mask();; i = (i + 1) & mask()) {
      const Slot& s = slots_[i];
      if (s.index == 0) return nullptr;
      if (s.hash == static_cast<std::uint32_t>(hash) && key(values_[s.index - 1]) == code) {
        return &values_[s.index - 1];
      }
    }
  }
  // Adds `value` under its code, which must not be in the map yet.
  Value& add(Value value) {
    if ((values_.size() + 1) * 2 > slots_.size()) grow();
    values_.push_back(std::move(value));
    place(values_.size());
    return values_.back();
  }

private:
  struct Slot {
    std::uint32_t hash = 0;  // the code's hash, low half: most probes stop here
    std::uint32_t index = 0; // 1 + the value's place in values_; 0: empty
  };
  static std::string_view key(const Value& v) { return v.code.str(); }
  [[nodiscard]] std::size_t mask() const noexcept { return slots_.size() - 1; }
  void place(std::size_t index) {
    const std::size_t hash = std::hash<std::string_view>{}(key(values_[index - 1]));
    std::size_t i = hash & mask();
    while (slots_[i].index != 0) i = (i + 1) & mask();
    slots_[i] = Slot{static_cast<std::uint32_t>(hash), static_cast<std::uint32_t>(index)};
  }
  void grow() {
    slots_.assign(std::max<std::size_t>(64, slots_.size() * 2), Slot{});
    for (std::size_t i = 1; i <= values_.size(); ++i) place(i);
  }

  std::deque<Value> values_;
  std::vector<Slot> slots_; // a power of two, at most half full
};

// A depot's tier and a material's current name and unit, looked up once each, not joined
// into every line: 250 depots and 5,000 materials against 24k–174k lines, where the joins
// (the material_current view's latest revision above all) took half the query's time.
class StockNames {
public:
  struct DepotInfo {
    DepotCode code;
    Tier tier;
  };
  struct MaterialInfo {
    MaterialCode code;
    std::string name;
    std::string unit;
    std::int64_t revision = 0; // the revision name and unit are from (load_every_material)
  };

  explicit StockNames(StatementCache& cache) : cache_(cache) {}

  const DepotInfo& depot(std::string_view code) {
    if (last_depot_ && last_depot_->code.str() == code) return *last_depot_;
    key_.assign(code);
    if (auto it = depots_.find(key_); it != depots_.end()) return *(last_depot_ = &it->second);
    auto level = cache_.get("SELECT o.level FROM depots d JOIN organisations o ON o.code = d.org "
                            "WHERE d.code = ?");
    level->bind(1, key_);
    const bool enterprise =
        level->executeStep() && level->getColumn(0).getString() == "enterprise";
    const auto it =
        depots_
            .emplace(key_, DepotInfo{DepotCode(key_), enterprise ? Tier::Enterprise : Tier::Physical})
            .first;
    return *(last_depot_ = &it->second);
  }

  const MaterialInfo& material(std::string_view code) {
    if (last_material_ && last_material_->code.str() == code) return *last_material_;
    if (auto* known = materials_.find(code)) return *(last_material_ = known);
    key_.assign(code);
    auto m = cache_.get("SELECT name, unit FROM material_current WHERE code = ?");
    m->bind(1, key_);
    MaterialInfo info{MaterialCode(key_), {}, {}, 0};
    if (m->executeStep()) {
      info.name = m->getColumn(0).getString();
      info.unit = m->getColumn(1).getString();
    }
    return *(last_material_ = &materials_.add(std::move(info)));
  }

  // Every material's current name and unit (its highest revision) in one pass over the
  // revisions as stored: for a report over every depot, where one lookup per material (5,000)
  // took a fifth of `stock`'s time, and reading them in key order a tenth.
  void load_every_material(SQLite::Database& db) {
    RawScan q(db, "SELECT code, revision, name, unit FROM material_revisions");
    while (q.step()) {
      const std::string_view code = text_at(q.get(), 0);
      MaterialInfo* known = materials_.find(code);
      auto& info =
          known ? *known : materials_.add(MaterialInfo{MaterialCode(std::string(code)), {}, {}, 0});
      const std::int64_t revision = sqlite3_column_int64(q.get(), 1);
      if (revision <= info.revision) continue;
      info.revision = revision;
      info.name.assign(text_at(q.get(), 2));
      info.unit.assign(text_at(q.get(), 3));
    }
  }

private:
  StatementCache& cache_;
  std::string key_; // reused
  // Neither map moves its values: the pointers stay good.
  std::unordered_map<std::string, DepotInfo> depots_;
  CodeMap<MaterialInfo> materials_;
  const DepotInfo* last_depot_ = nullptr; // lines come in depot order
  const MaterialInfo* last_material_ = nullptr;
};

} // namespace

bool SqliteStore::is_now(const std::optional<Date>& as_of) const {
  // The balance at the end of a day with nothing dated after it (one seek on movements_date)
  // is the balance now: the reports ask for today, and summing every movement for them made
  // them grow with the history.
  if (!as_of) return true;
  auto later = cached("SELECT EXISTS (SELECT 1 FROM movements WHERE date > ?)");
  later->bind(1, as_of->to_string());
  return later->executeStep() && later->getColumn(0).getInt() == 0;
}

void SqliteStore::for_each_stock_line(const StockQuery& f, const std::vector<std::string>& orgs,
                                      const std::function<void(const StockLine&)>& fn) const {
  // The balance per depot and lot: the balances table for now, the movements up to the end
  // of a day for --as-of (the same numbers, as verify proves).
  const bool from_balances = is_now(f.as_of);
  // Only the filters given go into the SQL: "?N IS NULL OR col = ?N" keeps SQLite from using
  // the (depot, lot) key, and one depot's stock then scanned every balance in the ledger.
  std::vector<std::string> args;
  const auto param = [&](std::string value) {
    args.push_back(std::move(value));
    return fmt::format("?{}", args.size());
  };
  // The expiry report's window: the held balances by expiry (balances_held_expiry), the
  // index's own condition spelled out so that SQLite takes it. Only the lots in the window
  // that are held somewhere are read (25k at 1M movements), not every lot that expires by
  // its end (60k, most emptied long ago).
  const bool held_by_expiry = from_balances && f.expiring_by && !f.include_zero;
  // With a material the window is read through its few lots instead (lots_first, below).
  const bool labels_held = held_by_expiry && !f.material;
  std::string balances;
  if (held_by_expiry) {
    balances = fmt::format("SELECT depot, lot_id, quantity{} FROM balances WHERE quantity > 0 "
                           "AND expiry IS NOT NULL AND expiry <= {}",
                           labels_held ? ", material, lot, production, expiry" : "",
                           param(f.expiring_by->to_string()));
    if (f.depot) balances += " AND depot = " + param(f.depot->str());
  } else if (from_balances) {
    balances = "SELECT depot, lot_id, quantity FROM balances";
    if (f.depot) balances += " WHERE depot = " + param(f.depot->str());
  } else {
    balances = "SELECT depot, lot_id, SUM(quantity) AS quantity FROM movements WHERE date <= " +
               param(f.as_of->to_string());
    if (f.depot) balances += " AND depot = " + param(f.depot->str());
    balances += " GROUP BY depot, lot_id";
  }
  std::string where = f.include_zero ? "1" : "b.quantity <> 0";
  if (f.material) where += " AND l.material = " + param(f.material->str());
  // A lot without an expiry (NULL) never passes l.expiry <= ?.
  if (f.expiring_by && !held_by_expiry) {
    where += " AND l.expiry <= " + param(f.expiring_by->to_string());
  }
  if (f.org) {
    where += " AND d.org IN (";
    for (std::size_t i = 0; i < orgs.size(); ++i) where += (i ? ", " : "") + param(orgs[i]);
    where += ")";
  }
  // One material's lots first (its few lots, then their balances at the depot by key): the
  // depot's balances first read 4,222 lots at random to keep 1 at 1M movements. With a window
  // but zero balances wanted, the lots that expire within it first (lots_expiry), then their
  // balances (balances_lot).
  const bool lots_first =
      from_balances && (f.material || (f.expiring_by && !held_by_expiry && !f.depot));
  const char* from = lots_first ? "lots l CROSS JOIN bal b ON b.lot_id = l.id"
                                : "bal b CROSS JOIN lots l ON l.id = b.lot_id";
  // A scan over every depot and material reads the lots' statuses first (LotStatuses), and
  // column 5 is then the lot's id instead of its status.
  std::optional<LotStatuses> statuses;
  if (!f.depot && !f.material) statuses.emplace(*db_);
  const bool status_by_id = statuses && statuses->preloaded();
  std::string sql;
  if (labels_held) {
    // The window from balances_held_expiry alone: each balance carries its lot's label (schema
    // version 9), so no lot is read (25k random reads of the lots table at 1M movements), and
    // the index's own order is the expiry report's (expiry, depot, material, lot).
    sql = fmt::format("WITH bal AS ({}) "
                      "SELECT b.depot, b.material, b.lot, b.production, b.expiry, {}, b.quantity "
                      "FROM bal b {}WHERE {}{}",
                      balances, status_by_id ? "b.lot_id" : kHeldLotStatus,
                      f.org ? "JOIN depots d ON d.code = b.depot " : "", where,
                      !f.in_order   ? ""
                      : f.by_expiry ? " ORDER BY b.expiry, b.depot, b.material, b.lot"
                                    : " ORDER BY b.depot, b.material, b.expiry, b.lot");
  } else {
    sql = fmt::format(
        "WITH bal AS ({}) "
        "SELECT b.depot, l.material, l.lot, l.production, l.expiry, {}, b.quantity FROM {} {}"
        "WHERE {}{}",
        balances, status_by_id ? "b.lot_id" : kLotStatus, from,
        f.org ? "JOIN depots d ON d.code = b.depot " : "", where,
        !f.in_order   ? ""
        : f.by_expiry ? " ORDER BY l.expiry IS NULL, l.expiry, b.depot, l.material, l.lot"
                      : " ORDER BY b.depot, l.material, l.expiry IS NULL, l.expiry, l.lot");
  }
  // Through SQLite's own API, one line refilled row by row (its strings keep their buffers):
  // the expiry report reads 25k lines at 1M movements, and a Column object and a fresh
  // string per value were a quarter of the time spent on them.
  RawScan q(*db_, sql.c_str());
  for (std::size_t i = 0; i < args.size(); ++i) q.bind(static_cast<int>(i + 1), args[i]);

  StockNames names(statements());
  if (!f.depot && !f.material) names.load_every_material(*db_);
  const MaterialCode none("X");
  StockLine line{.depot = DepotCode("X"),
                 .material = none,
                 .lot = Lot{.material = none, .number = LotNumber("X")}};
  const auto date_at = [&](int col) -> std::optional<Date> {
    if (const auto text = nullable_text_at(q.get(), col)) return Date::parse(*text);
    return std::nullopt;
  };
  while (q.step()) {
    const auto& depot = names.depot(text_at(q.get(), 0));
    const auto& material = names.material(text_at(q.get(), 1));
    line.depot = depot.code;
    line.tier = depot.tier;
    line.material = material.code;
    line.name = material.name;
    line.unit = material.unit;
    line.lot.material = material.code;
    line.lot.number = LotNumber(std::string(text_at(q.get(), 2)));
    line.lot.production = date_at(3);
    line.lot.expiry = date_at(4);
    line.lot.status = status_by_id ? statuses->of(sqlite3_column_int64(q.get(), 5))
                                   : parse_lot_status(text_at(q.get(), 5));
    line.quantity = Quantity::from_thousandths(sqlite3_column_int64(q.get(), 6));
    fn(line);
  }
}

bool SqliteStore::for_each_stock_total(const StockQuery& f, const std::vector<std::string>& orgs,
                                       bool with_tier,
                                       const std::function<void(const StockTotal&)>& fn) const {
  // stock_totals holds the stock now and nothing per lot.
  if (f.include_zero || f.expiring_by || !is_now(f.as_of)) return false;
  std::vector<std::string> args;
  const auto param = [&](std::string value) {
    args.push_back(std::move(value));
    return fmt::format("?{}", args.size());
  };
  std::string sql = "SELECT t.depot, t.material, t.quantity FROM stock_totals t ";
  if (f.org) sql += "JOIN depots d ON d.code = t.depot ";
  sql += "WHERE t.quantity <> 0";
  if (f.depot) sql += " AND t.depot = " + param(f.depot->str());
  if (f.material) sql += " AND t.material = " + param(f.material->str());
  if (f.org) {
    sql += " AND d.org IN (";
    for (std::size_t i = 0; i < orgs.size(); ++i) sql += (i ? ", " : "") + param(orgs[i]);
    sql += ")";
  }
  sql += " ORDER BY t.depot, t.material";
  // Through SQLite's own API: SQLiteCpp's Column objects were a tenth of the report's time.
  RawScan q(*db_, sql.c_str());
  for (std::size_t i = 0; i < args.size(); ++i) q.bind(static_cast<int>(i + 1), args[i]);
  StockNames names(statements());
  if (!f.depot && !f.material) names.load_every_material(*db_);
  // One total, refilled row by row: its strings keep their buffers.
  StockTotal total{.material = MaterialCode("X")};
  while (q.step()) {
    const auto& depot = names.depot(text_at(q.get(), 0));
    const auto& material = names.material(text_at(q.get(), 1));
    total.depot = depot.code;
    total.tier = with_tier ? std::optional<Tier>(depot.tier) : std::nullopt;
    total.material = material.code;
    total.name = material.name;
    total.unit = material.unit;
    total.quantity = Quantity::from_thousandths(sqlite3_column_int64(q.get(), 2));
    fn(total);
  }
  return true;
}

// ---- verification -------------------------------------------------------------------------


void SqliteStore::for_each_stored_movement(
    std::int64_t first, std::int64_t last, bool own_connection,
    const std::function<bool(const StoredMovement&)>& fn) const {
  std::unique_ptr<SQLite::Database> own;
  if (own_connection) {
    own = std::make_unique<SQLite::Database>(
        path_.string(), SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX | SQLite::OPEN_NOFOLLOW,
        busy_timeout_ms_);
  }
  SQLite::Database& db = own ? *own : *db_;
  // The file mapped rather than read page by page into SQLite's cache: a scan of every
  // movement otherwise copies the whole file through read(2). Only for this scan.
  db.exec("PRAGMA mmap_size = 1099511627776");
  struct Unmap {
    SQLite::Database& db;
    ~Unmap() {
      try {
        db.exec("PRAGMA mmap_size = 0");
      } catch (...) { // NOLINT(bugprone-empty-catch): reads stay correct either way
      }
    }
  } unmap{db};
  // Straight from the table, with no join: verify reads every row, and joining each one's lot
  // (a b-tree seek a movement) was a fifth of its time. The raw statement skips SQLiteCpp's
  // per-column objects for the same reason.
  RawScan q(db, "SELECT id, operation, lot_id, quantity, date, recorded_at, kind, depot, actor, "
                "counterparty, document, reason, note, unusable_reason, prev_hash, hash, "
                "incident, approver, reverses FROM movements WHERE id BETWEEN ?1 AND ?2 "
                "ORDER BY id");
  sqlite3_stmt* st = q.get();
  sqlite3_bind_int64(st, 1, first);
  sqlite3_bind_int64(st, 2, last);
  StoredMovement m;
  while (q.step()) {
    m.id = sqlite3_column_int64(st, 0);
    m.operation = sqlite3_column_int64(st, 1);
    m.lot_id = sqlite3_column_int64(st, 2);
    m.quantity = sqlite3_column_int64(st, 3);
    m.date = text_at(st, 4);
    m.recorded_at = text_at(st, 5);
    m.kind = text_at(st, 6);
    m.depot = text_at(st, 7);
    m.actor = text_at(st, 8);
    m.counterparty = text_at(st, 9);
    m.document = text_at(st, 10);
    m.reason = text_at(st, 11);
    m.note = text_at(st, 12);
    m.unusable_reason = text_at(st, 13);
    m.prev_hash = text_at(st, 14);
    m.hash = text_at(st, 15);
    m.incident = nullable_text_at(st, 16);
    m.approver = nullable_text_at(st, 17);
    m.reverses = sqlite3_column_type(st, 18) == SQLITE_NULL
                     ? std::nullopt
                     : std::optional<std::int64_t>(sqlite3_column_int64(st, 18));
    if (!fn(m)) break;
  }
}

std::pair<std::int64_t, std::int64_t> SqliteStore::movement_id_range() const {
  // One subquery each: SQLite reads min() or max() of the rowid from the end of the b-tree only
  // when it is the query's sole aggregate; both in one SELECT scanned every movement.
  SQLite::Statement q(*db_, "SELECT COALESCE((SELECT min(id) FROM movements), 0), "
                            "COALESCE((SELECT max(id) FROM movements), 0)");
  q.executeStep();
  return {q.getColumn(0).getInt64(), q.getColumn(1).getInt64()};
}

std::vector<std::string> SqliteStore::depot_codes() const {
  SQLite::Statement q(*db_, "SELECT code FROM depots ORDER BY code");
  std::vector<std::string> out;
  while (q.executeStep()) out.push_back(q.getColumn(0).getString());
  return out;
}

std::vector<SqliteStore::LotLabel> SqliteStore::lot_labels() const {
  std::vector<LotLabel> out;
  out.reserve(static_cast<std::size_t>(db_->execAndGet("SELECT count(*) FROM lots").getInt64()));
  SQLite::Statement q(*db_, "SELECT id, material, lot, production, expiry FROM lots ORDER BY id");
  while (q.executeStep()) {
    out.push_back(LotLabel{.id = q.getColumn(0).getInt64(),
                           .material = q.getColumn(1).getString(),
                           .lot = q.getColumn(2).getString(),
                           .production = q.getColumn(3).isNull()
                                             ? std::nullopt
                                             : std::optional(q.getColumn(3).getString()),
                           .expiry = q.getColumn(4).isNull()
                                         ? std::nullopt
                                         : std::optional(q.getColumn(4).getString())});
  }
  return out;
}

void SqliteStore::for_each_stored_balance(
    const std::function<void(const StoredBalance&)>& fn) const {
  RawScan q(*db_, "SELECT depot, lot_id, quantity, material, lot, production, expiry "
                  "FROM balances");
  sqlite3_stmt* st = q.get();
  StoredBalance b;
  while (q.step()) {
    b.depot = text_at(st, 0);
    b.lot_id = sqlite3_column_int64(st, 1);
    b.quantity = sqlite3_column_int64(st, 2);
    b.material = nullable_text_at(st, 3);
    b.lot = nullable_text_at(st, 4);
    b.production = nullable_text_at(st, 5);
    b.expiry = nullable_text_at(st, 6);
    fn(b);
  }
}

void SqliteStore::for_each_stored_total(
    const std::function<void(std::string_view, std::string_view, std::int64_t)>& fn) const {
  RawScan q(*db_, "SELECT depot, material, quantity FROM stock_totals");
  sqlite3_stmt* st = q.get();
  while (q.step()) fn(text_at(st, 0), text_at(st, 1), sqlite3_column_int64(st, 2));
}

// ---- exports: one statement stepped row by row ------------------------------------------------



void SqliteStore::stream_movements(const MovementQuery& q,
                                   const std::optional<std::vector<std::string>>& orgs,
                                   const std::function<void(const MovementRecord&)>& fn) const {
  // kMovementSelect's columns 0..22, then the operation's key (or the "movement:" key of its
  // first movement) and the material's unit, name and decimals.
  std::string sql = kMovementSelect;
  const std::string from_clause = " FROM movements m";
  const auto at = sql.find(from_clause);
  sql.insert(at,
             ", COALESCE(o.idempotency_key, 'movement:' || (SELECT f.hash FROM movements f "
             "WHERE f.operation = m.operation ORDER BY f.id LIMIT 1)), mc.unit, mc.name, "
             "mc.decimals");
  sql += " LEFT JOIN operations o ON o.id = m.operation"
         " LEFT JOIN material_current mc ON mc.code = l.material";
  std::vector<std::string> args;
  sql += movement_filter(q, orgs, args);
  sql += " ORDER BY m.id";
  SQLite::Statement st(*db_, sql);
  for (std::size_t i = 0; i < args.size(); ++i) st.bind(static_cast<int>(i + 1), args[i]);
  while (st.executeStep()) {
    fn(MovementRecord{.movement = read_movement(st),
                      .lot = read_movement_lot(st),
                      .prev_hash = st.getColumn(19).getString(),
                      .idempotency_key = st.getColumn(23).getString(),
                      .unit = st.getColumn(24).getString(),
                      .name = st.getColumn(25).getString(),
                      .decimals = st.getColumn(26).getInt()});
  }
}

std::int64_t SqliteStore::count_movements(const MovementQuery& q,
                                          const std::optional<std::vector<std::string>>& orgs) const {
  std::vector<std::string> args;
  const std::string sql = "SELECT COUNT(*) FROM movements m JOIN lots l ON l.id = m.lot_id" +
                          movement_filter(q, orgs, args);
  SQLite::Statement st(*db_, sql);
  for (std::size_t i = 0; i < args.size(); ++i) st.bind(static_cast<int>(i + 1), args[i]);
  return st.executeStep() ? st.getColumn(0).getInt64() : 0;
}

std::vector<SqliteStore::BalanceRow> SqliteStore::all_balances() const {
  SQLite::Statement q(*db_, "SELECT b.depot, l.material, l.lot, b.quantity FROM balances b "
                            "JOIN lots l ON l.id = b.lot_id ORDER BY b.depot, l.material, l.lot");
  std::vector<BalanceRow> out;
  while (q.executeStep()) {
    out.push_back(BalanceRow{q.getColumn(0).getString(), q.getColumn(1).getString(),
                             q.getColumn(2).getString(),
                             Quantity::from_thousandths(q.getColumn(3).getInt64())});
  }
  return out;
}

} // namespace stockpile::store
