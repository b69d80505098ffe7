// stockpile stock|lots|ledger|verify — read-only; lot-status — writing.
#include <fmt/format.h>

#include "common.hpp"
#include "stockpile/error.hpp"

namespace stockpile::cli {

namespace {

struct QueryOptions {
  std::string depot, material, lot, org, kind, incident, from, to, as_of, by = "depot";
  std::string status, reason, actor, expect_head;
  bool zero = false;
};

template <class T> std::optional<T> opt_code(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return T(s);
}

std::optional<Date> opt_date(const std::string& s, std::string_view field) {
  if (s.empty()) return std::nullopt;
  return Date::parse(s, field);
}

} // namespace

void setup_stock(CLI::App& app) {
  auto o = std::make_shared<QueryOptions>();

  auto* stock = app.add_subcommand("stock", "On-hand stock (库存)");
  stock->add_option("--depot", o->depot, "Only this depot");
  stock->add_option("--material", o->material, "Only this material");
  stock->add_option("--org", o->org, "Only depots of this organisation and those below it");
  stock->add_option("--by", o->by, "Rows per depot (default), material, lot or tier");
  stock->add_option("--as-of", o->as_of, "The balance at the end of this day, YYYY-MM-DD");
  stock->callback([o] {
    const auto by = parse_stock_grouping(o->by);
    StockQuery q{.depot = opt_code<DepotCode>(o->depot),
                 .material = opt_code<MaterialCode>(o->material),
                 .org = opt_code<OrgCode>(o->org),
                 .as_of = opt_date(o->as_of, "--as-of"),
                 .include_zero = false};
    auto ledger = open_ledger();
    StockTable table(by, q.as_of.value_or(ledger.today()));
    ledger.for_each_stock_total(q, by, [&](const StockTotal& t) { table.add(t); });
    print(std::move(table).take());
  });

  auto* lots = app.add_subcommand("lots", "Lots (批次) with their dates and status");
  lots->add_option("--material", o->material, "Only this material");
  lots->callback([o] {
    auto ledger = open_ledger();
    const Date today = ledger.today();
    Table t({Column{"material"}, Column{"lot"}, Column{"production"}, Column{"expiry"},
             Column{"status"}, Column{"expired"}});
    for (const auto& l : ledger.lots(opt_code<MaterialCode>(o->material))) {
      t.add_row({Cell::str(l.material.str()), Cell::str(l.number.str()),
                 l.production ? Cell::str(l.production->to_string()) : Cell::null(),
                 l.expiry ? Cell::str(l.expiry->to_string()) : Cell::null(),
                 Cell::str(std::string(to_string(l.status))), Cell::boolean(l.expired_on(today))});
    }
    print(t);
  });

  auto* status = app.add_subcommand("lot-status", "Quarantine, recall, damage or release a lot");
  status->add_option("--material", o->material, "Material code")->required();
  status->add_option("--lot", o->lot, "Lot number")->required();
  status->add_option("--status", o->status, "available, quarantined, recalled or damaged")
      ->required();
  status->add_option("--reason", o->reason, "Why")->required();
  not_empty(status->add_option("--actor", o->actor, "Custodian (default: $STOCKPILE_ACTOR)"));
  status->callback([o] {
    const auto s = parse_lot_status(o->status);
    open_ledger().set_lot_status(MaterialCode(o->material), LotNumber(o->lot), s,
                                 actor_or_env(o->actor), o->reason);
    say(fmt::format("lot {} of {} is now {}", o->lot, o->material, to_string(s)));
  });

  auto* history = app.add_subcommand("ledger", "The movement history (台账明细)");
  history->add_option("--depot", o->depot, "Only this depot");
  history->add_option("--material", o->material, "Only this material");
  history->add_option("--lot", o->lot, "Only this lot");
  history->add_option("--kind", o->kind, "receive, issue, transfer, dispose, return, reverse ...");
  history->add_option("--incident", o->incident, "Only movements for this incident");
  history->add_option("--from", o->from, "From this day, YYYY-MM-DD");
  history->add_option("--to", o->to, "Through this day, YYYY-MM-DD");
  history->callback([o] {
    MovementQuery q{.depot = opt_code<DepotCode>(o->depot),
                    .material = opt_code<MaterialCode>(o->material),
                    .lot = opt_code<LotNumber>(o->lot),
                    .kind = std::nullopt,
                    .transfers = o->kind == "transfer",
                    .incident = opt_code<IncidentCode>(o->incident),
                    .from = opt_date(o->from, "--from"),
                    .to = opt_date(o->to, "--to")};
    if (!o->kind.empty() && !q.transfers) q.kind = parse_movement_kind(o->kind);
    print(movement_table(open_ledger().movements(q), output_format() != OutputFormat::Table));
  });

  auto* verify = app.add_subcommand("verify", "Recompute the hash chain and the balances; exit 3 "
                                              "naming the first problem");
  not_empty(verify->add_option("--expect-head", o->expect_head,
                     "A head hash written down earlier: the ledger must still hold that history"));
  verify->callback([o] {
    auto report = open_ledger().verify(o->expect_head.empty()
                                           ? std::nullopt
                                           : std::optional<std::string>(o->expect_head));
    if (output_format() == OutputFormat::Table) {
      fmt::print("ok: {} movements, head {}\n", report.movements,
                 report.head_hash.empty() ? "(none)" : report.head_hash);
    } else {
      Table t({Column{"movements"}, Column{"head_hash"}});
      t.add_row({Cell::num(std::to_string(report.movements)), Cell::str(report.head_hash)});
      print(t);
    }
  });
}

} // namespace stockpile::cli
