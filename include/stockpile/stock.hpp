// Stock (库存): what is on hand, per depot and lot, and the filters and groupings the
// stock report and the history use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "stockpile/codes.hpp"
#include "stockpile/date.hpp"
#include "stockpile/lot.hpp"
#include "stockpile/movement.hpp"
#include "stockpile/quantity.hpp"
#include "stockpile/tier.hpp"

namespace stockpile {

struct StockLine {
  DepotCode depot;
  Tier tier = Tier::Physical; // physical or enterprise, from the depot owner's level
  MaterialCode material;
  std::string name; // the material's current name
  std::string unit;
  Lot lot;
  Quantity quantity;
};

struct StockQuery {
  std::optional<DepotCode> depot;
  std::optional<MaterialCode> material;
  std::optional<OrgCode> org; // the organisation and every organisation below it
  std::optional<Date> as_of;  // the balance at the end of that day; none: now
  bool include_zero = false;  // lots that were emptied
  // Only lots that expire on or before this day (the expiry report's window); none: all lots.
  std::optional<Date> expiring_by;
  // false: the lines in whichever order is cheapest, for a caller that sorts them its own way
  // (the expiry report by expiry); true: in (depot, material) order.
  bool in_order = true;
  // With in_order: by expiry instead (none last), then depot, material and lot, the expiry
  // report's order, so that it can hand its rows on as they come.
  bool by_expiry = false;
};

enum class StockGrouping { Depot, Material, Lot, Tier };
[[nodiscard]] StockGrouping parse_stock_grouping(std::string_view text,
                                                 std::string_view field = "--by");

// One row of a grouped stock report; fields that the grouping folds away are empty.
struct StockTotal {
  std::optional<DepotCode> depot;
  std::optional<Tier> tier;
  MaterialCode material;
  std::string name;
  std::string unit;
  std::optional<Lot> lot;
  Quantity quantity;
};

// Folds lot lines into a grouping one line at a time, so that a report over every lot of a
// large ledger never holds the lines (Ledger::stock_totals); group_stock is built on it.
class StockGrouper {
public:
  explicit StockGrouper(StockGrouping by) : by_(by) {}
  void add(const StockLine& line);
  // A total of one depot and material (depot and tier set, no lot); not for StockGrouping::Lot.
  void add(const StockTotal& depot_total);
  // The totals, sorted by the grouping's keys (depot or tier, material, lot number).
  [[nodiscard]] std::vector<StockTotal> take() &&;

private:
  void add(const DepotCode& depot, Tier tier, const MaterialCode& material,
           const std::string& name, const std::string& unit, const Lot* lot, Quantity quantity);
  static void key_text(std::string& out, std::string_view depot, bool with_tier, Tier tier,
                       std::string_view material, std::string_view lot);
  static std::string key_text(const StockTotal& total);

  StockGrouping by_;
  std::vector<StockTotal> totals_;
  bool in_order_ = true; // every line so far came after the one before, in the totals' order
  std::unordered_map<std::string, std::size_t> index_; // key → place in totals_
  std::size_t last_ = SIZE_MAX; // the total the previous line went to
  std::string key_;             // reused
};

// Pure: folds lot lines into the grouping, sorted by its keys.
[[nodiscard]] std::vector<StockTotal> group_stock(const std::vector<StockLine>& lines,
                                                  StockGrouping by);

struct MovementQuery {
  std::optional<DepotCode> depot;
  std::optional<MaterialCode> material;
  std::optional<LotNumber> lot;
  std::optional<MovementKind> kind;
  bool transfers = false; // kind given as "transfer": both legs
  std::optional<IncidentCode> incident;
  std::optional<Date> from;
  std::optional<Date> to;
};

// The outcome of verify: the chain and the balances recomputed from the movements.
struct VerifyReport {
  std::int64_t movements = 0;
  std::string head_hash; // empty for a ledger without movements
};

} // namespace stockpile
