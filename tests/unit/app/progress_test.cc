#include "progress.h"

#include <gtest/gtest.h>

#include <cmath>

namespace s1c::app {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(FormatEtaTest, MinutesHoursDays) {
  EXPECT_EQ(FormatEta(0), "0:00");
  EXPECT_EQ(FormatEta(7), "0:07");
  EXPECT_EQ(FormatEta(6.2), "0:07");  // Rounded up: never "done" while work remains.
  EXPECT_EQ(FormatEta(725), "12:05");
  EXPECT_EQ(FormatEta(3 * 3600 + 2 * 60 + 11), "3:02:11");
  EXPECT_EQ(FormatEta(2 * 86400 + 4 * 3600), "2d 04:00:00");
}

TEST(FormatEtaTest, UnknownForNegativeOrNonFinite) {
  EXPECT_EQ(FormatEta(-1), "--:--");
  EXPECT_EQ(FormatEta(std::nan("")), "--:--");
  EXPECT_EQ(FormatEta(INFINITY), "--:--");
}

TEST(FormatCountTest, ThreeSignificantDigits) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(999), "999");
  EXPECT_EQ(FormatCount(1000), "1.00k");
  EXPECT_EQ(FormatCount(4200), "4.20k");
  EXPECT_EQ(FormatCount(12345), "12.3k");
  EXPECT_EQ(FormatCount(999499), "999k");
  EXPECT_EQ(FormatCount(999950), "1.00M");  // Not "1000k".
  EXPECT_EQ(FormatCount(4560000), "4.56M");
  EXPECT_EQ(FormatCount(2000000000), "2.00G");
}

TEST(ProgressTest, PercentAndEta) {
  ProgressSnapshot s;
  s.done = 250;
  EXPECT_FALSE(Percent(s));
  EXPECT_FALSE(EtaSeconds(s));
  s.total = 1000;
  EXPECT_DOUBLE_EQ(*Percent(s), 25.0);
  EXPECT_FALSE(EtaSeconds(s));  // No rate yet.
  s.rate = 50;
  EXPECT_DOUBLE_EQ(*EtaSeconds(s), 15.0);
}

TEST(ProgressTest, EstimateBelowDoneIsClamped) {
  ProgressSnapshot s;
  s.done = 1200;
  s.total = 1000;  // totalItems is an estimate; events may have been added.
  s.rate = 10;
  EXPECT_DOUBLE_EQ(*Percent(s), 100.0);
  EXPECT_DOUBLE_EQ(*EtaSeconds(s), 0.0);
  s.total = 0;
  EXPECT_DOUBLE_EQ(*Percent(s), 100.0);
}

TEST(FormatProgressBarTest, BarWithFigures) {
  ProgressSnapshot s;
  s.done = 4200;
  s.total = 10000;
  s.rate = 1234;
  const std::string line = FormatProgressBar(s, 80);
  EXPECT_EQ(line,
            "[#############..................]   42.0%  4.20k/10.0k events  1.23k/s  ETA 0:05");
  EXPECT_LE(line.size(), 80u);
}

TEST(FormatProgressBarTest, NarrowTerminalDropsTheBar) {
  ProgressSnapshot s;
  s.done = 5;
  s.total = 10;
  s.rate = 1;
  const std::string line = FormatProgressBar(s, 40);
  EXPECT_EQ(line.find('['), std::string::npos);
  EXPECT_LE(line.size(), 40u);
}

TEST(FormatProgressBarTest, UnknownTotal) {
  ProgressSnapshot s;
  s.done = 4200;
  s.rate = 99.6;
  EXPECT_EQ(FormatProgressBar(s, 80), "4.20k events  100/s  (total unknown)");
}

TEST(FormatProgressFieldsTest, LogLine) {
  ProgressSnapshot s;
  s.done = 4200;
  s.total = 10000;
  s.rate = 1234.4;
  s.pages = 5;
  s.watermark = "2026-01-01T10:00:00.000000Z";
  EXPECT_EQ(FormatProgressFields(s),
            "events=4200 total=10000 percent=42.0 rate=1234/s eta=0:05 pages=5 "
            "watermark=2026-01-01T10:00:00.000000Z");
  s.total.reset();
  s.rate = 0;
  s.watermark.clear();
  EXPECT_EQ(FormatProgressFields(s), "events=4200 total=unknown rate=0/s eta=unknown pages=5");
}

TEST(RateMeterTest, ZeroBeforeTwoSamples) {
  RateMeter m;
  EXPECT_EQ(m.Rate(), 0);
  m.Add(std::chrono::steady_clock::time_point(seconds(1)), 0);
  EXPECT_EQ(m.Rate(), 0);
}

TEST(RateMeterTest, SlidingWindowForgetsASlowStart) {
  RateMeter m(seconds(10));
  const std::chrono::steady_clock::time_point t0(seconds(100));
  m.Add(t0, 0);
  m.Add(t0 + seconds(30), 30);  // 1/s during a slow start...
  m.Add(t0 + seconds(35), 530);
  m.Add(t0 + seconds(40), 1030);  // ...then 100/s.
  // The window spans the last 10 s plus one older sample: (1030-30)/10.
  EXPECT_DOUBLE_EQ(m.Rate(), 100.0);
}

TEST(RateMeterTest, AverageOverTheWindow) {
  RateMeter m(seconds(10));
  const std::chrono::steady_clock::time_point t0(seconds(100));
  m.Add(t0, 0);
  m.Add(t0 + milliseconds(500), 100);
  m.Add(t0 + seconds(2), 400);
  EXPECT_DOUBLE_EQ(m.Rate(), 200.0);
}

}  // namespace
}  // namespace s1c::app
