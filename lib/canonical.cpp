#include "canonical.hpp"

#include <array>
#include <string>
#include <sodium.h>
#include <stdexcept>

namespace stockpile::detail {

// Appended by hand rather than through fmt::format: verify hashes every movement, and the
// formatting was a quarter of its time. The bytes are the same ("name:size:value;").
Canonical& Canonical::add(std::string_view name, std::string_view value) {
  bytes_ += name;
  bytes_ += ':';
  bytes_ += std::to_string(value.size());
  bytes_ += ':';
  bytes_ += value;
  bytes_ += ';';
  return *this;
}

Canonical& Canonical::add(std::string_view name, std::int64_t value) {
  return add(name, std::string_view(std::to_string(value)));
}

Canonical& Canonical::add_opt(std::string_view name, const std::optional<std::string>& value) {
  // An absent value and an empty one must differ.
  if (!value) {
    bytes_ += name;
    bytes_ += ":-;";
    return *this;
  }
  return add(name, std::string_view(*value));
}

std::string sha256_hex(std::string_view data) {
  static const int ready = sodium_init(); // thread-safe, idempotent; < 0 only if unusable
  if (ready < 0) throw std::runtime_error("libsodium could not be initialised");
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(data.data()),
                     data.size());
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(digest.size() * 2, '0');
  for (std::size_t i = 0; i < digest.size(); ++i) {
    hex[2 * i] = kDigits[digest[i] >> 4U];
    hex[2 * i + 1] = kDigits[digest[i] & 0x0FU];
  }
  return hex;
}

} // namespace stockpile::detail
