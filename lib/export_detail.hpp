// Ledger export internals shared by lib/export.cpp (CSV, JSON Lines, files),
// lib/export_journal.cpp and lib/export_xlsx.cpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>

#include "stockpile/export.hpp"

namespace stockpile::detail {

// Calls ExportOptions::progress every 1000 movements and once at the end.
class ExportProgress {
public:
  ExportProgress(const Ledger& ledger, const ExportOptions& options, const MovementQuery& query);
  void tick();
  void finish();
  [[nodiscard]] std::int64_t done() const noexcept { return done_; }

private:
  std::function<void(std::int64_t, std::int64_t)> fn_;
  std::int64_t total_ = 0;
  std::int64_t done_ = 0;
};

// The quantity with at least `decimals` decimals (2.5 with 3 → "2.500"), exact either way.
[[nodiscard]] std::string fixed_decimals(Quantity q, int decimals);

// Throws StorageError naming --out when the stream has failed (disk full, closed pipe).
void check_stream(const std::ostream& out, const std::string& where);

void write_journal(const Ledger& ledger, std::ostream& out, const ExportOptions& options,
                   const MovementQuery& query, ExportProgress& progress);

// Opens libxlsxwriter by `soname` and finds every function the workbook uses, as the first
// xlsx export does with xlsx_library_soname(); throws StorageError naming the library when it
// cannot be loaded ("xlsx: cannot load ...") or lacks a function ("xlsx: ... has no function
// ..."). For the tests of an export on a machine without the library.
void check_xlsx_library(const char* soname);
[[nodiscard]] const char* xlsx_library_soname() noexcept;

// Writes the workbook to `file` (a fresh temporary file the caller renames into place).
void write_xlsx(const Ledger& ledger, const std::filesystem::path& file,
                const ExportOptions& options, const MovementQuery& query,
                ExportProgress& progress, const std::string& where);

} // namespace stockpile::detail
