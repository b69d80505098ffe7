#include "store/schema.hpp"

#include <array>

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

constexpr std::array kMigrations{
    Migration{1, kV1},
};

} // namespace

std::span<const Migration> migrations() noexcept { return kMigrations; }

} // namespace stockpile::store
