#include "canonical.hpp"

#include <array>
#include <fmt/format.h>
#include <sodium.h>
#include <stdexcept>

namespace stockpile::detail {

Canonical& Canonical::add(std::string_view name, std::string_view value) {
  bytes_ += fmt::format("{}:{}:", name, value.size());
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
    bytes_ += fmt::format("{}:-;", name);
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
  std::string hex;
  hex.reserve(digest.size() * 2);
  for (unsigned char b : digest) hex += fmt::format("{:02x}", b);
  return hex;
}

} // namespace stockpile::detail
