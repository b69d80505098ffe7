// Reports (报表) that say what needs attention this week:
// - expiry (有效期): every lot with stock, bucketed by how long it has left. A lot is usable
//   through its expiry date and expired from the next day; a material may carry its own warning
//   window (临期预警), a duration before expiry or the last percent of its shelf life.
// - rotation (轮换): lots to rotate out before they expire — issue for use, transfer to a depot
//   with room, or write off (报废) — and what to procure so each depot stays at its quota
//   minimum (储备定额) once they leave.
// - aging (库龄): stock held over one year is re-stacked (倒垛); over three years a sample goes
//   for a quality test (抽样检测).
// - custodians: the emergency contact card of each depot, keeper (保管员) and responsible
//   person (责任人) with phone numbers, and the depots that lack one.
// Every dated report is computed for an as-of day (default: today in the configured time
// zone), so the same as-of day gives the same report wherever and whenever it runs. The
// decisions are pure functions of plain data; the *_report functions read the ledger and
// call them.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "stockpile/codes.hpp"
#include "stockpile/custodian.hpp"
#include "stockpile/date.hpp"
#include "stockpile/depot.hpp"
#include "stockpile/duration.hpp"
#include "stockpile/lot.hpp"
#include "stockpile/material.hpp"
#include "stockpile/movement.hpp"
#include "stockpile/quantity.hpp"
#include "stockpile/quota.hpp"
#include "stockpile/stock.hpp"
#include "stockpile/tier.hpp"

namespace stockpile {

class Ledger;

// ---- expiry (有效期) ---------------------------------------------------------------------

// Upper edges of the "≤ N days" buckets, strictly increasing whole days: 30,60,90,180,365.
[[nodiscard]] std::vector<std::int64_t> default_bucket_edges();
// "30,60,90" (1 to 20 edges, each 0..36500, strictly increasing); throws InvalidInput(field).
[[nodiscard]] std::vector<std::int64_t> parse_bucket_edges(std::string_view text,
                                                           std::string_view field = "--buckets");

struct ExpiryBucket {
  enum class Kind { Expired, Within, Later, NoExpiry };
  Kind kind = Kind::NoExpiry;
  std::int64_t edge = 0; // Within: the bucket's upper edge in days

