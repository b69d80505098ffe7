// Catalog CSV reading (internal): rows that parse, and an error per row that does not.
#pragma once

#include <string_view>
#include <vector>

#include "stockpile/error.hpp"
#include "stockpile/ledger.hpp"

namespace stockpile::detail {

struct MaterialRows {
  std::vector<MaterialRow> rows;
  std::vector<RowError> errors;
};

[[nodiscard]] MaterialRows read_material_rows(std::string_view text);

} // namespace stockpile::detail
