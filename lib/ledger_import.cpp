// Ledger::import_movements: a movement CSV (the export's columns) checked row by row and
// posted in one transaction. Each operation is checked against the ledger as the earlier
// operations of the file left it, and a bad operation is reported and skipped so that the
// later rows are still checked. Any error rolls the whole transaction back.
//
// The file is read once and never held parsed: each row is parsed and checked on its own, and
// the rows are posted an operation at a time as they come. After the first row that does not
// parse, nothing more is posted: the later rows are only parsed, so every syntax error is still
// listed (and the transaction rolls back). Memory is one operation's rows, the ids and the
// operation numbers seen, and the file ids mapped to the movements they became (each kept as
// runs of consecutive numbers when the file lists them in order, as an export does, and past a
// few MiB in a temporary table: Scratch), so a million-row migration fits where the parsed
// file did not (issue 8: 2 GiB at 1M rows before). The file used to be read twice, a first
// pass to list the syntax errors and learn which ids later rows reverse: 7.4 % of the
// instructions of a 100k import (15.51G → 14.36G read once).
#include <algorithm>
#include <array>
#include <functional>
#include <iterator>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>

#include "generational_cache.hpp"
#include "posting.hpp"
#include "validate.hpp"
#include "stockpile/clock.hpp"
#include "stockpile/csv.hpp"
#include "stockpile/ledger.hpp"

namespace stockpile {

using namespace detail;

namespace {

constexpr std::array<std::string_view, 6> kRequired = {"kind",     "date",     "depot",
                                                       "material", "quantity", "actor"};
constexpr std::array<std::string_view, 17> kOptional = {
    "id",       "operation",    "recorded_at", "lot",      "unit",
    "production", "expiry",     "counterparty", "incident", "document",
    "reason",   "note",         "approver",    "unusable_reason", "reverses",
    "idempotency_key", "hash"};

// The export defuses text a spreadsheet would run as a formula by prefixing '; undo exactly
// that, so an exported note "+1-2" comes back as it was.
std::string_view undefuse(std::string_view s) {
  if (s.size() >= 2 && s[0] == '\'' &&
      std::string_view("=+-@\t\r\n").find(s[1]) != std::string_view::npos) {
    s.remove_prefix(1);
  }
  return s;
}

std::int64_t parse_id(std::string_view text, std::string_view field) {
  std::int64_t v = 0;
  if (text.empty() || text.size() > 18 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    throw InvalidInput(field, text, "expected a whole number");
  }
  for (char c : text) v = v * 10 + (c - '0');
  if (v == 0) throw InvalidInput(field, text, "expected a whole number from 1");
  return v;
}

template <class C> C parse_code(std::string_view text, std::string_view field) {
  validate_code(text, field);
  return C(std::string(text));
}

// What an import must remember past the memory it allows itself (numbers and names in the odd
// shapes below), in tables of the connection's temporary database: a file of SQLite's own,
// removed when the connection closes, with its own page cache of 2 MB. Peak memory stays
// under the 100 MiB of issue 8 whatever the file's ids look like: at a million rows, ids spread
// thinly (random 18-digit numbers) held 172 MiB in hash maps, ids in order with gaps (every
// third) 141 MiB in runs of one, and operations named by text 174 MiB. The tables live in the
// import's transaction (a rollback takes them too) and are dropped when the import ends.
class Scratch {
public:
  explicit Scratch(SQLite::Database& db) : db_(db) {}
  ~Scratch() {
    numbers_get_.reset();
    numbers_add_.reset();
    names_add_.reset();
    if (!created_) return;
    try {
      db_.exec("DROP TABLE IF EXISTS temp.stockpile_import_numbers;"
               "DROP TABLE IF EXISTS temp.stockpile_import_names");
    } catch (...) { // the connection's temporary file goes with it anyway
    }
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  // The value of `n` in set `set` (0: not there).
  [[nodiscard]] std::uint32_t get(int set, std::int64_t n) {
    auto& st = statement(numbers_get_, "SELECT value FROM temp.stockpile_import_numbers "
                                       "WHERE kind = ?1 AND n = ?2");
    st.bind(1, set);
    st.bind(2, n);
    const std::uint32_t v =
        st.executeStep() ? static_cast<std::uint32_t>(st.getColumn(0).getInt64()) : 0;
    st.reset();
    return v;
  }
  // Adds `n` with `value` unless the set has it: false when it had.
  bool add(int set, std::int64_t n, std::uint32_t value) {
    auto& st = statement(numbers_add_, "INSERT OR IGNORE INTO temp.stockpile_import_numbers "
                                       "(kind, n, value) VALUES (?1, ?2, ?3)");
    st.bind(1, set);
    st.bind(2, n);
    st.bind(3, static_cast<std::int64_t>(value));
    const bool added = st.exec() == 1;
    st.reset();
    return added;
  }
  bool add_name(const std::string& name) {
    auto& st = statement(names_add_, "INSERT OR IGNORE INTO temp.stockpile_import_names "
                                     "(name) VALUES (?1)");
    st.bind(1, name);
    const bool added = st.exec() == 1;
    st.reset();
    return added;
  }

private:
  SQLite::Statement& statement(std::optional<SQLite::Statement>& st, const char* sql) {
    if (!created_) {
      // Dropped first: a table an earlier import on this connection failed to drop is stale.
      // Keyed by the number first: a file id's entry in the ids seen and in the map of ids to
      // movements share a page, read once (1M rows with ids scattered: 42.6–50.6 s keyed by
      // the set first, 39.4–43.7 s so).
      db_.exec("DROP TABLE IF EXISTS temp.stockpile_import_numbers;"
               "DROP TABLE IF EXISTS temp.stockpile_import_names;"
               "CREATE TEMP TABLE stockpile_import_numbers (kind INTEGER NOT NULL,"
               " n INTEGER NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (n, kind))"
               " WITHOUT ROWID;"
               "CREATE TEMP TABLE stockpile_import_names (name TEXT PRIMARY KEY) WITHOUT ROWID");
      created_ = true;
    }
    if (!st) st.emplace(db_, sql);
    return *st;
  }

  SQLite::Database& db_;
  bool created_ = false;
  std::optional<SQLite::Statement> numbers_get_, numbers_add_, names_add_;
};

// Whole numbers from 1 (file ids, operation numbers) that came out of order, each with a value
// other than 0 (0: not there). A file whose rows were sorted by another column has its ids out
// of order but still dense (1 to N, shuffled): they are kept in blocks of 4,096 slots (16 KiB)
// by their high bits, about 4 bytes a number. A hash map took about 40: at a million shuffled
// ids the import's peak went from 99 to 168 MiB once the file was read in one pass. Past
// kMaxBlocks (4 MiB, the numbers 1 to a million in any order) the numbers move to the
// Scratch, once: numbers spread thinly take a block each.
class IdSlots {
public:
  IdSlots(Scratch& scratch, int set) : scratch_(&scratch), set_(set) {}

