// Reports that answer to the authority rather than to this week's work:
// - readiness (战备 / 保障能力): per depot and per organisation (a city rolls up its districts
//   and enterprises), per material, what could be put to use within a horizon — usable stock
//   (available, not expired on the as-of day) plus, at the top of the tree, what the agreement,
//   capacity and social reserves (协议储备, 产能储备, 社会储备) can deliver by then — against the
//   standing quota (储备定额), with the shortfall or the excess. Below-quota rows first.
// - coverage (灾种覆盖): which hazard types (cold, flood, earthquake ...) each depot and each
//   organisation can serve with usable stock, as a matrix of scopes × hazards, and the depots
//   that serve a single hazard or none (a district warehouse holding only winter clothing).
// - annual (年报): per material (or per depot and material) the balance on 1 January, the year's
//   receipts, issues, transfers in and out, write-offs, stocktake adjustments and returns, and
//   the balance on 31 December — the yearly report due before 10 January. Every row is checked:
//   opening + movements = closing, or the ledger does not add up (IntegrityError).
// As everywhere, the decisions are pure functions of plain data; the *_report functions read
// the ledger through its public API and call them.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stockpile/codes.hpp"
#include "stockpile/commitment.hpp"
#include "stockpile/date.hpp"
#include "stockpile/duration.hpp"
#include "stockpile/material.hpp"
#include "stockpile/movement.hpp"
#include "stockpile/quantity.hpp"
#include "stockpile/quota.hpp"
#include "stockpile/stock.hpp"

