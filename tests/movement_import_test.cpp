// import movements (台账导入): opening balances and migrations from CSV, as a keeper moving off
// a spreadsheet relies on them — every bad row listed at once, nothing written unless all rows
// are good, and a second import of the same file changing nothing.
#include <cstdio>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <string>
#include <utility>
#include <vector>

#include "stockpile/csv.hpp"

#include "stockpile/error.hpp"
#include "stockpile/ledger.hpp"
#include "support/temp_ledger.hpp"

using namespace stockpile;

namespace {

Quantity qty(const char* text) { return Quantity::parse(text); }

// Two depots, two custodians, a lot-tracked medicine with a shelf life and untracked tents.
struct Depots {
  stockpile::testing::TempLedger t;
  Ledger& ledger = t.ledger;

  Depots() {
    ledger.import_organisations("code,name,level,parent\nLZ,柳州市,city,\nLN,柳南区,district,LZ\n",
                                "orgs");
    ledger.import_depots("code,name,org,address\nLN-01,柳南仓库,LN,\nLZ-01,市级仓库,LZ,\n",
                         "depots");
    ledger.import_custodians("id,name,phone,roles,depots\n"
                             "wang.li,王丽,,keeper,LN-01;LZ-01\n"
                             "zhao.min,赵敏,,responsible,LN-01\n",
                             "custodians");
    ledger.import_materials("code,name,unit,shelf_life,lot_tracked\n"
                            "MED,药品,盒,24m,yes\n"
                            "TENT,帐篷,顶,,no\n",
                            "materials");
  }

  Quantity stock_of(const char* depot, const char* material) const {
    Quantity total;
    for (const auto& line : ledger.stock(StockQuery{.depot = DepotCode(depot),
                                                    .material = MaterialCode(material)})) {
      total += line.quantity;
    }
    return total;
  }

  std::size_t movement_count() const { return ledger.movements().size(); }
};

const char* kOpening = "kind,date,depot,material,lot,quantity,production,expiry,actor,"
                       "idempotency_key,note\n"
                       "receive,2026-01-05,LN-01,MED,M-1,100,2025-12-01,,wang.li,open-1,\n"
                       "receive,2026-01-05,LN-01,TENT,,40,,,wang.li,open-2,期初\n"
                       "receive,2026-01-06,LZ-01,MED,M-2,30,,2027-06-30,wang.li,open-3,'+1-2\n"
                       "issue,2026-02-01,LN-01,MED,M-1,25,,,wang.li,open-4,\n";

std::vector<RowError> errors_of(Ledger& ledger, const std::string& csv) {
  try {
    (void)ledger.import_movements(csv, "bad.csv");
  } catch (const ImportError& e) {
    return e.errors();
  }
  FAIL("the import was accepted");
  return {};
}

} // namespace

TEST_CASE("import movements: opening balances create lots with their dates and post stock") {
  Depots d;
  const auto r = d.ledger.import_movements(kOpening, "opening.csv");
  CHECK(r.rows == 4);
  CHECK(r.operations == 4);
  CHECK(r.operations_written == 4);
  CHECK(r.movements_written == 4);
  CHECK(r.operations_replayed == 0);
  CHECK(d.stock_of("LN-01", "MED") == qty("75")); // 100 in, 25 out (written positive)
  CHECK(d.stock_of("LN-01", "TENT") == qty("40"));
  CHECK(d.stock_of("LZ-01", "MED") == qty("30"));
  // Expiry from production + shelf life when the file leaves it empty; else as written.
  CHECK(d.ledger.lot(MaterialCode("MED"), LotNumber("M-1")).expiry == Date::parse("2027-12-01"));
  CHECK(d.ledger.lot(MaterialCode("MED"), LotNumber("M-2")).expiry == Date::parse("2027-06-30"));
  const auto moves = d.ledger.movements();
  REQUIRE(moves.size() == 4);
  CHECK(moves[1].note == "期初");
  CHECK(moves[2].note == "+1-2"); // the export's formula guard is taken off again
  CHECK(moves[3].quantity == qty("-25"));
  CHECK(moves[3].kind == MovementKind::Issue);
  CHECK_NOTHROW((void)d.ledger.verify());
}

TEST_CASE("import movements: importing the same file again changes nothing") {
  Depots d;
  (void)d.ledger.import_movements(kOpening, "opening.csv");
  const auto head = d.ledger.verify().head_hash;
  const auto again = d.ledger.import_movements(kOpening, "opening.csv");
  CHECK(again.operations_written == 0);
  CHECK(again.operations_replayed == 4);
  CHECK(d.movement_count() == 4);
  CHECK(d.ledger.verify().head_hash == head);
  CHECK(d.stock_of("LN-01", "MED") == qty("75"));
}