  [[nodiscard]] std::uint32_t get(std::int64_t n) const {
    if (spilled_) return scratch_->get(set_, n);
    const auto it = blocks_.find(n >> kBits);
    return it == blocks_.end() ? 0 : (*it->second)[static_cast<std::size_t>(n & kMask)];
  }
  // Sets `n` to `value` unless it has a value: false when it had.
  bool add(std::int64_t n, std::uint32_t value) {
    if (spilled_) return scratch_->add(set_, n, value);
    auto it = blocks_.find(n >> kBits);
    if (it == blocks_.end()) {
      if (blocks_.size() == kMaxBlocks) {
        spill();
        return scratch_->add(set_, n, value);
      }
      it = blocks_.emplace(n >> kBits, std::make_unique<Block>()).first; // all 0
    }
    auto& slot = (*it->second)[static_cast<std::size_t>(n & kMask)];
    if (slot != 0) return false;
    slot = value;
    return true;
  }

private:
  static constexpr int kBits = 12;
  static constexpr std::size_t kSlots = std::size_t{1} << kBits;
  static constexpr std::int64_t kMask = static_cast<std::int64_t>(kSlots) - 1;
  static constexpr std::size_t kMaxBlocks = 256;
  using Block = std::array<std::uint32_t, kSlots>;

  void spill() {
    for (const auto& [high, block] : blocks_) {
      for (std::size_t i = 0; i < kSlots; ++i) {
        if ((*block)[i] != 0) {
          scratch_->add(set_, (high << kBits) | static_cast<std::int64_t>(i), (*block)[i]);
        }
      }
    }
    blocks_.clear();
    spilled_ = true;
  }

  Scratch* scratch_;
  int set_;
  std::unordered_map<std::int64_t, std::unique_ptr<Block>> blocks_;
  bool spilled_ = false;
};

// Runs a file's numbers are kept in before the rest go to IdSlots (256 KiB of NumberSet's runs,
// 384 KiB of IdMap's): a file in order with gaps (every third id) would otherwise hold a run
// for each number.
constexpr std::size_t kMaxRuns = std::size_t{1} << 14;

// Whole numbers seen so far (the file's ids, the export's operation numbers). Files list them
// in increasing order, mostly one after the other: those go into runs of consecutive numbers
// (16 bytes a run, found by binary search); the rest into IdSlots. A sorted vector of every
// number was 8 MB at a million rows, twice over (ids and operations), beside the import's page
// cache once the file was read in one pass.
class NumberSet {
public:
  NumberSet(Scratch& scratch, int set) : others_(scratch, set) {}

  bool insert(std::int64_t v) {
    if (runs_.empty() || (v > runs_.back().last + 1 && runs_.size() < kMaxRuns)) {
      runs_.push_back({v, v});
      return true;
    }
    // A run grows only at its end, past every number before it, so it never takes in one of
    // others_ (with kMaxRuns runs, a number past the last goes to others_, and no run grows).
    if (v == runs_.back().last + 1 && runs_.size() < kMaxRuns) {
      ++runs_.back().last;
      return true;
    }
    // In a run, or in a gap between two (or past them all, once the runs are full).
    const auto it = std::upper_bound(runs_.begin(), runs_.end(), v,
                                     [](std::int64_t n, const Run& run) { return n < run.first; });
    if (it != runs_.begin() && v <= std::prev(it)->last) return false;
    return others_.add(v, 1);
  }

private:
  struct Run {
    std::int64_t first, last;
  };
  std::vector<Run> runs_;
  IdSlots others_;
};

// Operation names seen so far: the export writes numbers ("1", "2", ...), kept as numbers;
// names of another shape, kMaxNames of them in memory (a few MiB) and the rest in the Scratch.
class NameSet {
public:
  NameSet(Scratch& scratch, int set) : scratch_(scratch), numbers_(scratch, set) {}

  bool insert(const std::string& name) {
    const bool number = !name.empty() && name.size() <= 18 && name[0] != '0' &&
                        std::all_of(name.begin(), name.end(),
                                    [](char c) { return c >= '0' && c <= '9'; });
    if (number) return numbers_.insert(std::stoll(name));
    if (spilled_) return scratch_.add_name(name);
    if (others_.size() == kMaxNames) {
      for (const auto& n : others_) scratch_.add_name(n);
      others_ = {};
      spilled_ = true;
      return scratch_.add_name(name);
    }
    return others_.insert(name).second;
  }

private:
  static constexpr std::size_t kMaxNames = std::size_t{1} << 15;
  Scratch& scratch_;
  NumberSet numbers_;
  std::unordered_set<std::string> others_;
  bool spilled_ = false;
};

// File ids → the ledger movements they became (a reversal names its row by file id). An
// export numbers its rows 1, 2, 3, ... and the import writes them in order, so consecutive
// file ids become consecutive movements: one entry per run of them (a run breaks at a row
// without an id, or at an operation already in the ledger, whose movements are older). Ids
// that come out of order, or past kMaxRuns runs, go into IdSlots.
class IdMap {
public:
  IdMap(Scratch& scratch, int set) : others_(scratch, set) {}

