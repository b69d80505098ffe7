// I/O fault injection (issue 9): a disk that fills up or reports an I/O error in the middle of
// a write must cost the keeper the write, never the ledger. tests/support/fault_vfs.hpp fails
// the N-th write, sync or truncate SQLite makes; for every N from 1 until the operation runs
// through without reaching a fault, each of a receive, an import of 1,000 rows and a stocktake
// close either succeeds or throws StorageError (exit 4) with a one-line message, and the
// reopened ledger verifies and holds all of the change or none of it.
//
// The faults also cover closing the ledger (the checkpoint that copies the WAL into the file),
// with synchronous = FULL as programs get it by default, so the WAL's sync at every commit is
// one of the operations that fail.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "stockpile/error.hpp"
#include "stockpile/ledger.hpp"
#include "support/fault_vfs.hpp"
#include "support/temp_ledger.hpp"

using namespace stockpile;
using stockpile::testing::FaultError;
using stockpile::testing::FaultMode;
using stockpile::testing::FaultVfs;

namespace {

Date fi_day(const char* text) { return Date::parse(text); }
Quantity fi_qty(const char* text) { return Quantity::parse(text); }
CustodianId fi_keeper() { return CustodianId("wang.li"); }
CustodianId fi_counter() { return CustodianId("zhao.jun"); }
CustodianId fi_approver() { return CustodianId("chen.gang"); }

OpenOptions durable() {
  auto o = stockpile::testing::fixed_clock();
  o.time_zone = "UTC";
  o.synchronous_full = true; // the default outside tests: a sync at every commit
  return o;
}

Material fi_material(const char* code, const char* name, const char* unit) {
  Material m{MaterialCode(code)};
  m.name = name;
  m.unit = unit;
  return m;
}

// A closed ledger file with reference data, stock, and a stocktake at YF-01 counted but not
// closed (so that closing it posts adjustments). Every attempt starts from a copy of it.
void build_base(const std::filesystem::path& file) {
  auto l = Ledger::create(file, durable());
  l.add_organisation({OrgCode("LZ"), "柳州市", OrgLevel::City, std::nullopt});
  l.add_depot({DepotCode("LN-01"), "柳南区救灾物资仓库", OrgCode("LZ"), ""});
  l.add_depot({DepotCode("YF-01"), "鱼峰区救灾物资仓库", OrgCode("LZ"), ""});
  const std::vector<DepotCode> both{DepotCode("LN-01"), DepotCode("YF-01")};
  l.add_custodian({fi_keeper(), "王丽", "", parse_roles("keeper"), both});
  l.add_custodian({fi_counter(), "赵军", "", parse_roles("keeper"), both});
  l.add_custodian({fi_approver(), "陈刚", "", parse_roles("responsible"), both});
  l.add_material(fi_material("QUILT", "棉胎", "床"));
  l.add_material(fi_material("TENT", "帐篷", "顶"));
  for (const char* lot : {"Q1", "Q2", "Q3"}) {
    (void)l.receive({.depot = DepotCode("YF-01"),
                     .material = MaterialCode("QUILT"),
                     .lot = LotNumber(lot),
                     .quantity = fi_qty("80"),
                     .date = fi_day("2026-11-01"),
                     .actor = fi_keeper()});
  }
  const auto st = l.start_stocktake({.depot = DepotCode("YF-01"),
                                     .materials = {},
                                     .blind = false,
                                     .date = fi_day("2026-11-22"),
                                     .actor = fi_keeper()});
  // Q1 short by 3, Q2 over by 2, Q3 right: closing posts two adjustments.
  for (auto [lot, counted] : {std::pair{"Q1", "77"}, {"Q2", "82"}, {"Q3", "80"}}) {
    l.count(st.id, {.material = MaterialCode("QUILT"),
                    .lot = LotNumber(lot),
                    .quantity = fi_qty(counted),
                    .counter = fi_counter()});
  }
}

// 1,000 receipts of tents into 100 lots at LN-01, each its own operation.
std::string import_csv() {
  std::string csv = "kind,date,depot,material,lot,quantity,actor,document\n";
  for (int i = 0; i < 1000; ++i) {
    csv += "receive,2026-11-0" + std::to_string(1 + i % 9) + ",LN-01,TENT,T" +
           std::to_string(i % 100) + "," + std::to_string(1 + i % 7) + ",wang.li,IMP-" +
           std::to_string(i) + "\n";
  }
  return csv;
}

// What the ledger holds, as text: verify's count and head (verify throws IntegrityError on a
// broken chain or balance), every balance, every lot and every stocktake's state.
std::string holdings(const std::filesystem::path& file) {
  auto l = Ledger::open(file, durable());
  const auto report = l.verify();
  std::string out = std::to_string(report.movements) + " movements, head " + report.head_hash;
  for (const auto& s : l.stock({.include_zero = true})) {
    out += "; " + s.depot.str() + "/" + s.material.str() + "/" + s.lot.number.str() + "=" +
           s.quantity.to_string();
  }
  out += "; " + std::to_string(l.lots().size()) + " lots";
  for (const auto& s : l.stocktakes()) {
    out += "; stocktake " + std::to_string(s.id) + " " + std::string(to_string(s.state));
  }
  return out;
}

struct Tally {
  std::int64_t operations = 0;     // writes, syncs and truncates of the fault-free run
  std::string trace;               // their kinds in order (W, S, T), for the report
  std::int64_t attempts = 0;       // values of N tried
  std::int64_t injected = 0;       // faults returned to SQLite
  std::int64_t failed = 0;         // attempts that threw StorageError
  std::int64_t failed_applied = 0; // ... of which the change was durable nonetheless
  std::int64_t partial = 0;        // attempts that left neither the old nor the new ledger
  std::int64_t lost = 0;           // attempts that succeeded but whose change was not kept
  std::int64_t wrong_error = 0;    // anything but a one-line StorageError
  bool finished = false;           // an attempt past the last operation reached no fault
  std::string first_bad;           // what the first bad attempt left, for the failure message
};

using Operation = std::function<void(Ledger&)>;

struct FaultPlan {
  std::function<FaultError(std::int64_t)> error_of;
  std::function<FaultMode(std::int64_t)> mode_of;
};

// Runs `op` on a copy of `base` with the N-th I/O operation failing, for every N from 1 until
// an attempt runs through without reaching its fault. The fault covers the operation and
// closing the ledger (the checkpoint).
Tally under_faults(const std::filesystem::path& base, const std::filesystem::path& dir,
                   const Operation& op, const FaultPlan& plan) {
  const auto file = dir / "attempt.db";
  const auto fresh_copy = [&] {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(file.string() + suffix);
    }
    std::filesystem::copy_file(base, file);
  };

