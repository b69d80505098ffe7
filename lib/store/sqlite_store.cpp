#include "store/sqlite_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <algorithm>
#include <map>
#include <mutex>
#include <unordered_map>
#include <sqlite3.h>

#include "canonical.hpp"
#include "store/statement_cache.hpp"
#include "stockpile/error.hpp"
#include "store/schema.hpp"

namespace stockpile::store {

namespace {

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += ',';
    out += p;
  }
  return out;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::optional<std::string> nullable_text(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getString();
}

constexpr const char* kMaterialColumns =
    "code, revision, name, specification, unit, gb_code, category, shelf_life, hazards, "
    "recoverable, lot_tracked, decimals, warning";

Material read_material(SQLite::Statement& q) {
  Material m(MaterialCode(q.getColumn(0).getString()));
  m.revision = q.getColumn(1).getInt();
  m.name = q.getColumn(2).getString();
  m.specification = q.getColumn(3).getString();
  m.unit = q.getColumn(4).getString();
  m.gb_code = nullable_text(q.getColumn(5));
  m.category = q.getColumn(6).getString();
  if (auto life = nullable_text(q.getColumn(7))) m.shelf_life = Duration::parse(*life, "shelf_life");
  m.hazards = split(q.getColumn(8).getString());
  m.recoverable = q.getColumn(9).getInt() != 0;
  m.lot_tracked = q.getColumn(10).getInt() != 0;
  m.decimals = q.getColumn(11).getInt();
  if (auto w = nullable_text(q.getColumn(12))) parse_warning(*w, "warning", m);
  return m;
}

Organisation read_org(SQLite::Statement& q) {
  Organisation o{.code = OrgCode(q.getColumn(0).getString()),
                 .name = q.getColumn(1).getString(),
                 .level = parse_org_level(q.getColumn(2).getString()),
                 .parent = std::nullopt};
  if (auto p = nullable_text(q.getColumn(3))) o.parent = OrgCode(*p);
  return o;
}

Depot read_depot(SQLite::Statement& q) {
  return Depot{.code = DepotCode(q.getColumn(0).getString()),
               .name = q.getColumn(1).getString(),
               .org = OrgCode(q.getColumn(2).getString()),
               .address = q.getColumn(3).getString()};
}

// One object of a ledger's schema as sqlite_schema lists it (the SQL with its runs of
// whitespace made one space).
struct SchemaObject {
  std::string type, table, sql;
  bool operator==(const SchemaObject&) const = default;
};

std::string squeezed(const std::string& sql) {
  std::string out;
  for (const char c : sql) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::map<std::string, SchemaObject> schema_objects(SQLite::Database& db) {
  std::map<std::string, SchemaObject> out;
  SQLite::Statement q(db, "SELECT type, name, tbl_name, sql FROM sqlite_schema");
  while (q.executeStep()) {
    out[q.getColumn(1).getString()] =
        SchemaObject{q.getColumn(0).getString(), q.getColumn(2).getString(),
                     squeezed(q.getColumn(3).getString())};
  }
  return out;
}

// What a ledger at `version` holds: the migrations up to it, run on an in-memory database by
// this same SQLite (so the SQL text is stored exactly as in a real ledger). Built once per
// version and process.
const std::map<std::string, SchemaObject>& expected_schema(int version) {
  static std::mutex mutex;
  static std::map<int, std::map<std::string, SchemaObject>> cache;
  const std::lock_guard lock(mutex);
  auto it = cache.find(version);
  if (it == cache.end()) {
    SQLite::Database mem(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    for (const auto& m : migrations()) {
      if (m.version <= version) run_migration(mem, m);
    }
    it = cache.emplace(version, schema_objects(mem)).first;
  }
  return it->second;
}

// ANALYZE's statistics (sqlite3 shell, PRAGMA optimize) only steer the query planner.
bool is_statistics(const std::string& name, const SchemaObject& object) {
  return object.type == "table" && name.rfind("sqlite_stat", 0) == 0;
}

std::string digest_of(const std::map<std::string, SchemaObject>& objects) {
  detail::Canonical c;
  for (const auto& [name, object] : objects) {
    if (is_statistics(name, object)) continue;
    c.add("name", name).add("type", object.type).add("table", object.table).add("sql", object.sql);
  }
  return detail::sha256_hex(c.bytes());
}

// A ledger file from someone else may carry triggers or views of its own, or stockpile's own
// objects redefined: SQL that would run inside stockpile's writes (defensive mode and
// trusted_schema = off already keep it from calling functions with side effects, and SQL in a
// trigger cannot reach another file). Anything stockpile's schema does not have is refused
// before a single statement runs, naming the object. Missing objects are left to the queries
// that need them and to verify, which names a removed append-only trigger.
void refuse_foreign_schema(SQLite::Database& db, const std::filesystem::path& file) {
  // The version and the objects come from one snapshot: another process migrating the file at
  // this moment (`init` still creating it, a newer stockpile) must not make it look foreign.
  SQLite::Transaction snapshot(db, SQLite::TransactionBehavior::DEFERRED);
  const int version = db.execAndGet("PRAGMA user_version").getInt();
  if (version > migrations().back().version) return; // migrate() names a newer schema
  const auto objects = schema_objects(db);
  // The common case costs one read of sqlite_schema: the file's schema is exactly the one
  // pinned for its version. Running every migration on :memory: to compare object by object
  // took a quarter of a small command's time, so it is left to naming what differs.
  if (const auto pinned = pinned_schema_digest(version); pinned && digest_of(objects) == *pinned) {
    snapshot.commit();
    return;
  }
  const auto& expected = expected_schema(version);
  // The type as a word; anything else (a file edited with writable_schema) quoted, one line.
  const auto kind = [](const std::string& type) {
    return type == "table" || type == "index" || type == "view" || type == "trigger"
               ? type
               : quote(type);
  };
  for (const auto& [name, object] : objects) {
    if (is_statistics(name, object)) continue;
    const auto it = expected.find(name);
    if (it == expected.end()) {
      throw IntegrityError(fmt::format(
          "ledger {}: {} {} is not part of stockpile's schema (added outside stockpile); "
          "stockpile will not run a file's own SQL: check where the file came from, then drop "
          "it with the sqlite3 shell",
          file.string(), kind(object.type), quote(name)));
    }
    if (it->second != object) {
      throw IntegrityError(fmt::format(
          "ledger {}: {} {} differs from stockpile's schema (changed outside stockpile); "
          "restore the file from a copy and investigate",
          file.string(), kind(object.type), quote(name)));
    }
  }
  // A trigger that keeps derived data (stock_totals from the balances) must be there: without
  // it `stock` would quietly show totals that no longer follow the stock. A removed
  // append-only trigger is left to verify, which names it.
  const auto append_only = append_only_triggers();
  for (const auto& [name, object] : expected) {
    if (object.type != "trigger" || objects.count(name) != 0 ||
        std::find(append_only.begin(), append_only.end(), name) != append_only.end()) {
      continue;
    }
    throw IntegrityError(fmt::format(
        "ledger {}: trigger {} is missing (removed outside stockpile); the data it keeps would "
        "no longer follow the stock: restore the file from a copy and investigate",
        file.string(), quote(name)));
  }
  snapshot.commit();
}

} // namespace

void run_migration(SQLite::Database& db, const Migration& m) {
  if (!m.schema_edit.empty()) {
    sqlite3* handle = db.getHandle();
    // Restored afterwards as it was; on (as every ledger connection has it) if it cannot be read.
    int defensive = 1;
    if (sqlite3_db_config(handle, SQLITE_DBCONFIG_DEFENSIVE, -1, &defensive) != SQLITE_OK) {
      defensive = 1;
    }
    // Back as it was however the edit ends: the ledger's connection stays defensive.
    struct Restore {
      SQLite::Database& db;
      int defensive;
      ~Restore() {
        try {
          db.exec("PRAGMA writable_schema = OFF");
        } catch (...) { // the edit's own error is the one to report
        }
        sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_DEFENSIVE, defensive, nullptr);
      }
    } restore{db, defensive};
    sqlite3_db_config(handle, SQLITE_DBCONFIG_DEFENSIVE, 0, nullptr);
    const int cookie = db.execAndGet("PRAGMA schema_version").getInt();
    db.exec("PRAGMA writable_schema = ON");
    const int changed = db.exec(std::string(m.schema_edit));
    if (changed != m.edited_objects) {
      throw IntegrityError(fmt::format("schema version {}: the edit of the schema's text "
                                       "matched {} objects instead of {}; nothing was changed "
                                       "(a table's SQL text is not as stockpile wrote it: "
                                       "restore the file from a copy)",
                                       m.version, changed, m.edited_objects));
    }
    db.exec("PRAGMA writable_schema = OFF");
    db.exec(fmt::format("PRAGMA schema_version = {}", cookie + 1));
  }
  db.exec(std::string(m.sql));
}

std::string expected_schema_digest(int version) { return digest_of(expected_schema(version)); }

[[noreturn]] void rethrow_as_storage_error(const std::filesystem::path& file) {
  try {
    throw;
  } catch (const SQLite::Exception& e) {
    const int code = e.getErrorCode() & 0xff;
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
      throw StorageError(fmt::format("ledger {}: another process kept the ledger locked too long "
                                     "({}); nothing was written",
                                     file.string(), e.what()));
    }
    if (code == SQLITE_NOTADB) {
      throw StorageError(fmt::format("ledger {}: not an SQLite file", file.string()));
    }
    throw StorageError(fmt::format("ledger {}: {}", file.string(), e.what()));
  }
}

