#include "stockpile/movement.hpp"

#include "stockpile/error.hpp"

namespace stockpile {

std::string_view to_string(MovementKind kind) noexcept {
  switch (kind) {
  case MovementKind::Receive: return "receive";
  case MovementKind::Issue: return "issue";
  case MovementKind::TransferOut: return "transfer-out";
  case MovementKind::TransferIn: return "transfer-in";
  case MovementKind::Dispose: return "dispose";
  case MovementKind::Return: return "return";
  case MovementKind::Reverse: return "reverse";
  case MovementKind::Adjust: return "adjust";
  }
  return "?";
}

MovementKind parse_movement_kind(std::string_view text, std::string_view field) {
  for (auto k : {MovementKind::Receive, MovementKind::Issue, MovementKind::TransferOut,
                 MovementKind::TransferIn, MovementKind::Dispose, MovementKind::Return,
                 MovementKind::Reverse, MovementKind::Adjust}) {
    if (text == to_string(k)) return k;
  }
  throw InvalidInput(field, text,
                     "expected receive, issue, transfer, transfer-out, transfer-in, dispose, "
                     "return, reverse or adjust");
}

std::string_view to_string(DisposalReason reason) noexcept {
  switch (reason) {
  case DisposalReason::Expired: return "expired";
  case DisposalReason::Damaged: return "damaged";
  case DisposalReason::Recalled: return "recalled";
  case DisposalReason::Other: return "other";
  }
  return "?";
}

DisposalReason parse_disposal_reason(std::string_view text, std::string_view field) {
  if (text == "expired") return DisposalReason::Expired;
  if (text == "damaged") return DisposalReason::Damaged;
  if (text == "recalled") return DisposalReason::Recalled;
  if (text == "other") return DisposalReason::Other;
  throw InvalidInput(field, text, "expected expired, damaged, recalled or other");
}

} // namespace stockpile
