// Importing movements (台账导入): opening balances and migrations from a spreadsheet, or a
// ledger moved from one file to another. The file has the columns `export ledger --to csv`
// writes; only kind, date, depot, material, quantity and actor are required:
//
//   id, operation, date, recorded_at, kind, depot, material, lot, quantity, unit, production,
//   expiry, actor, counterparty, incident, document, reason, note, approver, unusable_reason,
//   reverses, idempotency_key, hash
//
// Every row is checked (codes, dates, quantities, stock on the row's date, lot dates agreeing
// with the ledger) and every bad row is reported with its line; nothing is written if any row
// is bad. The file is read once, in order: after a row that does not parse (a bad cell, a
// record of the wrong width), the later rows are only parsed, since the ledger they would be
// checked against lacks the bad row's operation; their rules are checked once it is fixed. Rows with the same `operation` value (consecutive) are one operation, the way the
// export wrote them; without that column each row is one operation, except that a
// transfer-out row followed by its transfer-in row is one transfer. An operation whose
// idempotency_key the ledger already holds for the same rows is skipped, so importing the same
// file twice changes nothing the second time. `reverses` names the `id` of a row in the same
// file. recorded_at and hash are the source ledger's and are not copied: the movements are
// recorded now and hash-chained into this ledger.
#pragma once

#include <cstddef>
#include <functional>

namespace stockpile {

struct MovementImportOptions {
  bool dry_run = false; // check everything, write nothing
  // Called now and then with rows done and rows in the file (e.g. for a progress line).
  std::function<void(std::size_t done, std::size_t total)> progress;
};

struct MovementImportResult {
  std::size_t rows = 0;
  std::size_t operations = 0;         // operations in the file
  std::size_t operations_written = 0; // new operations (with dry_run: would be written)
  std::size_t operations_replayed = 0; // already in the ledger with the same key and rows
  std::size_t movements_written = 0;
  bool dry_run = false;
};

} // namespace stockpile
