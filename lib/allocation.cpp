#include "stockpile/allocation.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "stockpile/clock.hpp"

namespace stockpile {

namespace {

using std::chrono::sys_seconds;
// Rate × seconds overflows 64 bits for large rates over long periods; GCC's 128-bit integer
// keeps the production arithmetic exact.
__extension__ typedef __int128 i128;
constexpr std::int64_t kSecondsPerDay = 86'400;

// One source of one material, as the planner sees it.
struct Offer {
  Tier tier = Tier::Physical;
  std::string source;
  std::optional<Lot> lot;
  std::size_t index = 0;     // into snapshot.stock or snapshot.commitments
  sys_seconds from{};        // earliest arrival
  int proximity = 2;         // 0 same district as the destination, 1 same city, 2 other
  bool capacity = false;
  std::int64_t rate = 0;     // capacity: thousandths per day
  sys_seconds until{};       // capacity: production ends (end of the validity period)
  std::string depot_key;     // stock: "depot/material", for the quota floor
};

// Earliest arrival, then tier; within stock: earliest expiry (undated last), nearest depot,
// depot code, lot number; within commitments: code.
bool before(const Offer& a, const Offer& b, sys_seconds a_time, sys_seconds b_time) {
  if (a_time != b_time) return a_time < b_time;
  if (a.tier != b.tier) return static_cast<int>(a.tier) < static_cast<int>(b.tier);
  if (a.lot && b.lot) {
    const auto& ea = a.lot->expiry;
    const auto& eb = b.lot->expiry;
    if (ea.has_value() != eb.has_value()) return ea.has_value();
    if (ea && eb && *ea != *eb) return *ea < *eb;
    if (a.proximity != b.proximity) return a.proximity < b.proximity;
    if (a.source != b.source) return a.source < b.source;
    return a.lot->number.str() < b.lot->number.str();
  }
  return a.source < b.source;
}

class Planner {
public:
  Planner(const PlanningSnapshot& s, sys_seconds at, const AllocationPolicy& p)
      : snap_(s), at_(at), policy_(p) {
    stock_left_.reserve(s.stock.size());
    for (std::size_t i = 0; i < s.stock.size(); ++i) {
      stock_left_.push_back(s.stock[i].on_hand);
      at_depot_[key(s.stock[i].depot, s.stock[i].lot.material)].push_back(i);
    }
    for (const auto& c : s.commitments) commitment_left_.push_back(c.remaining());
    // Production already called is made first: new calls queue behind it.
    for (const auto& c : s.commitments) capacity_used_.push_back(c.called);
    if (!policy_.release_floors) {
      for (const auto& q : s.quotas) floors_[key(q.depot, q.material)] = q.min;
    }
    for (const auto& d : s.depots) places_.emplace(d.depot.str(), d);
  }

  PlanLine plan(const DemandLine& line) {
    PlanLine out{.demand = line, .on_time = {}, .late = {}, .shortfall = {}, .parts = {}};
    need_day_ = local_date(line.need_by, policy_.time_zone);
    unit_ = 1;
    if (auto d = snap_.decimals.find(line.material.str()); d != snap_.decimals.end()) {
      for (int i = d->second; i < Quantity::kDecimals; ++i) unit_ *= 10;
    }
    Quantity left = line.quantity;
    auto offers = offers_for(line);
    std::sort(offers.begin(), offers.end(),
              [](const Offer& a, const Offer& b) { return before(a, b, a.from, b.from); });
    // On time: what each source can have there by the need-by time.
    for (const auto& o : offers) {
      if (!left.is_positive()) break;
      if (o.from > line.need_by) continue;
      const Quantity take = std::min(left, available_by(o, line.need_by));
      if (!take.is_positive()) continue;
      out.parts.push_back(consume(o, take, false));
      out.on_time += take;
      left -= take;
    }
    // Late, earliest first: what arrives after the need-by time.
    while (policy_.allow_late && left.is_positive()) {
      const Offer* best = nullptr;
      sys_seconds best_time{};
      for (const auto& o : offers) {
        const auto t = next_arrival(o);
        if (!t) continue;
        if (!best || before(o, *best, *t, best_time)) {
          best = &o;
          best_time = *t;
        }
      }
      if (!best) break;
      const Quantity take = std::min(left, available_by(*best, sys_seconds::max()));
      if (!take.is_positive()) break;
      out.parts.push_back(consume(*best, take, true));
      out.late += take;
      left -= take;
    }
    out.shortfall = left;
    return out;
  }

private:
  static std::string key(const DepotCode& d, const MaterialCode& m) {
    return d.str() + "/" + m.str();
  }

