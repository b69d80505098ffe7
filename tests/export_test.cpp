// Ledger export (台账导出): the CSV contract with `import movements`, formula defusing in CSV
// and the workbook, the filters, the JSON Lines chain a receiver can re-verify with the
// library's own hash, the journal's text, and the failures that must leave no file behind.
#include <doctest/doctest.h>

#include <map>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "canonical.hpp"      // kGenesisHash
#include "export_detail.hpp"   // the xlsx library, opened on the first workbook
#include "movement_chain.hpp" // the chain hash a receiver recomputes
#include "stockpile/csv.hpp"
#include "stockpile/error.hpp"
#include "stockpile/export.hpp"
#include "support/temp_ledger.hpp"
#include "support/xlsx_reader.hpp"

using namespace stockpile;

namespace {

Date day(const char* text) { return Date::parse(text); }
Quantity qty(const char* text) { return Quantity::parse(text); }
CustodianId keeper() { return CustodianId("wang.li"); }

OpenOptions utc() {
  auto o = stockpile::testing::fixed_clock();
  o.time_zone = "UTC";
  return o;
}

// Two districts of one city and an enterprise below one of them; four depots' worth of
// movements of every kind but adjust, with a note and a material name that look like formulas.
struct Fixture {
  stockpile::testing::TempDir dir;
  Ledger l = Ledger::create(dir.path() / "ledger.db", utc());

  Fixture() {
    l.add_organisation({OrgCode("LZ"), "柳州市", OrgLevel::City, std::nullopt});
    l.add_organisation({OrgCode("LN"), "柳南区", OrgLevel::District, OrgCode("LZ")});
    l.add_organisation({OrgCode("YF"), "鱼峰区", OrgLevel::District, OrgCode("LZ")});
    l.add_organisation({OrgCode("E-CHEM"), "柳化化工", OrgLevel::Enterprise, OrgCode("LN")});
    l.add_depot({DepotCode("LN-01"), "柳南区救灾物资仓库", OrgCode("LN"), ""});
    l.add_depot({DepotCode("YF-01"), "鱼峰区救灾物资仓库", OrgCode("YF"), ""});
    l.add_depot({DepotCode("CHEM-01"), "化工应急物资库", OrgCode("E-CHEM"), ""});
    l.add_custodian({keeper(), "王丽", "", parse_roles("keeper"), {DepotCode("LN-01")}});
    l.add_custodian({CustodianId("chen.gang"), "陈刚", "", parse_roles("responsible"), {}});
    Material tent{MaterialCode("TENT-12")};
    tent.name = "=HYPERLINK(\"x\")";
    tent.unit = "顶";
    tent.recoverable = true;
    l.add_material(tent);
    Material carbon{MaterialCode("CARBON")};
    carbon.name = "活性炭";
    carbon.unit = "kg";
    carbon.decimals = 3;
    carbon.lot_tracked = false;
    l.add_material(carbon);

    // 1: receive, with an idempotency key and a note that looks like a formula
    (void)l.receive({.depot = DepotCode("LN-01"),
                     .material = MaterialCode("TENT-12"),
                     .lot = LotNumber("K-2026"),
                     .quantity = qty("15"),
                     .date = day("2026-11-01"),
                     .actor = keeper(),
                     .production = day("2026-01-15"),
                     .expiry = day("2031-01-14"),
                     .paper = {.counterparty = "",
                               .incident = std::nullopt,
                               .document = "RK-001",
                               .note = "+1-2",
                               .idempotency_key = "req-1"}});
    // 2: issue 5
    (void)l.issue({.depot = DepotCode("LN-01"),
                   .material = MaterialCode("TENT-12"),
                   .lot = LotNumber("K-2026"),
                   .quantity = qty("5"),
                   .date = day("2026-11-10"),
                   .actor = keeper()});
    // 3: receive carbon (implicit lot), 4-5: transfer to the enterprise's depot
    (void)l.receive({.depot = DepotCode("LN-01"),
                     .material = MaterialCode("CARBON"),
                     .lot = std::nullopt,
                     .quantity = qty("250.5"),
                     .date = day("2026-11-12"),
                     .actor = keeper()});
    (void)l.transfer({.from = DepotCode("LN-01"),
                      .to = DepotCode("CHEM-01"),
                      .material = MaterialCode("CARBON"),
                      .lot = std::nullopt,
                      .quantity = qty("100.25"),
                      .date = day("2026-11-15"),
                      .actor = keeper()});
    // 6: reversal of the issue; 7: receive at the other district
    (void)l.reverse({.movements = {2}, .date = day("2026-11-16"), .actor = keeper(),
                     .reason = "wrong shelter"});
    (void)l.receive({.depot = DepotCode("YF-01"),
                     .material = MaterialCode("TENT-12"),
                     .lot = LotNumber("K-2027"),
                     .quantity = qty("3"),
                     .date = day("2026-11-20"),
                     .actor = keeper()});
  }