  Tally t;
  FaultVfs vfs;
  const std::string before = holdings(base);
  fresh_copy();
  {
    std::optional<Ledger> l(Ledger::open(file, durable()));
    vfs.arm(0, FaultError::IoError, FaultMode::Once); // count only
    op(*l);
    l.reset();
    t.operations = vfs.counted();
    t.trace = vfs.trace();
  }
  const std::string after = holdings(file);
  REQUIRE(after != before); // the operation changes something, or the comparison proves nothing

  // The last N is found, not taken from the fault-free run: a failed attempt may make more or
  // fewer operations than a clean one (a rollback, a checkpoint left to the next opening). The
  // cap only stops a runaway loop, and then `finished` stays false and the test fails.
  const std::int64_t cap = 2 * t.operations + 100;
  for (std::int64_t n = 1; n <= cap; ++n) {
    fresh_copy();
    bool ok = false;
    std::string error;
    {
      std::optional<Ledger> l(Ledger::open(file, durable()));
      vfs.arm(n, plan.error_of(n), plan.mode_of(n));
      try {
        op(*l);
        ok = true;
      } catch (const StorageError& e) {
        error = e.what();
        if (e.exit_code() != 4 || error.empty() || error.find('\n') != std::string::npos) {
          ++t.wrong_error;
        }
      } catch (const std::exception& e) {
        error = std::string("not a StorageError: ") + e.what();
        ++t.wrong_error;
      }
      l.reset(); // closing checkpoints the WAL into the file: faults there count too
      vfs.disarm();
    }
    ++t.attempts;
    t.injected += vfs.injected();
    if (!ok) ++t.failed;

    std::string now;
    try {
      now = holdings(file);
    } catch (const std::exception& e) {
      now = std::string("does not open or verify: ") + e.what();
    }
    bool bad = false;
    if (now == after) {
      if (!ok) ++t.failed_applied;
    } else if (now == before) {
      if (ok) {
        ++t.lost;
        bad = true;
      }
    } else {
      ++t.partial;
      bad = true;
    }
    if (bad && t.first_bad.empty()) {
      t.first_bad =
          "N = " + std::to_string(n) + (ok ? " (succeeded)" : " (" + error + ")") + " left: " + now;
    }
    if (vfs.injected() == 0) {
      t.finished = ok;
      break;
    }
  }
  return t;
}

