// Lot (批次): one batch of a material with its lot number, production date and expiry date,
// as printed on the batch label. First expiry first out (先进先出、出陈存新) picks lots by
// expiry. A lot is usable through its expiry date and expired from the next day.
#pragma once

#include <optional>
#include <string_view>

#include "stockpile/codes.hpp"
#include "stockpile/date.hpp"

namespace stockpile {

enum class LotStatus { Available, Quarantined, Recalled, Damaged };

[[nodiscard]] std::string_view to_string(LotStatus status) noexcept;
// available|quarantined|recalled|damaged; throws InvalidInput.
[[nodiscard]] LotStatus parse_lot_status(std::string_view text,
                                         std::string_view field = "--status");

// The lot number materials without lot tracking use: one implicit lot per material.
inline constexpr std::string_view kImplicitLot = "-";

struct Lot {
  MaterialCode material;
  LotNumber number;
  std::optional<Date> production;
  std::optional<Date> expiry; // none: the lot does not expire
  LotStatus status = LotStatus::Available;

  // Expired from the day after the expiry date.
  [[nodiscard]] bool expired_on(Date day) const noexcept { return expiry && day > *expiry; }
  [[nodiscard]] bool usable_on(Date day) const noexcept {
    return status == LotStatus::Available && !expired_on(day);
  }
};

} // namespace stockpile
