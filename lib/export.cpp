// Ledger export (台账导出): the streaming reader, checking the options, writing through a
// temporary file, and the CSV and JSON Lines formats. The journal and the workbook live in
// export_journal.cpp and export_xlsx.cpp.
#include "stockpile/export.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <fmt/format.h>
#include <fstream>
#include <ostream>
#include <system_error>
#include <vector>

#include "export_detail.hpp"
#include "ledger_impl.hpp"
#include "stockpile/csv.hpp"
#include "stockpile/error.hpp"
#include "stockpile/table.hpp"

namespace stockpile {

// ---- the streaming reader (Ledger members, kept beside their only users) --------------------

namespace {

std::optional<std::vector<std::string>> org_codes(const Ledger& ledger,
                                                  const std::optional<OrgCode>& org) {
  if (!org) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& o : ledger.organisation_subtree(*org)) out.push_back(o.str());
  return out;
}

} // namespace

void Ledger::for_each_movement(const MovementQuery& query, const std::optional<OrgCode>& org,
                               const std::function<void(const MovementRecord&)>& fn) const {
  const auto orgs = org_codes(*this, org);
  impl_->read([&] { impl_->store.stream_movements(query, orgs, fn); });
}

std::int64_t Ledger::count_movements(const MovementQuery& query,
                                     const std::optional<OrgCode>& org) const {
  const auto orgs = org_codes(*this, org);
  return impl_->read([&] { return impl_->store.count_movements(query, orgs); });
}

// ---- formats and options ----------------------------------------------------------------------

ExportFormat parse_export_format(std::string_view text, std::string_view field) {
  if (text == "csv") return ExportFormat::Csv;
  if (text == "jsonl") return ExportFormat::Jsonl;
  if (text == "journal") return ExportFormat::Journal;
  if (text == "xlsx") return ExportFormat::Xlsx;
  throw InvalidInput(field, text, "expected csv, jsonl, journal or xlsx");
}

std::string_view to_string(ExportFormat format) noexcept {
  switch (format) {
  case ExportFormat::Csv: return "csv";
  case ExportFormat::Jsonl: return "jsonl";
  case ExportFormat::Journal: return "journal";
  case ExportFormat::Xlsx: return "xlsx";
  }
  return "csv";
}

namespace detail {

ExportProgress::ExportProgress(const Ledger& ledger, const ExportOptions& options,
                               const MovementQuery& query)
    : fn_(options.progress) {
  // Counting costs a query of its own; only worth it when someone watches.
  if (fn_) total_ = ledger.count_movements(query, options.org);
}

void ExportProgress::tick() {
  ++done_;
  if (fn_ && done_ % 1000 == 0) fn_(done_, std::max(done_, total_));
}

void ExportProgress::finish() {
  if (fn_) fn_(done_, done_);
}

std::string fixed_decimals(Quantity q, int decimals) {
  std::string s = q.to_string();
  const int have = q.decimals();
  if (decimals <= have) return s;
  if (have == 0) s += '.';
  s.append(static_cast<std::size_t>(decimals - have), '0');
  return s;
}

void check_stream(const std::ostream& out, const std::string& where) {
  if (out) return;
  const int err = errno;
  throw StorageError(fmt::format("{}: cannot write: {}", where,
                                 err != 0 ? std::error_code(err, std::generic_category()).message()
                                          : std::string("the stream failed")));
}

} // namespace detail

