#include "json_escape.h"

#include <array>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define S1C_ESCAPE_AVX512 1
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

// Sets out's size to `size` without zeroing the bytes added, which the
// escaper writes before anything reads them (resize would first fill them
// all: twice the input, per event).
void GrowUninitialized(std::string& out, size_t size) {
  out.resize_and_overwrite(size, [](char*, size_t n) { return n; });
}

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

#if defined(S1C_ESCAPE_AVX512)
// 32 input bytes per step, with no loop over the quotes they hold: the block
// is spread to 64 bytes as (slot, byte) pairs, each slot set to a backslash,
// and vpcompressb keeps the slots of the quotes and backslashes and every
// byte. Stops at the first block with a control byte (or fewer than 32 bytes
// left), for the per-byte path. REQUIRES 64 writable bytes at `w` for each
// block still to do (the caller's 2x room plus slack gives them).
[[gnu::target("avx512f,avx512bw,avx512vl,avx512vbmi,avx512vbmi2,bmi2,popcnt")]] const unsigned char*
EscapeBlocksAvx512(const unsigned char* p, const unsigned char* end, char** out) {
  char* w = *out;
  const __m512i quote = _mm512_set1_epi8('"');
  const __m512i backslash = _mm512_set1_epi8('\\');
  const __m512i control_max = _mm512_set1_epi8(0x1f);
  // Byte j of the spread block is input byte j / 2.
  alignas(64) static constexpr std::array<uint8_t, 64> kSpread = [] {
    std::array<uint8_t, 64> a{};
    for (int j = 0; j < 64; ++j) a[j] = static_cast<uint8_t>(j / 2);
    return a;
  }();
  const __m512i spread = _mm512_load_si512(kSpread.data());
  constexpr uint64_t kSlots = 0x5555555555555555;  // Even bytes: the backslash slots.
  constexpr uint64_t kBlock = 0xffffffff;          // The 32 bytes loaded; the rest are 0.
  while (end - p >= 32) {
    // The page was inflated and scanned by the prefetch thread, on the other
    // core, and is larger than a core's L2: without this the kernel waits on
    // most of its loads (half its time in a 1M-event backfill). Prefetching
    // is harmless past `end`.
    _mm_prefetch(reinterpret_cast<const char*>(p) + 2048, _MM_HINT_T0);
    const __m512i v = _mm512_maskz_loadu_epi8(kBlock, p);
    if ((_mm512_cmple_epu8_mask(v, control_max) & kBlock) != 0) break;
    const uint64_t specials =
        _mm512_cmpeq_epi8_mask(v, quote) | _mm512_cmpeq_epi8_mask(v, backslash);
    if (specials == 0) {
      _mm512_storeu_si512(w, v);  // 32 bytes, and 32 zeros into the room.
      w += 32;
    } else {
      const __m512i pairs = _mm512_mask_permutexvar_epi8(backslash, ~kSlots, spread, v);
      const uint64_t keep = _pdep_u64(specials, kSlots) | ~kSlots;
      _mm512_storeu_si512(w, _mm512_maskz_compress_epi8(keep, pairs));
      w += 32 + __builtin_popcountll(specials);
    }
    p += 32;
  }
  *out = w;
  return p;
}

bool CpuHasAvx512Escape() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vbmi") &&
         __builtin_cpu_supports("avx512vbmi2") && __builtin_cpu_supports("bmi2") &&
         __builtin_cpu_supports("popcnt");
}
#endif

}  // namespace

bool EscapeKernelAvailable(EscapeKernel kernel) {
#if defined(S1C_ESCAPE_AVX512)
  static const bool avx512 = CpuHasAvx512Escape();
  return kernel == EscapeKernel::kPortable || avx512;
#else
  return kernel == EscapeKernel::kPortable;
#endif
}

void AppendJsonEscaped(std::string& out, std::string_view bytes) {
  static const EscapeKernel best = EscapeKernelAvailable(EscapeKernel::kAvx512)
                                       ? EscapeKernel::kAvx512
                                       : EscapeKernel::kPortable;
  AppendJsonEscapedWith(best, out, bytes);
}

void AppendJsonEscapedWith(EscapeKernel kernel, std::string& out, std::string_view bytes) {
  // Output is written through a pointer into room made up front, never
  // byte by byte through the string. Events are JSON, so a '"' comes every
  // few bytes: rather than stopping the vector scan at each one, a block is
  // copied whole with a backslash before each quote or backslash it holds
  // (the AVX-512 kernel, then 16 bytes at a time with SSE2). The room: 2
  // bytes per input byte (each escape but \u00XX), plus kSlack for the 16-
  // and 64-byte stores that reach past the end of what they keep. A block or
  // tail with a control byte takes the per-byte path, which makes room for
  // \u00XX first.
  constexpr size_t kSlack = 64;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* const end = p + bytes.size();
  const size_t start = out.size();
  GrowUninitialized(out, start + 2 * bytes.size() + kSlack);
  char* w = out.data() + start;

  // Keeps 2 bytes per remaining input byte, plus `extra`, plus the slack,
  // available at `w`.
  auto make_room = [&](size_t extra) {
    const size_t used = static_cast<size_t>(w - out.data());
    const size_t need = used + 2 * static_cast<size_t>(end - p) + extra + kSlack;
    if (need > out.size()) GrowUninitialized(out, need);
    w = out.data() + used;
  };
  // Per byte, for the rare blocks with control bytes and for the tail.
  auto escape_bytes = [&](const unsigned char* stop) {
    make_room(kMaxEscapedByte * static_cast<size_t>(stop - p));
    for (; p < stop; ++p) w = EscapeByte(*p, w);
  };

#if defined(S1C_ESCAPE_AVX512)
  if (kernel == EscapeKernel::kAvx512) {
    while (true) {
      p = EscapeBlocksAvx512(p, end, &w);
      if (end - p < 32) break;
      escape_bytes(p + 32);  // A block with a control byte.
    }
  }
#else
  (void)kernel;
#endif
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
    unsigned specials = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash))));
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
