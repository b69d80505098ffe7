// Stocktake (盘点): proving that book and stock match (账实相符). A stocktake records, per
// lot, what the books held when it started and the ledger position then; each count is
// compared with what the books held for that lot at the moment it was counted, so goods
// moving during the count never make false variances. Closing posts one `adjust` movement
// per variance (盘盈 surplus, 盘亏 shortage), all in one transaction.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stockpile/codes.hpp"
#include "stockpile/date.hpp"
#include "stockpile/lot.hpp"
#include "stockpile/movement.hpp"
#include "stockpile/quantity.hpp"

namespace stockpile {

enum class StocktakeState { Open, Closed, Cancelled };
[[nodiscard]] std::string_view to_string(StocktakeState state) noexcept;

enum class VarianceReason { Miscounted, Lost, Found, Damaged, Expired, IssuedWithoutRecord, Other };
[[nodiscard]] std::string_view to_string(VarianceReason reason) noexcept;
// miscounted|lost|found|damaged|expired|issued-without-record|other; throws InvalidInput.
[[nodiscard]] VarianceReason parse_variance_reason(std::string_view text,
                                                   std::string_view field = "--reason");

// What the uncounted lines mean at close.
enum class Uncounted {
  Block, // refuse to close while lines are uncounted
  Zero,  // nothing was on the shelf: the whole book quantity is a shortage
  Keep,  // not counted this time: no adjustment
};
[[nodiscard]] Uncounted parse_uncounted(std::string_view text,
                                        std::string_view field = "--uncounted");

struct Stocktake {
  std::int64_t id = 0;
  DepotCode depot;
  bool blind = false; // the sheet and the review hide book quantities until closed
  std::vector<MaterialCode> materials; // empty: every material the depot holds
  Date date;                           // the count day
  CustodianId started_by;
  std::string started_at;
  std::int64_t start_position = 0; // the last movement id when it started
  StocktakeState state = StocktakeState::Open;
  std::optional<CustodianId> approver; // who closed it
  std::optional<std::int64_t> operation; // the adjustments' operation, once closed
  std::string ended_at;
  std::int64_t lines = 0;
  std::int64_t counted = 0;
};

// One lot to count: its label, and what the books held when the stocktake started.
struct StocktakeLine {
  std::int64_t line = 0; // 1-based, in sheet order
  MaterialCode material;
  std::string name, specification, unit;
  Lot lot;
  // None on a blind stocktake's sheet until it is closed: the counter must not see it.
  std::optional<Quantity> book_at_start;
  bool found = false; // added during the count: the books did not know it was here
};

struct StocktakeCount {
  MaterialCode material;
  LotNumber lot;
  Quantity quantity;
  CustodianId counter;
  std::int64_t position = 0; // the last movement id when it was counted
  std::string recorded_at;
  std::string note;
};

// A movement of the depot recorded after the stocktake started.
struct MovementSince {
  std::int64_t id = 0;
  MaterialCode material;
  LotNumber lot;
  Quantity quantity;
};

struct Variance {
  StocktakeLine line;
  std::optional<Quantity> counted; // the last count; none: not counted
  // Book and variance are none while a blind stocktake is open.
  std::optional<Quantity> book;     // at the moment of the last count, or now if uncounted
  std::optional<Quantity> variance; // counted − book; zero when uncounted
  std::optional<CustodianId> counter;
  int counts = 0; // how many times the line was counted
  // variance / book in tenths of a percent, rounded half away from zero; none when book is 0
  // or hidden.
  [[nodiscard]] std::optional<std::int64_t> permille() const;
};

// Pure: the variance of every line from the snapshot (book_at_start given on every line),
// the counts (in order; the last count of a lot stands) and the movements since the start.
[[nodiscard]] std::vector<Variance> compute_variances(const std::vector<StocktakeLine>& lines,
                                                      const std::vector<StocktakeCount>& counts,
                                                      const std::vector<MovementSince>& since);

struct StartStocktake {
  DepotCode depot;
  std::vector<MaterialCode> materials; // empty: all
  bool blind = false;
  Date date;
  CustodianId actor;
};

struct CountRequest {
  MaterialCode material;
  LotNumber lot; // "-" for materials without lot tracking
  Quantity quantity;
  CustodianId counter;
  std::optional<Date> expiry; // for a lot the books do not know
  std::string note;
};

// What importing a count sheet wrote (or, on a dry run, would write).
struct CountImport {
  std::int64_t counted = 0; // rows that carried a count
  std::int64_t found = 0;   // of them, lots that were not lines: added as found lines
  // Dry run only: the review as it would be. A real import leaves it empty (read it with
  // Ledger::stocktake_review when wanted): at 100,000 lines it is most of the import's memory.
  std::vector<Variance> review;
};

struct CloseStocktake {
  CustodianId approver; // a custodian who counted none of the lines
  CustodianId actor;
  Date date;
  std::optional<VarianceReason> default_reason;
  std::map<std::string, VarianceReason> reasons; // "MATERIAL/LOT" → reason
  std::string note;                              // required when a reason is `other`
  Uncounted uncounted = Uncounted::Block;
};

} // namespace stockpile
