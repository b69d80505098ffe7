#include "store/schema.hpp"

#include <array>
#include <utility>

namespace stockpile::store {

namespace {

// Version 1: reference data. Materials keep every revision so that editing a name never
// rewrites what the history showed; revisions themselves can be neither changed nor removed.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE organisations (
  code       TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  level      TEXT NOT NULL CHECK (level IN ('city', 'district', 'enterprise')),
  parent     TEXT REFERENCES organisations (code),
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX organisations_parent ON organisations (parent);

CREATE TABLE depots (
  code       TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  org        TEXT NOT NULL REFERENCES organisations (code),
  address    TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX depots_org ON depots (org);

CREATE TABLE custodians (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  phone      TEXT NOT NULL DEFAULT '',
  roles      TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE custodian_depots (
  custodian   TEXT NOT NULL REFERENCES custodians (id),
  depot       TEXT NOT NULL REFERENCES depots (code),
  assigned_at TEXT NOT NULL,
  PRIMARY KEY (custodian, depot)
) STRICT;

CREATE TABLE materials (
  code       TEXT PRIMARY KEY,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE material_revisions (
  code          TEXT NOT NULL REFERENCES materials (code),
  revision      INTEGER NOT NULL CHECK (revision >= 1),
  recorded_at   TEXT NOT NULL,
  name          TEXT NOT NULL,
  specification TEXT NOT NULL DEFAULT '',
  unit          TEXT NOT NULL,
  gb_code       TEXT CHECK (gb_code IS NULL OR (length(gb_code) = 7 AND gb_code NOT GLOB '*[^0-9]*')),
  category      TEXT NOT NULL DEFAULT '',
  shelf_life    TEXT,
  hazards       TEXT NOT NULL DEFAULT '',
  recoverable   INTEGER NOT NULL CHECK (recoverable IN (0, 1)),
  lot_tracked   INTEGER NOT NULL CHECK (lot_tracked IN (0, 1)),
  decimals      INTEGER NOT NULL CHECK (decimals BETWEEN 0 AND 3),
  PRIMARY KEY (code, revision)
) STRICT;

CREATE TRIGGER material_revisions_no_update BEFORE UPDATE ON material_revisions
BEGIN SELECT RAISE(ABORT, 'material revisions are append-only'); END;
CREATE TRIGGER material_revisions_no_delete BEFORE DELETE ON material_revisions
BEGIN SELECT RAISE(ABORT, 'material revisions are append-only'); END;

CREATE VIEW material_current AS
SELECT r.* FROM material_revisions r
WHERE r.revision = (SELECT max(revision) FROM material_revisions x WHERE x.code = r.code);
)sql";

// Version 2: the ledger itself. Lots, operations (one per write, for idempotency), movements
// (append-only and hash-chained) and the balances derived from them.
constexpr std::string_view kV2 = R"sql(
CREATE TABLE lots (
  id          INTEGER PRIMARY KEY,
  material    TEXT NOT NULL REFERENCES materials (code),
  lot         TEXT NOT NULL,
  production  TEXT,
  expiry      TEXT,
  created_at  TEXT NOT NULL,
  UNIQUE (material, lot)
) STRICT;

CREATE TABLE lot_status_changes (
  id          INTEGER PRIMARY KEY,
  lot_id      INTEGER NOT NULL REFERENCES lots (id),
  status      TEXT NOT NULL CHECK (status IN ('available', 'quarantined', 'recalled', 'damaged')),
  actor       TEXT NOT NULL REFERENCES custodians (id),
  reason      TEXT NOT NULL,
  recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX lot_status_changes_lot ON lot_status_changes (lot_id);

CREATE TABLE operations (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  kind            TEXT NOT NULL,
  idempotency_key TEXT UNIQUE,
  request_digest  TEXT NOT NULL,
  recorded_at     TEXT NOT NULL
) STRICT;

CREATE TABLE movements (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  operation       INTEGER NOT NULL REFERENCES operations (id),
  date            TEXT NOT NULL,
  recorded_at     TEXT NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('receive', 'issue', 'transfer-out', 'transfer-in',
                                               'dispose', 'return', 'reverse', 'adjust')),
  depot           TEXT NOT NULL REFERENCES depots (code),
  lot_id          INTEGER NOT NULL REFERENCES lots (id),
  quantity        INTEGER NOT NULL CHECK (quantity <> 0),
  actor           TEXT NOT NULL REFERENCES custodians (id),
  counterparty    TEXT NOT NULL DEFAULT '',
  incident        TEXT,
  document        TEXT NOT NULL DEFAULT '',
  reason          TEXT NOT NULL DEFAULT '',
  note            TEXT NOT NULL DEFAULT '',
  approver        TEXT REFERENCES custodians (id),
  unusable_reason TEXT NOT NULL DEFAULT '',
  reverses        INTEGER UNIQUE REFERENCES movements (id),
  prev_hash       TEXT NOT NULL,
  hash            TEXT NOT NULL
) STRICT;
CREATE INDEX movements_depot_lot ON movements (depot, lot_id);
CREATE INDEX movements_lot ON movements (lot_id);
CREATE INDEX movements_date ON movements (date);
CREATE INDEX movements_operation ON movements (operation);
CREATE INDEX movements_incident ON movements (incident) WHERE incident IS NOT NULL;

-- Derived: on-hand per depot and lot, kept in the same transaction as each movement so that
-- reading stock is cheap at any ledger size; verify recomputes it from the movements.
CREATE TABLE balances (
  depot    TEXT NOT NULL REFERENCES depots (code),
  lot_id   INTEGER NOT NULL REFERENCES lots (id),
  quantity INTEGER NOT NULL CHECK (quantity >= 0),
  PRIMARY KEY (depot, lot_id)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER movements_no_update BEFORE UPDATE ON movements
BEGIN SELECT RAISE(ABORT, 'movements are append-only: record a reversal instead'); END;
CREATE TRIGGER movements_no_delete BEFORE DELETE ON movements
BEGIN SELECT RAISE(ABORT, 'movements are append-only: record a reversal instead'); END;
CREATE TRIGGER operations_no_update BEFORE UPDATE ON operations
BEGIN SELECT RAISE(ABORT, 'operations are append-only'); END;
CREATE TRIGGER operations_no_delete BEFORE DELETE ON operations
BEGIN SELECT RAISE(ABORT, 'operations are append-only'); END;
CREATE TRIGGER lots_no_update BEFORE UPDATE ON lots
BEGIN SELECT RAISE(ABORT, 'lots are append-only'); END;
CREATE TRIGGER lots_no_delete BEFORE DELETE ON lots
BEGIN SELECT RAISE(ABORT, 'lots are append-only'); END;
CREATE TRIGGER lot_status_changes_no_update BEFORE UPDATE ON lot_status_changes
BEGIN SELECT RAISE(ABORT, 'lot status changes are append-only'); END;
CREATE TRIGGER lot_status_changes_no_delete BEFORE DELETE ON lot_status_changes
BEGIN SELECT RAISE(ABORT, 'lot status changes are append-only'); END;
)sql";

// Version 3: stocktakes (盘点). The snapshot, every count and the end are append-only; the
// adjustments a close posts are ordinary hash-chained movements.
constexpr std::string_view kV3 = R"sql(
CREATE TABLE stocktakes (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  depot          TEXT NOT NULL REFERENCES depots (code),
  blind          INTEGER NOT NULL CHECK (blind IN (0, 1)),
  materials      TEXT NOT NULL DEFAULT '',
  date           TEXT NOT NULL,
  started_by     TEXT NOT NULL REFERENCES custodians (id),
  started_at     TEXT NOT NULL,
  start_position INTEGER NOT NULL
) STRICT;
CREATE INDEX stocktakes_depot ON stocktakes (depot);

CREATE TABLE stocktake_lines (
  stocktake     INTEGER NOT NULL REFERENCES stocktakes (id),
  line          INTEGER NOT NULL,
  lot_id        INTEGER NOT NULL REFERENCES lots (id),
  book_at_start INTEGER NOT NULL,
  found         INTEGER NOT NULL CHECK (found IN (0, 1)),
  PRIMARY KEY (stocktake, line),
  UNIQUE (stocktake, lot_id)
) STRICT;

CREATE TABLE stocktake_counts (
  id          INTEGER PRIMARY KEY,
  stocktake   INTEGER NOT NULL REFERENCES stocktakes (id),
  lot_id      INTEGER NOT NULL REFERENCES lots (id),
  quantity    INTEGER NOT NULL CHECK (quantity >= 0),
  counter     TEXT NOT NULL REFERENCES custodians (id),
  position    INTEGER NOT NULL,
  recorded_at TEXT NOT NULL,
  note        TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX stocktake_counts_stocktake ON stocktake_counts (stocktake);

CREATE TABLE stocktake_ends (
  stocktake   INTEGER PRIMARY KEY REFERENCES stocktakes (id),
  state       TEXT NOT NULL CHECK (state IN ('closed', 'cancelled')),
  actor       TEXT NOT NULL REFERENCES custodians (id),
  approver    TEXT REFERENCES custodians (id),
  operation   INTEGER REFERENCES operations (id),
  reason      TEXT NOT NULL DEFAULT '',
  recorded_at TEXT NOT NULL
) STRICT;

CREATE TRIGGER stocktakes_no_update BEFORE UPDATE ON stocktakes
BEGIN SELECT RAISE(ABORT, 'stocktakes are append-only'); END;
CREATE TRIGGER stocktakes_no_delete BEFORE DELETE ON stocktakes
BEGIN SELECT RAISE(ABORT, 'stocktakes are append-only'); END;
CREATE TRIGGER stocktake_lines_no_update BEFORE UPDATE ON stocktake_lines
BEGIN SELECT RAISE(ABORT, 'stocktake lines are append-only'); END;
CREATE TRIGGER stocktake_lines_no_delete BEFORE DELETE ON stocktake_lines
BEGIN SELECT RAISE(ABORT, 'stocktake lines are append-only'); END;
CREATE TRIGGER stocktake_counts_no_update BEFORE UPDATE ON stocktake_counts
BEGIN SELECT RAISE(ABORT, 'stocktake counts are append-only'); END;
CREATE TRIGGER stocktake_counts_no_delete BEFORE DELETE ON stocktake_counts
BEGIN SELECT RAISE(ABORT, 'stocktake counts are append-only'); END;
CREATE TRIGGER stocktake_ends_no_update BEFORE UPDATE ON stocktake_ends
BEGIN SELECT RAISE(ABORT, 'stocktake ends are append-only'); END;
CREATE TRIGGER stocktake_ends_no_delete BEFORE DELETE ON stocktake_ends
BEGIN SELECT RAISE(ABORT, 'stocktake ends are append-only'); END;
-- A closed or cancelled stocktake is history: no more lines or counts.
CREATE TRIGGER stocktake_counts_open BEFORE INSERT ON stocktake_counts
WHEN EXISTS (SELECT 1 FROM stocktake_ends WHERE stocktake = NEW.stocktake)
BEGIN SELECT RAISE(ABORT, 'the stocktake is closed'); END;
CREATE TRIGGER stocktake_lines_open BEFORE INSERT ON stocktake_lines
WHEN EXISTS (SELECT 1 FROM stocktake_ends WHERE stocktake = NEW.stocktake)
BEGIN SELECT RAISE(ABORT, 'the stocktake is closed'); END;
)sql";

// Version 4: the five-in-one reserve beyond the depots. Incidents, quotas, a depot's dispatch
// time, commitments (agreement, capacity, social) and their calls and deliveries, which are
// hash-chained like movements; the demand an allocation was committed for.
constexpr std::string_view kV4 = R"sql(
ALTER TABLE depots ADD COLUMN dispatch_minutes INTEGER NOT NULL DEFAULT 0;

CREATE TABLE incidents (
  code       TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  level      TEXT NOT NULL CHECK (level IN ('I', 'II', 'III', 'IV')),
  opened_at  TEXT NOT NULL,
  location   TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE quotas (
  depot    TEXT NOT NULL REFERENCES depots (code),
  material TEXT NOT NULL REFERENCES materials (code),
  min      INTEGER NOT NULL CHECK (min >= 0),
  max      INTEGER CHECK (max IS NULL OR max >= min),
  set_at   TEXT NOT NULL,
  PRIMARY KEY (depot, material)
) STRICT;

CREATE TABLE commitments (
  code        TEXT PRIMARY KEY,
  tier        TEXT NOT NULL CHECK (tier IN ('agreement', 'capacity', 'social')),
  party       TEXT NOT NULL,
  contact     TEXT NOT NULL DEFAULT '',
  material    TEXT NOT NULL REFERENCES materials (code),
  valid_from  TEXT NOT NULL,
  valid_to    TEXT NOT NULL,
  quantity    INTEGER NOT NULL CHECK (quantity > 0),
  rate        INTEGER NOT NULL DEFAULT 0 CHECK (rate >= 0),
  lead_time   TEXT NOT NULL,
  reliability INTEGER CHECK (reliability IS NULL OR reliability BETWEEN 0 AND 1000),
  created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE commitment_entries (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  kind        TEXT NOT NULL CHECK (kind IN ('call', 'deliver')),
  commitment  TEXT NOT NULL REFERENCES commitments (code),
  incident    TEXT REFERENCES incidents (code),
  call        INTEGER REFERENCES commitment_entries (id),
  quantity    INTEGER NOT NULL CHECK (quantity > 0),
  due_at      TEXT,
  depot       TEXT REFERENCES depots (code),
  movement    INTEGER REFERENCES movements (id),
  actor       TEXT NOT NULL REFERENCES custodians (id),
  recorded_at TEXT NOT NULL,
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL
) STRICT;
CREATE INDEX commitment_entries_commitment ON commitment_entries (commitment);
CREATE INDEX commitment_entries_call ON commitment_entries (call);

CREATE TABLE allocation_demands (
  id        INTEGER PRIMARY KEY,
  operation INTEGER NOT NULL REFERENCES operations (id),
  incident  TEXT NOT NULL REFERENCES incidents (code),
  material  TEXT NOT NULL REFERENCES materials (code),
  quantity  INTEGER NOT NULL CHECK (quantity > 0),
  need_by   TEXT NOT NULL,
  depot     TEXT REFERENCES depots (code)
) STRICT;

CREATE TRIGGER commitment_entries_no_update BEFORE UPDATE ON commitment_entries
BEGIN SELECT RAISE(ABORT, 'commitment calls and deliveries are append-only'); END;
CREATE TRIGGER commitment_entries_no_delete BEFORE DELETE ON commitment_entries
BEGIN SELECT RAISE(ABORT, 'commitment calls and deliveries are append-only'); END;
CREATE TRIGGER allocation_demands_no_update BEFORE UPDATE ON allocation_demands
BEGIN SELECT RAISE(ABORT, 'allocation demands are append-only'); END;
CREATE TRIGGER allocation_demands_no_delete BEFORE DELETE ON allocation_demands
BEGIN SELECT RAISE(ABORT, 'allocation demands are append-only'); END;
)sql";

// Version 5: a material's own expiry warning window, and inspection schedules: plans
// (recurrence anchored to the plan), inspections done, findings and their resolutions.
constexpr std::string_view kV5 = R"sql(
ALTER TABLE material_revisions ADD COLUMN warning TEXT;
DROP VIEW material_current;
CREATE VIEW material_current AS
SELECT r.* FROM material_revisions r
WHERE r.revision = (SELECT max(revision) FROM material_revisions x WHERE x.code = r.code);

CREATE TABLE inspection_plans (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  target     TEXT NOT NULL,
  every      TEXT NOT NULL,
  on_day     INTEGER CHECK (on_day IS NULL OR on_day BETWEEN 1 AND 31),
  custodian  TEXT NOT NULL REFERENCES custodians (id),
  starting   TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE inspections (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  plan        INTEGER NOT NULL REFERENCES inspection_plans (id),
  date        TEXT NOT NULL,
  inspector   TEXT NOT NULL REFERENCES custodians (id),
  result      TEXT NOT NULL CHECK (result IN ('pass', 'fail')),
  recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX inspections_plan ON inspections (plan);

CREATE TABLE findings (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  inspection INTEGER NOT NULL REFERENCES inspections (id),
  text       TEXT NOT NULL
) STRICT;

CREATE TABLE finding_resolutions (
  finding     INTEGER PRIMARY KEY REFERENCES findings (id),
  resolved_by TEXT NOT NULL REFERENCES custodians (id),
  note        TEXT NOT NULL,
  recorded_at TEXT NOT NULL
) STRICT;

CREATE TRIGGER inspection_plans_no_update BEFORE UPDATE ON inspection_plans
BEGIN SELECT RAISE(ABORT, 'inspection plans are append-only'); END;
CREATE TRIGGER inspection_plans_no_delete BEFORE DELETE ON inspection_plans
BEGIN SELECT RAISE(ABORT, 'inspection plans are append-only'); END;
CREATE TRIGGER inspections_no_update BEFORE UPDATE ON inspections
BEGIN SELECT RAISE(ABORT, 'inspections are append-only'); END;
CREATE TRIGGER inspections_no_delete BEFORE DELETE ON inspections
BEGIN SELECT RAISE(ABORT, 'inspections are append-only'); END;
CREATE TRIGGER findings_no_update BEFORE UPDATE ON findings
BEGIN SELECT RAISE(ABORT, 'findings are append-only'); END;
CREATE TRIGGER findings_no_delete BEFORE DELETE ON findings
BEGIN SELECT RAISE(ABORT, 'findings are append-only'); END;
CREATE TRIGGER finding_resolutions_no_update BEFORE UPDATE ON finding_resolutions
BEGIN SELECT RAISE(ABORT, 'finding resolutions are append-only'); END;
CREATE TRIGGER finding_resolutions_no_delete BEFORE DELETE ON finding_resolutions
BEGIN SELECT RAISE(ABORT, 'finding resolutions are append-only'); END;
)sql";

// Version 6: performance only. Before a movement dated `day` takes stock out, the ledger asks
// whether the lot has later movements at the depot (a back-dated entry must not make a later
// day negative); with the date in the index that question is one seek instead of a scan of
// the lot's whole history at the depot.
constexpr std::string_view kV6 = R"sql(
DROP INDEX movements_depot_lot;
CREATE INDEX movements_depot_lot_date ON movements (depot, lot_id, date);
)sql";

// Version 7: performance only (issue 8). One material's balances (the allocation plan's
// sources, `stock --material`) are found through its lots: balances by lot, where a scan of
// every balance ran once per demand line. The expiry report reads the lots that expire by the
// end of its window in expiry order, not every balance.
constexpr std::string_view kV7 = R"sql(
CREATE INDEX balances_lot ON balances (lot_id);
CREATE INDEX lots_expiry ON lots (expiry) WHERE expiry IS NOT NULL;
)sql";

// Version 8: performance (issue 8), derived data kept beside the balances it comes from.
// - stock_totals: on-hand per depot and material, the stock report's rows. Kept by triggers
//   on balances in the same transaction as the balance itself, so that every path that moves
//   stock keeps it; `stock` reads it instead of joining every held lot to its material and
//   summing (24k rows out of 33k balances at 100k movements, 174k at 1M). verify recomputes it.
// - balances.expiry: the lot's expiry beside its balance (lots are append-only, so it never
//   changes), indexed over the held balances only: the expiry report reads the balances in its
//   window in expiry order, where it probed every lot expiring by the window's end (60k at 1M,
//   most of them emptied long ago) and then each one's balances. verify checks the copy.
constexpr std::string_view kV8 = R"sql(
CREATE TABLE stock_totals (
  depot    TEXT NOT NULL REFERENCES depots (code),
  material TEXT NOT NULL REFERENCES materials (code),
  quantity INTEGER NOT NULL CHECK (quantity >= 0),
  PRIMARY KEY (depot, material)
) STRICT, WITHOUT ROWID;
INSERT INTO stock_totals (depot, material, quantity)
SELECT b.depot, l.material, SUM(b.quantity) FROM balances b JOIN lots l ON l.id = b.lot_id
GROUP BY b.depot, l.material;

CREATE TRIGGER balances_insert_total AFTER INSERT ON balances
BEGIN
  INSERT INTO stock_totals (depot, material, quantity)
  SELECT NEW.depot, l.material, NEW.quantity FROM lots l WHERE l.id = NEW.lot_id
  ON CONFLICT (depot, material) DO UPDATE SET quantity = quantity + excluded.quantity;
END;
CREATE TRIGGER balances_update_total AFTER UPDATE OF quantity ON balances
BEGIN
  UPDATE stock_totals SET quantity = quantity + NEW.quantity - OLD.quantity
  WHERE depot = NEW.depot AND material = (SELECT l.material FROM lots l WHERE l.id = NEW.lot_id);
END;

ALTER TABLE balances ADD COLUMN expiry TEXT;
UPDATE balances SET expiry = (SELECT l.expiry FROM lots l WHERE l.id = balances.lot_id);
CREATE INDEX balances_held_expiry ON balances (expiry, depot, lot_id, quantity)
WHERE quantity > 0 AND expiry IS NOT NULL;
)sql";

// Version 9: performance (issue 8). The lot's label (material, lot number, production date)
// beside its balance too, and in the held-balances index, so that the expiry report reads its
// window from the index alone, already in the report's order (expiry, depot, material, lot).
// It read each line's lot by id: at 1M movements 25k rows of a 17 MiB table at random, which
// cost more in page reads than the rest of the query. Lots are append-only, so the copies never
// change; verify checks them as it checks the expiry copy.
constexpr std::string_view kV9 = R"sql(
ALTER TABLE balances ADD COLUMN material TEXT;
ALTER TABLE balances ADD COLUMN lot TEXT;
ALTER TABLE balances ADD COLUMN production TEXT;
UPDATE balances SET (material, lot, production) =
  (SELECT l.material, l.lot, l.production FROM lots l WHERE l.id = balances.lot_id);
DROP INDEX balances_held_expiry;
CREATE INDEX balances_held_expiry
ON balances (expiry, depot, material, lot, production, lot_id, quantity)
WHERE quantity > 0 AND expiry IS NOT NULL;
)sql";

// Version 10: performance (issue 8), the same rules checked for less.
// - movements.kind: SQLite checks `kind IN (eight words)` by building a temporary table of the
//   eight words for every INSERT, a third of what inserting a movement cost. The same rule as
//   eight comparisons builds nothing. A CHECK cannot be altered, and rebuilding the table would
//   copy every movement; the text is edited in place (`schema_edit`, through writable_schema:
//   the procedure SQLite documents for changing a constraint that every row already meets).
// - The totals triggers read the material from the balance's own copy (version 9) instead of
//   looking the lot up for every balance written.
// - A total that comes to zero is removed (verify takes a missing total as zero), and comes
//   back when the depot holds the material again: `stock` reads what is held, not every
//   material a depot ever held (at 1M movements 27k of 114k totals were not zero).
constexpr std::string_view kV10Edit = R"sql(
UPDATE sqlite_schema SET sql = replace(sql,
  'CHECK (kind IN (''receive'', ''issue'', ''transfer-out'', ''transfer-in'',
                                               ''dispose'', ''return'', ''reverse'', ''adjust''))',
  'CHECK (kind = ''receive'' OR kind = ''issue'' OR kind = ''transfer-out'' OR
                                 kind = ''transfer-in'' OR kind = ''dispose'' OR kind = ''return'' OR
                                 kind = ''reverse'' OR kind = ''adjust'')')
