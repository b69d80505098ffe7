#include "stockpile/csv.hpp"

#include "stockpile/error.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using namespace std::string_literals;
using namespace std::string_view_literals;
using stockpile::CsvDocument;
using stockpile::parse_csv;

namespace {

using Fields = std::vector<std::string>;

std::vector<std::size_t> lines_of(const CsvDocument& doc) {
  std::vector<std::size_t> lines;
  for (const auto& r : doc.records) {
    lines.push_back(r.line);
  }
  return lines;
}

std::string errors_of(const std::vector<stockpile::CsvError>& errors) {
  std::string out;
  for (const auto& e : errors) {
    out += std::to_string(e.line) + ": " + e.message + "\n";
  }
  return out;
}

std::string encode_row(const Fields& values, bool neutralise = true) {
  Fields encoded;
  for (const auto& v : values) {
    encoded.push_back(stockpile::csv_field(v, neutralise));
  }
  return stockpile::csv_line(encoded);
}

constexpr std::array<std::string_view, 3> kRequired{"code", "name", "qty"};
constexpr std::array<std::string_view, 1> kOptional{"note"};

} // namespace

TEST_CASE("csv: BOM is stripped and CJK fields pass through") {
  const auto doc = parse_csv("\xEF\xBB\xBF"
                             "code,name,spec\r\n"
                             "M001,棉衣,\"帐篷 12m²\"\r\n"
                             "M002,帐篷,12m²\r\n");
  CHECK(doc.errors.empty());
  REQUIRE(doc.records.size() == 3);
  CHECK(doc.records[0].fields == Fields{"code", "name", "spec"}); // not "\xEF\xBB\xBFcode"
  CHECK(doc.records[1].fields == Fields{"M001", "棉衣", "帐篷 12m²"});
  CHECK(doc.records[2].fields == Fields{"M002", "帐篷", "12m²"});
  CHECK(lines_of(doc) == std::vector<std::size_t>{1, 2, 3});

  SUBCASE("a BOM anywhere else is data") {
    const auto later = parse_csv("a\n\xEF\xBB\xBF"
                                 "b\n");
    REQUIRE(later.records.size() == 2);
    CHECK(later.records[1].fields == Fields{"\xEF\xBB\xBF"
                                            "b"});
  }
}

TEST_CASE("csv: commas, doubled quotes and empty fields") {
  const auto doc = parse_csv("\"a,b\",\"say \"\"hi\"\"\",plain\n"
                             ",,\n"
                             "x,\n"
                             "\"\"\n"
                             "\"\"\"\"\n");
  CHECK(errors_of(doc.errors) == "");
  REQUIRE(doc.records.size() == 5);
  CHECK(doc.records[0].fields == Fields{"a,b", "say \"hi\"", "plain"});
  CHECK(doc.records[1].fields == Fields{"", "", ""});
  CHECK(doc.records[2].fields == Fields{"x", ""});
  CHECK(doc.records[3].fields == Fields{""});   // a quoted empty field is a record
  CHECK(doc.records[4].fields == Fields{"\""}); // just a quote
}

TEST_CASE("csv: embedded newlines keep the line numbers of later records right") {
  const auto doc = parse_csv("code,note\n"                            // 1
                             "A,\"line one\nline two\nline three\"\n" // 2-4
                             "B,after\n"                              // 5
                             "\n"                                     // 6 blank
                             "C,\"x\r\ny\"\r\n"                       // 7-8
                             "D,\"lone\rcr\"\r"                       // 9-10
                             "E,z");                                  // 11, no final newline
  CHECK(errors_of(doc.errors) == "");
  REQUIRE(doc.records.size() == 6);
  CHECK(lines_of(doc) == std::vector<std::size_t>{1, 2, 5, 7, 9, 11});
  CHECK(doc.records[1].fields == Fields{"A", "line one\nline two\nline three"});
  CHECK(doc.records[2].fields == Fields{"B", "after"});
  CHECK(doc.records[3].fields == Fields{"C", "x\r\ny"}); // kept as written
  CHECK(doc.records[4].fields == Fields{"D", "lone\rcr"});
  CHECK(doc.records[5].fields == Fields{"E", "z"});
}