  // Each file id once (NumberSet refused the rows that repeat one).
  void add(std::int64_t file_id, std::int64_t movement) {
    if (!runs_.empty()) {
      Run& last = runs_.back();
      if (file_id == last.file + last.count && movement == last.movement + last.count) {
        ++last.count;
        return;
      }
      if (file_id < last.file + last.count || runs_.size() == kMaxRuns) {
        // A movement id past 32 bits (never in practice) goes to a map of its own.
        if (movement >= 0 && movement < std::numeric_limits<std::uint32_t>::max()) {
          others_.add(file_id, static_cast<std::uint32_t>(movement + 1));
        } else {
          wide_[file_id] = movement;
        }
        return;
      }
    }
    runs_.push_back({file_id, movement, 1});
  }
  [[nodiscard]] std::optional<std::int64_t> find(std::int64_t file_id) const {
    // The last run starting at or before file_id (runs_ are in increasing order of file ids).
    auto it = std::upper_bound(runs_.begin(), runs_.end(), file_id,
                               [](std::int64_t id, const Run& run) { return id < run.file; });
    if (it != runs_.begin() && file_id < std::prev(it)->file + std::prev(it)->count) {
      return std::prev(it)->movement + (file_id - std::prev(it)->file);
    }
    if (const auto v = others_.get(file_id); v != 0) return std::int64_t{v} - 1;
    if (const auto w = wide_.find(file_id); w != wide_.end()) return w->second;
    return std::nullopt;
  }

private:
  struct Run {
    std::int64_t file, movement, count;
  };
  std::vector<Run> runs_;
  IdSlots others_; // the movement + 1
  std::unordered_map<std::int64_t, std::int64_t> wide_;
};

// The columns a row is read from, found in the header once per pass (by name, ASCII
// case-insensitively): looking each one up per cell was a twentieth of an import.
enum class Field : std::uint8_t {
  Id, Operation, Kind, Date, Depot, Material, Lot, Unit, Quantity, Production, Expiry, Actor,
  Counterparty, Incident, Document, Note, IdempotencyKey, Reason, Approver, UnusableReason,
  Reverses, Count
};
using F = Field;

class Columns {
public:
  explicit Columns(const CsvTable& header) {
    // In the order of Field, one per field (the assertion below counts them).
    static constexpr std::string_view kNames[] = {
        "id",         "operation", "kind",         "date",     "depot",
        "material",   "lot",       "unit",         "quantity", "production",
        "expiry",     "actor",     "counterparty", "incident", "document",
        "note",       "idempotency_key",           "reason",   "approver",
        "unusable_reason",         "reverses"};
    static_assert(std::size(kNames) == static_cast<std::size_t>(F::Count));
    for (std::size_t i = 0; i < std::size(kNames); ++i) index_[i] = header.column(kNames[i]);
  }
  // The cell's text (undefused), or empty when the file has no such column. A view of the
  // record's field, not a copy: most of a row's two dozen cells go on to be parsed, not
  // kept.
  [[nodiscard]] std::string_view cell(const CsvRecord& rec, Field f) const {
    const auto& i = index_[static_cast<std::size_t>(f)];
    return i ? undefuse(rec.fields[*i]) : std::string_view();
  }

private:
  std::array<std::optional<std::size_t>, static_cast<std::size_t>(F::Count)> index_{};
};

struct Row {
  std::size_t line = 0;
  std::optional<std::int64_t> id;
  std::string operation; // as written; empty: none
  MovementKind kind = MovementKind::Receive;
  Date date = Date::min();
  DepotCode depot{"-"};
  MaterialCode material{"-"};
  std::optional<LotNumber> lot;
  std::string unit;
  Quantity quantity;
  std::optional<Date> production, expiry;
  CustodianId actor{"-"};
  Paperwork paper;
  std::string reason;
  std::optional<CustodianId> approver;
  std::string unusable_reason;
  std::optional<std::int64_t> reverses;
};

// Which rows make one operation: the rows of one named operation, next to each other; a
// transfer-out row directly followed by its transfer-in row (both unnamed); any other row
// alone. Fed the rows in file order, says where each operation starts.
class Grouper {
public:
  bool starts_operation(const Row& r) {
    bool starts = true;
    if (!operation_.empty()) {
      starts = r.operation != operation_;
    } else if (lone_transfer_out_) {
      starts = !(r.operation.empty() && r.kind == MovementKind::TransferIn);
    }
    if (starts) {
      operation_ = r.operation;
      lone_transfer_out_ = r.operation.empty() && r.kind == MovementKind::TransferOut;
    } else {
      lone_transfer_out_ = false; // a transfer's two legs, and no more
    }
    return starts;
  }

private:
  std::string operation_;
  bool lone_transfer_out_ = false;
};

class Importer {
public:
  Importer(Ledger::Impl& impl, std::string_view source, std::string_view text,
           std::function<void(std::size_t)> release)
      : impl_(impl), source_(source), text_(text), release_(std::move(release)),
        scratch_(impl.store.db()), new_ids_(scratch_, kFileIds),
        book_(impl.store, import_book_capacity()) {}

  [[nodiscard]] const std::vector<RowError>& errors() const { return errors_; }
  void sort_errors() {
    std::stable_sort(errors_.begin(), errors_.end(),
                     [](const RowError& a, const RowError& b) { return a.line < b.line; });
  }

private:
  struct Outcome {
    bool replayed = false;
  };