// Disk full and I/O error, transient and persistent, alternate along N so every kind meets
// every stage of the write. STOCKPILE_FAULT_ALL=1 (on demand) tries all four at every N of
// every operation.
FaultError alternate_error(std::int64_t n) {
  return n % 2 == 1 ? FaultError::IoError : FaultError::DiskFull;
}
FaultMode alternate_mode(std::int64_t n) {
  return (n / 2) % 2 == 0 ? FaultMode::Once : FaultMode::Persistent;
}

bool all_combinations() {
  const char* all = std::getenv("STOCKPILE_FAULT_ALL");
  return all != nullptr && std::string(all) == "1";
}

void run_and_report(const std::string& what, const Operation& op) {
  stockpile::testing::TempDir dir;
  const auto base = dir.path() / "base.db";
  build_base(base);
  std::vector<FaultPlan> plans;
  if (all_combinations()) {
    for (auto e : {FaultError::IoError, FaultError::DiskFull}) {
      for (auto m : {FaultMode::Once, FaultMode::Persistent}) {
        plans.push_back({[e](std::int64_t) { return e; }, [m](std::int64_t) { return m; }});
      }
    }
  } else {
    plans.push_back({alternate_error, alternate_mode});
  }
  for (const auto& plan : plans) {
    const Tally t = under_faults(base, dir.path(), op, plan);
    CAPTURE(t.first_bad);
    CHECK(t.finished);
    CHECK(t.partial == 0);
    CHECK(t.lost == 0);
    CHECK(t.wrong_error == 0);
    const auto kinds = [&](char k) { return std::count(t.trace.begin(), t.trace.end(), k); };
    MESSAGE(what << ": " << t.operations << " writes/syncs/truncates (" << kinds('W') << " W, "
                 << kinds('S') << " S, " << kinds('T') << " T); " << t.attempts
                 << " values of N tried (every N until one reached no fault), "
                 << t.injected << " faults injected, " << t.failed << " failed with exit 4 ("
                 << t.failed_applied << " of them durable nonetheless), " << t.partial
                 << " partial, " << t.lost << " lost");
  }
}

} // namespace

TEST_CASE("fault injection: a receive is all or nothing under every write, sync and truncate "
          "fault") {
  run_and_report("receive", [](Ledger& l) {
    (void)l.receive({.depot = DepotCode("LN-01"),
                     .material = MaterialCode("TENT"),
                     .lot = LotNumber("T-NEW"),
                     .quantity = fi_qty("12"),
                     .date = fi_day("2026-11-20"),
                     .actor = fi_keeper()});
  });
}

TEST_CASE("fault injection: an import of 1,000 rows is all or nothing under every fault") {
  const std::string csv = import_csv();
  run_and_report("import of 1000 rows", [&](Ledger& l) {
    const auto result = l.import_movements(csv, "import.csv");
    REQUIRE(result.movements_written == 1000);
  });
}

TEST_CASE("fault injection: a stocktake close is all or nothing under every fault") {
  run_and_report("stocktake close", [](Ledger& l) {
    const auto open = l.stocktakes(DepotCode("YF-01"));
    REQUIRE(open.size() == 1);
    (void)l.close_stocktake(open.front().id, {.approver = fi_approver(),
                                              .actor = fi_keeper(),
                                              .date = fi_day("2026-11-22"),
                                              .default_reason = VarianceReason::Miscounted,
                                              .reasons = {},
                                              .note = "",
                                              .uncounted = Uncounted::Block});
  });
}

TEST_CASE("fault injection: the check sees a change that is not atomic") {
  // Two receives in two transactions stand in for a write that is not one transaction: a
  // fault between them leaves a ledger that is neither the old nor the new one, and the
  // harness must count it. Without this, a harness that never compared would pass too.
  stockpile::testing::TempDir dir;
  const auto base = dir.path() / "base.db";
  build_base(base);
  const Tally t = under_faults(base, dir.path(),
                               [](Ledger& l) {
                                 for (const char* lot : {"HALF-1", "HALF-2"}) {
                                   (void)l.receive({.depot = DepotCode("LN-01"),
                                                    .material = MaterialCode("TENT"),
                                                    .lot = LotNumber(lot),
                                                    .quantity = fi_qty("1"),
                                                    .date = fi_day("2026-11-20"),
                                                    .actor = fi_keeper()});
                                 }
                               },
                               {alternate_error, alternate_mode});
  CHECK(t.partial > 0);
  CHECK(t.lost == 0);
}