TEST_CASE("import movements: a key already used for other movements is refused") {
  Depots d;
  (void)d.ledger.import_movements(kOpening, "opening.csv");
  const auto errors =
      errors_of(d.ledger, "kind,date,depot,material,lot,quantity,actor,idempotency_key\n"
                          "receive,2026-01-05,LN-01,MED,M-1,101,wang.li,open-1\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].line == 2);
  CHECK(errors[0].message.find("idempotency_key \"open-1\": already used") != std::string::npos);
  CHECK(d.movement_count() == 4);
}

TEST_CASE("import movements: every bad row is listed with its line and nothing is written") {
  Depots d;
  const std::string csv = "kind,date,depot,material,lot,quantity,actor\n"
                          "receive,2026-01-05,LN-01,MED,M-1,100,wang.li\n"  // 2 good
                          "receive,2026-02-30,LN-01,MED,M-1,1,wang.li\n"    // 3 bad date
                          "receive,2026-01-05,LN-01,NOPE,L,1,wang.li\n"     // 4 unknown material
                          "issue,2026-01-06,LN-01,MED,M-1,101,wang.li\n"    // 5 over-issue
                          "receive,2026-01-05,LN-01,MED,M-3,0,wang.li\n"    // 6 zero
                          "issue,2026-01-06,LN-01,MED,GHOST,1,wang.li\n"    // 7 unknown lot
                          "receive,2026-01-05,LN-01,MED,M-4,1e3,wang.li\n"  // 8 bad number
                          "receive,2026-01-05,LN-01,MED,M-5,1,nobody\n"     // 9 unknown actor
                          "receive,2027-01-05,LN-01,MED,M-6,1,wang.li\n"    // 10 future
                          "receive,2026-01-05,LN-01,MED,M-7,1.5,wang.li\n"; // 11 decimals
  const auto before = d.movement_count();
  try {
    (void)d.ledger.import_movements(csv, "bad.csv");
    FAIL("accepted");
  } catch (const ImportError& e) {
    std::vector<std::size_t> lines;
    for (const auto& err : e.errors()) lines.push_back(err.line);
    // The file is read once: line 3 does not parse, so nothing after it is checked against
    // the ledger (lines 4 and 5), but every later syntax error is listed.
    CHECK(lines == std::vector<std::size_t>{3, 6, 8});
  }
  // With the syntax fixed, the ledger's rules find the rest.
  const std::string csv2 = "kind,date,depot,material,lot,quantity,actor\n"
                           "receive,2026-01-05,LN-01,MED,M-1,100,wang.li\n"
                           "receive,2026-01-05,LN-01,NOPE,L,1,wang.li\n"
                           "issue,2026-01-06,LN-01,MED,M-1,101,wang.li\n"
                           "issue,2026-01-06,LN-01,MED,GHOST,1,wang.li\n"
                           "receive,2026-01-05,LN-01,MED,M-5,1,nobody\n"
                           "receive,2027-01-05,LN-01,MED,M-6,1,wang.li\n"
                           "receive,2026-01-05,LN-01,MED,M-7,1.5,wang.li\n";
  const auto errors = errors_of(d.ledger, csv2);
  std::vector<std::size_t> lines;
  for (const auto& err : errors) lines.push_back(err.line);
  CHECK(lines == std::vector<std::size_t>{3, 4, 5, 6, 7, 8});
  CHECK(errors[0].message.find("material") != std::string::npos);
  CHECK(errors[1].message ==
        "quantity \"101\": depot LN-01 has only 100 盒 of MED lot M-1 on 2026-01-06");
  CHECK(errors[3].message.find("actor \"nobody\"") != std::string::npos);
  CHECK(errors[4].message.find("date \"2027-01-05\": is in the future") != std::string::npos);
  CHECK(errors[5].message.find("quantity \"1.5\"") != std::string::npos);
  CHECK(d.movement_count() == before); // the good first row was not written either
  CHECK(d.ledger.lots().empty());
}

TEST_CASE("import movements: the rows before the first syntax error are checked against the "
          "ledger, the rows after it only parsed") {
  Depots d;
  const std::string csv = "kind,date,depot,material,lot,quantity,actor\n"
                          "receive,2026-01-05,LN-01,MED,M-1,100,wang.li\n" // 2 good
                          "issue,2026-01-06,LN-01,MED,M-1,101,wang.li\n"   // 3 over-issue
                          "receive,2026-01-05,LN-01,MED,M-2,5,wang.li\n"   // 4 good
                          "receive,2026-01-05,LN-01,MED,M-3,0,wang.li\n"   // 5 zero
                          "issue,2026-01-06,LN-01,MED,M-1,500,wang.li\n"   // 6 over-issue
                          "receive,2026-01-05,LN-01,MED,M-4,x,wang.li\n";  // 7 bad number
  const auto errors = errors_of(d.ledger, csv);
  std::vector<std::size_t> lines;
  for (const auto& err : errors) lines.push_back(err.line);
  // Line 3's rule and lines 5 and 7's syntax; line 6 comes after a row that did not parse.
  CHECK(lines == std::vector<std::size_t>{3, 5, 7});
  REQUIRE(errors.size() == 3);
  CHECK(errors[0].message ==
        "quantity \"101\": depot LN-01 has only 100 盒 of MED lot M-1 on 2026-01-06");
  CHECK(errors[1].message.find("quantity \"0\"") == 0);
  CHECK(errors[2].message.find("quantity \"x\"") == 0);
  // Line 2 was posted inside the import's transaction, and it rolled back (line 4's operation
  // was not posted: it may have been the one line 5 belongs to).
  CHECK(d.movement_count() == 0);
  CHECK(d.ledger.lots().empty());

  // A record of the wrong width stops the posting the same way.
  const auto width = errors_of(d.ledger, "kind,date,depot,material,lot,quantity,actor\n"
                                         "receive,2026-01-05,LN-01,MED,M-1,100,wang.li\n"
                                         "receive,2026-01-05,LN-01\n"
                                         "issue,2026-01-06,LN-01,MED,M-1,500,wang.li\n");
  REQUIRE(width.size() == 1);
  CHECK(width[0].line == 3);
  CHECK(width[0].message == "expected 7 fields, found 3");
  CHECK(d.movement_count() == 0);
}

TEST_CASE("import movements: an id or an operation given twice is refused on its second line") {
  Depots d;
  const auto lines_of = [&](const std::string& csv) {
    std::vector<std::size_t> lines;
    for (const auto& e : errors_of(d.ledger, csv)) lines.push_back(e.line);
    return lines;
  };
  // Ids in runs with gaps between them, and some in the gaps (out of order).
  std::string ids = "id,kind,date,depot,material,lot,quantity,actor\n";
  for (const int id : {1, 2, 3, 10, 11, 5, 5, 2, 11, 7, 12, 4, 4}) {
    ids += fmt::format("{},receive,2026-01-05,LN-01,TENT,,1,wang.li\n", id);
  }
  CHECK(lines_of(ids) == std::vector<std::size_t>{8, 9, 10, 14});
  const auto first = errors_of(d.ledger, ids).front();
  CHECK(first.message == "id \"5\": appears twice in the file");

  // Operations named by numbers (as the export names them) and by text.
  std::string ops = "operation,kind,date,depot,material,lot,quantity,actor\n";
  for (const char* op : {"1", "2", "3", "10", "5", "2", "7", "5", "x", "y", "x", "10"}) {
    ops += fmt::format("{},receive,2026-01-05,LN-01,TENT,,1,wang.li\n", op);
  }
  CHECK(lines_of(ops) == std::vector<std::size_t>{7, 9, 12, 13});
  CHECK(d.movement_count() == 0);
}

TEST_CASE("import movements: a reversal finds its row by file id out of order and after an "
          "operation already in the ledger") {
  Depots d;
  const std::string h =
      "id,operation,kind,date,depot,material,lot,quantity,actor,reason,reverses,idempotency_key\n";
  // Ids 3 and 2 come out of order; each is reversed later.
  (void)d.ledger.import_movements(h + "1,a,receive,2026-01-05,LN-01,MED,M-1,100,wang.li,,,k1\n"
                                      "3,b,issue,2026-01-06,LN-01,MED,M-1,-10,wang.li,,,\n"
                                      "2,c,issue,2026-01-06,LN-01,MED,M-1,-20,wang.li,,,\n"
                                      "4,d,reverse,2026-01-07,LN-01,MED,M-1,20,wang.li,oops,2,\n"
                                      "5,e,reverse,2026-01-07,LN-01,MED,M-1,10,wang.li,oops,3,\n",
                                  "one.csv");
  auto moves = d.ledger.movements();
  REQUIRE(moves.size() == 5);
  REQUIRE(moves[3].reverses.has_value());
  CHECK(*moves[3].reverses == moves[2].id); // file id 2: the third row
  REQUIRE(moves[4].reverses.has_value());
  CHECK(*moves[4].reverses == moves[1].id); // file id 3: the second row
  CHECK(d.stock_of("LN-01", "MED") == qty("100"));

  // File ids start again at 1, whose operation (key k1) is in the ledger already: id 1 is the
  // ledger's first movement, id 2 the next one written now.
  const auto r = d.ledger.import_movements(
      h + "1,a,receive,2026-01-05,LN-01,MED,M-1,100,wang.li,,,k1\n"
          "2,f,issue,2026-01-08,LN-01,MED,M-1,-5,wang.li,,,\n"
          "3,g,reverse,2026-01-09,LN-01,MED,M-1,5,wang.li,wrong depot,2,\n"
          "4,h,reverse,2026-01-09,LN-01,MED,M-1,-100,wang.li,never came,1,\n",
      "two.csv");
  CHECK(r.operations_replayed == 1);
  CHECK(r.movements_written == 3);
  moves = d.ledger.movements();
  REQUIRE(moves.size() == 8);
  REQUIRE(moves[6].reverses.has_value());
  CHECK(*moves[6].reverses == moves[5].id);
  REQUIRE(moves[7].reverses.has_value());
  CHECK(*moves[7].reverses == moves[0].id);
  CHECK(d.stock_of("LN-01", "MED") == qty("0"));
  CHECK_NOTHROW((void)d.ledger.verify());
}

TEST_CASE("import movements: ids far apart and out of order are still told apart and found") {
  // Each id in a block of its own, every one below the first: past the blocks allowed
  // (IdSlots) they move to the import's temporary table, and the ids given before the move
  // are still known.
  Depots d;
  constexpr std::int64_t kTop = 1'000'000'000'000'000;
  constexpr std::int64_t kStep = 10'000'000;
  std::string csv = "id,kind,date,depot,material,lot,quantity,actor,reason,reverses\n";
  csv += fmt::format("{},receive,2026-01-05,LN-01,TENT,,10000,wang.li,,\n", kTop);
  for (int k = 1; k < 700; ++k) {
    csv += fmt::format("{},issue,2026-01-06,LN-01,TENT,,-1,wang.li,,\n", kTop - k * kStep);
  }
  // Reversals of an id given before the move (k = 3) and of one after it (k = 690).
  const std::string reversals =
      fmt::format("1,reverse,2026-01-07,LN-01,TENT,,1,wang.li,oops,{}\n"
                  "2,reverse,2026-01-07,LN-01,TENT,,1,wang.li,oops,{}\n",
                  kTop - 3 * kStep, kTop - 690 * kStep);
  SUBCASE("a repeated id is refused, given before the move or after it") {
    const auto errors = errors_of(d.ledger, csv + reversals +
                                                fmt::format("{},issue,2026-01-07,LN-01,TENT,,-1,"
                                                            "wang.li,,\n"
                                                            "{},issue,2026-01-07,LN-01,TENT,,-1,"
                                                            "wang.li,,\n",
                                                            kTop - 5 * kStep, kTop - 650 * kStep));
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].line == 704);
    CHECK(errors[0].message == fmt::format("id \"{}\": appears twice in the file", kTop - 5 * kStep));
    CHECK(errors[1].line == 705);
    CHECK(d.movement_count() == 0);
  }
  SUBCASE("reversals find their rows") {
    const auto r = d.ledger.import_movements(csv + reversals, "far.csv");
    CHECK(r.movements_written == 702);
    const auto moves = d.ledger.movements();
    REQUIRE(moves.size() == 702);
    REQUIRE(moves[700].reverses.has_value());
    CHECK(*moves[700].reverses == moves[3].id);
    REQUIRE(moves[701].reverses.has_value());
    CHECK(*moves[701].reverses == moves[690].id);
    CHECK(d.stock_of("LN-01", "TENT") == qty("9303")); // 10000 − 699 + 2
  }
}

