// Tamper evidence: verify recomputes the hash chain, the balances and checks the append-only
// triggers. The tampering is done the way someone with the file would: with the sqlite3 shell.
#include <doctest/doctest.h>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <typeinfo>

#include "balance_book.hpp"
#include "stockpile/error.hpp"
#include "stockpile/ledger.hpp"
#include "support/temp_ledger.hpp"

using namespace stockpile;

namespace {

OpenOptions utc() {
  auto o = stockpile::testing::fixed_clock();
  o.time_zone = "UTC";
  return o;
}

Date day(const char* text) { return Date::parse(text); }
Quantity qty(const char* text) { return Quantity::parse(text); }
CustodianId keeper() { return CustodianId("wang.li"); }

void add_reference_data(Ledger& l) {
  l.add_organisation({OrgCode("LZ"), "柳州市", OrgLevel::City, std::nullopt});
  l.add_organisation({OrgCode("LN"), "柳南区", OrgLevel::District, OrgCode("LZ")});
  l.add_organisation({OrgCode("YF"), "鱼峰区", OrgLevel::District, OrgCode("LZ")});
  l.add_depot({DepotCode("LN-01"), "柳南区救灾物资仓库", OrgCode("LN"), ""});
  l.add_depot({DepotCode("YF-01"), "鱼峰区救灾物资仓库", OrgCode("YF"), ""});
  l.add_custodian({keeper(), "王丽", "", parse_roles("keeper"), {DepotCode("LN-01")}});
  Material tent{MaterialCode("TENT")};
  tent.name = "帐篷";
  tent.unit = "顶";
  tent.lot_tracked = false;
  l.add_material(tent);
  Material med{MaterialCode("MED")};
  med.name = "药品";
  med.unit = "盒";
  l.add_material(med);
}

// Five movements: 1 receive TENT, 2 receive MED L-A, 3 issue TENT, 4-5 a transfer of TENT.
void add_movements(Ledger& l) {
  (void)l.receive({.depot = DepotCode("LN-01"),
                   .material = MaterialCode("TENT"),
                   .lot = std::nullopt,
                   .quantity = qty("15"),
                   .date = day("2026-11-10"),
                   .actor = keeper()});
  (void)l.receive({.depot = DepotCode("LN-01"),
                   .material = MaterialCode("MED"),
                   .lot = LotNumber("L-A"),
                   .quantity = qty("5"),
                   .date = day("2026-11-12"),
                   .actor = keeper(),
                   .production = std::nullopt,
                   .expiry = day("2027-01-31")});
  (void)l.issue({.depot = DepotCode("LN-01"),
                 .material = MaterialCode("TENT"),
                 .lot = std::nullopt,
                 .quantity = qty("4"),
                 .date = day("2026-11-15"),
                 .actor = keeper()});
  (void)l.transfer({.from = DepotCode("LN-01"),
                    .to = DepotCode("YF-01"),
                    .material = MaterialCode("TENT"),
                    .lot = std::nullopt,
                    .quantity = qty("6"),
                    .date = day("2026-11-20"),
                    .actor = keeper()});
}

// A ledger file with the five movements, closed.
struct ClosedLedger {
  stockpile::testing::TempDir dir;
  std::filesystem::path file = dir.path() / "ledger.db";
  std::string head;
  ClosedLedger() {
    auto l = Ledger::create(file, utc());
    add_reference_data(l);
    add_movements(l);
    head = l.verify().head_hash;
  }

  // Runs SQL on the file with the sqlite3 shell; returns its exit status (0: all statements
  // succeeded; -bail stops at the first error).
  [[nodiscard]] int sqlite3(const std::string& sql) const {
    const auto script = dir.path() / "tamper.sql";
    std::ofstream(script) << sql << "\n";
    const std::string cmd =
        "sqlite3 -bail '" + file.string() + "' < '" + script.string() + "' > /dev/null 2>&1";
    return std::system(cmd.c_str());
  }

