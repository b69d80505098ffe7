#include "movement_chain.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <array>
#include <fmt/format.h>
#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "canonical.hpp"
#include "stockpile/error.hpp"
#include "store/schema.hpp"

namespace stockpile::detail {

namespace {
std::optional<std::string> text_of(const std::optional<Date>& d) {
  return d ? std::optional<std::string>(d->to_string()) : std::nullopt;
}
} // namespace

std::string canonical_movement(const Movement& m, const Lot& lot) {
  // Everything recorded about the movement, and the label of its lot (the lots table is part
  // of what the chain protects: a changed expiry date must show).
  Canonical c;
  c.add("v", std::int64_t{1})
      .add("id", m.id)
      .add("operation", m.operation)
      .add("date", m.date.to_string())
      .add("recorded_at", m.recorded_at)
      .add("kind", to_string(m.kind))
      .add("depot", m.depot.str())
      .add("material", m.material.str())
      .add("lot", m.lot.str())
      .add_opt("production", text_of(lot.production))
      .add_opt("expiry", text_of(lot.expiry))
      .add("quantity", m.quantity.thousandths())
      .add("actor", m.actor.str())
      .add("counterparty", m.counterparty)
      .add_opt("incident", m.incident ? std::optional<std::string>(m.incident->str()) : std::nullopt)
      .add("document", m.document)
      .add("reason", m.reason)
      .add("note", m.note)
      .add_opt("approver", m.approver ? std::optional<std::string>(m.approver->str()) : std::nullopt)
      .add("unusable_reason", m.unusable_reason)
      .add_opt("reverses",
           m.reverses ? std::optional<std::string>(std::to_string(*m.reverses)) : std::nullopt);
  return c.bytes();
}

std::string chain_hash(const std::string& prev_hash, const Movement& m, const Lot& lot) {
  return sha256_hex(prev_hash + canonical_movement(m, lot));
}

VerifyReport verify_chain(const store::SqliteStore& store,
                          const std::optional<std::string>& expect_head) {
  VerifyReport report;
  std::string prev(kGenesisHash);
  std::int64_t last_id = 0;
  bool head_seen = !expect_head.has_value();
  // depot, material and lot joined by NUL (none of them can hold one), in one reused buffer:
  // a map of three-string tuples allocated three strings a movement.
  std::unordered_map<std::string, Quantity> sums;
  std::string key;
  const auto make_key = [&key](std::string_view depot, std::string_view material,
                               std::string_view lot) -> const std::string& {
    key.assign(depot);
    key += '\0';
    key += material;
    key += '\0';
    key += lot;
    return key;
  };

  store.for_each_movement([&](const store::SqliteStore::ChainRow& row) {
    const Movement& m = row.movement;
    if (m.id != last_id + 1) {
      throw IntegrityError(fmt::format("movement {} is missing: the ledger jumps from movement "
                                       "{} to {} (removed from the file)",
                                       last_id + 1, last_id, m.id));
    }
    if (row.prev_hash != prev) {
      throw IntegrityError(fmt::format("movement {}: its link to movement {} is broken (the "
                                       "previous hash it records is not that movement's hash)",
                                       m.id, last_id));
    }
    const std::string expected = chain_hash(prev, m, row.lot);
    if (expected != m.hash) {
      throw IntegrityError(fmt::format("movement {}: its content does not match its hash "
                                       "(changed after it was recorded)",
                                       m.id));
    }
    if (expect_head && m.hash == *expect_head) head_seen = true;
    const std::string& k = make_key(m.depot.str(), m.material.str(), m.lot.str());
    if (auto it = sums.find(k); it != sums.end()) it->second += m.quantity;
    else sums.emplace(k, m.quantity);
    prev = m.hash;
    last_id = m.id;
    ++report.movements;
  });
  if (store.movement_sequence() > last_id) {
    throw IntegrityError(fmt::format("movement {} is missing: movements up to {} were recorded "
                                     "but the ledger ends at {} (removed from the file)",
                                     last_id + 1, store.movement_sequence(), last_id));
  }
  if (!head_seen) {
    throw IntegrityError(fmt::format("--expect-head {}: no movement has this hash; the history "
                                     "that ended there was changed or removed",
                                     *expect_head));
  }

  // The balances table must be exactly what the movements add up to.
  for (const auto& b : store.all_balances()) {
    auto it = sums.find(make_key(b.depot, b.material, b.lot));
    const Quantity from_movements = it == sums.end() ? Quantity() : it->second;
    if (from_movements != b.quantity) {
      throw IntegrityError(fmt::format("balance of depot {}, material {}, lot {}: the balances "
                                       "table holds {} but the movements add up to {}",
                                       b.depot, b.material, b.lot, b.quantity.to_string(),
                                       from_movements.to_string()));
    }
    if (it != sums.end()) sums.erase(it);
  }
  // What is left adds up to something only if the balances table lacks it; name the first
  // in (depot, material, lot) order, as a sorted map would.
  std::vector<std::pair<std::string, Quantity>> missing;
  for (const auto& [k, q] : sums) {
    if (!q.is_zero()) missing.emplace_back(k, q);
  }
  if (!missing.empty()) {
    const auto& [k, q] = *std::min_element(missing.begin(), missing.end());
    const auto first = k.find('\0');
    const auto second = k.find('\0', first + 1);
    throw IntegrityError(fmt::format("balance of depot {}, material {}, lot {}: missing from "
                                     "the balances table; the movements add up to {}",
                                     k.substr(0, first), k.substr(first + 1, second - first - 1),
                                     k.substr(second + 1), q.to_string()));
  }

  // Calls on commitments and deliveries carry a chain of their own.
  std::string entry_prev(kGenesisHash);
  std::int64_t last_entry = 0;
  store.for_each_entry([&](const CommitmentEntry& e, const std::string& stored_prev) {
    if (e.id != last_entry + 1) {
      throw IntegrityError(fmt::format("commitment entry {} is missing: the calls jump from {} "
                                       "to {} (removed from the file)",
                                       last_entry + 1, last_entry, e.id));
    }
    if (stored_prev != entry_prev || entry_hash(entry_prev, e) != e.hash) {
      throw IntegrityError(fmt::format("commitment entry {} ({}): its content does not match "
                                       "its hash (changed after it was recorded)",
                                       e.id, e.kind));
    }
    entry_prev = e.hash;
    last_entry = e.id;
  });
  if (store.entry_sequence() > last_entry) {
    throw IntegrityError(fmt::format("commitment entry {} is missing: entries up to {} were "
                                     "recorded but the ledger ends at {}",
                                     last_entry + 1, store.entry_sequence(), last_entry));
  }

  // The append-only triggers must still be there.
  for (const std::string_view name : store::append_only_triggers()) {
    SQLite::Statement q(store.db(), "SELECT 1 FROM sqlite_schema WHERE type = 'trigger' AND "
                                    "name = ?");
    q.bind(1, std::string(name));
    if (!q.executeStep()) {
      throw IntegrityError(fmt::format("trigger {} was removed: the ledger no longer refuses "
                                       "edits; restore it from a copy and investigate",
                                       name));
    }
  }
  report.head_hash = last_id == 0 ? std::string() : prev;
  return report;
}

} // namespace stockpile::detail
