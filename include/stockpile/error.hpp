// Errors: one hierarchy rooted in stockpile::Error. Each kind carries the exit code the CLI
// returns for it, so a program linking the library and a keeper at a terminal see the same
// classification: 1 bad data or a domain rule, 2 usage, 3 integrity, 4 storage or I/O.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace stockpile {

class Error : public std::runtime_error {
public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
  [[nodiscard]] virtual int exit_code() const noexcept { return 1; }
};

// Bad data: a value that does not parse or breaks a field's rule. The message names the field,
// quotes the value and says what would be accepted:
//   --qty "1e3": expected a decimal number with at most 3 decimals
class InvalidInput : public Error {
public:
  using Error::Error;
  InvalidInput(std::string_view field, std::string_view value, std::string_view expected);
};

// A code that names nothing in the ledger (material, depot, organisation, custodian, lot...).
class NotFound : public Error {
public:
  using Error::Error;
  NotFound(std::string_view what, std::string_view code);
};

// A code that already names something.
class AlreadyExists : public Error {
public:
  using Error::Error;
  AlreadyExists(std::string_view what, std::string_view code);
};

// A domain rule refused the operation (stock would go negative, approver is the actor...).
class RuleViolation : public Error {
public:
  using Error::Error;
};

class InsufficientStock : public RuleViolation {
public:
  using RuleViolation::RuleViolation;
};

// The command line itself is wrong (unknown option, missing argument).
class UsageError : public Error {
public:
  using Error::Error;
  [[nodiscard]] int exit_code() const noexcept override { return 2; }
};

// The ledger's content does not match what it must be (broken hash chain, balances that do
// not follow from the movements, a file from a newer stockpile).
class IntegrityError : public Error {
public:
  using Error::Error;
  [[nodiscard]] int exit_code() const noexcept override { return 3; }
};

// The file could not be read or written (missing, locked, disk full, I/O error).
class StorageError : public Error {
public:
  using Error::Error;
  [[nodiscard]] int exit_code() const noexcept override { return 4; }
};

// An import with bad rows: every row's error is listed, and nothing was written.
struct RowError {
  std::size_t line; // 1-based line in the file where the row starts
  std::string message;
};

class ImportError : public InvalidInput {
public:
  ImportError(std::string source, std::vector<RowError> errors);
  [[nodiscard]] const std::string& source() const noexcept { return source_; }
  [[nodiscard]] const std::vector<RowError>& errors() const noexcept { return errors_; }

private:
  std::string source_;
  std::vector<RowError> errors_;
};

// Quotes a value for an error message the way the CLI shows it: "value", with control
// characters and bytes that are not UTF-8 escaped (\n, \x00, \xff) so one error stays one
// line of valid text, and cut after 80 characters ("...") so a 100 kB value cannot flood it.
[[nodiscard]] std::string quote(std::string_view value);

} // namespace stockpile