  // What the sqlite3 shell prints for a query on the file (list mode, one row per line).
  [[nodiscard]] std::string query(const std::string& sql) const {
    const auto script = dir.path() / "query.sql";
    const auto out = dir.path() / "query.out";
    std::ofstream(script) << sql << "\n";
    const std::string cmd = "sqlite3 -bail '" + file.string() + "' < '" + script.string() +
                            "' > '" + out.string() + "' 2>&1";
    if (std::system(cmd.c_str()) != 0) return "(failed)";
    std::ifstream in(out);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  // The message of the IntegrityError verify throws on the reopened file.
  [[nodiscard]] std::string verify_error() const {
    auto l = Ledger::open(file, utc());
    try {
      (void)l.verify();
    } catch (const Error& e) {
      CHECK(e.exit_code() == 3);
      if (typeid(e) != typeid(IntegrityError)) {
        return std::string("[wrong type ") + typeid(e).name() + "] " + e.what();
      }
      return e.what();
    }
    return "(verified)";
  }
};

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

} // namespace

TEST_CASE("verify: an empty ledger verifies with no movements and no head") {
  stockpile::testing::TempLedger t;
  const auto report = t.ledger.verify();
  CHECK(report.movements == 0);
  CHECK(report.head_hash.empty());
  // A head written down elsewhere cannot be in an empty ledger.
  CHECK_THROWS_AS((void)t.ledger.verify(std::string(64, 'a')), IntegrityError);
}

TEST_CASE("verify: after movements the head is the last movement's hash") {
  stockpile::testing::TempDir dir;
  auto l = Ledger::create(dir.path() / "ledger.db", utc());
  add_reference_data(l);
  CHECK(l.verify().movements == 0);
  add_movements(l);
  const auto all = l.movements();
  REQUIRE(all.size() == 5);
  const auto report = l.verify();
  CHECK(report.movements == 5);
  CHECK(report.head_hash == all.back().hash);
  CHECK(report.head_hash.size() == 64);

  SUBCASE("expect_head with the head") {
    const auto again = l.verify(report.head_hash);
    CHECK(again.movements == 5);
    CHECK(again.head_hash == report.head_hash);
  }
  SUBCASE("expect_head with an earlier movement's hash: the history continued from it") {
    CHECK(l.verify(all[1].hash).head_hash == report.head_hash);
    CHECK(l.verify(all[0].hash).movements == 5);
  }
  SUBCASE("expect_head with a hash the ledger never held") {
    const std::string unknown(64, '0');
    try {
      (void)l.verify(unknown);
      FAIL("verified against a head the ledger never had");
    } catch (const IntegrityError& e) {
      CHECK(e.exit_code() == 3);
      CHECK(std::string(e.what()) ==
            "--expect-head " + unknown +
                ": no movement has this hash; the history that ended there was changed or "
                "removed");
    }
  }
  SUBCASE("a head written down earlier still verifies after more movements") {
    const auto earlier = report.head_hash;
    (void)l.issue({.depot = DepotCode("YF-01"),
                   .material = MaterialCode("TENT"),
                   .lot = std::nullopt,
                   .quantity = qty("1"),
                   .date = day("2026-11-21"),
                   .actor = keeper()});
    const auto later = l.verify(earlier);
    CHECK(later.movements == 6);
    CHECK(later.head_hash != earlier);
    CHECK(later.head_hash == l.movements().back().hash);
  }
}

TEST_CASE("verify: the head survives closing and reopening") {
  ClosedLedger c;
  auto l = Ledger::open(c.file, utc());
  const auto report = l.verify(c.head);
  CHECK(report.movements == 5);
  CHECK(report.head_hash == c.head);
}

TEST_CASE("verify: the triggers refuse UPDATE and DELETE on movements and lots") {
  ClosedLedger c;
  CHECK(c.sqlite3("UPDATE movements SET quantity = 1000 WHERE id = 1;") != 0);
  CHECK(c.sqlite3("DELETE FROM movements WHERE id = 5;") != 0);
  CHECK(c.sqlite3("DELETE FROM movements;") != 0);
  CHECK(c.sqlite3("UPDATE lots SET expiry = '2030-01-31' WHERE lot = 'L-A';") != 0);
  CHECK(c.sqlite3("DELETE FROM lots WHERE lot = 'L-A';") != 0);
  // The shell itself works: a harmless query succeeds.
  CHECK(c.sqlite3("SELECT count(*) FROM movements;") == 0);

  auto l = Ledger::open(c.file, utc());
  const auto report = l.verify(c.head);
  CHECK(report.movements == 5);
  CHECK(report.head_hash == c.head);
  CHECK(l.movements().front().quantity.to_string() == "15");
}

TEST_CASE("verify: tampering with the file is named by verify") {
  ClosedLedger c;
  SUBCASE("a changed quantity") {
    REQUIRE(c.sqlite3("DROP TRIGGER movements_no_update;"
                      "UPDATE movements SET quantity = -3000 WHERE id = 3;") == 0);
    CHECK(c.verify_error() == "movement 3: its content does not match its hash (changed after it "
                              "was recorded)");
  }
  SUBCASE("a changed quantity with the balance changed to match") {
    REQUIRE(c.sqlite3("DROP TRIGGER movements_no_update;"
                      "UPDATE movements SET quantity = -3000 WHERE id = 3;"
                      "UPDATE balances SET quantity = quantity + 1000 WHERE depot = 'LN-01' AND "
                      "lot_id = (SELECT id FROM lots WHERE material = 'TENT');") == 0);
    CHECK(starts_with(c.verify_error(), "movement 3: its content does not match its hash"));
  }
  SUBCASE("a changed date") {
    REQUIRE(c.sqlite3("DROP TRIGGER movements_no_update;"
                      "UPDATE movements SET date = '2026-11-11' WHERE id = 2;") == 0);
    CHECK(starts_with(c.verify_error(), "movement 2: its content does not match its hash"));
  }
  SUBCASE("a deleted movement in the middle") {
    REQUIRE(c.sqlite3("DROP TRIGGER movements_no_delete;"
                      "DELETE FROM movements WHERE id = 3;") == 0);
    CHECK(c.verify_error() == "movement 3 is missing: the ledger jumps from movement 2 to 4 "
                              "(removed from the file)");
  }
  SUBCASE("the last movement deleted") {
    REQUIRE(c.sqlite3("DROP TRIGGER movements_no_delete;"
                      "DELETE FROM movements WHERE id = 5;") == 0);
    CHECK(c.verify_error() == "movement 5 is missing: movements up to 5 were recorded but the "
                              "ledger ends at 4 (removed from the file)");
  }
  SUBCASE("an edited hash") {
    REQUIRE(c.sqlite3("DROP TRIGGER movements_no_update;"
                      "UPDATE movements SET hash = '" +
                      std::string(64, 'f') + "' WHERE id = 2;") == 0);
    CHECK(starts_with(c.verify_error(), "movement 2: its content does not match its hash"));
  }
  SUBCASE("an edited link to the previous movement") {
    REQUIRE(c.sqlite3("DROP TRIGGER movements_no_update;"
                      "UPDATE movements SET prev_hash = (SELECT hash FROM movements WHERE id = 2) "
                      "WHERE id = 4;") == 0);
    CHECK(c.verify_error() == "movement 4: its link to movement 3 is broken (the previous hash "
                              "it records is not that movement's hash)");
  }
  SUBCASE("a changed lot expiry") {
    REQUIRE(c.sqlite3("DROP TRIGGER lots_no_update;"
                      "UPDATE lots SET expiry = '2030-01-31' WHERE lot = 'L-A';") == 0);
    CHECK(starts_with(c.verify_error(), "movement 2: its content does not match its hash"));
  }
  SUBCASE("a tampered balance") {
    REQUIRE(c.sqlite3("UPDATE balances SET quantity = quantity + 1000 WHERE depot = 'YF-01';") ==
            0);
    CHECK(c.verify_error() == "balance of depot YF-01, material TENT, lot -: the balances table "
                              "holds 7 but the movements add up to 6");
  }
  SUBCASE("a deleted balance") {
    REQUIRE(c.sqlite3("DELETE FROM balances WHERE depot = 'YF-01';") == 0);
    CHECK(c.verify_error() == "balance of depot YF-01, material TENT, lot -: missing from the "
                              "balances table; the movements add up to 6");
  }
  SUBCASE("an invented balance") {
    // With the lot's label copied, as stockpile writes a balance (the totals trigger reads the
    // material from it).
    REQUIRE(c.sqlite3("INSERT INTO balances (depot, lot_id, quantity, expiry, material, lot) "
                      "SELECT 'YF-01', id, 9000, expiry, material, lot FROM lots "
                      "WHERE lot = 'L-A';") == 0);
    CHECK(c.verify_error() == "balance of depot YF-01, material MED, lot L-A: the balances table "
                              "holds 9 but the movements add up to 0");
  }
  // Schema version 8: the per-depot totals and the balances' copy of each lot's expiry are
  // derived too, and read by `stock` and the expiry report instead of the lots.
  SUBCASE("a tampered stock total") {
    REQUIRE(c.sqlite3("UPDATE stock_totals SET quantity = quantity + 1000 WHERE depot = 'YF-01';") ==
            0);
    CHECK(c.verify_error() == "stock total of depot YF-01, material TENT: the stock_totals table "
                              "holds 7 but its lots' balances add up to 6");
  }
  SUBCASE("a deleted stock total") {
    REQUIRE(c.sqlite3("DELETE FROM stock_totals WHERE depot = 'LN-01' AND material = 'MED';") == 0);
    CHECK(c.verify_error() == "stock total of depot LN-01, material MED: missing from the "
                              "stock_totals table; its lots' balances add up to 5");
  }
  SUBCASE("an invented stock total") {
    REQUIRE(c.sqlite3("INSERT INTO stock_totals (depot, material, quantity) "
                      "VALUES ('YF-01', 'MED', 9000);") == 0);
    CHECK(c.verify_error() == "stock total of depot YF-01, material MED: the stock_totals table "
                              "holds 9 but its lots' balances add up to 0");
  }
  SUBCASE("a stock total of zero is no problem") {
    REQUIRE(c.sqlite3("INSERT INTO stock_totals (depot, material, quantity) "
                      "VALUES ('YF-01', 'MED', 0);") == 0);
    CHECK(c.verify_error() == "(verified)");
  }
  SUBCASE("a balance's copy of the lot's expiry changed") {
    REQUIRE(c.sqlite3("UPDATE balances SET expiry = '2099-01-31' WHERE depot = 'LN-01' AND "
                      "lot_id = (SELECT id FROM lots WHERE lot = 'L-A');") == 0);
    CHECK(c.verify_error() == "balance of depot LN-01, material MED, lot L-A: the balances table "
                              "gives expiry 2099-01-31 but the lot's is 2027-01-31");
  }
  SUBCASE("a balance's copy of the lot's expiry removed") {
    REQUIRE(c.sqlite3("UPDATE balances SET expiry = NULL WHERE depot = 'LN-01' AND "
                      "lot_id = (SELECT id FROM lots WHERE lot = 'L-A');") == 0);
    CHECK(c.verify_error() == "balance of depot LN-01, material MED, lot L-A: the balances table "
                              "gives expiry none but the lot's is 2027-01-31");
  }
  // Schema version 9: the lot's label beside its balance, which the expiry report prints.
  SUBCASE("a balance's copy of the lot's material changed") {
    REQUIRE(c.sqlite3("UPDATE balances SET material = 'TENT' WHERE depot = 'LN-01' AND "
                      "lot_id = (SELECT id FROM lots WHERE lot = 'L-A');") == 0);
    CHECK(c.verify_error() == "balance of depot LN-01, material MED, lot L-A: the balances table "
                              "gives material TENT but the lot's is MED");
  }
  SUBCASE("a balance's copy of the lot number changed") {
    REQUIRE(c.sqlite3("UPDATE balances SET lot = 'L-Z' WHERE depot = 'LN-01' AND "
                      "lot_id = (SELECT id FROM lots WHERE lot = 'L-A');") == 0);
    CHECK(c.verify_error() == "balance of depot LN-01, material MED, lot L-A: the balances table "
                              "gives lot L-Z but the lot's is L-A");
  }
  SUBCASE("a balance's copy of the production date given where the lot has none") {
    REQUIRE(c.sqlite3("UPDATE balances SET production = '2020-01-01' WHERE depot = 'LN-01' AND "
                      "lot_id = (SELECT id FROM lots WHERE lot = 'L-A');") == 0);
    CHECK(c.verify_error() == "balance of depot LN-01, material MED, lot L-A: the balances table "
                              "gives production 2020-01-01 but the lot's is none");
  }
  SUBCASE("a dropped trigger, and nothing else") {
    for (const char* trigger :
         {"movements_no_update", "movements_no_delete", "lots_no_update", "lots_no_delete"}) {
      const std::string name = trigger;
      CAPTURE(name);
      ClosedLedger fresh;
      REQUIRE(fresh.sqlite3(std::string("DROP TRIGGER ") + trigger + ";") == 0);
      CHECK(fresh.verify_error() == std::string("trigger ") + trigger +
                                        " was removed: the ledger no longer refuses edits; "
                                        "restore it from a copy and investigate");
    }
  }
  SUBCASE("expect_head after the history was cut back") {
    REQUIRE(c.sqlite3("DROP TRIGGER movements_no_delete;"
                      "DELETE FROM movements WHERE id = 5;"
                      "UPDATE meta SET value = '4' WHERE key = 'movement_sequence';"
                      "CREATE TRIGGER movements_no_delete BEFORE DELETE ON movements "
                      "BEGIN SELECT RAISE(ABORT, 'movements are append-only: record a "
                      "reversal instead'); END;") == 0);
    auto l = Ledger::open(c.file, utc());
    // Without a head written down, the chain itself looks whole; the balances do not add up.
    CHECK_THROWS_AS((void)l.verify(), IntegrityError);
    try {
      (void)l.verify(c.head);
      FAIL("verified a ledger that lost its head");
    } catch (const IntegrityError& e) {
      CHECK(e.exit_code() == 3);
      CHECK(starts_with(e.what(), "--expect-head " + c.head + ": no movement has this hash"));
    }
  }
}

TEST_CASE("verify: dropping any of the ledger's append-only triggers is detected") {
  // Besides movements and lots, the schema makes the lot status history (quarantines, recalls),
  // the operations (idempotency keys) and the material revisions append-only. Without their
  // triggers a quarantine can be deleted quietly, so verify must notice them gone too.
  for (const char* trigger :
       {"lot_status_changes_no_update", "lot_status_changes_no_delete", "operations_no_update",
        "operations_no_delete", "material_revisions_no_update", "material_revisions_no_delete"}) {
    const std::string name = trigger;
    CAPTURE(name);
    ClosedLedger c;
    REQUIRE(c.sqlite3(std::string("DROP TRIGGER ") + trigger + ";") == 0);
    CHECK(c.verify_error() == std::string("trigger ") + trigger +
                                  " was removed: the ledger no longer refuses edits; restore it "
                                  "from a copy and investigate");
  }
}

TEST_CASE("verify: with the history read in parts, the first problem in id order is named") {
  // verify cuts the history into parts by id and checks each on a thread of its own (two parts
  // at least, even for these five movements), then joins them in order. Whichever part finishes
  // first, the problem named must be the earliest, and a gap or a broken link where two parts
  // meet must show as it does anywhere else.
  ClosedLedger c;
  const std::string edit = "DROP TRIGGER movements_no_update;";
  const std::string remove = "DROP TRIGGER movements_no_delete;";
  SUBCASE("the first and the last movement changed") {
    REQUIRE(c.sqlite3(edit + "UPDATE movements SET note = 'late' WHERE id = 5;"
                             "UPDATE movements SET note = 'early' WHERE id = 1;") == 0);
    CHECK(c.verify_error() == "movement 1: its content does not match its hash (changed after it "
                              "was recorded)");
  }
  SUBCASE("a link broken late, content changed early") {
    REQUIRE(c.sqlite3(edit + "UPDATE movements SET prev_hash = '" + std::string(64, '0') +
                      "' WHERE id = 5; UPDATE movements SET document = 'X' WHERE id = 2;") == 0);
    CHECK(starts_with(c.verify_error(), "movement 2: its content does not match its hash"));
  }
  SUBCASE("content changed late, a movement removed early") {
    REQUIRE(c.sqlite3(edit + remove + "UPDATE movements SET note = 'late' WHERE id = 5;"
                                      "DELETE FROM movements WHERE id = 2;") == 0);
    CHECK(c.verify_error() == "movement 2 is missing: the ledger jumps from movement 1 to 3 "
                              "(removed from the file)");
  }
  SUBCASE("the first movement removed") {
    REQUIRE(c.sqlite3(remove + "DELETE FROM movements WHERE id = 1;") == 0);
    CHECK(c.verify_error() == "movement 1 is missing: the ledger jumps from movement 0 to 2 "
                              "(removed from the file)");
  }
  SUBCASE("a movement slipped in below the first") {
    // Inserts are not refused by a trigger: a row with id 0 must not be skipped by the parts.
    REQUIRE(c.sqlite3("INSERT INTO movements (id, operation, date, recorded_at, kind, depot, "
                      "lot_id, quantity, actor, prev_hash, hash) SELECT 0, operation, date, "
                      "recorded_at, kind, depot, lot_id, quantity, actor, prev_hash, hash FROM "
                      "movements WHERE id = 1;") == 0);
    CHECK(c.verify_error() == "movement 0: the ledger's movements start at 1; this one was "
                              "inserted into the file");
  }
  SUBCASE("a movement planted at an id near 2^62") {
    // The parts' ends are fractions of the highest id: computed as id × part ÷ parts they
    // overflowed for an id this high, and the planted row fell in no part.
    REQUIRE(c.sqlite3("INSERT INTO movements (id, operation, date, recorded_at, kind, depot, "
                      "lot_id, quantity, actor, prev_hash, hash) SELECT 4611686018427387904, "
                      "operation, date, recorded_at, kind, depot, lot_id, quantity, actor, "
                      "prev_hash, hash FROM movements WHERE id = 5;") == 0);
    CHECK(c.verify_error() == "movement 6 is missing: the ledger jumps from movement 5 to "
                              "4611686018427387904 (removed from the file)");
  }
  SUBCASE("every movement from the third on removed") {
    REQUIRE(c.sqlite3(remove + "DELETE FROM movements WHERE id >= 3;") == 0);
    CHECK(c.verify_error() == "movement 3 is missing: movements up to 5 were recorded but the "
                              "ledger ends at 2 (removed from the file)");
  }
  SUBCASE("each movement's link moved one place on") {
    // Every link points at a real movement's hash, just not the one before.
    REQUIRE(c.sqlite3(edit + "UPDATE movements SET prev_hash = (SELECT p.hash FROM movements p "
                             "WHERE p.id = movements.id - 2) WHERE id >= 3;") == 0);
    CHECK(c.verify_error() == "movement 3: its link to movement 2 is broken (the previous hash "
                              "it records is not that movement's hash)");
  }
  SUBCASE("a movement's lot removed") {
    REQUIRE(c.sqlite3("DROP TRIGGER lots_no_delete; DELETE FROM balances WHERE lot_id = "
                      "(SELECT id FROM lots WHERE lot = 'L-A'); DELETE FROM lots WHERE lot = "
                      "'L-A';") == 0);
    CHECK(starts_with(c.verify_error(), "movement 2: its lot (id "));
    CHECK(c.verify_error().find("is not in the lots table (removed from the file)") !=
          std::string::npos);
  }
  SUBCASE("a movement's depot removed") {
    REQUIRE(c.sqlite3("DELETE FROM balances WHERE depot = 'YF-01'; DELETE FROM depots WHERE "
                      "code = 'YF-01';") == 0);
    CHECK(c.verify_error() == "movement 5: its depot YF-01 is not in the depots table (removed "
                              "from the file)");
  }
}

// Takes a ledger file back from schema version 10 to 9 as version 9 left it (same schema, same
// digest): the totals triggers looking up each balance's lot, and the kind check as a list (its
// text edited back to exactly what version 2 wrote, which version 10's edit looks for).
// From version 12 to 11: the movements and operations with AUTOINCREMENT again (their text as
// version 1 wrote it), their sequences back in sqlite_sequence (as SQLite keeps them: the
// highest id each table ever had), and no sequence in meta.
const std::string kBackToVersion11 =
    "PRAGMA writable_schema = ON;"
    "UPDATE sqlite_schema SET sql = replace(sql, 'id              INTEGER PRIMARY KEY,', "
    "'id              INTEGER PRIMARY KEY AUTOINCREMENT,') "
    "WHERE name IN ('movements', 'operations');"
    "PRAGMA writable_schema = OFF;"
    "INSERT INTO sqlite_sequence (name, seq) SELECT 'movements', CAST(value AS INTEGER) "
    "FROM meta WHERE key = 'movement_sequence' AND value <> '0';"
    "INSERT INTO sqlite_sequence (name, seq) SELECT 'operations', max(id) FROM operations "
    "HAVING max(id) IS NOT NULL;"
    "DELETE FROM meta WHERE key = 'movement_sequence';";

// From version 11 to 10: without the index of a stocktake's counts by lot.
const std::string kBackToVersion10 = kBackToVersion11 + "DROP INDEX stocktake_counts_lot;";

const std::string kBackToVersion9 =
    kBackToVersion10 + "DROP TRIGGER balances_insert_total; DROP TRIGGER balances_update_total;"
    "CREATE TRIGGER balances_insert_total AFTER INSERT ON balances BEGIN "
    "INSERT INTO stock_totals (depot, material, quantity) "
    "SELECT NEW.depot, l.material, NEW.quantity FROM lots l WHERE l.id = NEW.lot_id "
    "ON CONFLICT (depot, material) DO UPDATE SET quantity = quantity + excluded.quantity; END;"
    "CREATE TRIGGER balances_update_total AFTER UPDATE OF quantity ON balances BEGIN "
    "UPDATE stock_totals SET quantity = quantity + NEW.quantity - OLD.quantity "
    "WHERE depot = NEW.depot AND material = (SELECT l.material FROM lots l WHERE l.id = "
    "NEW.lot_id); END;"
    "PRAGMA writable_schema = ON;"
    "UPDATE sqlite_schema SET sql = replace(sql, "
    "'CHECK (kind = ''receive'' OR kind = ''issue'' OR kind = ''transfer-out'' OR\n"
    "                                 kind = ''transfer-in'' OR kind = ''dispose'' OR "
    "kind = ''return'' OR\n"
    "                                 kind = ''reverse'' OR kind = ''adjust'')', "
    "'CHECK (kind IN (''receive'', ''issue'', ''transfer-out'', ''transfer-in'',\n"
    "                                               ''dispose'', ''return'', ''reverse'', "
    "''adjust''))') WHERE name = 'movements';"
    "PRAGMA writable_schema = OFF;";

// From version 9 to 8: without the balances' copies of their lots' labels, with the index as
// it was.
const std::string kBackToVersion8 =
    kBackToVersion9 +
    "DROP INDEX balances_held_expiry;"
    "ALTER TABLE balances DROP COLUMN material; ALTER TABLE balances DROP COLUMN lot;"
    "ALTER TABLE balances DROP COLUMN production;"
    "CREATE INDEX balances_held_expiry ON balances (expiry, depot, lot_id, quantity)\n"
    "WHERE quantity > 0 AND expiry IS NOT NULL;";

// A movement row for the sqlite3 shell, of `kind`, valid in every other column (the shell does
// not check foreign keys).
std::string insert_movement_of_kind(const std::string& kind) {
  return "INSERT INTO movements (operation, date, recorded_at, kind, depot, lot_id, quantity, "
         "actor, prev_hash, hash) SELECT 1, '2026-11-21', '2026-11-21T00:00:00Z', '" +
         kind + "', 'LN-01', lot_id, 1000, actor, hash, 'x' FROM movements ORDER BY id DESC "
                "LIMIT 1;";
}

TEST_CASE("verify: a lot spread over five depots is summed per depot, past the first two") {
  // verify sums a lot's first two depots in slots of its own and any further depot in a table
  // beside them; the check must be the same wherever a depot's sum is kept, and whichever
  // thread summed each movement.
  ClosedLedger c;
  {
    auto l = Ledger::open(c.file, utc());
    for (const char* code : {"LN-02", "LN-03", "LN-04"}) {
      l.add_depot({DepotCode(code), "柳南区仓库", OrgCode("LN"), ""});
    }
    // L-A (5 at LN-01): 1 to YF-01 and 2 to LN-02, which passes 1 on to LN-03 and 1 to LN-04
    // and is left with none.
    const auto move = [&](const char* from, const char* to, const char* q) {
      (void)l.transfer({.from = DepotCode(from),
                        .to = DepotCode(to),
                        .material = MaterialCode("MED"),
                        .lot = LotNumber("L-A"),
                        .quantity = qty(q),
                        .date = day("2026-11-21"),
                        .actor = keeper()});
    };
    move("LN-01", "YF-01", "1");
    move("LN-01", "LN-02", "2");
    move("LN-02", "LN-03", "1");
    move("LN-02", "LN-04", "1");
    CHECK(l.verify().movements == 13);
  }
  REQUIRE(c.query("SELECT count(*) FROM balances WHERE lot_id = (SELECT id FROM lots WHERE lot "
                  "= 'L-A') AND quantity > 0;") == "4\n");
  const std::string lot_a = "(SELECT id FROM lots WHERE lot = 'L-A')";
  // verify's first complaint after one depot's balance of L-A is set to `thousandths`.
  const auto with_balance = [&](const std::string& depot, int thousandths) {
    REQUIRE(c.sqlite3("UPDATE balances SET quantity = " + std::to_string(thousandths) +
                      " WHERE depot = '" + depot + "' AND lot_id = " + lot_a + ";") == 0);
    return c.verify_error();
  };
  SUBCASE("a balance of the fourth depot tampered with") {
    CHECK(with_balance("LN-04", 2000) == "balance of depot LN-04, material MED, lot L-A: the "
                                         "balances table holds 2 but the movements add up to 1");
  }
  SUBCASE("a balance of the third depot deleted") {
    REQUIRE(c.sqlite3("DELETE FROM balances WHERE depot = 'LN-03' AND lot_id = " + lot_a +
                      ";") == 0);
    CHECK(c.verify_error() == "balance of depot LN-03, material MED, lot L-A: missing from the "
                              "balances table; the movements add up to 1");
  }
  SUBCASE("the first depot's balance tampered with") {
    CHECK(with_balance("LN-01", 3000) == "balance of depot LN-01, material MED, lot L-A: the "
                                         "balances table holds 3 but the movements add up to 2");
  }
  SUBCASE("an emptied depot's zero balance given stock") {
    CHECK(with_balance("LN-02", 1000) == "balance of depot LN-02, material MED, lot L-A: the "
                                         "balances table holds 1 but the movements add up to 0");
  }
}

// One more TENT received at LN-01: the movement a test writes after tampering or a migration.
ReceiveRequest one_more_tent() {
  return {.depot = DepotCode("LN-01"),
          .material = MaterialCode("TENT"),
          .lot = std::nullopt,
          .quantity = qty("1"),
          .date = day("2026-11-21"),
          .actor = keeper()};
}

TEST_CASE("verify: a ledger made before schema version 12 keeps its movement sequence") {
  ClosedLedger c;
  REQUIRE(c.sqlite3(kBackToVersion11 + "PRAGMA user_version = 11;") == 0);
  REQUIRE(c.query("SELECT seq FROM sqlite_sequence WHERE name = 'movements';") == "5\n");
  SUBCASE("as it was") {
    {
      auto l = Ledger::open(c.file, utc());
      CHECK(l.schema_version() == 12);
      CHECK(l.schema_version() == Ledger::latest_schema_version());
      CHECK(l.verify().head_hash == c.head);
      // The next id follows on, and the write records it.
      const auto posted = l.receive(one_more_tent());
      REQUIRE(posted.movements.size() == 1);
      CHECK(posted.movements.front().id == 6);
      CHECK(l.verify().movements == 6);
    }
    CHECK(c.query("SELECT count(*) FROM sqlite_schema WHERE name IN ('movements', "
                  "'operations') AND sql LIKE '%AUTOINCREMENT%';") == "0\n");
    CHECK(c.query("SELECT count(*) FROM sqlite_sequence WHERE name IN ('movements', "
                  "'operations');") == "0\n");
    CHECK(c.query("SELECT value FROM meta WHERE key = 'movement_sequence';") == "6\n");
    CHECK(c.query("PRAGMA integrity_check;") == "ok\n");
    CHECK(c.query("PRAGMA user_version;") == "12\n");
  }
  SUBCASE("with its last movement removed before the migration") {
    // sqlite_sequence still says 5: the migration must carry that over, not the table's 4.
    REQUIRE(c.sqlite3("DROP TRIGGER movements_no_delete;"
                      "DELETE FROM movements WHERE id = 5;"
                      "CREATE TRIGGER movements_no_delete BEFORE DELETE ON movements "
                      "BEGIN SELECT RAISE(ABORT, 'movements are append-only: record a "
                      "reversal instead'); END;") == 0);
    REQUIRE(c.query("SELECT seq FROM sqlite_sequence WHERE name = 'movements';") == "5\n");
    CHECK(c.verify_error() == "movement 5 is missing: movements up to 5 were recorded but the "
                              "ledger ends at 4 (removed from the file)");
    CHECK(c.query("SELECT value FROM meta WHERE key = 'movement_sequence';") == "5\n");
  }
}

TEST_CASE("verify: a removed last movement stays missing after the next write") {
  // The sequence in meta is not lowered by a write: the next movement does not take the
  // removed one's id (which would hide the gap), and verify keeps naming it.
  ClosedLedger c;
  REQUIRE(c.sqlite3("DROP TRIGGER movements_no_delete;"
                    "DELETE FROM movements WHERE id = 5;"
                    "CREATE TRIGGER movements_no_delete BEFORE DELETE ON movements "
                    "BEGIN SELECT RAISE(ABORT, 'movements are append-only: record a "
                    "reversal instead'); END;") == 0);
  {
    auto l = Ledger::open(c.file, utc());
    const auto posted = l.receive(one_more_tent());
    REQUIRE(posted.movements.size() == 1);
    CHECK(posted.movements.front().id == 6);
  }
  CHECK(c.query("SELECT value FROM meta WHERE key = 'movement_sequence';") == "6\n");
  CHECK(c.verify_error() == "movement 5 is missing: the ledger jumps from movement 4 to 6 "
                            "(removed from the file)");
}

TEST_CASE("verify: a ledger made before schema version 11 gets the counts' index by lot") {
  ClosedLedger c;
  REQUIRE(c.sqlite3(kBackToVersion10 + "PRAGMA user_version = 10;") == 0);
  REQUIRE(c.query("SELECT count(*) FROM sqlite_schema WHERE name = 'stocktake_counts_lot';") ==
          "0\n");
  {
    auto l = Ledger::open(c.file, utc());
    CHECK(l.schema_version() == Ledger::latest_schema_version());
    CHECK(l.verify().head_hash == c.head);
  }
  CHECK(c.query("SELECT sql FROM sqlite_schema WHERE name = 'stocktake_counts_lot';") ==
        "CREATE INDEX stocktake_counts_lot ON stocktake_counts (stocktake, lot_id)\n");
  CHECK(c.query("PRAGMA user_version;") == "12\n");
}

TEST_CASE("verify: a ledger made before schema version 10 keeps the kind check and its totals") {
  ClosedLedger c;
  // Version 9 kept a total of zero for a material a depot no longer held.
  REQUIRE(c.sqlite3(kBackToVersion9 + "INSERT INTO stock_totals VALUES ('YF-01', 'MED', 0);" +
                    "PRAGMA user_version = 9;") == 0);
  // Version 9 as it was: its schema is accepted, and the list check refuses a made-up kind.
  CHECK(c.sqlite3(insert_movement_of_kind("steal")) != 0);
  {
    auto l = Ledger::open(c.file, utc());
    CHECK(l.schema_version() == Ledger::latest_schema_version());
    CHECK(l.verify().head_hash == c.head);
  }
  // The migration removed the zero total.
  CHECK(c.query("SELECT depot, material, quantity FROM stock_totals ORDER BY 1, 2;") ==
        "LN-01|MED|5000\nLN-01|TENT|5000\nYF-01|TENT|6000\n");
  {
    auto l = Ledger::open(c.file, utc());
    // The new triggers keep the totals: a first balance (insert) and a changed one (update).
    (void)l.receive({.depot = DepotCode("YF-01"),
                     .material = MaterialCode("MED"),
                     .lot = LotNumber("L-A"),
                     .quantity = qty("2"),
                     .date = day("2026-11-21"),
                     .actor = keeper()});
    (void)l.issue({.depot = DepotCode("LN-01"),
                   .material = MaterialCode("MED"),
                   .lot = LotNumber("L-A"),
                   .quantity = qty("1"),
                   .date = day("2026-11-21"),
                   .actor = keeper()});
    const auto totals = l.stock_totals({}, StockGrouping::Depot);
    REQUIRE(totals.size() == 4);
    CHECK(totals[0].depot->str() == "LN-01");
    CHECK(totals[0].material.str() == "MED");
    CHECK(totals[0].quantity.to_string() == "4");
    CHECK(totals[2].depot->str() == "YF-01");
    CHECK(totals[2].material.str() == "MED");
    CHECK(totals[2].quantity.to_string() == "2");
    CHECK_NOTHROW((void)l.verify()); // recomputes the totals from the balances
  }
  CHECK(c.query("SELECT depot, material, quantity FROM stock_totals ORDER BY 1, 2;") ==
        "LN-01|MED|4000\nLN-01|TENT|5000\nYF-01|MED|2000\nYF-01|TENT|6000\n");
  // The edited check still refuses what the list refused, and takes what it took.
  CHECK(c.sqlite3(insert_movement_of_kind("steal")) != 0);
  CHECK(c.sqlite3(insert_movement_of_kind("")) != 0);
  CHECK(c.sqlite3(insert_movement_of_kind("Receive")) != 0);
  CHECK(c.sqlite3(insert_movement_of_kind("receive")) == 0);
}

TEST_CASE("verify: a version 9 ledger whose kind check text was rewritten is not migrated") {
  // Version 10 edits the exact text version 2 wrote; the same check laid out differently (as
  // only an edit of the schema by hand makes it) stops the migration with the file as it was.
  ClosedLedger c;
  REQUIRE(c.sqlite3(kBackToVersion9 +
                    "PRAGMA writable_schema = ON;"
                    "UPDATE sqlite_schema SET sql = replace(sql, ',\n"
                    "                                               ''dispose''', "
                    "', ''dispose''') WHERE name = 'movements';"
                    "PRAGMA writable_schema = OFF; PRAGMA user_version = 9;") == 0);
  REQUIRE(c.query("SELECT instr(sql, 'transfer-in'', ''dispose') > 0 FROM sqlite_schema "
                  "WHERE name = 'movements';") == "1\n");
  try {
    (void)Ledger::open(c.file, utc());
    FAIL("opened");
  } catch (const IntegrityError& e) {
    CHECK(e.exit_code() == 3);
    CHECK(std::string(e.what()) == "schema version 10: the edit of the schema's text matched 0 "
                                   "objects instead of 1; nothing was changed (a table's SQL "
                                   "text is not as stockpile wrote it: restore the file from a "
                                   "copy)");
  }
  CHECK(c.query("PRAGMA user_version;") == "9\n");
}

TEST_CASE("verify: a total that comes to zero is removed and comes back with the stock") {
  ClosedLedger c;
  const auto totals = [&] {
    return c.query("SELECT depot, material, quantity FROM stock_totals ORDER BY 1, 2;");
  };
  {
    auto l = Ledger::open(c.file, utc());
    // YF-01 gives out all 6 of its tents: the balance stays (at zero), the total goes.
    (void)l.issue({.depot = DepotCode("YF-01"),
                   .material = MaterialCode("TENT"),
                   .lot = std::nullopt,
                   .quantity = qty("6"),
                   .date = day("2026-11-21"),
                   .actor = keeper()});
  }
  CHECK(totals() == "LN-01|MED|5000\nLN-01|TENT|5000\n");
  CHECK(c.query("SELECT quantity FROM balances WHERE depot = 'YF-01';") == "0\n");
  CHECK(c.verify_error() == "(verified)"); // a missing total of zero is no problem
  {
    auto l = Ledger::open(c.file, utc());
    // Tents come back to the same (emptied) balance: the total is there again.
    (void)l.transfer({.from = DepotCode("LN-01"),
                      .to = DepotCode("YF-01"),
                      .material = MaterialCode("TENT"),
                      .lot = std::nullopt,
                      .quantity = qty("2"),
                      .date = day("2026-11-21"),
                      .actor = keeper()});
    const auto stock = l.stock_totals({}, StockGrouping::Depot);
    REQUIRE(stock.size() == 3);
    CHECK(stock[2].depot->str() == "YF-01");
    CHECK(stock[2].material.str() == "TENT");
    CHECK(stock[2].quantity.to_string() == "2");
  }
  CHECK(totals() == "LN-01|MED|5000\nLN-01|TENT|3000\nYF-01|TENT|2000\n");
  CHECK(c.verify_error() == "(verified)");
}

TEST_CASE("verify: a new ledger's kind check refuses a made-up kind") {
  ClosedLedger c;
  CHECK(c.sqlite3(insert_movement_of_kind("steal")) != 0);
  CHECK(c.sqlite3(insert_movement_of_kind("transfer")) != 0);
  for (const char* kind : {"receive", "issue", "transfer-out", "transfer-in", "dispose", "return",
                           "reverse", "adjust"}) {
    CAPTURE(kind);
    CHECK(c.sqlite3(insert_movement_of_kind(kind)) == 0);
  }
}

TEST_CASE("verify: a ledger made before schema version 9 gets its balances' lot labels") {
  ClosedLedger c;
  REQUIRE(c.sqlite3(kBackToVersion8 + "PRAGMA user_version = 8;") == 0);
  auto l = Ledger::open(c.file, utc());
  CHECK(l.schema_version() == Ledger::latest_schema_version());
  CHECK(l.verify().head_hash == c.head); // the copies were filled from the lots
  // The window is read from the balances' copies: MED L-A at LN-01 with its name and expiry.
  StockQuery window;
  window.expiring_by = day("2027-01-31");
  auto lines = l.stock(window);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].depot.str() == "LN-01");
  CHECK(lines[0].material.str() == "MED");
  CHECK(lines[0].name == "药品");
  CHECK(lines[0].lot.number.str() == "L-A");
  CHECK(lines[0].lot.expiry == day("2027-01-31"));
  CHECK_FALSE(lines[0].lot.production.has_value());
  // A lot received after the migration gets its copies as its balance is first written.
  (void)l.receive({.depot = DepotCode("YF-01"),
                   .material = MaterialCode("MED"),
                   .lot = LotNumber("L-B"),
                   .quantity = qty("2"),
                   .date = day("2026-11-21"),
                   .actor = keeper(),
                   .production = day("2025-01-15"),
                   .expiry = day("2027-01-15")});
  lines = l.stock(window);
  REQUIRE(lines.size() == 2);
  CHECK(lines[1].depot.str() == "YF-01");
  CHECK(lines[1].lot.number.str() == "L-B");
  CHECK(lines[1].lot.production == day("2025-01-15"));
  CHECK_NOTHROW((void)l.verify());
}