TEST_CASE("import movements: ids with gaps and operations named by text, past what the import "
          "keeps in memory, are still told apart and found") {
  // Ids every 5,000 take a run each, past 16,384 runs a block each, and past 256 blocks they
  // move to the import's temporary table; operation names that are not numbers move there past
  // 32,768. 33,000 rows cross each limit: ids in a run (k = 100), in a block that moved
  // (k = 16,500) and given after the move (k = 20,000); names from before the move (op-100)
  // and after it (op-32900).
  Depots d;
  constexpr int kRows = 33000;
  constexpr std::int64_t kStep = 5000;
  std::string csv = "id,operation,kind,date,depot,material,lot,quantity,actor,reason,reverses\n"
                    "1,first,receive,2026-01-05,LN-01,TENT,,100000,wang.li,,\n";
  for (int k = 1; k <= kRows; ++k) {
    csv += fmt::format("{},op-{},issue,2026-01-06,LN-01,TENT,,-1,wang.li,,\n", k * kStep, k);
  }
  SUBCASE("a repeated id or operation name is refused wherever it is kept") {
    const auto errors = errors_of(
        d.ledger, csv + fmt::format("{},r1,issue,2026-01-07,LN-01,TENT,,-1,wang.li,,\n"
                                    "{},r2,issue,2026-01-07,LN-01,TENT,,-1,wang.li,,\n"
                                    "{},r3,issue,2026-01-07,LN-01,TENT,,-1,wang.li,,\n"
                                    "999999999,op-100,issue,2026-01-07,LN-01,TENT,,-1,wang.li,,\n"
                                    "999999998,op-32900,issue,2026-01-07,LN-01,TENT,,-1,wang.li,,\n"
                                    "999999997,r4,issue,2026-01-07,LN-01,TENT,,-1,wang.li,,\n",
                                    100 * kStep, 16500 * kStep, 20000 * kStep) +
                      // Past the last run: no run grows once the runs are full, so the next
                      // number after it is told apart from one given before it.
                      fmt::format("{0},r5,issue,2026-01-07,LN-01,TENT,,-1,wang.li,,\n"
                                  "{1},r6,issue,2026-01-07,LN-01,TENT,,-1,wang.li,,\n"
                                  "{0},r7,issue,2026-01-07,LN-01,TENT,,-1,wang.li,,\n",
                                  16383 * kStep + 2, 16383 * kStep + 1));
    REQUIRE(errors.size() == 6); // not rows 33008 to 33010: their ids and names are new
    CHECK(errors[0].line == 33003);
    CHECK(errors[0].message == fmt::format("id \"{}\": appears twice in the file", 100 * kStep));
    CHECK(errors[1].line == 33004);
    CHECK(errors[1].message == fmt::format("id \"{}\": appears twice in the file", 16500 * kStep));
    CHECK(errors[2].line == 33005);
    CHECK(errors[2].message == fmt::format("id \"{}\": appears twice in the file", 20000 * kStep));
    CHECK(errors[3].line == 33006);
    CHECK(errors[3].message == "operation \"op-100\": its rows must be next to each other");
    CHECK(errors[4].line == 33007);
    CHECK(errors[4].message == "operation \"op-32900\": its rows must be next to each other");
    CHECK(errors[5].line == 33011);
    CHECK(errors[5].message ==
          fmt::format("id \"{}\": appears twice in the file", 16383 * kStep + 2));
    CHECK(d.movement_count() == 0);
  }
  SUBCASE("reversals find their rows") {
    const auto r = d.ledger.import_movements(
        csv + fmt::format("1000000001,v1,reverse,2026-01-07,LN-01,TENT,,1,wang.li,oops,{}\n"
                          "1000000002,v2,reverse,2026-01-07,LN-01,TENT,,1,wang.li,oops,{}\n"
                          "1000000003,v3,reverse,2026-01-07,LN-01,TENT,,1,wang.li,oops,{}\n",
                          100 * kStep, 16500 * kStep, 20000 * kStep),
        "gaps.csv");
    CHECK(r.movements_written == kRows + 4);
    const auto moves = d.ledger.movements();
    REQUIRE(moves.size() == kRows + 4);
    for (const auto& [at, k] : {std::pair<std::size_t, std::size_t>{kRows + 1, 100},
                                {kRows + 2, 16500},
                                {kRows + 3, 20000}}) {
      CAPTURE(k);
      REQUIRE(moves[at].reverses.has_value());
      CHECK(*moves[at].reverses == moves[k].id);
    }
    CHECK(d.stock_of("LN-01", "TENT") == qty("67003")); // 100000 − 33000 + 3
  }
}