  static constexpr std::size_t kReleaseEvery = 4096; // rows between two release_ calls

  // The rows run() will read: the records with as many fields as the header, as the same
  // reader gives them (its errors are run()'s to report).
  [[nodiscard]] std::size_t count_rows() const {
    CsvTableReader reader(text_, kRequired, kOptional);
    std::vector<CsvError> reported_by_run;
    std::size_t rows = 0;
    while (reader.next(reported_by_run)) {
      if (++rows % kReleaseEvery == 0 && release_) release_(reader.offset());
    }
    return rows;
  }

  // One record as a row, checked on its own (throws the first problem). `ids` catches an id
  // the file gave before.
  static Row parse_row(const CsvRecord& rec, const Columns& columns, NumberSet& ids) {
    auto cell = [&](Field f) { return columns.cell(rec, f); };
    Row r;
    r.line = rec.line;
    if (auto v = cell(F::Id); !v.empty()) {
      r.id = parse_id(v, "id");
      if (!ids.insert(*r.id)) throw InvalidInput("id", v, "appears twice in the file");
    }
    r.operation = cell(F::Operation);
    const auto kind = cell(F::Kind);
    if (kind == "transfer") {
      throw InvalidInput("kind", kind, "name each leg: a transfer-out row and a transfer-in row");
    }
    r.kind = parse_movement_kind(kind, "kind");
    r.date = Date::parse(cell(F::Date), "date");
    r.depot = parse_code<DepotCode>(cell(F::Depot), "depot");
    r.material = parse_code<MaterialCode>(cell(F::Material), "material");
    if (auto v = cell(F::Lot); !v.empty()) r.lot = parse_code<LotNumber>(v, "lot");
    r.unit = cell(F::Unit);
    r.quantity = Quantity::parse(cell(F::Quantity), "quantity");
    if (auto v = cell(F::Production); !v.empty()) r.production = Date::parse(v, "production");
    if (auto v = cell(F::Expiry); !v.empty()) r.expiry = Date::parse(v, "expiry");
    r.actor = parse_code<CustodianId>(cell(F::Actor), "actor");
    r.paper.counterparty = cell(F::Counterparty);
    if (auto v = cell(F::Incident); !v.empty()) {
      r.paper.incident = parse_code<IncidentCode>(v, "incident");
    }
    r.paper.document = cell(F::Document);
    r.paper.note = cell(F::Note);
    r.paper.idempotency_key = cell(F::IdempotencyKey);
    r.reason = cell(F::Reason);
    if (auto v = cell(F::Approver); !v.empty()) r.approver = parse_code<CustodianId>(v, "approver");
    r.unusable_reason = cell(F::UnusableReason);
    if (auto v = cell(F::Reverses); !v.empty()) r.reverses = parse_id(v, "reverses");
    // The same limits on free text as the commands that record a movement.
    validate_paperwork(r.paper, Naming::Column);
    validate_note("reason", r.reason);
    validate_note("unusable_reason", r.unusable_reason);
    check_row_shape(r);
    return r;
  }

  // What a row's kind allows, independent of the ledger.
  static void check_row_shape(const Row& r) {
    const auto q = r.quantity.to_string();
    switch (r.kind) {
    case MovementKind::Receive:
    case MovementKind::TransferIn:
    case MovementKind::Return:
      if (!r.quantity.is_positive()) throw InvalidInput("quantity", q, "must be greater than zero");
      break;
    case MovementKind::Issue:
    case MovementKind::TransferOut:
    case MovementKind::Dispose:
      // The export writes what leaves as negative; a spreadsheet may write it positive.
      if (r.quantity.is_zero()) throw InvalidInput("quantity", q, "must not be zero");
      break;
    case MovementKind::Adjust:
      if (r.quantity.is_zero()) throw InvalidInput("quantity", q, "must not be zero");
      if (r.reason.empty()) throw InvalidInput("reason: an adjustment needs a reason");
      break;
    case MovementKind::Reverse:
      if (!r.reverses) throw InvalidInput("reverses: a reversal names the id of the row it reverses");
      if (r.reason.empty()) throw InvalidInput("reason: a reversal needs a reason");
      break;
    }
    if (r.kind == MovementKind::Dispose) {
      (void)parse_disposal_reason(r.reason, "reason");
      if (!r.approver) throw InvalidInput("approver: a write-off names the custodian who approved it");
      if (*r.approver == r.actor) {
        throw InvalidInput("approver", r.approver->str(),
                           "is the actor; a write-off needs a second custodian's approval");
      }
    }
    if (r.reverses && r.kind != MovementKind::Reverse) {
      throw InvalidInput("reverses", std::to_string(*r.reverses), "is only for reverse rows");
    }
  }

  // A lot as the ledger or this operation knows it; `id` set when it is in the lots table.
  struct KnownLot {
    Lot lot;
    std::optional<std::int64_t> id;
    bool is_new = false; // in neither the ledger nor an earlier row of the operation
  };

  // The lots table's row for a lot, read once and kept: an import names the same lots over
  // and over (FEFO issues of what was received). Nothing changes a lot during the import (the
  // file has no status changes), and a lot created by the import is kept as it is posted
  // (apply()). Bounded: two generations of kLotCache lots (generational_cache.hpp). Forgetting
  // every lot at once when full read 546k lots from the ledger at a million rows (138,679
  // lots); two generations read 349k, and 297k once the lots the import creates are kept as
  // it posts them (of those, 138,679 find nothing: the lot is new).
  static std::string lot_key(const MaterialCode& material, const LotNumber& number) {
    std::string key;
    key.reserve(material.str().size() + 1 + number.str().size());
    key.append(material.str()).push_back('\n');
    key.append(number.str());
    return key;
  }
  const store::SqliteStore::LotRow* lot_row(const MaterialCode& material,
                                            const LotNumber& number) {
    std::string key = lot_key(material, number);
    if (const auto* kept = lots_.find(key)) return kept;
    auto row = impl_.store.lot(material.str(), number.str());
    if (!row) return nullptr;
    return &lots_.add(std::move(key), std::move(*row));
  }

