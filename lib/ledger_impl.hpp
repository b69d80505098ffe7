// Ledger::Impl (internal): what every part of the facade shares.
#pragma once

#include <string>

#include "stockpile/ledger.hpp"
#include "store/sqlite_store.hpp"

namespace stockpile {

struct Ledger::Impl {
  Impl(const std::filesystem::path& file, store::OpenMode mode, OpenOptions opts)
      : options(std::move(opts)),
        store(file, mode,
              store::StoreOptions{.busy_timeout_ms = options.busy_timeout_ms,
                                  .synchronous_full = options.synchronous_full}) {}

  // The recording time, UTC, as ISO 8601 ("2026-11-22T07:34:18Z").
  [[nodiscard]] std::string now() const;
  [[nodiscard]] std::chrono::sys_seconds now_seconds() const;

  template <class F> auto read(F&& fn) const {
    using R = decltype(fn());
    if constexpr (std::is_void_v<R>) {
      store.read(fn);
    } else {
      std::optional<R> result;
      store.read([&] { result.emplace(fn()); });
      return std::move(*result);
    }
  }

  OpenOptions options;
  mutable store::SqliteStore store;

private:
  // now()'s last answer: an import asks twice per operation, thousands of times a second.
  mutable std::chrono::sys_seconds formatted_at_{};
  mutable std::string formatted_;
};

} // namespace stockpile
