// Security (issue 9): every value reaches SQLite as a bound parameter, never inside the SQL
// text. A trace hook on every connection records the SQL text of each statement as prepared
// (SQLITE_TRACE_STMT gives it with parameters unexpanded); a workload then writes and reads
// codes and free text that all carry a marker, and no statement's text may contain it. A
// value pasted into SQL by string concatenation would show up in the text and fail this test,
// whichever function built it.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <mutex>
#include <string>
#include <vector>

#include "stockpile/ledger.hpp"
#include "support/temp_ledger.hpp"

using namespace stockpile;

namespace {

constexpr std::string_view kMarker = "ZQXJ";

std::mutex g_mutex;
std::vector<std::string> g_statements;

int on_trace(unsigned type, void*, void* stmt, void* text) {
  if (type != SQLITE_TRACE_STMT) return 0;
  const char* sql = static_cast<const char*>(text);
  // Statements run from a trigger are traced as "-- comment"; the prepared text is enough.
  std::string recorded = sql ? sql : "";
  if (recorded.rfind("--", 0) == 0) recorded = sqlite3_sql(static_cast<sqlite3_stmt*>(stmt));
  const std::lock_guard lock(g_mutex);
  g_statements.push_back(std::move(recorded));
  return 0;
}

int install_trace(sqlite3* db, char**, const sqlite3_api_routines*) {
  sqlite3_trace_v2(db, SQLITE_TRACE_STMT, on_trace, nullptr);
  return SQLITE_OK;
}

} // namespace

TEST_CASE("security: values are bound parameters, never part of the SQL text") {
  // NOLINTNEXTLINE: sqlite3_auto_extension takes a void(*)(void) by design.
  sqlite3_auto_extension(reinterpret_cast<void (*)()>(install_trace));
  {
    const std::lock_guard lock(g_mutex);
    g_statements.clear();
  }
  {
    stockpile::testing::TempLedger t;
    Ledger& l = t.ledger;
    // Codes and every free-text field carry the marker; the text also carries SQL
    // metacharacters, which must be stored as they are.
    const std::string evil = std::string(kMarker) + "'; DROP TABLE movements; --";
    l.import_organisations("code,name,level,parent\nLZ-ZQXJ,\"" + evil + "\",city,\n", "o");
    l.import_depots("code,name,org,address\nD-ZQXJ,\"" + evil + "\",LZ-ZQXJ,\"" + evil + "\"\n",
                    "d");
    l.import_custodians("id,name,phone,roles,depots\n"
                        "k-ZQXJ,\"" + evil + "\",+86 0772,keeper,D-ZQXJ\n"
                        "r-ZQXJ,r,,responsible,D-ZQXJ\n",
                        "c");
    l.import_materials("code,name,unit,specification,shelf_life\n"
                       "M-ZQXJ,\"" + evil + "\",ZQXJ箱,\"" + evil + "\",2y\n",
                       "m");
    const auto moved = l.import_movements(
        "id,kind,date,depot,material,lot,quantity,actor,counterparty,document,note,reason,"
        "approver,reverses,idempotency_key\n"
        "1,receive,2026-01-05,D-ZQXJ,M-ZQXJ,L-ZQXJ,100,k-ZQXJ,\"" + evil + "\",\"" + evil +
            "\",\"" + evil + "\",,,,key-ZQXJ-1\n"
        "2,issue,2026-01-06,D-ZQXJ,M-ZQXJ,L-ZQXJ,10,k-ZQXJ,,,,,,,key-ZQXJ-2\n"
        "3,reverse,2026-01-07,D-ZQXJ,M-ZQXJ,L-ZQXJ,10,k-ZQXJ,,,,\"" + evil + "\",,2,key-ZQXJ-3\n"
        "4,dispose,2026-01-08,D-ZQXJ,M-ZQXJ,L-ZQXJ,1,k-ZQXJ,,,,damaged,r-ZQXJ,,key-ZQXJ-4\n",
        "mv");
    CHECK(moved.movements_written == 4);
    // The same file again: the idempotency keys are looked up (bound) and nothing is written.
    CHECK(l.import_movements("kind,date,depot,material,lot,quantity,actor,idempotency_key\n"
                             "receive,2026-01-05,D-ZQXJ,M-ZQXJ,L-ZQXJ,5,k-ZQXJ,key-ZQXJ-9\n",
                             "mv2")
              .operations_written == 1);

    const auto st = l.start_stocktake({.depot = DepotCode("D-ZQXJ"),
                                       .materials = {},
                                       .blind = false,
                                       .date = Date::parse("2026-11-20"),
                                       .actor = CustodianId("k-ZQXJ")});
    l.count(st.id, {.material = MaterialCode("M-ZQXJ"),
                    .lot = LotNumber("L-ZQXJ"),
                    .quantity = Quantity::parse("100"),
                    .counter = CustodianId("k-ZQXJ"),
                    .expiry = std::nullopt,
                    .note = evil});
    (void)l.close_stocktake(st.id, {.approver = CustodianId("r-ZQXJ"),
                                    .actor = CustodianId("r-ZQXJ"),
                                    .date = Date::parse("2026-11-20"),
                                    .default_reason = VarianceReason::Other,
                                    .reasons = {},
                                    .note = evil,
                                    .uncounted = Uncounted::Keep});

    // Reads with every filter.
    (void)l.stock(StockQuery{.depot = DepotCode("D-ZQXJ"),
                             .material = MaterialCode("M-ZQXJ"),
                             .org = OrgCode("LZ-ZQXJ"),
                             .as_of = Date::parse("2026-06-01"),
                             .include_zero = true});
    (void)l.movements(MovementQuery{.depot = DepotCode("D-ZQXJ"),
                                    .material = MaterialCode("M-ZQXJ"),
                                    .lot = LotNumber("L-ZQXJ"),
                                    .kind = MovementKind::Issue,
                                    .incident = std::nullopt,
                                    .from = Date::parse("2026-01-01"),
                                    .to = Date::parse("2026-12-31")});
    (void)l.lots(MaterialCode("M-ZQXJ"));
    (void)l.material(MaterialCode("M-ZQXJ"));
    (void)l.organisation_subtree(OrgCode("LZ-ZQXJ"));
    CHECK_THROWS_AS((void)l.material(MaterialCode("NO-ZQXJ")), NotFound);
    (void)l.verify();

    // The text went in and came back as it was.
    CHECK(l.material(MaterialCode("M-ZQXJ")).name == evil);
    CHECK(l.movements().front().note == evil);
  }
  sqlite3_cancel_auto_extension(reinterpret_cast<void (*)()>(install_trace));

  const std::lock_guard lock(g_mutex);
  REQUIRE(g_statements.size() > 50); // the hook saw the workload
  std::vector<std::string> leaked;
  for (const auto& sql : g_statements) {
    if (sql.find(kMarker) != std::string::npos) leaked.push_back(sql);
  }
  for (const auto& sql : leaked) MESSAGE("value inside SQL text: " << sql);
  CHECK(leaked.empty());
}
