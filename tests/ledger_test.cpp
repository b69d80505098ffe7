#include <doctest/doctest.h>
#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "stockpile/error.hpp"
#include "stockpile/ledger.hpp"
#include "stockpile/process.hpp"
#include "support/temp_ledger.hpp"

using namespace stockpile;
using stockpile::testing::TempLedger;

namespace {

Material make_material(const std::string& code, const std::string& name = "棉衣",
                       const std::string& unit = "件") {
  Material m{MaterialCode(code)};
  m.name = name;
  m.unit = unit;
  return m;
}

void add_network(Ledger& ledger) {
  ledger.add_organisation({OrgCode("LZ"), "柳州市", OrgLevel::City, std::nullopt});
  ledger.add_organisation({OrgCode("LN"), "柳南区", OrgLevel::District, OrgCode("LZ")});
  ledger.add_organisation({OrgCode("YF"), "鱼峰区", OrgLevel::District, OrgCode("LZ")});
  ledger.add_organisation({OrgCode("CHEM"), "柳化", OrgLevel::Enterprise, OrgCode("LN")});
  ledger.add_depot({DepotCode("LN-01"), "柳南区救灾物资仓库", OrgCode("LN"), ""});
}

} // namespace

TEST_CASE("ledger: create, reopen and schema version") {
  stockpile::testing::TempDir dir;
  const auto file = dir.path() / "a.db";
  {
    auto ledger = Ledger::create(file);
    CHECK(ledger.schema_version() == Ledger::latest_schema_version());
    ledger.add_material(make_material("COAT"));
  }
  auto again = Ledger::open(file);
  CHECK(again.materials().size() == 1);
  // create on an existing ledger opens it and keeps its content
  auto third = Ledger::create(file);
  CHECK(third.materials().size() == 1);
}

TEST_CASE("ledger: SQLite's memory statistics are turned off only before SQLite starts") {
  // The stockpile command turns them off first thing; a program that has opened a ledger
  // already is told it came too late, and its ledgers work as before.
  stockpile::testing::TempDir dir;
  auto ledger = Ledger::create(dir.path() / "a.db");
  CHECK_FALSE(turn_off_sqlite_memory_statistics());
  ledger.add_material(make_material("COAT"));
  CHECK(ledger.materials().size() == 1);
}

TEST_CASE("ledger: opening a missing file is a storage error and creates nothing") {
  stockpile::testing::TempDir dir;
  const auto file = dir.path() / "missing.db";
  CHECK_THROWS_AS((void)Ledger::open(file), StorageError);
  CHECK_FALSE(std::filesystem::exists(file));
}

TEST_CASE("ledger: a file that is not a ledger is refused") {
  stockpile::testing::TempDir dir;
  const auto file = dir.path() / "notes.txt";
  std::ofstream(file) << "this is not a database, just some text that is long enough.......\n"
                      << std::string(200, 'x');
  try {
    (void)Ledger::open(file);
    FAIL("opened a text file as a ledger");
  } catch (const StorageError& e) {
    CHECK(e.exit_code() == 4);
    CHECK(std::string(e.what()).find("not an SQLite file") != std::string::npos);
  }
}

TEST_CASE("ledger: a ledger from a newer stockpile is an integrity error") {
  TempLedger t;
  {
    // Simulate a future schema by bumping user_version with a raw connection.
    auto raw = Ledger::open(t.file);
  }
  const std::string cmd = "sqlite3 '" + t.file.string() + "' 'PRAGMA user_version = 999'";
  REQUIRE(std::system(cmd.c_str()) == 0);
  CHECK_THROWS_AS((void)Ledger::open(t.file), IntegrityError);
}

