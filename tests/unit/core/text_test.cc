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
}

TEST(ExcerptTest, RedactsSecrets) {
  EXPECT_EQ(Excerpt("token=abcdef123 ok", 200, {"abcdef123"}), "token=*** ok");
}

}  // namespace
}  // namespace s1c
