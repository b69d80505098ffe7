// Security (issue 9): a ledger file from someone else may carry SQL of its own — an extra
// trigger that fires inside stockpile's writes, a view, one of stockpile's own triggers
// redefined to do nothing. Opening such a file is refused with IntegrityError (exit 3) naming
// the object, before any statement runs: the file keeps every byte, and no other file is
// touched. The files are crafted the way someone would: with SQLite, outside stockpile.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <typeinfo>

#include "stockpile/error.hpp"
#include "stockpile/ledger.hpp"
#include "support/temp_ledger.hpp"

using namespace stockpile;

namespace {

OpenOptions fs_options() {
  auto o = stockpile::testing::fixed_clock();
  o.time_zone = "UTC";
  return o;
}

ReceiveRequest fs_receipt(const char* lot) {
  return {.depot = DepotCode("LN-01"),
          .material = MaterialCode("TENT"),
          .lot = LotNumber(lot),
          .quantity = Quantity::parse("10"),
          .date = Date::parse("2026-11-20"),
          .actor = CustodianId("wang.li")};
}

// A closed ledger with reference data and one receipt.
void make_ledger(const std::filesystem::path& file) {
  auto l = Ledger::create(file, fs_options());
  l.add_organisation({OrgCode("LZ"), "柳州市", OrgLevel::City, std::nullopt});
  l.add_depot({DepotCode("LN-01"), "柳南区救灾物资仓库", OrgCode("LZ"), ""});
  l.add_custodian({CustodianId("wang.li"), "王丽", "", parse_roles("keeper"),
                   {DepotCode("LN-01")}});
  Material tent{MaterialCode("TENT")};
  tent.name = "帐篷";
  tent.unit = "顶";
  l.add_material(tent);
  (void)l.receive(fs_receipt("T1"));
}

// Runs SQL on the file with plain SQLite (no defensive mode): what a crafter would do.
void craft(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.string().c_str(), &db) == SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  const std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  CAPTURE(message);
  REQUIRE(rc == SQLITE_OK);
}

std::string bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

// Opens the file and records a receipt; returns the message of the IntegrityError this is
// refused with (and checks it is one line), or what happened instead.
std::string refusal(const std::filesystem::path& file) {
  try {
    auto l = Ledger::open(file, fs_options());
    (void)l.receive(fs_receipt("T2"));
  } catch (const Error& e) {
    const std::string what = e.what();
    CHECK(what.find('\n') == std::string::npos);
    if (typeid(e) != typeid(IntegrityError)) {
      return std::string("[wrong type ") + typeid(e).name() + ", exit " +
             std::to_string(e.exit_code()) + "] " + what;
    }
    CHECK(e.exit_code() == 3);
    return what;
  }
  return "(opened and written)";
}

} // namespace