  [[nodiscard]] std::string export_text(ExportFormat format, const ExportOptions& o = {}) const {
    std::ostringstream out;
    (void)export_ledger(l, format, out, o);
    return out.str();
  }
};

std::vector<std::string> ids_of(const std::string& csv) {
  const auto doc = parse_csv(csv);
  std::vector<std::string> ids;
  for (std::size_t i = 1; i < doc.records.size(); ++i) ids.push_back(doc.records[i].fields[0]);
  return ids;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

// ---- a minimal reader for the flat JSON objects of one JSON Lines export ----------------------

struct JsonValue {
  bool null = false;
  std::string text; // a string's content, or a number as written
};
using JsonObject = std::map<std::string, JsonValue>;

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string json_string_at(const std::string& s, std::size_t& i) {
  REQUIRE(s[i] == '"');
  ++i;
  std::string out;
  while (s[i] != '"') {
    if (s[i] != '\\') {
      out += s[i++];
      continue;
    }
    const char e = s[i + 1];
    i += 2;
    switch (e) {
    case 'n': out += '\n'; break;
    case 'r': out += '\r'; break;
    case 't': out += '\t'; break;
    case 'b': out += '\b'; break;
    case 'f': out += '\f'; break;
    case 'u':
      append_utf8(out, static_cast<std::uint32_t>(std::stoul(s.substr(i, 4), nullptr, 16)));
      i += 4;
      break;
    default: out += e; // \" \\ \/
    }
  }
  ++i;
  return out;
}

JsonObject parse_object(const std::string& s) {
  JsonObject o;
  std::size_t i = 0;
  REQUIRE(s[i++] == '{');
  while (s[i] != '}') {
    if (s[i] == ',') ++i;
    const std::string key = json_string_at(s, i);
    REQUIRE(s[i++] == ':');
    JsonValue v;
    if (s[i] == '"') {
      v.text = json_string_at(s, i);
    } else if (s.compare(i, 4, "null") == 0) {
      v.null = true;
      i += 4;
    } else {
      while (s[i] != ',' && s[i] != '}') v.text += s[i++];
    }
    o[key] = v;
  }
  return o;
}

// A movement and its lot rebuilt from the parsed object, as a receiver would.
std::pair<Movement, Lot> rebuild(const JsonObject& o) {
  const auto text = [&](const char* k) { return o.at(k).text; };
  const auto opt_date = [&](const char* k) {
    return o.at(k).null ? std::nullopt : std::optional<Date>(Date::parse(text(k)));
  };
  Movement m{.id = std::stoll(text("id")),
             .operation = std::stoll(text("operation")),
             .date = Date::parse(text("date")),
             .recorded_at = text("recorded_at"),
             .kind = parse_movement_kind(text("kind")),
             .depot = DepotCode(text("depot")),
             .material = MaterialCode(text("material")),
             .lot = LotNumber(text("lot")),
             .quantity = Quantity::parse(text("quantity")),
             .actor = CustodianId(text("actor")),
             .counterparty = text("counterparty"),
             .incident = o.at("incident").null ? std::nullopt
                                               : std::optional(IncidentCode(text("incident"))),
             .document = text("document"),
             .reason = text("reason"),
             .note = text("note"),
             .approver = o.at("approver").null ? std::nullopt
                                               : std::optional(CustodianId(text("approver"))),
             .unusable_reason = text("unusable_reason"),
             .reverses = o.at("reverses").null ? std::nullopt
                                               : std::optional(std::stoll(text("reverses"))),
             .hash = text("hash")};
  Lot lot{.material = m.material,
          .number = m.lot,
          .production = opt_date("production"),
          .expiry = opt_date("expiry")};
  return {m, lot};
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("export csv: the header is the contract, rows carry every field, CRLF line ends") {
  Fixture f;
  const std::string csv = f.export_text(ExportFormat::Csv);
  CHECK(csv.rfind("id,operation,date,recorded_at,kind,depot,material,lot,quantity,unit,"
                  "production,expiry,actor,counterparty,incident,document,reason,note,approver,"
                  "unusable_reason,reverses,idempotency_key,hash\r\n",
                  0) == 0);
  CHECK(csv.find('\n') == csv.find("\r\n") + 1);
  const auto doc = parse_csv(csv);
  REQUIRE(doc.errors.empty());
  REQUIRE(doc.records.size() == 8); // header + 7 movements
  const auto movements = f.l.movements();
  for (std::size_t i = 1; i < doc.records.size(); ++i) {
    REQUIRE(doc.records[i].fields.size() == kLedgerCsvColumns.size());
    CHECK(doc.records[i].fields.back() == movements[i - 1].hash);
  }
  const auto& r1 = doc.records[1].fields;
  CHECK(r1[0] == "1");
  CHECK(r1[2] == "2026-11-01");
  CHECK(r1[3] == "2026-11-22T08:00:00Z");
  CHECK(r1[4] == "receive");
  CHECK(r1[7] == "K-2026");
  CHECK(r1[8] == "15");
  CHECK(r1[9] == "顶");
  CHECK(r1[10] == "2026-01-15");
  CHECK(r1[11] == "2031-01-14");
  CHECK(r1[15] == "RK-001");
  CHECK(r1[17] == "'+1-2"); // the note is defused
  CHECK(r1[21] == "req-1");
  const auto& r2 = doc.records[2].fields;
  CHECK(r2[4] == "issue");
  CHECK(r2[8] == "-5"); // a number stockpile wrote stays a number
  CHECK(r2[21] == "movement:" + movements[1].hash);
  // the implicit lot "-" stays "-"; undated lots leave production and expiry empty
  const auto& r3 = doc.records[3].fields;
  CHECK(r3[7] == "-");
  CHECK(r3[8] == "250.5");
  CHECK(r3[10].empty());
  CHECK(r3[11].empty());
  // both legs of the transfer carry the key of its first movement
  CHECK(doc.records[4].fields[4] == "transfer-out");
  CHECK(doc.records[5].fields[4] == "transfer-in");
  CHECK(doc.records[4].fields[21] == "movement:" + movements[3].hash);
  CHECK(doc.records[5].fields[21] == "movement:" + movements[3].hash);
  CHECK(doc.records[4].fields[8] == "-100.25");
  // the reversal names what it reverses
  CHECK(doc.records[6].fields[4] == "reverse");
  CHECK(doc.records[6].fields[16] == "wrong shelter");
  CHECK(doc.records[6].fields[20] == "2");
  CHECK(csv.find("\xEF\xBB\xBF") == std::string::npos);
}

TEST_CASE("export csv: --bom starts the file with a UTF-8 byte-order mark") {
  Fixture f;
  ExportOptions o;
  o.bom = true;
  const std::string csv = f.export_text(ExportFormat::Csv, o);
  CHECK(csv.rfind("\xEF\xBB\xBFid,operation,", 0) == 0);
}

TEST_CASE("defuse_formula: = + - @ tab CR LF get a leading quote; a lone - and numbers do not") {
  CHECK(defuse_formula("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")");
  CHECK(defuse_formula("+1-2") == "'+1-2");
  CHECK(defuse_formula("-5") == "'-5"); // text that looks like a number is still text
  CHECK(defuse_formula("@SUM(A1)") == "'@SUM(A1)");
  CHECK(defuse_formula("\tx") == "'\tx");
  CHECK(defuse_formula("\rx") == "'\rx");
  CHECK(defuse_formula("\nx") == "'\nx");
  CHECK(defuse_formula("-") == "-");
  CHECK(defuse_formula("帐篷") == "帐篷");
  CHECK(csv_number("-5") == "-5");
}

TEST_CASE("export: --from, --to, --depot and --org select movements") {
  Fixture f;
  const auto ids = [&](ExportOptions o) { return join(ids_of(f.export_text(ExportFormat::Csv, o))); };
  ExportOptions o;
  CHECK(ids(o) == "1,2,3,4,5,6,7");
  o.from = day("2026-11-10");
  o.to = day("2026-11-15");
  CHECK(ids(o) == "2,3,4,5");
  o = {};
  o.depot = DepotCode("CHEM-01");
  CHECK(ids(o) == "5");
  o = {};
  o.org = OrgCode("LN"); // LN-01 and the enterprise's CHEM-01 below it, not YF-01
  CHECK(ids(o) == "1,2,3,4,5,6");
  o.org = OrgCode("YF");
  CHECK(ids(o) == "7");
  o.org = OrgCode("LZ");
  CHECK(ids(o) == "1,2,3,4,5,6,7");
  CHECK(f.l.count_movements(MovementQuery{}, OrgCode("LN")) == 6);
}

TEST_CASE("export: bad options name the field and value") {
  Fixture f;
  ExportOptions o;
  o.from = day("2026-11-20");
  o.to = day("2026-11-01");
  std::ostringstream out;
  CHECK_THROWS_WITH_AS(export_ledger(f.l, ExportFormat::Csv, out, o),
                       "--from \"2026-11-20\": is after --to 2026-11-01; expected a day on or "
                       "before it",
                       InvalidInput);
  o = {};
  o.depot = DepotCode("NOPE");
  CHECK_THROWS_WITH_AS(export_ledger(f.l, ExportFormat::Csv, out, o),
                       "depot \"NOPE\": no such depot in the ledger", NotFound);
  o = {};
  o.org = OrgCode("NOPE");
  CHECK_THROWS_AS(export_ledger(f.l, ExportFormat::Csv, out, o), NotFound);
  CHECK_THROWS_WITH_AS(export_ledger(f.l, ExportFormat::Xlsx, out, {}),
                       "--to \"xlsx\": an Excel workbook is binary: write it to a file",
                       InvalidInput);
  CHECK(out.str().empty());
  CHECK_THROWS_WITH_AS((void)parse_export_format("xml"),
                       "--to \"xml\": expected csv, jsonl, journal or xlsx", InvalidInput);
}

TEST_CASE("export jsonl: a receiver re-verifies the hash chain from the file alone") {
  Fixture f;
  const std::string text = f.export_text(ExportFormat::Jsonl);
  std::istringstream in(text);
  std::string line;
  std::string prev(stockpile::detail::kGenesisHash);
  int n = 0;
  while (std::getline(in, line)) {
    const JsonObject o = parse_object(line);
    CHECK(o.size() == 24);
    const auto [m, lot] = rebuild(o);
    CHECK(o.at("prev_hash").text == prev);
    CHECK(stockpile::detail::chain_hash(prev, m, lot) == m.hash);
    prev = m.hash;
    ++n;
  }
  CHECK(n == 7);
  CHECK(prev == f.l.verify().head_hash);

  // The recomputation is what proves it: a changed quantity or expiry no longer matches.
  const JsonObject first = parse_object(text.substr(0, text.find('\n')));
  auto [m, lot] = rebuild(first);
  CHECK(first.at("note").text == "+1-2"); // JSON is for programs: nothing is defused
  CHECK(first.at("idempotency_key").text == "req-1");
  const std::string genesis(stockpile::detail::kGenesisHash);
  m.quantity = qty("16");
  CHECK(stockpile::detail::chain_hash(genesis, m, lot) != m.hash);
  auto [m2, lot2] = rebuild(first);
  lot2.expiry = day("2032-01-14");
  CHECK(stockpile::detail::chain_hash(genesis, m2, lot2) != m2.hash);
}

TEST_CASE("export journal: one transaction per operation, exact quantities, safe text") {
  Fixture f;
  // A note with a comment character and a line break must not break the transaction line.
  (void)f.l.issue({.depot = DepotCode("LN-01"),
                   .material = MaterialCode("CARBON"),
                   .lot = std::nullopt,
                   .quantity = qty("0.125"),
                   .date = day("2026-11-21"),
                   .actor = keeper(),
                   .paper = {.counterparty = "第二中学;  安置点",
                             .incident = std::nullopt,
                             .document = "CK-9",
                             .note = "line one\nline two",
                             .idempotency_key = ""}});
  const std::string j = f.export_text(ExportFormat::Journal);
  CHECK(contains(j, "\n2026-11-01 * (1) receive / RK-001 / +1-2\n"));
  CHECK(contains(j, "    depot:LN-01:TENT-12:K-2026"));
  CHECK(contains(j, " 15 \"TENT-12\"  ; movement: 1\n"));
  CHECK(contains(j, "    flow:receive"));
  CHECK(contains(j, " -15 \"TENT-12\"\n"));
  // decimals as the material's: 250.5 kg of carbon is written 250.500
  CHECK(contains(j, " 250.500 \"CARBON\"  ; movement: 3\n"));
  CHECK(contains(j, "\n2026-11-15 * (4) transfer\n"));
  CHECK(contains(j, "    depot:CHEM-01:CARBON:-"));
  CHECK(contains(j, "\n2026-11-21 * (7) issue / CK-9 / 第二中学 安置点 / line one line two\n"));
  CHECK(contains(j, " -0.125 \"CARBON\"  ; movement: 8\n"));
}

TEST_CASE("export journal: with --from, an opening transaction carries the earlier stock") {
  Fixture f;
  ExportOptions o;
  o.from = day("2026-11-12");
  const std::string j = f.export_text(ExportFormat::Journal, o);
  CHECK(contains(j, "\n2026-11-12 * opening balances: stock at the end of 2026-11-11\n"));
  CHECK(contains(j, " 10 \"TENT-12\"\n")); // 15 received, 5 issued before the 12th
  CHECK(contains(j, "    equity:opening"));
  CHECK(!contains(j, "(1) receive"));
  CHECK(contains(j, "(3) receive"));
}

TEST_CASE("export to a file: written whole through a temporary file, or not at all") {
  Fixture f;
  const auto out = f.dir.path() / "ledger.csv";
  const auto result = export_ledger(f.l, ExportFormat::Csv, out, {});
  CHECK(result.movements == 7);
  const std::string written = read_file(out);
  CHECK(written == f.export_text(ExportFormat::Csv));
  const auto files = [&] {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(f.dir.path())) {
      names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return join(names);
  };
  CHECK(files() == "ledger.csv,ledger.db,ledger.db-shm,ledger.db-wal");

  SUBCASE("a failure part-way leaves the earlier file as it was and no temporary file") {
    ExportOptions o;
    o.progress = [](std::int64_t, std::int64_t) { throw StorageError("disk full"); };
    CHECK_THROWS_WITH_AS(export_ledger(f.l, ExportFormat::Jsonl, out, o), "disk full",
                         StorageError);
    CHECK(read_file(out) == written);
    CHECK(files() == "ledger.csv,ledger.db,ledger.db-shm,ledger.db-wal");
  }
  SUBCASE("an unwritable place names --out and the path") {
    const auto nowhere = f.dir.path() / "no-such-dir" / "x.csv";
    CHECK_THROWS_WITH_AS(export_ledger(f.l, ExportFormat::Csv, nowhere, {}),
                         ("--out \"" + nowhere.string() +
                          "\": cannot write: No such file or directory")
                             .c_str(),
                         StorageError);
    CHECK(!std::filesystem::exists(nowhere.parent_path()));
  }
  SUBCASE("the ledger file itself is refused") {
    CHECK_THROWS_AS(export_ledger(f.l, ExportFormat::Csv, f.l.path(), {}), InvalidInput);
    CHECK(f.l.verify().movements == 7);
  }
  SUBCASE("progress is reported with the total, ending with done == total") {
    std::vector<std::pair<std::int64_t, std::int64_t>> calls;
    ExportOptions o;
    o.progress = [&](std::int64_t done, std::int64_t total) { calls.emplace_back(done, total); };
    (void)export_ledger(f.l, ExportFormat::Journal, f.dir.path() / "x.journal", o);
    REQUIRE(calls.size() == 1);
    CHECK(calls.back() == std::pair<std::int64_t, std::int64_t>{7, 7});
  }
}

TEST_CASE("export xlsx: a missing or wrong library fails the export alone, naming it") {
  // libxlsxwriter is opened on the first workbook (lib/export_xlsx.cpp); on a machine without
  // it an xlsx export must fail with the library's name, and every other command must work.
  using stockpile::detail::check_xlsx_library;
  CHECK_THROWS_WITH_AS(check_xlsx_library("libstockpile-no-such-library.so.0"),
                       doctest::Contains("xlsx: cannot load libstockpile-no-such-library.so.0"),
                       StorageError);
  CHECK_THROWS_WITH_AS(check_xlsx_library("libstockpile-no-such-library.so.0"),
                       doctest::Contains("(install libxlsxwriter)"), StorageError);
  // A library that loads but is not libxlsxwriter: the first function it lacks is named.
  CHECK_THROWS_WITH_AS(check_xlsx_library("libc.so.6"),
                       doctest::Contains("xlsx: libc.so.6 has no function workbook_new_opt"),
                       StorageError);
  // The library the build found has every function the workbook uses.
  CHECK_NOTHROW(check_xlsx_library(stockpile::detail::xlsx_library_soname()));
  CHECK(std::string(stockpile::detail::xlsx_library_soname()).starts_with("libxlsxwriter.so"));
}

TEST_CASE("export xlsx: a workbook with three sheets, frozen headers, defused text, no formulas") {
  Fixture f;
  const auto out = f.dir.path() / "台账.xlsx";
  ExportOptions o;
  o.to = day("2026-11-22");
  CHECK(export_ledger(f.l, ExportFormat::Xlsx, out, o).movements == 7);
  const std::string bytes = read_file(out);
  REQUIRE(bytes.rfind("PK\x03\x04", 0) == 0);

  const auto workbook = stockpile::testing::xlsx_part(out, "xl/workbook.xml");
  CHECK(contains(workbook, "name=\"出入库记录\""));
  CHECK(contains(workbook, "name=\"库存\""));
  CHECK(contains(workbook, "name=\"批次\""));

  const auto movements = stockpile::testing::xlsx_part(out, "xl/worksheets/sheet1.xml");
  // text is written as strings, defused: the material name and the note
  CHECK(contains(movements, "'=HYPERLINK(\"x\")"));
  CHECK(contains(movements, "<t>'+1-2</t>"));
  CHECK(!contains(movements, "<f>"));
  // the header row is frozen, columns have widths, a filter spans the rows
  CHECK(contains(movements, "ySplit=\"1\""));
  CHECK(contains(movements, "<col "));
  CHECK(contains(movements, "<autoFilter ref=\"A1:X8\""));
  // dates are numbers with a date format: 2026-11-01 is Excel day 46327
  CHECK(contains(movements, "<v>46327</v>"));
  // quantities are numbers: the issue of 5 is -5
  CHECK(contains(movements, "<v>-5</v>"));

  const auto stock = stockpile::testing::xlsx_part(out, "xl/worksheets/sheet2.xml");
  CHECK(contains(stock, "<v>150.25</v>")); // carbon left at LN-01
  CHECK(contains(stock, "'=HYPERLINK(\"x\")"));
  const auto lots = stockpile::testing::xlsx_part(out, "xl/worksheets/sheet3.xml");
  CHECK(contains(lots, "K-2027"));
  CHECK(contains(lots, "<v>1514</v>")); // days from 2026-11-22 to the expiry 2031-01-14
}
