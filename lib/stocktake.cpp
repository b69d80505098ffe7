#include "stockpile/stocktake.hpp"

#include <limits>
#include <map>
#include <utility>

#include "stockpile/error.hpp"

namespace stockpile {

std::string_view to_string(StocktakeState state) noexcept {
  switch (state) {
  case StocktakeState::Open: return "open";
  case StocktakeState::Closed: return "closed";
  case StocktakeState::Cancelled: return "cancelled";
  }
  return "?";
}

std::string_view to_string(VarianceReason reason) noexcept {
  switch (reason) {
  case VarianceReason::Miscounted: return "miscounted";
  case VarianceReason::Lost: return "lost";
  case VarianceReason::Found: return "found";
  case VarianceReason::Damaged: return "damaged";
  case VarianceReason::Expired: return "expired";
  case VarianceReason::IssuedWithoutRecord: return "issued-without-record";
  case VarianceReason::Other: return "other";
  }
  return "?";
}

VarianceReason parse_variance_reason(std::string_view text, std::string_view field) {
  for (auto r : {VarianceReason::Miscounted, VarianceReason::Lost, VarianceReason::Found,
                 VarianceReason::Damaged, VarianceReason::Expired,
                 VarianceReason::IssuedWithoutRecord, VarianceReason::Other}) {
    if (text == to_string(r)) return r;
  }
  throw InvalidInput(field, text,
                     "expected miscounted, lost, found, damaged, expired, "
                     "issued-without-record or other");
}

Uncounted parse_uncounted(std::string_view text, std::string_view field) {
  if (text == "zero") return Uncounted::Zero;
  if (text == "keep") return Uncounted::Keep;
  throw InvalidInput(field, text, "expected zero (nothing on the shelf) or keep (not counted)");
}

std::optional<std::int64_t> Variance::permille() const {
  if (!book || !variance) return std::nullopt;
  const std::int64_t b = book->thousandths();
  if (b == 0) return std::nullopt;
  // variance / book × 1000, rounded half away from zero, in integers (no floating point).
  const std::int64_t num = variance->thousandths() * 1000;
  const std::int64_t q = num / b;
  const std::int64_t r = num % b;
  const bool negative = (num < 0) != (b < 0);
  const std::int64_t abs_r = r < 0 ? -r : r;
  const std::int64_t abs_b = b < 0 ? -b : b;
  return abs_r * 2 >= abs_b ? q + (negative ? -1 : 1) : q;
}

std::vector<Variance> compute_variances(const std::vector<StocktakeLine>& lines,
                                        const std::vector<StocktakeCount>& counts,
                                        const std::vector<MovementSince>& since) {
  using Key = std::pair<std::string, std::string>; // material, lot
  std::map<Key, std::vector<const MovementSince*>> moves;
  for (const auto& m : since) moves[{m.material.str(), m.lot.str()}].push_back(&m);
  std::map<Key, std::pair<const StocktakeCount*, int>> last; // last count and how many
  for (const auto& c : counts) {
    auto& slot = last[{c.material.str(), c.lot.str()}];
    slot.first = &c;
    ++slot.second;
  }
  std::vector<Variance> out;
  out.reserve(lines.size());
  for (const auto& line : lines) {
    const Key key{line.material.str(), line.lot.number.str()};
    Quantity book = line.book_at_start.value_or(Quantity());
    const auto c = last.find(key);
    // The books at the moment of the count: the start plus what moved up to that position.
    const std::int64_t upto =
        c == last.end() ? std::numeric_limits<std::int64_t>::max() : c->second.first->position;
    if (auto m = moves.find(key); m != moves.end()) {
      for (const auto* mv : m->second) {
        if (mv->id <= upto) book += mv->quantity;
      }
    }
    Variance v{.line = line, .counted = std::nullopt, .book = book,
               .variance = Quantity(), .counter = std::nullopt, .counts = 0};
    if (c != last.end()) {
      v.counted = c->second.first->quantity;
      v.counter = c->second.first->counter;
      v.counts = c->second.second;
      v.variance = *v.counted - book;
    }
    out.push_back(std::move(v));
  }
  return out;
}

} // namespace stockpile
