#include <algorithm>
#include <array>

#include "material_csv.hpp"
#include "stockpile/csv.hpp"
#include "stockpile/error.hpp"

namespace stockpile {

namespace detail {

MaterialRows read_material_rows(std::string_view text) {
  static constexpr std::array<std::string_view, 3> kRequired{"code", "name", "unit"};
  static constexpr std::array<std::string_view, 9> kOptional{
      "specification", "gb_code",     "category",    "shelf_life", "hazards",
      "recoverable",   "lot_tracked", "decimals",    "warning"};
  MaterialRows out;
  const CsvTable table = read_csv_table(text, kRequired, kOptional);
  for (const auto& e : table.errors) out.errors.push_back(RowError{e.line, e.message});
  // With a bad header every row would fail the same way; the header errors say it all.
  if (!table.header_ok) return out;

  for (const auto& row : table.rows) {
    auto cell = [&](std::string_view name) -> std::string {
      auto i = table.column(name);
      return i ? row.fields.at(*i) : std::string();
    };
    try {
      Material m(MaterialCode(cell("code")));
      m.name = cell("name");
      m.unit = cell("unit");
      m.specification = cell("specification");
      if (auto g = cell("gb_code"); !g.empty()) m.gb_code = g;
      m.category = cell("category");
      if (auto life = cell("shelf_life"); !life.empty()) {
        m.shelf_life = parse_shelf_life(life, "shelf_life");
      }
      m.hazards = parse_hazards(cell("hazards"), "hazards");
      if (auto f = cell("recoverable"); !f.empty()) m.recoverable = parse_flag(f, "recoverable");
      if (auto f = cell("lot_tracked"); !f.empty()) m.lot_tracked = parse_flag(f, "lot_tracked");
      if (auto w = cell("warning"); !w.empty()) parse_warning(w, "warning", m);
      if (auto d = cell("decimals"); !d.empty()) {
        if (d.size() != 1 || d[0] < '0' || d[0] > '3') {
          throw InvalidInput("decimals", d, "expected 0, 1, 2 or 3");
        }
        m.decimals = d[0] - '0';
      }
      validate(m);
      out.rows.push_back(MaterialRow{row.line, std::move(m)});
    } catch (const Error& e) {
      out.errors.push_back(RowError{row.line, e.what()});
    }
  }
  // Ragged rows (from the table) and bad values (from the loop) interleave: list them by line.
  std::stable_sort(out.errors.begin(), out.errors.end(),
                   [](const RowError& a, const RowError& b) { return a.line < b.line; });
  return out;
}

} // namespace detail

std::vector<MaterialRow> parse_material_csv(std::string_view text, std::string_view source) {
  auto parsed = detail::read_material_rows(text);
  if (!parsed.errors.empty()) throw ImportError(std::string(source), std::move(parsed.errors));
  return std::move(parsed.rows);
}

} // namespace stockpile
