#include "stockpile/table.hpp"

#include "stockpile/csv.hpp"
#include "stockpile/error.hpp"

#include <doctest/doctest.h>

#include <array>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

using stockpile::Cell;
using stockpile::CellKind;
using stockpile::CellView;
using stockpile::Column;
using stockpile::display_width;
using stockpile::OutputFormat;
using stockpile::render;
using stockpile::Table;

namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t from = 0;
  for (std::size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', from)) {
    lines.push_back(text.substr(from, nl - from));
    from = nl + 1;
  }
  CHECK(from == text.size()); // every line, the last included, ends with "\n"
  return lines;
}

Column right(std::string name, std::string title) {
  return Column{std::move(name), std::move(title), true};
}

// The stock listing the alignment tests use: CJK, ASCII and a superscript in one column.
Table listing() {
  Table t({{"code", "Code"}, {"name", "名称"}, {"qty", "Quantity"}, {"note", "Note"}});
  t.add_row({Cell::str("M001"), Cell::str("棉衣"), Cell::num("120"), Cell::null()});
  t.add_row({Cell::str("T1"), Cell::str("tent"), Cell::num("2.5"), Cell::str("ok")});
  t.add_row({Cell::str("T22"), Cell::str("帐篷12m²"), Cell::num("80"), Cell::null()});
  return t;
}

} // namespace

TEST_CASE("table: display width counts CJK as two columns and combining marks as none") {
  CHECK(display_width("") == 0);
  CHECK(display_width("tent") == 4);
  CHECK(display_width("棉衣") == 4);
  CHECK(display_width("帐篷12m²") == 8);
  CHECK(display_width("e\xCC\x81") == 1);        // e + U+0301 combining acute
  CHECK(display_width("\xE3\x80\x80") == 2);     // U+3000 ideographic space
  CHECK(display_width("、。「」") == 8);         // CJK punctuation
  CHECK(display_width("ＡＢ￥") == 6);           // fullwidth forms
  CHECK(display_width("あカ한") == 6);           // Hiragana, Katakana, Hangul
  CHECK(display_width("㐀") == 2);               // CJK extension A
  CHECK(display_width("\xF0\xA0\x80\x80") == 2); // U+20000, extension B
  CHECK(display_width("\xF0\x9F\x98\x80") == 2); // U+1F600 emoji
  CHECK(display_width("\xE2\x80\x8B") == 0);     // U+200B zero width space
  CHECK(display_width("ｱ") == 1);                // halfwidth katakana stays narrow
  CHECK(display_width("\xFF"
                      "a") == 2); // an invalid byte still takes a column
}

TEST_CASE("table: text columns align by display width with CJK") {
  const std::string out = render(listing(), OutputFormat::Table);
  CHECK(out == "Code  名称      Quantity  Note\n"
               "----  --------  --------  ----\n"
               "M001  棉衣           120\n"
               "T1    tent           2.5  ok\n"
               "T22   帐篷12m²        80\n");

  const auto lines = split_lines(out);
  REQUIRE(lines.size() == 5);
  const std::size_t full = 4 + 2 + 8 + 2 + 8 + 2 + 4;
  // Every line is `full` wide but for the trimmed trailing spaces: the padding after "ok"
  // (2), or an empty last cell together with the gap before it (4 + 2).
  const std::vector<std::size_t> expected{full, full, full - 6, full - 2, full - 6};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    CAPTURE(lines[i]);
    CHECK(display_width(lines[i]) == expected[i]);
    CHECK(lines[i].back() != ' ');
  }
}

