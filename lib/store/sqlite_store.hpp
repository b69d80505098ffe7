// The storage seam (internal): every SQL statement of the ledger lives behind this class, so
// domain code never sees SQLite and another store could stand in its place.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stockpile/allocation.hpp"
#include "stockpile/commitment.hpp"
#include "stockpile/custodian.hpp"
#include "stockpile/incident.hpp"
#include "stockpile/inspection.hpp"
#include "stockpile/quota.hpp"
#include "stockpile/lot.hpp"
#include "stockpile/movement.hpp"
#include "stockpile/picking.hpp"
#include "stockpile/stock.hpp"
#include "stockpile/stocktake.hpp"
#include "stockpile/depot.hpp"
#include "stockpile/material.hpp"
#include "stockpile/organisation.hpp"

namespace SQLite {
class Database;
}

namespace stockpile {
struct MovementRecord; // stockpile/ledger.hpp
}

namespace stockpile::store {

class StatementCache; // lib/store/statement_cache.hpp
class Reused;

enum class OpenMode { CreateOrOpen, OpenExisting };

struct StoreOptions {
  int busy_timeout_ms = 10'000;
  bool synchronous_full = true;
};

class SqliteStore {
public:
  SqliteStore(const std::filesystem::path& file, OpenMode mode, const StoreOptions& options);
  ~SqliteStore();
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  [[nodiscard]] int schema_version() const;
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

  // Runs fn inside one IMMEDIATE transaction: it commits when fn returns and rolls back when
  // fn throws. IMMEDIATE takes the write lock up front, so two writers wait for each other
  // (busy timeout) instead of failing half-way with "database is locked". A write that
  // inserted movements records the highest movement id in meta before it commits
  // (movement_sequence).
  void write(const std::function<void()>& fn);
  // Runs fn as one consistent read snapshot.
  void read(const std::function<void()>& fn) const;

  // The page cache's limit, in KiB: kCacheKib for every command; a bulk write (an import of
  // movements, one transaction) raises it for its own duration, because the dirty pages that
  // do not fit spill to the WAL before the commit and are read back from there.
  static constexpr int kCacheKib = 16384;
  static constexpr int kBulkCacheKib = 49152;
  void set_cache_kib(int kib);

  // ---- materials ----
  [[nodiscard]] bool material_exists(const std::string& code) const;
  [[nodiscard]] std::optional<Material> material(const std::string& code) const;
  [[nodiscard]] std::vector<Material> materials() const;
  [[nodiscard]] std::vector<Material> materials_with_own_warning() const;
  [[nodiscard]] std::vector<Material> material_history(const std::string& code) const;
  void insert_material(const Material& m, const std::string& now);
  void insert_material_revision(const Material& m, const std::string& now);

  // ---- organisations ----
  [[nodiscard]] std::optional<Organisation> organisation(const std::string& code) const;
  [[nodiscard]] std::vector<Organisation> organisations() const;
  void insert_organisation(const Organisation& org, const std::string& now);

  // ---- depots ----
  [[nodiscard]] std::optional<Depot> depot(const std::string& code) const;
  [[nodiscard]] std::vector<Depot> depots() const;
  void insert_depot(const Depot& depot, const std::string& now);

  // ---- custodians ----
  [[nodiscard]] std::optional<Custodian> custodian(const std::string& id) const;
  [[nodiscard]] std::vector<Custodian> custodians() const;
  void insert_custodian(const Custodian& c, const std::string& now);
  [[nodiscard]] bool assigned(const std::string& custodian, const std::string& depot) const;
  void insert_assignment(const std::string& custodian, const std::string& depot,
                         const std::string& now);

  // ---- lots (lib/store/movement_store.cpp) ----
  struct LotRow {
    std::int64_t id = 0;
    Lot lot;
  };
  [[nodiscard]] std::optional<LotRow> lot(const std::string& material,
                                          const std::string& number) const;
  [[nodiscard]] std::vector<Lot> lots(const std::optional<std::string>& material) const;
  std::int64_t insert_lot(const Lot& lot, const std::string& now);
  void insert_lot_status(std::int64_t lot_id, LotStatus status, const std::string& actor,
                         const std::string& reason, const std::string& now);

