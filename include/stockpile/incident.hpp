// Incident (突发事件): what allocations, issues, calls and returns are tagged with. Graded I
// (特别重大, especially major), II (重大), III (较大), IV (一般, general).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "stockpile/codes.hpp"

namespace stockpile {

enum class IncidentLevel { I, II, III, IV };
[[nodiscard]] std::string_view to_string(IncidentLevel level) noexcept;
// I|II|III|IV (also 1-4); throws InvalidInput.
[[nodiscard]] IncidentLevel parse_incident_level(std::string_view text,
                                                 std::string_view field = "--level");

struct Incident {
  IncidentCode code;
  std::string name;
  IncidentLevel level = IncidentLevel::IV;
  std::chrono::sys_seconds opened{};
  std::string location;
};

void validate(const Incident& incident);

} // namespace stockpile