WHERE type = 'table' AND name = 'movements' AND instr(sql,
  'CHECK (kind IN (''receive'', ''issue'', ''transfer-out'', ''transfer-in'',
                                               ''dispose'', ''return'', ''reverse'', ''adjust''))') > 0;
)sql";

constexpr std::string_view kV10 = R"sql(
DROP TRIGGER balances_insert_total;
DROP TRIGGER balances_update_total;
CREATE TRIGGER balances_insert_total AFTER INSERT ON balances
BEGIN
  INSERT INTO stock_totals (depot, material, quantity)
  VALUES (NEW.depot, NEW.material, NEW.quantity)
  ON CONFLICT (depot, material) DO UPDATE SET quantity = quantity + excluded.quantity;
END;
CREATE TRIGGER balances_update_total AFTER UPDATE OF quantity ON balances
BEGIN
  INSERT INTO stock_totals (depot, material, quantity)
  SELECT NEW.depot, NEW.material, 0 WHERE OLD.quantity = 0
  ON CONFLICT (depot, material) DO NOTHING;
  UPDATE stock_totals SET quantity = quantity + NEW.quantity - OLD.quantity
  WHERE depot = NEW.depot AND material = NEW.material;
  DELETE FROM stock_totals
  WHERE NEW.quantity = 0 AND depot = NEW.depot AND material = NEW.material AND quantity = 0;
