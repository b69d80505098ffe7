// The import's balance book (lib/balance_book.hpp): balances kept in memory through a bulk
// write and written once each; when it holds its capacity it writes what it has and starts
// again, so that a large import's memory stays bounded. What the checks rely on: the book's
// balance is the ledger's until set, a flush writes each balance set, and after a flush the
// balances are read back from the ledger.
#include <doctest/doctest.h>

#include "balance_book.hpp"
#include "stockpile/error.hpp"
#include "stockpile/ledger.hpp"
#include "store/sqlite_store.hpp"
#include "support/temp_ledger.hpp"

using namespace stockpile;

namespace {

Quantity qty(const char* text) { return Quantity::parse(text); }

// An Error, so that the store passes it through (anything else becomes a StorageError).
struct RolledBack : Error {
  RolledBack() : Error("rolled back") {}
};

} // namespace

TEST_CASE("balance book: set balances are written when it is full and when it is flushed") {
  stockpile::testing::TempDir dir;
  const auto file = dir.path() / "ledger.db";
  {
    auto l = Ledger::create(file, stockpile::testing::fixed_clock());
    l.import_organisations("code,name,level,parent\nLZ,柳州市,city,\n", "orgs");
    l.import_depots("code,name,org,address\nLZ-01,市级仓库,LZ,\nLZ-02,二号仓库,LZ,\n", "depots");
    l.import_custodians("id,name,phone,roles,depots\nwang.li,王丽,,keeper,LZ-01;LZ-02\n",
                        "custodians");
    l.import_materials("code,name,unit,shelf_life,lot_tracked\nMED,药品,盒,24m,yes\n",
                       "materials");
    (void)l.import_movements("kind,date,depot,material,lot,quantity,production,actor\n"
                             "receive,2026-01-05,LZ-01,MED,L-A,5,2025-12-01,wang.li\n"
                             "receive,2026-01-05,LZ-01,MED,L-B,3,2025-12-01,wang.li\n"
                             "receive,2026-01-05,LZ-02,MED,L-C,2,2025-12-01,wang.li\n",
                             "opening.csv");
  }
  store::SqliteStore store(file, store::OpenMode::OpenExisting, {});
  const auto id = [&](const char* lot) { return store.lot("MED", lot)->id; };
  const auto a = id("L-A"), b = id("L-B"), c = id("L-C");

  CHECK_THROWS_AS(store.write([&] {
    detail::BalanceBook book(store, 2);
    CHECK(book.balance("LZ-01", a) == qty("5")); // the ledger's, until set
    book.set("LZ-01", a, qty("4"));
    book.set("LZ-01", b, qty("1"));
    CHECK(book.size() == 2);
    CHECK(store.balance("LZ-01", a) == qty("5")); // not written yet
    CHECK(book.balance("LZ-02", c) == qty("2")); // a third balance: full, so a and b written
    CHECK(book.size() == 1);
    CHECK(store.balance("LZ-01", a) == qty("4"));
    CHECK(store.balance("LZ-01", b) == qty("1"));
    CHECK(book.balance("LZ-01", a) == qty("4")); // read back from the ledger
    book.set("LZ-02", c, qty("0"));
    CHECK(store.balance("LZ-02", c) == qty("2"));
    // A balance LZ-02 never held: full again, so c is written (LZ-01's a, only read since the
    // last flush, is not), then a new row once flushed.
    book.set("LZ-02", a, qty("7"));
    CHECK(book.size() == 1);
    CHECK(store.balance("LZ-02", c) == qty("0"));
    CHECK_FALSE(store.balance_row("LZ-02", a).has_value());
    book.flush();
    CHECK(book.size() == 0);
    CHECK(store.balance_row("LZ-02", a) == qty("7"));
    CHECK(store.balance("LZ-01", a) == qty("4"));
    throw RolledBack{}; // the balances no longer match the movements: leave the file as it was
  }),
                  RolledBack);
  CHECK(store.balance("LZ-01", a) == qty("5"));
  CHECK_FALSE(store.balance_row("LZ-02", a).has_value());
}
