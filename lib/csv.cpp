#include "stockpile/csv.hpp"

#include "stockpile/error.hpp"

#include "ascii_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <memory>
#include <system_error>

namespace stockpile {
namespace {

constexpr std::size_t npos = std::string_view::npos;

[[nodiscard]] unsigned char byte(char c) noexcept { return static_cast<unsigned char>(c); }

// Offset of the first byte that does not start a well-formed UTF-8 sequence (no overlongs,
// no surrogates, nothing above U+10FFFF), or npos. Private on purpose: the CSV reader must
// not depend on when another component's validator lands.
[[nodiscard]] std::size_t first_invalid_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  while ((i = detail::ascii_run_end(s, i)) < s.size()) {
    const unsigned char b0 = byte(s[i]);
    std::size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      len = 2;
    } else if (b0 == 0xE0) {
      len = 3;
      lo = 0xA0; // below is overlong
    } else if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) {
      len = 3;
    } else if (b0 == 0xED) {
      len = 3;
      hi = 0x9F; // above are UTF-16 surrogates
    } else if (b0 == 0xF0) {
      len = 4;
      lo = 0x90; // below is overlong
    } else if (b0 >= 0xF1 && b0 <= 0xF3) {
      len = 4;
    } else if (b0 == 0xF4) {
      len = 4;
      hi = 0x8F; // above is beyond U+10FFFF
    } else {
      return i;
    }
    if (s.size() - i < len) {
      return i;
    }
    const unsigned char b1 = byte(s[i + 1]);
    if (b1 < lo || b1 > hi) {
      return i;
    }
    for (std::size_t k = 2; k < len; ++k) {
      if ((byte(s[i + k]) & 0xC0U) != 0x80U) {
        return i;
      }
    }
    i += len;
  }
  return npos;
}

[[nodiscard]] bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }

[[nodiscard]] char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

