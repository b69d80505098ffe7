// Ledger (台账): one SQLite file holding the reference data (materials, organisations, depots,
// custodians) and, append-only, every movement of the reserve. This facade is how a program
// works with a ledger without the CLI; every write is one transaction, all of it or none.
// A Ledger is used by one thread at a time: give each thread its own (several may open one
// file; SQLite lets one write at a time and the others wait up to the busy timeout).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "stockpile/allocation.hpp"
#include "stockpile/codes.hpp"
#include "stockpile/commitment.hpp"
#include "stockpile/incident.hpp"
#include "stockpile/inspection.hpp"
#include "stockpile/quota.hpp"
#include "stockpile/custodian.hpp"
#include "stockpile/depot.hpp"
#include "stockpile/error.hpp"
#include "stockpile/lot.hpp"
#include "stockpile/material.hpp"
#include "stockpile/movement.hpp"
#include "stockpile/movement_import.hpp"
#include "stockpile/organisation.hpp"
#include "stockpile/stock.hpp"
#include "stockpile/stocktake.hpp"

namespace stockpile {

class MappedFile; // stockpile/csv.hpp

// A movement as the ledger holds it, with what an export needs beside it: the lot's label (its
// dates are covered by the hash), the hash it links to, its operation's idempotency key and
// its material's unit.
struct MovementRecord {
  Movement movement;
  Lot lot;
  std::string prev_hash;       // the previous movement's hash (64 zeros for the first)
  std::string idempotency_key; // the operation's key, else "movement:" + its first movement's hash
  std::string unit;            // the material's unit (件, 顶, kg ...)
  std::string name;            // the material's current name
  int decimals = 0;            // decimals the material's quantities may have
};

// The time a write is recorded at. Tests and golden files fix it; programs leave it empty to
// use the system clock.
using Clock = std::function<std::chrono::sys_seconds()>;

struct OpenOptions {
  Clock clock;                  // empty: the system clock (UTC)
  int busy_timeout_ms = 10'000; // how long a writer waits for another writer before failing
  bool synchronous_full = true; // fsync on every commit: a power cut loses nothing committed
  std::string time_zone;        // which day "today" is; empty: $TZ, else the system's zone
};

class Ledger {
public:
  // Creates a new ledger file, or opens and migrates an existing one (stockpile init).
  [[nodiscard]] static Ledger create(const std::filesystem::path& file, OpenOptions options = {});
  // Opens an existing ledger; a missing file is a StorageError (a typo must not create one).
  [[nodiscard]] static Ledger open(const std::filesystem::path& file, OpenOptions options = {});

  Ledger(Ledger&&) noexcept;
  Ledger& operator=(Ledger&&) noexcept;
  ~Ledger();

  [[nodiscard]] int schema_version() const;
  [[nodiscard]] static int latest_schema_version() noexcept;
  [[nodiscard]] const std::filesystem::path& path() const noexcept;

  // ---- materials (物资目录) ----
  Material add_material(Material material);
  // All or nothing: one bad material and none are added (throws ImportError listing each).
  std::vector<Material> add_materials(std::vector<Material> materials,
                                      std::string_view source = "materials");
  // Imports a catalog CSV (see parse_material_csv): every bad row is listed at once, with its
  // line, and nothing is written if any row is bad (duplicates and existing codes included).
  std::vector<Material> import_materials(std::string_view csv_text, std::string_view source);
  // Appends a revision; the unit cannot change because history is counted in it.
  Material edit_material(Material material);
  [[nodiscard]] std::optional<Material> find_material(const MaterialCode& code) const;
  [[nodiscard]] Material material(const MaterialCode& code) const; // throws NotFound
  [[nodiscard]] std::vector<Material> materials() const;
  // The materials whose current revision sets its own expiry warning window (warn_before or
  // warn_percent), sorted by code. The expiry report needs no more of the catalog: every other
  // material takes the report's default window.
  [[nodiscard]] std::vector<Material> materials_with_own_warning() const;
  [[nodiscard]] std::vector<Material> material_history(const MaterialCode& code) const;

  // ---- organisations (单位) ----
  void add_organisation(const Organisation& org);
  // CSV columns code, name, level (city|district|enterprise), parent; parents may come
  // earlier in the same file. All or nothing; returns how many were added.
  std::size_t import_organisations(std::string_view csv_text, std::string_view source);
  [[nodiscard]] Organisation organisation(const OrgCode& code) const; // throws NotFound
  [[nodiscard]] std::vector<Organisation> organisations() const;
  // The organisation and every organisation below it (a city's districts and enterprises).
  [[nodiscard]] std::vector<OrgCode> organisation_subtree(const OrgCode& code) const;