TEST_CASE("import movements: progress counts the file's rows and ends at the total") {
  Depots d;
  std::string csv = "kind,date,depot,material,lot,quantity,actor\n";
  for (int i = 0; i < 2500; ++i) csv += "receive,2026-01-05,LN-01,TENT,,1,wang.li\n";
  std::vector<std::pair<std::size_t, std::size_t>> calls;
  MovementImportOptions options;
  options.progress = [&](std::size_t done, std::size_t total) { calls.emplace_back(done, total); };
  const auto check_calls = [&](std::size_t rows) {
    REQUIRE(calls.size() >= 3);
    CHECK(calls.back() == std::pair{rows, rows});
    for (std::size_t i = 0; i < calls.size(); ++i) {
      CHECK(calls[i].second == rows);
      if (i > 0) CHECK(calls[i].first > calls[i - 1].first);
    }
  };
  SUBCASE("a good file") {
    const auto r = d.ledger.import_movements(csv, "tents.csv", options);
    CHECK(r.rows == 2500);
    check_calls(2500);
    CHECK(d.stock_of("LN-01", "TENT") == qty("2500"));
  }
  SUBCASE("a file with a bad row in the middle and a record of the wrong width") {
    csv += "receive,2026-01-05,LN-01,TENT,,1\n"; // not a row: 6 fields
    csv.insert(csv.find("receive", csv.size() / 2), "receive,2026-01-05,LN-01,TENT,,-1,wang.li\n");
    CHECK_THROWS_AS((void)d.ledger.import_movements(csv, "tents.csv", options), ImportError);
    check_calls(2501);
    CHECK(d.movement_count() == 0);
  }
}

