// The ledger as an Excel workbook (台账) through libxlsxwriter: movements (出入库记录), stock
// per depot and material (库存) and lots with their dates (批次). Written in libxlsxwriter's
// constant-memory mode, which flushes each row to a temporary file as the next one starts, so
// a ledger of any size fits. Dates are real Excel dates, quantities numbers with the
// material's decimals, and text is always written as a string, never as a formula, defused
// like CSV cells so that copying it elsewhere cannot turn it into one either.
#include <dlfcn.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <map>
#include <string>
#include <vector>

#include "export_detail.hpp"
#include "stockpile/csv.hpp"
#include "stockpile/error.hpp"
#include "stockpile/table.hpp"

namespace stockpile::detail {

namespace {

// libxlsxwriter is opened on the first workbook, not linked: it brings libcrypto and minizip,
// and loading those at start took 2.2 ms of every stockpile command's 6 (issue 8: one `issue`
// as a whole process), export or not. dlopen resolves the functions the linker would have;
// a missing library fails the export alone, with its name.
#define STOCKPILE_XLSX_FUNCTIONS(X)                                                            \
  X(workbook_new_opt) X(workbook_add_worksheet) X(workbook_add_format)                          \
  X(workbook_set_properties) X(workbook_close) X(worksheet_write_string)                        \
  X(worksheet_write_number) X(worksheet_write_datetime) X(worksheet_freeze_panes)               \
  X(worksheet_set_column) X(worksheet_autofilter) X(format_set_bold) X(format_set_bg_color)      \
  X(format_set_border) X(format_set_num_format) X(lxw_strerror)

struct XlsxWriter {
#define STOCKPILE_XLSX_POINTER(name) decltype(&::name) name = nullptr;
  STOCKPILE_XLSX_FUNCTIONS(STOCKPILE_XLSX_POINTER)
#undef STOCKPILE_XLSX_POINTER
};

XlsxWriter load_xlsxwriter(const char* soname) {
  // Never closed once loaded: the functions stay in use until the process ends.
  void* lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    throw StorageError(
        fmt::format("xlsx: cannot load {}: {} (install libxlsxwriter)", soname, dlerror()));
  }
  XlsxWriter a;
#define STOCKPILE_XLSX_LOAD(name)                                                              \
  a.name = reinterpret_cast<decltype(a.name)>(dlsym(lib, #name));                              \
  if (a.name == nullptr) {                                                                     \
    dlclose(lib);                                                                              \
    throw StorageError(fmt::format("xlsx: {} has no function {}", soname, #name));              \
  }
  STOCKPILE_XLSX_FUNCTIONS(STOCKPILE_XLSX_LOAD)
#undef STOCKPILE_XLSX_LOAD
  return a;
}

const XlsxWriter& xlsx() {
  // A failed load throws out of the initialiser, so the next workbook tries again.
  static const XlsxWriter api = load_xlsxwriter(STOCKPILE_XLSXWRITER_SONAME);
  return api;
}

#undef STOCKPILE_XLSX_FUNCTIONS

// Excel keeps at most 32,767 characters in a cell; cut longer text at a UTF-8 boundary.
std::string cell_text(std::string_view text) {
  std::string s = defuse_formula(text);
  constexpr std::size_t kMax = 32767;
  if (s.size() <= kMax) return s;
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0U) == 0x80U) --cut;
  s.resize(cut);
  return s;
}

std::string_view kind_label(MovementKind kind) noexcept {
  switch (kind) {
  case MovementKind::Receive: return "入库";
  case MovementKind::Issue: return "出库";
  case MovementKind::TransferOut: return "调出";
  case MovementKind::TransferIn: return "调入";
  case MovementKind::Dispose: return "报废";
  case MovementKind::Return: return "回收";
  case MovementKind::Reverse: return "冲正";
  case MovementKind::Adjust: return "盘点调整";
  }
  return "";
}

std::string_view status_label(const Lot& lot, Date day) noexcept {
  if (lot.expired_on(day)) return "已过期";
  switch (lot.status) {
  case LotStatus::Available: return "可用";
  case LotStatus::Quarantined: return "隔离";
  case LotStatus::Recalled: return "召回";
  case LotStatus::Damaged: return "损坏";
  }
  return "";
}

std::string_view tier_label(Tier tier) noexcept {
  return tier == Tier::Enterprise ? "企业储备" : "实物储备";
}

// One worksheet written row after row, remembering how wide each column has to be.
class Sheet {
public:
  Sheet(lxw_workbook* wb, const char* name, const std::vector<std::string>& titles,
        lxw_format* header)
      : ws_(xlsx().workbook_add_worksheet(wb, name)), widths_(titles.size(), 0) {
    if (ws_ == nullptr) throw StorageError(fmt::format("cannot add worksheet {}", name));
    for (std::size_t c = 0; c < titles.size(); ++c) {
      check(xlsx().worksheet_write_string(ws_, 0, col(c), titles[c].c_str(), header));
      fit(c, titles[c]);
    }
    xlsx().worksheet_freeze_panes(ws_, 1, 0);
  }

  void next_row() { ++row_; }

  void text(std::size_t c, std::string_view value) {
    if (value.empty()) return;
    const std::string s = cell_text(value);
    check(xlsx().worksheet_write_string(ws_, row_, col(c), s.c_str(), nullptr));
    fit(c, s);
  }
  void number(std::size_t c, double value, lxw_format* format, std::size_t width) {
    check(xlsx().worksheet_write_number(ws_, row_, col(c), value, format));
    fit_width(c, width);
  }
  void date(std::size_t c, const std::optional<Date>& d, lxw_format* format) {
    if (!d) return;
    lxw_datetime dt{d->year(), static_cast<int>(d->month()), static_cast<int>(d->day()), 0, 0,
                    0.0};
    check(xlsx().worksheet_write_datetime(ws_, row_, col(c), &dt, format));
    fit_width(c, 10);
  }
  void datetime(std::size_t c, const std::string& utc_iso, lxw_format* format) {
    // "2026-11-22T08:00:00Z"; anything else stays text.
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    char z = 0;
    if (std::sscanf(utc_iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &z) ==
            7 &&
        z == 'Z') {
      lxw_datetime dt{y, mo, d, h, mi, static_cast<double>(s)};
      check(xlsx().worksheet_write_datetime(ws_, row_, col(c), &dt, format));
      fit_width(c, 19);
    } else {
      text(c, utc_iso);
    }
  }

  // Column widths in Excel's character units (a CJK character counts 2), the filter buttons.
  void finish() {
    for (std::size_t c = 0; c < widths_.size(); ++c) {
      const double width = static_cast<double>(std::min<std::size_t>(widths_[c] + 2, 60));
      xlsx().worksheet_set_column(ws_, col(c), col(c), width, nullptr);
    }
    if (!widths_.empty()) {
      xlsx().worksheet_autofilter(ws_, 0, 0, row_, col(widths_.size() - 1));
    }
  }

private:
  static lxw_col_t col(std::size_t c) { return static_cast<lxw_col_t>(c); }
  static void check(lxw_error e) {
    if (e != LXW_NO_ERROR) throw StorageError(fmt::format("xlsx: {}", xlsx().lxw_strerror(e)));
  }
  void fit(std::size_t c, std::string_view s) { fit_width(c, display_width(s)); }
  void fit_width(std::size_t c, std::size_t w) { widths_[c] = std::max(widths_[c], w); }

  lxw_worksheet* ws_;
  std::vector<std::size_t> widths_;
  lxw_row_t row_ = 0;
};

// Excel stores every number as an IEEE double, so a quantity becomes one only here, on its way
// into a cell; the ledger itself never leaves fixed point. Up to 2^53 thousandths (9 × 10^12
// units) the nearest double reads back as the same 3-decimal figure; above that the cell is
// written as text, so no figure in the workbook is ever rounded.
constexpr std::int64_t kExactInDouble = std::int64_t{1} << 53;

double as_double(Quantity q) {
  return static_cast<double>(q.thousandths()) / static_cast<double>(Quantity::kScale);
}

struct Formats {
  lxw_format* header;
  lxw_format* date;
  lxw_format* datetime;
  std::array<lxw_format*, 4> decimals; // "0", "0.0", "0.00", "0.000"

  explicit Formats(lxw_workbook* wb)
      : header(xlsx().workbook_add_format(wb)), date(xlsx().workbook_add_format(wb)),
        datetime(xlsx().workbook_add_format(wb)), decimals{} {
    xlsx().format_set_bold(header);
    xlsx().format_set_bg_color(header, 0xDDEBF7);
    xlsx().format_set_border(header, LXW_BORDER_THIN);
    xlsx().format_set_num_format(date, "yyyy-mm-dd");
    xlsx().format_set_num_format(datetime, "yyyy-mm-dd hh:mm:ss");
    constexpr std::array<const char*, 4> kPatterns{"0", "0.0", "0.00", "0.000"};
    for (std::size_t i = 0; i < kPatterns.size(); ++i) {
      decimals[i] = xlsx().workbook_add_format(wb);
      xlsx().format_set_num_format(decimals[i], kPatterns[i]);
    }
  }
  [[nodiscard]] lxw_format* quantity(int d) const {
    return decimals[static_cast<std::size_t>(std::clamp(d, 0, 3))];
  }
};

void number(Sheet& s, std::size_t c, std::int64_t n) {
  s.number(c, static_cast<double>(n), nullptr, std::to_string(n).size());
}

void quantity(Sheet& s, const Formats& f, std::size_t c, Quantity q, int decimals) {
  const int d = std::max(decimals, q.decimals());
  if (q.thousandths() >= kExactInDouble || q.thousandths() <= -kExactInDouble) {
    s.text(c, fixed_decimals(q, d));
    return;
  }
  s.number(c, as_double(q), f.quantity(d), fixed_decimals(q, d).size());
}

void write_movements(const Ledger& ledger, lxw_workbook* wb, const Formats& f,
                     const ExportOptions& o, const MovementQuery& query,
                     ExportProgress& progress) {
  Sheet s(wb, "出入库记录",
          {"编号", "操作", "日期", "记录时间(UTC)", "类型", "储备库", "物资编码", "物资名称",
           "批次", "数量", "单位", "生产日期", "有效期至", "经办人", "往来单位", "事件",
           "单据号", "原因", "备注", "审批人", "不可用原因", "冲正编号", "幂等键", "哈希"},
          f.header);
  ledger.for_each_movement(query, o.org, [&](const MovementRecord& r) {
    const Movement& m = r.movement;
    s.next_row();
    number(s, 0, m.id);
    number(s, 1, m.operation);
    s.date(2, m.date, f.date);
    s.datetime(3, m.recorded_at, f.datetime);
    s.text(4, kind_label(m.kind));
    s.text(5, m.depot.str());
    s.text(6, m.material.str());
    s.text(7, r.name);
    s.text(8, m.lot.str());
    quantity(s, f, 9, m.quantity, r.decimals);
    s.text(10, r.unit);
    s.date(11, r.lot.production, f.date);
    s.date(12, r.lot.expiry, f.date);
    s.text(13, m.actor.str());
    s.text(14, m.counterparty);
    if (m.incident) s.text(15, m.incident->str());
    s.text(16, m.document);
    s.text(17, m.reason);
    s.text(18, m.note);
    if (m.approver) s.text(19, m.approver->str());
    s.text(20, m.unusable_reason);
    if (m.reverses) number(s, 21, *m.reverses);
    s.text(22, r.idempotency_key);
    s.text(23, m.hash);
    progress.tick();
  });
  s.finish();
}

void write_stock(const Ledger& ledger, lxw_workbook* wb, const Formats& f,
                 const ExportOptions& o) {
  StockQuery q;
  q.depot = o.depot;
  q.org = o.org;
  q.as_of = o.to;
  const auto lines = ledger.stock(q);
  const Date day = o.to.value_or(ledger.today());
  std::map<std::string, int> decimals;
  for (const auto& m : ledger.materials()) decimals[m.code.str()] = m.decimals;
  const std::string qty_title = fmt::format("数量(截至{})", day.to_string());

  Sheet stock(wb, "库存", {"储备库", "储备类型", "物资编码", "物资名称", qty_title, "单位"},
              f.header);
  // Lines come ordered by depot, then material: add up each run.
  for (std::size_t i = 0; i < lines.size();) {
    std::size_t j = i;
    Quantity total;
    for (; j < lines.size() && lines[j].depot == lines[i].depot &&
           lines[j].material == lines[i].material;
         ++j) {
      total += lines[j].quantity;
    }
    const StockLine& l = lines[i];
    stock.next_row();
    stock.text(0, l.depot.str());
    stock.text(1, tier_label(l.tier));
    stock.text(2, l.material.str());
    stock.text(3, l.name);
    quantity(stock, f, 4, total, decimals[l.material.str()]);
    stock.text(5, l.unit);
    i = j;
  }
  stock.finish();

  Sheet lots(wb, "批次",
             {"储备库", "物资编码", "物资名称", "批次", "生产日期", "有效期至", "剩余天数",
              "状态", qty_title, "单位"},
             f.header);
  for (const auto& l : lines) {
    lots.next_row();
    lots.text(0, l.depot.str());
    lots.text(1, l.material.str());
    lots.text(2, l.name);
    lots.text(3, l.lot.number.str());
    lots.date(4, l.lot.production, f.date);
    lots.date(5, l.lot.expiry, f.date);
    if (l.lot.expiry) number(lots, 6, day.days_until(*l.lot.expiry));
    lots.text(7, status_label(l.lot, day));
    quantity(lots, f, 8, l.quantity, decimals[l.material.str()]);
    lots.text(9, l.unit);
  }
  lots.finish();
}

} // namespace

void check_xlsx_library(const char* soname) { (void)load_xlsxwriter(soname); }

const char* xlsx_library_soname() noexcept { return STOCKPILE_XLSXWRITER_SONAME; }

void write_xlsx(const Ledger& ledger, const std::filesystem::path& file,
                const ExportOptions& options, const MovementQuery& query,
                ExportProgress& progress, const std::string& where) {
  lxw_workbook_options wo{};
  wo.constant_memory = LXW_TRUE;
  // Row data waits in temporary files beside the output, not in a possibly small /tmp.
  const std::string tmpdir =
      file.has_parent_path() ? file.parent_path().string() : std::string(".");
  wo.tmpdir = const_cast<char*>(tmpdir.c_str()); // NOLINT: the C API takes char*
  lxw_workbook* wb = xlsx().workbook_new_opt(file.c_str(), &wo);
  if (wb == nullptr) throw StorageError("xlsx: cannot create the workbook (out of memory?)");
  try {
    lxw_doc_properties props{};
    props.title = const_cast<char*>("台账"); // NOLINT: the C API takes char*
    props.comments = const_cast<char*>("stockpile ledger export"); // NOLINT
    xlsx().workbook_set_properties(wb, &props);
    const Formats formats(wb);
    write_movements(ledger, wb, formats, options, query, progress);
    write_stock(ledger, wb, formats, options);
  } catch (...) {
    // Closing writes the file; it is a temporary one the caller removes.
    xlsx().workbook_close(wb);
    throw;
  }
  if (const lxw_error e = xlsx().workbook_close(wb); e != LXW_NO_ERROR) {
    throw StorageError(fmt::format("{}: cannot write: {}", where, xlsx().lxw_strerror(e)));
  }
}

} // namespace stockpile::detail