  // What is out of a lot (issued and not returned, across every depot), as `stockpile return`
  // counts it: summed from the ledger the first time a return names the lot, then kept as the
  // import posts (count_out()). Every return summed its lot's history in SQL: 16,560 returns
  // in the 1M file, 5 % of that import.
  Quantity out_of(const MaterialCode& material, const LotNumber& number) {
    auto key = lot_key(material, number);
    auto it = out_.find(key);
    if (it == out_.end()) {
      if (out_.size() >= kLotCache) out_.clear(); // bounded like the lots: summed again
      it = out_.emplace(std::move(key), impl_.store.lot_out(material.str(), number.str())).first;
    }
    return it->second;
  }
  // The legs just posted, counted into the lots out_ holds: an issue or a return changes what
  // is out by its quantity (negative out, positive back). A reversal makes the lot be summed
  // again from the ledger, where the SQL leaves the reversed row out.
  void count_out(const std::vector<Leg>& legs) {
    for (const Leg& leg : legs) {
      if (leg.kind != MovementKind::Issue && leg.kind != MovementKind::Return &&
          leg.kind != MovementKind::Reverse) {
        continue;
      }
      const auto it = out_.find(lot_key(leg.lot.material, leg.lot.number));
      if (it == out_.end()) continue;
      if (leg.kind == MovementKind::Reverse) {
        out_.erase(it);
      } else {
        it->second -= leg.quantity;
      }
    }
  }

  // The lot a row names, checked against the material and (for receipts) created or matched.
  KnownLot lot_of(const Row& r, const Material& m) {
    std::optional<LotNumber> number = r.lot;
    if (!m.lot_tracked) {
      if (number && number->str() != kImplicitLot) {
        throw InvalidInput("lot", number->str(),
                           fmt::format("material {} is not tracked by lot; leave it empty or -",
                                       m.code.str()));
      }
      number = LotNumber(std::string(kImplicitLot));
    } else if (!number || number->str() == kImplicitLot) {
      throw InvalidInput(fmt::format("lot: material {} is tracked by lot; name the lot",
                                     m.code.str()));
    }
    const auto* row = lot_row(m.code, *number);
    Lot lot{.material = m.code, .number = *number, .production = r.production, .expiry = r.expiry};
    if (row) {
      const Lot& old = row->lot;
      if (r.expiry && old.expiry != r.expiry) {
        throw InvalidInput("expiry", r.expiry->to_string(),
                           fmt::format("lot {} of {} is recorded with expiry {}", number->str(),
                                       m.code.str(),
                                       old.expiry ? old.expiry->to_string() : "none"));
      }
      if (r.production && old.production != r.production) {
        throw InvalidInput("production", r.production->to_string(),
                           fmt::format("lot {} of {} is recorded with production date {}",
                                       number->str(), m.code.str(),
                                       old.production ? old.production->to_string() : "none"));
      }
      return {old, row->id};
    }
    if (pending_lots_.count({m.code.str(), number->str()})) {
      return {pending_lots_.at({m.code.str(), number->str()}), std::nullopt, false};
    }
    if (r.kind != MovementKind::Receive && r.kind != MovementKind::Adjust &&
        number->str() != kImplicitLot) {
      throw NotFound(fmt::format("lot {}: material {} has no such lot in the ledger",
                                 quote(number->str()), m.code.str()));
    }
    if (!lot.expiry && lot.production && m.shelf_life) {
      lot.expiry = m.shelf_life->add_to(*lot.production);
    }
    if (lot.production && lot.expiry && *lot.expiry < *lot.production) {
      throw InvalidInput("expiry", lot.expiry->to_string(),
                         fmt::format("is before the production date {}",
                                     lot.production->to_string()));
    }
    return {lot, std::nullopt, true};
  }

  Leg leg_of(const Row& r, std::map<std::pair<std::string, std::string>, Quantity>& delta) {
    if (r.kind == MovementKind::Reverse) return reversal_leg(r, delta);
    const Material& m = material(r.material);
    depot(r.depot);
    if (!r.unit.empty() && r.unit != m.unit) {
      throw InvalidInput("unit", r.unit,
                         fmt::format("material {} is counted in {}", m.code.str(), m.unit));
    }
    if (r.quantity.decimals() > m.decimals) {
      throw InvalidInput("quantity", r.quantity.to_string(),
                         fmt::format("material {} takes at most {} decimals", m.code.str(),
                                     m.decimals));
    }
    if (r.approver) custodian(*r.approver, "approver");
    // A return row follows the rules of `stockpile return`: an import must not post what the
    // command refuses.
    if (r.kind == MovementKind::Return) check_recoverable(m);
    const auto [lot, lot_id, new_lot] = lot_of(r, m);
    if (r.kind == MovementKind::Return) {
      check_returnable(m, lot, out_of(m.code, lot.number), r.quantity, "quantity");
    }
    Quantity q = r.quantity;
    const bool out = r.kind == MovementKind::Issue || r.kind == MovementKind::TransferOut ||
                     r.kind == MovementKind::Dispose;
    if (out && q.is_positive()) q = -q;
    check_stock(r, lot, lot_id, q, m.unit, delta);
    return Leg{r.kind, r.depot, lot, q, r.reason, r.approver, r.unusable_reason, {}, lot_id,
               new_lot};
  }