namespace {

using detail::check_stream;
using detail::ExportProgress;

MovementQuery check_options(const Ledger& ledger, const ExportOptions& o) {
  if (o.from && o.to && *o.from > *o.to) {
    throw InvalidInput("--from", o.from->to_string(),
                       fmt::format("is after --to {}; expected a day on or before it",
                                   o.to->to_string()));
  }
  if (o.depot) (void)ledger.depot(*o.depot);      // NotFound names it
  if (o.org) (void)ledger.organisation(*o.org);   // NotFound names it
  MovementQuery q;
  q.depot = o.depot;
  q.from = o.from;
  q.to = o.to;
  return q;
}

std::string opt_text(const std::optional<Date>& d) { return d ? d->to_string() : std::string(); }

// ---- CSV ----------------------------------------------------------------------------------------

void write_csv(const Ledger& ledger, std::ostream& out, const ExportOptions& o,
               const MovementQuery& q, ExportProgress& progress, const std::string& where) {
  if (o.bom) out << "\xEF\xBB\xBF";
  std::vector<std::string> fields;
  fields.reserve(kLedgerCsvColumns.size());
  for (const auto name : kLedgerCsvColumns) fields.push_back(csv_field(name));
  out << csv_line(fields);
  ledger.for_each_movement(q, o.org, [&](const MovementRecord& r) {
    const Movement& m = r.movement;
    fields.clear();
    fields.push_back(csv_number(std::to_string(m.id)));
    fields.push_back(csv_number(std::to_string(m.operation)));
    fields.push_back(csv_field(m.date.to_string()));
    fields.push_back(csv_field(m.recorded_at));
    fields.push_back(csv_field(to_string(m.kind)));
    fields.push_back(csv_field(m.depot.str()));
    fields.push_back(csv_field(m.material.str()));
    fields.push_back(csv_field(m.lot.str()));
    fields.push_back(csv_number(m.quantity.to_string()));
    fields.push_back(csv_field(r.unit));
    fields.push_back(csv_field(opt_text(r.lot.production)));
    fields.push_back(csv_field(opt_text(r.lot.expiry)));
    fields.push_back(csv_field(m.actor.str()));
    fields.push_back(csv_field(m.counterparty));
    fields.push_back(csv_field(m.incident ? m.incident->str() : std::string()));
    fields.push_back(csv_field(m.document));
    fields.push_back(csv_field(m.reason));
    fields.push_back(csv_field(m.note));
    fields.push_back(csv_field(m.approver ? m.approver->str() : std::string()));
    fields.push_back(csv_field(m.unusable_reason));
    fields.push_back(m.reverses ? csv_number(std::to_string(*m.reverses)) : std::string());
    fields.push_back(csv_field(r.idempotency_key));
    fields.push_back(csv_field(m.hash));
    out << csv_line(fields);
    progress.tick();
    if (progress.done() % 1000 == 0) check_stream(out, where); // stop early on a full disk
  });
}

// ---- JSON Lines ---------------------------------------------------------------------------------

std::string json_opt(const std::optional<std::string>& v) {
  return v ? json_string(*v) : std::string("null");
}

std::optional<std::string> date_opt(const std::optional<Date>& d) {
  return d ? std::optional<std::string>(d->to_string()) : std::nullopt;
}

void write_jsonl(const Ledger& ledger, std::ostream& out, const ExportOptions& o,
                 const MovementQuery& q, ExportProgress& progress, const std::string& where) {
  std::string line;
  ledger.for_each_movement(q, o.org, [&](const MovementRecord& r) {
    const Movement& m = r.movement;
    line.clear();
    fmt::format_to(
        std::back_inserter(line),
        R"({{"id":{},"operation":{},"date":{},"recorded_at":{},"kind":{},"depot":{},)"
        R"("material":{},"lot":{},"production":{},"expiry":{},"quantity":{},"unit":{},)"
        R"("actor":{},"counterparty":{},"incident":{},"document":{},"reason":{},"note":{},)"
        R"("approver":{},"unusable_reason":{},"reverses":{},"idempotency_key":{},)"
        R"("prev_hash":{},"hash":{}}})",
        m.id, m.operation, json_string(m.date.to_string()), json_string(m.recorded_at),
        json_string(to_string(m.kind)), json_string(m.depot.str()), json_string(m.material.str()),
        json_string(m.lot.str()), json_opt(date_opt(r.lot.production)),
        json_opt(date_opt(r.lot.expiry)), m.quantity.to_string(), json_string(r.unit),
        json_string(m.actor.str()), json_string(m.counterparty),
        json_opt(m.incident ? std::optional<std::string>(m.incident->str()) : std::nullopt),
        json_string(m.document), json_string(m.reason), json_string(m.note),
        json_opt(m.approver ? std::optional<std::string>(m.approver->str()) : std::nullopt),
        json_string(m.unusable_reason),
        m.reverses ? std::to_string(*m.reverses) : std::string("null"),
        json_string(r.idempotency_key), json_string(r.prev_hash), json_string(m.hash));
    line += '\n';
    out << line;
    progress.tick();
    if (progress.done() % 1000 == 0) check_stream(out, where);
  });
}

ExportResult write_stream(const Ledger& ledger, ExportFormat format, std::ostream& out,
                          const ExportOptions& o, const MovementQuery& q,
                          const std::string& where) {
  ExportProgress progress(ledger, o, q);
  switch (format) {
  case ExportFormat::Csv: write_csv(ledger, out, o, q, progress, where); break;
  case ExportFormat::Jsonl: write_jsonl(ledger, out, o, q, progress, where); break;
  case ExportFormat::Journal: detail::write_journal(ledger, out, o, q, progress); break;
  case ExportFormat::Xlsx:
    throw InvalidInput("--to", "xlsx", "an Excel workbook is binary: write it to a file");
  }
  out.flush();
  check_stream(out, where);
  progress.finish();
  return ExportResult{progress.done()};
}

// ---- a file written whole or not at all ---------------------------------------------------------

std::string errno_text(int err) { return std::error_code(err, std::generic_category()).message(); }

// A temporary file next to the target (same directory, so the rename is atomic), removed
// unless commit() renames it into place.
class TempFile {
public:
  explicit TempFile(const std::filesystem::path& target) : target_(target) {
    const std::filesystem::path dir =
        target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
    for (int attempt = 0;; ++attempt) {
      temp_ = dir / fmt::format(".{}.{}-{}.tmp", target.filename().string(), ::getpid(), attempt);
      // 0666 and the umask, like any file the user creates; O_EXCL: never reuse another's.
      const int fd = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (fd >= 0) {
        ::close(fd);
        return;
      }
      if (errno != EEXIST || attempt >= 100) fail(errno);
    }
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (!committed_) {
      std::error_code ignored;
      std::filesystem::remove(temp_, ignored);
    }
  }

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return temp_; }
  [[nodiscard]] std::string where() const { return "--out " + quote(target_.string()); }

