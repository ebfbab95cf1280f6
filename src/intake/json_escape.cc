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

// The longest output of one input byte (\u00XX).
constexpr size_t kMaxEscapedByte = 6;

// Writes the escaped form of `c` at `w`; returns the position after it.
char* EscapeByte(unsigned char c, char* w) {
  const char e = kEscape[c];
  if (e == 0) {
    *w++ = static_cast<char>(c);
  } else if (e == 'u') {
    std::memcpy(w, "\\u00", 4);
    w[4] = kHex[c >> 4];
    w[5] = kHex[c & 0xf];
    w += 6;
  } else {
    w[0] = '\\';
    w[1] = e;
    w += 2;
  }
  return w;
}

}  // namespace

void AppendJsonEscaped(std::string& out, std::string_view bytes) {
  // Output is written through a pointer into room made up front, never
  // byte by byte through the string. Events are JSON, so a '"' comes every
  // few bytes: rather than stopping the vector scan at each one, a 16-byte
  // block is copied whole and a backslash is slipped in before each quote or
  // backslash it holds. The room: 2 bytes per input byte (each escape but
  // \u00XX), plus kSlack for the 16-byte stores that reach past the end of
  // what they keep. A block or tail with a control byte takes the per-byte
  // path, which makes room for \u00XX first.
  constexpr size_t kSlack = 32;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* const end = p + bytes.size();
  const size_t start = out.size();
  out.resize(start + 2 * bytes.size() + kSlack);
  char* w = out.data() + start;

  // Keeps 2 bytes per remaining input byte, plus `extra`, plus the slack,
  // available at `w`.
  auto make_room = [&](size_t extra) {
    const size_t used = static_cast<size_t>(w - out.data());
    const size_t need = used + 2 * static_cast<size_t>(end - p) + extra + kSlack;
    if (need > out.size()) out.resize(need);
    w = out.data() + used;
  };
  // Per byte, for the rare blocks with control bytes and for the tail.
  auto escape_bytes = [&](const unsigned char* stop) {
    make_room(kMaxEscapedByte * static_cast<size_t>(stop - p));
    for (; p < stop; ++p) w = EscapeByte(*p, w);
  };

#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i control_max = _mm_set1_epi8(0x1f);
  // 32, not 16: the copies below load 16 bytes from inside the block.
  while (end - p >= 32) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const unsigned controls = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_max_epu8(v, control_max), control_max)));
    if (controls != 0) {
      escape_bytes(p + 16);
      continue;
    }
    unsigned specials = static_cast<unsigned>(_mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash))));
    unsigned from = 0;  // Block bytes before `from` are written.
    while (specials != 0) {
      const unsigned at = static_cast<unsigned>(__builtin_ctz(specials));
      // Copies block bytes [from, at) (16 stored, the rest overwritten next),
      // then the backslash; the special byte itself starts the next copy.
      _mm_storeu_si128(reinterpret_cast<__m128i*>(w),
                       _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + from)));
      w += at - from;
      *w++ = '\\';
      from = at;
      specials &= specials - 1;
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w),
                     _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + from)));
    w += 16 - from;
    p += 16;
  }
#endif
  escape_bytes(end);
  out.resize(static_cast<size_t>(w - out.data()));
}

}  // namespace s1c::intake::internal