TEST_CASE("csv: line ends and blank lines") {
  SUBCASE("CRLF") {
    const auto doc = parse_csv("a,b\r\nc,d\r\n");
    REQUIRE(doc.records.size() == 2);
    CHECK(doc.records[1].fields == Fields{"c", "d"});
    CHECK(lines_of(doc) == std::vector<std::size_t>{1, 2});
  }
  SUBCASE("LF, lone CR and CRLF mixed") {
    const auto doc = parse_csv("a\nb\rc\r\nd");
    REQUIRE(doc.records.size() == 4);
    CHECK(doc.records[1].fields == Fields{"b"});
    CHECK(doc.records[2].fields == Fields{"c"});
    CHECK(lines_of(doc) == std::vector<std::size_t>{1, 2, 3, 4});
  }
  SUBCASE("a final newline makes no empty record") {
    CHECK(parse_csv("a,b\n").records.size() == 1);
    CHECK(parse_csv("a,b\r\n").records.size() == 1);
    CHECK(parse_csv("a,b").records.size() == 1);
  }
  SUBCASE("blank and whitespace-only lines are skipped, and still counted") {
    const auto doc = parse_csv("\n\r\na\n  \n\t\nb\n\n\n");
    CHECK(doc.errors.empty());
    REQUIRE(doc.records.size() == 2);
    CHECK(lines_of(doc) == std::vector<std::size_t>{3, 6});
  }
  SUBCASE("nothing at all") {
    const auto doc = parse_csv("");
    CHECK(doc.records.empty());
    CHECK(doc.errors.empty());
  }
}

TEST_CASE("csv: an unterminated quote is reported where the quoted field starts") {
  const auto doc = parse_csv("a,b\n"
                             "c,\"open\n"
                             "d,e\n"
                             "f,g\n");
  CHECK(errors_of(doc.errors) == "2: unterminated quoted field\n");
  REQUIRE(doc.records.size() == 1);
  CHECK(doc.records[0].fields == Fields{"a", "b"});
}

TEST_CASE("csv: every bad record is reported in one parse, and parsing resyncs") {
  const auto doc = parse_csv("ok,1\n"                // 1
                             "bad\"quote,2\n"        // 2
                             "\"closed\"x,3\n"       // 3
                             "ok,4\n"                // 4
                             "nul\0byte,5\n"s        // 5
                             "\xFF\xFE,6\n"          // 6
                             "\"multi\nline\" ,7\n"  // 7-8: space after the closing quote
                             "ok,9\n"                // 9
                             "\"a\nb\xC0\xAF\",10\n" // 10-11: overlong '/' on line 11
                             "\xED\xA0\x80,12\n"     // 12: a UTF-16 surrogate
                             "ok,13\n"               // 13
                             "trunc\xE6\xA3");       // 14: cut inside a character
  CHECK(errors_of(doc.errors) == "2: quote inside an unquoted field\n"
                                 "3: unexpected character after closing quote\n"
                                 "5: NUL byte\n"
                                 "6: invalid UTF-8\n"
                                 "8: unexpected character after closing quote\n"
                                 "11: invalid UTF-8\n"
                                 "12: invalid UTF-8\n"
                                 "14: invalid UTF-8\n");
  CHECK(lines_of(doc) == std::vector<std::size_t>{1, 4, 9, 13});
  REQUIRE(doc.records.size() == 4);
  CHECK(doc.records[1].fields == Fields{"ok", "4"});
  CHECK(doc.records[3].fields == Fields{"ok", "13"});
}

TEST_CASE("csv: table header is trimmed and matched case-insensitively") {
  const auto table = stockpile::read_csv_table(" Code ,NAME,qty\r\n"
                                               "M001,棉衣,120\r\n"
                                               "M002,帐篷 12m²,2.5\r\n",
                                               kRequired, kOptional);
  CHECK(errors_of(table.errors) == "");
  CHECK(table.header == Fields{"Code", "NAME", "qty"});
  CHECK(table.column("code") == 0U);
  CHECK(table.column("Name") == 1U);
  CHECK(table.column("QTY") == 2U);
  CHECK_FALSE(table.column("note").has_value());
  REQUIRE(table.rows.size() == 2);
  CHECK(table.rows[1].line == 3);
  CHECK(table.rows[1].fields == Fields{"M002", "帐篷 12m²", "2.5"});
}

