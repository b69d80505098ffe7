// stockpile receive|issue|transfer|dispose|return|reverse — writing: the movements of the
// reserve (入库, 出库, 调拨, 报废, 回收, 冲正). Each prints the ids it created.
#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>

#include "common.hpp"
#include "stockpile/error.hpp"

namespace stockpile::cli {

namespace {

struct MoveOptions {
  std::string depot, from, to, material, lot, qty, date, actor, production, expiry;
  std::string counterparty, incident, document, note, key, allow_unusable, reason, approver;
  std::string as_of;
  bool expired = false;
  std::vector<std::int64_t> ids;
};


Date date_of(const MoveOptions& o, const Ledger& ledger) {
  return o.date.empty() ? ledger.today() : Date::parse(o.date, "--date");
}

// --qty of a movement. The library refuses zero too, but names the parsed value ("0"); the
// keeper typed "0.0" and should see that.
Quantity qty_of(const MoveOptions& o) {
  const Quantity q = Quantity::parse(o.qty, "--qty");
  if (!q.is_positive()) throw InvalidInput("--qty", o.qty, "must be greater than zero");
  return q;
}

std::optional<LotNumber> lot_of(const MoveOptions& o) {
  if (o.lot.empty()) return std::nullopt;
  return LotNumber(o.lot);
}

std::optional<Date> optional_date(const std::string& text, std::string_view field) {
  if (text.empty()) return std::nullopt;
  return Date::parse(text, field);
}

Paperwork paper_of(const MoveOptions& o) {
  Paperwork p{.counterparty = o.counterparty,
              .incident = std::nullopt,
              .document = o.document,
              .note = o.note,
              .idempotency_key = o.key};
  if (!o.incident.empty()) p.incident = IncidentCode(o.incident);
  return p;
}

void add_paperwork(CLI::App* cmd, MoveOptions& o) {
  not_empty(cmd->add_option("--date", o.date, "The day it happened, YYYY-MM-DD (default: today)"));
  not_empty(cmd->add_option("--actor", o.actor,
                            "Custodian making the movement (default: $STOCKPILE_ACTOR)"));
  cmd->add_option("--counterparty", o.counterparty, "Supplier or recipient");
  cmd->add_option("--incident", o.incident, "Incident the movement serves");
  cmd->add_option("--document", o.document, "Document number (单据号)");
  cmd->add_option("--note", o.note, "Free note");
  cmd->add_option("--idempotency-key", o.key,
                  "Retry-safe key: the same key and request records nothing new");
}

void add_item(CLI::App* cmd, MoveOptions& o, bool lot_help_fefo) {
  cmd->add_option("--material", o.material, "Material code")->required();
  not_empty(cmd->add_option("--lot", o.lot,
                            lot_help_fefo ? "Lot number (default: first expiry first out)"
                                          : "Lot number"));
  cmd->add_option("--qty", o.qty, "Quantity, e.g. 80 or 2.5")->required();
}

// Prints what a write recorded: a line per movement, or the movements as json/csv.
void print_posting(const Posting& p) {
  if (output_format() != OutputFormat::Table) {
    print(movement_table(p.movements, true));
    return;
  }
  fmt::print("{} operation {}:\n", p.replayed ? "already recorded as" : "recorded", p.operation);
  for (const auto& m : p.movements) {
    fmt::print("  movement {}  {}  {} {}  lot {}  at {}{}\n", m.id, to_string(m.kind),
               m.quantity.to_string(), m.material.str(), m.lot.str(), m.depot.str(),
               m.reverses ? fmt::format("  (reverses movement {})", *m.reverses) : "");
  }
}

} // namespace

void setup_movements(CLI::App& app) {
  auto o = std::make_shared<MoveOptions>();

  auto* receive = app.add_subcommand("receive", "Receive goods into a depot (入库)");
  receive->add_option("--depot", o->depot, "Depot code")->required();
  add_item(receive, *o, false);
  receive->add_option("--production", o->production, "Production date, YYYY-MM-DD");
  receive->add_option("--expiry", o->expiry,
                      "Expiry date (default: production date + the material's shelf life)");
  add_paperwork(receive, *o);
  receive->callback([o] {
    auto ledger = open_ledger();
    print_posting(ledger.receive(ReceiveRequest{
        .depot = DepotCode(o->depot),
        .material = MaterialCode(o->material),
        .lot = lot_of(*o),
        .quantity = qty_of(*o),
        .date = date_of(*o, ledger),
        .actor = actor_or_env(o->actor),
        .production = optional_date(o->production, "--production"),
        .expiry = optional_date(o->expiry, "--expiry"),
        .paper = paper_of(*o)}));
  });

  auto* issue = app.add_subcommand("issue", "Issue goods out of a depot (出库), first expiry "
                                            "first out unless --lot names one");
  issue->add_option("--depot", o->depot, "Depot code")->required();
  add_item(issue, *o, true);
  issue->add_option("--allow-unusable", o->allow_unusable,
                    "Reason to issue an expired, quarantined, recalled or damaged lot");
  add_paperwork(issue, *o);
  issue->callback([o] {
    auto ledger = open_ledger();
    print_posting(ledger.issue(IssueRequest{.depot = DepotCode(o->depot),
                                            .material = MaterialCode(o->material),
                                            .lot = lot_of(*o),
                                            .quantity = qty_of(*o),
                                            .date = date_of(*o, ledger),
                                            .actor = actor_or_env(o->actor),
                                            .allow_unusable = o->allow_unusable,
                                            .paper = paper_of(*o)}));
  });

  auto* transfer = app.add_subcommand("transfer", "Move goods between depots (调拨): both legs "
                                                  "in one transaction");
  transfer->add_option("--from", o->from, "Depot the goods leave")->required();
  transfer->add_option("--to", o->to, "Depot the goods arrive at")->required();
  add_item(transfer, *o, true);
  transfer->add_option("--allow-unusable", o->allow_unusable,
                       "Reason to move an expired, quarantined, recalled or damaged lot");
  add_paperwork(transfer, *o);
  transfer->callback([o] {
    auto ledger = open_ledger();
    print_posting(ledger.transfer(TransferRequest{.from = DepotCode(o->from),
                                                  .to = DepotCode(o->to),
                                                  .material = MaterialCode(o->material),
                                                  .lot = lot_of(*o),
                                                  .quantity = qty_of(*o),
                                                  .date = date_of(*o, ledger),
                                                  .actor = actor_or_env(o->actor),
                                                  .allow_unusable = o->allow_unusable,
                                                  .paper = paper_of(*o)}));
  });

  auto* dispose = app.add_subcommand("dispose", "Write off stock (报废) with a reason and a "
                                                "second custodian's approval; --expired writes "
                                                "off every expired lot of the depot");
  dispose->add_option("--depot", o->depot, "Depot code")->required();
  dispose->add_option("--material", o->material, "Material code");
  not_empty(dispose->add_option("--lot", o->lot, "Lot number"));
  dispose->add_option("--qty", o->qty, "Quantity");
  dispose->add_option("--reason", o->reason, "expired, damaged, recalled or other");
  dispose->add_flag("--expired", o->expired, "Every lot expired on --as-of (default today)");
  dispose->add_option("--as-of", o->as_of, "With --expired: the day (default today)");
  dispose->add_option("--approved-by", o->approver, "Approving custodian (not the actor)")
      ->required();
  add_paperwork(dispose, *o);
  dispose->callback([o] {
    auto ledger = open_ledger();
    if (o->expired) {
      if (!o->material.empty() || !o->qty.empty() || !o->lot.empty()) {
        throw UsageError("dispose --expired: leave out --material, --lot and --qty");
      }
      const Date day = !o->as_of.empty()  ? Date::parse(o->as_of, "--as-of")
                       : !o->date.empty() ? Date::parse(o->date, "--date")
                                          : ledger.today();
      const auto p = ledger.dispose_expired(DepotCode(o->depot), day, actor_or_env(o->actor),
                                            CustodianId(o->approver), paper_of(*o));
      if (p.movements.empty() && output_format() == OutputFormat::Table) {
        fmt::print("depot {} holds no lot expired on {}; nothing was written\n", o->depot,
                   day.to_string());
        return;
      }
      print_posting(p);
      return;
    }
    if (!o->as_of.empty()) {
      // Taken alone it would be dropped and the write-off dated today, not the day meant.
      throw UsageError("dispose: --as-of goes with --expired; date a single write-off with "
                       "--date");
    }
    if (o->material.empty() || o->qty.empty() || o->reason.empty()) {
      throw UsageError("dispose: give --material, --qty and --reason (or --expired)");
    }
    print_posting(ledger.dispose(DisposeRequest{.depot = DepotCode(o->depot),
                                                .material = MaterialCode(o->material),
                                                .lot = lot_of(*o),
                                                .quantity = qty_of(*o),
                                                .date = date_of(*o, ledger),
                                                .actor = actor_or_env(o->actor),
                                                .reason = parse_disposal_reason(o->reason),
                                                .approver = CustodianId(o->approver),
                                                .paper = paper_of(*o)}));
  });

  auto* ret = app.add_subcommand("return", "Take recoverable items back after use (回收)");
  ret->add_option("--depot", o->depot, "Depot code")->required();
  add_item(ret, *o, false);
  add_paperwork(ret, *o);
  ret->callback([o] {
    auto ledger = open_ledger();
    print_posting(ledger.return_items(ReturnRequest{.depot = DepotCode(o->depot),
                                                    .material = MaterialCode(o->material),
                                                    .lot = lot_of(*o),
                                                    .quantity = qty_of(*o),
                                                    .date = date_of(*o, ledger),
                                                    .actor = actor_or_env(o->actor),
                                                    .paper = paper_of(*o)}));
  });

  auto* reverse = app.add_subcommand("reverse", "Negate earlier movements (冲正); a transfer "
                                                "leg brings its other leg");
  reverse->add_option("movement", o->ids, "Movement id(s)")
      ->required()
      ->each([](const std::string& id) {
        // CLI11 would clamp an id beyond int64 to its maximum and name that, not what was typed.
        if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos) return;
        const std::string_view all = id;
        const std::string_view n = all.substr(std::min(all.find_first_not_of('0'), all.size()));
        if (n.size() > 19 || (n.size() == 19 && n > "9223372036854775807")) {
          throw InvalidInput("movement", id, "is not a movement id (too large)");
        }
      });
  reverse->add_option("--reason", o->reason, "Why the movement was wrong")->required();
  add_paperwork(reverse, *o);
  reverse->callback([o] {
    auto ledger = open_ledger();
    print_posting(ledger.reverse(ReverseRequest{.movements = o->ids,
                                                .date = date_of(*o, ledger),
                                                .actor = actor_or_env(o->actor),
                                                .reason = o->reason,
                                                .paper = paper_of(*o)}));
  });
}

} // namespace stockpile::cli
