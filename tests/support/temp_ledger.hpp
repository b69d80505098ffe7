// A fresh ledger in a temporary directory, removed afterwards, with a fixed clock.
#pragma once

#include <chrono>
#include <date/date.h>
#include <filesystem>
#include <random>
#include <string>

#include "stockpile/ledger.hpp"

namespace stockpile::testing {

class TempDir {
public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("stockpile-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
  std::filesystem::path path_;
};

inline std::chrono::sys_seconds fixed_time() {
  const date::year_month_day day{date::year{2026}, date::month{11}, date::day{22}};
  return std::chrono::sys_seconds{date::sys_days{day}.time_since_epoch()} + std::chrono::hours{8};
}

inline OpenOptions fixed_clock() {
  OpenOptions o;
  o.clock = [] { return fixed_time(); };
  o.synchronous_full = false; // tests need not fsync; the file's content is the same
  return o;
}

struct TempLedger {
  TempDir dir;
  std::filesystem::path file = dir.path() / "ledger.db";
  Ledger ledger = Ledger::create(file, fixed_clock());
};

} // namespace stockpile::testing
