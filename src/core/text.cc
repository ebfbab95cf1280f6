#include "s1c/core/text.h"

namespace s1c {

std::string Excerpt(std::string_view bytes, size_t max_bytes,
                    std::initializer_list<std::string_view> redact) {
  std::string in(bytes.substr(0, max_bytes));
  for (std::string_view secret : redact) {
    if (secret.size() < 4) continue;  // Too short to be a real secret; masking would garble text.
    for (size_t pos = in.find(secret); pos != std::string::npos; pos = in.find(secret, pos)) {
      in.replace(pos, secret.size(), "***");
    }
  }
  std::string out;
  out.reserve(in.size() + 3);
  for (size_t i = 0; i < in.size();) {
    const unsigned char c = static_cast<unsigned char>(in[i]);
    if (c < 0x80) {
      out.push_back(c < 0x20 || c == 0x7f ? (c == '\n' || c == '\t' ? ' ' : '?') : static_cast<char>(c));
      ++i;
      continue;
    }
    // Multi-byte UTF-8: copy the sequence when it is complete and well-formed.
    const size_t len = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
    bool valid = len != 0 && i + len <= in.size();
    for (size_t k = 1; valid && k < len; ++k) {
      valid = (static_cast<unsigned char>(in[i + k]) & 0xc0) == 0x80;
    }
    if (valid) {
      out.append(in, i, len);
      i += len;
    } else {
      out.push_back('?');
      ++i;
    }
  }
  if (bytes.size() > max_bytes) out += "...";
  return out;
}

}  // namespace s1c
