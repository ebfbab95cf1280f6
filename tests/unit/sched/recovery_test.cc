// RecoveryBell on the scheduler's fibers, over a FakeClock: streams backing
// off from one intake retry together once one of them gets through.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "fake_clock.h"
#include "s1c/core/recovery_bell.h"
#include "s1c/sched/scheduler.h"

namespace s1c::sched {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FakeClock;

// Runs the scheduler on a thread of its own until destroyed.
class Running {
 public:
  explicit Running(Scheduler& s) : thread_([this, &s] { s.Run(stop_.token()); }) {}
  ~Running() {
    stop_.RequestStop();
    thread_.join();
  }

 private:
  StopSource stop_;
  std::thread thread_;
};

// When each backing-off task woke, in fake time since the start.
class Wakes {
 public:
  void Note(const std::string& name, milliseconds at) {
    std::lock_guard<std::mutex> lock(mu_);
    at_[name] = at;
  }
  std::map<std::string, milliseconds> at() const {
    std::lock_guard<std::mutex> lock(mu_);
    return at_;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, milliseconds> at_;
};

void AddBackingOff(Scheduler& s, FakeClock& clock, RecoveryBell& bell, Wakes& wakes,
                   const std::string& name, milliseconds backoff) {
  const auto start = clock.MonotonicNow();
  s.Add(name, [&, name, backoff, start](const StopToken& stop) {
    if (bell.SleepFor(clock, backoff, stop)) {
      wakes.Note(name, std::chrono::duration_cast<milliseconds>(clock.MonotonicNow() - start));
    }
    return hours(1);
  });
}

// A stream about to fetch new events for the intake: held back while it fails.
void AddAboutToFetch(Scheduler& s, FakeClock& clock, RecoveryBell& bell, Wakes& wakes,
                     const std::string& name) {
  const auto start = clock.MonotonicNow();
  s.Add(name, [&, name, start](const StopToken& stop) {
    if (bell.WaitWhileFailing(seconds(60), stop)) {
      wakes.Note(name, std::chrono::duration_cast<milliseconds>(clock.MonotonicNow() - start));
    }
    return hours(1);
  });
}

TEST(RecoveryTest, OneSuccessWakesEveryStreamBackingOffFromTheIntake) {
  FakeClock clock;
  Scheduler s(clock);
  RecoveryBell bell;
  Wakes wakes;
  // Two streams wait out 60 s and 45 s of backoff; a third gets through at 12 s.
  AddBackingOff(s, clock, bell, wakes, "a", seconds(60));
  AddBackingOff(s, clock, bell, wakes, "b", seconds(45));
  s.Add("delivers", [&](const StopToken&) {
    bell.Ring();
    return hours(1);
  }, seconds(12));
  const auto start = clock.MonotonicNow();
  Running running(s);
  ASSERT_TRUE(clock.AwaitWaiter(start + seconds(12)));
  clock.Advance(seconds(12));
  // All three are back in the queue for an hour: a and b woke at the ring.
  ASSERT_TRUE(clock.AwaitWaiter(start + seconds(12) + hours(1)));
  EXPECT_EQ(wakes.at(), (std::map<std::string, milliseconds>{{"a", seconds(12)},
                                                             {"b", seconds(12)}}));
  EXPECT_EQ(bell.rings(), 1u);
}

TEST(RecoveryTest, WithoutASuccessEachWaitsItsWholeBackoff) {
  FakeClock clock;
  Scheduler s(clock);
  RecoveryBell bell;
  Wakes wakes;
  AddBackingOff(s, clock, bell, wakes, "a", seconds(60));
  AddBackingOff(s, clock, bell, wakes, "b", seconds(45));
  const auto start = clock.MonotonicNow();
  Running running(s);
  ASSERT_TRUE(clock.AwaitWaiter(start + seconds(45)));
  clock.Advance(seconds(45));
  ASSERT_TRUE(clock.AwaitWaiter(start + seconds(60)));
  EXPECT_EQ(wakes.at(), (std::map<std::string, milliseconds>{{"b", seconds(45)}}));
  clock.Advance(seconds(15));
  ASSERT_TRUE(clock.AwaitWaiter(start + seconds(45) + hours(1)));
  EXPECT_EQ(wakes.at(), (std::map<std::string, milliseconds>{{"a", seconds(60)},
                                                             {"b", seconds(45)}}));
}

TEST(RecoveryTest, ARingBeforeTheWaitDoesNotCutIt) {
  // Only a success after a stream started waiting ends its wait early.
  FakeClock clock;
  Scheduler s(clock);
  RecoveryBell bell;
  Wakes wakes;
  bell.Ring();
  AddBackingOff(s, clock, bell, wakes, "a", seconds(30));
  const auto start = clock.MonotonicNow();
  Running running(s);
  ASSERT_TRUE(clock.AwaitWaiter(start + seconds(30)));
  EXPECT_TRUE(wakes.at().empty());
}

TEST(RecoveryTest, WhileTheIntakeIsDownANewCycleWaitsHoldingNothing) {
  // "retrier" holds its page and retries; "next" is about to fetch a page
  // for the same intake and waits instead, until the retrier gets through.
  FakeClock clock;
  Scheduler s(clock);
  RecoveryBell bell;
  bell.MarkFailing();
  Wakes wakes;
  AddAboutToFetch(s, clock, bell, wakes, "next");
  const auto start = clock.MonotonicNow();
  s.Add("retrier", [&](const StopToken&) {
    bell.Ring();  // Its retry got through.
    return hours(1);
  }, seconds(7));
  Running running(s);
  ASSERT_TRUE(clock.AwaitWaiter(start + seconds(7)));
  EXPECT_TRUE(wakes.at().empty());
  clock.Advance(seconds(7));
  ASSERT_TRUE(clock.AwaitWaiter(start + seconds(7) + hours(1)));
  EXPECT_EQ(wakes.at(), (std::map<std::string, milliseconds>{{"next", seconds(7)}}));
}

TEST(RecoveryTest, AFailingIntakeNobodyRetriesHoldsANewCycleBackOnlyForTheLongestBackoff) {
  FakeClock clock;
  Scheduler s(clock);
  RecoveryBell bell;
  bell.MarkFailing();
  Wakes wakes;
  AddAboutToFetch(s, clock, bell, wakes, "next");
  const auto start = clock.MonotonicNow();
  Running running(s);
  ASSERT_TRUE(clock.AwaitWaiter(start + seconds(60)));
  clock.Advance(seconds(60));
  ASSERT_TRUE(clock.AwaitWaiter(start + seconds(60) + hours(1)));
  EXPECT_EQ(wakes.at(), (std::map<std::string, milliseconds>{{"next", seconds(60)}}));
}

TEST(RecoveryTest, AHealthyIntakeHoldsNobodyBack) {
  FakeClock clock;
  Scheduler s(clock);
  RecoveryBell bell;
  std::atomic<int> passed{0};
  s.Add("next", [&](const StopToken& stop) {
    if (bell.WaitWhileFailing(seconds(60), stop)) ++passed;
    return hours(1);
  });
  const auto start = clock.MonotonicNow();
  Running running(s);
  ASSERT_TRUE(clock.AwaitWaiter(start + hours(1)));
  EXPECT_EQ(passed.load(), 1);
}

}  // namespace
}  // namespace s1c::sched