  std::vector<Offer> offers_for(const DemandLine& line) const {
    std::vector<Offer> offers;
    const Date need_day = local_date(line.need_by, policy_.time_zone);
    std::optional<OrgCode> district, city;
    if (line.to) {
      if (auto it = places_.find(line.to->str()); it != places_.end()) {
        district = it->second.district;
        city = it->second.city;
      }
    }
    for (std::size_t i = 0; i < snap_.stock.size(); ++i) {
      const auto& st = snap_.stock[i];
      if (st.lot.material != line.material || !st.lot.usable_on(need_day)) continue;
      if (line.to && st.depot == *line.to) continue; // it is already there
      auto place = places_.find(st.depot.str());
      Offer o;
      o.index = i;
      o.source = st.depot.str();
      o.lot = st.lot;
      o.depot_key = key(st.depot, st.lot.material);
      o.tier = place != places_.end() ? place->second.tier : Tier::Physical;
      o.from = at_ + (place != places_.end() ? place->second.dispatch : std::chrono::minutes{0});
      if (place != places_.end()) {
        if (district && place->second.district == district) o.proximity = 0;
        else if (city && place->second.city == city) o.proximity = 1;
      }
      offers.push_back(std::move(o));
    }
    for (std::size_t i = 0; i < snap_.commitments.size(); ++i) {
      const auto& c = snap_.commitments[i];
      if (c.material != line.material) continue;
      Offer o;
      o.index = i;
      o.tier = c.tier;
      o.source = c.code.str();
      o.from = at_ + std::chrono::hours{c.lead_time.hours().value_or(0)};
      if (!c.valid_on(local_date(o.from, policy_.time_zone))) continue;
      if (c.tier == Tier::Capacity) {
        o.capacity = true;
        o.rate = c.rate.thousandths();
        o.until = start_of_day(c.valid_to.add_days(1), policy_.time_zone);
        if (o.rate <= 0) continue;
      }
      offers.push_back(std::move(o));
    }
    return offers;
  }

  // What a depot may still give of a material: its stock usable on the need-by day above
  // its quota minimum (expired or blocked stock does not hold the floor up).
  // The depot's lots of the material come from an index built once: scanning the whole
  // snapshot for every offer made a plan quadratic in the lots it could draw on.
  Quantity floor_room(const Offer& o) const {
    Quantity usable;
    if (const auto same = at_depot_.find(o.depot_key); same != at_depot_.end()) {
      for (const std::size_t i : same->second) {
        if (snap_.stock[i].lot.usable_on(need_day_)) usable += stock_left_[i];
      }
    }
    const auto floor = floors_.find(o.depot_key);
    if (floor == floors_.end()) return usable;
    return usable > floor->second ? usable - floor->second : Quantity();
  }

  // What an offer can deliver by time t (capacity: what it has produced by then).
  Quantity available_by(const Offer& o, sys_seconds t) const {
    if (o.lot) {
      return std::min(stock_left_[o.index], floor_room(o));
    }
    const Quantity left = commitment_left_[o.index];
    if (!o.capacity) return left;
    const sys_seconds end = std::min(t, o.until);
    if (end <= o.from) return Quantity();
    const std::int64_t seconds = (end - o.from).count();
    auto produced = static_cast<i128>(o.rate) * seconds / kSecondsPerDay;
    produced -= produced % unit_; // whole units of the material (a coat is not made in quarters)
    const auto already = capacity_used_[o.index].thousandths();
    const i128 can = produced - already;
    if (can <= 0) return Quantity();
    return std::min(left, Quantity::from_thousandths(static_cast<std::int64_t>(
                              std::min<i128>(can, left.thousandths()))));
  }

  // When the next unit from this offer could arrive, if it has anything left.
  std::optional<sys_seconds> next_arrival(const Offer& o) const {
    if (!available_by(o, sys_seconds::max()).is_positive()) return std::nullopt;
    if (!o.capacity) return o.from;
    return completion(o, capacity_used_[o.index] + Quantity::from_thousandths(1));
  }

  // When a capacity source has produced `total` since it started, rounded up to the minute.
  static sys_seconds completion(const Offer& o, Quantity total) {
    const i128 num = static_cast<i128>(total.thousandths()) * kSecondsPerDay;
    auto seconds = static_cast<std::int64_t>((num + o.rate - 1) / o.rate);
    seconds = (seconds + 59) / 60 * 60;
    return o.from + std::chrono::seconds{seconds};
  }

  PlanPart consume(const Offer& o, Quantity take, bool late) {
    PlanPart part{.tier = o.tier,
                  .source = o.source,
                  .lot = o.lot ? std::optional<LotNumber>(o.lot->number) : std::nullopt,
                  .quantity = take,
                  .arrival = o.from,
                  .late = late};
    if (o.lot) {
      stock_left_[o.index] -= take;
    } else {
      commitment_left_[o.index] -= take;
      if (o.capacity) {
        capacity_used_[o.index] += take;
        part.arrival = completion(o, capacity_used_[o.index]);
      }
    }
    return part;
  }

  const PlanningSnapshot& snap_;
  sys_seconds at_;
  AllocationPolicy policy_;
  std::vector<Quantity> stock_left_;
  std::vector<Quantity> commitment_left_;
  std::vector<Quantity> capacity_used_;
  std::map<std::string, Quantity> floors_; // depot/material → quota minimum kept
  // depot/material → its lines in snap_.stock
  std::unordered_map<std::string, std::vector<std::size_t>> at_depot_;
  Date need_day_ = Date::min();              // the line being planned
  std::int64_t unit_ = 1;                    // its material's smallest quantity, thousandths
  std::map<std::string, DepotPlace> places_;
};

} // namespace

AllocationPlan plan_allocation(const PlanningSnapshot& snapshot,
                               const std::vector<DemandLine>& demand, sys_seconds at,
                               const AllocationPolicy& policy) {
  AllocationPlan plan{.at = at, .policy = policy, .lines = {}};
  // Serve the most urgent line first; keep the demand's order in the plan.
  std::vector<std::size_t> order(demand.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return demand[a].need_by < demand[b].need_by;
  });
  Planner planner(snapshot, at, policy);
  std::vector<std::optional<PlanLine>> lines(demand.size());
  for (auto i : order) lines[i] = planner.plan(demand[i]);
  for (auto& l : lines) plan.lines.push_back(std::move(*l));
  return plan;
}

} // namespace stockpile
