// Stocktakes in SQLite (part of the storage seam).
#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "store/sqlite_store.hpp"
#include "store/statement_cache.hpp"

namespace stockpile::store {

namespace {

std::optional<Date> nullable_date(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return Date::parse(c.getString());
}

std::vector<MaterialCode> split_codes(const std::string& text) {
  std::vector<MaterialCode> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Columns read by read_stocktake.
constexpr const char* kStocktakeSelect =
    "SELECT s.id, s.depot, s.blind, s.materials, s.date, s.started_by, s.started_at, "
    "s.start_position, e.state, e.approver, e.operation, e.recorded_at, "
    "(SELECT count(*) FROM stocktake_lines x WHERE x.stocktake = s.id), "
    "(SELECT count(DISTINCT c.lot_id) FROM stocktake_counts c WHERE c.stocktake = s.id) "
    "FROM stocktakes s LEFT JOIN stocktake_ends e ON e.stocktake = s.id";

Stocktake read_stocktake(SQLite::Statement& q) {
  Stocktake s{.id = q.getColumn(0).getInt64(),
              .depot = DepotCode(q.getColumn(1).getString()),
              .blind = q.getColumn(2).getInt() != 0,
              .materials = split_codes(q.getColumn(3).getString()),
              .date = Date::parse(q.getColumn(4).getString()),
              .started_by = CustodianId(q.getColumn(5).getString()),
              .started_at = q.getColumn(6).getString(),
              .start_position = q.getColumn(7).getInt64()};
  if (!q.getColumn(8).isNull()) {
    s.state = q.getColumn(8).getString() == "closed" ? StocktakeState::Closed
                                                     : StocktakeState::Cancelled;
  }
  if (!q.getColumn(9).isNull()) s.approver = CustodianId(q.getColumn(9).getString());
  if (!q.getColumn(10).isNull()) s.operation = q.getColumn(10).getInt64();
  if (!q.getColumn(11).isNull()) s.ended_at = q.getColumn(11).getString();
  s.lines = q.getColumn(12).getInt64();
  s.counted = q.getColumn(13).getInt64();
  return s;
}

// The order of a count sheet's lines (lots of `l`): depot_snapshot() lists the held lots in
// it and insert_snapshot_lines() numbers the lines by it, so the two must never differ.
constexpr std::string_view kSheetOrder = "l.material, l.expiry IS NULL, l.expiry, l.lot";

// A stocktake's materials as stored: "A,B" (codes hold no commas: validate_code).
std::string joined_materials(const Stocktake& s) {
  std::string materials;
  for (const auto& m : s.materials) materials += (materials.empty() ? "" : ",") + m.str();
  return materials;
}

} // namespace

std::vector<SqliteStore::SnapshotRow> SqliteStore::depot_snapshot(const std::string& depot) const {
  SQLite::Statement q(*db_, "SELECT b.lot_id, l.material, b.quantity FROM balances b "
                            "JOIN lots l ON l.id = b.lot_id WHERE b.depot = ? AND b.quantity > 0 "
                            "ORDER BY " + std::string(kSheetOrder));
  q.bind(1, depot);
  std::vector<SnapshotRow> out;
  while (q.executeStep()) {
    out.push_back(SnapshotRow{q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                              Quantity::from_thousandths(q.getColumn(2).getInt64())});
  }
  return out;
}

std::int64_t SqliteStore::insert_snapshot_lines(const Stocktake& s) {
  // The materials as ",A,B," so that each is found whole; empty: all of them.
  const std::string materials = s.materials.empty() ? "" : "," + joined_materials(s) + ",";
  SQLite::Statement q(
      *db_, "INSERT INTO stocktake_lines (stocktake, line, lot_id, book_at_start, found) "
            "SELECT ?1, row_number() OVER (ORDER BY " + std::string(kSheetOrder) +
                "), b.lot_id, b.quantity, 0 FROM balances b JOIN lots l ON l.id = b.lot_id "
                "WHERE b.depot = ?2 AND b.quantity > 0 "
                "AND (?3 = '' OR instr(?3, ',' || l.material || ',') > 0)");
  q.bind(1, s.id);
  q.bind(2, s.depot.str());
  q.bind(3, materials);
  return q.exec();
}

std::int64_t SqliteStore::insert_stocktake(const Stocktake& s) {
  const std::string materials = joined_materials(s);
  SQLite::Statement q(*db_, "INSERT INTO stocktakes (depot, blind, materials, date, started_by, "
                            "started_at, start_position) VALUES (?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, s.depot.str());
  q.bind(2, s.blind ? 1 : 0);
  q.bind(3, materials);
  q.bind(4, s.date.to_string());
  q.bind(5, s.started_by.str());
  q.bind(6, s.started_at);
  q.bind(7, s.start_position);
  q.exec();
  return db_->getLastInsertRowid();
}

void SqliteStore::insert_stocktake_line(std::int64_t stocktake, std::int64_t line,
                                        std::int64_t lot_id, Quantity book_at_start, bool found) {
  // Cached: a start inserts a line per held lot, and a count sheet one per lot it finds.
  auto q = cached("INSERT INTO stocktake_lines (stocktake, line, lot_id, book_at_start, found) "
                  "VALUES (?, ?, ?, ?, ?)");
  q->bind(1, stocktake);
  q->bind(2, line);
  q->bind(3, lot_id);
  q->bind(4, book_at_start.thousandths());
  q->bind(5, found ? 1 : 0);
  q->exec();
}

std::optional<Stocktake> SqliteStore::stocktake(std::int64_t id) const {
  // Cached: every count, count sheet import and close reads its stocktake first, and the
  // statement's subqueries cost more to prepare than to run.
  auto q = cached(std::string(kStocktakeSelect) + " WHERE s.id = ?");
  q->bind(1, id);
  if (!q->executeStep()) return std::nullopt;
  return read_stocktake(*q);
}

std::vector<Stocktake> SqliteStore::stocktakes(const std::optional<std::string>& depot) const {
  SQLite::Statement q(*db_, std::string(kStocktakeSelect) +
                                " WHERE ?1 IS NULL OR s.depot = ?1 ORDER BY s.id");
  if (depot) q.bind(1, *depot);
  else q.bind(1);
  std::vector<Stocktake> out;
  while (q.executeStep()) out.push_back(read_stocktake(q));
  return out;
}

std::optional<std::int64_t> SqliteStore::open_stocktake(const std::string& depot) const {
  SQLite::Statement q(*db_, "SELECT s.id FROM stocktakes s WHERE s.depot = ? AND NOT EXISTS "
                            "(SELECT 1 FROM stocktake_ends e WHERE e.stocktake = s.id)");
  q.bind(1, depot);
  if (!q.executeStep()) return std::nullopt;
  return q.getColumn(0).getInt64();
}

namespace {

// " AND <column> BETWEEN ? AND ?" when a range is given, to bind after the query's own values.
std::string lot_filter(std::string_view column, const std::optional<SqliteStore::LotRange>& lots) {
  return lots ? fmt::format(" AND {} BETWEEN ? AND ?", column) : std::string();
}

void bind_lots(SQLite::Statement& q, int first_index,
               const std::optional<SqliteStore::LotRange>& lots) {
  if (!lots) return;
  q.bind(first_index, lots->first);
  q.bind(first_index + 1, lots->last);
}

} // namespace

std::vector<StocktakeLine> SqliteStore::stocktake_lines(std::int64_t id,
                                                        std::optional<LotRange> lots) const {
  SQLite::Statement q(
      *db_, "SELECT t.line, l.material, mc.name, mc.specification, mc.unit, l.lot, l.production, "
            "l.expiry, COALESCE((SELECT s.status FROM lot_status_changes s WHERE s.lot_id = l.id "
            "ORDER BY s.id DESC LIMIT 1), 'available'), t.book_at_start, t.found "
            "FROM stocktake_lines t JOIN lots l ON l.id = t.lot_id "
            "JOIN material_current mc ON mc.code = l.material WHERE t.stocktake = ?" +
                lot_filter("t.lot_id", lots) + " ORDER BY t.line");
  q.bind(1, id);
  bind_lots(q, 2, lots);
  std::vector<StocktakeLine> out;
  while (q.executeStep()) {
    StocktakeLine line{.line = q.getColumn(0).getInt64(),
                       .material = MaterialCode(q.getColumn(1).getString()),
                       .name = q.getColumn(2).getString(),
                       .specification = q.getColumn(3).getString(),
                       .unit = q.getColumn(4).getString(),
                       .lot = Lot{.material = MaterialCode(q.getColumn(1).getString()),
                                  .number = LotNumber(q.getColumn(5).getString()),
                                  .production = nullable_date(q.getColumn(6)),
                                  .expiry = nullable_date(q.getColumn(7)),
                                  .status = parse_lot_status(q.getColumn(8).getString())},
                       .book_at_start = Quantity::from_thousandths(q.getColumn(9).getInt64()),
                       .found = q.getColumn(10).getInt() != 0};
    out.push_back(std::move(line));
  }
  return out;
}

void SqliteStore::insert_count(std::int64_t stocktake, std::int64_t lot_id, Quantity quantity,
                               const std::string& counter, std::int64_t position,
                               const std::string& now, const std::string& note) {
  // Cached: a count sheet inserts one per row (preparing it was 30 % of importing 100,000).
  auto q = cached("INSERT INTO stocktake_counts (stocktake, lot_id, quantity, counter, position, "
                  "recorded_at, note) VALUES (?, ?, ?, ?, ?, ?, ?)");
  q->bind(1, stocktake);
  q->bind(2, lot_id);
  q->bind(3, quantity.thousandths());
  q->bind(4, counter);
  q->bind(5, position);
  q->bind(6, now);
  q->bind(7, note);
  q->exec();
}

SqliteStore::LineLots SqliteStore::stocktake_line_lots(std::int64_t id) const {
  LineLots out;
  // In lot order straight from the UNIQUE (stocktake, lot_id) index.
  SQLite::Statement lots(*db_, "SELECT lot_id FROM stocktake_lines WHERE stocktake = ? "
                               "ORDER BY lot_id");
  lots.bind(1, id);
  while (lots.executeStep()) out.lot_ids.push_back(lots.getColumn(0).getInt64());
  SQLite::Statement last(*db_, "SELECT COALESCE(max(line), 0) FROM stocktake_lines "
                               "WHERE stocktake = ?");
  last.bind(1, id);
  if (last.executeStep()) out.last_line = last.getColumn(0).getInt64();
  return out;
}

std::vector<StocktakeCount> SqliteStore::stocktake_counts(std::int64_t id,
                                                          std::optional<LotRange> lots) const {
  SQLite::Statement q(*db_, "SELECT l.material, l.lot, c.quantity, c.counter, c.position, "
                            "c.recorded_at, c.note FROM stocktake_counts c "
                            "JOIN lots l ON l.id = c.lot_id WHERE c.stocktake = ?" +
                                lot_filter("c.lot_id", lots) + " ORDER BY c.id");
  q.bind(1, id);
  bind_lots(q, 2, lots);
  std::vector<StocktakeCount> out;
  while (q.executeStep()) {
    out.push_back(StocktakeCount{.material = MaterialCode(q.getColumn(0).getString()),
                                 .lot = LotNumber(q.getColumn(1).getString()),
                                 .quantity = Quantity::from_thousandths(q.getColumn(2).getInt64()),
                                 .counter = CustodianId(q.getColumn(3).getString()),
                                 .position = q.getColumn(4).getInt64(),
                                 .recorded_at = q.getColumn(5).getString(),
                                 .note = q.getColumn(6).getString()});
  }
  return out;
}

std::vector<std::string> SqliteStore::stocktake_counters(std::int64_t id) const {
  SQLite::Statement q(*db_, "SELECT DISTINCT counter FROM stocktake_counts WHERE stocktake = ?");
  q.bind(1, id);
  std::vector<std::string> out;
  while (q.executeStep()) out.push_back(q.getColumn(0).getString());
  return out;
}

std::vector<MovementSince> SqliteStore::movements_since(const std::string& depot,
                                                        std::int64_t position,
                                                        std::optional<LotRange> lots) const {
  SQLite::Statement q(*db_, "SELECT m.id, l.material, l.lot, m.quantity FROM movements m "
                            "JOIN lots l ON l.id = m.lot_id WHERE m.depot = ? AND m.id > ?" +
                                lot_filter("m.lot_id", lots) + " ORDER BY m.id");
  q.bind(1, depot);
  q.bind(2, position);
  bind_lots(q, 3, lots);
  std::vector<MovementSince> out;
  while (q.executeStep()) {
    out.push_back(MovementSince{q.getColumn(0).getInt64(), MaterialCode(q.getColumn(1).getString()),
                                LotNumber(q.getColumn(2).getString()),
                                Quantity::from_thousandths(q.getColumn(3).getInt64())});
  }
  return out;
}

void SqliteStore::insert_stocktake_end(std::int64_t stocktake, StocktakeState state,
                                       const std::string& actor,
                                       const std::optional<std::string>& approver,
                                       std::optional<std::int64_t> operation,
                                       const std::string& reason, const std::string& now) {
  SQLite::Statement q(*db_, "INSERT INTO stocktake_ends (stocktake, state, actor, approver, "
                            "operation, reason, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, stocktake);
  q.bind(2, std::string(to_string(state)));
  q.bind(3, actor);
  if (approver) q.bind(4, *approver);
  else q.bind(4);
  if (operation) q.bind(5, *operation);
  else q.bind(5);
  q.bind(6, reason);
  q.bind(7, now);
  q.exec();
}

} // namespace stockpile::store
