// Canonical encodings (internal): an unambiguous byte string for a movement or a request, so
// that equal content gives equal bytes and any change gives different ones. Each field is
// written as "name:length:value;" — lengths make it impossible for one field's text to pass
// for another's.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace stockpile::detail {

// The encoding itself, written into room the caller made: verify encodes a million movements,
// and appending field by field to a std::string was a sixth of its time. Each field needs at
// most its name, its value and kOverhead bytes.
class FieldWriter {
public:
  static constexpr std::size_t kOverhead = 24; // ':', up to 20 digits of size, ':', ';'
  explicit FieldWriter(char* at) noexcept : p_(at) {}

  void field(std::string_view name, std::string_view value) noexcept {
    put(name);
    *p_++ = ':';
    p_ = std::to_chars(p_, p_ + 20, value.size()).ptr;
    *p_++ = ':';
    put(value);
    *p_++ = ';';
  }
  void field(std::string_view name, std::int64_t value) noexcept {
    char digits[20];
    const char* end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    field(name, std::string_view(digits, static_cast<std::size_t>(end - digits)));
  }
  // An absent value ("name:-;") differs from an empty one ("name:0:;").
  void field(std::string_view name, const std::optional<std::string_view>& value) noexcept {
    if (value) return field(name, *value);
    put(name);
    put(":-;");
  }
  [[nodiscard]] char* end() const noexcept { return p_; }

private:
  void put(std::string_view s) noexcept {
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  char* p_;
};

// One field appended to out.
inline void append_field(std::string& out, std::string_view name, std::string_view value) {
  const std::size_t at = out.size();
  out.resize(at + name.size() + value.size() + FieldWriter::kOverhead);
  FieldWriter w(out.data() + at);
  w.field(name, value);
  out.resize(static_cast<std::size_t>(w.end() - out.data()));
}
inline void append_field(std::string& out, std::string_view name, std::int64_t value) {
  char digits[20];
  const char* end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  append_field(out, name, std::string_view(digits, static_cast<std::size_t>(end - digits)));
}
inline void append_field(std::string& out, std::string_view name,
                         const std::optional<std::string_view>& value) {
  if (value) return append_field(out, name, *value);
  out += name;
  out += ":-;";
}

class Canonical {
public:
  Canonical& add(std::string_view name, std::string_view value);
  Canonical& add(std::string_view name, std::int64_t value);
  Canonical& add_opt(std::string_view name, const std::optional<std::string>& value);
  [[nodiscard]] const std::string& bytes() const noexcept { return bytes_; }

private:
  std::string bytes_;
};

// Lowercase hex SHA-256 of data (OpenSSL's libcrypto).
[[nodiscard]] std::string sha256_hex(std::string_view data);
// The same into out[0..64), which must hold 64 characters: no allocation.
void sha256_hex_into(std::string_view data, char* out);

// The genesis "previous hash" of the first movement.
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

} // namespace stockpile::detail