END;
DELETE FROM stock_totals WHERE quantity = 0;
)sql";

// Version 11: performance (issue 8). A stocktake's counts by lot: closing a stocktake reads its
// lines, counts and the movements since its start a range of lots at a time, so that its memory
// stays bounded at any size (a million-line close held 1.4 GB), and the counts of a range are
// one index range instead of a scan of every count of the stocktake. The index by stocktake
// alone stays: it gives a stocktake's counts in the order they were recorded.
constexpr std::string_view kV11 = R"sql(
CREATE INDEX stocktake_counts_lot ON stocktake_counts (stocktake, lot_id);
)sql";

// Version 12: performance (issue 8). The movements and operations keep their ids without
// AUTOINCREMENT. AUTOINCREMENT made SQLite read and rewrite the table's row in sqlite_sequence
// for every INSERT statement, one per movement and one per operation: 4.1 % of the
// instructions of a 100,000-row import. What it gave the ledger, the highest movement id ever
// handed out (verify reports a removed tail with it, and new ids never reuse a removed one), is
// kept in meta as `movement_sequence` instead, written once per write transaction
// (SqliteStore::write); the operations' sequence was never read. The keyword only decides how
// SQLite picks a new rowid, not how rows are stored, so the text is edited in place like
// version 10's check, and the ids and the chain stay as they are.
constexpr std::string_view kV12Edit = R"sql(
UPDATE sqlite_schema SET sql = replace(sql, 'id              INTEGER PRIMARY KEY AUTOINCREMENT,',
                                            'id              INTEGER PRIMARY KEY,')