[[nodiscard]] std::string_view trim_blanks(std::string_view s) noexcept {
  while (!s.empty() && is_blank(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_blank(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

class Parser {
public:
  explicit Parser(std::string_view text) : s_(text) {
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") {
      s_.remove_prefix(3);
      bom_ = 3;
    }
  }

  CsvDocument run() {
    CsvDocument all;
    while (auto record = next(all.errors)) {
      all.records.push_back(std::move(*record));
    }
    return all;
  }

  // One record at a time: the next good record, with the bad ones met before it appended to
  // `errors`; none at the end of the text.
  std::optional<CsvRecord> next(std::vector<CsvError>& errors) {
    for (;;) {
      for (CsvError& e : doc_.errors) {
        errors.push_back(std::move(e));
      }
      doc_.errors.clear();
      if (!doc_.records.empty()) {
        CsvRecord record = std::move(doc_.records.back());
        doc_.records.clear();
        return record;
      }
      if (i_ >= s_.size()) {
        return std::nullopt;
      }
      if (!skip_blank_line()) {
        parse_record();
      }
    }
  }

  // How far into the text (BOM included) the parser has read.
  [[nodiscard]] std::size_t offset() const noexcept { return bom_ + i_; }

private:
  [[nodiscard]] bool at_line_end() const noexcept {
    return i_ < s_.size() && (s_[i_] == '\n' || s_[i_] == '\r');
  }

  // Consumes one line end (CRLF, LF or CR) if there is one.
  void consume_line_end() noexcept {
    if (!at_line_end()) {
      return;
    }
    if (s_[i_] == '\r' && i_ + 1 < s_.size() && s_[i_ + 1] == '\n') {
      ++i_;
    }
    ++i_;
    ++line_;
  }

  bool skip_blank_line() noexcept {
    std::size_t j = i_;
    while (j < s_.size() && is_blank(s_[j])) {
      ++j;
    }
    if (j < s_.size() && s_[j] != '\n' && s_[j] != '\r') {
      return false;
    }
    i_ = j;
    consume_line_end();
    return true;
  }

  // After a structural error: drop the rest of the physical line and carry on after it.
  void resync() noexcept {
    while (i_ < s_.size() && !at_line_end()) {
      ++i_;
    }
    consume_line_end();
  }

  void fail(std::size_t line, std::string message) {
    doc_.errors.push_back(CsvError{line, std::move(message)});
  }

  // Physical line of offset `at` inside a record that started at `begin` on `begin_line`.
  [[nodiscard]] std::size_t line_of(std::size_t begin, std::size_t begin_line,
                                    std::size_t at) const noexcept {
    std::size_t line = begin_line;
    for (std::size_t k = begin; k < at; ++k) {
      if (s_[k] == '\n' || (s_[k] == '\r' && (k + 1 >= s_.size() || s_[k + 1] != '\n'))) {
        ++line;
      }
    }
    return line;
  }

  void parse_record() {
    const std::size_t record_line = line_;
    const std::size_t begin = i_;
    CsvRecord record{record_line, {}};
    // As many fields as the record before: the rows of a file have the same width, and
    // growing the vector field by field reallocated and moved it five times a record.
    record.fields.reserve(width_);
    for (;;) {
      std::string field;
      if (i_ < s_.size() && s_[i_] == '"') {
        if (!quoted_field(field)) {
          return;
        }
      } else if (!unquoted_field(field)) {
        return;
      }
      record.fields.push_back(std::move(field));
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      break; // line end or end of text
    }
    const std::size_t end = i_;
    consume_line_end();
    width_ = record.fields.size();

    const std::string_view raw = s_.substr(begin, end - begin);
    const std::size_t nul = raw.find('\0');
    const std::size_t bad = nul != npos ? nul : first_invalid_utf8(raw);
    if (bad != npos) {
      CsvError error{line_of(begin, record_line, begin + bad),
                     nul != npos ? "NUL byte" : "invalid UTF-8"};
      for (std::size_t k = 0; k < record.fields.size(); ++k) {
        const std::string& f = record.fields[k];
        if (nul != npos ? f.find('\0') != npos : first_invalid_utf8(f) != npos) {
          error.field = k;
          error.value = f;
          break;
        }
      }
      doc_.errors.push_back(std::move(error));
      return;
    }
    doc_.records.push_back(std::move(record));
  }

  // At an opening quote. Returns false (error recorded, input resynced) on bad quoting.
  bool quoted_field(std::string& field) {
    const std::size_t quote_line = line_;
    ++i_;
    for (;;) {
      if (i_ >= s_.size()) {
        fail(quote_line, "unterminated quoted field");
        return false;
      }
      const char c = s_[i_];
      if (c == '"') {
        if (i_ + 1 < s_.size() && s_[i_ + 1] == '"') {
          field += '"';
          i_ += 2;
          continue;
        }
        ++i_;
        break;
      }
      if (c == '\r' || c == '\n') {
        // Kept as written (CRLF stays CRLF); the line count moves on.
        const std::size_t from = i_;
        consume_line_end();
        field.append(s_.substr(from, i_ - from));
        continue;
      }
      field += c;
      ++i_;
    }
    if (i_ < s_.size() && s_[i_] != ',' && !at_line_end()) {
      fail(line_, "unexpected character after closing quote");
      resync();
      return false;
    }
    return true;
  }

  bool unquoted_field(std::string& field) {
    const std::size_t from = i_;
    while (i_ < s_.size() && s_[i_] != ',' && !at_line_end()) {
      if (s_[i_] == '"') {
        fail(line_, "quote inside an unquoted field");
        resync();
        return false;
      }
      ++i_;
    }
    field.assign(s_.substr(from, i_ - from));
    return true;
  }

  std::string_view s_;
  std::size_t bom_ = 0;
  std::size_t i_ = 0;
  std::size_t line_ = 1;
  std::size_t width_ = 0; // fields in the last record read
  CsvDocument doc_;
};

[[nodiscard]] bool is_formula_start(char c) noexcept {
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' || c == '\n';
}

// -?digits(.digits)? : what the ledger's exact decimals look like.
[[nodiscard]] bool is_plain_decimal(std::string_view s) noexcept {
  if (!s.empty() && s.front() == '-') {
    s.remove_prefix(1);
  }
  const auto digits = [&s]() {
    std::size_t n = 0;
    while (n < s.size() && s[n] >= '0' && s[n] <= '9') {
      ++n;
    }
    s.remove_prefix(n);
    return n;
  };
  if (digits() == 0) {
    return false;
  }
  if (s.empty()) {
    return true;
  }
  if (s.front() != '.') {
    return false;
  }
  s.remove_prefix(1);
  return digits() > 0 && s.empty();
}

} // namespace

CsvDocument parse_csv(std::string_view text) { return Parser(text).run(); }

std::optional<std::size_t> CsvTable::column(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (iequals(header[i], name)) {
      return i;
    }
  }
  return std::nullopt;
}

struct CsvTableReader::State {
  State(std::string_view text, std::span<const std::string_view> required,
        std::span<const std::string_view> optional)
      : parser(text), required_columns(required), optional_columns(optional) {}

  [[nodiscard]] bool is_known(std::string_view name) const {
    const auto match = [name](std::string_view c) { return iequals(c, name); };
    return std::any_of(required_columns.begin(), required_columns.end(), match) ||
           std::any_of(optional_columns.begin(), optional_columns.end(), match);
  }

  // Bad bytes in a row: name the column and show the value (escaped by quote()). A column this
  // import does not know is named quoted, as the header gave it: its name may hold a line break.
  void describe(CsvError& e) const {
    if (e.field && e.line > header_line && *e.field < table.header.size()) {
      const std::string& name = table.header[*e.field];
      const std::string column =
          is_known(name) ? name : fmt::format("column {}", stockpile::quote(name));
      e.message = fmt::format("{} {}: {}", column, stockpile::quote(e.value),
                              e.message == "NUL byte" ? "contains a NUL byte"
                                                      : "is not valid UTF-8");
    }
  }

  Parser parser;
  std::span<const std::string_view> required_columns;
  std::span<const std::string_view> optional_columns;
  CsvTable table; // the header, header_ok and the header's errors; no rows
  std::size_t header_line = 0;
  bool rows_usable = false; // false: no header was read, so no record is a row
};

CsvTableReader::CsvTableReader(std::string_view text,
                               std::span<const std::string_view> required_columns,
                               std::span<const std::string_view> optional_columns)
    : state_(std::make_unique<State>(text, required_columns, optional_columns)) {
  State& st = *state_;
  CsvTable& table = st.table;
  auto head = st.parser.next(table.errors);
  if (!head) {
    if (table.errors.empty()) {
      table.errors.push_back(CsvError{1, "empty file: expected a header line"});
    }
    return; // otherwise the header line itself was bad and is already reported
  }
  // If an error came before the first good record, that error ate the header; the next good
  // record is data, and reading it as a header would only add noise.
  if (!table.errors.empty()) {
    return;
  }
  st.header_line = head->line;
  for (const std::string& name : head->fields) {
    table.header.emplace_back(trim_blanks(name));
  }
  std::string expected;
  for (const auto list : {required_columns, optional_columns}) {
    for (const std::string_view name : list) {
      expected += expected.empty() ? "" : ", ";
      expected += name;
    }
  }
  for (const std::string_view name : required_columns) {
    if (!table.column(name)) {
      table.errors.push_back(
          CsvError{st.header_line, fmt::format("missing column {}", stockpile::quote(name))});
    }
  }
  for (std::size_t i = 0; i < table.header.size(); ++i) {
    const std::string& name = table.header[i];
    if (!st.is_known(name)) {
      table.errors.push_back(
          CsvError{st.header_line, fmt::format("unknown column {}; expected one of: {}",
                                               stockpile::quote(name), expected)});
    } else if (table.column(name) != i) {
      table.errors.push_back(
          CsvError{st.header_line, fmt::format("duplicate column {}", stockpile::quote(name))});
    }
  }
  table.header_ok = table.errors.empty();
  st.rows_usable = true;
}

CsvTableReader::~CsvTableReader() = default;

const CsvTable& CsvTableReader::header() const noexcept { return state_->table; }

std::optional<CsvRecord> CsvTableReader::next(std::vector<CsvError>& errors) {
  State& st = *state_;
  for (;;) {
    const std::size_t first_new = errors.size();
    auto record = st.parser.next(errors);
    for (std::size_t k = first_new; k < errors.size(); ++k) {
      st.describe(errors[k]);
    }
    if (!record) {
      return std::nullopt;
    }
    if (!st.rows_usable) {
      continue; // parse errors still count; records without a header are not rows
    }
    if (record->fields.size() != st.table.header.size()) {
      errors.push_back(CsvError{record->line, fmt::format("expected {} fields, found {}",
                                                          st.table.header.size(),
                                                          record->fields.size())});
      continue;
    }
    return record;
  }
}

std::size_t CsvTableReader::offset() const noexcept { return state_->parser.offset(); }

CsvTable read_csv_table(std::string_view text, std::span<const std::string_view> required_columns,
                        std::span<const std::string_view> optional_columns) {
  CsvTableReader reader(text, required_columns, optional_columns);
  CsvTable table = reader.header();
  while (auto row = reader.next(table.errors)) {
    table.rows.push_back(std::move(*row));
  }
  std::stable_sort(table.errors.begin(), table.errors.end(),
                   [](const CsvError& a, const CsvError& b) { return a.line < b.line; });
  return table;
}

namespace {
// What read_file and MappedFile say when the file cannot be read: "cannot read FILE: reason".
StorageError cannot_read(const std::filesystem::path& path, int err) {
  return StorageError(fmt::format("cannot read {}: {}", path.string(),
                                  std::error_code(err, std::generic_category()).message()));
}
} // namespace

MappedFile::MappedFile(const std::filesystem::path& path) {
  const auto fail = [&path](int err) { return cannot_read(path, err); };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw fail(errno);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    throw fail(err);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw fail(EISDIR);
  }
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ > 0) {
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      const int err = errno;
      ::close(fd);
      throw fail(err);
    }
    data_ = static_cast<const char*>(p);
    ::madvise(p, size_, MADV_SEQUENTIAL);
  }
  ::close(fd); // the mapping keeps the file
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) {
    ::munmap(const_cast<char*>(data_), size_);
  }
}

