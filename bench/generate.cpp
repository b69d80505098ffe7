// generate: a deterministic, realistic reserve network and its movement history, for the
// benchmarks (bench/run). The same --seed and --movements write byte-identical files on any
// machine: a small PRNG of our own (xoshiro256**, seeded by splitmix64) and integer arithmetic
// only, never std:: distributions, whose output differs between standard libraries.
//
//   generate --out DIR [--movements N] [--seed S] [--max-held H] [--stocktake-lines L]
//            [--demand-lines D] [--commitments C] [--quotas Q] [--plans P] [--incidents I]
//            [--ids in-order|scattered]
//
// The network: one city, ten districts, two hundred enterprises; 251 depots (city, district and
// one per enterprise; one city depot is kept for the stocktake benchmark); two custodians per
// depot (a keeper and a responsible person who approves write-offs) and a few inspectors; 5,000
// materials built from 45 real kinds of emergency goods (units, shelf lives, hazards,
// recoverable, lot tracking, three-decimal bulk goods such as rice in kg).
//
// The movement stream runs forward in date order from 2021-12-01 to 2026-11-30 and keeps its
// own balance per depot and lot, so it never takes out what is not there: receipts (~40%,
// new lots with production and expiry dates), issues (~35%, first expiry first out across the
// usable lots of a depot, one row per lot), transfers (~15%, an out row and an in row),
// disposals (~5%, expired lots written off whole, or a damaged part, approved by the depot's
// responsible person), reversals (~3%, of a recent receipt or issue) and returns (~2%,
// recoverable goods back from an incident). Exactly N rows are written.
//
// The reserve is kept at its level, as a reserve with quotas is: once the depots hold H lot
// balances (--max-held, default 33,000; 0: no limit), a new batch comes only as old ones go
// out (a receipt's turn becomes the issue of a whole lot, first expiry first; a soft limit:
// when no depot sampled has a usable lot to give, the receipt happens). More history then means more movements through
// the same stock, not more stock: what `stock` and the expiry report print stays about the
// same from 100,000 movements on (the smaller sizes stay under the limit). Without the limit
// receipts outrun issues and the stock held grows with N (173,920 balances at 1M).
//
// Files written to DIR (the CSV formats the CLI imports):
//   organisations.csv depots.csv custodians.csv materials.csv   reference data
//   reserve.sh           incidents, quotas, commitments of every tier and inspection plans, as
//                        CLI calls through a shell function `sp` the caller defines
//   movements.csv        what `import movements` reads (the columns `export ledger --to csv`
//                        writes; recorded_at and hash left empty)
//   expected-stock.csv   depot,material,lot,quantity: every positive balance the stream leaves,
//                        to check what stockpile computes
//   demand.csv           material,qty,need_by,to: a demand for `allocate`
//   stocktake-receipts.csv, stocktake-counts.csv
//                        L lots received at the stocktake depot, and the filled count sheet
//                        (`stocktake import`) with a few variances
//   bench.env            shell variables: the codes and days the benchmarks use, and counts
#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace {

// ---- deterministic randomness -------------------------------------------------------------

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class Rng {
public:
  explicit Rng(std::uint64_t seed) {
    for (auto& w : s_) w = splitmix64(seed);
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n), without modulo bias.
  std::uint64_t below(std::uint64_t n) {
    if (n <= 1) return 0;
    const std::uint64_t threshold = (0 - n) % n;
    for (;;) {
      const std::uint64_t x = next();
      if (x >= threshold) return x % n;
    }
  }
  // Uniform in [lo, hi].
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
  }
  // True with probability per_mille / 1000.
  bool chance(std::uint64_t per_mille) { return below(1000) < per_mille; }
  template <class T> const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }

private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> s_{};
};

// ---- calendar days (proleptic Gregorian, days since 1970-01-01) ---------------------------

using Day = std::int64_t;
constexpr Day kNoDay = INT64_MIN;

Day days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t y;
  unsigned m, d;
};

Civil civil_from_days(Day z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30,
                                                     31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Calendar months later, the day clamped to the month's end (2024-02-29 + 12m = 2025-02-28).
Day add_months(Day day, int months) {
  const Civil c = civil_from_days(day);
  const std::int64_t total = c.y * 12 + (c.m - 1) + months;
  const std::int64_t y = total / 12;
  const auto m = static_cast<unsigned>(total % 12 + 1);
  return days_from_civil(y, m, std::min(c.d, days_in_month(y, m)));
}

std::string iso(Day day) {
  if (day == kNoDay) return {};
  const Civil c = civil_from_days(day);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(c.y), c.m, c.d);
  return buf;
}

std::string compact(Day day) { // 20230517, for document and lot numbers
  const Civil c = civil_from_days(day);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04lld%02u%02u", static_cast<long long>(c.y), c.m, c.d);
  return buf;
}

const Day kFirstDay = days_from_civil(2021, 12, 1);
const Day kLastDay = days_from_civil(2026, 11, 30);

// ---- text helpers ---------------------------------------------------------------------------