TEST_CASE("verify: a ledger made before schema version 8 gets its totals and expiry copies") {
  // Version 8 derives stock_totals and balances.expiry from what the file already holds. The
  // file is taken back to version 7 as it was (same schema, same digest), then reopened.
  ClosedLedger c;
  REQUIRE(c.sqlite3(kBackToVersion8 +
                    "DROP TRIGGER balances_insert_total; DROP TRIGGER balances_update_total;"
                    "DROP INDEX balances_held_expiry; DROP TABLE stock_totals;"
                    "ALTER TABLE balances DROP COLUMN expiry; PRAGMA user_version = 7;") == 0);
  auto l = Ledger::open(c.file, utc());
  CHECK(l.verify().head_hash == c.head);
  // The totals came from the balances: TENT 5 at LN-01 (15 - 4 - 6), 6 at YF-01; MED 5.
  const auto totals = l.stock_totals({}, StockGrouping::Depot);
  REQUIRE(totals.size() == 3);
  CHECK(totals[0].depot->str() == "LN-01");
  CHECK(totals[0].material.str() == "MED");
  CHECK(totals[0].quantity == qty("5"));
  CHECK(totals[1].material.str() == "TENT");
  CHECK(totals[1].quantity == qty("5"));
  CHECK(totals[2].depot->str() == "YF-01");
  CHECK(totals[2].quantity == qty("6"));
  // The expiry copy is in place: the lot shows in a window that reaches its expiry, and later
  // movements keep the totals.
  StockQuery window;
  window.expiring_by = day("2027-01-31");
  CHECK(l.stock(window).size() == 1);
  window.expiring_by = day("2027-01-30");
  CHECK(l.stock(window).empty());
  (void)l.issue({.depot = DepotCode("LN-01"),
                 .material = MaterialCode("TENT"),
                 .lot = std::nullopt,
                 .quantity = qty("5"),
                 .date = day("2026-11-21"),
                 .actor = keeper()});
  CHECK(l.stock_totals({}, StockGrouping::Depot).size() == 2); // LN-01 holds no TENT now
  CHECK_NOTHROW((void)l.verify());
}

