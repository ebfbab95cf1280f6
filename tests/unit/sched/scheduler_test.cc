#include "s1c/sched/scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fake_clock.h"
#include "faulty_file_system.h"
#include "s1c/core/fiber.h"
#include "s1c/core/io_loop.h"
#include "s1c/state/group_writer.h"
#include "temp_dir.h"

namespace s1c::sched {
namespace {

using std::chrono::milliseconds;
using testing::FakeClock;

// How long a test waits for its worker threads to reach a point, in real
// time: a net so that a broken scheduler fails the test instead of hanging
// it. A passing test never waits that long; it never waits on time at all.
constexpr std::chrono::seconds kSafetyLimit(10);

// Waits (real time, up to kSafetyLimit) until `value` is `want`.
bool WaitForValue(const std::atomic<int>& value, int want) {
  const auto give_up = std::chrono::steady_clock::now() + kSafetyLimit;
  while (value.load() != want) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::yield();
  }
  return true;
}

// What Scheduler::OnStartDelay reported, from any thread.
class StartDelays {
 public:
  explicit StartDelays(Scheduler& s) {
    s.OnStartDelay([this](std::chrono::steady_clock::duration d) {
      std::lock_guard<std::mutex> lock(mu_);
      delays_.push_back(std::chrono::duration_cast<milliseconds>(d));
    });
  }
  std::vector<milliseconds> all() const {
    std::lock_guard<std::mutex> lock(mu_);
    return delays_;
  }
  milliseconds max() const {
    std::lock_guard<std::mutex> lock(mu_);
    return delays_.empty() ? milliseconds(0) : *std::max_element(delays_.begin(), delays_.end());
  }

 private:
  mutable std::mutex mu_;
  std::vector<milliseconds> delays_;
};

// Scheduler::Run on a thread of its own, over a FakeClock.
class Running {
 public:
  Running(Scheduler& s, FakeClock& clock)
      : clock_(clock), thread_([this, &s] {
          s.Run(stop_.token());
          std::lock_guard<std::mutex> lock(mu_);
          returned_ = true;
          cv_.notify_all();
        }) {}
  ~Running() { (void)Stop(); }

  // Requests the stop; returns whether Run returned within kSafetyLimit.
  // Joins the thread either way (after pushing the fake time a year on, to
  // free a worker a broken stop left waiting for it).
  bool Stop() {
    if (!thread_.joinable()) return true;
    stop_.RequestStop();
    bool returned;
    {
      std::unique_lock<std::mutex> lock(mu_);
      returned = cv_.wait_for(lock, kSafetyLimit, [this] { return returned_; });
    }
    if (!returned) clock_.Advance(std::chrono::hours(24 * 365));
    thread_.join();
    return returned;
  }

