#include "s1c/core/text.h"

#include <gtest/gtest.h>

namespace s1c {
namespace {

TEST(ExcerptTest, CutsAndMarks) {
  EXPECT_EQ(Excerpt("hello", 200), "hello");
  EXPECT_EQ(Excerpt(std::string(300, 'a'), 10), "aaaaaaaaaa...");
}

TEST(ExcerptTest, ReplacesControlAndInvalidBytes) {
  EXPECT_EQ(Excerpt("a\nb\x01" "c\xff"), "a b?c?");
  EXPECT_EQ(Excerpt("Soci\xc3\xa9t\xc3\xa9"), "Soci\xc3\xa9t\xc3\xa9");
  EXPECT_EQ(Excerpt("cut \xc3"), "cut ?");
  EXPECT_EQ(Excerpt("x\xff\x80\x80y"), "x???y");  // 0xff leads no UTF-8 sequence.
}

TEST(ExcerptTest, RedactsSecrets) {
  EXPECT_EQ(Excerpt("token=abcdef123 ok", 200, {"abcdef123"}), "token=*** ok");
}

TEST(ExcerptTest, SecretAcrossTheCutIsMaskedWholeOrLeftOut) {
  // The cut falls inside the secret: masked whole, not cut after its first bytes.
  EXPECT_EQ(Excerpt("abcdefgh-secret-123 tail", 10, {"fgh-secret-123"}), "abcde*** t...");
  // The mask itself would pass the limit: the excerpt ends before the secret.
  EXPECT_EQ(Excerpt("abcdefghi-secret-123 tail", 10, {"i-secret-123"}), "abcdefgh...");
  EXPECT_EQ(Excerpt(std::string(199, 'a') + "secret-value", 200, {"secret-value"}),
            std::string(199, 'a') + "...");
}

}  // namespace
}  // namespace s1c
