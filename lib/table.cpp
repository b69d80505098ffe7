#include "stockpile/table.hpp"

#include "stockpile/csv.hpp"
#include "stockpile/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>

namespace stockpile {

// The renderers' way into a table's cells, without the bounds checks of Table::at.
class TableReader {
public:
  explicit TableReader(const Table& table) : t_(table), n_(table.columns().size()) {}
  [[nodiscard]] CellView cell(std::size_t row, std::size_t column) const noexcept {
    return Table::view(t_.place(row * n_ + column));
  }
  [[nodiscard]] CellView cell(std::size_t index) const noexcept {
    return Table::view(t_.place(index));
  }

private:
  const Table& t_;
  std::size_t n_;
};

namespace {

[[nodiscard]] unsigned char byte(char c) noexcept { return static_cast<unsigned char>(c); }

struct CodePoint {
  char32_t value = 0;
  std::size_t size = 1; // bytes consumed; 1 for an invalid byte
  bool valid = false;
};

// Decodes the well-formed UTF-8 sequence at s[i] (no overlongs, surrogates or values above
// U+10FFFF); anything else is one invalid byte, so a caller always makes progress.
[[nodiscard]] CodePoint decode(std::string_view s, std::size_t i) noexcept {
  const unsigned char b0 = byte(s[i]);
  if (b0 < 0x80) {
    return {b0, 1, true};
  }
  std::size_t len = 0;
  char32_t value = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    value = b0 & 0x1FU;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    value = b0 & 0x0FU;
    lo = b0 == 0xE0 ? 0xA0 : 0x80;
    hi = b0 == 0xED ? 0x9F : 0xBF;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    value = b0 & 0x07U;
    lo = b0 == 0xF0 ? 0x90 : 0x80;
    hi = b0 == 0xF4 ? 0x8F : 0xBF;
  } else {
    return {};
  }
  if (s.size() - i < len) {
    return {};
  }
  for (std::size_t k = 1; k < len; ++k) {
    const unsigned char b = byte(s[i + k]);
    if (k == 1 ? (b < lo || b > hi) : (b & 0xC0U) != 0x80U) {
      return {};
    }
    value = (value << 6U) | (b & 0x3FU);
  }
  return {value, len, true};
}

struct Range {
  char32_t first;
  char32_t last;
};

// Zero-width: combining marks, Hangul medial/final jamo, zero-width and directional format
// characters, variation selectors. Sorted.
constexpr std::array kZeroWidth{
    Range{0x0300, 0x036F}, Range{0x0483, 0x0489}, Range{0x0591, 0x05BD},   Range{0x05BF, 0x05BF},
    Range{0x05C1, 0x05C2}, Range{0x05C4, 0x05C5}, Range{0x05C7, 0x05C7},   Range{0x0610, 0x061A},
    Range{0x064B, 0x065F}, Range{0x0670, 0x0670}, Range{0x06D6, 0x06DC},   Range{0x06DF, 0x06E4},
    Range{0x06E7, 0x06E8}, Range{0x06EA, 0x06ED}, Range{0x0900, 0x0902},   Range{0x093C, 0x093C},
    Range{0x0941, 0x0948}, Range{0x094D, 0x094D}, Range{0x0E31, 0x0E31},   Range{0x0E34, 0x0E3A},
    Range{0x0E47, 0x0E4E}, Range{0x1160, 0x11FF}, Range{0x1AB0, 0x1AFF},   Range{0x1DC0, 0x1DFF},
    Range{0x200B, 0x200F}, Range{0x202A, 0x202E}, Range{0x2060, 0x2064},   Range{0x2066, 0x2069},
    Range{0x20D0, 0x20FF}, Range{0x302A, 0x302D}, Range{0x3099, 0x309A},   Range{0xFE00, 0xFE0F},
    Range{0xFE20, 0xFE2F}, Range{0xFEFF, 0xFEFF}, Range{0xE0100, 0xE01EF},
};

// East Asian Wide (W) and Fullwidth (F). Sorted. U+303F (half fill space) is narrow.
constexpr std::array kWide{
    Range{0x1100, 0x115F},   // Hangul initial jamo
    Range{0x2E80, 0x303E},   // CJK radicals, Kangxi, ideographic description, CJK punctuation
    Range{0x3041, 0x33FF},   // Hiragana, Katakana, Bopomofo, Hangul jamo, CJK compatibility
    Range{0x3400, 0x4DBF},   // CJK extension A
    Range{0x4E00, 0x9FFF},   // CJK unified ideographs
    Range{0xA000, 0xA4CF},   // Yi
    Range{0xA960, 0xA97F},   // Hangul jamo extended A
    Range{0xAC00, 0xD7A3},   // Hangul syllables
    Range{0xF900, 0xFAFF},   // CJK compatibility ideographs
    Range{0xFE10, 0xFE19},   // vertical forms
    Range{0xFE30, 0xFE6F},   // CJK compatibility forms, small form variants
    Range{0xFF00, 0xFF60},   // fullwidth ASCII variants
    Range{0xFFE0, 0xFFE6},   // fullwidth signs (￥ ￡ ...)
    Range{0x16FE0, 0x16FE4}, // ideographic symbols
    Range{0x17000, 0x18CFF}, // Tangut
    Range{0x1B000, 0x1B2FF}, // kana supplement, small kana, Nushu
    Range{0x1F200, 0x1F251}, // enclosed ideographic supplement
    Range{0x1F300, 0x1F64F}, // pictographs, emoticons
    Range{0x1F680, 0x1F6FF}, // transport and map symbols
    Range{0x1F900, 0x1F9FF}, // supplemental symbols and pictographs
    Range{0x1FA70, 0x1FAFF}, // symbols and pictographs extended A
    Range{0x20000, 0x2FFFD}, // CJK extensions B-F, compatibility supplement
    Range{0x30000, 0x3FFFD}, // CJK extensions G-H
};

// in() binary-searches these tables: they must be sorted and must not overlap.
template <std::size_t N> constexpr bool sorted_disjoint(const std::array<Range, N>& ranges) {
  for (std::size_t i = 0; i < N; ++i) {
    if (ranges[i].first > ranges[i].last || (i > 0 && ranges[i - 1].last >= ranges[i].first)) {
      return false;
    }
  }
  return true;
}
static_assert(sorted_disjoint(kZeroWidth));
static_assert(sorted_disjoint(kWide));
// width_of's shortcut for the unified ideographs must say what the tables say.
static_assert(std::any_of(kWide.begin(), kWide.end(),
                          [](const Range& r) { return r.first <= 0x4E00 && 0x9FFF <= r.last; }));
static_assert(std::none_of(kZeroWidth.begin(), kZeroWidth.end(),
                           [](const Range& r) { return r.first <= 0x9FFF && 0x4E00 <= r.last; }));

template <std::size_t N>
[[nodiscard]] bool in(const std::array<Range, N>& ranges, char32_t cp) noexcept {
  const auto it = std::upper_bound(ranges.begin(), ranges.end(), cp,
                                   [](char32_t v, const Range& r) { return v < r.first; });
  return it != ranges.begin() && cp <= std::prev(it)->last;
}

[[nodiscard]] bool is_control(char32_t cp) noexcept {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

[[nodiscard]] std::size_t width_of(char32_t cp) noexcept {
  // Most of what a Chinese ledger prints past ASCII (names, units): no table search.
  if (cp >= 0x4E00 && cp <= 0x9FFF) {
    return 2;
  }
  if (is_control(cp) || in(kZeroWidth, cp)) {
    return 0;
  }
  return in(kWide, cp) ? 2 : 1;
}

// A cell as it may reach a terminal: control characters (ESC above all), bidirectional
// overrides and invalid bytes are shown escaped, so a cell can neither break the table's
// lines nor send the terminal commands nor reorder what the keeper reads.
[[nodiscard]] std::string for_terminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const CodePoint cp = decode(text, i);
    if (!cp.valid) {
      out += fmt::format("\\x{:02x}", byte(text[i]));
    } else if (cp.value == '\n') {
      out += "\\n";
    } else if (cp.value == '\r') {
      out += "\\r";
    } else if (cp.value == '\t') {
      out += "\\t";
    } else if (is_control(cp.value)) {
      out += fmt::format("\\x{:02x}", static_cast<std::uint32_t>(cp.value));
    } else if ((cp.value >= 0x202A && cp.value <= 0x202E) ||
               (cp.value >= 0x2066 && cp.value <= 0x2069)) {
      out += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(cp.value));
    } else {
      out.append(text.substr(i, cp.size));
    }
    i += cp.size;
  }
  return out;
}

// JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
[[nodiscard]] bool is_json_number(std::string_view s) noexcept {
  std::size_t i = 0;
  const auto digits = [&]() {
    const std::size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      ++i;
    }
    return i - from;
  };
  if (i < s.size() && s[i] == '-') {
    ++i;
  }
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (digits() == 0) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0) {
      return false;
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      ++i;
    }
    if (digits() == 0) {
      return false;
    }
  }
  return i == s.size();
}

[[nodiscard]] bool is_true(CellView cell) noexcept { return cell.text == "true"; }

// The display width of the text as it is, if for_terminal leaves it so (printable ASCII, or
// valid UTF-8 past it with no C1 control and no bidirectional override); none if it must be
// escaped first. One pass for what nearly every cell is.
[[nodiscard]] std::optional<std::size_t> width_as_is(std::string_view text) noexcept {
  std::size_t width = 0;
  std::size_t i = 0;
  // Eight bytes at a time while they are all printable ASCII (0x20..0x7E): codes, dates and
  // numbers, most of a table's bytes. A word has a byte below 0x20 when subtracting 0x20 from
  // every byte borrows into a byte whose top bit was clear, and one of 0x7F or more when it
  // has a top bit set itself or adding 1 sets one.
  constexpr std::uint64_t kOnes = 0x0101010101010101U;
  constexpr std::uint64_t kTops = 0x8080808080808080U;
  for (; text.size() - i >= 8; i += 8, width += 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, text.data() + i, 8);
    const std::uint64_t below_space = (w - kOnes * 0x20U) & ~w & kTops;
    const std::uint64_t above_tilde = (w | (w + kOnes)) & kTops;
    if ((below_space | above_tilde) != 0) break;
  }
  while (i < text.size()) {
    const auto b = byte(text[i]);
    if (b >= 0x20 && b < 0x7f) {
      ++width;
      ++i;
      continue;
    }
    // A CJK unified ideograph (U+4E00..U+9FFF: E4 B8 80 to E9 BF BF), most of any name or
    // unit: two columns, without decoding it.
    if (b >= 0xE4 && b <= 0xE9 && text.size() - i >= 3 && (byte(text[i + 1]) & 0xC0U) == 0x80U &&
        (byte(text[i + 2]) & 0xC0U) == 0x80U && (b != 0xE4 || byte(text[i + 1]) >= 0xB8)) {
      width += 2;
      i += 3;
      continue;
    }
    const CodePoint cp = decode(text, i);
    if (!cp.valid || is_control(cp.value) || (cp.value >= 0x202A && cp.value <= 0x202E) ||
        (cp.value >= 0x2066 && cp.value <= 0x2069)) {
      return std::nullopt;
    }
    width += width_of(cp.value);
    i += cp.size;
  }
  return width;
}

