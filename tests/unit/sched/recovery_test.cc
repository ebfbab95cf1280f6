// RecoveryBell on the scheduler's fibers, over a FakeClock: streams backing
// off from one intake retry together once one of them gets through.
#include <gtest/gtest.h>

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
using WakeTimes = std::map<std::string, milliseconds>;

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
  WakeTimes at() const {
    std::lock_guard<std::mutex> lock(mu_);
    return at_;
  }

 private:
  mutable std::mutex mu_;
  WakeTimes at_;
};

// One intake's bell, and streams on a scheduler over a fake clock.
class RecoveryTest : public ::testing::Test {
 protected:
  // A stream waiting out `backoff` after a failed delivery.
  void AddBackingOff(const std::string& name, milliseconds backoff) {
    s_.Add(name, [this, name, backoff](const StopToken& stop) {
      if (bell_.SleepFor(clock_, backoff, stop)) NoteWake(name);
      return hours(1);
    });
  }
  // A stream about to fetch new events for the intake: held back while it fails.
  void AddAboutToFetch(const std::string& name) {
    s_.Add(name, [this, name](const StopToken& stop) {
      if (bell_.WaitWhileFailing(seconds(60), stop)) NoteWake(name);
      return hours(1);
    });
  }
  // A stream whose delivery gets through at `at`.
  void AddDelivering(const std::string& name, milliseconds at) {
    s_.Add(name, [this](const StopToken&) {
      bell_.Ring();
      return hours(1);
    }, at);
  }

  FakeClock clock_;
  Scheduler s_{clock_};
  RecoveryBell bell_;
  const std::chrono::steady_clock::time_point start_ = clock_.MonotonicNow();
  Wakes wakes_;

 private:
  void NoteWake(const std::string& name) {
    wakes_.Note(name, std::chrono::duration_cast<milliseconds>(clock_.MonotonicNow() - start_));
  }
};

TEST_F(RecoveryTest, OneSuccessWakesEveryStreamBackingOffFromTheIntake) {
  // Two streams wait out 60 s and 45 s of backoff; a third gets through at 12 s.
  AddBackingOff("a", seconds(60));
  AddBackingOff("b", seconds(45));
  AddDelivering("delivers", seconds(12));
  Running running(s_);
  ASSERT_TRUE(clock_.AwaitWaiter(start_ + seconds(12)));
  clock_.Advance(seconds(12));
  // All three are back in the queue for an hour: a and b woke at the ring.
  ASSERT_TRUE(clock_.AwaitWaiter(start_ + seconds(12) + hours(1)));
  EXPECT_EQ(wakes_.at(), (WakeTimes{{"a", seconds(12)}, {"b", seconds(12)}}));
  EXPECT_EQ(bell_.rings(), 1u);
}

TEST_F(RecoveryTest, WithoutASuccessEachWaitsItsWholeBackoff) {
  AddBackingOff("a", seconds(60));
  AddBackingOff("b", seconds(45));
  Running running(s_);
  ASSERT_TRUE(clock_.AwaitWaiter(start_ + seconds(45)));
  clock_.Advance(seconds(45));
  ASSERT_TRUE(clock_.AwaitWaiter(start_ + seconds(60)));
  EXPECT_EQ(wakes_.at(), (WakeTimes{{"b", seconds(45)}}));
  clock_.Advance(seconds(15));
  ASSERT_TRUE(clock_.AwaitWaiter(start_ + seconds(45) + hours(1)));
  EXPECT_EQ(wakes_.at(), (WakeTimes{{"a", seconds(60)}, {"b", seconds(45)}}));
}

TEST_F(RecoveryTest, ARingBeforeTheWaitDoesNotCutIt) {
  // Only a success after a stream started waiting ends its wait early.
  bell_.Ring();
  AddBackingOff("a", seconds(30));
  Running running(s_);
  ASSERT_TRUE(clock_.AwaitWaiter(start_ + seconds(30)));
  EXPECT_TRUE(wakes_.at().empty());
}

TEST_F(RecoveryTest, WhileTheIntakeIsDownANewCycleWaitsHoldingNothing) {
  // "retrier" holds its page and retries; "next" is about to fetch a page
  // for the same intake and waits instead, until the retrier gets through.
  bell_.MarkFailing();
  AddAboutToFetch("next");
  AddDelivering("retrier", seconds(7));
  Running running(s_);
  ASSERT_TRUE(clock_.AwaitWaiter(start_ + seconds(7)));
  EXPECT_TRUE(wakes_.at().empty());
  clock_.Advance(seconds(7));
  ASSERT_TRUE(clock_.AwaitWaiter(start_ + seconds(7) + hours(1)));
  EXPECT_EQ(wakes_.at(), (WakeTimes{{"next", seconds(7)}}));
}

TEST_F(RecoveryTest, AFailingIntakeNobodyRetriesHoldsANewCycleBackOnlyForTheLongestBackoff) {
  bell_.MarkFailing();
  AddAboutToFetch("next");
  Running running(s_);
  ASSERT_TRUE(clock_.AwaitWaiter(start_ + seconds(60)));
  clock_.Advance(seconds(60));
  ASSERT_TRUE(clock_.AwaitWaiter(start_ + seconds(60) + hours(1)));
  EXPECT_EQ(wakes_.at(), (WakeTimes{{"next", seconds(60)}}));
}

TEST_F(RecoveryTest, AHealthyIntakeHoldsNobodyBack) {
  AddAboutToFetch("next");
  Running running(s_);
  ASSERT_TRUE(clock_.AwaitWaiter(start_ + hours(1)));
  EXPECT_EQ(wakes_.at(), (WakeTimes{{"next", seconds(0)}}));
}

}  // namespace
}  // namespace s1c::sched