TEST_CASE("table: alignment of numbers, right-aligned text, Bool and Null") {
  SUBCASE("right_align columns and yes/no") {
    Table t({{"depot", "Depot"}, right("status", "Status"), {"ok", "OK"}});
    t.add_row({Cell::str("北京"), Cell::str("open"), Cell::boolean(true)});
    t.add_row({Cell::str("Shanghai-2"), Cell::str("closed"), Cell::boolean(false)});
    t.add_row({Cell::null(), Cell::null(), Cell::null()});
    CHECK(render(t, OutputFormat::Table) == "Depot       Status  OK\n"
                                            "----------  ------  ---\n"
                                            "北京          open  yes\n"
                                            "Shanghai-2  closed  no\n"
                                            "\n");
  }
  SUBCASE("numbers go right, text in the same column stays left") {
    Table t({Column{"qty", ""}});
    t.add_row({Cell::num("5")});
    t.add_row({Cell::str("n/a")});
    t.add_row({Cell::num("12.5")});
    CHECK(render(t, OutputFormat::Table) == "qty\n"
                                            "----\n"
                                            "   5\n"
                                            "n/a\n"
                                            "12.5\n");
  }
  SUBCASE("a column of numbers has its title on the right too") {
    Table t({{"code", "Code"}, {"qty", "Qty"}});
    t.add_row({Cell::str("M001"), Cell::num("12000")});
    t.add_row({Cell::str("M002"), Cell::null()});
    CHECK(render(t, OutputFormat::Table) == "Code    Qty\n"
                                            "----  -----\n"
                                            "M001  12000\n"
                                            "M002\n");
  }
}

TEST_CASE("table: an empty table prints the header and the rule only") {
  const Table t({{"code", "Code"}, {"name", ""}});
  CHECK(render(t, OutputFormat::Table) == "Code  name\n"
                                          "----  ----\n");
  CHECK(render(t, OutputFormat::Json) == "[]\n");
  CHECK(render(t, OutputFormat::Csv) == "code,name\r\n");
  CHECK(t.size() == 0);
}

TEST_CASE("table: text output escapes control characters") {
  Table t({Column{"note", ""}});
  t.add_row({Cell::str("a\nb\x1b[31mred\t\xC2\x9B\xE2\x80\xAE\xFF")});
  const std::string shown = R"(a\nb\x1b[31mred\t\x9b\u202e\xff)";
  CHECK(render(t, OutputFormat::Table) ==
        "note\n" + std::string(shown.size(), '-') + "\n" + shown + "\n");
}

TEST_CASE("table: each kind of character that needs escaping is escaped, beside plain cells") {
  // Plain cells are shown as they are without a copy; any one of these must still be caught
  // on its own, and the column widths must come from what is shown.
  Table t({Column{"code", ""}, Column{"note", ""}});
  t.add_row({Cell::str("A"), Cell::str("帐篷")});
  t.add_row({Cell::str("B"), Cell::str("x\ry")});
  t.add_row({Cell::str("C"), Cell::str("\x7f")});
  t.add_row({Cell::str("D"), Cell::str("\xC2\x85")});      // NEL, a C1 control
  t.add_row({Cell::str("E"), Cell::str("\xE2\x81\xA6z")}); // U+2066, an isolate
  t.add_row({Cell::str("F"), Cell::str("\xE5\xB8")});      // a cut-off character
  t.add_row({Cell::str("G"), Cell::num("12.5")});
  CHECK(render(t, OutputFormat::Table) == "code  note\n"
                                          "----  --------\n"
                                          "A     帐篷\n"
                                          "B     x\\ry\n"
                                          "C     \\x7f\n"
                                          "D     \\x85\n"
                                          "E     \\u2066z\n"
                                          "F     \\xe5\\xb8\n"
                                          "G         12.5\n");
}

TEST_CASE("table: rows must match the columns") {
  Table t({{"a", ""}, {"b", ""}});
  CHECK_THROWS_AS(t.add_row({Cell::str("x")}), std::logic_error);
  CHECK_THROWS_AS(t.add_row({Cell::str("x"), Cell::str("y"), Cell::str("z")}), std::logic_error);
  t.add_row({Cell::str("x"), Cell::num("1")});
  CHECK(t.size() == 1);
  CHECK(t.at(0, 1).kind == CellKind::Number);
  CHECK(t.columns()[1].name == "b");
  CHECK_THROWS_AS(Table({{"a", ""}, {"a", "A"}}), std::logic_error);
}

