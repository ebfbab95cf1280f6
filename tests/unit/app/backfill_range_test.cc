#include "backfill_range.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "s1c/core/iso_time.h"

namespace s1c::app {
namespace {

int64_t Iso(const char* text) { return ParseIsoTime(text).value(); }

TEST(ParseRangeTimeTest, IsoTimesAndDates) {
  EXPECT_EQ(ParseRangeTime("2026-01-01T00:00:00Z").value(), Iso("2026-01-01T00:00:00Z"));
  EXPECT_EQ(ParseRangeTime("2026-01-01T01:00:00+01:00").value(), Iso("2026-01-01T00:00:00Z"));
  EXPECT_EQ(ParseRangeTime("2026-01-01").value(), Iso("2026-01-01T00:00:00Z"));
  EXPECT_EQ(ParseRangeTime("2026-01-01T00:00:00.5Z").value(), Iso("2026-01-01T00:00:00.500000Z"));
}

TEST(ParseRangeTimeTest, DurationsAreRefusedWithAReason) {
  const Status st = ParseRangeTime("24h").status();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("resumed"), std::string::npos) << st.message();
}

TEST(ParseRangeTimeTest, Garbage) {
  EXPECT_FALSE(ParseRangeTime("").ok());
  EXPECT_FALSE(ParseRangeTime("yesterday").ok());
  EXPECT_FALSE(ParseRangeTime("2026-13-01").ok());
}

TEST(CompactTimeTest, DropsSeparatorsAndAZeroFraction) {
  EXPECT_EQ(CompactTime(Iso("2026-01-01T00:00:00Z")), "20260101T000000Z");
  EXPECT_EQ(CompactTime(Iso("2026-03-04T05:06:07.000123Z")), "20260304T050607.000123Z");
}

TEST(CompactTimeTest, RoundTrip) {
  for (const char* t :
       {"2026-01-01T00:00:00Z", "1999-12-31T23:59:59.999999Z", "2026-03-04T05:06:07.1Z"}) {
    EXPECT_EQ(ParseCompactTime(CompactTime(Iso(t))).value(), Iso(t)) << t;
  }
  EXPECT_FALSE(ParseCompactTime("20260101T000000").ok());
  EXPECT_FALSE(ParseCompactTime("20260101T000000.1Z").ok());
  EXPECT_FALSE(ParseCompactTime("2026-01-01T00:00:00Z").ok());
}

TEST(BackfillStateNameTest, PathSafeAndParsedBack) {
  const int64_t from = Iso("2026-01-01T00:00:00Z");
  const int64_t to = Iso("2026-01-02T12:30:00.25Z");
  const std::string name = BackfillStateName("activities", from, to);
  EXPECT_EQ(name, "backfill-activities-20260101T000000Z-20260102T123000.250000Z");
  EXPECT_TRUE(std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
  }));
  EXPECT_TRUE(name.starts_with(BackfillNamePrefix("activities", from)));
  const auto parsed = ParseBackfillStateName(name);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->stream, "activities");
  EXPECT_EQ(parsed->from_us, from);
  EXPECT_EQ(parsed->to_us, to);
}

TEST(BackfillStateNameTest, OtherNamesAreNotBackfills) {
  EXPECT_FALSE(ParseBackfillStateName("activities"));
  EXPECT_FALSE(ParseBackfillStateName("backfill-activities"));
  EXPECT_FALSE(ParseBackfillStateName("backfill--20260101T000000Z-20260102T000000Z"));
  EXPECT_FALSE(ParseBackfillStateName("backfill-activities-20260101T000000Z-tomorrow"));
  // Not in this build's canonical spelling (a zero fraction is never written).
  EXPECT_FALSE(
      ParseBackfillStateName("backfill-activities-20260101T000000.000000Z-20260102T000000Z"));
}

}  // namespace
}  // namespace s1c::app