namespace stockpile {

class Ledger;

// Who a row of readiness or coverage speaks for: one depot, or one organisation with every
// depot of it and of the organisations below it.
enum class ScopeKind { Organisation, Depot };
// "org", "depot".
[[nodiscard]] std::string_view to_string(ScopeKind kind) noexcept;

struct Scope {
  ScopeKind kind = ScopeKind::Depot;
  std::string code; // the depot's or the organisation's code
  std::string name;
  std::vector<DepotCode> depots; // a depot: itself; an organisation: its subtree's depots
  // Readiness only: whether the commitments count toward this scope (see readiness_report).
  bool commitments = false;
};

// ---- readiness (战备 / 保障能力) --------------------------------------------------------

// What the non-stock tiers can deliver of one material by a given time.
struct CommitmentReach {
  Quantity agreement, capacity, social;
  [[nodiscard]] Quantity total() const { return agreement + capacity + social; }
};

// Pure: per material code, what the commitments can deliver between `from` and `by`, decided
// exactly as the allocation planner decides it (plan_allocation with no stock and a demand of
// everything that remains): a commitment counts when its lead time has passed by `by` and it
// is valid on the arrival day; agreement and social reserves give what remains uncalled,
// capacity what it produces from the end of its mobilisation to `by` (whole units of the
// material, per `decimals`), behind the production already called, up to its maximum.
[[nodiscard]] std::map<std::string, CommitmentReach>
commitment_reach(const std::vector<Commitment>& commitments,
                 const std::map<std::string, int>& decimals, std::chrono::sys_seconds from,
                 std::chrono::sys_seconds by, std::string_view time_zone = {});

enum class ReadinessStatus { Short, Over, Ok, NoQuota };
// "short", "over", "ok", "no quota".
[[nodiscard]] std::string_view to_string(ReadinessStatus status) noexcept;

struct ReadinessRow {
  ScopeKind kind = ScopeKind::Depot;
  std::string scope; // code
  std::string scope_name;
  MaterialCode material;
  std::string name;
  std::string unit;
  Quantity stock;    // usable on as_of: status available, not expired
  Quantity unusable; // held but expired or blocked (quarantined, recalled, damaged): not counted
  std::optional<CommitmentReach> reach; // none: commitments do not count for this scope
  Quantity total;                       // stock + reach
  std::optional<Quantity> min;          // the sum of the scope's depots' quotas; none: no quota
  std::optional<Quantity> max;          // none when any of those quotas has no maximum
  Quantity shortfall;                   // max(0, min − total)
  Quantity excess;                      // max(0, stock − max): commitments occupy no shelf
  ReadinessStatus status = ReadinessStatus::NoQuota;
};

// Pure: the rows of every scope, one per material that the scope holds (usable or not), has a
// quota of, or (scopes with commitments) can be delivered by a commitment within the horizon.
// `reach` as commitment_reach returns it; `materials` names materials with a quota and no
// stock. Sorted: below quota (shortfall > 0) first, then organisations before depots, then
// by scope code and material code.
[[nodiscard]] std::vector<ReadinessRow>
assess_readiness(const std::vector<Scope>& scopes, const std::vector<StockLine>& stock,
                 const std::vector<Quota>& quotas,
                 const std::map<std::string, CommitmentReach>& reach,
                 const std::vector<Material>& materials, Date as_of);

struct ReadinessOptions {
  std::optional<Date> as_of; // none: the ledger's today
  Duration horizon = Duration::of(24, Duration::Written::Hours);
  std::optional<OrgCode> org;     // that organisation, those below it, and their depots
  std::optional<DepotCode> depot; // that depot only (no organisation rows)
  std::string time_zone;          // which day an arrival falls on; empty: $TZ, else the system's
};

struct ReadinessReport {
  Date as_of = Date::min();
  std::chrono::sys_seconds from{}; // the start of as_of in the time zone
  std::chrono::sys_seconds by{};   // from + horizon
  Duration horizon = Duration::of(24, Duration::Written::Hours);
  std::vector<ReadinessRow> rows;
};

// Scopes: every depot and every organisation (or those under options.org; only the depot with
// options.depot). Commitments are recorded without an owner and the planner offers every one
// of them to any incident, so they count toward the root organisations only (those without a
// parent: the city); district, enterprise and depot rows are stock alone. Time from the start
// of as_of to `by`: hours, days and weeks exactly, months and years to the start of the day
// the calendar gives.
[[nodiscard]] ReadinessReport readiness_report(const Ledger& ledger,
                                               const ReadinessOptions& options = {});

// ---- coverage (灾种覆盖) -------------------------------------------------------------------

enum class CoverageFlag { None, SingleHazard, NoHazard };
// "", "single hazard", "no hazard".
[[nodiscard]] std::string_view to_string(CoverageFlag flag) noexcept;

struct CoverageRow {
  ScopeKind kind = ScopeKind::Depot;
  std::string scope;
  std::string scope_name;
  std::size_t depots = 0;    // how many depots the scope has
  std::size_t materials = 0; // materials with usable stock
  // hazard → how many of those materials serve it (hazards no material serves are absent).
  std::map<std::string, std::size_t> hazards;
  // No hazard served; or one hazard that at least half of the materials serve while no other
  // does (a warehouse of winter clothing with a few tents and nets is still a cold-weather
  // depot, as DOMAIN.md's district warehouse is); else none.
  CoverageFlag flag = CoverageFlag::None;
  std::string main_hazard; // the single hazard when flagged so
};

// The usable quantity of one material at one depot that serves one hazard.
struct CoverageDetail {
  DepotCode depot;
  std::string hazard;
  MaterialCode material;
  std::string name;
  std::string unit;
  Quantity quantity;
};

struct CoverageMatrix {
  Date as_of;
  std::vector<std::string> hazards; // the columns: every hazard the catalog names, sorted
  std::vector<CoverageRow> rows;    // organisations by code, then depots by code
  std::vector<CoverageDetail> detail; // depots only, by depot, hazard, material
};

// Pure. A material serves the hazards its catalog entry lists; a material without hazards
// serves none. Stock counts when usable on as_of (available, not expired); quantities of
// different materials are never added (their units differ), so a cell counts materials and
// the detail gives each quantity.
[[nodiscard]] CoverageMatrix assess_coverage(const std::vector<Scope>& scopes,
                                             const std::vector<StockLine>& stock,
                                             const std::vector<Material>& materials, Date as_of);

struct CoverageOptions {
  std::optional<Date> as_of;
  std::optional<OrgCode> org;
  std::optional<DepotCode> depot;
};

[[nodiscard]] CoverageMatrix coverage_report(const Ledger& ledger,
                                             const CoverageOptions& options = {});

// ---- annual (年报) -------------------------------------------------------------------------

// A calendar year as written on the command line: four ASCII digits, 1900..9999 (the years a
// Date can hold). Throws InvalidInput(field, text, ...).
[[nodiscard]] int parse_year(std::string_view text, std::string_view field = "--year");

enum class AnnualGrouping { Material, Depot };
// material|depot; throws InvalidInput.
[[nodiscard]] AnnualGrouping parse_annual_grouping(std::string_view text,
                                                   std::string_view field = "--by");

// Out-going columns (issues, transfers_out, disposals) are positive amounts; adjustments are
// signed (盘盈 +, 盘亏 −). A reversal (冲正) is netted into the column of the movement it
// reverses, in the year the reversal is dated: an issue reversed in the same year leaves
// nothing in `issues`; one reversed the next January lowers that year's `issues` (possibly
// below zero). So: closing = opening + receipts − issues + transfers_in − transfers_out −
// disposals + adjustments + returns, for every row.
struct AnnualRow {
  std::optional<DepotCode> depot; // AnnualGrouping::Depot only
  MaterialCode material;
  std::string name;
  std::string unit;
  Quantity opening; // the balance at the end of 31 December of the year before
  Quantity receipts, issues, transfers_in, transfers_out, disposals, adjustments, returns;
  Quantity closing; // the balance at the end of 31 December
};

// Pure. `opening` and `closing`: the stock lines at the end of the year's eve and of its last
// day; `movements`: the movements dated in the year; `reversed`: the kind of every movement a
// reversal in `movements` reverses (by id); `materials`: names and units. Rows: every
// depot/material (or material) with an opening or closing balance or a movement, by material
// then depot. Throws IntegrityError naming the depot, material and figures when opening +
// movements ≠ closing, or when a reversal's movement is not in `reversed`.
[[nodiscard]] std::vector<AnnualRow>
annual_rows(const std::vector<StockLine>& opening, const std::vector<Movement>& movements,
            const std::vector<StockLine>& closing,
            const std::map<std::int64_t, MovementKind>& reversed,
            const std::vector<Material>& materials, AnnualGrouping by);

struct AnnualOptions {
  int year = 0;
  std::optional<OrgCode> org;
  std::optional<DepotCode> depot;
  AnnualGrouping by = AnnualGrouping::Material;
};

struct AnnualReport {
  int year = 0;
  Date opening_day; // the year's eve: the opening balance is at the end of it
  Date closing_day; // 31 December
  std::vector<AnnualRow> rows;
};

// Throws InvalidInput("--year", ...) for a year after the ledger's current year.
[[nodiscard]] AnnualReport annual_report(const Ledger& ledger, const AnnualOptions& options);

} // namespace stockpile
