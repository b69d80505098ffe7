// Incidents, quotas, commitments and their calls and deliveries in SQLite (storage seam).
#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "canonical.hpp"
#include "stockpile/clock.hpp"
#include "store/sqlite_store.hpp"
#include "store/statement_cache.hpp"

namespace stockpile::store {

namespace {

std::optional<Date> nullable_date(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return Date::parse(c.getString());
}

constexpr const char* kCommitmentSelect =
    "SELECT c.code, c.tier, c.party, c.contact, c.material, c.valid_from, c.valid_to, "
    "c.quantity, c.rate, c.lead_time, c.reliability, "
    "COALESCE((SELECT SUM(e.quantity) FROM commitment_entries e WHERE e.commitment = c.code "
    "AND e.kind = 'call'), 0) FROM commitments c";

Commitment read_commitment(SQLite::Statement& q) {
  Commitment c{.code = CommitmentCode(q.getColumn(0).getString()),
               .tier = parse_commitment_tier(q.getColumn(1).getString()),
               .party = q.getColumn(2).getString(),
               .contact = q.getColumn(3).getString(),
               .material = MaterialCode(q.getColumn(4).getString()),
               .valid_from = Date::parse(q.getColumn(5).getString()),
               .valid_to = Date::parse(q.getColumn(6).getString()),
               .quantity = Quantity::from_thousandths(q.getColumn(7).getInt64()),
               .rate = Quantity::from_thousandths(q.getColumn(8).getInt64()),
               .lead_time = Duration::parse(q.getColumn(9).getString()),
               .reliability = std::nullopt,
               .called = Quantity::from_thousandths(q.getColumn(11).getInt64())};
  if (!q.getColumn(10).isNull()) {
    c.reliability = Quantity::from_thousandths(q.getColumn(10).getInt64());
  }
  return c;
}

constexpr const char* kEntrySelect =
    "SELECT id, kind, commitment, incident, call, quantity, due_at, depot, movement, actor, "
    "recorded_at, hash, prev_hash FROM commitment_entries";

CommitmentEntry read_entry(SQLite::Statement& q) {
  CommitmentEntry e{.id = q.getColumn(0).getInt64(),
                    .kind = q.getColumn(1).getString(),
                    .commitment = CommitmentCode(q.getColumn(2).getString()),
                    .incident = std::nullopt,
                    .call = std::nullopt,
                    .quantity = Quantity::from_thousandths(q.getColumn(5).getInt64()),
                    .due = std::nullopt,
                    .depot = std::nullopt,
                    .movement = std::nullopt,
                    .actor = CustodianId(q.getColumn(9).getString()),
                    .recorded_at = q.getColumn(10).getString(),
                    .hash = q.getColumn(11).getString()};
  if (!q.getColumn(3).isNull()) e.incident = IncidentCode(q.getColumn(3).getString());
  if (!q.getColumn(4).isNull()) e.call = q.getColumn(4).getInt64();
  if (!q.getColumn(6).isNull()) e.due = parse_utc_timestamp(q.getColumn(6).getString(), "due_at");
  if (!q.getColumn(7).isNull()) e.depot = DepotCode(q.getColumn(7).getString());
  if (!q.getColumn(8).isNull()) e.movement = q.getColumn(8).getInt64();
  return e;
}

} // namespace

std::optional<Incident> SqliteStore::incident(const std::string& code) const {
  SQLite::Statement q(*db_, "SELECT code, name, level, opened_at, location FROM incidents "
                            "WHERE code = ?");
  q.bind(1, code);
  if (!q.executeStep()) return std::nullopt;
  return Incident{.code = IncidentCode(q.getColumn(0).getString()),
                  .name = q.getColumn(1).getString(),
                  .level = parse_incident_level(q.getColumn(2).getString()),
                  .opened = parse_utc_timestamp(q.getColumn(3).getString(), "opened_at"),
                  .location = q.getColumn(4).getString()};
}

std::vector<Incident> SqliteStore::incidents() const {
  SQLite::Statement q(*db_, "SELECT code FROM incidents ORDER BY opened_at, code");
  std::vector<Incident> out;
  while (q.executeStep()) out.push_back(*incident(q.getColumn(0).getString()));
  return out;
}

void SqliteStore::insert_incident(const Incident& i, const std::string& now) {
  SQLite::Statement q(*db_, "INSERT INTO incidents (code, name, level, opened_at, location, "
                            "created_at) VALUES (?, ?, ?, ?, ?, ?)");
  q.bind(1, i.code.str());
  q.bind(2, i.name);
  q.bind(3, std::string(to_string(i.level)));
  q.bind(4, format_utc_timestamp(i.opened));
  q.bind(5, i.location);
  q.bind(6, now);
  q.exec();
}

void SqliteStore::upsert_quota(const Quota& quota, const std::string& now) {
  SQLite::Statement q(*db_, "INSERT INTO quotas (depot, material, min, max, set_at) "
                            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (depot, material) DO UPDATE SET "
                            "min = excluded.min, max = excluded.max, set_at = excluded.set_at");
  q.bind(1, quota.depot.str());
  q.bind(2, quota.material.str());
  q.bind(3, quota.min.thousandths());
  if (quota.max) q.bind(4, quota.max->thousandths());
  else q.bind(4);
  q.bind(5, now);
  q.exec();
}

std::vector<Quota> SqliteStore::quotas(const std::optional<std::string>& depot) const {
  SQLite::Statement q(*db_, "SELECT depot, material, min, max FROM quotas "
                            "WHERE ?1 IS NULL OR depot = ?1 ORDER BY depot, material");
  if (depot) q.bind(1, *depot);
  else q.bind(1);
  std::vector<Quota> out;
  while (q.executeStep()) {
    Quota quota{.depot = DepotCode(q.getColumn(0).getString()),
                .material = MaterialCode(q.getColumn(1).getString()),
                .min = Quantity::from_thousandths(q.getColumn(2).getInt64()),
                .max = std::nullopt};
    if (!q.getColumn(3).isNull()) quota.max = Quantity::from_thousandths(q.getColumn(3).getInt64());
    out.push_back(std::move(quota));
  }
  return out;
}

void SqliteStore::set_dispatch_minutes(const std::string& depot, std::int64_t minutes) {
  SQLite::Statement q(*db_, "UPDATE depots SET dispatch_minutes = ? WHERE code = ?");
  q.bind(1, minutes);
  q.bind(2, depot);
  q.exec();
}

std::vector<DepotPlace> SqliteStore::depot_places() const {
  // The district a depot is in: its owner if a district, the owner's parent if an enterprise.
  SQLite::Statement q(*db_,
                      "SELECT d.code, o.level, d.dispatch_minutes, "
                      "CASE o.level WHEN 'district' THEN o.code WHEN 'enterprise' THEN o.parent END, "
                      "CASE o.level WHEN 'city' THEN o.code WHEN 'district' THEN o.parent "
                      "ELSE (SELECT p.parent FROM organisations p WHERE p.code = o.parent) END "
                      "FROM depots d JOIN organisations o ON o.code = d.org ORDER BY d.code");
  std::vector<DepotPlace> out;
  while (q.executeStep()) {
    DepotPlace p{.depot = DepotCode(q.getColumn(0).getString()),
                 .tier = q.getColumn(1).getString() == "enterprise" ? Tier::Enterprise
                                                                    : Tier::Physical,
                 .district = std::nullopt,
                 .city = std::nullopt,
                 .dispatch = std::chrono::minutes{q.getColumn(2).getInt64()}};
    if (!q.getColumn(3).isNull()) p.district = OrgCode(q.getColumn(3).getString());
    if (!q.getColumn(4).isNull()) p.city = OrgCode(q.getColumn(4).getString());
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<StockSource> SqliteStore::stock_sources(const std::string& material) const {
  // Cached: the allocation plan asks once per demand line, and preparing this statement
  // afresh was 18M instructions of a 100-line plan's 268M at 1M movements.
  auto cached_q = cached("SELECT b.depot, l.lot, l.production, l.expiry, COALESCE((SELECT "
                         "s.status FROM lot_status_changes s WHERE s.lot_id = l.id ORDER BY "
                         "s.id DESC LIMIT 1), 'available'), b.quantity FROM balances b JOIN "
                         "lots l ON l.id = b.lot_id WHERE l.material = ? AND b.quantity > 0 "
                         "ORDER BY b.depot, l.lot");
  SQLite::Statement& q = *cached_q;
  q.bind(1, material);
  std::vector<StockSource> out;
  while (q.executeStep()) {
    out.push_back(StockSource{
        .depot = DepotCode(q.getColumn(0).getString()),
        .lot = Lot{.material = MaterialCode(material),
                   .number = LotNumber(q.getColumn(1).getString()),
                   .production = nullable_date(q.getColumn(2)),
                   .expiry = nullable_date(q.getColumn(3)),
                   .status = parse_lot_status(q.getColumn(4).getString())},
        .on_hand = Quantity::from_thousandths(q.getColumn(5).getInt64())});
  }
  return out;
}

void SqliteStore::insert_commitment(const Commitment& c, const std::string& now) {
  SQLite::Statement q(*db_, "INSERT INTO commitments (code, tier, party, contact, material, "
                            "valid_from, valid_to, quantity, rate, lead_time, reliability, "
                            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, c.code.str());
  q.bind(2, std::string(to_string(c.tier)));
  q.bind(3, c.party);
  q.bind(4, c.contact);
  q.bind(5, c.material.str());
  q.bind(6, c.valid_from.to_string());
  q.bind(7, c.valid_to.to_string());
  q.bind(8, c.quantity.thousandths());
  q.bind(9, c.rate.thousandths());
  q.bind(10, c.lead_time.to_string());
  if (c.reliability) q.bind(11, c.reliability->thousandths());
  else q.bind(11);
  q.bind(12, now);
  q.exec();
}

std::optional<Commitment> SqliteStore::commitment(const std::string& code) const {
  SQLite::Statement q(*db_, std::string(kCommitmentSelect) + " WHERE c.code = ?");
  q.bind(1, code);
  if (!q.executeStep()) return std::nullopt;
  return read_commitment(q);
}

std::vector<Commitment>
SqliteStore::commitments(const std::optional<std::string>& material) const {
  // Cached, as stock_sources: asked once per demand line.
  auto cached_q =
      cached(std::string(kCommitmentSelect) + " WHERE ?1 IS NULL OR c.material = ?1 ORDER BY c.code");
  SQLite::Statement& q = *cached_q;
  if (material) q.bind(1, *material);
  else q.bind(1);
  std::vector<Commitment> out;
  while (q.executeStep()) out.push_back(read_commitment(q));
  return out;
}

std::string SqliteStore::entries_head_hash() const {
  SQLite::Statement q(*db_, "SELECT hash FROM commitment_entries ORDER BY id DESC LIMIT 1");
  if (!q.executeStep()) return std::string(detail::kGenesisHash);
  return q.getColumn(0).getString();
}

std::int64_t SqliteStore::entry_sequence() const {
  SQLite::Statement q(*db_, "SELECT seq FROM sqlite_sequence WHERE name = 'commitment_entries'");
  if (!q.executeStep()) return 0;
  return q.getColumn(0).getInt64();
}

std::int64_t SqliteStore::next_entry_id() const { return entry_sequence() + 1; }

void SqliteStore::insert_entry(const CommitmentEntry& e, const std::string& prev_hash) {
  SQLite::Statement q(*db_, "INSERT INTO commitment_entries (id, kind, commitment, incident, "
                            "call, quantity, due_at, depot, movement, actor, recorded_at, "
                            "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, e.id);
  q.bind(2, e.kind);
  q.bind(3, e.commitment.str());
  if (e.incident) q.bind(4, e.incident->str());
  else q.bind(4);
  if (e.call) q.bind(5, *e.call);
  else q.bind(5);
  q.bind(6, e.quantity.thousandths());
  if (e.due) q.bind(7, format_utc_timestamp(*e.due));
  else q.bind(7);
  if (e.depot) q.bind(8, e.depot->str());
  else q.bind(8);
  if (e.movement) q.bind(9, *e.movement);
  else q.bind(9);
  q.bind(10, e.actor.str());
  q.bind(11, e.recorded_at);
  q.bind(12, prev_hash);
  q.bind(13, e.hash);
  q.exec();
}

std::optional<CommitmentEntry> SqliteStore::entry(std::int64_t id) const {
  SQLite::Statement q(*db_, std::string(kEntrySelect) + " WHERE id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return read_entry(q);
}

Quantity SqliteStore::delivered(std::int64_t call) const {
  SQLite::Statement q(*db_, "SELECT COALESCE(SUM(quantity), 0) FROM commitment_entries "
                            "WHERE kind = 'deliver' AND call = ?");
  q.bind(1, call);
  q.executeStep();
  return Quantity::from_thousandths(q.getColumn(0).getInt64());
}

std::vector<CommitmentEntry> SqliteStore::entries(const EntryFilter& f) const {
  SQLite::Statement q(*db_, std::string(kEntrySelect) +
                                " WHERE (?1 IS NULL OR commitment = ?1) AND (?2 IS NULL OR "
                                "incident = ?2) ORDER BY id");
  if (f.commitment) q.bind(1, *f.commitment);
  else q.bind(1);
  if (f.incident) q.bind(2, *f.incident);
  else q.bind(2);
  std::vector<CommitmentEntry> out;
  while (q.executeStep()) out.push_back(read_entry(q));
  return out;
}

void SqliteStore::for_each_entry(
    const std::function<void(const CommitmentEntry&, const std::string&)>& fn) const {
  SQLite::Statement q(*db_, std::string(kEntrySelect) + " ORDER BY id");
  while (q.executeStep()) fn(read_entry(q), q.getColumn(12).getString());
}

void SqliteStore::insert_demand(std::int64_t operation, const std::string& incident,
                                const DemandLine& d) {
  SQLite::Statement q(*db_, "INSERT INTO allocation_demands (operation, incident, material, "
                            "quantity, need_by, depot) VALUES (?, ?, ?, ?, ?, ?)");
  q.bind(1, operation);
  q.bind(2, incident);
  q.bind(3, d.material.str());
  q.bind(4, d.quantity.thousandths());
  q.bind(5, format_utc_timestamp(d.need_by));
  if (d.to) q.bind(6, d.to->str());
  else q.bind(6);
  q.exec();
}

std::vector<DemandLine> SqliteStore::demands(const std::string& incident) const {
  SQLite::Statement q(*db_, "SELECT material, quantity, need_by, depot FROM allocation_demands "
                            "WHERE incident = ? ORDER BY id");
  q.bind(1, incident);
  std::vector<DemandLine> out;
  while (q.executeStep()) {
    DemandLine d{.material = MaterialCode(q.getColumn(0).getString()),
                 .quantity = Quantity::from_thousandths(q.getColumn(1).getInt64()),
                 .need_by = parse_utc_timestamp(q.getColumn(2).getString(), "need_by"),
                 .to = std::nullopt};
    if (!q.getColumn(3).isNull()) d.to = DepotCode(q.getColumn(3).getString());
    out.push_back(std::move(d));
  }
  return out;
}

} // namespace stockpile::store