void MappedFile::release_before(std::size_t offset) const noexcept {
  if (data_ == nullptr) {
    return;
  }
  static const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  if (offset < released_) {
    released_ = 0; // a new pass from the start: its pages come back from the page cache
  }
  const std::size_t end = std::min(offset, size_) / page * page;
  if (end > released_) {
    ::madvise(const_cast<char*>(data_) + released_, end - released_, MADV_DONTNEED);
    released_ = end;
  }
}

std::string read_file(const std::filesystem::path& path) {
  const auto fail = [&path](int err) { return cannot_read(path, err); };
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                             &std::fclose);
  if (!file) {
    throw fail(errno);
  }
  std::string out;
  std::array<char, 65536> buffer{};
  for (;;) {
    const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), file.get());
    out.append(buffer.data(), n);
    if (n < buffer.size()) {
      if (std::ferror(file.get()) != 0) {
        throw fail(errno); // e.g. EISDIR: fopen accepts a directory, reading it fails
      }
      break;
    }
  }
  return out;
}

std::string defuse_formula(std::string_view value) {
  std::string text;
  // A lone "-" or "+" cannot be a formula, and "-" is a lot number (the implicit lot) that a
  // filled count sheet must give back unchanged.
  if (value.size() > 1 && is_formula_start(value.front())) {
    text = "'";
  }
  text += value;
  return text;
}

std::string csv_field(std::string_view value, bool neutralise_formulas) {
  const std::string text = neutralise_formulas ? defuse_formula(value) : std::string(value);
  const bool needs_quotes = text.find_first_of(",\"\r\n") != npos ||
                            (!text.empty() && (is_blank(text.front()) || is_blank(text.back())));
  if (!needs_quotes) {
    return text;
  }
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') {
      out += '"';
    }
    out += c;
  }
  out += '"';
  return out;
}

std::string csv_number(std::string_view already_formatted_number) {
  if (is_plain_decimal(already_formatted_number)) {
    return std::string(already_formatted_number);
  }
  return csv_field(already_formatted_number, true);
}

std::string csv_line(std::span<const std::string> fields) {
  if (fields.size() == 1 && fields.front().empty()) {
    return "\"\"\r\n";
  }
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i != 0) {
      out += ',';
    }
    out += fields[i];
  }
  out += "\r\n";
  return out;
}

} // namespace stockpile
