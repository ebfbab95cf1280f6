#include "json_escape.h"

#include <array>
#include <cstdint>

namespace s1c::intake::internal {
namespace {

// For each byte: 0 = copy as is, otherwise the character after the backslash
// ('u' meaning the \u00XX form).
constexpr std::array<char, 256> MakeEscapeTable() {
  std::array<char, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = 'u';
  table['\b'] = 'b';
  table['\f'] = 'f';
  table['\n'] = 'n';
  table['\r'] = 'r';
  table['\t'] = 't';
  table['"'] = '"';
  table['\\'] = '\\';
  return table;
}

constexpr std::array<char, 256> kEscape = MakeEscapeTable();
constexpr char kHex[] = "0123456789abcdef";

}  // namespace

void AppendJsonEscaped(std::string& out, std::string_view bytes) {
  size_t run_start = 0;  // Start of the pending run of bytes copied as is.
  for (size_t i = 0; i < bytes.size(); ++i) {
    const char e = kEscape[static_cast<uint8_t>(bytes[i])];
    if (e == 0) continue;
    out.append(bytes.data() + run_start, i - run_start);
    run_start = i + 1;
    out.push_back('\\');
    out.push_back(e);
    if (e == 'u') {
      const auto c = static_cast<uint8_t>(bytes[i]);
      out.append("00");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  out.append(bytes.data() + run_start, bytes.size() - run_start);
}

}  // namespace s1c::intake::internal
