// Ledger export (台账导出): the movement history, and the stock it adds up to, in the forms
// other people and programs read — CSV for spreadsheets and for `import movements` on another
// ledger, JSON Lines for programs (with the hash chain, so the receiver can re-verify it), a
// plain-text journal that ledger and hledger read, and an Excel workbook (台账) for the district
// authority. An enterprise that is an environmental risk unit exports its ledger this way.
// Exports only read, and they stream: memory stays flat whatever the ledger's size. Written to
// a file, an export goes to a temporary file next to it that is renamed into place only when
// it is complete, so a failed export never leaves half a file.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string_view>

#include "stockpile/codes.hpp"
#include "stockpile/date.hpp"
#include "stockpile/ledger.hpp"

namespace stockpile {

enum class ExportFormat {
  Csv,     // RFC 4180, UTF-8, CRLF; one row per movement (kLedgerCsvColumns)
  Jsonl,   // one JSON object per movement and line, every field plus prev_hash and hash
  Journal, // ledger/hledger journal: one transaction per operation, a commodity per material
  Xlsx,    // Excel workbook: movements (出入库记录), stock (库存), lots (批次)
};

// csv|jsonl|journal|xlsx; otherwise InvalidInput naming `field`.
[[nodiscard]] ExportFormat parse_export_format(std::string_view text,
                                               std::string_view field = "--to");
[[nodiscard]] std::string_view to_string(ExportFormat format) noexcept;

// The CSV columns, in this order. A contract: `import movements` reads this file back.
// kind is to_string(MovementKind); quantity is signed; production and expiry are the lot's
// dates (empty when none); idempotency_key is the operation's key, or "movement:" followed by
// the hash of the operation's first movement when it had none (every row of one operation
// carries the same key).
inline constexpr std::array<std::string_view, 23> kLedgerCsvColumns{
    "id",          "operation", "date",         "recorded_at",     "kind",     "depot",
    "material",    "lot",       "quantity",     "unit",            "production", "expiry",
    "actor",       "counterparty", "incident",  "document",        "reason",   "note",
    "approver",    "unusable_reason", "reverses", "idempotency_key", "hash"};

struct ExportOptions {
  std::optional<Date> from; // movements dated on or after this day
  std::optional<Date> to;   // movements dated on or before this day; the stock is as of its end
  std::optional<DepotCode> depot;
  std::optional<OrgCode> org; // depots of the organisation and of those below it
  bool bom = false;           // CSV: start with a UTF-8 byte-order mark (Excel on Windows)
  // Called now and then with the movements written so far and the movements selected, and
  // once at the end with done == total.
  std::function<void(std::int64_t done, std::int64_t total)> progress;
};

struct ExportResult {
  std::int64_t movements = 0; // movements written
};

// Writes csv, jsonl or journal to `out` (xlsx is binary and needs a file: InvalidInput).
// Checks the options first (the depot and organisation exist, from is not after to); throws
// StorageError if the stream fails.
//
// CSV and the workbook defuse text cells a spreadsheet would run as a formula (beginning with
// = + - @, tab, CR or LF): they get a leading '. Numbers stockpile writes (ids, quantities) are
// left as numbers. The journal posts each movement to depot:DEPOT:MATERIAL:LOT in the material
// as a quoted commodity (10 "TENT-12"), balanced by flow:KIND; with `from`, an opening
// transaction (equity:opening) carries the stock at the end of the day before, so that the
// journal's balances are the stock as of `to` (or now).
ExportResult export_ledger(const Ledger& ledger, ExportFormat format, std::ostream& out,
                           const ExportOptions& options = {});

// Any format to `file`, through a temporary file in the same directory renamed into place on
// success; on failure nothing is left behind and an existing file is untouched. An unwritable
// place is a StorageError naming --out and the path.
ExportResult export_ledger(const Ledger& ledger, ExportFormat format,
                           const std::filesystem::path& file, const ExportOptions& options = {});

} // namespace stockpile