TEST_CASE("foreign schema: a ledger with SQL of its own is refused before it runs") {
  stockpile::testing::TempDir dir;
  const auto file = dir.path() / "crafted.db";
  // Another ledger next to it, as in a depot's folder: it must come out untouched.
  const auto neighbour = dir.path() / "neighbour.db";
  make_ledger(file);
  make_ledger(neighbour);
  const std::string neighbour_before = bytes(neighbour);

  std::string crafted_sql;
  std::string expected;
  SUBCASE("an extra trigger that would fire inside stockpile's receipt") {
    // Were it run, every receipt would silently inflate every balance.
    crafted_sql = "CREATE TRIGGER zz_inflate AFTER INSERT ON movements "
                  "BEGIN UPDATE balances SET quantity = quantity + 1000000; END;";
    expected = "ledger " + file.string() +
               ": trigger \"zz_inflate\" is not part of stockpile's schema (added outside "
               "stockpile)";
  }
  SUBCASE("an extra view") {
    crafted_sql = "CREATE VIEW stock_summary AS SELECT depot, sum(quantity) AS total "
                  "FROM balances GROUP BY depot;";
    expected = "ledger " + file.string() +
               ": view \"stock_summary\" is not part of stockpile's schema (added outside "
               "stockpile)";
  }
  SUBCASE("an extra trigger and an extra view together") {
    crafted_sql = "CREATE VIEW v_all AS SELECT * FROM movements;"
                  "CREATE TRIGGER a_spy BEFORE INSERT ON movements "
                  "BEGIN SELECT count(*) FROM v_all; END;";
    // The objects are checked in name order: the trigger a_spy comes first.
    expected = "ledger " + file.string() +
               ": trigger \"a_spy\" is not part of stockpile's schema (added outside stockpile)";
  }
  SUBCASE("an append-only trigger redefined to let edits through") {
    // verify checks that the trigger is there by name; only the schema check sees it gutted.
    crafted_sql = "DROP TRIGGER movements_no_delete;"
                  "CREATE TRIGGER movements_no_delete BEFORE DELETE ON movements "
                  "BEGIN SELECT 1; END;";
    expected = "ledger " + file.string() +
               ": trigger \"movements_no_delete\" differs from stockpile's schema (changed "
               "outside stockpile)";
  }
  SUBCASE("the trigger that keeps the stock totals removed") {
    // Writes would go on and `stock` would show totals that no longer follow the balances.
    crafted_sql = "DROP TRIGGER balances_update_total;";
    expected = "ledger " + file.string() +
               ": trigger \"balances_update_total\" is missing (removed outside stockpile)";
  }
  SUBCASE("a balances table with a column of its own") {
    crafted_sql = "ALTER TABLE balances ADD COLUMN note TEXT;";
    expected = "ledger " + file.string() +
               ": table \"balances\" differs from stockpile's schema (changed outside stockpile)";
  }

  craft(file, crafted_sql);
  const std::string crafted_before = bytes(file);
  const std::string message = refusal(file);
  CAPTURE(message);
  CHECK(starts_with(message, expected));
  // Refused before a statement ran: not a byte of either file changed, and no write-ahead
  // log holds anything either.
  CHECK(bytes(file) == crafted_before);
  CHECK((!std::filesystem::exists(file.string() + "-wal") ||
         std::filesystem::file_size(file.string() + "-wal") == 0));
  CHECK(bytes(neighbour) == neighbour_before);
  // The neighbour still opens, verifies and holds its one receipt.
  auto l = Ledger::open(neighbour, fs_options());
  CHECK(l.verify().movements == 1);
}

TEST_CASE("foreign schema: a trigger aimed at another file cannot be loaded at all") {
  // SQL stored in a file cannot ATTACH, and a trigger in it that names another database's
  // table is refused by SQLite when the schema is read. Planted with writable_schema (the only
  // way to store one), the file does not open, and the other file keeps every byte.
  stockpile::testing::TempDir dir;
  const auto file = dir.path() / "crafted.db";
  const auto target = dir.path() / "target.db";
  make_ledger(file);
  make_ledger(target);
  craft(file, "PRAGMA writable_schema = ON;"
              "INSERT INTO sqlite_schema (type, name, tbl_name, rootpage, sql) VALUES "
              "('trigger', 'zz_reach', 'movements', 0, 'CREATE TRIGGER zz_reach AFTER INSERT ON "
              "movements BEGIN INSERT INTO target.balances (depot, lot_id, quantity) "
              "VALUES (''LN-01'', 1, 1); END');");
  const std::string crafted_before = bytes(file);
  const std::string target_before = bytes(target);
  std::string message;
  int exit = 0;
  try {
    auto l = Ledger::open(file, fs_options());
    (void)l.receive(fs_receipt("T2"));
  } catch (const Error& e) {
    message = e.what();
    exit = e.exit_code();
  }
  CAPTURE(message);
  CHECK((exit == 3 || exit == 4)); // SQLite reports it as a malformed schema (exit 4 today)
  CHECK(message.find("zz_reach") != std::string::npos);
  CHECK(message.find('\n') == std::string::npos);
  CHECK(bytes(file) == crafted_before);
  CHECK(bytes(target) == target_before);
}

TEST_CASE("foreign schema: a ledger exactly as stockpile made it opens") {
  // The check compares with the schema this build creates; a file it made must pass, or the
  // refusals above would prove nothing.
  stockpile::testing::TempDir dir;
  const auto file = dir.path() / "ledger.db";
  make_ledger(file);
  // ANALYZE's statistics tables (PRAGMA optimize, the sqlite3 shell) only steer the planner.
  craft(file, "ANALYZE;");
  auto l = Ledger::open(file, fs_options());
  (void)l.receive(fs_receipt("T2"));
  CHECK(l.verify().movements == 2);
}
