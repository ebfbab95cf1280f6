#include "s1c/sched/token_bucket.h"

#include <gtest/gtest.h>

#include "fake_clock.h"

namespace s1c::sched {
namespace {

using std::chrono::milliseconds;
using testing::FakeClock;

milliseconds TotalSlept(const FakeClock& clock) {
  milliseconds total{0};
  for (auto d : clock.sleeps()) total += d;
  return total;
}

TEST(TokenBucketTest, HoldsTheConfiguredRate) {
  FakeClock clock;
  TokenBucket bucket(10, 1, clock);
  StopSource stop;
  for (int i = 0; i < 101; ++i) ASSERT_TRUE(bucket.Acquire(stop.token()));
  // 1 token up front, then 100 more at 10/s: 10 s of (fake) waiting.
  EXPECT_EQ(TotalSlept(clock), milliseconds(10000));
}

TEST(TokenBucketTest, BurstIsSpentBeforeWaiting) {
  FakeClock clock;
  TokenBucket bucket(2, 5, clock);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(bucket.TryAcquire().count(), 0);
  EXPECT_EQ(bucket.TryAcquire(), std::chrono::microseconds(500000));
}

TEST(TokenBucketTest, PauseHoldsEveryCaller) {
  FakeClock clock;
  TokenBucket bucket(100, 10, clock);
  bucket.PauseFor(milliseconds(30000));
  EXPECT_EQ(bucket.TryAcquire(), std::chrono::microseconds(30000000));
  bucket.PauseFor(milliseconds(1000));  // A shorter pause does not shorten the longer one.
  EXPECT_EQ(bucket.TryAcquire(), std::chrono::microseconds(30000000));
  clock.Advance(milliseconds(30000));
  EXPECT_EQ(bucket.TryAcquire().count(), 0);
}

TEST(TokenBucketTest, StopInterruptsAcquire) {
  FakeClock clock;
  TokenBucket bucket(1, 1, clock);
  StopSource stop;
  ASSERT_TRUE(bucket.Acquire(stop.token()));
  stop.RequestStop();
  EXPECT_FALSE(bucket.Acquire(stop.token()));
}

}  // namespace
}  // namespace s1c::sched
