// Movement (出入库记录): one line of the ledger. Movements are append-only; a mistake is
// corrected by a reversal (冲正) that negates it. Each movement carries the SHA-256 of the
// previous movement's hash and its own content, so a quiet edit breaks the chain.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stockpile/codes.hpp"
#include "stockpile/date.hpp"
#include "stockpile/quantity.hpp"

namespace stockpile {

enum class MovementKind {
  Receive,     // 入库: into a depot; creates the lot if new
  Issue,       // 出库: out of a depot, first expiry first out unless a lot is named
  TransferOut, // 调拨 (out leg): the source depot's side of a transfer
  TransferIn,  // 调拨 (in leg): the destination depot's side
  Dispose,     // 报废: written off with a reason and an approver
  Return,      // 回收: recoverable items back after an incident
  Reverse,     // 冲正: negates one earlier movement
  Adjust,      // 盘盈/盘亏: a stocktake's correction
};

[[nodiscard]] std::string_view to_string(MovementKind kind) noexcept;
// receive|issue|transfer-out|transfer-in|transfer (both legs)|dispose|return|reverse|adjust.
[[nodiscard]] MovementKind parse_movement_kind(std::string_view text,
                                               std::string_view field = "--kind");

enum class DisposalReason { Expired, Damaged, Recalled, Other };
[[nodiscard]] std::string_view to_string(DisposalReason reason) noexcept;
[[nodiscard]] DisposalReason parse_disposal_reason(std::string_view text,
                                                   std::string_view field = "--reason");

struct Movement {
  std::int64_t id = 0;        // stable, increasing, never reused
  std::int64_t operation = 0; // the write it belongs to (a transfer's two legs share one)
  Date date;                  // the day it happened
  std::string recorded_at;    // when it was recorded, UTC ISO 8601
  MovementKind kind = MovementKind::Receive;
  DepotCode depot;
  MaterialCode material;
  LotNumber lot;
  Quantity quantity; // signed: + into the depot, − out of it
  CustodianId actor;
  std::string counterparty; // supplier or recipient
  std::optional<IncidentCode> incident;
  std::string document; // 单据号
  std::string reason;   // disposal reason, or the reason for a reversal or adjustment
  std::string note;
  std::optional<CustodianId> approver;
  std::string unusable_reason; // why an unusable lot was moved anyway (--allow-unusable)
  std::optional<std::int64_t> reverses;
  std::string hash; // hex SHA-256
};

// What a person writes on the paperwork of any movement.
struct Paperwork {
  std::string counterparty;
  std::optional<IncidentCode> incident;
  std::string document;
  std::string note;
  // Same key and same request: nothing new is written and the original is returned.
  // Same key and a different request: an error.
  std::string idempotency_key;
};

struct ReceiveRequest {
  DepotCode depot;
  MaterialCode material;
  std::optional<LotNumber> lot; // required for lot-tracked materials
  Quantity quantity;
  Date date;
  CustodianId actor;
  std::optional<Date> production;
  std::optional<Date> expiry; // else production + the material's shelf life
  Paperwork paper;
};

struct IssueRequest {
  DepotCode depot;
  MaterialCode material;
  std::optional<LotNumber> lot; // none: first expiry first out across usable lots
  Quantity quantity;
  Date date;
  CustodianId actor;
  std::string allow_unusable; // non-empty: the reason an unusable lot may go out anyway
  Paperwork paper;
};

struct TransferRequest {
  DepotCode from;
  DepotCode to;
  MaterialCode material;
  std::optional<LotNumber> lot; // none: first expiry first out
  Quantity quantity;
  Date date;
  CustodianId actor;
  std::string allow_unusable;
  Paperwork paper;
};

struct DisposeRequest {
  DepotCode depot;
  MaterialCode material;
  std::optional<LotNumber> lot; // required for lot-tracked materials
  Quantity quantity;
  Date date;
  CustodianId actor;
  DisposalReason reason = DisposalReason::Other;
  CustodianId approver; // a custodian other than the actor
  Paperwork paper;
};

struct ReturnRequest {
  DepotCode depot;
  MaterialCode material;
  std::optional<LotNumber> lot; // the lot that went out; required for lot-tracked materials
  Quantity quantity;
  Date date;
  CustodianId actor;
  Paperwork paper; // paper.incident ties the return to the incident it served
};

struct ReverseRequest {
  std::vector<std::int64_t> movements; // a transfer leg brings its other leg along
  Date date;
  CustodianId actor;
  std::string reason;
  Paperwork paper;
};

// What a write created.
struct Posting {
  std::int64_t operation = 0;
  std::vector<Movement> movements;
  bool replayed = false; // true: an earlier write with the same idempotency key
};

} // namespace stockpile