// RFC 4180, the way stockpile's export quotes a field.
std::string csv(std::string_view v) {
  const bool quote = v.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!v.empty() && (v.front() == ' ' || v.back() == ' '));
  if (!quote) return std::string(v);
  std::string out = "\"";
  for (const char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// One shell word, single-quoted.
std::string sh(std::string_view v) {
  std::string out = "'";
  for (const char c : v) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string pad(std::uint64_t n, int width) {
  std::string s = std::to_string(n);
  if (static_cast<int>(s.size()) < width) s.insert(0, static_cast<std::size_t>(width) - s.size(), '0');
  return s;
}

// Thousandths as the shortest exact decimal: 2500 -> "2.5", 80000 -> "80", -125 -> "-0.125".
std::string qty_text(std::int64_t thousandths) {
  const bool negative = thousandths < 0;
  const std::uint64_t a = negative ? static_cast<std::uint64_t>(-thousandths)
                                   : static_cast<std::uint64_t>(thousandths);
  std::string s = std::to_string(a / 1000);
  std::uint64_t frac = a % 1000;
  if (frac != 0) {
    std::string f = pad(frac, 3);
    while (!f.empty() && f.back() == '0') f.pop_back();
    s += "." + f;
  }
  return negative ? "-" + s : s;
}

// ---- the catalog ------------------------------------------------------------------------------

struct Kind {
  const char* code;
  const char* name;
  const char* spec;
  const char* unit;
  const char* gb_code;
  const char* category;
  int shelf_months; // 0: does not expire
  const char* hazards;
  bool recoverable;
  bool lot_tracked;
  int decimals;
  std::int64_t lo, hi; // a receipt's size, in whole units
};

// Real emergency goods (DOMAIN.md): every material of the catalog is a variant of one.
const std::vector<Kind> kKinds = {
    {"COAT", "棉衣", "军绿色, 均码", "件", "1010101", "生活类", 0, "cold", false, true, 0, 50, 600},
    {"TROUSERS", "棉裤", "军绿色, 均码", "件", "1010102", "生活类", 0, "cold", false, true, 0, 50, 600},
    {"QUILT", "棉被", "2 kg, 150×200 cm", "床", "1010201", "生活类", 0, "cold", false, true, 0, 50, 800},
    {"BATTING", "棉胎", "2 kg, 150×200 cm", "床", "1010202", "生活类", 0, "cold", false, true, 0, 50, 800},
    {"SHEET", "床单", "150×220 cm", "件", "1010203", "生活类", 0, "cold", false, true, 0, 50, 800},
    {"BLANKET", "毛毯", "150×200 cm", "条", "1010204", "生活类", 0, "cold", false, true, 0, 50, 800},
    {"NET", "蚊帐", "单人", "顶", "1010205", "生活类", 0, "epidemic flood", false, true, 0, 20, 400},
    {"RAINCOAT", "雨衣", "分体式, 均码", "件", "1010301", "生活类", 0, "flood typhoon", false, true, 0, 50, 600},
    {"BOOTS", "雨靴", "高筒, 42 码", "双", "1010302", "生活类", 0, "flood", false, true, 0, 50, 600},
    {"TENT", "帐篷", "12 m², 单帐篷", "顶", "2010101", "住宿类", 0, "earthquake flood cold", true, true, 0, 10, 200},
    {"BED", "折叠床", "190×70 cm, 钢架", "张", "1010401", "住宿类", 0, "earthquake flood", true, true, 0, 10, 200},
    {"MASK", "医用外科口罩", "YY 0469, 50 只/盒", "个", "1020101", "防护类", 36, "epidemic", false, true, 0, 5000, 100000},
    {"N95", "医用防护口罩", "GB 19083", "个", "1020103", "防护类", 60, "epidemic", false, true, 0, 1000, 20000},
    {"GOWN", "隔离衣", "一次性", "件", "1020102", "防护类", 24, "epidemic", false, true, 0, 200, 5000},
    {"GLOVE", "医用手套", "丁腈, M 号", "副", "1020104", "防护类", 36, "epidemic", false, true, 0, 1000, 20000},
    {"DISINFECT", "消毒液", "含氯, 5 L/桶", "桶", "1020201", "防护类", 24, "epidemic flood", false, true, 0, 50, 1000},
    {"WATER", "瓶装饮用水", "550 ml × 24", "箱", "1030101", "食品类", 12, "earthquake flood drought", false, true, 0, 100, 2000},
    {"NOODLES", "方便面", "24 包/箱", "箱", "1030102", "食品类", 6, "earthquake flood", false, true, 0, 100, 2000},
    {"BISCUIT", "压缩饼干", "90 g × 40", "箱", "1030103", "食品类", 36, "earthquake flood", false, true, 0, 50, 1000},
    {"RICE", "大米", "散装, 国标二级", "kg", "1030201", "食品类", 24, "earthquake flood drought", false, true, 3, 1000, 20000},
    {"FLOUR", "面粉", "特一粉", "kg", "1030202", "食品类", 12, "earthquake flood", false, true, 3, 500, 10000},
    {"OIL", "食用植物油", "5 L/桶", "桶", "1030203", "食品类", 18, "earthquake flood", false, true, 0, 50, 500},
    {"MEDKIT", "急救包", "家庭型", "个", "1040101", "医疗类", 36, "earthquake flood typhoon", false, true, 0, 50, 500},
    {"LIFEJACKET", "救生衣", "成人", "件", "2020101", "防汛类", 60, "flood typhoon", true, true, 0, 20, 400},
    {"LIFEBUOY", "救生圈", "2.5 kg", "个", "2020102", "防汛类", 0, "flood typhoon", true, true, 0, 10, 200},
    {"BOAT", "冲锋舟", "6 人, 40 马力", "艘", "2020103", "防汛类", 0, "flood", true, true, 0, 1, 6},
    {"SANDBAG", "编织袋(沙袋)", "50×80 cm, 空袋", "条", "3010101", "污染源切断", 0, "flood", false, false, 0, 1000, 20000},
    {"PUMP", "潜水泵", "QDX 10 m³/h", "台", "3020101", "污染物收集", 0, "flood chemical-spill", true, true, 0, 2, 30},
    {"GENERATOR", "发电机组", "5 kW, 汽油", "台", "2030101", "应急装备", 0, "earthquake flood typhoon", true, true, 0, 1, 12},
    {"LIGHTTOWER", "移动照明灯塔", "4×500 W LED", "台", "2030102", "应急装备", 0, "earthquake flood", true, true, 0, 1, 8},
    {"PURIFIER", "净水器", "1 t/h, 车载", "台", "2030103", "应急装备", 0, "drought flood", true, true, 0, 1, 8},
    {"BOOM", "围油栏", "WGJ 600, 20 m/节", "m", "3030101", "污染物控制", 0, "oil-spill", true, false, 1, 100, 2000},
    {"PAD", "吸油毡", "PP-2, 40×50 cm", "kg", "3030201", "污染物收集", 0, "oil-spill chemical-spill", false, false, 3, 100, 2000},
    {"CARBON", "活性炭", "颗粒, 25 kg/袋", "kg", "3040101", "污染物降解", 36, "chemical-spill", false, true, 3, 500, 10000},
    {"LIME", "生石灰", "CaO ≥ 90%", "吨", "3040102", "污染物降解", 12, "chemical-spill", false, true, 3, 1, 50},
    {"PAC", "聚合氯化铝", "含量 ≥ 28%", "吨", "3040103", "污染物降解", 24, "chemical-spill", false, true, 3, 1, 30},
    {"PAM", "聚丙烯酰胺", "阴离子, 25 kg/袋", "kg", "3040104", "污染物降解", 24, "chemical-spill", false, true, 3, 100, 5000},
    {"CHEMSUIT", "防化服", "A 级, 全封闭", "套", "2040101", "安全防护", 60, "chemical-spill", true, true, 0, 5, 60},
    {"SCBA", "正压式空气呼吸器", "6.8 L 碳纤维瓶", "台", "2040102", "安全防护", 0, "chemical-spill fire", true, true, 0, 2, 30},
    {"EXTINGUISHER", "干粉灭火器", "MFZ/ABC4", "具", "2040201", "安全防护", 60, "fire", false, true, 0, 20, 300},
    {"TORCH", "强光手电", "LED, 充电式", "支", "2050101", "应急通信和指挥", 0, "earthquake flood typhoon", true, true, 0, 20, 300},
    {"SATPHONE", "卫星电话", "天通", "部", "2050102", "应急通信和指挥", 0, "earthquake flood typhoon", true, true, 0, 1, 10},
    {"RADIO", "对讲机", "数字, 5 W", "部", "2050103", "应急通信和指挥", 0, "earthquake flood typhoon fire", true, true, 0, 5, 60},
    {"GASDETECT", "便携式气体检测仪", "四合一", "台", "2060101", "环境监测", 0, "chemical-spill fire", true, true, 0, 1, 20},
    {"SAMPLER", "水质采样器", "自动, 24 瓶", "台", "2060102", "环境监测", 0, "chemical-spill oil-spill", true, true, 0, 1, 10},
};

struct Material {
  std::string code, name, spec;
  const Kind* kind;
  int shelf_months;
  std::int64_t step; // thousandths per smallest unit: 1000 (whole), 100 (1 decimal), 1 (3)
};

std::int64_t step_of(int decimals) {
  std::int64_t step = 1000;
  for (int i = 0; i < decimals; ++i) step /= 10;
  return step;
}

// ---- organisations, depots, people --------------------------------------------------------

struct Org {
  std::string code, name, level, parent;
};

struct Depot {
  std::string code, name, org, address;
  int district = -1; // 0..9; -1: a city depot
  bool enterprise = false;
  std::string keeper, responsible;
  std::vector<std::uint32_t> assortment; // materials it stocks
};

struct Person {
  std::string id, name, phone, roles;
  std::vector<std::string> depots;
};

const std::vector<std::string> kDistricts = {"江北区", "江南区", "城东区", "城西区", "高新区",
                                             "临江县", "青山县", "白沙县", "龙泉县", "石门县"};
const std::vector<std::string> kFirms = {"江城", "临江", "青山", "宏达", "金桥", "东方", "长江",
                                         "恒通", "新源", "华兴", "瑞丰", "龙腾", "永安", "盛世",
                                         "天元", "正泰", "鸿运", "润华", "中联", "广源"};
const std::vector<std::string> kTrades = {"化工", "石化", "制药", "水务", "电力",
                                          "钢铁", "造纸", "燃气", "港务", "印染"};
const std::vector<std::pair<std::string, std::string>> kSurnames = {
    {"wang", "王"}, {"li", "李"},   {"zhang", "张"}, {"liu", "刘"},  {"chen", "陈"},
    {"yang", "杨"}, {"huang", "黄"}, {"zhao", "赵"},  {"wu", "吴"},   {"zhou", "周"},
    {"xu", "徐"},   {"sun", "孙"},  {"ma", "马"},    {"zhu", "朱"},  {"hu", "胡"},
    {"guo", "郭"},  {"he", "何"},   {"lin", "林"},   {"luo", "罗"},  {"gao", "高"}};
const std::vector<std::pair<std::string, std::string>> kGiven = {
    {"wei", "伟"},  {"fang", "芳"},  {"min", "敏"},   {"jing", "静"}, {"li", "丽"},
    {"qiang", "强"}, {"lei", "磊"},  {"jun", "军"},   {"yang", "洋"}, {"yong", "勇"},
    {"yan", "艳"},  {"jie", "杰"},   {"tao", "涛"},   {"ming", "明"}, {"chao", "超"},
    {"xiu", "秀"},  {"hua", "华"},   {"gang", "刚"},  {"ping", "平"}, {"hui", "辉"}};
const std::vector<std::string> kRecipients = {
    "第一中学安置点", "体育馆安置点", "社区服务中心", "镇政府", "街道办事处", "人民医院",
    "消防救援大队", "抢险突击队", "村民委员会", "防汛指挥部", "疾控中心", "临时集中安置区"};
const std::vector<std::string> kSuppliers = {
    "华联物资有限公司", "应急装备有限公司", "粮油储备有限公司", "医疗器械有限公司",
    "纺织制品有限公司", "环保科技有限公司", "救援装备制造有限公司", "商贸有限公司"};

// ---- the ledger model -----------------------------------------------------------------------

struct Lot {
  std::uint32_t material;
  std::string number;
  Day production = kNoDay, expiry = kNoDay;
};

std::uint64_t key(std::uint32_t a, std::uint32_t b) {
  return (static_cast<std::uint64_t>(a) << 32) | b;
}

// What each depot holds of each lot, with O(1) random choice among the positive balances.
class Stock {
public:
  std::int64_t of(std::uint32_t depot, std::uint32_t lot) const {
    const auto it = qty_.find(key(depot, lot));
    return it == qty_.end() ? 0 : it->second;
  }
  void add(std::uint32_t depot, std::uint32_t lot, std::uint32_t material, std::int64_t delta,
           bool pickable = true) {
    const std::uint64_t k = key(depot, lot);
    std::int64_t& q = qty_[k];
    const std::int64_t before = q;
    q += delta;
    if (q < 0) {
      std::cerr << "generate: internal error: negative balance\n";
      std::exit(1);
    }
    if (before == 0 && q > 0) {
      if (pickable) {
        pos_[k] = held_.size();
        held_.push_back(k);
      }
      by_pair_[key(depot, material)].push_back(lot);
    } else if (before > 0 && q == 0) {
      if (const auto it = pos_.find(k); it != pos_.end()) {
        const std::size_t i = it->second;
        held_[i] = held_.back();
        pos_[held_[i]] = i;
        held_.pop_back();
        pos_.erase(k);
      }
      auto& lots = by_pair_[key(depot, material)];
      lots.erase(std::find(lots.begin(), lots.end(), lot));
    }
  }
  bool empty() const { return held_.empty(); }
  std::size_t holdings() const { return held_.size(); }
  // A random (depot, lot) with a positive balance.
  std::pair<std::uint32_t, std::uint32_t> random(Rng& rng) const {
    const std::uint64_t k = held_[rng.below(held_.size())];
    return {static_cast<std::uint32_t>(k >> 32), static_cast<std::uint32_t>(k & 0xffffffffU)};
  }
  const std::vector<std::uint32_t>& lots_of(std::uint32_t depot, std::uint32_t material) {
    return by_pair_[key(depot, material)];
  }
  const std::unordered_map<std::uint64_t, std::int64_t>& all() const { return qty_; }

private:
  std::unordered_map<std::uint64_t, std::int64_t> qty_;
  std::unordered_map<std::uint64_t, std::size_t> pos_;
  std::vector<std::uint64_t> held_;
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> by_pair_;
};

struct Options {
  std::string out;
  std::uint64_t movements = 10000;
  std::uint64_t seed = 20261201;
  std::uint64_t max_held = 33000; // lot balances held before receipts wait; 0: no limit
  std::uint64_t stocktake_lines = 100000;
  std::uint64_t demand_lines = 100;
  std::uint64_t commitments = 150;
  std::uint64_t quotas = 300;
  std::uint64_t plans = 300;
  std::uint64_t incidents = 24;
  // --ids scattered: the same stream, with each file id (and the id a reversal names) an
  // 18-digit number in no order and each operation named by text, as a file from another
  // system sorted by another column would have them. bench/run measures the import's memory
  // on it (issue 8: under 100 MiB for any 1M-row import).
  bool scattered_ids = false;
};

struct Incident {
  std::string code, name, level, location;
  Day opened;
};

class Generator {
public:
  // Three streams: the reserve's calls and the stocktake scenario do not depend on the number
  // of movements, so every size shares one prepared ledger and one stocktake.
  explicit Generator(const Options& o)
      : o_(o), rng_(o.seed), reserve_rng_(o.seed ^ 0x7265736572766531ULL),
        stocktake_rng_(o.seed ^ 0x73746f636b74616bULL) {}

  void run() {
    std::filesystem::create_directories(o_.out);
    build_network();
    build_catalog();
    build_incidents();
    write_reference();
    write_movements();
    write_expected_stock();
    write_reserve();
    write_demand();
    write_stocktake();
    write_env();
  }

private:
  // ---- building -----------------------------------------------------------------------------

  std::string person(std::uint32_t n, const std::string& roles, std::vector<std::string> depots) {
    const auto& s = kSurnames[n % kSurnames.size()];
    const auto& g = kGiven[(n / kSurnames.size() + n * 7) % kGiven.size()];
    Person p{s.first + "." + g.first + "." + pad(n, 4), s.second + g.second,
             "0771-" + pad(3800000 + n, 7), roles, std::move(depots)};
    people_.push_back(p);
    return p.id;
  }

  void add_depot(Depot d) {
    const auto n = static_cast<std::uint32_t>(people_.size());
    d.keeper = person(n + 1, "keeper", {d.code});
    d.responsible = person(n + 2, "keeper,responsible", {d.code});
    depots_.push_back(std::move(d));
  }

  void build_network() {
    orgs_.push_back({"JC", "江城市应急管理局", "city", ""});
    for (std::size_t i = 0; i < kDistricts.size(); ++i) {
      orgs_.push_back({"JC-D" + pad(i + 1, 2), kDistricts[i] + "应急管理局", "district", "JC"});
    }
    for (std::size_t i = 0; i < 200; ++i) {
      orgs_.push_back({"JC-E" + pad(i + 1, 3),
                       kFirms[i % kFirms.size()] + kTrades[i / kFirms.size()] + "有限公司",
                       "enterprise", "JC-D" + pad(i % kDistricts.size() + 1, 2)});
    }
    // City depots; the first holds the lot the `issue` latency benchmark draws from.
    const std::vector<std::string> city_names = {"市救灾物资储备库", "市防汛物资仓库",
                                                 "市应急装备仓库", "市医疗防疫物资库",
                                                 "市环境应急物资库"};
    for (std::size_t i = 0; i < city_names.size(); ++i) {
      add_depot({"JC-C" + pad(i + 1, 2), "江城" + city_names[i], "JC",
                 "江城市物流园 " + std::to_string(i + 1) + " 号库", -1, false, {}, {}, {}});
    }
    // The stocktake benchmark's depot: the stream never touches it.
    add_depot({"JC-CENTRAL", "江城市应急物资储备中心库", "JC", "江城市高新区储备路 1 号", -1,
               false, {}, {}, {}});
    stocktake_depot_ = static_cast<std::uint32_t>(depots_.size() - 1);
    for (std::size_t i = 0; i < kDistricts.size(); ++i) {
      const std::size_t count = i < 5 ? 5 : 4;
      for (std::size_t j = 0; j < count; ++j) {
        add_depot({"JC-D" + pad(i + 1, 2) + "-" + pad(j + 1, 2),
                   kDistricts[i] + (j == 0 ? "救灾物资仓库" : "应急物资仓库 " + std::to_string(j + 1) + " 号"),
                   "JC-D" + pad(i + 1, 2), kDistricts[i] + "储备路 " + std::to_string(10 + j) + " 号",
                   static_cast<int>(i), false, {}, {}, {}});
      }
    }
    for (std::size_t i = 0; i < 200; ++i) {
      const auto& org = orgs_[1 + kDistricts.size() + i];
      add_depot({org.code + "-01", org.name + "应急物资库", org.code, org.name + "厂区, 应急库房",
                 static_cast<int>(i % kDistricts.size()), true, {}, {}, {}});
    }
    // District inspectors, who check depots and re-verify suppliers.
    for (std::size_t i = 0; i < kDistricts.size(); ++i) {
      inspectors_.push_back(person(static_cast<std::uint32_t>(people_.size() + 1), "inspector", {}));
    }
  }

  void build_catalog() {
    const std::size_t total = 5000;
    for (std::size_t i = 0; i < total; ++i) {
      const Kind& k = kKinds[i % kKinds.size()];
      const std::size_t variant = i / kKinds.size() + 1;
      Material m;
      m.code = std::string(k.code) + "-" + pad(variant, 4);
      m.name = k.name;
      m.spec = std::string(k.spec) + ", 型号 " + static_cast<char>('A' + variant % 26) +
               pad(variant, 3);
      m.kind = &k;
      // Shelf lives vary between suppliers of the same kind of goods.
      m.shelf_months = k.shelf_months == 0 ? 0 : k.shelf_months + (static_cast<int>(variant % 3) - 1) * 6;
      if (m.shelf_months < 0) m.shelf_months = 6;
      m.step = step_of(k.decimals);
      materials_.push_back(m);
    }
    // Material 0 (cotton coats, which do not expire) is kept for the issue benchmark.
    issue_material_ = 0;
    // Assortments: what each depot stocks. City depots carry much of the catalog, district
    // depots a broad share, an enterprise a few dozen materials around its hazards.
    for (std::uint32_t d = 0; d < depots_.size(); ++d) {
      Depot& depot = depots_[d];
      if (d == stocktake_depot_) continue;
      const std::size_t n = depot.district < 0 ? 1500 : depot.enterprise ? 40 : 400;
      for (std::size_t j = 0; j < n; ++j) {
        const auto m = static_cast<std::uint32_t>(1 + rng_.below(materials_.size() - 1));
        depot.assortment.push_back(m);
      }
      std::sort(depot.assortment.begin(), depot.assortment.end());
      depot.assortment.erase(std::unique(depot.assortment.begin(), depot.assortment.end()),
                             depot.assortment.end());
    }
    for (std::uint32_t d = 0; d < depots_.size(); ++d) {
      if (d != stocktake_depot_) stream_depots_.push_back(d);
      if (depots_[d].district < 0 && d != stocktake_depot_) city_depots_.push_back(d);
      if (depots_[d].district >= 0 && !depots_[d].enterprise) district_depots_.push_back(d);
    }
  }

  void build_incidents() {
    const std::vector<std::pair<std::string, std::string>> kinds = {
        {"FLOOD", "洪涝"}, {"TYPHOON", "台风"}, {"COLD", "低温雨雪冰冻"},
        {"QUAKE", "地震"}, {"CHEM", "危化品泄漏"}, {"EPIDEMIC", "疫情"}};
    const std::vector<std::string> levels = {"I", "II", "III", "IV"};
    for (std::uint64_t i = 0; i < o_.incidents; ++i) {
      const auto& k = kinds[i % kinds.size()];
      const Day opened = kFirstDay + static_cast<Day>((kLastDay - kFirstDay - 20) * static_cast<Day>(i) /
                                                      static_cast<Day>(std::max<std::uint64_t>(o_.incidents, 1)));
      const Civil c = civil_from_days(opened);
      const auto& district = kDistricts[i % kDistricts.size()];
      incidents_.push_back({k.first + "-" + std::to_string(c.y) + "-" + pad(i + 1, 2),
                            district + k.second + "事件", levels[2 + i % 2], district, opened});
    }
    // The allocation benchmark's incident: a major flood on the last day.
    incidents_.push_back({"FLOOD-2026-BENCH", "全市特大洪涝灾害", "II", "江城市",
                          kLastDay + 1});
  }

  // ---- reference data -----------------------------------------------------------------------

  std::ofstream open(const std::string& name) {
    std::ofstream f(std::filesystem::path(o_.out) / name, std::ios::binary);
    if (!f) {
      std::cerr << "generate: cannot write " << name << " in " << o_.out << "\n";
      std::exit(4);
    }
    return f;
  }

  void write_reference() {
    auto f = open("organisations.csv");
    f << "code,name,level,parent\r\n";
    for (const auto& o : orgs_) f << o.code << ',' << csv(o.name) << ',' << o.level << ',' << o.parent << "\r\n";
    auto d = open("depots.csv");
    d << "code,name,org,address\r\n";
    for (const auto& x : depots_) d << x.code << ',' << csv(x.name) << ',' << x.org << ',' << csv(x.address) << "\r\n";
    auto c = open("custodians.csv");
    c << "id,name,phone,roles,depots\r\n";
    for (const auto& p : people_) {
      std::string depots;
      for (const auto& x : p.depots) depots += (depots.empty() ? "" : ";") + x;
      c << p.id << ',' << csv(p.name) << ',' << p.phone << ',' << csv(p.roles) << ',' << depots << "\r\n";
    }
    auto m = open("materials.csv");
    m << "code,name,specification,unit,gb_code,category,shelf_life,hazards,recoverable,lot_tracked,decimals\r\n";
    for (const auto& x : materials_) {
      m << x.code << ',' << csv(x.name) << ',' << csv(x.spec) << ',' << x.kind->unit << ','
        << x.kind->gb_code << ',' << x.kind->category << ','
        << (x.shelf_months ? std::to_string(x.shelf_months) + "m" : "") << ','
        << csv(x.kind->hazards) << ',' << (x.kind->recoverable ? "yes" : "no") << ','
        << (x.kind->lot_tracked ? "yes" : "no") << ',' << x.kind->decimals << "\r\n";
    }
  }

  // ---- the movement stream ------------------------------------------------------------------

  struct Row {
    std::string kind;
    std::uint32_t depot, lot;
    std::int64_t qty; // signed thousandths
    std::string counterparty, incident, document, reason, note, approver;
    std::uint64_t reverses = 0;
  };

  std::uint32_t new_lot(std::uint32_t material, Day received) {
    const Material& m = materials_[material];
    if (!m.kind->lot_tracked) {
      auto [it, fresh] = implicit_lot_.try_emplace(material, 0);
      if (fresh) {
        it->second = static_cast<std::uint32_t>(lots_.size());
        lots_.push_back({material, "-", kNoDay, kNoDay});
      }
      return it->second;
    }
    Lot lot{material, "", kNoDay, kNoDay};
    // Most lots carry a production date; goods that expire always do.
    if (m.shelf_months > 0 || rng_.chance(700)) {
      lot.production = received - rng_.between(5, m.shelf_months > 0 ? std::min<Day>(150, m.shelf_months * 8) : 400);
    }
    if (m.shelf_months > 0) lot.expiry = add_months(lot.production, m.shelf_months);
    lot.number = "P" + (lot.production != kNoDay ? compact(lot.production) : compact(received)) +
                 "-" + pad(++lot_serial_, 6);
    lots_.push_back(lot);
    return static_cast<std::uint32_t>(lots_.size() - 1);
  }

  static std::int64_t receipt_size(const Material& m, Rng& rng) {
    const std::int64_t lo = m.kind->lo * 1000, hi = m.kind->hi * 1000;
    const std::int64_t q = rng.between(lo, hi);
    return std::max(m.step, q / m.step * m.step);
  }

  // A part of `have` (at least one smallest unit), in the material's decimals.
  std::int64_t part_of(std::int64_t have, const Material& m, std::uint64_t max_per_mille) {
    const std::int64_t units = have / m.step;
    if (units <= 1) return have;
    const auto most = std::max<std::int64_t>(1, units * static_cast<std::int64_t>(max_per_mille) / 1000);
    return rng_.between(1, most) * m.step;
  }

  bool usable(const Lot& lot, Day day) const { return lot.expiry == kNoDay || lot.expiry >= day; }

  std::string document(const char* prefix, std::uint32_t depot, Day day) {
    return std::string(prefix) + "-" + depots_[depot].code + "-" + compact(day) + "-" +
           pad(++doc_serial_ % 100000, 5);
  }

  std::string active_incident(Day day) {
    std::string code;
    for (const auto& i : incidents_) {
      if (i.opened <= day && day <= i.opened + 45) code = i.code;
    }
    return code;
  }

  // Each op_* returns the rows of one operation, or nothing when it cannot happen now.
  std::vector<Row> op_receive(Day day) {
    const std::uint32_t depot = rng_.pick(stream_depots_);
    const auto& assortment = depots_[depot].assortment;
    const std::uint32_t material = rng_.pick(assortment);
    std::uint32_t lot = 0;
    // Some deliveries bring a lot already delivered to another depot (one batch split).
    const std::uint32_t recent =
        recent_lots_.empty() ? 0 : recent_lots_[rng_.below(recent_lots_.size())];
    if (!recent_lots_.empty() && rng_.chance(120) && usable(lots_[recent], day + 180)) {
      lot = recent;
    } else {
      lot = new_lot(material, day);
      if (materials_[material].kind->lot_tracked) {
        if (recent_lots_.size() < 512) {
          recent_lots_.push_back(lot);
        } else {
          recent_lots_[rng_.below(recent_lots_.size())] = lot;
        }
      }
    }
    const Material& m = materials_[lots_[lot].material];
    const std::int64_t q = receipt_size(m, rng_);
    Row r{"receive", depot, lot, q, kSuppliers[rng_.below(kSuppliers.size())], "",
          document("RK", depot, day), "", "", ""};
    if (rng_.chance(80)) r.counterparty = depots_[depot].district < 0 ? "市财政采购" : "区财政采购";
    return {r};
  }

  // `emptying`: the first lot out whole (one row), so that the depot holds one lot fewer.
  std::vector<Row> op_issue(Day day, std::size_t room, bool emptying = false) {
    for (int attempt = 0; attempt < 8 && !stock_.empty(); ++attempt) {
      const auto [depot, some_lot] = stock_.random(rng_);
      const std::uint32_t material = lots_[some_lot].material;
      std::vector<std::uint32_t> fefo;
      std::int64_t total = 0;
      for (const auto l : stock_.lots_of(depot, material)) {
        if (usable(lots_[l], day)) {
          fefo.push_back(l);
          total += stock_.of(depot, l);
        }
      }
      if (fefo.empty()) continue;
      // First expiry first out, undated last, then by lot number.
      std::sort(fefo.begin(), fefo.end(), [&](std::uint32_t a, std::uint32_t b) {
        const Lot &x = lots_[a], &y = lots_[b];
        if ((x.expiry == kNoDay) != (y.expiry == kNoDay)) return y.expiry == kNoDay;
        if (x.expiry != y.expiry) return x.expiry < y.expiry;
        return x.number < y.number;
      });
      const Material& m = materials_[material];
      std::int64_t want = emptying ? stock_.of(depot, fefo.front()) : part_of(total, m, 600);
      const std::string incident = rng_.chance(300) ? active_incident(day) : "";
      std::vector<Row> rows;
      const std::string doc = document("CK", depot, day);
      const std::string to = kDistricts[rng_.below(kDistricts.size())] + kRecipients[rng_.below(kRecipients.size())];
      for (const auto l : fefo) {
        if (want == 0 || rows.size() == room) break;
        const std::int64_t take = std::min(want, stock_.of(depot, l));
        rows.push_back({"issue", depot, l, -take, to, incident, doc, "", "", ""});
        want -= take;
      }
      return rows;
    }
    return {};
  }

  std::vector<Row> op_transfer(Day day) {
    for (int attempt = 0; attempt < 8 && !stock_.empty(); ++attempt) {
      const auto [from, lot] = stock_.random(rng_);
      if (!usable(lots_[lot], day)) continue;
      const Depot& src = depots_[from];
      std::uint32_t to = 0;
      if (src.district < 0) {
        to = rng_.pick(district_depots_);
      } else if (src.enterprise || rng_.chance(500)) {
        // To a government depot of the same district, or to the city.
        std::vector<std::uint32_t> near;
        for (const auto d : district_depots_) {
          if (depots_[d].district == src.district) near.push_back(d);
        }
        to = rng_.chance(800) ? rng_.pick(near) : rng_.pick(city_depots_);
      } else {
        to = rng_.pick(district_depots_);
      }
      if (to == from) continue;
      const Material& m = materials_[lots_[lot].material];
      const std::int64_t q = part_of(stock_.of(from, lot), m, 800);
      const std::string doc = document("DB", from, day);
      return {{"transfer-out", from, lot, -q, depots_[to].name, "", doc, "", "", ""},
              {"transfer-in", to, lot, q, depots_[to].name, "", doc, "", "", ""}};
    }
    return {};
  }

  std::vector<Row> op_dispose(Day day) {
    // Expired lots are found by sampling what is held; otherwise a damaged part is written off.
    for (int attempt = 0; attempt < 48 && !stock_.empty(); ++attempt) {
      const auto [depot, lot] = stock_.random(rng_);
      if (usable(lots_[lot], day)) continue;
      return {{"dispose", depot, lot, -stock_.of(depot, lot), "", "", document("BF", depot, day),
               "expired", "过期报废", depots_[depot].responsible}};
    }
    if (stock_.empty()) return {};
    const auto [depot, lot] = stock_.random(rng_);
    const Material& m = materials_[lots_[lot].material];
    return {{"dispose", depot, lot, -part_of(stock_.of(depot, lot), m, 100), "", "",
             document("BF", depot, day), "damaged", "受潮霉变", depots_[depot].responsible}};
  }

  std::vector<Row> op_reverse(Day day) {
    for (int attempt = 0; attempt < 8 && !reversible_.empty(); ++attempt) {
      const std::size_t i = rng_.below(reversible_.size());
      const Single s = reversible_[i];
      // Reversing a receipt takes it back out: only while the depot still holds it.
      if (s.qty > 0 && stock_.of(s.depot, s.lot) < s.qty) continue;
      reversible_[i] = reversible_.back();
      reversible_.pop_back();
      Row r{"reverse", s.depot, s.lot, -s.qty, "", "", document("CZ", s.depot, day),
            s.qty > 0 ? "录入错误: 数量有误" : "录入错误: 重复出库", "", ""};
      r.reverses = s.id;
      return {r};
    }
    return {};
  }

  std::vector<Row> op_return(Day day) {
    while (!returnable_.empty()) {
      const std::size_t i = rng_.below(returnable_.size());
      Out& o = returnable_[i];
      const Material& m = materials_[lots_[o.lot].material];
      const std::int64_t q = o.outstanding <= m.step ? o.outstanding : part_of(o.outstanding, m, 1000);
      Row r{"return", o.depot, o.lot, q, "", o.incident, document("HS", o.depot, day), "", "",
            ""};
      o.outstanding -= q;
      if (o.outstanding == 0) {
        returnable_[i] = returnable_.back();
        returnable_.pop_back();
      }
      return {r};
    }
    return {};
  }

  // `actor`: the rows of one operation share it (a transfer is recorded by the sending keeper).
  void write_row(std::ostream& f, std::uint64_t id, std::uint64_t op, Day day, const Row& r,
                 const std::string& actor) {
    const Lot& lot = lots_[r.lot];
    const Material& m = materials_[lot.material];
    const Depot& d = depots_[r.depot];
    f << file_id(id) << ',' << operation_name(op) << ',' << iso(day) << ",," << r.kind << ','
      << d.code << ',' << m.code << ',' << lot.number << ',' << qty_text(r.qty) << ',' << m.kind->unit << ','
      << iso(lot.production) << ',' << iso(lot.expiry) << ',' << actor << ','
      << csv(r.counterparty) << ',' << r.incident << ',' << r.document << ',' << csv(r.reason)
      << ',' << csv(r.note) << ',' << r.approver << ",,"
      << (r.reverses ? file_id(r.reverses) : std::string()) << ",gen:" << o_.seed << ':' << op
      << ",\r\n";
  }

  // Multiplying by an odd number is one-to-one modulo 2^59: distinct ids stay distinct, and
  // 10^17 plus the product has 18 digits, the most an import's id takes.
  [[nodiscard]] std::string file_id(std::uint64_t id) const {
    if (!o_.scattered_ids) return std::to_string(id);
    constexpr std::uint64_t kLow59 = (std::uint64_t{1} << 59) - 1;
    return std::to_string(100000000000000000ULL + ((id * 0x9E3779B97F4A7C15ULL) & kLow59));
  }
  [[nodiscard]] std::string operation_name(std::uint64_t op) const {
    return o_.scattered_ids ? "OP-" + file_id(op) : std::to_string(op);
  }

  void write_movements() {
    auto f = open("movements.csv");
    f << "id,operation,date,recorded_at,kind,depot,material,lot,quantity,unit,production,expiry,"
         "actor,counterparty,incident,document,reason,note,approver,unusable_reason,reverses,"
         "idempotency_key,hash\r\n";
    const std::uint64_t n = o_.movements;
    const Day span = kLastDay - kFirstDay + 1;
    std::uint64_t id = 0, op = 0;
    // The issue benchmark's lot: plenty of one material at the first city depot, never touched
    // by the stream, so 200 issues of one unit always find stock.
    {
      const std::uint32_t lot = static_cast<std::uint32_t>(lots_.size());
      lots_.push_back({issue_material_, "ISSUE-BENCH", kFirstDay - 30, kNoDay});
      issue_lot_ = lot;
      Row r{"receive", 0, lot, 1000000 * 1000, "市财政采购", "", "RK-JC-C01-BENCH", "", "", ""};
      const Day day = kFirstDay;
      write_row(f, ++id, ++op, day, r, depots_[0].keeper);
      stock_.add(0, lot, issue_material_, r.qty, false);
      ++counts_["receive"];
    }
    while (id < n) {
      const Day day = kFirstDay + static_cast<Day>(id * static_cast<std::uint64_t>(span) / n);
      const std::size_t room = static_cast<std::size_t>(n - id);
      // Opening stock: the first receipts come before anything can go out.
      const std::uint64_t roll = stock_.holdings() < 300 ? 0 : rng_.below(1000);
      std::vector<Row> rows;
      if (roll < 400 && o_.max_held != 0 && stock_.holdings() >= o_.max_held) {
        // At the reserve's level a new batch waits for an old one to go: a lot issued whole.
        rows = op_issue(day, room, true);
      } else if (roll < 400) {
        rows = op_receive(day);
      } else if (roll < 750) {
        rows = op_issue(day, room);
      } else if (roll < 900) {
        if (room >= 2) rows = op_transfer(day);
      } else if (roll < 950) {
        rows = op_dispose(day);
      } else if (roll < 980) {
        rows = op_reverse(day);
      } else {
        rows = op_return(day);
      }
      if (rows.empty()) rows = op_receive(day);
      ++op;
      for (const auto& r : rows) {
        ++id;
        write_row(f, id, op, day, r, depots_[rows.front().depot].keeper);
        stock_.add(r.depot, r.lot, lots_[r.lot].material, r.qty);
        ++counts_[r.kind];
        const bool single = rows.size() == 1;
        if (single && (r.kind == "receive" || (r.kind == "issue" && r.incident.empty()))) {
          // Corrections come soon after the mistake: keep the last few hundred.
          const Single s{id, r.depot, r.lot, r.qty};
          if (reversible_.size() < 256) {
            reversible_.push_back(s);
          } else {
            reversible_[rng_.below(reversible_.size())] = s;
          }
        }
        if (r.kind == "issue" && !r.incident.empty() && materials_[lots_[r.lot].material].kind->recoverable) {
          returnable_.push_back({r.depot, r.lot, -r.qty, r.incident});
        }
      }
    }
    operations_ = op;
    last_day_ = kFirstDay + static_cast<Day>((n - 1) * static_cast<std::uint64_t>(span) / n);
  }

  void write_expected_stock() {
    std::vector<std::tuple<std::string, std::string, std::string, std::int64_t>> rows;
    for (const auto& [k, q] : stock_.all()) {
      if (q <= 0) continue;
      const auto depot = static_cast<std::uint32_t>(k >> 32);
      const auto lot = static_cast<std::uint32_t>(k & 0xffffffffU);
      rows.emplace_back(depots_[depot].code, materials_[lots_[lot].material].code,
                        lots_[lot].number, q);
    }
    std::sort(rows.begin(), rows.end());
    auto f = open("expected-stock.csv");
    f << "depot,material,lot,quantity\n";
    for (const auto& [d, m, l, q] : rows) f << d << ',' << m << ',' << l << ',' << qty_text(q) << '\n';
    positive_balances_ = rows.size();
  }

  // ---- the reserve beyond the depots: CLI calls ----------------------------------------------

  void write_reserve() {
    auto f = open("reserve.sh");
    f << "# Incidents, depot dispatch times, quotas, commitments and inspection plans, written by\n"
         "# bench/generate. Source it after defining sp() { stockpile \"$@\"; }.\n";
    for (const auto& i : incidents_) {
      f << "sp incident add " << i.code << " --name " << sh(i.name) << " --level " << i.level
        << " --opened " << iso(i.opened) << "T06:00 --location " << sh(i.location) << "\n";
    }
    for (const auto d : city_depots_) f << "sp depot dispatch " << depots_[d].code << " --time 4h\n";
    for (const auto d : district_depots_) f << "sp depot dispatch " << depots_[d].code << " --time 2h\n";
    // Quotas (储备定额) on government depots, for materials they stock.
    std::vector<std::uint32_t> gov = city_depots_;
    gov.insert(gov.end(), district_depots_.begin(), district_depots_.end());
    std::map<std::pair<std::uint32_t, std::uint32_t>, bool> quota_set;
    for (std::uint64_t i = 0; i < o_.quotas; ++i) {
      const std::uint32_t d = gov[i % gov.size()];
      const std::uint32_t m = reserve_rng_.pick(depots_[d].assortment);
      if (!quota_set.emplace(std::pair{d, m}, true).second) continue;
      const Material& mat = materials_[m];
      const std::int64_t min = std::max<std::int64_t>(1, mat.kind->lo) * 1000;
      f << "sp quota set --depot " << depots_[d].code << " --material " << mat.code << " --min "
        << qty_text(min) << " --max " << qty_text(min * 10) << "\n";
    }
    // Commitments of every tier (协议, 产能, 社会), valid over the last years.
    const std::vector<std::string> tiers = {"agreement", "capacity", "social"};
    for (std::uint64_t i = 0; i < o_.commitments; ++i) {
      const std::string& tier = tiers[i % 3];
      const Material& m = materials_[1 + reserve_rng_.below(materials_.size() - 1)];
      const std::string code = std::string(tier == "agreement" ? "AGR" : tier == "capacity" ? "CAP" : "SOC") +
                               "-" + pad(i + 1, 4);
      const Day from = days_from_civil(2022 + static_cast<std::int64_t>(reserve_rng_.below(5)), 1, 1);
      const Day to = add_months(from, 12 * static_cast<int>(1 + reserve_rng_.below(3))) - 1;
      f << "sp commitment add " << code << " --tier " << tier << " --party "
        << sh(kFirms[reserve_rng_.below(kFirms.size())] + (tier == "social" ? "慈善协会" : kSuppliers[reserve_rng_.below(kSuppliers.size())]))
        << " --contact 0771-" << pad(5200000 + i, 7) << " --material " << m.code
        << " --valid-from " << iso(from) << " --valid-to " << iso(to);
      const std::int64_t q = std::max<std::int64_t>(1, m.kind->hi) * 1000;
      if (tier == "capacity") {
        f << " --rate " << qty_text(std::max<std::int64_t>(m.step, q / 10 / m.step * m.step))
          << " --max " << qty_text(q * 5) << " --lead-time " << (24 + reserve_rng_.below(48)) << "h";
      } else {
        f << " --qty " << qty_text(q) << " --lead-time " << (6 + reserve_rng_.below(42)) << "h";
      }
      if (tier == "social") f << " --reliability 0." << (5 + reserve_rng_.below(5));
      f << "\n";
      commitment_codes_.push_back(code);
    }
    // Inspection plans: monthly fire checks of depots, yearly re-verification of suppliers.
    for (std::uint64_t i = 0; i < o_.plans; ++i) {
      if (i % 5 == 4 && !commitment_codes_.empty()) {
        f << "sp inspect plan add --target commitment:" << commitment_codes_[i % commitment_codes_.size()]
          << " --every 1y --custodian " << inspectors_[i % inspectors_.size()] << " --starting 2023-03-01\n";
      } else {
        const Depot& d = depots_[i % depots_.size()];
        f << "sp inspect plan add --target depot:" << d.code << " --every 1m --on-day "
          << (1 + i % 28) << " --custodian " << d.responsible << " --starting 2022-01-"
          << pad(1 + i % 28, 2) << "\n";
      }
    }
  }

  // ---- allocation demand --------------------------------------------------------------------

  void write_demand() {
    // What usable stock each material has at the end, to ask for a realistic share of it.
    std::map<std::uint32_t, std::int64_t> usable_total;
    const Day plan_day = kLastDay + 1;
    for (const auto& [k, q] : stock_.all()) {
      const auto lot = static_cast<std::uint32_t>(k & 0xffffffffU);
      if (q > 0 && lot != issue_lot_ && usable(lots_[lot], plan_day + 2)) usable_total[lots_[lot].material] += q;
    }
    std::vector<std::pair<std::uint32_t, std::int64_t>> candidates(usable_total.begin(), usable_total.end());
    auto f = open("demand.csv");
    f << "material,qty,need_by,to\r\n";
    std::map<std::uint32_t, bool> used;
    for (std::uint64_t i = 0; i < o_.demand_lines && !candidates.empty(); ++i) {
      const auto& [m, total] = candidates[rng_.below(candidates.size())];
      const Material& mat = materials_[m];
      // Between a tenth and the whole of what is held: some lines draw on commitments too.
      const std::int64_t q = std::max(mat.step, (total / 10 + static_cast<std::int64_t>(rng_.below(static_cast<std::uint64_t>(total)))) / mat.step * mat.step);
      const Civil c = civil_from_days(plan_day + static_cast<Day>(i % 3));
      char need_by[32];
      std::snprintf(need_by, sizeof need_by, "%04lld-%02u-%02uT%02u:00", static_cast<long long>(c.y),
                    c.m, c.d, static_cast<unsigned>(12 + i % 10));
      f << mat.code << ',' << qty_text(q) << ',' << need_by << ','
        << depots_[district_depots_[i % district_depots_.size()]].code << "\r\n";
      ++demand_written_;
    }
  }

  // ---- stocktake scenario --------------------------------------------------------------------

  void write_stocktake() {
    const std::uint32_t depot = stocktake_depot_;
    const Day received = kLastDay - 10;
    auto r = open("stocktake-receipts.csv");
    auto c = open("stocktake-counts.csv");
    r << "id,operation,date,kind,depot,material,lot,quantity,unit,production,expiry,actor,"
         "counterparty,document,idempotency_key\r\n";
    c << "material,lot,counted,note\r\n";
    const std::string& keeper = depots_[depot].keeper;
    for (std::uint64_t i = 0; i < o_.stocktake_lines; ++i) {
      // Lot-tracked materials only: one line per lot.
      std::uint32_t m = static_cast<std::uint32_t>(1 + i % (materials_.size() - 1));
      while (!materials_[m].kind->lot_tracked) m = static_cast<std::uint32_t>(1 + (m + 1) % (materials_.size() - 1));
      const Material& mat = materials_[m];
      Lot lot{m, "", kNoDay, kNoDay};
      lot.production = received - stocktake_rng_.between(10, 300);
      if (mat.shelf_months > 0) lot.expiry = add_months(lot.production, mat.shelf_months);
      lot.number = "ST" + compact(lot.production) + "-" + pad(i + 1, 6);
      const std::int64_t q = receipt_size(mat, stocktake_rng_);
      r << i + 1 << ',' << i + 1 << ',' << iso(received) << ",receive," << depots_[depot].code
        << ',' << mat.code << ',' << lot.number << ',' << qty_text(q) << ',' << mat.kind->unit
        << ',' << iso(lot.production) << ',' << iso(lot.expiry) << ',' << keeper
        << ",市级储备轮换采购,RK-CENTRAL-" << pad(i + 1, 6) << ",stocktake:" << o_.seed << ':'
        << i + 1 << "\r\n";
      // Most lines count what the books say; about one in fifty is off by a little.
      std::int64_t counted = q;
      std::string note;
      const std::uint64_t roll = stocktake_rng_.below(1000);
      if (roll < 10) {
        counted = std::max<std::int64_t>(0, q - mat.step * stocktake_rng_.between(1, 5));
        note = "短少";
      } else if (roll < 20) {
        counted = q + mat.step * stocktake_rng_.between(1, 3);
        note = "盘盈";
      }
      if (counted != q) ++stocktake_variances_;
      c << mat.code << ',' << lot.number << ',' << qty_text(counted) << ',' << note << "\r\n";
    }
  }

  void write_env() {
    auto f = open("bench.env");
    std::uint64_t lot_tracked_lots = 0;
    for (const auto& l : lots_) lot_tracked_lots += l.number != "-";
    f << "# written by bench/generate; sourced by bench/run\n"
      << "SEED=" << o_.seed << "\nMOVEMENTS=" << o_.movements << "\nMAX_HELD=" << o_.max_held
      << "\nOPERATIONS=" << operations_
      << "\nLOTS=" << lots_.size() << "\nLOT_TRACKED_LOTS=" << lot_tracked_lots
      << "\nPOSITIVE_BALANCES=" << positive_balances_ << "\nMATERIALS=" << materials_.size()
      << "\nDEPOTS=" << depots_.size() << "\nCUSTODIANS=" << people_.size()
      << "\nFIRST_DAY=" << iso(kFirstDay) << "\nLAST_DAY=" << iso(last_day_)
      << "\nAS_OF=" << iso(kLastDay) << "\nNOW=" << iso(kLastDay + 1) << "T00:00:00Z"
      << "\nISSUE_DEPOT=" << depots_[0].code << "\nISSUE_MATERIAL=" << materials_[issue_material_].code
      << "\nISSUE_ACTOR=" << depots_[0].keeper << "\nSTOCKTAKE_DEPOT=" << depots_[stocktake_depot_].code
      << "\nSTOCKTAKE_LINES=" << o_.stocktake_lines << "\nSTOCKTAKE_VARIANCES=" << stocktake_variances_
      << "\nSTOCKTAKE_COUNTER=" << depots_[stocktake_depot_].keeper
      << "\nSTOCKTAKE_APPROVER=" << depots_[stocktake_depot_].responsible
      << "\nALLOCATE_INCIDENT=FLOOD-2026-BENCH\nALLOCATE_AT=" << iso(kLastDay + 1) << "T08:00"
      << "\nDEMAND_LINES=" << demand_written_ << "\n";
    for (const auto& [kind, count] : counts_) {
      std::string name = kind;
      std::replace(name.begin(), name.end(), '-', '_');
      std::transform(name.begin(), name.end(), name.begin(), [](char ch) { return static_cast<char>(std::toupper(ch)); });
      f << "ROWS_" << name << '=' << count << "\n";
    }
  }

  struct Single {
    std::uint64_t id;
    std::uint32_t depot, lot;
    std::int64_t qty;
  };
  struct Out {
    std::uint32_t depot, lot;
    std::int64_t outstanding;
    std::string incident;
  };

  Options o_;
  Rng rng_, reserve_rng_, stocktake_rng_;
  std::vector<Org> orgs_;
  std::vector<Depot> depots_;
  std::vector<Person> people_;
  std::vector<std::string> inspectors_;
  std::vector<Material> materials_;
  std::vector<Incident> incidents_;
  std::vector<std::uint32_t> stream_depots_, city_depots_, district_depots_;
  std::uint32_t stocktake_depot_ = 0, issue_material_ = 0, issue_lot_ = 0;
  std::vector<Lot> lots_;
  std::unordered_map<std::uint32_t, std::uint32_t> implicit_lot_;
  std::vector<std::uint32_t> recent_lots_;
  std::vector<Single> reversible_;
  std::vector<Out> returnable_;
  std::vector<std::string> commitment_codes_;
  Stock stock_;
  std::uint64_t lot_serial_ = 0, doc_serial_ = 0, operations_ = 0, positive_balances_ = 0;
  std::uint64_t demand_written_ = 0, stocktake_variances_ = 0;
  std::map<std::string, std::uint64_t> counts_;
  Day last_day_ = kNoDay;
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "generate: " << why
            << "\nusage: generate --out DIR [--movements N] [--seed S] [--max-held H] "
               "[--stocktake-lines L] [--demand-lines D] [--commitments C] [--quotas Q] "
               "[--plans P] [--incidents I] [--ids in-order|scattered]\n";
  std::exit(2);
}

std::uint64_t number(const std::string& name, const char* text, std::uint64_t min) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (*text == '\0' || *end != '\0' || errno != 0 || *text == '-' || v < min) {
    usage(name + " \"" + text + "\": expected a whole number from " + std::to_string(min));
  }
  return v;
}

} // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") usage("writes a benchmark reserve network and its history");
    if (i + 1 >= argc) usage(a + " needs a value");
    const char* v = argv[++i];
    if (a == "--out") {
      o.out = v;
    } else if (a == "--movements") {
      o.movements = number(a, v, 2);
    } else if (a == "--seed") {
      o.seed = number(a, v, 0);
    } else if (a == "--max-held") {
      o.max_held = number(a, v, 0);
    } else if (a == "--stocktake-lines") {
      o.stocktake_lines = number(a, v, 1);
    } else if (a == "--demand-lines") {
      o.demand_lines = number(a, v, 1);
    } else if (a == "--commitments") {
      o.commitments = number(a, v, 0);
    } else if (a == "--quotas") {
      o.quotas = number(a, v, 0);
    } else if (a == "--plans") {
      o.plans = number(a, v, 0);
    } else if (a == "--incidents") {
      o.incidents = number(a, v, 1);
    } else if (a == "--ids") {
      if (std::string_view(v) != "in-order" && std::string_view(v) != "scattered") {
        usage(std::string("--ids \"") + v + "\": expected in-order or scattered");
      }
      o.scattered_ids = std::string_view(v) == "scattered";
    } else {
      usage("unknown option " + a);
    }
  }
  if (o.out.empty()) usage("--out DIR is required");
  Generator(o).run();
  return 0;
}