TEST_CASE("ledger: materials are added, listed sorted and found") {
  TempLedger t;
  auto tent = make_material("TENT-12", "帐篷", "顶");
  tent.specification = "12 m², \"单帐篷\"\n双层";
  tent.shelf_life = Duration::parse("5y");
  tent.hazards = parse_hazards("flood,Cold earthquake");
  tent.recoverable = true;
  tent.gb_code = "2010101";
  t.ledger.add_material(tent);
  t.ledger.add_material(make_material("COAT"));

  const auto all = t.ledger.materials();
  REQUIRE(all.size() == 2);
  CHECK(all[0].code.str() == "COAT");
  CHECK(all[1].code.str() == "TENT-12");
  const auto got = t.ledger.material(MaterialCode("TENT-12"));
  CHECK(got.specification == tent.specification);
  CHECK(got.shelf_life->to_string() == "5y");
  CHECK(got.hazards == std::vector<std::string>{"cold", "earthquake", "flood"});
  CHECK(got.recoverable);
  CHECK(got.gb_code == std::optional<std::string>("2010101"));
  CHECK(got.revision == 1);
  CHECK_FALSE(t.ledger.find_material(MaterialCode("NOPE")).has_value());
  CHECK_THROWS_AS((void)t.ledger.material(MaterialCode("NOPE")), NotFound);
}

TEST_CASE("ledger: materials() gives each material's latest revision, in code order") {
  TempLedger t;
  t.ledger.add_material(make_material("TENT", "帐篷", "顶"));
  t.ledger.add_material(make_material("COAT", "棉衣"));
  auto tent = t.ledger.material(MaterialCode("TENT"));
  tent.name = "帐篷(新)";
  t.ledger.edit_material(tent);
  t.ledger.add_material(make_material("BOOT", "雨靴"));
  const auto all = t.ledger.materials();
  REQUIRE(all.size() == 3);
  CHECK(all[0].code.str() == "BOOT");
  CHECK(all[1].code.str() == "COAT");
  CHECK(all[2].code.str() == "TENT");
  CHECK(all[2].name == "帐篷(新)");
  CHECK(all[2].revision == 2);
  CHECK(all[1].revision == 1);
}

TEST_CASE("ledger: material rules") {
  TempLedger t;
  t.ledger.add_material(make_material("COAT"));
  CHECK_THROWS_WITH_AS(t.ledger.add_material(make_material("COAT")),
                       "material \"COAT\": already exists", AlreadyExists);
  auto bad = make_material("X");
  SUBCASE("empty name") {
    bad.name = "";
    CHECK_THROWS_WITH_AS(t.ledger.add_material(bad), "name \"\": must not be empty",
                         InvalidInput);
  }
  SUBCASE("gb code") {
    bad.gb_code = "12a4567";
    CHECK_THROWS_AS(t.ledger.add_material(bad), InvalidInput);
  }
  SUBCASE("decimals") {
    bad.decimals = 4;
    CHECK_THROWS_AS(t.ledger.add_material(bad), InvalidInput);
  }
  SUBCASE("unit with a space") {
    bad.unit = "large box";
    CHECK_THROWS_AS(t.ledger.add_material(bad), InvalidInput);
  }
  SUBCASE("invalid UTF-8 in a name") {
    bad.name = "\xff\xfe";
    CHECK_THROWS_AS(t.ledger.add_material(bad), InvalidInput);
  }
  CHECK(t.ledger.materials().size() == 1);
}

TEST_CASE("ledger: editing a material appends a revision and keeps the old one") {
  TempLedger t;
  t.ledger.add_material(make_material("COAT", "棉衣"));
  auto m = t.ledger.material(MaterialCode("COAT"));
  m.name = "棉衣(冬季)";
  const auto edited = t.ledger.edit_material(m);
  CHECK(edited.revision == 2);
  CHECK(t.ledger.material(MaterialCode("COAT")).name == "棉衣(冬季)");
  const auto history = t.ledger.material_history(MaterialCode("COAT"));
  REQUIRE(history.size() == 2);
  CHECK(history[0].name == "棉衣");
  CHECK(history[1].name == "棉衣(冬季)");

  m.unit = "套";
  CHECK_THROWS_AS(t.ledger.edit_material(m), RuleViolation);
  CHECK(t.ledger.material_history(MaterialCode("COAT")).size() == 2);
}

