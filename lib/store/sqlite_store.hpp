// The storage seam (internal): every SQL statement of the ledger lives behind this class, so
// domain code never sees SQLite and another store could stand in its place.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stockpile/custodian.hpp"
#include "stockpile/depot.hpp"
#include "stockpile/material.hpp"
#include "stockpile/organisation.hpp"

namespace SQLite {
class Database;
}

namespace stockpile::store {

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
  // (busy timeout) instead of failing half-way with "database is locked".
  void write(const std::function<void()>& fn);
  // Runs fn as one consistent read snapshot.
  void read(const std::function<void()>& fn) const;

  // ---- materials ----
  [[nodiscard]] bool material_exists(const std::string& code) const;
  [[nodiscard]] std::optional<Material> material(const std::string& code) const;
  [[nodiscard]] std::vector<Material> materials() const;
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

  // For code in lib/ that needs a query of its own (kept inside lib/store/ by convention).
  [[nodiscard]] SQLite::Database& db() const noexcept { return *db_; }

private:
  void migrate();

  std::filesystem::path path_;
  std::unique_ptr<SQLite::Database> db_;
};

// Turns an SQLite failure into the library's StorageError naming the file; rethrows anything
// else unchanged. Call inside a catch block.
[[noreturn]] void rethrow_as_storage_error(const std::filesystem::path& file);

} // namespace stockpile::store
