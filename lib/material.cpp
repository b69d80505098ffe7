#include "stockpile/material.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "stockpile/error.hpp"
#include "validate.hpp"

namespace stockpile {

namespace {

bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

void validate_hazard(std::string_view hazard, std::string_view field) {
  // An open list, so any name is welcome as long as it is one plain word: lowercase ASCII
  // letters, digits and '-', or non-ASCII text (洪涝) for users who name hazards in Chinese.
  const bool ok = !hazard.empty() && hazard.size() <= 32 && is_valid_utf8(hazard) &&
                  std::all_of(hazard.begin(), hazard.end(), [](char c) {
                    const auto u = static_cast<unsigned char>(c);
                    return (c >= 'a' && c <= 'z') || is_ascii_digit(c) || c == '-' || u >= 0x80;
                  });
  if (!ok) {
    throw InvalidInput(field, hazard,
                       "expected a hazard name of lowercase letters, digits and '-' "
                       "(e.g. cold, flood, chemical-spill)");
  }
}

} // namespace

std::vector<std::string> parse_hazards(std::string_view text, std::string_view field) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find_first_of(",;| ", start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view part = text.substr(start, end - start);
    if (!part.empty()) {
      std::string lower(part);
      std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
        return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      });
      try {
        validate_hazard(lower, field);
      } catch (const InvalidInput&) {
        validate_hazard(part, field); // name the value as the user wrote it
        throw;
      }
      out.push_back(std::move(lower));
    }
    start = end + 1;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void parse_warning(std::string_view text, std::string_view field, Material& material) {
  material.warn_before.reset();
  material.warn_percent.reset();
  if (text.empty()) return;
  if (text.back() == '%') {
    const auto digits = text.substr(0, text.size() - 1);
    int value = 0;
    const bool ok = !digits.empty() && digits.size() <= 2 &&
                    std::all_of(digits.begin(), digits.end(), is_ascii_digit);
    if (ok) {
      for (char c : digits) value = value * 10 + (c - '0');
    }
    if (!ok || value < 1 || value > 99) {
      throw InvalidInput(field, text, "expected a duration (90d) or a percentage of the shelf "
                                      "life from 1% to 99%");
    }
    material.warn_percent = value;
    return;
  }
  material.warn_before = Duration::parse(text, field);
}

std::string warning_text(const Material& material) {
  if (material.warn_before) return material.warn_before->to_string();
  if (material.warn_percent) return std::to_string(*material.warn_percent) + "%";
  return {};
}

namespace {
constexpr std::int64_t kMaxShelfLifeDays = 36000; // 100 years of 360 days, as approx_days counts
constexpr std::string_view kShelfLifeTooLong = "is too long for a shelf life (at most 100 years)";
} // namespace

Duration parse_shelf_life(std::string_view text, std::string_view field) {
  const Duration life = Duration::parse(text, field);
  if (life.approx_days() > kMaxShelfLifeDays) throw InvalidInput(field, text, kShelfLifeTooLong);
  return life;
}

bool parse_flag(std::string_view text, std::string_view field) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  if (lower == "yes" || lower == "y" || lower == "true" || lower == "1") return true;
  if (lower == "no" || lower == "n" || lower == "false" || lower == "0") return false;
  throw InvalidInput(field, text, "expected yes or no");
}

void validate(const Material& m) {
  detail::validate_text("name", m.name, 200, true, detail::Lines::Multi);
  detail::validate_text("specification", m.specification, 1000, false, detail::Lines::Multi);
  detail::validate_text("unit", m.unit, 32, true);
  if (m.unit.find_first_of(" \t") != std::string::npos) {
    throw InvalidInput("unit", m.unit, "must be one word (e.g. 件, 顶, kg)");
  }
  if (m.gb_code) {
    const auto& g = *m.gb_code;
    if (g.size() != 7 || !std::all_of(g.begin(), g.end(), is_ascii_digit)) {
      throw InvalidInput("gb_code", g, "expected a GB/T 38565-2020 code of 7 digits (e.g. 1010101)");
    }
  }
  detail::validate_text("category", m.category, 200, false, detail::Lines::Multi);
  for (const auto& h : m.hazards) validate_hazard(h, "hazards");
  if (m.warn_before && m.warn_percent) {
    throw InvalidInput("warning", warning_text(m), "give a duration or a percentage, not both");
  }
  if (m.shelf_life && m.shelf_life->approx_days() > kMaxShelfLifeDays) {
    throw InvalidInput("shelf_life", m.shelf_life->to_string(), kShelfLifeTooLong);
  }
  if (m.warn_percent && !m.shelf_life) {
    throw InvalidInput("warning", warning_text(m),
                       "a percentage of the shelf life needs a shelf life");
  }
  if (m.decimals < 0 || m.decimals > 3) {
    throw InvalidInput("decimals", std::to_string(m.decimals), "expected 0, 1, 2 or 3");
  }
}

} // namespace stockpile