TEST_CASE("ledger: add_materials is all or nothing and lists every bad one") {
  TempLedger t;
  t.ledger.add_material(make_material("OLD"));
  std::vector<Material> batch{make_material("A"), make_material("OLD"), make_material("B"),
                              make_material("A")};
  batch[2].unit = "";
  try {
    (void)t.ledger.add_materials(batch, "batch");
    FAIL("a bad batch was accepted");
  } catch (const ImportError& e) {
    REQUIRE(e.errors().size() == 3);
    CHECK(e.errors()[0].line == 2);
    CHECK(e.errors()[1].line == 3);
    CHECK(e.errors()[2].line == 4);
    CHECK(e.errors()[2].message == "material \"A\": already exists");
  }
  CHECK(t.ledger.materials().size() == 1);
}

TEST_CASE("ledger: catalog CSV import round-trips exact strings") {
  TempLedger t;
  const std::string csv = "\xEF\xBB\xBF"
                          "code,name,specification,unit,hazards,decimals\r\n"
                          "TENT,\"帐篷 \"\"救灾\"\"\",\"12 m²,\r\n双层\",顶,\"flood,cold\",0\r\n"
                          "CARBON,活性炭,,kg,chemical-spill,3\r\n";
  const auto added = t.ledger.import_materials(csv, "c.csv");
  REQUIRE(added.size() == 2);
  const auto tent = t.ledger.material(MaterialCode("TENT"));
  CHECK(tent.name == "帐篷 \"救灾\"");
  CHECK(tent.specification == "12 m²,\r\n双层");
  CHECK(t.ledger.material(MaterialCode("CARBON")).decimals == 3);
}

TEST_CASE("ledger: a catalog CSV with one bad row writes nothing") {
  TempLedger t;
  const std::string csv = "code,name,unit,shelf_life\n"
                          "A,一,件,\n"
                          "B,二,件,3x\n"
                          "C,三,件,2y\n";
  try {
    (void)t.ledger.import_materials(csv, "c.csv");
    FAIL("accepted a bad row");
  } catch (const ImportError& e) {
    REQUIRE(e.errors().size() == 1);
    CHECK(e.errors()[0].line == 3);
    CHECK(e.errors()[0].message ==
          "shelf_life \"3x\": expected a whole number followed by h, d, w, m or y "
          "(e.g. 36m, 2y, 90d, 2w, 24h)");
    CHECK(e.exit_code() == 1);
  }
  CHECK(t.ledger.materials().empty());
}

TEST_CASE("ledger: organisation levels, parents and cycles") {
  TempLedger t;
  add_network(t.ledger);
  CHECK(t.ledger.organisations().size() == 4);
  CHECK(t.ledger.organisation(OrgCode("CHEM")).parent == std::optional<OrgCode>(OrgCode("LN")));

  SUBCASE("self-parent is a cycle") {
    CHECK_THROWS_WITH_AS(
        t.ledger.add_organisation({OrgCode("X"), "x", OrgLevel::District, OrgCode("X")}),
        "--parent \"X\": would make a cycle: X would be its own ancestor", InvalidInput);
  }
  SUBCASE("enterprise under a city") {
    CHECK_THROWS_AS(
        t.ledger.add_organisation({OrgCode("E2"), "e", OrgLevel::Enterprise, OrgCode("LZ")}),
        InvalidInput);
  }
  SUBCASE("district under an enterprise") {
    CHECK_THROWS_AS(
        t.ledger.add_organisation({OrgCode("D2"), "d", OrgLevel::District, OrgCode("CHEM")}),
        InvalidInput);
  }
  SUBCASE("city with a parent") {
    CHECK_THROWS_AS(
        t.ledger.add_organisation({OrgCode("C2"), "c", OrgLevel::City, OrgCode("LZ")}),
        InvalidInput);
  }
  SUBCASE("unknown parent") {
    CHECK_THROWS_AS(
        t.ledger.add_organisation({OrgCode("D3"), "d", OrgLevel::District, OrgCode("NONE")}),
        NotFound);
  }
  SUBCASE("duplicate") {
    CHECK_THROWS_AS(
        t.ledger.add_organisation({OrgCode("LN"), "d", OrgLevel::District, OrgCode("LZ")}),
        AlreadyExists);
  }
  CHECK(t.ledger.organisations().size() == 4);
}