// What a bool or null cell shows: a constant, so that a column of them (the expiry report's
// warning on every line) needs no string of its own per cell.
[[nodiscard]] std::optional<std::string_view> constant_text(CellView cell) noexcept {
  switch (cell.kind) {
  case CellKind::Bool: return is_true(cell) ? "yes" : "no";
  case CellKind::Null: return "";
  case CellKind::Text:
  case CellKind::Number: break;
  }
  return std::nullopt;
}

[[nodiscard]] std::string display_text(CellView cell) {
  if (const auto constant = constant_text(cell)) return std::string(*constant);
  return for_terminal(cell.text);
}

[[nodiscard]] std::string title_of(const Column& column) {
  return for_terminal(column.title.empty() ? column.name : column.title);
}

void append_padded(std::string& out, std::string_view text, std::size_t text_width,
                   std::size_t width, bool right) {
  const std::size_t fill = width - std::min(width, text_width);
  if (right) {
    out.append(fill, ' ');
  }
  out += text;
  if (!right) {
    out.append(fill, ' ');
  }
}

void end_line(std::string& out, std::size_t line_start) {
  const std::size_t last = out.find_last_not_of(' ');
  out.resize(last == std::string::npos || last < line_start ? line_start : last + 1);
  out += '\n';
}

// Hands the text to `sink` in pieces: the titles, then the rows in blocks of about 64 KiB, so
// that printing a large report never holds its whole text (5.7 MB for the expiry window at
// 1M movements: 1,400 pages to fault in, a tenth of the report's time on this machine).
void render_text(const Table& table, const std::function<void(std::string_view)>& sink) {
  const auto& columns = table.columns();
  const std::size_t n = columns.size();
  const std::size_t rows = table.size();
  const TableReader cells(table);

  std::vector<std::string> titles;
  std::vector<std::size_t> widths;
  std::vector<bool> header_right;
  for (const Column& column : columns) {
    titles.push_back(title_of(column));
    widths.push_back(display_width(titles.back()));
    header_right.push_back(column.right_align);
  }
  // A column of numbers has its title over the numbers' right edge too.
  std::vector<char> any_number(n, 0);
  std::vector<char> only_numbers(n, 1);
  // Each cell's display width, row-major. Nearly every cell is shown as it is, straight from
  // the table; the few that must be escaped first are kept aside, by their index.
  std::vector<std::uint32_t> cell_widths(rows * n);
  std::vector<std::pair<std::size_t, std::string>> shown;
  for (std::size_t r = 0, i = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < n; ++c, ++i) {
      const CellView cell = cells.cell(i);
      const bool text = cell.kind == CellKind::Text || cell.kind == CellKind::Number;
      const auto as_is =
          text ? width_as_is(cell.text) : std::optional<std::size_t>(constant_text(cell)->size());
      const std::size_t width =
          as_is ? *as_is : display_width(shown.emplace_back(i, display_text(cell)).second);
      cell_widths[i] = static_cast<std::uint32_t>(width);
      widths[c] = std::max(widths[c], width);
      any_number[c] = static_cast<char>(any_number[c] || cell.kind == CellKind::Number);
      only_numbers[c] = static_cast<char>(
          only_numbers[c] && (cell.kind == CellKind::Number || cell.kind == CellKind::Null));
    }
  }

  std::string out;
  std::size_t start = out.size();
  for (std::size_t c = 0; c < n; ++c) {
    out += c == 0 ? "" : "  ";
    append_padded(out, titles[c], display_width(titles[c]), widths[c],
                  header_right[c] || (any_number[c] && only_numbers[c]));
  }
  end_line(out, start);
  start = out.size();
  for (std::size_t c = 0; c < n; ++c) {
    out += c == 0 ? "" : "  ";
    out.append(widths[c], '-');
  }
  end_line(out, start);
  sink(out);
  // The rows are written straight into a buffer, each after checking that the most it can
  // take fits (each cell its column's width of padding plus its bytes); the buffer goes to
  // the sink when the next row might not fit. An append per piece checked the capacity for
  // every cell.
  std::size_t padding = 2 * n + 1;
  for (const std::size_t w : widths) padding += w;
  constexpr std::size_t kBlock = 64 * 1024;
  std::string buffer(std::max(kBlock, padding), ' ');
  char* p = buffer.data();
  const auto room = [&] { return static_cast<std::size_t>(buffer.data() + buffer.size() - p); };
  auto next_shown = shown.begin();
  std::vector<char> right(n);
  for (std::size_t c = 0; c < n; ++c) right[c] = columns[c].right_align ? 1 : 0;
  std::vector<std::string_view> texts(n);
  for (std::size_t r = 0, i = 0; r < rows; ++r) {
    std::size_t most = padding;
    for (std::size_t c = 0; c < n; ++c) {
      const CellView cell = cells.cell(i + c);
      std::string_view text = cell.text;
      if (cell.kind == CellKind::Bool || cell.kind == CellKind::Null) text = *constant_text(cell);
      if (next_shown != shown.end() && next_shown->first == i + c) {
        text = (next_shown++)->second;
      }
      texts[c] = text;
      most += text.size();
    }
    if (room() < most) {
      sink(std::string_view(buffer.data(), static_cast<std::size_t>(p - buffer.data())));
      if (buffer.size() < most) buffer.resize(most);
      p = buffer.data();
    }
    char* const line = p;
    for (std::size_t c = 0; c < n; ++c, ++i) {
      if (c != 0) {
        *p++ = ' ';
        *p++ = ' ';
      }
      const std::string_view text = texts[c];
      const std::size_t fill = widths[c] - std::min<std::size_t>(widths[c], cell_widths[i]);
      const bool to_right = right[c] != 0 || cells.cell(i).kind == CellKind::Number;
      if (to_right) p = std::fill_n(p, fill, ' ');
      p = std::copy(text.begin(), text.end(), p);
      if (!to_right) p = std::fill_n(p, fill, ' ');
    }
    while (p != line && p[-1] == ' ') --p; // no trailing spaces
    *p++ = '\n';
  }
  sink(std::string_view(buffer.data(), static_cast<std::size_t>(p - buffer.data())));
}