TEST_CASE("csv: a NUL byte or invalid UTF-8 in a row names the column and shows the value") {
  const auto table = stockpile::read_csv_table("code,name,qty\n"
                                               "M001,caf\xe9,1\n"
                                               "M002,\"ok\",\"1\0\"\n"s
                                               "M003,棉衣,2\n",
                                               kRequired, kOptional);
  CHECK(errors_of(table.errors) == "2: name \"caf\\xe9\": is not valid UTF-8\n"
                                   "3: qty \"1\\x00\": contains a NUL byte\n");
  REQUIRE(table.rows.size() == 1);
  CHECK(table.rows[0].line == 4);
  // Without a header to name it, the document keeps saying what is wrong on which line.
  CHECK(errors_of(parse_csv("a,caf\xe9\n").errors) == "1: invalid UTF-8\n");
}

TEST_CASE("csv: invalid UTF-8 is found after any length of ASCII, in the column it is in") {
  for (std::size_t k = 0; k < 20; ++k) {
    CAPTURE(k);
    const std::string pad(k, 'x');
    const auto table = stockpile::read_csv_table(
        "code,name,qty\nM" + pad + ",棉" + pad + "\xe6\xa3,1\nM2,\"" + pad + "\",\"" + pad +
            "1\xc0\"\nM3," + pad + "棉衣,2\n",
        kRequired, kOptional);
    CHECK(errors_of(table.errors) ==
          "2: name \"棉" + pad + "\\xe6\\xa3\": is not valid UTF-8\n3: qty \"" + pad +
              "1\\xc0\": is not valid UTF-8\n");
    REQUIRE(table.rows.size() == 1);
    CHECK(table.rows[0].line == 4);
  }
}

TEST_CASE("csv: a bad byte under an unknown column quotes the column's name, line breaks and all") {
  // Found by fuzz_catalog: the header's own text named the column unescaped, so one error
  // took two lines at the terminal.
  const auto table = stockpile::read_csv_table("code,name,qty,\"no\nte\"\n"
                                               "M001,棉衣,1,caf\xe9\n",
                                               kRequired, kOptional);
  CHECK(errors_of(table.errors) ==
        "1: unknown column \"no\\nte\"; expected one of: code, name, qty, note\n"
        "3: column \"no\\nte\" \"caf\\xe9\": is not valid UTF-8\n"); // the header took 2 lines
}

TEST_CASE("csv: table header errors name the column") {
  SUBCASE("missing required column") {
    const auto table = stockpile::read_csv_table("code,qty\nM001,1\n", kRequired, kOptional);
    CHECK(errors_of(table.errors) == "1: missing column \"name\"\n");
    CHECK(table.rows.size() == 1); // rows are still read so that all problems show at once
  }
  SUBCASE("unknown column lists what is accepted") {
    const auto table =
        stockpile::read_csv_table("code,name,qty,colour\nM001,棉衣,1,red\n", kRequired, kOptional);
    CHECK(errors_of(table.errors) ==
          "1: unknown column \"colour\"; expected one of: code, name, qty, note\n");
  }
  SUBCASE("optional column accepted, duplicate rejected") {
    const auto ok = stockpile::read_csv_table("code,name,qty,Note\n", kRequired, kOptional);
    CHECK(ok.errors.empty());
    CHECK(ok.column("note") == 3U);
    const auto dup = stockpile::read_csv_table("code,name,qty,CODE\n", kRequired, kOptional);
    CHECK(errors_of(dup.errors) == "1: duplicate column \"CODE\"\n");
  }
  SUBCASE("missing and unknown together") {
    const auto table = stockpile::read_csv_table("cod,name\n", kRequired, kOptional);
    CHECK(errors_of(table.errors) ==
          "1: missing column \"code\"\n"
          "1: missing column \"qty\"\n"
          "1: unknown column \"cod\"; expected one of: code, name, qty, note\n");
  }
}