TEST_CASE("import movements: a return follows the rules of `stockpile return`") {
  Depots d;
  (void)d.ledger.import_movements(kOpening, "opening.csv");
  const auto before = d.movement_count();
  // MED is a consumable: the command refuses its return, so the import must too.
  auto errors = errors_of(d.ledger, "kind,date,depot,material,lot,quantity,actor\n"
                                    "return,2026-03-01,LN-01,MED,M-1,1,wang.li\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "material \"MED\" (药品) is not recoverable: consumables are not "
                             "returned (receive them instead)");
  d.ledger.import_materials("code,name,unit,lot_tracked,recoverable\nBOAT,艇,艘,no,yes\n", "m");
  errors = errors_of(d.ledger, "kind,date,depot,material,lot,quantity,actor\n"
                               "receive,2026-03-01,LN-01,BOAT,,4,wang.li\n"
                               "issue,2026-03-02,LN-01,BOAT,,2,wang.li\n"
                               "return,2026-03-03,LN-01,BOAT,,3,wang.li\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].line == 4);
  CHECK(errors[0].message.find("quantity \"3\": only 2 艘 of BOAT is out") != std::string::npos);
  CHECK(d.movement_count() == before);
}

TEST_CASE("import movements: what is out of a lot is counted through the file") {
  Depots d;
  d.ledger.import_materials("code,name,unit,lot_tracked,recoverable\nBOAT,艇,艘,no,yes\n", "m");
  // The import sums what is out of a lot once, then counts the issues, returns and reversals
  // it posts: each return here is checked against the rows before it in the same file.
  const std::string rows =
      "id,kind,date,depot,material,lot,quantity,actor,reason,reverses\n"
      "1,receive,2026-03-01,LN-01,BOAT,,10,wang.li,,\n"
      "2,issue,2026-03-02,LN-01,BOAT,,6,wang.li,,\n"
      "3,return,2026-03-03,LN-01,BOAT,,2,wang.li,,\n"              // 6 out, then 4
      "4,issue,2026-03-04,LN-01,BOAT,,1,wang.li,,\n"               // 5
      "5,return,2026-03-05,LN-01,BOAT,,5,wang.li,,\n"              // 0
      "6,reverse,2026-03-06,LN-01,BOAT,,-5,wang.li,counted twice,5\n" // 5 again
      "7,return,2026-03-07,LN-01,BOAT,,5,wang.li,,\n";             // 0
  const auto errors = errors_of(d.ledger, rows + "8,return,2026-03-08,LN-01,BOAT,,1,wang.li,,\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].line == 9);
  CHECK(errors[0].message.find("quantity \"1\": only 0 艘 of BOAT is out") != std::string::npos);
  CHECK(d.stock_of("LN-01", "BOAT") == qty("0")); // nothing written

  const auto r = d.ledger.import_movements(rows, "returns.csv");
  CHECK(r.movements_written == 7);
  CHECK(d.stock_of("LN-01", "BOAT") == qty("10")); // 10 − 6 + 2 − 1 + 5 − 5 + 5
  CHECK_NOTHROW((void)d.ledger.verify());
}

TEST_CASE("import movements: free text has the limits of the commands") {
  Depots d;
  const auto errors =
      errors_of(d.ledger, "kind,date,depot,material,lot,quantity,actor,note,reason\n"
                          "receive,2026-01-05,LN-01,TENT,,1,wang.li," +
                              std::string(1001, 'x') + ",\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].line == 2);
  CHECK(errors[0].message.find("is too long (at most 1000 bytes)") != std::string::npos);
  CHECK(errors[0].message.rfind("note \"xxx", 0) == 0);
  CHECK(d.movement_count() == 0);
}

TEST_CASE("import movements: a dry run checks everything and writes nothing") {
  Depots d;
  const auto r = d.ledger.import_movements(kOpening, "opening.csv", {.dry_run = true});
  CHECK(r.dry_run);
  CHECK(r.operations_written == 4);
  CHECK(d.movement_count() == 0);
  CHECK(d.ledger.lots().empty());
}

TEST_CASE("import movements: stock may not go negative on the row's own day") {
  Depots d;
  // The issue is dated before the receipt it would draw on.
  const auto errors = errors_of(d.ledger, "kind,date,depot,material,lot,quantity,actor\n"
                                          "receive,2026-03-01,LN-01,TENT,,10,wang.li\n"
                                          "issue,2026-02-01,LN-01,TENT,,5,wang.li\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].line == 3);
  CHECK(errors[0].message.find("has only 0") != std::string::npos);
}

TEST_CASE("import movements: a back-dated row may not take what a later day needs") {
  // TENT at LN-01: 10 on the 10th, 2 from the 20th, 12 from the 25th. Five more taken on the
  // 15th would leave the 20th at -3, though 12 are there now: the import answers "now" without
  // a query only for a row dated on or after every movement, in the ledger or its own.
  const std::string history = "kind,date,depot,material,lot,quantity,actor\n"
                              "receive,2026-01-10,LN-01,TENT,,10,wang.li\n"
                              "issue,2026-01-20,LN-01,TENT,,8,wang.li\n"
                              "receive,2026-01-25,LN-01,TENT,,10,wang.li\n";
  const std::string late = "issue,2026-01-15,LN-01,TENT,,5,wang.li\n";
  SUBCASE("the later days earlier in the same file") {
    Depots d;
    const auto errors = errors_of(d.ledger, history + late);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].line == 5);
    CHECK(errors[0].message.find("has only 2 顶 of TENT") != std::string::npos);
    CHECK(d.movement_count() == 0);
  }
  SUBCASE("the later days already in the ledger") {
    Depots d;
    (void)d.ledger.import_movements(history, "history.csv");
    const auto before = d.movement_count();
    const auto errors =
        errors_of(d.ledger, "kind,date,depot,material,lot,quantity,actor\n" + late);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].line == 2);
    CHECK(errors[0].message.find("has only 2 顶 of TENT") != std::string::npos);
    CHECK(d.movement_count() == before);
    CHECK(d.stock_of("LN-01", "TENT") == qty("12"));
  }
  SUBCASE("what every later day can spare is taken") {
    Depots d;
    const auto r = d.ledger.import_movements(
        history + "issue,2026-01-15,LN-01,TENT,,2,wang.li\n"
                  "issue,2026-01-25,LN-01,TENT,,10,wang.li\n",
        "spare.csv");
    CHECK(r.movements_written == 5);
    CHECK(d.stock_of("LN-01", "TENT") == qty("0"));
  }
}