[[nodiscard]] std::string json_value(CellView cell) {
  switch (cell.kind) {
  case CellKind::Number:
    // Verbatim when it is a JSON number; anything else stays valid JSON as a string.
    return is_json_number(cell.text) ? std::string(cell.text) : json_string(cell.text);
  case CellKind::Bool:
    return is_true(cell) ? "true" : "false";
  case CellKind::Null:
    return "null";
  case CellKind::Text:
    break;
  }
  return json_string(cell.text);
}

[[nodiscard]] std::string render_json(const Table& table) {
  const auto& columns = table.columns();
  const std::size_t rows = table.size();
  const TableReader cells(table);
  if (rows == 0) {
    return "[]\n";
  }
  std::string out = "[\n";
  for (std::size_t r = 0; r < rows; ++r) {
    out += "  {";
    if (!columns.empty()) {
      out += '\n';
      for (std::size_t c = 0; c < columns.size(); ++c) {
        out += "    ";
        out += json_string(columns[c].name);
        out += ": ";
        out += json_value(cells.cell(r, c));
        out += c + 1 < columns.size() ? ",\n" : "\n";
      }
      out += "  ";
    }
    out += r + 1 < rows ? "},\n" : "}\n";
  }
  out += "]\n";
  return out;
}

[[nodiscard]] std::string csv_value(CellView cell) {
  switch (cell.kind) {
  case CellKind::Number:
    return csv_number(cell.text);
  case CellKind::Bool:
    return is_true(cell) ? "true" : "false";
  case CellKind::Null:
    return {};
  case CellKind::Text:
    break;
  }
  return csv_field(cell.text, true);
}

