#include "utf8.h"

#include <cstdint>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define S1C_UTF8_SSSE3 1
#endif

namespace s1c::s1::utf8 {
namespace {

// Length of the well-formed sequence at [p, end), or 0 if there is none.
int SequenceLength(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = p[0];
  if (c < 0x80) return 1;
  int len;
  unsigned char lo = 0x80, hi = 0xBF;  // Range of the second byte.
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  for (int i = 1; i < len; ++i) {
    if (p + i >= end) return 0;
    const unsigned char b = p[i];
    if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return 0;
  }
  return len;
}

#if defined(S1C_UTF8_SSSE3)
// Keiser and Lemire's check ("Validating UTF-8 in less than one instruction
// per byte", 2021): each byte and the one before it index three 16-entry
// tables by nibble; the AND of the three is nonzero where the pair is ill-
// formed, each bit naming one kind of error. Bit 7 (two continuations in a
// row) is an error only where no lead two or three bytes back asked for it.
namespace bits {
constexpr uint8_t kTooShort = 1 << 0;      // A lead, then not a continuation.
constexpr uint8_t kTooLong = 1 << 1;       // ASCII, then a continuation.
constexpr uint8_t kOverlong3 = 1 << 2;     // E0 80..9F.
constexpr uint8_t kTooLarge = 1 << 3;      // F4..FF 90..BF.
constexpr uint8_t kSurrogate = 1 << 4;     // ED A0..BF.
constexpr uint8_t kOverlong2 = 1 << 5;     // C0..C1 80..BF.
constexpr uint8_t kTooLarge1000 = 1 << 6;  // F5..FF 80..8F, sharing a bit with
constexpr uint8_t kOverlong4 = 1 << 6;     // F0 80..8F.
constexpr uint8_t kTwoConts = 1 << 7;      // A continuation, then a continuation.
// Shorthands: the errors whatever the low nibble of the byte before, those
// of a code point above U+10FFFF, and those a continuation can complete.
constexpr uint8_t kCarry = kTooShort | kTooLong | kTwoConts;
constexpr uint8_t kAbove10ffff = kTooLarge | kTooLarge1000;
constexpr uint8_t kContinuation = kTooLong | kOverlong2 | kTwoConts;
}  // namespace bits

// Indexed by the high nibble of the byte before.
constexpr uint8_t kFirstHigh[16] = {
    bits::kTooLong,  // 0-7: ASCII.
    bits::kTooLong,
    bits::kTooLong,
    bits::kTooLong,
    bits::kTooLong,
    bits::kTooLong,
    bits::kTooLong,
    bits::kTooLong,
    bits::kTwoConts,  // 8-B: a continuation.
    bits::kTwoConts,
    bits::kTwoConts,
    bits::kTwoConts,
    bits::kTooShort | bits::kOverlong2,                       // C: lead of two.
    bits::kTooShort,                                          // D: lead of two.
    bits::kTooShort | bits::kOverlong3 | bits::kSurrogate,    // E: lead of three.
    bits::kTooShort | bits::kAbove10ffff | bits::kOverlong4,  // F: lead of four (or worse).
};
// Indexed by the low nibble of the byte before.
constexpr uint8_t kFirstLow[16] = {
    bits::kCarry | bits::kOverlong2 | bits::kOverlong3 | bits::kOverlong4,  // C0, E0, F0.
    bits::kCarry | bits::kOverlong2,                                        // C1.
    bits::kCarry,
    bits::kCarry,
    bits::kCarry | bits::kTooLarge,     // F4: only 80..8F may follow.
    bits::kCarry | bits::kAbove10ffff,  // F5..FF.
    bits::kCarry | bits::kAbove10ffff,
    bits::kCarry | bits::kAbove10ffff,
    bits::kCarry | bits::kAbove10ffff,
    bits::kCarry | bits::kAbove10ffff,
    bits::kCarry | bits::kAbove10ffff,
    bits::kCarry | bits::kAbove10ffff,
    bits::kCarry | bits::kAbove10ffff,
    bits::kCarry | bits::kAbove10ffff | bits::kSurrogate,  // ED.
    bits::kCarry | bits::kAbove10ffff,
    bits::kCarry | bits::kAbove10ffff,
};
// Indexed by the high nibble of the byte itself.
constexpr uint8_t kSecondHigh[16] = {
    bits::kTooShort,  // 0-7: ASCII.
    bits::kTooShort,
    bits::kTooShort,
    bits::kTooShort,
    bits::kTooShort,
    bits::kTooShort,
    bits::kTooShort,
    bits::kTooShort,
    bits::kContinuation | bits::kOverlong3 | bits::kTooLarge1000 | bits::kOverlong4,  // 80..8F.
    bits::kContinuation | bits::kOverlong3 | bits::kTooLarge,                         // 90..9F.
    bits::kContinuation | bits::kSurrogate | bits::kTooLarge,                         // A0..AF.
    bits::kContinuation | bits::kSurrogate | bits::kTooLarge,                         // B0..BF.
    bits::kTooShort,  // C-F: a lead.
    bits::kTooShort,
    bits::kTooShort,
    bits::kTooShort,
};

// The error bits of the 16 bytes `in`, the 16 before them being `before`.
[[gnu::target("ssse3"), gnu::always_inline]] inline __m128i BlockErrors(__m128i in,
                                                                        __m128i before) {
  const auto table = [](const uint8_t* t) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(t));
  };
  const __m128i nibble = _mm_set1_epi8(0x0F);
  const __m128i prev1 = _mm_alignr_epi8(in, before, 15);
  const __m128i special = _mm_and_si128(
      _mm_and_si128(
          _mm_shuffle_epi8(table(kFirstHigh), _mm_and_si128(_mm_srli_epi16(prev1, 4), nibble)),
          _mm_shuffle_epi8(table(kFirstLow), _mm_and_si128(prev1, nibble))),
      _mm_shuffle_epi8(table(kSecondHigh), _mm_and_si128(_mm_srli_epi16(in, 4), nibble)));
  // Where the byte two back is a lead of three or four (>= E0), or the byte
  // three back one of four (>= F0), this byte must continue it: subtracting
  // E0 - 80 (F0 - 80), saturating, leaves bit 7 set exactly there.
  const __m128i must_continue = _mm_and_si128(
      _mm_or_si128(_mm_subs_epu8(_mm_alignr_epi8(in, before, 14), _mm_set1_epi8(0xE0 - 0x80)),
                   _mm_subs_epu8(_mm_alignr_epi8(in, before, 13), _mm_set1_epi8(0xF0 - 0x80))),
      _mm_set1_epi8(static_cast<char>(0x80)));
  return _mm_xor_si128(must_continue, special);
}