 private:
  FakeClock& clock_;
  StopSource stop_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool returned_ = false;
  std::thread thread_;  // Last: it uses the members above.
};

TEST(SchedulerTest, RunsDueTasksInDueOrder) {
  FakeClock clock;
  Scheduler s(clock);
  std::vector<std::string> ran;
  s.Add(
      "late",
      [&](const StopToken&) {
        ran.push_back("late");
        return milliseconds(1000);
      },
      milliseconds(500));
  s.Add("early", [&](const StopToken&) {
    ran.push_back("early");
    return milliseconds(1000);
  });
  StopSource stop;
  EXPECT_EQ(s.RunDueTask(stop.token()), "early");
  EXPECT_EQ(s.RunDueTask(stop.token()), std::nullopt);  // "late" is not due yet.
  clock.Advance(milliseconds(500));
  EXPECT_EQ(s.RunDueTask(stop.token()), "late");
  EXPECT_EQ(ran, (std::vector<std::string>{"early", "late"}));
}

TEST(SchedulerTest, BusyStreamCannotStarveOthers) {
  FakeClock clock;
  Scheduler s(clock);
  std::map<std::string, int> runs;
  // "busy" always has backlog (due again at once); the others poll every second.
  s.Add("busy", [&](const StopToken&) {
    ++runs["busy"];
    return milliseconds(0);
  });
  for (const char* name : {"a", "b", "c"}) {
    s.Add(name, [&, name](const StopToken&) {
      ++runs[name];
      return milliseconds(1000);
    });
  }
  StopSource stop;
  for (int second = 0; second < 10; ++second) {
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(s.RunDueTask(stop.token()).has_value());
    clock.Advance(milliseconds(1000));
  }
  // Every quiet stream ran once per second despite the busy one.
  EXPECT_EQ(runs["a"], 10);
  EXPECT_EQ(runs["b"], 10);
  EXPECT_EQ(runs["c"], 10);
  EXPECT_EQ(runs["busy"], 200 - 30);
}

TEST(SchedulerTest, TellsHowLateEachTaskStarted) {
  FakeClock clock;
  Scheduler s(clock);
  StartDelays delays(s);
  s.Add("t", [&clock](const StopToken&) {
    clock.Advance(milliseconds(200));  // The cycle's own time is not lateness.
    return milliseconds(1000);
  });
  StopSource stop;
  ASSERT_TRUE(s.RunDueTask(stop.token()));
  clock.Advance(milliseconds(3500));  // Due 1,000 ms after the first cycle ended.
  ASSERT_TRUE(s.RunDueTask(stop.token()));
  EXPECT_EQ(delays.all(), (std::vector<milliseconds>{milliseconds(0), milliseconds(2500)}));
}

TEST(SchedulerTest, WakeAllMakesWaitingTasksDueNowInTheirOrder) {
  FakeClock clock;
  Scheduler s(clock);
  std::vector<std::string> ran;
  // "auth" waits out a 5-minute auth backoff, "poll" a 30 s poll interval.
  s.Add(
      "auth",
      [&](const StopToken&) {
        ran.push_back("auth");
        return milliseconds(1000);
      },
      milliseconds(300'000));
  s.Add(
      "poll",
      [&](const StopToken&) {
        ran.push_back("poll");
        return milliseconds(1000);
      },
      milliseconds(30'000));
  StartDelays delays(s);
  StopSource stop;
  EXPECT_EQ(s.RunDueTask(stop.token()), std::nullopt);
  s.WakeAll();
  EXPECT_EQ(s.NextDue(), clock.MonotonicNow());
  EXPECT_EQ(s.RunDueTask(stop.token()), "poll");  // It was due first, it still runs first.
  EXPECT_EQ(s.RunDueTask(stop.token()), "auth");
  EXPECT_EQ(s.RunDueTask(stop.token()), std::nullopt);  // Back on their own intervals.
  EXPECT_EQ(ran, (std::vector<std::string>{"poll", "auth"}));
  EXPECT_EQ(delays.all(), (std::vector<milliseconds>{milliseconds(0), milliseconds(0)}));
}

TEST(SchedulerTest, StopEndsRunWhileWaitingForAnHourLongTimer) {
  FakeClock clock;
  Scheduler s(clock);
  std::atomic<int> runs{0};
  s.Add("hourly", [&](const StopToken&) {
    ++runs;
    return milliseconds(3600 * 1000);
  });
  const auto start = clock.MonotonicNow();
  Running running(s, clock);
  // The task ran once and a worker is parked on its next due time.
  ASSERT_TRUE(clock.AwaitWaiter(start + std::chrono::hours(1)));
  // Run returns on the stop alone: the fake hour never passes.
  EXPECT_TRUE(running.Stop());
  EXPECT_EQ(clock.MonotonicNow(), start);
  EXPECT_EQ(runs.load(), 1);
}

// An IoLoop whose transfers are fiber::Events: Transfer() (on a fiber)
// queues one and waits for it, and RunFor ends every one queued. With none
// queued, RunFor waits (real time) for Wake() or `max_wait`.
class FakeIoLoop final : public IoLoop {
 public:
  void Transfer() {
    fiber::Event done;
    {
      std::lock_guard<std::mutex> lock(mu_);
      queued_.push_back(&done);
    }
    done.Wait();
  }

  void RunFor(milliseconds max_wait) override {
    std::unique_lock<std::mutex> lock(mu_);
    if (queued_.empty()) {
      cv_.wait_for(lock, max_wait, [this] { return woken_ || !queued_.empty(); });
    }
    woken_ = false;
    for (fiber::Event* done : queued_) done->Set();
    queued_.clear();
  }

  void Wake() override {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
    cv_.notify_all();
  }

  bool HasWork() override {
    std::lock_guard<std::mutex> lock(mu_);
    return !queued_.empty();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<fiber::Event*> queued_;
  bool woken_ = false;
};

TEST(SchedulerTest, AnIdleSchedulerWaitsInItsIoLoopAndAWakeEndsThatWait) {
  // The task waits for an event set from another thread while the loop's
  // thread waits in the IoLoop (up to 60 s of real time for the hourly
  // task): the Unpark must wake the IoLoop, or the fiber sits out that wait.
  FakeClock clock;
  FakeIoLoop io;
  Scheduler s(clock, &io);
  fiber::Event from_thread;
  std::atomic<int> transfers{0};
  std::atomic<int> woken{0};
  s.Add("t", [&](const StopToken&) {
    io.Transfer();
    ++transfers;
    from_thread.Wait();
    ++woken;
    return milliseconds(3600 * 1000);
  });
  Running running(s, clock);
  ASSERT_TRUE(WaitForValue(transfers, 1));
  from_thread.Set();
  EXPECT_TRUE(WaitForValue(woken, 1));
  EXPECT_TRUE(running.Stop());
}

TEST(SchedulerTest, ABusySchedulerStillRunsItsIoLoop) {
  // "busy" is due again at once, forever: the loop never runs out of work,
  // so the transfer of "io" ends only if it runs the IoLoop between batches.
  FakeClock clock;
  FakeIoLoop io;
  Scheduler s(clock, &io);
  std::atomic<int> transfers{0};
  s.Add("busy", [](const StopToken&) { return milliseconds(0); });
  s.Add("io", [&](const StopToken&) {
    io.Transfer();
    ++transfers;
    return milliseconds(3600 * 1000);
  });
  Running running(s, clock);
  EXPECT_TRUE(WaitForValue(transfers, 1));
  EXPECT_TRUE(running.Stop());
}

TEST(SchedulerTest, TasksDueTogetherRunTogetherOnFibers) {
  // Four tasks due at once on one thread: each waits (parks its fiber)
  // until all four have started, which only works if a waiting task gives
  // the thread to the next one.
  FakeClock clock;
  Scheduler s(clock);
  std::atomic<int> started{0};
  std::atomic<int> saw_all{0};
  fiber::Event all_started;
  for (int i = 0; i < 4; ++i) {
    s.Add("stream-" + std::to_string(i), [&](const StopToken&) {
      if (++started == 4) all_started.Set();
      all_started.Wait();
      ++saw_all;
      return milliseconds(3600 * 1000);
    });
  }
  const auto start = clock.MonotonicNow();
  Running running(s, clock);
  // Back in the queue, due in an hour, with the loop waiting for it.
  ASSERT_TRUE(clock.AwaitWaiter(start + std::chrono::hours(1)));
  EXPECT_TRUE(running.Stop());
  EXPECT_EQ(saw_all.load(), 4);
}

TEST(SchedulerTest, AStalledTaskDoesNotDelayTheOthers) {
  // "stalled" waits for a reply that never comes (as on a console that does
  // not answer); "healthy" must still run every 5 ms of fake time, and the
  // thread count stays one loop whatever the number stalled.
  FakeClock clock;
  Scheduler s(clock);
  fiber::Event reply;
  std::atomic<int> healthy_runs{0};
  for (int i = 0; i < 50; ++i) {
    s.Add("stalled-" + std::to_string(i), [&](const StopToken&) {
      reply.Wait();
      return milliseconds(5);
    });
  }
  s.Add("healthy", [&](const StopToken&) {
    ++healthy_runs;
    return milliseconds(5);
  });
  StartDelays delays(s);
  const auto start = clock.MonotonicNow();
  Running running(s, clock);
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(clock.AwaitWaiter(start + i * milliseconds(5))) << "run " << i;
    EXPECT_EQ(healthy_runs.load(), i);
    clock.Advance(milliseconds(5));
  }
  // The loop waits for "healthy" again, with the 50 stalled fibers parked.
  ASSERT_TRUE(clock.AwaitWaiter(start + milliseconds(30)));
  EXPECT_EQ(s.fiber_count(), 50u);
  EXPECT_EQ(delays.all().size(), 56u);  // 50 stalled, 6 healthy (at 0, 5, ... 25 ms).
  EXPECT_EQ(delays.max(), milliseconds(0));
  reply.Set();  // Lets the stalled ones end, so the stop does not wait for them.
  EXPECT_TRUE(running.Stop());
}

TEST(SchedulerTest, AStateWriteParksItsFiberSoTheOtherFibersRun) {
  // The write of "commit" blocks the writer's thread until "other" has run:
  // only possible if the write runs off the scheduler's thread while the
  // fiber that asked for it parks.
  FakeClock clock;
  Scheduler s(clock);
  std::mutex mu;
  std::condition_variable cv;
  bool other_ran = false;
  std::atomic<int> finished{0};
  testing::FaultyFileSystem fs;
  fs.on_make_dirs = [&] {
    std::unique_lock<std::mutex> lock(mu);
    (void)cv.wait_for(lock, kSafetyLimit, [&] { return other_ran; });
  };
  const testing::TempDir dir("s1c-scheduler-test");
  state::GroupWriter writer(fs, clock, "state directory", milliseconds(0));
  s.Add("commit", [&](const StopToken&) {
    const Status written = writer.Write(dir.path() / "c" / "a.json", "{}");
    std::lock_guard<std::mutex> lock(mu);
    if (written.ok() && other_ran) ++finished;
    return milliseconds(3600 * 1000);
  });
  s.Add("other", [&](const StopToken&) {
    {
      std::lock_guard<std::mutex> lock(mu);
      other_ran = true;
    }
    cv.notify_all();
    return milliseconds(3600 * 1000);
  });
  const auto start = clock.MonotonicNow();
  Running running(s, clock);
  ASSERT_TRUE(clock.AwaitWaiter(start + std::chrono::hours(1)));
  // Both back in the queue; the write ended once "other" ran.
  EXPECT_TRUE(WaitForValue(finished, 1));
  EXPECT_TRUE(running.Stop());
}

TEST(SchedulerTest, AFiberSleepsOnTheSchedulersClock) {
  FakeClock clock;
  Scheduler s(clock);
  std::atomic<int> woke{0};
  const auto start = clock.MonotonicNow();
  s.Add("sleeper", [&](const StopToken& stop) {
    if (fiber::SleepUntil(start + std::chrono::seconds(10), stop)) ++woke;
    return milliseconds(3600 * 1000);
  });
  Running running(s, clock);
  ASSERT_TRUE(clock.AwaitWaiter(start + std::chrono::seconds(10)));
  EXPECT_EQ(woke.load(), 0);
  clock.Advance(std::chrono::seconds(10));
  ASSERT_TRUE(clock.AwaitWaiter(start + std::chrono::seconds(10) + std::chrono::hours(1)));
  EXPECT_EQ(woke.load(), 1);
  EXPECT_TRUE(running.Stop());
}

TEST(SchedulerTest, StopEndsTheSleepOfAParkedFiber) {
  FakeClock clock;
  Scheduler s(clock);
  std::atomic<int> stopped{0};
  const auto start = clock.MonotonicNow();
  s.Add("backoff", [&](const StopToken& stop) {
    if (!fiber::SleepUntil(start + std::chrono::hours(1), stop)) ++stopped;
    return milliseconds(0);
  });
  Running running(s, clock);
  ASSERT_TRUE(clock.AwaitWaiter(start + std::chrono::hours(1)));
  EXPECT_TRUE(running.Stop());
  EXPECT_EQ(stopped.load(), 1);
  EXPECT_EQ(clock.MonotonicNow(), start);
}

TEST(SchedulerTest, AFiberStartsAnotherAndWaitsForIt) {
  FakeClock clock;
  Scheduler s(clock);
  std::vector<std::string> order;
  std::mutex mu;
  auto note = [&](const char* what) {
    std::lock_guard<std::mutex> lock(mu);
    order.emplace_back(what);
  };
  s.Add("parent", [&](const StopToken&) {
    fiber::Event child_done;
    fiber::Fiber::Current()->host().Spawn([&] {
      note("child");
      child_done.Set();
    });
    note("parent before wait");  // The child runs only once the parent waits.
    child_done.Wait();
    note("parent after wait");
    return milliseconds(3600 * 1000);
  });
  const auto start = clock.MonotonicNow();
  Running running(s, clock);
  ASSERT_TRUE(clock.AwaitWaiter(start + std::chrono::hours(1)));
  EXPECT_TRUE(running.Stop());
  EXPECT_EQ(order, (std::vector<std::string>{"parent before wait", "child", "parent after wait"}));
  EXPECT_EQ(s.fiber_count(), 0u);
}

TEST(SchedulerTest, ATaskRunsAgainWhenDueWhileOthersWaitForHours) {
  FakeClock clock;
  Scheduler s(clock);
  std::atomic<int> fast_runs{0};
  s.Add("hourly", [](const StopToken&) { return milliseconds(3600 * 1000); });
  s.Add("fast", [&](const StopToken&) {
    ++fast_runs;
    return milliseconds(5);
  });
  const auto start = clock.MonotonicNow();
  Running running(s, clock);
  // The watching worker must wait for each 5 ms due time, not only for the
  // hourly one, and run the task when the clock gets there.
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(clock.AwaitWaiter(start + i * milliseconds(5))) << "run " << i;
    EXPECT_EQ(fast_runs.load(), i);
    clock.Advance(milliseconds(5));
  }
  ASSERT_TRUE(clock.AwaitWaiter(start + milliseconds(30)));
  EXPECT_TRUE(running.Stop());
  EXPECT_EQ(fast_runs.load(), 6);  // The first run, then one per 5 ms advanced.
}

}  // namespace
}  // namespace s1c::sched
