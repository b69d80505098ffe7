// Table: what every listing and report (台账, 报表) produces before it is shown. One model,
// three renderings: an aligned text table for the keeper at the terminal (CJK counted as two
// columns wide), JSON for programs, CSV for spreadsheets.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stockpile {

enum class CellKind { Text, Number, Bool, Null };

struct Cell {
  CellKind kind = CellKind::Null;
  std::string text; // Number: exact decimal as formatted ("2.5", "-5"); Bool: "true"/"false"

  [[nodiscard]] static Cell str(std::string value);
  [[nodiscard]] static Cell num(std::string exact_decimal_text);
  [[nodiscard]] static Cell boolean(bool value);
  [[nodiscard]] static Cell null();
};

struct Column {
  Column(std::string column_name, std::string column_title = {}, bool align_right = false)
      : name(std::move(column_name)), title(std::move(column_title)), right_align(align_right) {}

  std::string name;  // snake_case; the JSON key and the CSV header
  std::string title; // shown in text tables; empty means `name`
  bool right_align = false;
};

class Table {
public:
  // Throws std::logic_error if two columns share a name (they would collide as JSON keys).
  explicit Table(std::vector<Column> columns);

  // Throws std::logic_error unless the row has one cell per column.
  void add_row(std::vector<Cell> row);
  void reserve(std::size_t rows) { rows_.reserve(rows); }

  [[nodiscard]] const std::vector<Column>& columns() const noexcept { return columns_; }
  [[nodiscard]] const std::vector<std::vector<Cell>>& rows() const noexcept { return rows_; }
  [[nodiscard]] std::size_t size() const noexcept { return rows_.size(); }

private:
  std::vector<Column> columns_;
  std::vector<std::vector<Cell>> rows_;
};

enum class OutputFormat { Table, Json, Csv };

// "table", "json" or "csv" (ASCII case-insensitive); otherwise throws
// InvalidInput("--format", text, "expected table, json or csv").
[[nodiscard]] OutputFormat parse_output_format(std::string_view text);

struct RenderOptions {
  bool csv_bom = false; // lets Excel on Chinese Windows open UTF-8 CSV without mojibake
};

// Table: titles, a rule of '-', then rows; columns two spaces apart and padded by display
// width; numbers right-aligned; no trailing spaces; control characters shown escaped.
// Json: a pretty-printed array of objects keyed by Column::name. Csv: a header of
// Column::name, CRLF line ends, formula-looking text defused.
[[nodiscard]] std::string render(const Table& table, OutputFormat format,
                                 const RenderOptions& options = {});

// Terminal columns `utf8` occupies: 2 for East Asian Wide/Fullwidth characters, 0 for
// combining marks and other zero-width characters, 1 otherwise (and 1 per invalid byte).
[[nodiscard]] std::size_t display_width(std::string_view utf8);

// `value` as a JSON string literal, quotes included. Invalid UTF-8 bytes become U+FFFD so
// the output is always valid JSON.
[[nodiscard]] std::string json_string(std::string_view value);

} // namespace stockpile
