// Custodian: a named person responsible for reserves. Roles: keeper (保管员) who receives,
// issues and counts; responsible person (责任人) who answers for a depot or an enterprise's
// reserve; inspector who runs scheduled inspections. Every movement names a custodian.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "stockpile/codes.hpp"

namespace stockpile {

enum class Role { Keeper, Responsible, Inspector };

[[nodiscard]] std::string_view to_string(Role role) noexcept;
// Accepts keeper|responsible|inspector (also 保管员, 责任人, 检查员); throws InvalidInput.
[[nodiscard]] Role parse_role(std::string_view text, std::string_view field = "--role");
// A comma-separated list; sorted, without duplicates.
[[nodiscard]] std::vector<Role> parse_roles(std::string_view text,
                                            std::string_view field = "--roles");

struct Custodian {
  CustodianId id;
  std::string name;
  std::string phone;
  std::vector<Role> roles;
  std::vector<DepotCode> depots; // assignments, filled in by the ledger when listing
};

void validate(const Custodian& custodian);

} // namespace stockpile