  // ---- balances ----
  struct LotBalance {
    std::int64_t lot_id = 0;
    LotStock stock;
  };
  // Every lot of the material the depot holds a positive balance of.
  [[nodiscard]] std::vector<LotBalance> depot_lots(const std::string& depot,
                                                   const std::string& material) const;
  [[nodiscard]] Quantity balance(const std::string& depot, std::int64_t lot_id) const;
  // The balance row itself: nullopt when the depot never held the lot (a zero balance that
  // was held before is a row).
  [[nodiscard]] std::optional<Quantity> balance_row(const std::string& depot,
                                                    std::int64_t lot_id) const;
  // `exists`: what balance_row said. An existing row is updated in place; a new one copies the
  // lot's label from the lots table.
  void set_balance(const std::string& depot, std::int64_t lot_id, Quantity quantity,
                   bool exists);
  // The lowest the balance stands at the end of any day from `day` on: what a movement dated
  // `day` may take out without making some later day's balance negative. `now` is the balance
  // as it stands (the caller has read it): the answer when nothing is dated after `day`.
  [[nodiscard]] Quantity min_balance_from(const std::string& depot, std::int64_t lot_id,
                                          const std::string& day, Quantity now) const;
  // The latest date any movement carries ("YYYY-MM-DD"), empty for a ledger without
  // movements: nothing is dated after it, at any depot or lot.
  [[nodiscard]] std::string latest_movement_date() const;

  // What of a lot is out (issued and not yet returned) over every depot: its issues and
  // returns that no movement reverses, summed and negated (issues are negative). Zero for a
  // lot the ledger does not know.
  [[nodiscard]] Quantity lot_out(const std::string& material, const std::string& lot) const;

  // ---- operations and movements ----
  struct OperationRow {
    std::int64_t id = 0;
    std::string kind;
    std::string digest;
  };
  [[nodiscard]] std::optional<OperationRow> operation_by_key(const std::string& key) const;
  std::int64_t insert_operation(const std::string& kind, const std::string& key,
                                const std::string& digest, const std::string& now);
  // The hash of the last movement, or the genesis hash.
  [[nodiscard]] std::string head_hash() const;
  // The id the next movement gets (ids are never reused, even after a tampered delete).
  [[nodiscard]] std::int64_t next_movement_id() const;
  void insert_movement(const Movement& m, std::int64_t lot_id, const std::string& prev_hash);
  [[nodiscard]] std::optional<Movement> movement(std::int64_t id) const;
  [[nodiscard]] std::vector<Movement> operation_movements(std::int64_t operation) const;
  [[nodiscard]] bool reversed(std::int64_t movement_id) const;
  [[nodiscard]] std::vector<Movement> movements(const MovementQuery& q) const;
  // Steps one statement row by row (exports): the movements the query selects, at depots owned
  // by one of `orgs` when it is given, in id order, with the lot, prev_hash, idempotency key
  // and the material's unit, name and decimals. count_movements: how many there are.
  void stream_movements(const MovementQuery& q, const std::optional<std::vector<std::string>>& orgs,
                        const std::function<void(const MovementRecord&)>& fn) const;
  [[nodiscard]] std::int64_t count_movements(const MovementQuery& q,
                                             const std::optional<std::vector<std::string>>& orgs) const;

  // ---- stock ----
  // The balance of each depot and lot the query selects, one line at a time, in (depot,
  // material, expiry, lot) order (by_expiry: expiry, depot, material, lot; in_order = false:
  // any).
  void for_each_stock_line(const StockQuery& q, const std::vector<std::string>& orgs,
                           const std::function<void(const StockLine&)>& fn) const;
  // The stock per depot and material from stock_totals (depot set, the tier if with_tier, no
  // lot), in (depot, material) order; false, and nothing called, when the query asks for
  // what the table does not hold (a day with later movements, zero lines, an expiry window).
  bool for_each_stock_total(const StockQuery& q, const std::vector<std::string>& orgs,
                            bool with_tier,
                            const std::function<void(const StockTotal&)>& fn) const;
  // Whether the balance at the end of `as_of` is the balance now (no movement dated later).
  [[nodiscard]] bool is_now(const std::optional<Date>& as_of) const;