TEST_CASE("ledger: an organisation's subtree includes its children") {
  TempLedger t;
  add_network(t.ledger);
  auto names = [](const std::vector<OrgCode>& codes) {
    std::vector<std::string> out;
    for (const auto& c : codes) out.push_back(c.str());
    std::sort(out.begin(), out.end());
    return out;
  };
  CHECK(names(t.ledger.organisation_subtree(OrgCode("LZ"))) ==
        std::vector<std::string>{"CHEM", "LN", "LZ", "YF"});
  CHECK(names(t.ledger.organisation_subtree(OrgCode("LN"))) ==
        std::vector<std::string>{"CHEM", "LN"});
  CHECK_THROWS_AS((void)t.ledger.organisation_subtree(OrgCode("NO")), NotFound);
}

TEST_CASE("ledger: organisation import accepts parents defined earlier in the file") {
  TempLedger t;
  const std::string csv = "code,name,level,parent\n"
                          "LZ,柳州市,city,\n"
                          "LN,柳南区,district,LZ\n"
                          "E1,企业,enterprise,LN\n";
  CHECK(t.ledger.import_organisations(csv, "o.csv") == 3);
  const std::string bad = "code,name,level,parent\n"
                          "YF,鱼峰区,district,LZ\n"
                          "LOOP,x,district,LOOP\n"
                          "E2,企业,enterprise,LZ\n";
  try {
    (void)t.ledger.import_organisations(bad, "bad.csv");
    FAIL("accepted bad organisations");
  } catch (const ImportError& e) {
    REQUIRE(e.errors().size() == 2);
    CHECK(e.errors()[0].line == 3);
    CHECK(e.errors()[1].line == 4);
  }
  CHECK(t.ledger.organisations().size() == 3); // YF rolled back with the rest
}

TEST_CASE("ledger: an organisation import names its parent column, not the --parent option") {
  TempLedger t;
  add_network(t.ledger);
  const std::string bad = "code,name,level,parent\n"
                          "S1,自己,district,S1\n"
                          "P2,市,city,LZ\n"
                          "P3,区,district,NOPE\n";
  try {
    (void)t.ledger.import_organisations(bad, "bad.csv");
    FAIL("accepted bad organisations");
  } catch (const ImportError& e) {
    REQUIRE(e.errors().size() == 3);
    CHECK(e.errors()[0].message ==
          "parent \"S1\": would make a cycle: S1 would be its own ancestor");
    CHECK(e.errors()[1].message == "parent \"LZ\": a city has no parent organisation");
    CHECK(e.errors()[2].message == "parent \"NOPE\": no such organisation in the ledger");
  }
  // The command line keeps naming its option.
  CHECK_THROWS_WITH_AS(
      t.ledger.add_organisation({OrgCode("P3"), "区", OrgLevel::District, OrgCode("NOPE")}),
      "--parent \"NOPE\": no such organisation in the ledger", NotFound);
}

TEST_CASE("ledger: a shelf life beyond 100 years is refused where it is typed and in validate") {
  CHECK(parse_shelf_life("100y", "--shelf-life").approx_days() == 36000);
  CHECK(parse_shelf_life("36000d", "--shelf-life").approx_days() == 36000);
  CHECK_THROWS_WITH_AS((void)parse_shelf_life("101y", "--shelf-life"),
                       "--shelf-life \"101y\": is too long for a shelf life (at most 100 years)",
                       InvalidInput);
  TempLedger t;
  auto m = make_material("OLD");
  m.shelf_life = Duration::parse("10000y");
  CHECK_THROWS_WITH_AS(t.ledger.add_material(m),
                       "shelf_life \"10000y\": is too long for a shelf life (at most 100 years)",
                       InvalidInput);
  CHECK(t.ledger.materials().empty());
}

