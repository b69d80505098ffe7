// The ledger as a plain-text journal that ledger (3.3) and hledger (1.25) both read: double
// entry over quantities instead of money. Each movement posts to the account of what is on
// hand, depot:DEPOT:MATERIAL:LOT, in the material as a quoted commodity (10 "TENT-12"), and is
// balanced by flow:KIND, so `bal ^depot` is the stock per depot, material and lot and
// `bal ^flow` the receipts, issues, transfers... of the period. One transaction per operation,
// dated by the movement date, in the order recorded.
#include <fmt/format.h>

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "export_detail.hpp"
#include "stockpile/table.hpp"

namespace stockpile::detail {

namespace {

// Free text on the transaction line: no control characters (a line break would end the
// transaction), no ';' (starts a comment), no '|' (hledger's payee|note split); runs of blanks
// become one space, so two spaces never end the description early.
std::string journal_text(std::string_view text) {
  std::string out;
  bool blank = true; // drops leading blanks
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const bool space = u < 0x20 || u == 0x7F || c == ' ' || c == ';' || c == '|';
    if (space) {
      if (!blank) out += ' ';
      blank = true;
      continue;
    }
    out += c;
    blank = false;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// One part of an account name. Codes are already letters, digits, '-', '_', '.' and non-ASCII
// letters; anything else (':' would add a level, spaces end the name, ';' '(' '[' '@' '"'
// mean something to the parsers) becomes '_', in case a ledger file holds what codes forbid.
std::string account_part(std::string_view code) {
  std::string out;
  for (const char c : code) {
    const auto u = static_cast<unsigned char>(c);
    const bool ok = u >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    out += ok ? c : '_';
  }
  return out.empty() ? std::string("_") : out;
}

// The material code as a quoted commodity: quoting lets it hold digits and '-'.
std::string commodity(std::string_view code) {
  std::string out = "\"";
  for (const char c : code) {
    const auto u = static_cast<unsigned char>(c);
    out += (c == '"' || u < 0x20 || u == 0x7F) ? '_' : c;
  }
  out += '"';
  return out;
}

struct Posting {
  std::string account;
  std::string amount;
  std::string comment;
};

void write_posting(std::ostream& out, const Posting& p) {
  // Account, at least two spaces, the amount right-aligned: the layout both tools print.
  constexpr std::size_t kAmountEnd = 64;
  const std::size_t used = 4 + display_width(p.account) + display_width(p.amount);
  const std::size_t pad = used + 2 <= kAmountEnd ? kAmountEnd - used : 2;
  out << "    " << p.account << std::string(pad, ' ') << p.amount;
  if (!p.comment.empty()) out << "  ; " << p.comment;
  out << '\n';
}

std::string on_hand_account(std::string_view depot, std::string_view material,
                            std::string_view lot) {
  return fmt::format("depot:{}:{}:{}", account_part(depot), account_part(material),
                     account_part(lot));
}

std::string amount(Quantity q, int decimals, std::string_view material) {
  return fmt::format("{} {}", fixed_decimals(q, decimals), commodity(material));
}

// One operation's movements, all dated the same day.
void write_transaction(std::ostream& out, const std::vector<MovementRecord>& op) {
  const Movement& first = op.front().movement;
  bool transfer = false;
  std::vector<std::string> kinds;
  for (const auto& r : op) {
    const auto kind = r.movement.kind;
    if (kind == MovementKind::TransferOut || kind == MovementKind::TransferIn) {
      transfer = true;
      continue;
    }
    const std::string k(to_string(kind));
    if (std::find(kinds.begin(), kinds.end(), k) == kinds.end()) kinds.push_back(k);
  }
  if (transfer) kinds.insert(kinds.begin(), "transfer");

  std::string description;
  const auto add = [&](const std::string& part) {
    const std::string clean = journal_text(part);
    if (clean.empty()) return;
    if (!description.empty()) description += " / ";
    description += clean;
  };
  std::string joined;
  for (const auto& k : kinds) joined += (joined.empty() ? "" : "+") + k;
  add(joined);
  add(first.document);
  add(first.counterparty);
  if (first.incident) add("incident " + first.incident->str());
  add(first.reason);
  add(first.note);

  out << '\n' << first.date.to_string() << " * (" << first.operation << ") " << description
      << '\n';
  for (const auto& r : op) {
    const Movement& m = r.movement;
    const int decimals = std::max(r.decimals, m.quantity.decimals());
    write_posting(out, {on_hand_account(m.depot.str(), m.material.str(), m.lot.str()),
                        amount(m.quantity, decimals, m.material.str()),
                        fmt::format("movement: {}", m.id)});
    write_posting(out, {fmt::format("flow:{}", to_string(m.kind)),
                        amount(-m.quantity, decimals, m.material.str()), {}});
  }
}

// The stock at the end of the day before `from`, as one transaction dated `from`, so that the
// journal's balances are the stock and not only what moved in the period.
void write_opening(const Ledger& ledger, std::ostream& out, const ExportOptions& o) {
  StockQuery q;
  q.depot = o.depot;
  q.org = o.org;
  q.as_of = o.from->add_days(-1);
  const auto lines = ledger.stock(q);
  if (lines.empty()) return;
  std::map<std::string, int> decimals;
  for (const auto& m : ledger.materials()) decimals[m.code.str()] = m.decimals;
  out << '\n'
      << o.from->to_string() << " * opening balances: stock at the end of "
      << q.as_of->to_string() << '\n';
  for (const auto& l : lines) {
    const int d = std::max(decimals[l.material.str()], l.quantity.decimals());
    write_posting(out, {on_hand_account(l.depot.str(), l.material.str(), l.lot.number.str()),
                        amount(l.quantity, d, l.material.str()), {}});
    write_posting(out, {"equity:opening", amount(-l.quantity, d, l.material.str()), {}});
  }
}

} // namespace

void write_journal(const Ledger& ledger, std::ostream& out, const ExportOptions& o,
                   const MovementQuery& query, ExportProgress& progress) {
  out << "; stockpile ledger export (台账导出) as a journal for ledger and hledger.\n"
         "; One transaction per operation, in the order recorded; quantities are exact, in each\n"
         "; material's unit, with the material code as the commodity. Accounts:\n"
         ";   depot:DEPOT:MATERIAL:LOT  on hand (the implicit lot of a material without lots: -)\n"
         ";   flow:KIND                 where it came from or went (receive, issue, transfer-out,\n"
         ";                             transfer-in, dispose, return, reverse, adjust)\n"
         ";   equity:opening            the stock before the first day exported\n"
         "; Stock per depot, material and lot:  ledger -f FILE bal ^depot --flat\n";
  if (o.from) write_opening(ledger, out, o);
  std::vector<MovementRecord> op;
  ledger.for_each_movement(query, o.org, [&](const MovementRecord& r) {
    if (!op.empty() && op.front().movement.operation != r.movement.operation) {
      write_transaction(out, op);
      op.clear();
    }
    op.push_back(r);
    progress.tick();
  });
  if (!op.empty()) write_transaction(out, op);
}

} // namespace stockpile::detail