  // ---- verification: every movement in id order, as stored ----
  // Its text is read in place: the views hold only during the call. Nothing is parsed, so
  // that verify hashes exactly the bytes in the file.
  struct StoredMovement {
    std::int64_t id = 0, operation = 0, lot_id = 0, quantity = 0;
    std::string_view date, recorded_at, kind, depot, actor, counterparty, document, reason,
        note, unusable_reason, prev_hash, hash;
    std::optional<std::string_view> incident, approver;
    std::optional<std::int64_t> reverses;
  };
  // Every movement with first <= id <= last, in id order, until fn returns false. With
  // own_connection it reads through a read-only connection of its own to the same file, so
  // that threads can read parts of the history side by side (verify does).
  void for_each_stored_movement(std::int64_t first, std::int64_t last, bool own_connection,
                                const std::function<bool(const StoredMovement&)>& fn) const;
  // The lowest and highest movement id in the table; (0, 0) when there is none.
  [[nodiscard]] std::pair<std::int64_t, std::int64_t> movement_id_range() const;
  [[nodiscard]] std::vector<std::string> depot_codes() const;
  // Every lot's label, which the chain covers with each of its movements.
  struct LotLabel {
    std::int64_t id = 0;
    std::string material, lot;
    std::optional<std::string> production, expiry;
  };
  [[nodiscard]] std::vector<LotLabel> lot_labels() const;
  // The balances table as stored (the views hold only during the call).
  struct StoredBalance {
    std::string_view depot;
    std::int64_t lot_id = 0, quantity = 0;
    // The lot's label and expiry as copied beside the balance (schema versions 8 and 9).
    std::optional<std::string_view> material, lot, production, expiry;
  };
  void for_each_stored_balance(const std::function<void(const StoredBalance&)>& fn) const;
  // The stock_totals table as stored (the views hold only during the call).
  void for_each_stored_total(
      const std::function<void(std::string_view depot, std::string_view material,
                               std::int64_t quantity)>& fn) const;
  // The highest movement id ever handed out: the one meta recorded at the last write that
  // inserted movements (schema version 12), or the highest id in the table if that is higher
  // (this write's own movements, or rows planted outside stockpile).
  [[nodiscard]] std::int64_t movement_sequence() const;
  // (depot, material, lot) → quantity as stored in the balances table.
  struct BalanceRow {
    std::string depot, material, lot;
    Quantity quantity;
  };
  [[nodiscard]] std::vector<BalanceRow> all_balances() const;

  // ---- stocktakes (lib/store/stocktake_store.cpp) ----
  struct SnapshotRow {
    std::int64_t lot_id = 0;
    std::string material;
    Quantity quantity;
  };
  // Positive balances of the depot, ordered as the count sheet lists them.
  [[nodiscard]] std::vector<SnapshotRow> depot_snapshot(const std::string& depot) const;
  std::int64_t insert_stocktake(const Stocktake& s);
  // The stocktake's lines: every positive balance of its depot (of its materials, when it
  // names some) with what the books hold, numbered in depot_snapshot()'s order. One
  // statement, so that a million-line start holds no line in memory. Returns how many.
  std::int64_t insert_snapshot_lines(const Stocktake& s);
  void insert_stocktake_line(std::int64_t stocktake, std::int64_t line, std::int64_t lot_id,
                             Quantity book_at_start, bool found);
  [[nodiscard]] std::optional<Stocktake> stocktake(std::int64_t id) const;
  [[nodiscard]] std::vector<Stocktake> stocktakes(const std::optional<std::string>& depot) const;
  [[nodiscard]] std::optional<std::int64_t> open_stocktake(const std::string& depot) const;
  // Lot ids from `first` to `last`, both included: a part of a stocktake read on its own.
  struct LotRange {
    std::int64_t first = 0;
    std::int64_t last = 0;
  };
  [[nodiscard]] std::vector<StocktakeLine>
  stocktake_lines(std::int64_t id, std::optional<LotRange> lots = std::nullopt) const;
  // The lots that are lines of the stocktake, ascending, and its last line number: what
  // counting needs, without the labels stocktake_lines() reads for every line.
  struct LineLots {
    std::vector<std::int64_t> lot_ids;
    std::int64_t last_line = 0;
  };
  [[nodiscard]] LineLots stocktake_line_lots(std::int64_t id) const;
  void insert_count(std::int64_t stocktake, std::int64_t lot_id, Quantity quantity,
                    const std::string& counter, std::int64_t position, const std::string& now,
                    const std::string& note);
  [[nodiscard]] std::vector<StocktakeCount>
  stocktake_counts(std::int64_t id, std::optional<LotRange> lots = std::nullopt) const;
  // Everyone who counted a line of the stocktake.
  [[nodiscard]] std::vector<std::string> stocktake_counters(std::int64_t id) const;
  [[nodiscard]] std::vector<MovementSince>
  movements_since(const std::string& depot, std::int64_t position,
                  std::optional<LotRange> lots = std::nullopt) const;
  void insert_stocktake_end(std::int64_t stocktake, StocktakeState state,
                            const std::string& actor, const std::optional<std::string>& approver,
                            std::optional<std::int64_t> operation, const std::string& reason,
                            const std::string& now);

