// Canonical encodings (internal): an unambiguous byte string for a movement or a request, so
// that equal content gives equal bytes and any change gives different ones. Each field is
// written as "name:length:value;" — lengths make it impossible for one field's text to pass
// for another's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stockpile::detail {

class Canonical {
public:
  Canonical& add(std::string_view name, std::string_view value);
  Canonical& add(std::string_view name, std::int64_t value);
  Canonical& add_opt(std::string_view name, const std::optional<std::string>& value);
  [[nodiscard]] const std::string& bytes() const noexcept { return bytes_; }

private:
  std::string bytes_;
};

// Lowercase hex SHA-256 of data (libsodium).
[[nodiscard]] std::string sha256_hex(std::string_view data);

// The genesis "previous hash" of the first movement.
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

} // namespace stockpile::detail