TEST_CASE("table: rows from refilled cells or from views are copied in; at() checks bounds") {
  Table t({{"code", ""}, {"qty", "", true}});
  std::vector<Cell> row{Cell::str("A"), Cell::num("1")};
  t.add_row(row);
  row[0].text = "BB"; // the table holds its own copy of the row added before
  row[1].text = "22";
  t.add_row(row);
  std::string held = "CCC";
  const std::array<CellView, 2> views{CellView{CellKind::Text, held}, CellView{CellKind::Null, {}}};
  t.add_row(std::span<const CellView>(views));
  held = "changed";
  const std::array<CellView, 1> too_short{CellView{CellKind::Text, "x"}};
  CHECK_THROWS_AS(t.add_row(std::span<const CellView>(too_short)), std::logic_error);
  REQUIRE(t.size() == 3);
  CHECK(t.at(0, 0).text == "A");
  CHECK(t.at(1, 1).text == "22");
  CHECK(t.at(1, 1).kind == CellKind::Number);
  CHECK(t.at(2, 0).text == "CCC");
  CHECK(t.at(2, 1).kind == CellKind::Null);
  CHECK_THROWS_AS((void)t.at(3, 0), std::out_of_range);
  CHECK_THROWS_AS((void)t.at(0, 2), std::out_of_range);
  CHECK(render(t, OutputFormat::Table) == "code  qty\n"
                                          "----  ---\n"
                                          "A       1\n"
                                          "BB     22\n"
                                          "CCC\n");
}

TEST_CASE("table: ideographs are two columns up to the block's edges, not past them") {
  // U+4DFF (a hexagram: one column), U+4E00 and U+9FFF (the first and last unified
  // ideographs), U+A000 (Yi: two columns, found through the table).
  const char* hexagram = "\xe4\xb7\xbf";
  const char* first = "\xe4\xb8\x80";
  const char* last = "\xe9\xbf\xbf";
  const char* yi = "\xea\x80\x80";
  CHECK(display_width(hexagram) == 1);
  CHECK(display_width(first) == 2);
  CHECK(display_width(last) == 2);
  CHECK(display_width(yi) == 2);
  Table t({{"c", ""}, {"x", ""}});
  for (const char* s : {hexagram, first, last, yi}) t.add_row({Cell::str(s), Cell::str("x")});
  // Two escaped cells in one row, between plain ones.
  t.add_row({Cell::str("a\tb"), Cell::str("\x1b")});
  CHECK(render(t, OutputFormat::Table) == std::string("c     x\n"
                                                      "----  ----\n") +
                                              hexagram + "     x\n" + first + "    x\n" +
                                              last + "    x\n" + yi + "    x\n" +
                                              "a\\tb  \\x1b\n");
}

TEST_CASE("table: cells") {
  CHECK(Cell::str("x").kind == CellKind::Text);
  CHECK(Cell::num("2.5").text == "2.5");
  CHECK(Cell::boolean(true).kind == CellKind::Bool);
  CHECK(Cell::boolean(true).text == "true");
  CHECK(Cell::boolean(false).text == "false");
  CHECK(Cell::null().kind == CellKind::Null);
  CHECK(Cell::null().text.empty());
}

TEST_CASE("table: parse_output_format") {
  CHECK(stockpile::parse_output_format("table") == OutputFormat::Table);
  CHECK(stockpile::parse_output_format("json") == OutputFormat::Json);
  CHECK(stockpile::parse_output_format("CSV") == OutputFormat::Csv);
  try {
    (void)stockpile::parse_output_format("xml");
    FAIL("expected InvalidInput");
  } catch (const stockpile::InvalidInput& e) {
    CHECK(std::string(e.what()) == R"(--format "xml": expected table, json or csv)");
  }
  CHECK_THROWS_AS((void)stockpile::parse_output_format(""), stockpile::InvalidInput);
  CHECK_THROWS_AS((void)stockpile::parse_output_format("table "), stockpile::InvalidInput);
}