  void commit() {
    // On disk before it takes the name, so a power cut leaves the old file or the new one.
    const int fd = ::open(temp_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
      const int err = errno;
      if (fd >= 0) ::close(fd);
      fail(err);
    }
    ::close(fd);
    if (::rename(temp_.c_str(), target_.c_str()) != 0) fail(errno);
    committed_ = true;
  }

private:
  [[noreturn]] void fail(int err) const {
    throw StorageError(fmt::format("{}: cannot write: {}", where(), errno_text(err)));
  }

  std::filesystem::path target_;
  std::filesystem::path temp_;
  bool committed_ = false;
};

} // namespace

ExportResult export_ledger(const Ledger& ledger, ExportFormat format, std::ostream& out,
                           const ExportOptions& options) {
  const MovementQuery q = check_options(ledger, options);
  return write_stream(ledger, format, out, options, q, "the output");
}

ExportResult export_ledger(const Ledger& ledger, ExportFormat format,
                           const std::filesystem::path& file, const ExportOptions& options) {
  const MovementQuery q = check_options(ledger, options);
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    throw StorageError(fmt::format("--out {}: is a directory; name a file", quote(file.string())));
  }
  if (std::filesystem::equivalent(file, ledger.path(), ec)) {
    throw InvalidInput("--out", file.string(), "is the ledger file itself; name another file");
  }
  TempFile temp(file);
  if (format == ExportFormat::Xlsx) {
    ExportProgress progress(ledger, options, q);
    detail::write_xlsx(ledger, temp.path(), options, q, progress, temp.where());
    progress.finish();
    temp.commit();
    return ExportResult{progress.done()};
  }
  std::ofstream out;
  std::vector<char> buffer(std::size_t{1} << 16);
  out.rdbuf()->pubsetbuf(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  out.open(temp.path(), std::ios::binary | std::ios::trunc);
  check_stream(out, temp.where());
  errno = 0;
  const ExportResult result = write_stream(ledger, format, out, options, q, temp.where());
  out.close();
  check_stream(out, temp.where());
  temp.commit();
  return result;
}

} // namespace stockpile
