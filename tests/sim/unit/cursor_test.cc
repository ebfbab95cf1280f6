#include "simulator/cursor.h"

#include <gtest/gtest.h>

#include <limits>

namespace s1c::sim {
namespace {

TEST(CursorTest, RoundTripsEveryField) {
  const Cursor cursors[] = {
      {{1767225600123456, 1456081014700765184ull, 1767225600123461}, 0x0123456789abcdefull},
      {{0, 0, 0}, 0},
      {{-5, std::numeric_limits<uint64_t>::max(), std::numeric_limits<int64_t>::max()},
       std::numeric_limits<uint64_t>::max()},
  };
  for (const Cursor& c : cursors) {
    auto decoded = DecodeCursor(EncodeCursor(c));
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(*decoded, c);
  }
}

TEST(CursorTest, LooksLikeStandardBase64) {
  const std::string text = EncodeCursor({{1767225600123456, 1456081014700765184ull, 1}, 42});
  EXPECT_EQ(text.size() % 4, 0u);
  EXPECT_EQ(
      text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="),
      std::string::npos);
}

TEST(CursorTest, AcceptsUrlSafeAlphabetAndMissingPadding) {
  const Cursor c{{1767225600123456, 1456081014700765184ull, 7}, 99};
  std::string text = EncodeCursor(c);
  for (char& ch : text) ch = ch == '+' ? '-' : ch == '/' ? '_' : ch;
  while (!text.empty() && text.back() == '=') text.pop_back();
  auto decoded = DecodeCursor(text);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, c);
}

TEST(CursorTest, RejectsGarbage) {
  for (std::string_view bad : {"", "!!!!", "a", "aGVsbG8=", "czFzaW06MTox",
                               "czFzaW06MToxOjI6Mzo0OjU=", "czFzaW06MTp4OjI6Mzpm"}) {
    auto decoded = DecodeCursor(bad);
    EXPECT_FALSE(decoded.ok()) << bad;
    if (!decoded.ok()) {
      EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
    }
  }
}

TEST(CursorTest, RejectsDamagedText) {
  std::string text = EncodeCursor({{1767225600123456, 1456081014700765184ull, 0}, 5});
  std::string spaced = text;
  spaced[4] = ' ';  // What a server sees when a client leaves '+' unescaped.
  EXPECT_FALSE(DecodeCursor(spaced).ok());
  EXPECT_FALSE(DecodeCursor(text.substr(0, text.size() - 6)).ok());
}

TEST(Base64Test, RoundTripsAllLengths) {
  std::string bytes;
  for (int n = 0; n < 12; ++n) {
    auto decoded = Base64Decode(Base64Encode(bytes));
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(*decoded, bytes);
    bytes.push_back(static_cast<char>(0xf0 + n));
  }
  EXPECT_EQ(Base64Encode("createdAt"), "Y3JlYXRlZEF0");
}

}  // namespace
}  // namespace s1c::sim
