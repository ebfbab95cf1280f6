#include "simulator/cursor.h"

#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <vector>

namespace s1c::sim {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kPrefix = "s1sim:1:";

int DecodeChar(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

template <typename T>
bool ParseNumber(std::string_view text, int base, T* out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out, base);
  return ec == std::errc() && ptr == text.data() + text.size();
}

Status BadCursor() { return InvalidArgument("cursor: Invalid cursor"); }

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v =
        (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == bytes.size()) {
    const uint32_t v = uint8_t(bytes[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return InvalidArgument("bad base64 length");
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = DecodeChar(c);
    if (v < 0) return InvalidArgument("bad base64 character");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

std::string EncodeCursor(const Cursor& cursor) {
  char text[128];
  std::snprintf(text, sizeof(text), "s1sim:1:%" PRId64 ":%" PRIu64 ":%" PRId64 ":%016" PRIx64,
                cursor.after.time_us, cursor.after.id, cursor.after.other_us, cursor.filter_hash);
  return Base64Encode(text);
}

Result<Cursor> DecodeCursor(std::string_view text) {
  auto plain = Base64Decode(text);
  if (!plain.ok()) return BadCursor();
  std::string_view rest = *plain;
  if (!rest.starts_with(kPrefix)) return BadCursor();
  rest.remove_prefix(kPrefix.size());
  std::vector<std::string_view> parts;
  for (size_t colon; (colon = rest.find(':')) != std::string_view::npos;
       rest.remove_prefix(colon + 1)) {
    parts.push_back(rest.substr(0, colon));
  }
  parts.push_back(rest);
  Cursor cursor;
  if (parts.size() != 4 || parts[3].size() != 16 ||
      !ParseNumber(parts[0], 10, &cursor.after.time_us) ||
      !ParseNumber(parts[1], 10, &cursor.after.id) ||
      !ParseNumber(parts[2], 10, &cursor.after.other_us) ||
      !ParseNumber(parts[3], 16, &cursor.filter_hash)) {
    return BadCursor();
  }
  return cursor;
}

}  // namespace s1c::sim
