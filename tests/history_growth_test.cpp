// What one write fetches from the ledger file must not grow with the history: a keeper's
// `issue` at 3 a.m. takes as long on a ledger of a million movements as on a new one. Counted
// in pages read (deterministic), not timed: a query that scans the movements reads every page
// of them. (Schema version 12's movement sequence once read the last id with a scan: one
// `issue` at 1M movements took 56 ms where it takes 5. The benchmark found it; this test was
// written then, and fails with that query.)
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>

#include "stockpile/ledger.hpp"
#include "support/fault_vfs.hpp"
#include "support/temp_ledger.hpp"

using namespace stockpile;

namespace {

// Pages read by one `issue` of 1 box of MED lot L-0 at LN-01, from a ledger file that already
// holds `history` receipts (each a lot of its own), opened afresh for the issue.
std::int64_t reads_of_one_issue(int history) {
  stockpile::testing::TempDir dir;
  const auto file = dir.path() / "ledger.db";
  {
    auto l = Ledger::create(file, stockpile::testing::fixed_clock());
    l.import_organisations("code,name,level,parent\nLZ,柳州市,city,\n", "orgs");
    l.import_depots("code,name,org,address\nLN-01,柳南仓库,LZ,\n", "depots");
    l.import_custodians("id,name,phone,roles,depots\nwang.li,王丽,,keeper,LN-01\n", "custodians");
    l.import_materials("code,name,unit,shelf_life,lot_tracked\nMED,药品,盒,24m,yes\n",
                       "materials");
    std::string csv = "kind,date,depot,material,lot,quantity,actor,note\n";
    for (int i = 0; i < history; ++i) {
      csv += fmt::format("receive,2026-{:02}-{:02},LN-01,MED,L-{},5,wang.li,第{}批\n",
                         1 + i * 10 / history, 1 + i % 28, i, i);
    }
    (void)l.import_movements(csv, "history.csv");
  }
  stockpile::testing::FaultVfs vfs;
  auto l = Ledger::open(file, stockpile::testing::fixed_clock());
  vfs.arm(0, stockpile::testing::FaultError::IoError, stockpile::testing::FaultMode::Once);
  const auto posted = l.issue({.depot = DepotCode("LN-01"),
                               .material = MaterialCode("MED"),
                               .lot = LotNumber("L-0"),
                               .quantity = Quantity::parse("1"),
                               .date = Date::parse("2026-11-20"),
                               .actor = CustodianId("wang.li")});
  REQUIRE(posted.movements.size() == 1);
  CHECK(posted.movements.front().id == history + 1);
  return vfs.reads();
}

} // namespace

TEST_CASE("history: one issue reads about as many pages at 10,000 movements as at 200") {
  const auto small = reads_of_one_issue(200);
  const auto large = reads_of_one_issue(10000);
  CAPTURE(small);
  CAPTURE(large);
  // Fifty times the history adds a level to a few B-trees (27 and 34 pages when this was
  // written), not fifty times the pages: the narrowest index of the larger ledger's movements
  // alone is some 30 pages, the movements some 600. With the sequence read by a scan the
  // larger ledger's issue read 61.
  CHECK(small > 0);
  CHECK(large <= small + 15);
}