TEST_CASE("table: json_string escapes what JSON requires and passes CJK through") {
  using stockpile::json_string;
  CHECK(json_string("") == R"("")");
  CHECK(json_string("say \"hi\" \\ /") == R"("say \"hi\" \\ /")");
  CHECK(json_string("\b\f\n\r\t") == R"("\b\f\n\r\t")");
  CHECK(json_string("\x01\x1f\x7f") == R"("\u0001\u001f\u007f")");
  CHECK(json_string(std::string("a\0b", 3)) == R"("a\u0000b")");
  CHECK(json_string("棉衣 帐篷12m² \xF0\x9F\x98\x80") == "\"棉衣 帐篷12m² \xF0\x9F\x98\x80\"");
  CHECK(json_string("a\xFF"
                    "b") == "\"a\xEF\xBF\xBD"
                            "b\""); // invalid byte -> U+FFFD, output stays valid UTF-8
}

TEST_CASE("table: JSON rendering") {
  Table t({{"code", "Code"}, {"name", "名称"}, {"qty", ""}, {"active", ""}, {"note", ""}});
  t.add_row({Cell::str("M001"), Cell::str("棉衣 \"冬季\""), Cell::num("2.5"), Cell::boolean(true),
             Cell::null()});
  t.add_row({Cell::str("T1"), Cell::str("line1\nline2\t\x01"), Cell::num("-5"),
             Cell::boolean(false), Cell::str("80")});
  CHECK(render(t, OutputFormat::Json) == R"([
  {
    "code": "M001",
    "name": "棉衣 \"冬季\"",
    "qty": 2.5,
    "active": true,
    "note": null
  },
  {
    "code": "T1",
    "name": "line1\nline2\t\u0001",
    "qty": -5,
    "active": false,
    "note": "80"
  }
]
)");

  SUBCASE("a Number cell that is not a JSON number is written as a string") {
    Table odd({Column{"qty", ""}});
    odd.add_row({Cell::num("1,5")});
    odd.add_row({Cell::num("01")});
    odd.add_row({Cell::num("80")});
    CHECK(render(odd, OutputFormat::Json) == "[\n"
                                             "  {\n    \"qty\": \"1,5\"\n  },\n"
                                             "  {\n    \"qty\": \"01\"\n  },\n"
                                             "  {\n    \"qty\": 80\n  }\n"
                                             "]\n");
  }
}

TEST_CASE("table: CSV rendering neutralises text formulas but not numbers") {
  Table t({{"code", "Code"}, {"note", "Note"}, {"qty", "Qty"}, {"ok", "OK"}});
  t.add_row({Cell::str("A1"), Cell::str("=SUM(A1)"), Cell::num("-5"), Cell::boolean(true)});
  t.add_row({Cell::str("B2"), Cell::str("-5 damaged"), Cell::num("2.5"), Cell::boolean(false)});
  t.add_row({Cell::str("C3"), Cell::str("棉衣, 冬季"), Cell::null(), Cell::null()});
  const std::string body = "code,note,qty,ok\r\n"
                           "A1,'=SUM(A1),-5,true\r\n"
                           "B2,'-5 damaged,2.5,false\r\n"
                           "C3,\"棉衣, 冬季\",,\r\n";
  CHECK(render(t, OutputFormat::Csv) == body);
  const std::string with_bom = render(t, OutputFormat::Csv, {.csv_bom = true});
  CHECK(with_bom == "\xEF\xBB\xBF" + body);

  const auto doc = stockpile::parse_csv(with_bom);
  CHECK(doc.errors.empty());
  REQUIRE(doc.records.size() == 4);
  CHECK(doc.records[0].fields == std::vector<std::string>{"code", "note", "qty", "ok"});
  CHECK(doc.records[2].fields == std::vector<std::string>{"B2", "'-5 damaged", "2.5", "false"});
  CHECK(doc.records[3].fields == std::vector<std::string>{"C3", "棉衣, 冬季", "", ""});

  SUBCASE("a one-column row of Null is not lost as a blank line") {
    Table one({Column{"note", ""}});
    one.add_row({Cell::null()});
    CHECK(render(one, OutputFormat::Csv) == "note\r\n\"\"\r\n");
    CHECK(stockpile::parse_csv(render(one, OutputFormat::Csv)).records.size() == 2);
  }
}