  // ---- the five-in-one reserve (lib/store/reserve_store.cpp) ----
  [[nodiscard]] std::optional<Incident> incident(const std::string& code) const;
  [[nodiscard]] std::vector<Incident> incidents() const;
  void insert_incident(const Incident& i, const std::string& now);
  void upsert_quota(const Quota& q, const std::string& now);
  [[nodiscard]] std::vector<Quota> quotas(const std::optional<std::string>& depot) const;
  void set_dispatch_minutes(const std::string& depot, std::int64_t minutes);
  [[nodiscard]] std::vector<DepotPlace> depot_places() const;
  [[nodiscard]] std::vector<StockSource> stock_sources(const std::string& material) const;
  void insert_commitment(const Commitment& c, const std::string& now);
  [[nodiscard]] std::optional<Commitment> commitment(const std::string& code) const;
  [[nodiscard]] std::vector<Commitment> commitments(const std::optional<std::string>& material) const;
  [[nodiscard]] std::string entries_head_hash() const;
  [[nodiscard]] std::int64_t next_entry_id() const;
  [[nodiscard]] std::int64_t entry_sequence() const;
  void insert_entry(const CommitmentEntry& e, const std::string& prev_hash);
  [[nodiscard]] std::optional<CommitmentEntry> entry(std::int64_t id) const;
  [[nodiscard]] Quantity delivered(std::int64_t call) const;
  struct EntryFilter {
    std::optional<std::string> commitment;
    std::optional<std::string> incident;
  };
  [[nodiscard]] std::vector<CommitmentEntry> entries(const EntryFilter& f) const;
  // For verify: every entry in id order with its stored prev_hash.
  void for_each_entry(const std::function<void(const CommitmentEntry&, const std::string&)>& fn) const;
  void insert_demand(std::int64_t operation, const std::string& incident, const DemandLine& d);
  [[nodiscard]] std::vector<DemandLine> demands(const std::string& incident) const;

  // ---- inspections (lib/store/inspection_store.cpp) ----
  std::int64_t insert_plan(const InspectionPlan& p, const std::string& now);
  [[nodiscard]] std::optional<InspectionPlan> plan(std::int64_t id) const;
  [[nodiscard]] std::vector<InspectionPlan> plans() const;
  [[nodiscard]] std::optional<Date> last_inspection(std::int64_t plan) const;
  std::int64_t insert_inspection(std::int64_t plan, Date date, const std::string& inspector,
                                 InspectionResult result, const std::string& now);
  std::int64_t insert_finding(std::int64_t inspection, const std::string& text);
  [[nodiscard]] std::vector<Inspection> inspections(std::optional<std::int64_t> plan) const;
  [[nodiscard]] std::vector<Finding> findings(bool open_only) const;
  [[nodiscard]] std::optional<Finding> finding(std::int64_t id) const;
  void insert_resolution(std::int64_t finding, const std::string& by, const std::string& note,
                         const std::string& now);

  // For code in lib/ that needs a query of its own (kept inside lib/store/ by convention).
  [[nodiscard]] SQLite::Database& db() const noexcept { return *db_; }

private:
  void migrate();
  // A prepared statement kept for the store's life (statement_cache.hpp): for the one-row
  // lookups and inserts an import or a posting runs once per row.
  [[nodiscard]] Reused cached(const std::string& sql) const;
  [[nodiscard]] StatementCache& statements() const; // made on first use
  void record_movement_sequence();

  // Set by insert_movement, cleared when a write starts: the write records the sequence.
  bool movements_inserted_ = false;

  std::filesystem::path path_;
  int busy_timeout_ms_ = 0;
  std::unique_ptr<SQLite::Database> db_;
  // After db_: the statements are finalized before the connection closes.
  mutable std::unique_ptr<StatementCache> statements_;
};

// Turns an SQLite failure into the library's StorageError naming the file; rethrows anything
// else unchanged. Call inside a catch block.
[[noreturn]] void rethrow_as_storage_error(const std::filesystem::path& file);

} // namespace stockpile::store