TEST_CASE("csv: table ragged rows and parse errors come out in line order") {
  const auto table = stockpile::read_csv_table("code,name,qty\n"        // 1
                                               "M001,棉衣,120\n"        // 2
                                               "M002,帐篷\n"            // 3 short
                                               "M003,\"x\"y,1\n"        // 4 bad quote
                                               "M004,a,1,extra\n"       // 5 long
                                               "\"M005\",\"b\nc\",7\n", // 6-7
                                               kRequired, kOptional);
  CHECK(errors_of(table.errors) == "3: expected 3 fields, found 2\n"
                                   "4: unexpected character after closing quote\n"
                                   "5: expected 3 fields, found 4\n");
  REQUIRE(table.rows.size() == 2);
  CHECK(table.rows[0].line == 2);
  CHECK(table.rows[1].line == 6);
  CHECK(table.rows[1].fields == Fields{"M005", "b\nc", "7"});
}

TEST_CASE("csv: table from an empty file or a broken header") {
  for (const auto text : {""sv, "\xEF\xBB\xBF"sv, "\n\r\n  \n"sv}) {
    const auto table = stockpile::read_csv_table(text, kRequired, kOptional);
    CHECK(errors_of(table.errors) == "1: empty file: expected a header line\n");
    CHECK(table.header.empty());
  }
  // The first line is broken: line 2 must not be taken for the header.
  const auto table =
      stockpile::read_csv_table("co\"de,name,qty\nM001,棉衣,1\n", kRequired, kOptional);
  CHECK(errors_of(table.errors) == "1: quote inside an unquoted field\n");
  CHECK(table.header.empty());
  CHECK(table.rows.empty());
}

TEST_CASE("csv: writer quotes what needs quoting") {
  using stockpile::csv_field;
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("棉衣") == "棉衣");
  CHECK(csv_field("") == "");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(csv_field("cr\rhere") == "\"cr\rhere\"");
  CHECK(csv_field(" lead") == "\" lead\"");
  CHECK(csv_field("trail ") == "\"trail \"");
  CHECK(csv_field("in side") == "in side");
}

TEST_CASE("csv: writer neutralises formulas in text cells") {
  using stockpile::csv_field;
  CHECK(csv_field("=SUM(A1)") == "'=SUM(A1)");
  CHECK(csv_field("+1") == "'+1");
  CHECK(csv_field("-5 damaged") == "'-5 damaged");
  CHECK(csv_field("@cmd") == "'@cmd");
  CHECK(csv_field("\tx") == "'\tx");
  CHECK(csv_field("\r=1") == "\"'\r=1\"");
  CHECK(csv_field("=HYPERLINK(\"http://x\",\"a,b\")") ==
        "\"'=HYPERLINK(\"\"http://x\"\",\"\"a,b\"\")\"");
  CHECK(csv_field("a=b") == "a=b"); // only a leading character triggers a formula
  CHECK(csv_field("=SUM(A1)", false) == "=SUM(A1)");
  CHECK(csv_field("\tx", false) == "\"\tx\"");

  CHECK(stockpile::csv_number("-5") == "-5");
  CHECK(stockpile::csv_number("2.500") == "2.500");
  CHECK(stockpile::csv_number("80") == "80");
  // Not a number: treated as text, so it cannot carry a formula through.
  CHECK(stockpile::csv_number("=1+1") == "'=1+1");
  // A lone dash is no formula (and is the implicit lot number): it stays as it is.
  CHECK(stockpile::csv_number("-") == "-");
  CHECK(stockpile::csv_field("-") == "-");
  CHECK(stockpile::csv_field("-1") == "'-1");
  CHECK(stockpile::csv_number("1,5") == "\"1,5\"");
}

TEST_CASE("csv: csv_line") {
  CHECK(stockpile::csv_line(Fields{"a", "\"b,c\"", ""}) == "a,\"b,c\",\r\n");
  CHECK(stockpile::csv_line(Fields{""}) == "\"\"\r\n"); // not a blank line
  CHECK(stockpile::csv_line(Fields{"", ""}) == ",\r\n");
}

