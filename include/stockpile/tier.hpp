// The five-in-one reserve (五位一体): physical stock in government depots (实物储备), stock
// held by enterprises (企业储备), agreement reserves (协议储备), capacity reserves (产能储备)
// and social reserves (社会储备), from most to least certain.
#pragma once

#include <string_view>

namespace stockpile {

enum class Tier { Physical, Enterprise, Agreement, Capacity, Social };

[[nodiscard]] std::string_view to_string(Tier tier) noexcept;

} // namespace stockpile