  // ---- depots (储备库) ----
  void add_depot(const Depot& depot);
  // CSV columns code, name, org, address. All or nothing.
  std::size_t import_depots(std::string_view csv_text, std::string_view source);
  [[nodiscard]] Depot depot(const DepotCode& code) const; // throws NotFound
  [[nodiscard]] std::vector<Depot> depots() const;

  // ---- custodians (保管员、责任人) ----
  // Adds the custodian with the depot assignments it lists.
  void add_custodian(const Custodian& custodian);
  // CSV columns id, name, phone, roles (comma-separated), depots (separated by ';'). All or
  // nothing.
  std::size_t import_custodians(std::string_view csv_text, std::string_view source);
  [[nodiscard]] Custodian custodian(const CustodianId& id) const; // throws NotFound
  [[nodiscard]] std::vector<Custodian> custodians() const;
  void assign(const CustodianId& custodian, const DepotCode& depot);

  // ---- movements (出入库), each one transaction; each returns what it recorded ----
  // The movement date may not be after today (in the configured time zone).
  Posting receive(const ReceiveRequest& request);
  Posting issue(const IssueRequest& request);
  Posting transfer(const TransferRequest& request);
  Posting dispose(const DisposeRequest& request);
  Posting return_items(const ReturnRequest& request); // 回收 ("return" is a C++ keyword)
  Posting reverse(const ReverseRequest& request);
  // Writes off every lot the depot holds that is expired on `day` (报废), one dispose movement
  // per lot with reason "expired", in one transaction. Nothing expired: nothing is written
  // (the posting has no movements).
  Posting dispose_expired(const DepotCode& depot, Date day, const CustodianId& actor,
                          const CustodianId& approver, const Paperwork& paper = {});

  // Imports movements from CSV (see movement_import.hpp): every bad row is listed at once
  // (ImportError) and nothing is written if any row is bad; all of it is one transaction.
  MovementImportResult import_movements(std::string_view csv_text, std::string_view source,
                                        const MovementImportOptions& options = {});
  // The same from a mapped file, handing its pages back as the rows are read: memory stays
  // the same from a thousand rows to millions.
  MovementImportResult import_movements(const MappedFile& file, std::string_view source,
                                        const MovementImportOptions& options = {});

  // ---- lots (批次) ----
  // Records a status change (quarantine, recall, damage, release); the history is kept.
  void set_lot_status(const MaterialCode& material, const LotNumber& lot, LotStatus status,
                      const CustodianId& actor, const std::string& reason);
  [[nodiscard]] Lot lot(const MaterialCode& material, const LotNumber& lot) const;
  [[nodiscard]] std::vector<Lot> lots(const std::optional<MaterialCode>& material = {}) const;

  // ---- queries ----
  [[nodiscard]] std::vector<StockLine> stock(const StockQuery& query = {}) const;
  // The same lines one at a time from one read snapshot, none held, in (depot, material)
  // order (by expiry with query.by_expiry, any with query.in_order = false): a national
  // reserve holds a million lots.
  void for_each_stock_line(const StockQuery& query,
                           const std::function<void(const StockLine&)>& fn) const;
  // The same stock folded into a grouping (what `stockpile stock` prints), line by line.
  [[nodiscard]] std::vector<StockTotal> stock_totals(const StockQuery& query,
                                                     StockGrouping by) const;
  // The same totals one at a time, in the same order. By depot (now) they come as read and
  // none is held; other groupings are folded first. An exception thrown by fn stops it.
  void for_each_stock_total(const StockQuery& query, StockGrouping by,
                            const std::function<void(const StockTotal&)>& fn) const;
  [[nodiscard]] std::vector<Movement> movements(const MovementQuery& query = {}) const;
  // The movements the query selects (with `org`: only at depots of that organisation and the
  // ones below it), in id order, one at a time from one read snapshot, so memory stays flat
  // whatever the ledger's size (exports use it). An exception thrown by fn stops the reading.
  void for_each_movement(const MovementQuery& query, const std::optional<OrgCode>& org,
                         const std::function<void(const MovementRecord&)>& fn) const;
  // How many movements for_each_movement would give (for a progress line).
  [[nodiscard]] std::int64_t count_movements(const MovementQuery& query,
                                             const std::optional<OrgCode>& org = {}) const;
  [[nodiscard]] Date today() const;