  Leg reversal_leg(const Row& r, std::map<std::pair<std::string, std::string>, Quantity>& delta) {
    const auto it = new_ids_.find(*r.reverses);
    if (!it) {
      throw NotFound(fmt::format("reverses {}: no row with that id comes earlier in the file",
                                 *r.reverses));
    }
    auto target = impl_.store.movement(*it);
    if (!target) throw NotFound("movement", std::to_string(*it));
    if (target->kind == MovementKind::Reverse) {
      throw RuleViolation(fmt::format("reverses {}: that row is itself a reversal", *r.reverses));
    }
    if (impl_.store.reversed(target->id) || reversed_now_.count(target->id)) {
      throw RuleViolation(fmt::format("reverses {}: that row was already reversed", *r.reverses));
    }
    if (target->depot != r.depot || target->material != r.material ||
        (r.lot && target->lot != *r.lot) || r.quantity != -target->quantity) {
      throw InvalidInput("reverses", std::to_string(*r.reverses),
                         fmt::format("that row moved {} of {} lot {} at depot {}; a reversal "
                                     "moves {} of the same",
                                     target->quantity.to_string(), target->material.str(),
                                     target->lot.str(), target->depot.str(),
                                     (-target->quantity).to_string()));
    }
    const Material& m = material(target->material);
    const auto* row = lot_row(m.code, target->lot);
    const Lot lot = row ? row->lot : Lot{.material = m.code, .number = target->lot};
    const auto lot_id = row ? std::optional(row->id) : std::nullopt;
    check_stock(r, lot, lot_id, -target->quantity, m.unit, delta);
    reversed_now_.insert(target->id);
    return Leg{MovementKind::Reverse, r.depot, lot, -target->quantity, r.reason, {}, "",
               target->id, lot_id};
  }

  // Stock never goes negative, on the row's day or any later day already in the ledger.
  void check_stock(const Row& r, const Lot& lot, std::optional<std::int64_t> lot_id, Quantity q,
                   const std::string& unit,
                   std::map<std::pair<std::string, std::string>, Quantity>& delta) {
    auto& d = delta[{r.depot.str(), lot.material.str() + "/" + lot.number.str()}];
    if (q.is_negative()) {
      // A lot not in the ledger yet (received earlier in this operation) has only `d`.
      const Quantity have = (lot_id ? stock_on(r.depot, *lot_id, r.date) : Quantity()) + d;
      if (have < -q) {
        throw InsufficientStock(fmt::format(
            "quantity \"{}\": depot {} has only {} {} of {} lot {} on {}", r.quantity.to_string(),
            r.depot.str(), have.to_string(), unit, lot.material.str(), lot.number.str(),
            r.date.to_string()));
      }
    }
    d += q;
  }

  // What the depot can give of a lot on `day` (posting.hpp's available()). A day on or after
  // the ledger's latest date has no later day to keep non-negative: the balance is the
  // answer, without the query for later movements. Files come in date order, so that is
  // nearly every row: at a million rows those queries were random seeks into an index larger
  // than the page cache.
  Quantity stock_on(const DepotCode& depot, std::int64_t lot_id, Date day) {
    if (day >= latest_) return book_.balance(depot.str(), lot_id);
    return available(impl_, depot, lot_id, day, &book_);
  }

  // The request an operation stands for, for its idempotency digest: every field of its rows
  // except the source ledger's ids, times and hashes.
  static std::string digest_of(const std::vector<Row>& rows) {
    Canonical c;
    c.add("kind", "import");
    for (const Row& r : rows) {
      c.add("row", std::string(to_string(r.kind)))
          .add("date", r.date.to_string())
          .add("depot", r.depot.str())
          .add("material", r.material.str())
          .add("lot", r.lot ? r.lot->str() : "")
          .add("quantity", r.quantity.thousandths())
          .add("production", r.production ? r.production->to_string() : "")
          .add("expiry", r.expiry ? r.expiry->to_string() : "")
          .add("actor", r.actor.str())
          .add("counterparty", r.paper.counterparty)
          .add("incident", r.paper.incident ? r.paper.incident->str() : "")
          .add("document", r.paper.document)
          .add("note", r.paper.note)
          .add("reason", r.reason)
          .add("approver", r.approver ? r.approver->str() : "")
          .add("unusable_reason", r.unusable_reason)
          .add("reverses", r.reverses.value_or(0));
    }
    return sha256_hex(c.bytes());
  }

