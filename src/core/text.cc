#include "s1c/core/text.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace s1c {

std::string Excerpt(std::string_view bytes, size_t max_bytes,
                    std::initializer_list<std::string_view> redact) {
  // Secrets are matched in the whole input while it is cut, so one that
  // straddles the cut is masked whole instead of leaving its first bytes.
  std::string in;
  in.reserve(std::min(bytes.size(), max_bytes));
  size_t pos = 0;
  bool full = max_bytes == 0;
  while (pos < bytes.size() && !full) {
    bool masked = false;
    for (std::string_view secret : redact) {
      // Too short to be a real secret; masking would garble text.
      if (secret.size() >= 4 && bytes.substr(pos).starts_with(secret)) {
        masked = true;
        full = in.size() + 3 > max_bytes;  // The mask must fit too.
        if (!full) {
          in += "***";
          pos += secret.size();
        }
        break;
      }
    }
    if (!masked) in.push_back(bytes[pos++]);
    full = full || in.size() >= max_bytes;
  }
  const bool cut = pos < bytes.size();
  std::string out;
  out.reserve(in.size() + 3);
  for (size_t i = 0; i < in.size();) {
    const unsigned char c = static_cast<unsigned char>(in[i]);
    if (c < 0x80) {
      out.push_back(c < 0x20 || c == 0x7f ? (c == '\n' || c == '\t' ? ' ' : '?')
                                          : static_cast<char>(c));
      ++i;
      continue;
    }
    // Multi-byte UTF-8: copy the sequence when it is complete and well-formed.
    const size_t len = Utf8SequenceLength(in, i);
    if (len != 0) {
      out.append(in, i, len);
      i += len;
    } else {
      out.push_back('?');
      ++i;
    }
  }
  if (cut) out += "...";
  return out;
}

size_t Utf8SequenceLength(std::string_view text, size_t i) {
  const unsigned char c = static_cast<unsigned char>(text[i]);
  const size_t len = c >= 0xf0 && c < 0xf5   ? 4
                     : c >= 0xe0 && c < 0xf0 ? 3
                     : c >= 0xc2 && c < 0xe0 ? 2
                                             : 0;
  if (len == 0 || i + len > text.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) return 0;
  }
  return len;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string FormatNumber(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

}  // namespace s1c