  // "expired", "≤ 30", "later", "no expiry".
  [[nodiscard]] std::string label() const;
  friend bool operator==(const ExpiryBucket&, const ExpiryBucket&) = default;
};

// Expired from the day after the expiry date; otherwise the first edge with days left ≤ edge,
// else later. `edges` as parse_bucket_edges returns them.
[[nodiscard]] ExpiryBucket expiry_bucket(const std::optional<Date>& expiry, Date as_of,
                                         const std::vector<std::int64_t>& edges);

// Whether the lot is inside its material's warning window on as_of (expired lots are; lots
// without an expiry never are):
// - warn_before: from expiry − warn_before on;
// - warn_percent: when the days left are at most that percent of the lot's shelf life, measured
//   from its production date to its expiry date (without a production date: expiry − the
//   material's shelf life);
// - neither: default_window before expiry.
[[nodiscard]] bool warning_reached(const Material& material, const Lot& lot, Date as_of,
                                   const Duration& default_window);

struct ExpiryRow {
  DepotCode depot;
  Tier tier = Tier::Physical;
  MaterialCode material;
  std::string name;
  std::string unit;
  LotNumber lot;
  Quantity quantity;
  std::optional<Date> expiry;
  std::optional<std::int64_t> days_left; // as_of to expiry: 0 on the expiry date, < 0 expired
  ExpiryBucket bucket;
  bool warning = false;
};

struct ExpiryOptions {
  std::optional<Date> as_of;      // none: the ledger's today
  std::optional<Duration> within; // only lots expiring by as_of + within (expired ones always)
  std::optional<DepotCode> depot;
  std::optional<OrgCode> org; // the organisation and those below it
  std::optional<MaterialCode> material;
  std::vector<std::int64_t> edges = default_bucket_edges();
  // The warning window of a material that sets none.
  Duration default_warning = Duration::of(90, Duration::Written::Days);
};

// Pure: the rows for stock lines held on as_of (lines with no stock are skipped), soonest
// expiry first, lots without expiry last, then by depot, material and lot. `materials` gives
// the warning windows; a material missing from it gets the default window.
[[nodiscard]] std::vector<ExpiryRow> classify_expiry(const std::vector<StockLine>& stock,
                                                     const std::vector<Material>& materials,
                                                     Date as_of, const ExpiryOptions& options);

struct ExpiryReport {
  Date as_of;
  std::vector<ExpiryRow> rows;
};

[[nodiscard]] ExpiryReport expiry_report(const Ledger& ledger, const ExpiryOptions& options = {});
// expiry_report's rows handed to `fn` one at a time, in the report's order, none of them held
// (the ledger reads the lots in that order); returns the as-of day. The row lives until `fn`
// returns.
Date for_each_expiry_row(const Ledger& ledger, const ExpiryOptions& options,
                         const std::function<void(const ExpiryRow&)>& fn);

// ---- rotation (轮换) ---------------------------------------------------------------------

enum class RotationAction { WriteOff, IssueForUse, Transfer };
// "write off", "issue for use", "transfer".
[[nodiscard]] std::string_view to_string(RotationAction action) noexcept;

// Pure: what a depot must procure to stay at its quota minimum after `rotating_out` leaves:
// max(0, min − (stock − rotating_out)).
[[nodiscard]] Quantity procurement_needed(Quantity min, Quantity stock, Quantity rotating_out);

struct RotationLot {
  DepotCode depot;
  MaterialCode material;
  std::string name;
  std::string unit;
  LotNumber lot;
  Quantity quantity;
  Date expiry;
  std::int64_t days_left = 0;
  RotationAction action = RotationAction::IssueForUse;
  std::optional<DepotCode> transfer_to; // Transfer only
  std::string reason;                   // why this action, with the numbers it rests on
};

struct Procurement {
  DepotCode depot;
  MaterialCode material;
  std::string name;
  std::string unit;
  std::optional<Quantity> min; // none: the depot has no quota of the material
  std::optional<Quantity> max;
  Quantity stock;        // held on as_of, every lot
  Quantity rotating_out; // the lots of this report at this depot
  Quantity after;        // stock − rotating_out
  Quantity procure;      // procurement_needed(min, stock, rotating_out)
};

struct RotationPlan {
  Date as_of;
  Date horizon; // lots expiring on or before this day are rotated out
  std::vector<RotationLot> lots;
  std::vector<Procurement> procurement;
};

// Pure. Rotates out every lot with stock that expires by as_of + within (or has expired),
// soonest expiry first, then by depot, material and lot. Per lot:
// - expired: write off;
// - else, if the depot still meets its quota minimum (stock ≥ min) without it and without the
//   lots before it in this plan: issue for use (a depot without a quota has a minimum of 0);
// - else transfer to another depot with a quota of the material and room under it — room is
//   max − stock, or min − stock for a quota without a maximum, less what earlier lots of this
//   plan already send there — the most room first, then by depot code. A depot that is itself
//   short of the material in this plan is no target: sending it stock that expires soon would
//   only move the problem (and two short depots would swap lots);
// - else (no depot can take it): issue for use, and say so in the reason.
// Procurement: one row per depot and material that rotates stock out or sits below its quota
// minimum after rotation, by depot and material. Transfers in are not counted: the lots sent
// expire soon themselves.
[[nodiscard]] RotationPlan plan_rotation(const std::vector<StockLine>& stock,
                                         const std::vector<Quota>& quotas, Date as_of,
                                         const Duration& within);

struct RotationOptions {
  std::optional<Date> as_of; // none: the ledger's today
  Duration within = Duration::of(90, Duration::Written::Days);
};

[[nodiscard]] RotationPlan rotation_report(const Ledger& ledger,
                                           const RotationOptions& options = {});

// ---- aging (库龄: 倒垛, 抽样检测) -----------------------------------------------------------

enum class AgingAction { Restack, QualityTest };
// "re-stack", "quality test".
[[nodiscard]] std::string_view to_string(AgingAction action) noexcept;

// Pure. Held more than one calendar year (as_of after received + 1 year, clamped on 29
// February): re-stack; more than three years: quality test (the re-stack is part of it);
// otherwise nothing.
[[nodiscard]] std::optional<AgingAction> aging_action(Date received, Date as_of);

// Where a lot's stock at a depot began: the first receive of it there; for stock that came by
// transfer, the first transfer in; failing both (found in a stocktake, returned), the first
// movement that added to it.
using ReceiptKey = std::tuple<std::string, std::string, std::string>; // depot, material, lot
// Pure: the receipt date of every (depot, material, lot) in `movements`.
[[nodiscard]] std::map<ReceiptKey, Date> receipt_dates(const std::vector<Movement>& movements);

struct AgingRow {
  DepotCode depot;
  Tier tier = Tier::Physical;
  MaterialCode material;
  std::string name;
  std::string unit;
  LotNumber lot;
  Quantity quantity;
  Date received;
  std::int64_t days_held = 0;
  AgingAction action = AgingAction::Restack;
};

// Pure: the lots held over a year on as_of, longest held first, then by depot, material, lot.
// A line whose receipt date is unknown is skipped.
[[nodiscard]] std::vector<AgingRow> classify_aging(const std::vector<StockLine>& stock,
                                                   const std::map<ReceiptKey, Date>& received,
                                                   Date as_of);

struct AgingOptions {
  std::optional<Date> as_of; // none: the ledger's today
  std::optional<DepotCode> depot;
  std::optional<OrgCode> org;
  std::optional<MaterialCode> material;
};

struct AgingReport {
  Date as_of;
  std::vector<AgingRow> rows;
};

[[nodiscard]] AgingReport aging_report(const Ledger& ledger, const AgingOptions& options = {});

// ---- custodians (应急联系卡) ---------------------------------------------------------------

struct Contact {
  CustodianId id;
  std::string name;
  std::string phone;
};

struct ContactCard {
  DepotCode depot;
  std::string name;
  OrgCode org;
  std::vector<Contact> keepers;     // 保管员, by id
  std::vector<Contact> responsible; // 责任人, by id
};

// Pure: one card per depot, by depot code.
[[nodiscard]] std::vector<ContactCard> contact_cards(const std::vector<Depot>& depots,
                                                     const std::vector<Custodian>& custodians);

[[nodiscard]] std::vector<ContactCard> custodian_report(const Ledger& ledger);

} // namespace stockpile
