#include "json_escape.h"

#include <array>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// Offset of the first byte in [p, end) that needs escaping, or end - p.
size_t PlainRun(const unsigned char* p, const unsigned char* end) {
  const unsigned char* q = p;
#if defined(__SSE2__)
  // 16 bytes at a time: '"', '\\' or anything <= 0x1f.
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i control_max = _mm_set1_epi8(0x1f);
  while (end - q >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    const __m128i hit =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                     _mm_cmpeq_epi8(_mm_max_epu8(v, control_max), control_max));
    const int mask = _mm_movemask_epi8(hit);
    if (mask != 0) return static_cast<size_t>(q - p) + static_cast<size_t>(__builtin_ctz(mask));
    q += 16;
  }
#endif
  while (q < end && kEscape[*q] == 0) ++q;
  return static_cast<size_t>(q - p);
}

}  // namespace

void AppendJsonEscaped(std::string& out, std::string_view bytes) {
  // Runs of plain bytes are copied whole; the output is written through a
  // pointer into room reserved up front (2 bytes per input byte covers every
  // escape but \u00XX, which re-reserves), so there is no per-byte append.
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* const end = p + bytes.size();
  size_t used = out.size();
  out.resize(used + 2 * bytes.size());
  char* w = out.data() + used;
  while (p < end) {
    const size_t run = PlainRun(p, end);
    std::memcpy(w, p, run);
    w += run;
    p += run;
    if (p == end) break;
    const char e = kEscape[*p];
    if (e == 'u') {
      // 6 output bytes for 1 input byte: make sure they fit.
      used = static_cast<size_t>(w - out.data());
      out.resize(out.size() + 4);
      w = out.data() + used;
      *w++ = '\\';
      *w++ = 'u';
      *w++ = '0';
      *w++ = '0';
      *w++ = kHex[*p >> 4];
      *w++ = kHex[*p & 0xf];
    } else {
      *w++ = '\\';
      *w++ = e;
    }
    ++p;
  }
  out.resize(static_cast<size_t>(w - out.data()));
}

}  // namespace s1c::intake::internal