[[nodiscard]] std::string render_csv(const Table& table, const RenderOptions& options) {
  std::string out = options.csv_bom ? "\xEF\xBB\xBF" : "";
  std::vector<std::string> fields;
  for (const Column& column : table.columns()) {
    fields.push_back(csv_field(column.name, true));
  }
  out += csv_line(fields);
  const TableReader cells(table);
  for (std::size_t r = 0; r < table.size(); ++r) {
    fields.clear();
    for (std::size_t c = 0; c < table.columns().size(); ++c) {
      fields.push_back(csv_value(cells.cell(r, c)));
    }
    out += csv_line(fields);
  }
  return out;
}

[[nodiscard]] char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

} // namespace

Cell Cell::str(std::string value) { return Cell{CellKind::Text, std::move(value)}; }

Cell Cell::num(std::string exact_decimal_text) {
  return Cell{CellKind::Number, std::move(exact_decimal_text)};
}

Cell Cell::boolean(bool value) { return Cell{CellKind::Bool, value ? "true" : "false"}; }

Cell Cell::null() { return Cell{CellKind::Null, {}}; }

Table::Table(std::vector<Column> columns) : columns_(std::move(columns)) {
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (columns_[i].name == columns_[j].name) {
        throw std::logic_error(
            fmt::format("Table: duplicate column name \"{}\"", columns_[i].name));
      }
    }
  }
}

void Table::add_row(std::span<const Cell> row) {
  std::vector<CellView> views;
  views.reserve(row.size());
  for (const Cell& cell : row) views.push_back(CellView{cell.kind, cell.text});
  add_row(std::span<const CellView>(views));
}

void Table::add_row(std::span<const CellView> row) {
  if (row.size() != columns_.size()) {
    throw std::logic_error(
        fmt::format("Table::add_row: {} cells for {} columns", row.size(), columns_.size()));
  }
  if (row.empty()) {
    ++rows_without_columns_;
    return;
  }
  for (const CellView& cell : row) {
    if (cell.text.size() > UINT32_MAX) {
      throw std::length_error("Table::add_row: a cell of 4 GiB or more");
    }
  }
  for (const CellView& cell : row) append_cell(cell);
}

void Table::append_cell(CellView cell) {
  if (cells_ % kPlacesPerBlock == 0) {
    places_.push_back(std::make_unique_for_overwrite<Place[]>(kPlacesPerBlock));
  }
  if (cell.text.size() > text_room_) {
    const std::size_t size = std::max(next_text_block_, cell.text.size());
    texts_.push_back(std::make_unique_for_overwrite<char[]>(size));
    text_end_ = texts_.back().get();
    text_room_ = size;
    next_text_block_ = kTextBlock;
  }
  // An empty text still points somewhere: never a null pointer in a string_view.
  const char* text = text_end_ ? text_end_ : "";
  if (!cell.text.empty()) {
    std::memcpy(text_end_, cell.text.data(), cell.text.size());
    text_end_ += cell.text.size();
    text_room_ -= cell.text.size();
    text_bytes_ += cell.text.size();
  }
  places_.back()[cells_ % kPlacesPerBlock] =
      Place{text, static_cast<std::uint32_t>(cell.text.size()), cell.kind};
  ++cells_;
}

