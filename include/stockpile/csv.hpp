// CSV (RFC 4180): how material lists, stocktake counts (盘点表) and reports travel between a
// depot's terminal and a spreadsheet. Reading collects every bad row instead of stopping at
// the first, so a keeper fixes a file in one pass; writing quotes what needs quoting and
// defuses cells a spreadsheet would run as formulas.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace stockpile {

// One record; `line` is the 1-based physical line where it starts (a quoted field may carry
// line breaks, so a record can span several lines).
struct CsvRecord {
  std::size_t line = 0;
  std::vector<std::string> fields;
};

struct CsvError {
  std::size_t line = 0;
  std::string message;
  // A NUL byte or invalid UTF-8: the field that holds it (0-based) and its bytes, so that
  // read_csv_table can name the column and show the value instead of the line alone.
  std::optional<std::size_t> field = std::nullopt;
  std::string value = {};
};

struct CsvDocument {
  std::vector<CsvRecord> records;
  std::vector<CsvError> errors; // in line order
};

// Parses RFC 4180 text. A leading UTF-8 BOM is dropped; CRLF, LF and a lone CR all end a
// line; blank lines (empty or only spaces and tabs) are skipped. A bad record (broken quoting,
// NUL byte, invalid UTF-8) becomes one CsvError and is left out of `records`; parsing resumes
// at the next line end. Never throws for bad content.
[[nodiscard]] CsvDocument parse_csv(std::string_view text);

// A CSV file whose first record names its columns.
struct CsvTable {
  std::vector<std::string> header; // as written in the file, trimmed of spaces and tabs
  std::vector<CsvRecord> rows;     // only rows with as many fields as the header
  std::vector<CsvError> errors;    // parse errors, header errors and ragged rows, by line
  bool header_ok = false;          // a header was read and has every required column, no
                                   // unknown or duplicate one: the rows can be trusted

  // Index of the column called `name` (ASCII case-insensitive), if the header has it.
  [[nodiscard]] std::optional<std::size_t> column(std::string_view name) const;
};

// Parses `text` and checks its header: every required column present, nothing outside
// required + optional, no column twice. Names match ASCII case-insensitively. A row with a NUL
// byte or invalid UTF-8 is reported as COLUMN "VALUE": contains a NUL byte / is not valid UTF-8.
[[nodiscard]] CsvTable read_csv_table(std::string_view text,
                                      std::span<const std::string_view> required_columns,
                                      std::span<const std::string_view> optional_columns);

// read_csv_table one row at a time, for files too large to hold parsed: the header is read
// and checked on construction (header(): header, header_ok and its errors, no rows), then
// next() gives each row and appends the errors met on the way, in line order. Reading all of
// it gives what read_csv_table gives. `text` must outlive the reader.
class CsvTableReader {
public:
  CsvTableReader(std::string_view text, std::span<const std::string_view> required_columns,
                 std::span<const std::string_view> optional_columns);
  ~CsvTableReader();
  CsvTableReader(const CsvTableReader&) = delete;
  CsvTableReader& operator=(const CsvTableReader&) = delete;

  [[nodiscard]] const CsvTable& header() const noexcept;
  // The next row with as many fields as the header; none at the end (and none at all when no
  // header could be read).
  [[nodiscard]] std::optional<CsvRecord> next(std::vector<CsvError>& errors);
  // Bytes of `text` read so far (a caller may release what lies before).
  [[nodiscard]] std::size_t offset() const noexcept;

private:
  struct State;
  std::unique_ptr<State> state_;
};

// A file mapped read-only: its bytes without reading them into memory, for imports of millions
// of rows. release_before(offset) hands the pages before `offset` back to the system (they
// come back from the page cache if read again), so a reader that moves forward through the
// file keeps only a few pages of it. Throws StorageError "cannot read FILE: reason".
class MappedFile {
public:
  explicit MappedFile(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  [[nodiscard]] std::string_view text() const noexcept { return {data_ == nullptr ? "" : data_, size_}; }
  void release_before(std::size_t offset) const noexcept;

private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
  mutable std::size_t released_ = 0; // bytes from the start already handed back
};

// The whole file as bytes. Throws StorageError "cannot read FILE: reason".
[[nodiscard]] std::string read_file(const std::filesystem::path& path);

// One text field, quoted if it holds a comma, quote, CR or LF, or starts or ends with a space
// or tab. With `neutralise_formulas`, it goes through defuse_formula first (CSV formula
// injection).
[[nodiscard]] std::string csv_field(std::string_view value, bool neutralise_formulas = true);

// `value` with a leading ' when it is longer than one character and starts with = + - @ tab,
// CR or LF, so a spreadsheet shows it instead of running it as a formula; other values are
// returned unchanged. csv_field applies it; the Excel export applies it to every text cell.
[[nodiscard]] std::string defuse_formula(std::string_view value);

// A number already formatted as an exact decimal ("-5", "2.500"), written unchanged. Text that
// is not such a number goes through csv_field instead, so it can never smuggle a formula.
[[nodiscard]] std::string csv_number(std::string_view already_formatted_number);

// Already-encoded fields joined by commas, ending in CRLF. A record of one empty field is
// written as "" so that it does not read back as a blank line.
[[nodiscard]] std::string csv_line(std::span<const std::string> fields);

} // namespace stockpile