TEST_CASE("import movements: columns in any order and case; a lot read once stays right") {
  Depots d;
  (void)d.ledger.import_movements(kOpening, "opening.csv"); // M-1: 75 left at LN-01
  // The import reads each lot once and keeps it: M-1 from the ledger, M-9 created by the file
  // and read back by a later operation. The balances are kept through the file (the book).
  const auto result = d.ledger.import_movements(
      "Quantity,LOT,Material,Depot,DATE,Kind,ACTOR,Expiry\n"
      "10,M-1,MED,LN-01,2026-02-02,issue,wang.li,\n"
      "5,M-9,MED,LN-01,2026-02-02,receive,wang.li,2027-01-31\n"
      "2,M-9,MED,LN-01,2026-02-03,issue,wang.li,\n"
      "20,M-1,MED,LN-01,2026-02-03,issue,wang.li,\n"
      "1,M-9,MED,LZ-01,2026-02-04,receive,wang.li,2027-01-31\n",
      "shuffled.csv");
  CHECK(result.movements_written == 5);
  CHECK(d.stock_of("LN-01", "MED") == qty("48")); // M-1 45, M-9 3
  CHECK(d.stock_of("LZ-01", "MED") == qty("31")); // M-2 30, M-9 1
  CHECK(d.ledger.lot(MaterialCode("MED"), LotNumber("M-9")).expiry == Date::parse("2027-01-31"));

  // In one file: M-1 read, then taken down, then asked for more than the ledger has left; and
  // M-1's dates as recorded (expiry from the production date and the shelf life) checked.
  const auto errors = errors_of(d.ledger, "kind,date,depot,material,lot,quantity,expiry,actor\n"
                                          "issue,2026-02-05,LN-01,MED,M-1,40,,wang.li\n"
                                          "issue,2026-02-05,LN-01,MED,M-1,6,,wang.li\n"
                                          "receive,2026-02-05,LN-01,MED,M-1,1,2030-01-01,wang.li\n");
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].line == 3);
  CHECK(errors[0].message.find("has only 5") != std::string::npos);
  CHECK(errors[1].line == 4);
  CHECK(errors[1].message.find("recorded with expiry 2027-12-01") != std::string::npos);
  CHECK(d.stock_of("LN-01", "MED") == qty("48")); // nothing written
}

