// The Clock's deadline wait, real and fake. No test here sleeps: the real
// clock is only asked to wait for a deadline already passed, and the fake
// one is driven by Advance.
#include "s1c/core/clock.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "fake_clock.h"

namespace s1c {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using testing::FakeClock;

TEST(ClockTest, SystemClockWaitUntilAPassedDeadlineReturnsAtOnce) {
  SystemClock clock;
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock<std::mutex> lock(mu);
  clock.WaitUntil(lock, cv, clock.MonotonicNow() - seconds(1));
  EXPECT_TRUE(lock.owns_lock());
}

TEST(FakeClockTest, WaitUntilReturnsOnceAdvancedToTheDeadline) {
  FakeClock clock;
  std::mutex mu;
  std::condition_variable_any cv;
  const auto deadline = clock.MonotonicNow() + minutes(1);
  std::thread waiter([&] {
    std::unique_lock<std::mutex> lock(mu);
    while (clock.MonotonicNow() < deadline) clock.WaitUntil(lock, cv, deadline);
  });
  ASSERT_TRUE(clock.AwaitWaiter(deadline));
  clock.Advance(seconds(30));
  EXPECT_TRUE(clock.AwaitWaiter(deadline));  // Not woken: the deadline is still ahead.
  clock.Advance(seconds(30));
  waiter.join();
  EXPECT_EQ(clock.MonotonicNow(), deadline);
}

TEST(FakeClockTest, SleepForPastADeadlineWakesItsWaiter) {
  FakeClock clock;
  std::mutex mu;
  std::condition_variable_any cv;
  const auto deadline = clock.MonotonicNow() + seconds(5);
  std::thread waiter([&] {
    std::unique_lock<std::mutex> lock(mu);
    while (clock.MonotonicNow() < deadline) clock.WaitUntil(lock, cv, deadline);
  });
  ASSERT_TRUE(clock.AwaitWaiter(deadline));
  StopSource stop;
  EXPECT_TRUE(clock.SleepFor(std::chrono::milliseconds(5000), stop.token()));
  waiter.join();
}

TEST(FakeClockTest, NotifyWakesAWaiterBeforeItsDeadline) {
  FakeClock clock;
  std::mutex mu;
  std::condition_variable_any cv;
  bool ready = false;
  const auto start = clock.MonotonicNow();
  const auto deadline = start + std::chrono::hours(1);
  std::thread waiter([&] {
    std::unique_lock<std::mutex> lock(mu);
    while (!ready && clock.MonotonicNow() < deadline) clock.WaitUntil(lock, cv, deadline);
  });
  ASSERT_TRUE(clock.AwaitWaiter(deadline));
  {
    std::lock_guard<std::mutex> lock(mu);
    ready = true;
  }
  cv.notify_all();
  waiter.join();
  EXPECT_EQ(clock.MonotonicNow(), start);
}

TEST(FakeClockTest, APassedDeadlineDoesNotWait) {
  FakeClock clock;
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock<std::mutex> lock(mu);
  clock.WaitUntil(lock, cv, clock.MonotonicNow());
  EXPECT_TRUE(lock.owns_lock());
  EXPECT_FALSE(clock.AwaitWaiter(clock.MonotonicNow(), seconds(0)));
}

}  // namespace
}  // namespace s1c