  Outcome apply(const std::vector<Row>& rows) {
    const Row& head = rows.front();
    for (std::size_t i = 1; i < rows.size(); ++i) {
      const Row& r = rows[i];
      auto differs = [&](std::string_view field, const std::string& a, const std::string& b) {
        if (a != b) {
          throw InvalidInput(fmt::format(
              "line {}: {} \"{}\": the rows of one operation share it (line {} has \"{}\")",
              r.line, field, b, head.line, a));
        }
      };
      differs("date", head.date.to_string(), r.date.to_string());
      differs("actor", head.actor.str(), r.actor.str());
      differs("counterparty", head.paper.counterparty, r.paper.counterparty);
      differs("incident", head.paper.incident ? head.paper.incident->str() : "",
              r.paper.incident ? r.paper.incident->str() : "");
      differs("document", head.paper.document, r.paper.document);
      differs("note", head.paper.note, r.paper.note);
      differs("idempotency_key", head.paper.idempotency_key, r.paper.idempotency_key);
    }
    const std::string digest = digest_of(rows);
    const std::string& key = head.paper.idempotency_key;
    if (!key.empty()) {
      if (auto op = impl_.store.operation_by_key(key)) {
        if (op->digest != digest) {
          throw RuleViolation(fmt::format("idempotency_key {}: already used by operation {} for "
                                          "different movements",
                                          quote(key), op->id));
        }
        // Already imported: map the file's ids onto the movements it created back then.
        const auto existing = impl_.store.operation_movements(op->id);
        for (std::size_t i = 0; i < rows.size() && i < existing.size(); ++i) {
          remember_id(rows[i], existing[i].id);
        }
        return {true};
      }
    }
    const Header h{head.date, head.actor, head.paper};
    custodian(head.actor, "actor");
    if (head.date > today_) {
      throw InvalidInput("date", head.date.to_string(),
                         fmt::format("is in the future (today is {})", today_.to_string()));
    }
    std::map<std::pair<std::string, std::string>, Quantity> delta;
    std::vector<Leg> legs;
    for (const Row& r : rows) {
      try {
        legs.push_back(leg_of(r, delta));
        if (r.kind == MovementKind::Receive || r.kind == MovementKind::Adjust ||
            legs.back().new_lot) { // a later row of the operation finds it here, not as new
          pending_lots_.emplace(std::pair{legs.back().lot.material.str(),
                                          legs.back().lot.number.str()},
                                legs.back().lot);
        }
      } catch (const Error& e) {
        // Name the row, not the operation's first line.
        throw RowFailure{r.line, e.what()};
      }
    }
    check_transfer_balance(rows, legs);
    // Before the write: a posting that fails partway may have written some legs.
    latest_ = std::max(latest_, h.date);
    const auto operation = impl_.store.insert_operation("import", key, digest, impl_.now());
    const auto written = post_legs(impl_, operation, h, legs, &book_, &chain_, &lot_ids_);
    // The lots this operation created (or found created by its own earlier legs), kept as
    // posted: a later row that names one need not read it back from the ledger. An import
    // changes no lot's status, so the row as planned is the row as stored.
    for (std::size_t i = 0; i < legs.size(); ++i) {
      if (legs[i].lot_id) continue;
      lots_.add(lot_key(legs[i].lot.material, legs[i].lot.number),
                store::SqliteStore::LotRow{lot_ids_[i], legs[i].lot});
    }
    pending_lots_.clear();
    count_out(legs);
    for (std::size_t i = 0; i < rows.size(); ++i) remember_id(rows[i], written[i].id);
    return {false};
  }

  // The ledger id a file row became: a later row may reverse it.
  void remember_id(const Row& r, std::int64_t movement) {
    if (r.id) new_ids_.add(*r.id, movement);
  }

  // What a transfer takes out of one depot arrives at another: per lot, out = −in.
  static void check_transfer_balance(const std::vector<Row>& rows, const std::vector<Leg>& legs) {
    std::map<std::string, Quantity> net;
    bool any = false;
    for (std::size_t i = 0; i < legs.size(); ++i) {
      const auto k = legs[i].kind;
      if (k != MovementKind::TransferOut && k != MovementKind::TransferIn) continue;
      any = true;
      net[legs[i].lot.material.str() + " lot " + legs[i].lot.number.str()] += legs[i].quantity;
    }
    if (!any) return;
    for (const auto& [what, q] : net) {
      if (!q.is_zero()) {
        throw RowFailure{rows.front().line,
                         fmt::format("transfer of {}: what leaves one depot must arrive at "
                                     "another in the same operation (off by {}); rows {} to {}",
                                     what, q.to_string(), rows.front().line,
                                     rows.back().line)};
      }
    }
  }

public:
  struct RowFailure {
    std::size_t line;
    std::string message;
  };

  // The file, inside the caller's transaction: each row parsed and checked on its own, and the
  // rows posted an operation at a time (an operation is posted when the row after it starts
  // the next). After the first row that does not parse (a CSV error, a bad cell, an id or an
  // operation name seen before), nothing more is posted: an operation cut by a bad row is not
  // whole, and the rows after it are checked against a ledger that lacks it. They are still
  // parsed, so every syntax error is listed; any error rolls the transaction back.
  MovementImportResult run(const MovementImportOptions& options) {
    MovementImportResult result;
    result.dry_run = options.dry_run;
    CsvTableReader reader(text_, kRequired, kOptional);
    std::vector<CsvError> csv_errors = reader.header().errors;
    const auto report_csv_errors = [&] {
      for (const auto& e : csv_errors) errors_.push_back({e.line, e.message});
    };
    if (!reader.header().header_ok) {
      while (reader.next(csv_errors)) {
      }
      report_csv_errors();
      return result;
    }
    // A progress line needs the number of rows before the first is posted: counted by a
    // reader that only splits the records (a few per cent of the import, and only when asked).
    const std::size_t total = options.progress ? count_rows() : 0;
    std::size_t next_report = 0;
    const auto progress = [&] {
      if (options.progress && (result.rows >= next_report || result.rows == total)) {
        options.progress(result.rows, total);
        next_report = result.rows + 1000;
      }
    };
    if (const auto latest = impl_.store.latest_movement_date(); !latest.empty()) {
      latest_ = Date::parse(latest);
    }
    const auto post = [&](const std::vector<Row>& rows) {
      try {
        if (apply(rows).replayed) {
          ++result.operations_replayed;
        } else {
          ++result.operations_written;
          result.movements_written += rows.size();
        }
      } catch (const RowFailure& f) {
        errors_.push_back({f.line, f.message});
        pending_lots_.clear();
        out_.clear(); // a posting that failed partway may have written some legs
      } catch (const Error& e) {
        errors_.push_back({rows.front().line, e.what()});
        pending_lots_.clear();
        out_.clear();
      }
    };
    const Columns columns(reader.header());
    NumberSet ids(scratch_, kIdsSeen);
    NameSet names(scratch_, kOperationsSeen);
    Grouper grouper;
    std::vector<Row> operation; // the rows of the operation being read
    bool posting = true;        // no row so far failed to parse
    for (;;) {
      const std::size_t csv_errors_before = csv_errors.size();
      auto rec = reader.next(csv_errors);
      if (csv_errors.size() != csv_errors_before) posting = false; // a record was skipped
      if (!rec) break;
      ++result.rows;
      try {
        Row r = parse_row(*rec, columns, ids);
        if (grouper.starts_operation(r)) {
          ++result.operations;
          if (posting && !operation.empty()) post(operation);
          operation.clear();
          if (!r.operation.empty() && !names.insert(r.operation)) {
            throw InvalidInput(fmt::format("operation \"{}\": its rows must be next to each other",
                                           r.operation));
          }
        }
        if (posting) operation.push_back(std::move(r));
      } catch (const Error& e) {
        errors_.push_back({rec->line, e.what()});
        posting = false;
      }
      if (!posting) operation.clear();
      progress();
      if (result.rows % kReleaseEvery == 0 && release_) release_(reader.offset());
    }
    if (posting && !operation.empty()) post(operation);
    report_csv_errors();
    // Rows that failed roll the whole import back: their balances need not be written.
    if (errors_.empty()) book_.flush();
    return result;
  }