TEST_CASE("csv: writer output parses back to the original fields") {
  const std::vector<Fields> rows{
      {"code", "name", "note"},
      {"M001", "棉衣", "帐篷 12m²"},
      {"a,b", "say \"hi\"", "two\r\nlines\nand\rmore"},
      {" lead", "trail ", "tab\tinside"},
      {"", "", ""},
      {""},
      {"\"", "\"\"", ","},
  };
  std::string text = "\xEF\xBB\xBF";
  for (const auto& row : rows) {
    text += encode_row(row);
  }
  const auto doc = parse_csv(text);
  CHECK(errors_of(doc.errors) == "");
  REQUIRE(doc.records.size() == rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    CAPTURE(i);
    CHECK(doc.records[i].fields == rows[i]);
  }

  SUBCASE("formula cells come back defused, or intact when not neutralised") {
    const Fields formulas{"=SUM(A1)", "-5 damaged", "+1", "@x", "\r=2", "\tx"};
    const auto defused = parse_csv(encode_row(formulas));
    REQUIRE(defused.records.size() == 1);
    CHECK(defused.records[0].fields ==
          Fields{"'=SUM(A1)", "'-5 damaged", "'+1", "'@x", "'\r=2", "'\tx"});
    const auto kept = parse_csv(encode_row(formulas, false));
    REQUIRE(kept.records.size() == 1);
    CHECK(kept.records[0].fields == formulas);
  }
}

TEST_CASE("csv: read_file") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path();
  const fs::path path =
      dir / ("stockpile_csv_test_" + std::to_string(std::random_device{}()) + ".csv");
  const std::string bytes = "\xEF\xBB\xBF"
                            "code\r\n棉衣\0x\n"s;
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    CHECK(std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size());
    std::fclose(f);
  }
  CHECK(stockpile::read_file(path) == bytes); // byte for byte: no newline translation
  fs::remove(path);

  try {
    (void)stockpile::read_file(path);
    FAIL("expected StorageError");
  } catch (const stockpile::StorageError& e) {
    CHECK(std::string(e.what()) == "cannot read " + path.string() + ": No such file or directory");
    CHECK(e.exit_code() == 4);
  }
  CHECK_THROWS_AS((void)stockpile::read_file(dir), stockpile::StorageError);
}

TEST_CASE("csv: randomized round-trip and garbage input") {
  // Seeded, so a failure reproduces; the seed is printed with any failure.
  const std::uint32_t seed = 20240521;
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const auto pick = [&rng](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  const std::array<std::string_view, 12> pieces{"a",  ",", "\"", "\r", "\n", " ",
                                                "\t", "=", "-",  "棉", "²",  "\r\n"};

  SUBCASE("whatever the fields, writing then parsing gives them back") {
    for (int round = 0; round < 200; ++round) {
      std::vector<Fields> rows(1 + pick(4));
      std::string text;
      for (auto& row : rows) {
        row.resize(1 + pick(4));
        for (auto& field : row) {
          for (std::size_t k = pick(6); k > 0; --k) {
            field += pieces[pick(pieces.size())];
          }
        }
        text += encode_row(row, false);
      }
      CAPTURE(text);
      const auto doc = parse_csv(text);
      CHECK(errors_of(doc.errors) == "");
      REQUIRE(doc.records.size() == rows.size());
      for (std::size_t i = 0; i < rows.size(); ++i) {
        CHECK(doc.records[i].fields == rows[i]);
      }
    }
  }
  SUBCASE("random bytes: no crash, lines in order, every line within the text") {
    for (int round = 0; round < 500; ++round) {
      std::string text;
      for (std::size_t k = pick(40); k > 0; --k) {
        text += pick(4) == 0 ? std::string(1, static_cast<char>(rng() & 0xFFU))
                             : std::string(pieces[pick(pieces.size())]);
      }
      CAPTURE(text);
      const auto doc = parse_csv(text);
      const std::size_t last_line =
          1 + static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) +
          static_cast<std::size_t>(std::count(text.begin(), text.end(), '\r'));
      std::size_t previous = 0;
      for (const auto& r : doc.records) {
        CHECK(r.line > previous);
        CHECK(r.line <= last_line);
        previous = r.line;
      }
      for (std::size_t i = 1; i < doc.errors.size(); ++i) {
        CHECK(doc.errors[i - 1].line <= doc.errors[i].line);
      }
    }
  }
}