TEST_CASE("import movements: a new lot received at two depots in one operation is one lot") {
  Depots d;
  (void)d.ledger.import_movements(kOpening, "opening.csv"); // LN-01 MED 75, LZ-01 MED 30
  // The import creates a lot it found in neither the ledger nor the operation's earlier rows
  // without looking for it again; the second row of operation 20 names the lot the first
  // creates, and must find it rather than create it twice.
  const auto r = d.ledger.import_movements(
      "operation,kind,date,depot,material,lot,quantity,expiry,actor\n"
      "20,receive,2026-02-02,LN-01,MED,M-7,8,2027-03-31,wang.li\n"
      "20,receive,2026-02-02,LZ-01,MED,M-7,4,2027-03-31,wang.li\n"
      "21,issue,2026-02-03,LZ-01,MED,M-7,3,,wang.li\n",
      "two-depots.csv");
  CHECK(r.operations_written == 2);
  CHECK(r.movements_written == 3);
  CHECK(d.stock_of("LN-01", "MED") == qty("83")); // M-1 75, M-7 8
  CHECK(d.stock_of("LZ-01", "MED") == qty("31")); // M-2 30, M-7 4 − 3
  CHECK(d.ledger.lot(MaterialCode("MED"), LotNumber("M-7")).expiry == Date::parse("2027-03-31"));
  const auto moves = d.ledger.movements(MovementQuery{.lot = LotNumber("M-7")});
  REQUIRE(moves.size() == 3);
  CHECK(moves[0].operation == moves[1].operation);
  CHECK_NOTHROW((void)d.ledger.verify());
}

TEST_CASE("import movements: transfers, reversals by file id, operations and adjustments") {
  Depots d;
  const std::string csv =
      "id,operation,kind,date,depot,material,lot,quantity,actor,reason,reverses,approver,"
      "idempotency_key\n"
      "1,10,receive,2026-01-05,LN-01,MED,M-1,100,wang.li,,,,k10\n"
      "2,11,transfer-out,2026-01-06,LN-01,MED,M-1,-30,wang.li,,,,k11\n"
      "3,11,transfer-in,2026-01-06,LZ-01,MED,M-1,30,wang.li,,,,k11\n"
      "4,12,issue,2026-01-07,LN-01,MED,M-1,-20,wang.li,,,,k12\n"
      "5,13,reverse,2026-01-08,LN-01,MED,M-1,20,wang.li,wrong lot,4,,k13\n"
      "6,14,adjust,2026-01-09,LN-01,MED,M-1,-2,wang.li,damaged in count,,,k14\n"
      "7,15,dispose,2026-01-10,LZ-01,MED,M-1,-5,wang.li,damaged,,zhao.min,k15\n";
  const auto r = d.ledger.import_movements(csv, "moves.csv");
  CHECK(r.operations == 6);
  CHECK(r.movements_written == 7);
  CHECK(d.stock_of("LN-01", "MED") == qty("68")); // 100 − 30 − 20 + 20 − 2
  CHECK(d.stock_of("LZ-01", "MED") == qty("25")); // 30 − 5
  const auto moves = d.ledger.movements();
  REQUIRE(moves.size() == 7);
  CHECK(moves[1].operation == moves[2].operation); // one transfer
  REQUIRE(moves[4].reverses.has_value());
  CHECK(*moves[4].reverses == moves[3].id);
  CHECK(moves[6].approver == CustodianId("zhao.min"));
  CHECK_NOTHROW((void)d.ledger.verify());

  // Re-importing maps the file's ids onto what the first import wrote (the reversal of row 4
  // still finds it): nothing new.
  const auto again = d.ledger.import_movements(csv, "moves.csv");
  CHECK(again.operations_written == 0);
  CHECK(d.movement_count() == 7);
}

