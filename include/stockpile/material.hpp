// Material (物资): one kind of thing the reserve holds, such as 棉衣 (cotton coats, 件),
// 帐篷 (tents, 顶) or activated carbon (kg). Every movement points at a material by its code.
// Editing a material appends a revision; history keeps the name it had when it was recorded.
#pragma once

#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "stockpile/codes.hpp"
#include "stockpile/duration.hpp"

namespace stockpile {

struct Material {
  explicit Material(MaterialCode material_code) : code(std::move(material_code)) {}

  MaterialCode code;
  std::string name;          // UTF-8, e.g. 棉衣
  std::string specification; // 规格, e.g. "12 m², single-layer"
  std::string unit;          // a counting word (件 套 顶 张 床 台) or an SI unit (kg, 吨, m)
  std::optional<std::string> gb_code; // GB/T 38565-2020 code: 7 digits (1 + 2 + 2 + 2)
  std::string category;               // free text, e.g. 污染物收集 or "shelter"
  std::optional<Duration> shelf_life; // none: the material does not expire
  std::vector<std::string> hazards;   // hazard types it serves: cold, flood, epidemic ...
  bool recoverable = false; // comes back after an incident (tents, generators), 回收
  bool lot_tracked = true;  // false: one implicit lot per depot
  int decimals = 0;         // how many decimals a quantity of it may have (0..3)
  // Its own expiry warning window: a duration before expiry (90d) or the last percent of its
  // shelf life (20 means the last 20 %). At most one of the two; none: the report's default.
  std::optional<Duration> warn_before;
  std::optional<int> warn_percent;
  int revision = 0;         // set by the ledger: 1 for the first version, +1 per edit
};

// Throws InvalidInput naming the first field that breaks its rule.
void validate(const Material& material);

// Parses "cold,flood;epidemic" (separators: comma, semicolon, vertical bar or space) into a
// sorted list without duplicates; throws InvalidInput(field, ...) for a malformed name.
[[nodiscard]] std::vector<std::string> parse_hazards(std::string_view text,
                                                     std::string_view field = "hazards");

// Parses a warning window: "90d" (a duration) or "20%" (1..99 percent of the shelf life) into
// the material's warn_before / warn_percent; throws InvalidInput(field, ...).
void parse_warning(std::string_view text, std::string_view field, Material& material);
// The warning window as written: "90d", "20%", or "" when none.
[[nodiscard]] std::string warning_text(const Material& material);

// Parses a shelf life ("36m", "2y", "90d") of at most 100 years (36000 days, 1200 months); a
// longer one is a typo, and its expiry dates would fall outside the calendar.
[[nodiscard]] Duration parse_shelf_life(std::string_view text, std::string_view field);

// Parses a yes/no flag as written in catalog files: yes/no, true/false, 1/0, y/n (any case).
[[nodiscard]] bool parse_flag(std::string_view text, std::string_view field);

} // namespace stockpile