  void set_today(Date d) { today_ = d; }

private:
  // The reference data rows name, looked up once per import (the file names the same few
  // materials, depots and custodians on thousands of rows; nothing changes them meanwhile:
  // the import is one write transaction).
  const Material& material(const MaterialCode& code) {
    auto it = materials_.find(code.str());
    if (it == materials_.end()) {
      it = materials_.emplace(code.str(), require_material(impl_, code)).first;
    }
    return it->second;
  }
  void depot(const DepotCode& code) {
    if (depots_.count(code.str()) == 0) {
      require_depot(impl_, code);
      depots_.insert(code.str());
    }
  }
  void custodian(const CustodianId& id, std::string_view field) {
    if (custodians_.count(id.str()) == 0) {
      require_custodian(impl_, id, field);
      custodians_.insert(id.str());
    }
  }

  Ledger::Impl& impl_;
  std::string source_;
  std::string_view text_;
  std::function<void(std::size_t)> release_; // told how far the text was read (may be empty)
  // Hashed: a lookup per row each, over thousands of codes (a std::map's string compares
  // down the tree were 3 % of a 1M import).
  std::unordered_map<std::string, Material> materials_; // nodes: references stay valid
  std::unordered_set<std::string> depots_, custodians_;
  std::vector<RowError> errors_;
  // The Scratch's sets: the file ids seen, the operation numbers seen, and new_ids_.
  static constexpr int kIdsSeen = 1, kOperationsSeen = 2, kFileIds = 3;
  Scratch scratch_; // before what keeps its numbers there
  IdMap new_ids_;   // file id → ledger movement id
  std::set<std::int64_t> reversed_now_;
  std::map<std::pair<std::string, std::string>, Lot> pending_lots_;
  static constexpr std::size_t kLotCache = 1 << 14;
  GenerationalCache<store::SqliteStore::LotRow> lots_{kLotCache}; // by material\nnumber
  std::unordered_map<std::string, Quantity> out_; // out_of(), by material\nnumber
  std::vector<std::int64_t> lot_ids_; // post_legs' lot ids for the operation just posted
  // The balances the import moved, written once each at the end or when the book is full
  // (balance_book.hpp).
  BalanceBook book_;
  // The hash chain's head after the last operation posted (empty: read it from the ledger).
  std::optional<ChainHead> chain_;
  // The latest date in the ledger, counting the operations this import posted: no movement
  // is dated after it (stock_on()).
  Date latest_ = Date::min();
  Date today_ = Date::min();
};

// Thrown inside the transaction to roll it back (a dry run, or rows that failed); an Error so
// that the store passes it through unchanged.
struct RollBack : Error {
  RollBack() : Error("rolled back") {}
};

} // namespace

namespace {

MovementImportResult import_with(Ledger::Impl& impl, std::string_view csv_text,
                                 std::string_view source, const MovementImportOptions& options,
                                 std::function<void(std::size_t)> release) {
  Importer importer(impl, source, csv_text, std::move(release));
  importer.set_today(local_date(impl.now_seconds(), impl.options.time_zone));
  MovementImportResult result;
  // A bigger page cache while the import's one transaction runs: at 1M rows the 16 MiB one
  // spilled dirty pages to the WAL and read them back (14.6 s of system time of 82 s; with
  // 48 MiB 7.2 s of 74 s, peak RSS 39 -> 73 MiB). Back to the usual size however it ends.
  struct CacheForImport {
    store::SqliteStore& store;
    explicit CacheForImport(store::SqliteStore& s) : store(s) {
      store.set_cache_kib(store::SqliteStore::kBulkCacheKib);
    }
    ~CacheForImport() {
      try {
        store.set_cache_kib(store::SqliteStore::kCacheKib);
      } catch (...) { // only memory is at stake; the import's outcome is what to report
      }
    }
    CacheForImport(const CacheForImport&) = delete;
    CacheForImport& operator=(const CacheForImport&) = delete;
  } cache(impl.store);
  try {
    impl.store.write([&] {
      result = importer.run(options);
      if (!importer.errors().empty() || options.dry_run) throw RollBack{};
    });
  } catch (const RollBack&) {
    // rolled back: either a dry run or rows that failed
  }
  if (!importer.errors().empty()) {
    importer.sort_errors();
    throw ImportError(std::string(source), importer.errors());
  }
  return result;
}

} // namespace

MovementImportResult Ledger::import_movements(std::string_view csv_text, std::string_view source,
                                              const MovementImportOptions& options) {
  return import_with(*impl_, csv_text, source, options, {});
}

MovementImportResult Ledger::import_movements(const MappedFile& file, std::string_view source,
                                              const MovementImportOptions& options) {
  return import_with(*impl_, file.text(), source, options,
                     [&file](std::size_t offset) { file.release_before(offset); });
}

} // namespace stockpile
