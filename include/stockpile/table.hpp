// Table: what every listing and report (台账, 报表) produces before it is shown. One model,
// three renderings: an aligned text table for the keeper at the terminal (CJK counted as two
// columns wide), JSON for programs, CSV for spreadsheets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
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

// A cell as the table holds it: its kind and a view of its text, good while the table lives
// and is not added to.
struct CellView {
  CellKind kind = CellKind::Null;
  std::string_view text;
};

class Table {
public:
  // Throws std::logic_error if two columns share a name (they would collide as JSON keys).
  explicit Table(std::vector<Column> columns);

  // Both throw std::logic_error unless the row has one cell per column. The cells are copied
  // into the table, so a caller adding many rows can keep one row of cells and refill it.
  void add_row(std::span<const Cell> row);
  void add_row(const std::vector<Cell>& row) { add_row(std::span<const Cell>(row)); }
  // The same from views of text the caller holds: nothing is copied but into the table.
  void add_row(std::span<const CellView> row);
  // Room for `rows` rows of about `text_bytes` bytes of text each.
  void reserve(std::size_t rows, std::size_t text_bytes = 0);

  [[nodiscard]] const std::vector<Column>& columns() const noexcept { return columns_; }
  [[nodiscard]] std::size_t size() const noexcept {
    return columns_.empty() ? rows_without_columns_ : cells_ / columns_.size();
  }
  // Throws std::out_of_range past the last row or column.
  [[nodiscard]] CellView at(std::size_t row, std::size_t column) const;

  // A copy holds the same cells in storage of its own.
  Table(const Table& other);
  Table& operator=(const Table& other);
  // A moved-from table is empty, with the same columns' storage gone: its counters and its
  // place for the next text are reset, so that adding to it never writes into the blocks the
  // other table now owns.
  Table(Table&& other) noexcept;
  Table& operator=(Table&& other) noexcept;
  ~Table() = default;

private:
  // Every cell's text in a few large blocks, the cells row by row as places in them: a report
  // of 100k rows is then a few hundred blocks, not a vector and a string or two per row (the
  // table of `stock` took two thirds of its memory and a malloc per cell that way). Blocks,
  // not one growing vector and string: growing copied everything added so far at every
  // doubling, into fresh pages, and page faults and copies were a tenth of `stock`'s time.
  // A block never moves, so a place points straight at its text.
  struct Place {
    const char* text;
    std::uint32_t size;
    CellKind kind;
  };
  static constexpr std::size_t kPlacesPerBlock = 4096; // 64 KiB
  static constexpr std::size_t kTextBlock = 64 * 1024;
  [[nodiscard]] const Place& place(std::size_t index) const noexcept {
    return places_[index / kPlacesPerBlock][index % kPlacesPerBlock];
  }
  [[nodiscard]] static CellView view(const Place& p) noexcept {
    return {p.kind, std::string_view(p.text, p.size)};
  }
  void append_cell(CellView cell);
  friend class TableReader;

  std::vector<Column> columns_;
  std::vector<std::unique_ptr<Place[]>> places_;
  std::size_t cells_ = 0;
  std::vector<std::unique_ptr<char[]>> texts_;
  char* text_end_ = nullptr; // where the next cell's text goes, in texts_.back()
  std::size_t text_room_ = 0;
  std::size_t text_bytes_ = 0;
  std::size_t next_text_block_ = kTextBlock; // reserve() makes the next one larger
  std::size_t rows_without_columns_ = 0;
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
// The same text handed to `sink` in pieces (the table's rows in blocks of about 64 KiB), so
// that a large report can be written out without being held whole.
void render(const Table& table, OutputFormat format, const RenderOptions& options,
            const std::function<void(std::string_view)>& sink);

// Terminal columns `utf8` occupies: 2 for East Asian Wide/Fullwidth characters, 0 for
// combining marks and other zero-width characters, 1 otherwise (and 1 per invalid byte).
[[nodiscard]] std::size_t display_width(std::string_view utf8);

// `value` as a JSON string literal, quotes included. Invalid UTF-8 bytes become U+FFFD so
// the output is always valid JSON.
[[nodiscard]] std::string json_string(std::string_view value);

} // namespace stockpile