WHERE type = 'table' AND name IN ('movements', 'operations')
  AND instr(sql, 'id              INTEGER PRIMARY KEY AUTOINCREMENT,') > 0;
)sql";

constexpr std::string_view kV12 = R"sql(
INSERT INTO meta (key, value)
VALUES ('movement_sequence',
        CAST(max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'movements'), 0),
                 coalesce((SELECT max(id) FROM movements), 0)) AS TEXT));
DELETE FROM sqlite_sequence WHERE name IN ('movements', 'operations');
)sql";

constexpr std::array kMigrations{
    Migration{1, kV1},
    Migration{2, kV2},
    Migration{3, kV3},
    Migration{4, kV4},
    Migration{5, kV5},
    Migration{6, kV6},
    Migration{7, kV7},
    Migration{8, kV8},
    Migration{9, kV9},
    Migration{10, kV10, kV10Edit},
    Migration{11, kV11},
    Migration{12, kV12, kV12Edit, 2},
};

constexpr std::array<std::string_view, 30> kAppendOnlyTriggers{
    "inspection_plans_no_update",   "inspection_plans_no_delete",
    "inspections_no_update",        "inspections_no_delete",
    "findings_no_update",           "findings_no_delete",
    "finding_resolutions_no_update", "finding_resolutions_no_delete",
    "commitment_entries_no_update", "commitment_entries_no_delete",
    "allocation_demands_no_update", "allocation_demands_no_delete",
    "stocktakes_no_update",         "stocktakes_no_delete",
    "stocktake_lines_no_update",    "stocktake_lines_no_delete",
    "stocktake_counts_no_update",   "stocktake_counts_no_delete",
    "stocktake_ends_no_update",     "stocktake_ends_no_delete",
    "material_revisions_no_update", "material_revisions_no_delete",
    "lots_no_update",               "lots_no_delete",
    "lot_status_changes_no_update", "lot_status_changes_no_delete",
    "operations_no_update",         "operations_no_delete",
    "movements_no_update",          "movements_no_delete",
};

} // namespace