  // ---- stocktakes (盘点) ----
  // Records the book quantity of every lot the depot holds (of the given materials) and the
  // ledger position. One open stocktake per depot.
  Stocktake start_stocktake(const StartStocktake& request);
  [[nodiscard]] Stocktake stocktake(std::int64_t id) const; // throws NotFound
  [[nodiscard]] std::vector<Stocktake> stocktakes(const std::optional<DepotCode>& depot = {}) const;
  // The count sheet; book quantities are none while a blind stocktake is open.
  [[nodiscard]] std::vector<StocktakeLine> stocktake_sheet(std::int64_t id) const;
  // One count; a lot the books do not know is added as a found line. Counting a line again
  // keeps the earlier count in the history; the last count stands.
  void count(std::int64_t id, const CountRequest& request);
  // A filled count sheet (CSV with columns material, lot, counted; optional counter, expiry,
  // note; the sheet's other columns are ignored). Every bad row is listed at once and nothing
  // is written if any row is bad. dry_run: nothing is written; the result holds the review as
  // it would be.
  CountImport import_counts(std::int64_t id, std::string_view csv_text, std::string_view source,
                            const CustodianId& counter, bool dry_run);
  // Book, counted and variance per line (book and variance none while blind and open).
  [[nodiscard]] std::vector<Variance> stocktake_review(std::int64_t id) const;
  // Posts one adjust movement per non-zero variance, all in one transaction, and closes.
  Posting close_stocktake(std::int64_t id, const CloseStocktake& request);
  void cancel_stocktake(std::int64_t id, const CustodianId& actor, const std::string& reason);

  // ---- the five-in-one reserve (五位一体) and incidents ----
  void add_incident(const Incident& incident);
  [[nodiscard]] Incident incident(const IncidentCode& code) const; // throws NotFound
  [[nodiscard]] std::vector<Incident> incidents() const;
  // Sets (or replaces) a depot's quota of a material.
  void set_quota(const Quota& quota);
  [[nodiscard]] std::vector<Quota> quotas(const std::optional<DepotCode>& depot = {}) const;
  // How long goods take to leave the depot once allocated (hours, days or weeks).
  void set_dispatch_time(const DepotCode& depot, const Duration& time);
  void add_commitment(const Commitment& commitment);
  [[nodiscard]] Commitment commitment(const CommitmentCode& code) const; // throws NotFound
  [[nodiscard]] std::vector<Commitment> commitments() const;
  [[nodiscard]] std::vector<CommitmentEntry>
  commitment_entries(const std::optional<CommitmentCode>& commitment = {},
                     const std::optional<IncidentCode>& incident = {}) const;

  // ---- allocation (应急调配) ----
  // Every problem of a demand (unknown material or depot, bad quantity), one per line
  // (RowError.line = the line's 1-based index); empty when the demand can be planned.
  [[nodiscard]] std::vector<RowError> check_demand(const std::vector<DemandLine>& demand) const;
  // The plan for a demand; writes nothing. The same ledger and request give the same plan.
  [[nodiscard]] AllocationPlan plan_allocation(const AllocationRequest& request) const;
  // Plans and records the plan in one transaction: issues (or transfers to the destination
  // depot) for stock parts and calls for commitment parts, all tagged with the incident.
  AllocationResult commit_allocation(const AllocationRequest& request);
  // Records a delivery against a call; more than the call is refused.
  CommitmentEntry deliver(const DeliveryRequest& request);
  [[nodiscard]] std::vector<IncidentMaterialReport> incident_report(const IncidentCode& code) const;

  // ---- inspections (检查) ----
  // The target must exist (depot, lot held at the depot, commitment); returns the plan's id.
  std::int64_t add_inspection_plan(const InspectionPlan& plan);
  [[nodiscard]] std::vector<InspectionPlan> inspection_plans() const;
  // Plans due by as_of + within_days, overdue first.
  [[nodiscard]] std::vector<DueInspection> due_inspections(Date as_of,
                                                           std::int64_t within_days) const;
  // A failed inspection needs at least one finding; findings stay open until resolved.
  std::int64_t record_inspection(std::int64_t plan, Date date, const CustodianId& inspector,
                                 InspectionResult result, const std::vector<std::string>& findings);
  void resolve_finding(std::int64_t finding, const CustodianId& by, const std::string& note);
  [[nodiscard]] std::vector<Finding> findings(bool open_only = true) const;
  [[nodiscard]] std::vector<Inspection> inspections(std::optional<std::int64_t> plan = {}) const;

  // ---- tamper evidence ----
  // Recomputes the hash chain and the balances. Throws IntegrityError naming the first bad
  // movement or balance; with expect_head, also checks that the ledger still holds the
  // history that ended in that hash.
  [[nodiscard]] VerifyReport verify(const std::optional<std::string>& expect_head = {}) const;

  struct Impl;

private:
  explicit Ledger(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A material read from a catalog file, with the line it starts on.
struct MaterialRow {
  std::size_t line;
  Material material;
};

// Reads a material catalog CSV (RFC 4180, UTF-8 with or without BOM). Columns: code, name,
// unit (required); specification, gb_code, category, shelf_life, hazards, recoverable,
// lot_tracked, decimals (optional, in any order). Throws ImportError listing every bad row.
[[nodiscard]] std::vector<MaterialRow> parse_material_csv(std::string_view text,
                                                          std::string_view source);

} // namespace stockpile