namespace {

// An import keeps the balances it moves in memory and writes each once at the end, or when
// its book is full (lib/balance_book.hpp). What it leaves must be what the same movements
// posted one by one leave: the same balance rows (an emptied one stays, at zero) and the same
// totals (none at zero), in a file that verifies. Run with the book's own capacity and with
// books so small that they are written and emptied between the rows of the file.
void check_import_matches_posting(std::size_t capacity) {
  const detail::ImportBookCapacity book(capacity);
  ClosedLedger one_by_one, imported; // each: LN-01 holds 5 TENT and 5 MED L-A, YF-01 6 TENT
  {
    auto l = Ledger::open(one_by_one.file, utc());
    const auto receive = [&](const char* depot, const char* material,
                             std::optional<LotNumber> lot, const char* q,
                             std::optional<Date> expiry) {
      (void)l.receive({.depot = DepotCode(depot),
                       .material = MaterialCode(material),
                       .lot = std::move(lot),
                       .quantity = qty(q),
                       .date = day("2026-11-21"),
                       .actor = keeper(),
                       .production = std::nullopt,
                       .expiry = expiry});
    };
    const auto issue = [&](const char* depot, const char* material,
                           std::optional<LotNumber> lot, const char* q, const char* date) {
      (void)l.issue({.depot = DepotCode(depot),
                     .material = MaterialCode(material),
                     .lot = std::move(lot),
                     .quantity = qty(q),
                     .date = day(date),
                     .actor = keeper()});
    };
    receive("LN-01", "MED", LotNumber("L-B"), "8", day("2027-03-31")); // new, then emptied
    issue("LN-01", "MED", LotNumber("L-B"), "8", "2026-11-21");
    (void)l.transfer({.from = DepotCode("LN-01"),
                      .to = DepotCode("YF-01"),
                      .material = MaterialCode("TENT"),
                      .lot = std::nullopt,
                      .quantity = qty("5"),
                      .date = day("2026-11-21"),
                      .actor = keeper()}); // LN-01's tents all gone, YF-01's 6 -> 11
    issue("LN-01", "MED", LotNumber("L-A"), "2", "2026-11-21");
    issue("LN-01", "MED", LotNumber("L-A"), "1", "2026-11-20"); // dated before the last one
    receive("YF-01", "MED", LotNumber("L-C"), "4", day("2027-05-31")); // YF-01's only MED
    issue("YF-01", "MED", LotNumber("L-C"), "4", "2026-11-21");
    receive("LN-01", "TENT", std::nullopt, "1", std::nullopt); // the emptied balance refilled
  }
  const auto result = Ledger::open(imported.file, utc())
                          .import_movements("operation,kind,date,depot,material,lot,quantity,"
                                            "expiry,actor\n"
                                            "1,receive,2026-11-21,LN-01,MED,L-B,8,2027-03-31,wang.li\n"
                                            "2,issue,2026-11-21,LN-01,MED,L-B,8,,wang.li\n"
                                            "3,transfer-out,2026-11-21,LN-01,TENT,,-5,,wang.li\n"
                                            "3,transfer-in,2026-11-21,YF-01,TENT,,5,,wang.li\n"
                                            "4,issue,2026-11-21,LN-01,MED,L-A,2,,wang.li\n"
                                            "5,issue,2026-11-20,LN-01,MED,L-A,1,,wang.li\n"
                                            "6,receive,2026-11-21,YF-01,MED,L-C,4,2027-05-31,wang.li\n"
                                            "7,issue,2026-11-21,YF-01,MED,L-C,4,,wang.li\n"
                                            "8,receive,2026-11-21,LN-01,TENT,,1,,wang.li\n",
                                            "book.csv");
  CHECK(result.movements_written == 9);

  const std::string balances = "SELECT depot, lot_id, quantity, expiry, material, lot, "
                               "production FROM balances ORDER BY depot, lot_id;";
  const std::string totals = "SELECT depot, material, quantity FROM stock_totals ORDER BY 1, 2;";
  CHECK(imported.query(balances) == one_by_one.query(balances));
  CHECK(imported.query(totals) == one_by_one.query(totals));
  // What both must be, written out: L-B and L-C emptied (their rows stay, at zero); no total
  // of zero, so YF-01 has no MED total.
  CHECK(imported.query(totals) == "LN-01|MED|2000\nLN-01|TENT|1000\nYF-01|TENT|11000\n");
  CHECK(imported.query("SELECT lot, quantity FROM balances WHERE material = 'MED' "
                       "ORDER BY depot, lot;") == "L-A|2000\nL-B|0\nL-C|0\n");
  CHECK(imported.verify_error() == "(verified)");
  CHECK(one_by_one.verify_error() == "(verified)");

  // A row dated before a later one may not take what the later days need, whenever the book
  // was last written: L-A at LN-01 held 4 at the end of the 20th and holds 2 since the 21st,
  // so 3 more taken on the 20th would leave the 21st at -1.
  const auto refused = [&] {
    try {
      (void)Ledger::open(imported.file, utc())
          .import_movements("kind,date,depot,material,lot,quantity,actor\n"
                            "receive,2026-11-21,LN-01,TENT,,3,wang.li\n"
                            "issue,2026-11-20,LN-01,MED,L-A,3,wang.li\n",
                            "late.csv");
    } catch (const ImportError& e) {
      return e.errors().size() == 1 && e.errors()[0].line == 3;
    }
    return false;
  };
  CHECK(refused());
  CHECK(imported.query(totals) == "LN-01|MED|2000\nLN-01|TENT|1000\nYF-01|TENT|11000\n");
}

} // namespace

TEST_CASE("verify: an import leaves the balances and totals that posting one by one leaves") {
  SUBCASE("the import's book") { check_import_matches_posting(detail::BalanceBook::kCapacity); }
  SUBCASE("a book of one balance") { check_import_matches_posting(1); }
  SUBCASE("a book of two balances") { check_import_matches_posting(2); }
  SUBCASE("a book of three balances") { check_import_matches_posting(3); }
}