SqliteStore::SqliteStore(const std::filesystem::path& file, OpenMode mode,
                         const StoreOptions& options)
    : path_(file), busy_timeout_ms_(options.busy_timeout_ms) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(file, ec);
  if (mode == OpenMode::OpenExisting && !exists) {
    throw StorageError(fmt::format(
        "ledger {}: no such file; create it with `stockpile --db {} init`", file.string(),
        file.string()));
  }
  try {
    // NOMUTEX: a store is used by one thread at a time (the Ledger says so), and SQLite's
    // per-connection mutex was taken for every column read, a tenth of verify's time.
    db_ = std::make_unique<SQLite::Database>(file.string(),
                                             SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE |
                                                 SQLite::OPEN_NOFOLLOW | SQLite::OPEN_NOMUTEX,
                                             options.busy_timeout_ms);
    // Defensive mode stops SQL from corrupting the file on purpose (writable_schema and the
    // like); the ledger's own triggers then hold unless someone drops them with the shell.
    sqlite3_db_config(db_->getHandle(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_db_config(db_->getHandle(), SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
    // Reading the schema here also fails early on a file that is not SQLite at all.
    const int version = db_->execAndGet("PRAGMA user_version").getInt();
    const int tables =
        db_->execAndGet("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").getInt();
    if (version == 0 && tables > 0) {
      throw StorageError(fmt::format("ledger {}: an SQLite file, but not a stockpile ledger",
                                     file.string()));
    }
    if (version == 0 && mode == OpenMode::OpenExisting) {
      throw StorageError(fmt::format(
          "ledger {}: empty file, not a stockpile ledger; create it with `stockpile init`",
          file.string()));
    }
    refuse_foreign_schema(*db_, file);
    db_->exec("PRAGMA journal_mode = WAL");
    db_->exec(options.synchronous_full ? "PRAGMA synchronous = FULL"
                                       : "PRAGMA synchronous = NORMAL");
    db_->exec("PRAGMA foreign_keys = ON");
    // A large import is one transaction: with SQLite's default 2 MiB page cache its dirty
    // pages spill to the WAL before the commit. 16 MiB (grown only as used) keeps a
    // 100,000-row import in memory and still bounds what any command holds.
    set_cache_kib(kCacheKib);
    migrate();
  } catch (const Error&) {
    throw;
  } catch (...) {
    rethrow_as_storage_error(file);
  }
}

SqliteStore::~SqliteStore() = default;

StatementCache& SqliteStore::statements() const {
  if (!statements_) statements_ = std::make_unique<StatementCache>(*db_);
  return *statements_;
}

Reused SqliteStore::cached(const std::string& sql) const { return statements().get(sql); }

void SqliteStore::migrate() {
  const int current = schema_version();
  const auto all = migrations();
  const int latest = all.empty() ? 0 : all.back().version;
  if (current > latest) {
    throw IntegrityError(fmt::format(
        "ledger {}: schema version {} is newer than this stockpile understands ({}); "
        "upgrade stockpile",
        path_.string(), current, latest));
  }
  for (const auto& m : all) {
    if (m.version <= current) continue;
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    // Another process may have migrated while we waited for the lock.
    if (schema_version() >= m.version) continue;
    run_migration(*db_, m);
    db_->exec(fmt::format("PRAGMA user_version = {}", m.version));
    tx.commit();
  }
}

void SqliteStore::set_cache_kib(int kib) {
  // Negative: KiB rather than pages. Lowering it gives back the pages beyond the new limit.
  db_->exec(fmt::format("PRAGMA cache_size = -{}", kib));
}

int SqliteStore::schema_version() const {
  return db_->execAndGet("PRAGMA user_version").getInt();
}

void SqliteStore::write(const std::function<void()>& fn) {
  try {
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    movements_inserted_ = false;
    fn();
    if (movements_inserted_) record_movement_sequence();
    tx.commit();
  } catch (const Error&) {
    throw;
  } catch (...) {
    rethrow_as_storage_error(path_);
  }
}

void SqliteStore::read(const std::function<void()>& fn) const {
  try {
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::DEFERRED);
    fn();
    tx.commit();
  } catch (const Error&) {
    throw;
  } catch (...) {
    rethrow_as_storage_error(path_);
  }
}

// ---- materials --------------------------------------------------------------------------

bool SqliteStore::material_exists(const std::string& code) const {
  auto q = cached("SELECT 1 FROM materials WHERE code = ?");
  q->bind(1, code);
  return q->executeStep();
}

std::optional<Material> SqliteStore::material(const std::string& code) const {
  static const std::string sql =
      fmt::format("SELECT {} FROM material_current WHERE code = ?", kMaterialColumns);
  auto q = cached(sql);
  q->bind(1, code);
  if (!q->executeStep()) return std::nullopt;
  return read_material(*q);
}

std::vector<Material> SqliteStore::materials() const {
  // Every revision as stored, each code's highest kept, then sorted by code (byte order, as
  // SQLite's BINARY): material_current finds each code's latest revision by a subquery and
  // reads the rows through the key's index, half of what the expiry report spent on the
  // catalog at 5,000 materials.
  SQLite::Statement q(*db_, fmt::format("SELECT {} FROM material_revisions", kMaterialColumns));
  std::unordered_map<std::string, std::size_t> index;
  std::vector<Material> out;
  while (q.executeStep()) {
    const auto [it, added] = index.try_emplace(q.getColumn(0).getString(), out.size());
    if (added) {
      out.push_back(read_material(q));
    } else if (q.getColumn(1).getInt() > out[it->second].revision) {
      out[it->second] = read_material(q);
    }
  }
  // Sorted as codes and places, then moved once: a Material is large to swap.
  std::vector<std::pair<std::string_view, std::size_t>> order;
  order.reserve(out.size());
  for (std::size_t i = 0; i < out.size(); ++i) order.emplace_back(out[i].code.str(), i);
  if (std::is_sorted(order.begin(), order.end())) return out;
  std::sort(order.begin(), order.end());
  std::vector<Material> sorted;
  sorted.reserve(out.size());
  for (const auto& [code, i] : order) sorted.push_back(std::move(out[i]));
  return sorted;
}

std::vector<Material> SqliteStore::materials_with_own_warning() const {
  // The codes with a warning in any revision come first, from one pass over the revisions'
  // warning column; only their current revisions are read whole, and kept when the window is
  // still set there (a later revision may have dropped it). At 5,000 materials and none with
  // a window of its own, this is 1/40 of reading the whole catalog.
  SQLite::Statement q(*db_, fmt::format("SELECT {} FROM material_current WHERE warning IS NOT NULL "
                                        "AND code IN (SELECT code FROM material_revisions "
                                        "WHERE warning IS NOT NULL) ORDER BY code",
                                        kMaterialColumns));
  std::vector<Material> out;
  while (q.executeStep())
    out.push_back(read_material(q));
  return out;
}

std::vector<Material> SqliteStore::material_history(const std::string& code) const {
  SQLite::Statement q(*db_, fmt::format("SELECT {} FROM material_revisions WHERE code = ? "
                                        "ORDER BY revision",
                                        kMaterialColumns));
  q.bind(1, code);
  std::vector<Material> out;
  while (q.executeStep()) out.push_back(read_material(q));
  return out;
}

void SqliteStore::insert_material(const Material& m, const std::string& now) {
  SQLite::Statement q(*db_, "INSERT INTO materials (code, created_at) VALUES (?, ?)");
  q.bind(1, m.code.str());
  q.bind(2, now);
  q.exec();
  insert_material_revision(m, now);
}

void SqliteStore::insert_material_revision(const Material& m, const std::string& now) {
  SQLite::Statement q(*db_,
                      "INSERT INTO material_revisions (code, revision, recorded_at, name, "
                      "specification, unit, gb_code, category, shelf_life, hazards, recoverable, "
                      "lot_tracked, decimals, warning) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, m.code.str());
  q.bind(2, m.revision);
  q.bind(3, now);
  q.bind(4, m.name);
  q.bind(5, m.specification);
  q.bind(6, m.unit);
  if (m.gb_code) q.bind(7, *m.gb_code);
  else q.bind(7);
  q.bind(8, m.category);
  if (m.shelf_life) q.bind(9, m.shelf_life->to_string());
  else q.bind(9);
  q.bind(10, join(m.hazards));
  q.bind(11, m.recoverable ? 1 : 0);
  q.bind(12, m.lot_tracked ? 1 : 0);
  q.bind(13, m.decimals);
  if (auto w = warning_text(m); !w.empty()) q.bind(14, w);
  else q.bind(14);
  q.exec();
}

// ---- organisations ------------------------------------------------------------------------

std::optional<Organisation> SqliteStore::organisation(const std::string& code) const {
  SQLite::Statement q(*db_, "SELECT code, name, level, parent FROM organisations WHERE code = ?");
  q.bind(1, code);
  if (!q.executeStep()) return std::nullopt;
  return read_org(q);
}

std::vector<Organisation> SqliteStore::organisations() const {
  SQLite::Statement q(*db_, "SELECT code, name, level, parent FROM organisations ORDER BY code");
  std::vector<Organisation> out;
  while (q.executeStep()) out.push_back(read_org(q));
  return out;
}

void SqliteStore::insert_organisation(const Organisation& org, const std::string& now) {
  SQLite::Statement q(*db_, "INSERT INTO organisations (code, name, level, parent, created_at) "
                            "VALUES (?, ?, ?, ?, ?)");
  q.bind(1, org.code.str());
  q.bind(2, org.name);
  q.bind(3, std::string(to_string(org.level)));
  if (org.parent) q.bind(4, org.parent->str());
  else q.bind(4);
  q.bind(5, now);
  q.exec();
}

// ---- depots -------------------------------------------------------------------------------

std::optional<Depot> SqliteStore::depot(const std::string& code) const {
  auto q = cached("SELECT code, name, org, address FROM depots WHERE code = ?");
  q->bind(1, code);
  if (!q->executeStep()) return std::nullopt;
  return read_depot(*q);
}

std::vector<Depot> SqliteStore::depots() const {
  SQLite::Statement q(*db_, "SELECT code, name, org, address FROM depots ORDER BY code");
  std::vector<Depot> out;
  while (q.executeStep()) out.push_back(read_depot(q));
  return out;
}

void SqliteStore::insert_depot(const Depot& depot, const std::string& now) {
  SQLite::Statement q(*db_, "INSERT INTO depots (code, name, org, address, created_at) "
                            "VALUES (?, ?, ?, ?, ?)");
  q.bind(1, depot.code.str());
  q.bind(2, depot.name);
  q.bind(3, depot.org.str());
  q.bind(4, depot.address);
  q.bind(5, now);
  q.exec();
}

// ---- custodians ---------------------------------------------------------------------------

namespace {
constexpr const char* kCustodianDepots =
    "SELECT depot FROM custodian_depots WHERE custodian = ? ORDER BY depot";

Custodian read_custodian_row(SQLite::Statement& q) {
  return Custodian{.id = CustodianId(q.getColumn(0).getString()),
                   .name = q.getColumn(1).getString(),
                   .phone = q.getColumn(2).getString(),
                   .roles = parse_roles(q.getColumn(3).getString()),
                   .depots = {}};
}

Custodian read_custodian(SQLite::Database& db, SQLite::Statement& q) {
  Custodian c = read_custodian_row(q);
  SQLite::Statement d(db, kCustodianDepots);
  d.bind(1, c.id.str());
  while (d.executeStep()) c.depots.emplace_back(d.getColumn(0).getString());
  return c;
}
} // namespace

std::optional<Custodian> SqliteStore::custodian(const std::string& id) const {
  std::optional<Custodian> c;
  {
    auto q = cached("SELECT id, name, phone, roles FROM custodians WHERE id = ?");
    q->bind(1, id);
    if (!q->executeStep()) return std::nullopt;
    c = read_custodian_row(*q);
  }
  auto d = cached(kCustodianDepots);
  d->bind(1, c->id.str());
  while (d->executeStep()) c->depots.emplace_back(d->getColumn(0).getString());
  return c;
}

std::vector<Custodian> SqliteStore::custodians() const {
  SQLite::Statement q(*db_, "SELECT id, name, phone, roles FROM custodians ORDER BY id");
  std::vector<Custodian> out;
  while (q.executeStep()) out.push_back(read_custodian(*db_, q));
  return out;
}

void SqliteStore::insert_custodian(const Custodian& c, const std::string& now) {
  std::vector<std::string> roles;
  for (Role r : c.roles) roles.emplace_back(to_string(r));
  SQLite::Statement q(*db_, "INSERT INTO custodians (id, name, phone, roles, created_at) "
                            "VALUES (?, ?, ?, ?, ?)");
  q.bind(1, c.id.str());
  q.bind(2, c.name);
  q.bind(3, c.phone);
  q.bind(4, join(roles));
  q.bind(5, now);
  q.exec();
}

bool SqliteStore::assigned(const std::string& custodian, const std::string& depot) const {
  auto q = cached("SELECT 1 FROM custodian_depots WHERE custodian = ? AND depot = ?");
  q->bind(1, custodian);
  q->bind(2, depot);
  return q->executeStep();
}

void SqliteStore::insert_assignment(const std::string& custodian, const std::string& depot,
                                    const std::string& now) {
  SQLite::Statement q(*db_, "INSERT INTO custodian_depots (custodian, depot, assigned_at) "
                            "VALUES (?, ?, ?)");
  q.bind(1, custodian);
  q.bind(2, depot);
  q.bind(3, now);
  q.exec();
}

} // namespace stockpile::store
