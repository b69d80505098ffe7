// Reads one part (an XML file) out of an .xlsx workbook, for tests: an .xlsx is a zip archive
// whose parts libxlsxwriter deflates. The central directory at the end of the archive gives
// each part's name, method and offset; zlib inflates it. Enough for the files libxlsxwriter
// writes (no zip64, no encryption); anything else fails the test that asked.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "stockpile/csv.hpp"

namespace stockpile::testing {

namespace zip_detail {

inline std::uint32_t le(const std::string& s, std::size_t at, int bytes) {
  if (at + static_cast<std::size_t>(bytes) > s.size()) throw std::runtime_error("zip: truncated");
  std::uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) {
    v = (v << 8U) | static_cast<unsigned char>(s[at + static_cast<std::size_t>(i)]);
  }
  return v;
}

inline std::string inflate_raw(const std::string& data, std::size_t size) {
  std::string out(size, '\0');
  z_stream z{};
  if (inflateInit2(&z, -MAX_WBITS) != Z_OK) throw std::runtime_error("zip: inflateInit2");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&z, Z_FINISH);
  inflateEnd(&z);
  if (rc != Z_STREAM_END || z.total_out != size) throw std::runtime_error("zip: bad deflate data");
  return out;
}

} // namespace zip_detail

// The uncompressed content of `part` (e.g. "xl/worksheets/sheet1.xml"); throws if absent.
inline std::string xlsx_part(const std::filesystem::path& file, const std::string& part) {
  using zip_detail::le;
  const std::string zip = read_file(file);
  // End of central directory: signature 0x06054b50, at most 64 KiB of comment after it.
  std::size_t eocd = std::string::npos;
  for (std::size_t i = zip.size() >= 22 ? zip.size() - 22 : 0;; --i) {
    if (le(zip, i, 4) == 0x06054b50U) {
      eocd = i;
      break;
    }
    if (i == 0 || zip.size() - i > 22 + 65535) break;
  }
  if (eocd == std::string::npos) throw std::runtime_error("zip: no end of central directory");
  const std::uint32_t entries = le(zip, eocd + 10, 2);
  std::size_t at = le(zip, eocd + 16, 4);
  for (std::uint32_t n = 0; n < entries; ++n) {
    if (le(zip, at, 4) != 0x02014b50U) throw std::runtime_error("zip: bad central directory");
    const std::uint32_t method = le(zip, at + 10, 2);
    const std::uint32_t compressed = le(zip, at + 20, 4);
    const std::uint32_t size = le(zip, at + 24, 4);
    const std::uint32_t name_len = le(zip, at + 28, 2);
    const std::uint32_t extra_len = le(zip, at + 30, 2);
    const std::uint32_t comment_len = le(zip, at + 32, 2);
    const std::uint32_t local = le(zip, at + 42, 4);
    const std::string name = zip.substr(at + 46, name_len);
    at += 46 + name_len + extra_len + comment_len;
    if (name != part) continue;
    // The local header repeats name and extra field with lengths of its own.
    const std::size_t data = local + 30 + le(zip, local + 26, 2) + le(zip, local + 28, 2);
    const std::string raw = zip.substr(data, compressed);
    if (method == 0) return raw;
    if (method == 8) return zip_detail::inflate_raw(raw, size);
    throw std::runtime_error("zip: unsupported method");
  }
  throw std::runtime_error("zip: no part " + part);
}

} // namespace stockpile::testing
