#include "stockpile/error.hpp"

#include <fmt/format.h>

#include "stockpile/codes.hpp"

namespace stockpile {

std::string quote(std::string_view value) {
  std::string out = "\"";
  constexpr std::size_t kMaxShown = 80; // characters: a 10 kB field must not flood the terminal
  std::size_t shown = 0;
  for (std::size_t i = 0; i < value.size(); ++shown) {
    if (shown == kMaxShown) {
      out += "...";
      break;
    }
    const char c = value[i];
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      // Whole characters only: cutting inside one, or passing on a stray byte, would make
      // the message itself invalid UTF-8.
      if (const std::size_t len = detail::utf8_sequence_length(value, i); len > 0) {
        out.append(value.substr(i, len));
        i += len;
      } else {
        out += fmt::format("\\x{:02x}", u);
        ++i;
      }
      continue;
    }
    ++i;
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

InvalidInput::InvalidInput(std::string_view field, std::string_view value,
                           std::string_view expected)
    : Error(fmt::format("{} {}: {}", field, quote(value), expected)) {}

NotFound::NotFound(std::string_view what, std::string_view code)
    : Error(fmt::format("{} {}: no such {} in the ledger", what, quote(code), what)) {}

AlreadyExists::AlreadyExists(std::string_view what, std::string_view code)
    : Error(fmt::format("{} {}: already exists", what, quote(code))) {}

namespace {
std::string import_summary(const std::string& source, const std::vector<RowError>& errors) {
  std::string out;
  for (const auto& e : errors) {
    if (!out.empty()) out += '\n';
    out += fmt::format("{}:{}: {}", source, e.line, e.message);
  }
  if (errors.size() != 1) {
    out += fmt::format("\n{}: {} errors; nothing was written", source, errors.size());
  }
  return out;
}
} // namespace

ImportError::ImportError(std::string source, std::vector<RowError> errors)
    : InvalidInput(import_summary(source, errors)), source_(std::move(source)),
      errors_(std::move(errors)) {}

} // namespace stockpile