std::span<const Migration> migrations() noexcept { return kMigrations; }

std::optional<std::string_view> pinned_schema_digest(int version) noexcept {
  // Version → expected_schema_digest(version). A new migration adds its line here; the test
  // in tests/schema_digest_test.cpp fails until it does and prints the value to add.
  static constexpr std::array<std::pair<int, std::string_view>, 12> kDigests{{
      {1, "83303413af80ac77979011cc4a5ffdb3212c680c4eca611aadf0297f9723ea37"},
      {2, "14dcb13b06de6a8ea7f38d6d4b6290bfd5537a9b7c7f1298e2f8d2fea0f3afcc"},
      {3, "525ae34febd36c2b24795861aa66a91b2b7da0cf5a7f24f131a2365ba07e0bf6"},
      {4, "921a4b6853763faa4737cfdeafc4cb7499b5b4ee44f564d35555faee78f41f46"},
      {5, "61349400fb377df474fcfb9ae78da324a069160af614d1c437b339cf0ed2d702"},
      {6, "10c3d30c7296b52116238f2577afe63182e961e32b2ec2eb0a5bcbee4f8e9aa5"},
      {7, "9e8d356a5e7e651adc5023e81697200c16517c8a48834d672c9c9251216b1cc6"},
      {8, "dbc7a257b35cb41bb9b440c434fe0203fcedde7f3697530f8cc8ad024ffa8fb7"},
      {9, "2fd53cb019741de84cc7b67688d5f5cafd8a70bfb275435344330fb8858ea501"},
      {10, "c0a1b46b14585703df1a9b08b041139a345e573297b972aa88cdccbc4ee46444"},
      {11, "6f529a2675dc0923de472f27b3f0d4f047133242feb5949d0b3ed6d14f72db0a"},
      {12, "2bad77ac68ad44bb705624e8a3b465909e4c3207b9391ef8c21e93ee419b1906"},
  }};
  for (const auto& [v, digest] : kDigests) {
    if (v == version) return digest;
  }
  return std::nullopt;
}

std::span<const std::string_view> append_only_triggers() noexcept { return kAppendOnlyTriggers; }

} // namespace stockpile::store
