#include "s1c/core/backoff.h"

#include <gtest/gtest.h>

namespace s1c {
namespace {

using std::chrono::milliseconds;

TEST(BackoffTest, CeilingGrowsThenCapsAtMaxDelay) {
  Backoff b({milliseconds(100), milliseconds(1000), 2.0}, [] { return 0.5; });
  EXPECT_EQ(b.Ceiling(1), milliseconds(100));
  EXPECT_EQ(b.Ceiling(2), milliseconds(200));
  EXPECT_EQ(b.Ceiling(4), milliseconds(800));
  EXPECT_EQ(b.Ceiling(5), milliseconds(1000));
  EXPECT_EQ(b.Ceiling(500), milliseconds(1000));
}

TEST(BackoffTest, FullJitterSpansZeroToCeiling) {
  Backoff low({milliseconds(100), milliseconds(1000), 2.0}, [] { return 0.0; });
  Backoff high({milliseconds(100), milliseconds(1000), 2.0}, [] { return 0.999999; });
  EXPECT_EQ(low.NextDelay(3), milliseconds(0));
  EXPECT_EQ(high.NextDelay(3), milliseconds(400));
  EXPECT_EQ(high.NextDelay(99), milliseconds(1000));
}

TEST(BackoffTest, DefaultRandomStaysInRange) {
  Backoff b({milliseconds(100), milliseconds(1000), 2.0}, DefaultUniformRandom());
  for (int i = 0; i < 1000; ++i) {
    auto d = b.NextDelay(2);
    EXPECT_GE(d, milliseconds(0));
    EXPECT_LE(d, milliseconds(200));
  }
}

TEST(BackoffTest, ServerDelayWinsButIsCapped) {
  Backoff b({milliseconds(100), milliseconds(1000), 2.0}, [] { return 0.5; });
  EXPECT_EQ(b.NextDelay(1, milliseconds(30000)), milliseconds(30000));
  EXPECT_EQ(b.NextDelay(1, milliseconds(10LL * 3600 * 1000)), milliseconds(3600 * 1000));
}

}  // namespace
}  // namespace s1c