TEST_CASE("import movements: rules of a row's kind") {
  Depots d;
  (void)d.ledger.import_movements("kind,date,depot,material,lot,quantity,actor\n"
                                  "receive,2026-01-05,LN-01,MED,M-1,100,wang.li\n",
                                  "seed.csv");
  auto first_error = [&](const std::string& header, const std::string& row) {
    const auto errors = errors_of(d.ledger, header + "\n" + row + "\n");
    REQUIRE(!errors.empty());
    return errors[0].message;
  };
  const std::string h = "kind,date,depot,material,lot,quantity,actor,reason,approver,reverses";
  CHECK(first_error(h, "dispose,2026-01-06,LN-01,MED,M-1,1,wang.li,damaged,,") ==
        "approver: a write-off names the custodian who approved it");
  CHECK(first_error(h, "dispose,2026-01-06,LN-01,MED,M-1,1,wang.li,damaged,wang.li,")
            .find("approver \"wang.li\": is the actor") == 0);
  CHECK(first_error(h, "adjust,2026-01-06,LN-01,MED,M-1,1,wang.li,,,") ==
        "reason: an adjustment needs a reason");
  CHECK(first_error(h, "reverse,2026-01-06,LN-01,MED,M-1,-100,wang.li,oops,,99")
            .find("reverses 99: no row with that id") == 0);
  CHECK(first_error(h, "receive,2026-01-06,LN-01,MED,M-1,-1,wang.li,,,")
            .find("quantity \"-1\": must be greater than zero") == 0);
  CHECK(first_error(h, "receive,2026-01-06,LN-01,TENT,T-9,1,wang.li,,,")
            .find("lot \"T-9\": material TENT is not tracked by lot") == 0);
  CHECK(first_error(h, "borrow,2026-01-06,LN-01,TENT,,1,wang.li,,,").find("kind \"borrow\"") == 0);
  CHECK(first_error("kind,date,depot,material,quantity", "receive,2026-01-06,LN-01,TENT,1")
            .find("missing column \"actor\"") != std::string::npos);
  // A transfer whose two legs do not match.
  CHECK(first_error("operation,kind,date,depot,material,lot,quantity,actor",
                    "7,transfer-out,2026-01-06,LN-01,MED,M-1,-10,wang.li\n"
                    "7,transfer-in,2026-01-06,LZ-01,MED,M-1,9,wang.li")
            .find("transfer of MED lot M-1: what leaves one depot must arrive") == 0);
  // The rows of one operation share their date.
  CHECK(first_error("operation,kind,date,depot,material,lot,quantity,actor",
                    "7,issue,2026-01-06,LN-01,MED,M-1,-1,wang.li\n"
                    "7,issue,2026-01-07,LN-01,MED,M-1,-1,wang.li")
            .find("the rows of one operation share it") != std::string::npos);
  CHECK(d.movement_count() == 1);
}

TEST_CASE("import movements: a mapped file of 12,000 rows is read once and gives back its "
          "pages") {
  // More rows than the importer reads between two release_before calls (4,096), so the pass
  // hands pages back and reads on: a reversal at the end names a row from the first page, ids
  // run out of order in the middle, and a named operation that comes back far from its first
  // rows is refused by line.
  Depots d;
  std::string csv = "\xEF\xBB\xBFid,operation,kind,date,depot,material,lot,quantity,actor,reason,"
                    "reverses\n";
  csv += "1,op-1,receive,2026-01-05,LN-01,TENT,,100000,wang.li,,\n";
  std::int64_t id = 2;
  for (int i = 0; i < 12000; ++i, ++id) {
    // ids 5000..5999 are written in reverse: the id set takes them out of order.
    const std::int64_t written = (id >= 5000 && id < 6000) ? 10999 - id : id;
    csv += fmt::format("{},{},issue,2026-01-06,LN-01,TENT,,-1,wang.li,,\n", written, written);
  }
  csv += fmt::format("{},op-{},reverse,2026-01-07,LN-01,TENT,,1,wang.li,wrong depot,1000\n", id,
                     id);
  stockpile::testing::TempDir dir;
  const auto file = dir.path() / "moves.csv";
  {
    std::FILE* f = std::fopen(file.c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fwrite(csv.data(), 1, csv.size(), f);
    std::fclose(f);
  }
  const MappedFile mapped(file);
  const auto r = d.ledger.import_movements(mapped, "moves.csv");
  CHECK(r.rows == 12002);
  CHECK(r.operations == 12002);
  CHECK(r.movements_written == 12002);
  CHECK(d.stock_of("LN-01", "TENT") == qty("88001")); // 100000 − 12000 + 1
  CHECK_NOTHROW((void)d.ledger.verify());

  // The same file with operation "7" again at its end (operations named by numbers, as the
  // export names them, are kept as numbers): refused on that line, nothing written.
  std::string again = csv;
  again += fmt::format("{},7,issue,2026-01-07,LN-01,TENT,,-1,wang.li,,\n", id + 1);
  const auto file2 = dir.path() / "moves2.csv";
  {
    std::FILE* f = std::fopen(file2.c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fwrite(again.data(), 1, again.size(), f);
    std::fclose(f);
  }
  const auto before = d.movement_count();
  try {
    (void)d.ledger.import_movements(MappedFile(file2), "moves2.csv");
    FAIL("the repeated operation was accepted");
  } catch (const ImportError& e) {
    REQUIRE(e.errors().size() == 1);
    CHECK(e.errors()[0].line == 12004); // header, receive, 12,000 issues, reversal, this
    CHECK(e.errors()[0].message == "operation \"7\": its rows must be next to each other");
  }
  CHECK(d.movement_count() == before);

  CHECK_THROWS_WITH_AS(MappedFile(dir.path() / "missing.csv"),
                       doctest::Contains("cannot read"), StorageError);
  CHECK_THROWS_WITH_AS(MappedFile(dir.path()), doctest::Contains("Is a directory"), StorageError);
}