TEST_CASE("ledger: lowering a material's decimals below what a depot holds is refused") {
  TempLedger t;
  add_network(t.ledger);
  t.ledger.add_custodian({CustodianId("wang.li"), "王丽", "", parse_roles("keeper"), {}});
  auto carbon = make_material("CARBON", "活性炭", "kg");
  carbon.lot_tracked = false;
  carbon.decimals = 1;
  t.ledger.add_material(carbon);
  (void)t.ledger.receive({.depot = DepotCode("LN-01"),
                          .material = MaterialCode("CARBON"),
                          .lot = std::nullopt,
                          .quantity = Quantity::parse("50.5"),
                          .date = Date::parse("2026-11-20"),
                          .actor = CustodianId("wang.li")});
  carbon.decimals = 0;
  CHECK_THROWS_WITH_AS((void)t.ledger.edit_material(carbon),
                       "--decimals \"0\": depot LN-01 holds 50.5 kg of CARBON lot -, which needs "
                       "more decimals; issue, dispose or adjust that stock first",
                       RuleViolation);
  CHECK(t.ledger.material(MaterialCode("CARBON")).revision == 1);
  carbon.decimals = 2; // more decimals strand nothing
  CHECK(t.ledger.edit_material(carbon).revision == 2);
}

TEST_CASE("ledger: a custodian names each depot once, on the command line and in a file") {
  TempLedger t;
  add_network(t.ledger);
  CHECK_THROWS_WITH_AS(t.ledger.add_custodian({CustodianId("x"), "某人", "", {},
                                               {DepotCode("LN-01"), DepotCode("LN-01")}}),
                       "depot \"LN-01\": is named twice; name each depot once", InvalidInput);
  try {
    (void)t.ledger.import_custodians("id,name,depots\nk1,甲,LN-01;LN-01\n", "c.csv");
    FAIL("accepted a depot twice");
  } catch (const ImportError& e) {
    REQUIRE(e.errors().size() == 1);
    CHECK(e.errors()[0].message ==
          "depots \"LN-01;LN-01\": names depot LN-01 twice; name each depot once");
  }
  CHECK(t.ledger.custodians().empty());
}

TEST_CASE("ledger: depots and custodians") {
  TempLedger t;
  add_network(t.ledger);
  CHECK_THROWS_AS(t.ledger.add_depot({DepotCode("X"), "x", OrgCode("NOWHERE"), ""}), NotFound);
  CHECK_THROWS_AS(t.ledger.add_depot({DepotCode("LN-01"), "x", OrgCode("LN"), ""}),
                  AlreadyExists);
  t.ledger.add_depot({DepotCode("CHEM-01"), "化工库", OrgCode("CHEM"), "化工路 1 号"});
  CHECK(t.ledger.depots().size() == 2);
  CHECK(t.ledger.depot(DepotCode("CHEM-01")).address == "化工路 1 号");

  t.ledger.add_custodian({CustodianId("wang.li"), "王丽", "0772-3802001",
                          parse_roles("responsible,keeper"), {DepotCode("LN-01")}});
  t.ledger.assign(CustodianId("wang.li"), DepotCode("CHEM-01"));
  const auto c = t.ledger.custodian(CustodianId("wang.li"));
  CHECK(c.roles == std::vector<Role>{Role::Keeper, Role::Responsible});
  REQUIRE(c.depots.size() == 2);
  CHECK(c.depots[0].str() == "CHEM-01");
  CHECK_THROWS_AS(t.ledger.assign(CustodianId("wang.li"), DepotCode("CHEM-01")), AlreadyExists);
  CHECK_THROWS_AS(t.ledger.assign(CustodianId("nobody"), DepotCode("CHEM-01")), NotFound);
  CHECK_THROWS_AS(
      t.ledger.add_custodian({CustodianId("x"), "某人", "", {}, {DepotCode("NOWHERE")}}),
      NotFound);
  CHECK_THROWS_AS(t.ledger.add_custodian({CustodianId("y"), "某人", "phone?", {}, {}}),
                  InvalidInput);
  CHECK(t.ledger.custodians().size() == 1);
  CHECK_THROWS_AS((void)parse_roles("keeper,cook"), InvalidInput);
}