Table::Table(const Table& other) : columns_(other.columns_) {
  rows_without_columns_ = other.rows_without_columns_;
  reserve(other.size(), other.size() == 0 ? 0 : other.text_bytes_ / other.size() + 1);
  for (std::size_t i = 0; i < other.cells_; ++i) append_cell(view(other.place(i)));
}

Table::Table(Table&& other) noexcept
    : columns_(std::move(other.columns_)), places_(std::move(other.places_)),
      cells_(std::exchange(other.cells_, 0)), texts_(std::move(other.texts_)),
      text_end_(std::exchange(other.text_end_, nullptr)),
      text_room_(std::exchange(other.text_room_, 0)),
      text_bytes_(std::exchange(other.text_bytes_, 0)),
      next_text_block_(std::exchange(other.next_text_block_, kTextBlock)),
      rows_without_columns_(std::exchange(other.rows_without_columns_, 0)) {
  other.places_.clear();
  other.texts_.clear();
}

Table& Table::operator=(Table&& other) noexcept {
  if (this != &other) {
    columns_ = std::move(other.columns_);
    places_ = std::move(other.places_);
    cells_ = std::exchange(other.cells_, 0);
    texts_ = std::move(other.texts_);
    text_end_ = std::exchange(other.text_end_, nullptr);
    text_room_ = std::exchange(other.text_room_, 0);
    text_bytes_ = std::exchange(other.text_bytes_, 0);
    next_text_block_ = std::exchange(other.next_text_block_, kTextBlock);
    rows_without_columns_ = std::exchange(other.rows_without_columns_, 0);
    other.places_.clear();
    other.texts_.clear();
  }
  return *this;
}

Table& Table::operator=(const Table& other) {
  if (this != &other) *this = Table(other);
  return *this;
}

void Table::reserve(std::size_t rows, std::size_t text_bytes) {
  places_.reserve((rows * columns_.size()) / kPlacesPerBlock + 1);
  // Only the text's next block: the places come in blocks of their own size anyway.
  if (rows * text_bytes > text_room_) next_text_block_ = std::max(kTextBlock, rows * text_bytes);
}

CellView Table::at(std::size_t row, std::size_t column) const {
  if (row >= size() || column >= columns_.size()) {
    throw std::out_of_range(fmt::format("Table::at: cell ({}, {}) of a table of {} rows and {} columns",
                                        row, column, size(), columns_.size()));
  }
  return view(place(row * columns_.size() + column));
}

OutputFormat parse_output_format(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), ascii_lower);
  if (lower == "table") {
    return OutputFormat::Table;
  }
  if (lower == "json") {
    return OutputFormat::Json;
  }
  if (lower == "csv") {
    return OutputFormat::Csv;
  }
  throw InvalidInput("--format", text, "expected table, json or csv");
}

std::string render(const Table& table, OutputFormat format, const RenderOptions& options) {
  switch (format) {
  case OutputFormat::Json:
    return render_json(table);
  case OutputFormat::Csv:
    return render_csv(table, options);
  case OutputFormat::Table:
    break;
  }
  std::string out;
  render_text(table, [&](std::string_view piece) { out += piece; });
  return out;
}

void render(const Table& table, OutputFormat format, const RenderOptions& options,
            const std::function<void(std::string_view)>& sink) {
  if (format == OutputFormat::Table) {
    render_text(table, sink);
  } else {
    sink(render(table, format, options));
  }
}

std::size_t display_width(std::string_view utf8) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    // Printable ASCII (codes, quantities, dates: most of any table) is one column a byte.
    if (const auto byte = static_cast<unsigned char>(utf8[i]); byte >= 0x20 && byte < 0x7f) {
      ++width;
      ++i;
      continue;
    }
    const CodePoint cp = decode(utf8, i);
    width += cp.valid ? width_of(cp.value) : 1;
    i += cp.size;
  }
  return width;
}

std::string json_string(std::string_view value) {
  std::string out = "\"";
  out.reserve(value.size() + 2);
  for (std::size_t i = 0; i < value.size();) {
    const CodePoint cp = decode(value, i);
    if (!cp.valid) {
      out += "\xEF\xBF\xBD"; // U+FFFD REPLACEMENT CHARACTER
    } else {
      switch (cp.value) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (cp.value < 0x20 || cp.value == 0x7F) {
          out += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(cp.value));
        } else {
          out.append(value.substr(i, cp.size));
        }
      }
    }
    i += cp.size;
  }
  out += '"';
  return out;
}

} // namespace stockpile
