#include "utf8.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace s1c::s1::utf8 {
namespace {

// The reference: Unicode table 3-7 ("well-formed UTF-8 byte sequences"),
// one row per range of first bytes, with the range of each byte after it.
struct Row {
  uint8_t lo[4];
  uint8_t hi[4];
  int length;
};
constexpr std::array<Row, 9> kTable37 = {{
    {{0x00}, {0x7F}, 1},
    {{0xC2, 0x80}, {0xDF, 0xBF}, 2},
    {{0xE0, 0xA0, 0x80}, {0xE0, 0xBF, 0xBF}, 3},
    {{0xE1, 0x80, 0x80}, {0xEC, 0xBF, 0xBF}, 3},
    {{0xED, 0x80, 0x80}, {0xED, 0x9F, 0xBF}, 3},
    {{0xEE, 0x80, 0x80}, {0xEF, 0xBF, 0xBF}, 3},
    {{0xF0, 0x90, 0x80, 0x80}, {0xF0, 0xBF, 0xBF, 0xBF}, 4},
    {{0xF1, 0x80, 0x80, 0x80}, {0xF3, 0xBF, 0xBF, 0xBF}, 4},
    {{0xF4, 0x80, 0x80, 0x80}, {0xF4, 0x8F, 0xBF, 0xBF}, 4},
}};

// Offset of the first ill-formed sequence, or the size.
size_t ReferenceFirstIllFormed(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[i + k]); };
    const Row* row = nullptr;
    for (const Row& r : kTable37) {
      if (byte(0) >= r.lo[0] && byte(0) <= r.hi[0]) row = &r;
    }
    if (row == nullptr) return i;
    for (int k = 1; k < row->length; ++k) {
      if (i + k >= s.size() || byte(k) < row->lo[k] || byte(k) > row->hi[k]) return i;
    }
    i += static_cast<size_t>(row->length);
  }
  return s.size();
}

const unsigned char* Begin(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
const unsigned char* End(std::string_view s) { return Begin(s) + s.size(); }

// Both functions against the reference; returns a message on disagreement.
::testing::AssertionResult AgreesWithReference(std::string_view s) {
  const size_t expected = ReferenceFirstIllFormed(s);
  const bool well_formed = IsWellFormed(Begin(s), End(s));
  const size_t first = static_cast<size_t>(FirstIllFormed(Begin(s), End(s)) - Begin(s));
  if (well_formed == (expected == s.size()) && first == expected) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << ::testing::PrintToString(std::string(s)) << ": IsWellFormed " << well_formed
         << ", FirstIllFormed " << first << ", table 3-7 says " << expected;
}

TEST(Utf8Test, EveryStringOfUpToThreeBytes) {
  std::string s;
  ASSERT_TRUE(AgreesWithReference(s));
  for (int a = 0; a < 256; ++a) {
    s.assign(1, static_cast<char>(a));
    ASSERT_TRUE(AgreesWithReference(s));
    for (int b = 0; b < 256; ++b) {
      s.assign({static_cast<char>(a), static_cast<char>(b)});
      ASSERT_TRUE(AgreesWithReference(s));
      for (int c = 0; c < 256; ++c) {
        s.assign({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)});
        ASSERT_TRUE(AgreesWithReference(s));
      }
    }
  }
}

// Four bytes from the values at the edges of table 3-7's ranges, at offsets
// that put them across the vector check's 16-byte blocks and its last,
// zero-padded one.
TEST(Utf8Test, FourByteStringsOfEdgeValuesAcrossBlockBoundaries) {
  const std::vector<uint8_t> edges = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF,
                                      0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE,
                                      0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF7, 0xF8, 0xFF};
  for (const size_t offset : {0, 1, 13, 14, 15, 17}) {
    for (const size_t after : {0, 2}) {
      std::string s(offset + 4 + after, 'a');
      for (uint8_t a : edges) {
        for (uint8_t b : edges) {
          for (uint8_t c : edges) {
            for (uint8_t d : edges) {
              s[offset] = static_cast<char>(a);
              s[offset + 1] = static_cast<char>(b);
              s[offset + 2] = static_cast<char>(c);
              s[offset + 3] = static_cast<char>(d);
              ASSERT_TRUE(AgreesWithReference(s)) << "offset " << offset << " after " << after;
            }
          }
        }
      }
    }
  }
}

// Long strings of well-formed sequences of every length, with now and then
// a byte drawn at random, as the realistic corpus's names and paths are.
TEST(Utf8Test, RandomMixesOfSequencesAndStrayBytes) {
  const std::array<std::string_view, 8> pieces = {"a",
                                                  "\"\\path",
                                                  "\xc3\xa9",
                                                  "\xd0\x96",
                                                  "\xe6\x97\xa5",
                                                  "\xed\x9f\xbf",
                                                  "\xf0\x9f\x98\x80",
                                                  "\xf4\x8f\xbf\xbf"};
  std::mt19937 rng(7);
  for (int round = 0; round < 200000; ++round) {
    std::string s;
    const int parts = static_cast<int>(rng() % 40);
    for (int i = 0; i < parts; ++i) {
      if (rng() % 50 == 0) {
        s.push_back(static_cast<char>(rng() % 256));
      } else {
        s += pieces[rng() % pieces.size()];
      }
    }
    ASSERT_TRUE(AgreesWithReference(s)) << "round " << round;
  }
}

}  // namespace
}  // namespace s1c::s1::utf8
