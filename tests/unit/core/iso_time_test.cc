#include "s1c/core/iso_time.h"

#include <gtest/gtest.h>

namespace s1c {
namespace {

constexpr int64_t kApr14 = 1649917189402205;  // 2022-04-14T06:19:49.402205Z

TEST(IsoTimeTest, ParsesApiFormatWithMicroseconds) {
  auto t = ParseIsoTime("2022-04-14T06:19:49.402205Z");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(*t, kApr14);
}

TEST(IsoTimeTest, AcceptsOffsetsAndFractionLengths) {
  EXPECT_EQ(*ParseIsoTime("2022-04-14T06:19:49.402205+00:00"), kApr14);
  EXPECT_EQ(*ParseIsoTime("2022-04-14T08:19:49.402205+02:00"), kApr14);
  EXPECT_EQ(*ParseIsoTime("2022-04-14T04:19:49.402205-0200"), kApr14);
  EXPECT_EQ(*ParseIsoTime("2022-04-14T06:19:49Z"), kApr14 - 402205);
  EXPECT_EQ(*ParseIsoTime("2022-04-14T06:19:49.4Z"), kApr14 - 2205);
  EXPECT_EQ(*ParseIsoTime("2022-04-14T06:19:49.402205999Z"), kApr14);  // nanoseconds truncated
  EXPECT_EQ(*ParseIsoTime("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseIsoTime("1969-12-31T23:59:59.999999Z"), -1);
}

TEST(IsoTimeTest, RejectsMalformedTimes) {
  for (const char* bad : {"", "2022-04-14", "2022-04-14T06:19:49", "2022-04-14T06:19:49.Z",
                          "2022-04-14T06:19:49.1234567890Z", "2022-13-01T00:00:00Z",
                          "2022-02-29T00:00:00Z", "2022-04-14T24:00:00Z", "2022-04-14T06:19:49Zjunk",
                          "2022/04/14T06:19:49Z", "22-04-14T06:19:49Z", "2022-04-14T06:19:49+2500"}) {
    auto t = ParseIsoTime(bad);
    EXPECT_FALSE(t.ok()) << bad;
    if (!t.ok()) {
      EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
    }
  }
  EXPECT_TRUE(ParseIsoTime("2024-02-29T00:00:00Z").ok());  // leap year
}

TEST(IsoTimeTest, FormatRoundTrips) {
  EXPECT_EQ(FormatIsoTime(kApr14), "2022-04-14T06:19:49.402205Z");
  EXPECT_EQ(FormatIsoTime(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatIsoTime(-1), "1969-12-31T23:59:59.999999Z");
  for (int64_t t : {int64_t{0}, kApr14, int64_t{4102444800000000}, int64_t{951782400123456}}) {
    EXPECT_EQ(*ParseIsoTime(FormatIsoTime(t)), t);
  }
}

TEST(IsoTimeTest, DurationsAndStartFrom) {
  EXPECT_EQ(*ParseDurationMicros("90"), 90000000);
  EXPECT_EQ(*ParseDurationMicros("90s"), 90000000);
  EXPECT_EQ(*ParseDurationMicros("15m"), 900000000);
  EXPECT_EQ(*ParseDurationMicros("24h"), int64_t{86400} * 1000000);
  EXPECT_EQ(*ParseDurationMicros("7d"), int64_t{7 * 86400} * 1000000);
  EXPECT_FALSE(ParseDurationMicros("").ok());
  EXPECT_FALSE(ParseDurationMicros("h").ok());
  EXPECT_FALSE(ParseDurationMicros("3w").ok());
  EXPECT_FALSE(ParseDurationMicros("99999999999999d").ok());
  EXPECT_FALSE(ParseDurationMicros("9999999999d").ok());
  EXPECT_FALSE(ParseDurationMicros("36600000d").ok());
  EXPECT_TRUE(ParseDurationMicros("36500d").ok());

  EXPECT_EQ(*ParseStartFrom("24h", kApr14), kApr14 - int64_t{86400} * 1000000);
  EXPECT_EQ(*ParseStartFrom("2022-04-14T06:19:49.402205Z", 0), kApr14);
  auto bad = ParseStartFrom("yesterday", kApr14);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("yesterday"), std::string::npos);
}

}  // namespace
}  // namespace s1c
