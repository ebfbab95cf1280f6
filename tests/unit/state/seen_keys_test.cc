#include "s1c/state/seen_keys.h"

#include <gtest/gtest.h>

#include <string>

namespace s1c::state {
namespace {

constexpr int64_t kT = 1767225600000000;

TEST(SeenKeysTest, ContainsWhatWasAddedAtThatTimeOnly) {
  SeenKeys seen;
  seen.Add("a", kT);
  seen.Add("b", kT + 5);
  EXPECT_TRUE(seen.Contains("a", kT));
  EXPECT_TRUE(seen.Contains("b", kT + 5));
  EXPECT_FALSE(seen.Contains("a", kT + 5)) << "another version of the object";
  EXPECT_FALSE(seen.Contains("c", kT));
  seen.Add("a", kT);
  EXPECT_EQ(seen.size(), 2u) << "adding twice keeps one";
}

TEST(SeenKeysTest, OutOfOrderAddsAndForgettingTheOldest) {
  SeenKeys seen;
  for (int i = 10; i > 0; --i) seen.Add("k" + std::to_string(i), kT + i);
  EXPECT_TRUE(seen.Contains("k1", kT + 1));
  seen.ForgetBefore(kT + 6);
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_FALSE(seen.Contains("k5", kT + 5));
  EXPECT_TRUE(seen.Contains("k6", kT + 6));
}

TEST(SeenKeysTest, TheBoundDropsTheOldestAndSaysSo) {
  SeenKeys seen(3);
  EXPECT_TRUE(seen.Add("a", kT + 1));
  EXPECT_TRUE(seen.Add("b", kT + 2));
  EXPECT_TRUE(seen.Add("c", kT + 3));
  EXPECT_FALSE(seen.Add("d", kT + 4));
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_FALSE(seen.Contains("a", kT + 1));
  EXPECT_TRUE(seen.Contains("d", kT + 4));
}

TEST(SeenKeysTest, EncodesCompactlyAndDecodesToTheSameSet) {
  SeenKeys seen(1000000);
  // 1,000 events a second for 10 s, ids like the console's.
  for (int i = 0; i < 10000; ++i) {
    seen.Add(std::to_string(1456081014700765184LL + i * 7919), kT + int64_t{i} * 1000);
  }
  const std::string text = seen.Encode();
  // 8 bytes of hash and a 2-byte time gap, base64: under 14 bytes a key.
  EXPECT_LT(text.size(), 14u * 10000) << text.size();
  auto back = SeenKeys::Decode(text, "mem", 1000000);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->size(), 10000u);
  for (int i = 0; i < 10000; i += 997) {
    EXPECT_TRUE(
        back->Contains(std::to_string(1456081014700765184LL + i * 7919), kT + int64_t{i} * 1000));
  }
  EXPECT_EQ(back->Encode(), text);
  EXPECT_TRUE(SeenKeys::Decode(SeenKeys().Encode(), "mem", 10).ok());
}

TEST(SeenKeysTest, ADamagedFileIsCorruptNeverACrash) {
  const std::string good = [] {
    SeenKeys s;
    s.Add("a", kT);
    s.Add("b", kT + 1);
    return s.Encode();
  }();
  for (const std::string& bad :
       {std::string("nope"), std::string("{}"), std::string(R"({"version":2})"),
        good.substr(0, good.size() / 2),
        std::string(R"({"version":1,"count":5,"first_time_us":0,"entries":"AAAA"})"),
        std::string(R"({"version":1,"count":0,"first_time_us":0,"entries":"A$=="})")}) {
    auto r = SeenKeys::Decode(bad, "/state/eu/threats.seen", 100);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
    EXPECT_NE(r.status().message().find("/state/eu/threats.seen"), std::string::npos);
  }
}

}  // namespace
}  // namespace s1c::state
