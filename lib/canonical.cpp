// The SHA256_* functions are deprecated in OpenSSL 3.0 in favour of EVP (see sha256_hex_into).
#define OPENSSL_API_COMPAT 0x10100000L
#include "canonical.hpp"

#include <array>
#include <charconv>
#include <string>
#include <openssl/sha.h>
#include <stdexcept>

namespace stockpile::detail {


// Appended by hand rather than through fmt::format: verify hashes every movement, and the
// formatting was a quarter of its time. The bytes are the same ("name:size:value;").
Canonical& Canonical::add(std::string_view name, std::string_view value) {
  append_field(bytes_, name, value);
  return *this;
}

Canonical& Canonical::add(std::string_view name, std::int64_t value) {
  append_field(bytes_, name, value);
  return *this;
}

Canonical& Canonical::add_opt(std::string_view name, const std::optional<std::string>& value) {
  append_field(bytes_, name,
               value ? std::optional<std::string_view>(*value) : std::optional<std::string_view>());
  return *this;
}

void sha256_hex_into(std::string_view data, char* out) {
  // OpenSSL's SHA256_* functions, not EVP: EVP's first digest loads the configuration and the
  // providers (1.5-2 ms, on every command: opening a ledger hashes its schema), and each
  // digest through it took a lock that verify's threads shared. These are deprecated since
  // OpenSSL 3.0 (hence OPENSSL_API_COMPAT above) but in every 3.x, and they run the same
  // SHA-NI code: a million 380-byte digests in 0.29 s against EVP's 0.55 s here.
  SHA256_CTX ctx;
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  if (SHA256_Init(&ctx) != 1 || SHA256_Update(&ctx, data.data(), data.size()) != 1 ||
      SHA256_Final(digest.data(), &ctx) != 1) {
    throw std::runtime_error("OpenSSL could not compute a SHA-256 digest");
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  for (std::size_t i = 0; i < digest.size(); ++i) {
    out[2 * i] = kDigits[digest[i] >> 4U];
    out[2 * i + 1] = kDigits[digest[i] & 0x0FU];
  }
}

std::string sha256_hex(std::string_view data) {
  std::string hex(SHA256_DIGEST_LENGTH * 2, '0');
  sha256_hex_into(data, hex.data());
  return hex;
}

} // namespace stockpile::detail