[[gnu::target("ssse3")]] bool IsWellFormedSsse3(const unsigned char* p, const unsigned char* end) {
  __m128i before = _mm_setzero_si128();  // The string follows a quote: ASCII.
  __m128i error = _mm_setzero_si128();
  for (; end - p >= 16; p += 16) {
    const __m128i in = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    error = _mm_or_si128(error, BlockErrors(in, before));
    before = in;
  }
  // The rest, followed by at least one zero byte: a sequence cut by `end`
  // shows as one followed by ASCII.
  alignas(16) unsigned char last[16] = {};
  std::memcpy(last, p, static_cast<size_t>(end - p));
  error = _mm_or_si128(error,
                       BlockErrors(_mm_load_si128(reinterpret_cast<const __m128i*>(last)), before));
  return _mm_movemask_epi8(_mm_cmpeq_epi8(error, _mm_setzero_si128())) == 0xFFFF;
}
#endif

}  // namespace

const unsigned char* FirstIllFormed(const unsigned char* begin, const unsigned char* end) {
  constexpr uint64_t kHighBits = 0x8080808080808080;
  const unsigned char* q = begin;
  while (q < end) {
    if (end - q >= 8) {  // ASCII 8 bytes at a time, to the next byte >= 0x80.
      uint64_t word;
      std::memcpy(&word, q, 8);
      if ((word & kHighBits) == 0) {
        q += 8;
        continue;
      }
      q += __builtin_ctzll(word & kHighBits) / 8;
    }
    const int len = SequenceLength(q, end);
    if (len == 0) return q;
    q += len;
  }
  return end;
}

bool IsWellFormed(const unsigned char* begin, const unsigned char* end) {
#if defined(S1C_UTF8_SSSE3)
  static const bool ssse3 = __builtin_cpu_supports("ssse3");
  if (ssse3) return IsWellFormedSsse3(begin, end);
#endif
  return FirstIllFormed(begin, end) == end;
}

}  // namespace s1c::s1::utf8