TEST_CASE("table: many rows, cells larger than a block and copies keep every cell") {
  // The table keeps its cells in blocks (4,096 places, 64 KiB of text each): rows across
  // block edges, a cell larger than a block, empty cells and copies must all read back as
  // they were added.
  Table t({Column{"n"}, Column{"text"}, Column{"empty"}});
  const auto text_of = [](std::size_t r) {
    if (r == 7) return std::string(200'000, 'x'); // larger than any block
    if (r == 3000) return std::string(70'000, 'y');
    return "row " + std::to_string(r) + std::string(r % 37, '-');
  };
  constexpr std::size_t kRows = 20'000; // 60,000 cells: 15 blocks of places
  for (std::size_t r = 0; r < kRows; ++r) {
    t.add_row({Cell::num(std::to_string(r)), Cell::str(text_of(r)), Cell::null()});
  }
  REQUIRE(t.size() == kRows);
  const auto holds_every_row = [&](const Table& table) {
    for (std::size_t r = 0; r < kRows; ++r) {
      if (table.at(r, 0).text != std::to_string(r) || table.at(r, 1).text != text_of(r) ||
          table.at(r, 1).kind != CellKind::Text || table.at(r, 2).kind != CellKind::Null ||
          !table.at(r, 2).text.empty()) {
        FAIL_CHECK("row " << r << " reads back wrong");
        return false;
      }
    }
    return true;
  };
  CHECK(holds_every_row(t));

  Table copy = t;
  CHECK(holds_every_row(copy));
  CHECK(render(copy, OutputFormat::Csv) == render(t, OutputFormat::Csv));
  // The copy's cells are its own: adding to it or dropping the original leaves them be.
  copy.add_row({Cell::num("x"), Cell::str("added"), Cell::null()});
  CHECK(t.size() == kRows);
  CHECK(copy.size() == kRows + 1);
  {
    Table gone = std::move(t);
    // The header promises an empty table after a move.
    CHECK(t.size() == 0); // NOLINT(bugprone-use-after-move,clang-analyzer-cplusplus.Move)
    CHECK(t.columns().empty()); // NOLINT(bugprone-use-after-move)
    CHECK(gone.size() == kRows);
    CHECK(holds_every_row(gone));
    Table moved_again({Column{"x"}});
    moved_again = std::move(gone);
    CHECK(moved_again.size() == kRows);
    copy = moved_again;
  }
  CHECK(holds_every_row(copy));
  CHECK(copy.size() == kRows);

  SUBCASE("reserve makes room without changing what is read") {
    Table r({Column{"a"}, Column{"b"}});
    r.reserve(10, 1 << 20);
    r.add_row({Cell::str(""), Cell::str("b0")});
    r.reserve(100'000, 40);
    for (int i = 1; i < 5000; ++i) r.add_row({Cell::str("a" + std::to_string(i)), Cell::str("")});
    CHECK(r.at(0, 0).text.empty());
    CHECK(r.at(0, 1).text == "b0");
    CHECK(r.at(4999, 0).text == "a4999");
    CHECK(r.at(4999, 1).text.empty());
  }
}
