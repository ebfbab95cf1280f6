#include "s1c/sched/scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "fake_clock.h"

namespace s1c::sched {
namespace {

using std::chrono::milliseconds;
using testing::FakeClock;

TEST(SchedulerTest, RunsDueTasksInDueOrder) {
  FakeClock clock;
  Scheduler s(clock, 2);
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
  Scheduler s(clock, 1);
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

TEST(SchedulerTest, TracksLateness) {
  FakeClock clock;
  Scheduler s(clock, 1);
  s.Add("t", [](const StopToken&) { return milliseconds(1000); });
  StopSource stop;
  ASSERT_TRUE(s.RunDueTask(stop.token()));
  clock.Advance(milliseconds(3500));
  ASSERT_TRUE(s.RunDueTask(stop.token()));
  EXPECT_EQ(s.MaxLateness(), milliseconds(2500));
}

TEST(SchedulerTest, WakeAllMakesWaitingTasksDueNowInTheirOrder) {
  FakeClock clock;
  Scheduler s(clock, 1);
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
  StopSource stop;
  EXPECT_EQ(s.RunDueTask(stop.token()), std::nullopt);
  s.WakeAll();
  EXPECT_EQ(s.NextDue(), clock.MonotonicNow());
  EXPECT_EQ(s.RunDueTask(stop.token()), "poll");  // It was due first, it still runs first.
  EXPECT_EQ(s.RunDueTask(stop.token()), "auth");
  EXPECT_EQ(s.RunDueTask(stop.token()), std::nullopt);  // Back on their own intervals.
  EXPECT_EQ(ran, (std::vector<std::string>{"poll", "auth"}));
  EXPECT_EQ(s.MaxLateness(), milliseconds(0));
}

TEST(SchedulerTest, StopEndsRunWhileWaitingForAnHourLongTimer) {
  SystemClock clock;
  Scheduler s(clock, 4);
  int runs = 0;
  s.Add("hourly", [&](const StopToken&) {
    ++runs;
    return milliseconds(3600 * 1000);
  });
  StopSource stop;
  std::thread runner([&] { s.Run(stop.token()); });
  // Wait until the task ran once and the worker is parked on the timer.
  while (!s.NextDue() || *s.NextDue() < clock.MonotonicNow() + std::chrono::minutes(30)) {
    std::this_thread::yield();
  }
  const auto asked = std::chrono::steady_clock::now();
  stop.RequestStop();
  runner.join();
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(1));
  EXPECT_EQ(runs, 1);
}

TEST(SchedulerTest, TasksDueTogetherRunOnIdleWorkersAtTheSameTime) {
  // One worker watches the clock and hands the watch on before it runs a
  // task: four tasks due at once must all be running together, each waiting
  // here until it sees the other three started.
  SystemClock clock;
  Scheduler s(clock, 4);
  std::mutex mu;
  std::condition_variable cv;
  int started = 0;
  int saw_all = 0;
  for (int i = 0; i < 4; ++i) {
    s.Add("stream-" + std::to_string(i), [&](const StopToken&) {
      std::unique_lock<std::mutex> lock(mu);
      ++started;
      cv.notify_all();
      if (cv.wait_for(lock, std::chrono::seconds(30), [&] { return started >= 4; })) ++saw_all;
      return milliseconds(3600 * 1000);
    });
  }
  StopSource stop;
  std::thread runner([&] { s.Run(stop.token()); });
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return started >= 4; });
  }
  while (!s.NextDue() || *s.NextDue() < clock.MonotonicNow() + std::chrono::minutes(30)) {
    std::this_thread::yield();  // Until all four are back in the queue.
  }
  stop.RequestStop();
  runner.join();
  EXPECT_EQ(saw_all, 4);
}

TEST(SchedulerTest, ATaskRunsAgainWhenDueWhileOthersWaitForHours) {
  SystemClock clock;
  Scheduler s(clock, 3);
  std::atomic<int> fast_runs{0};
  s.Add("hourly", [](const StopToken&) { return milliseconds(3600 * 1000); });
  s.Add("fast", [&](const StopToken&) {
    ++fast_runs;
    return milliseconds(5);
  });
  StopSource stop;
  std::thread runner([&] { s.Run(stop.token()); });
  // The watching worker must wake for each 5 ms due time, not only for the
  // hourly one; generous bound, as this only checks that it happens at all.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (fast_runs < 5 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(milliseconds(1));
  }
  stop.RequestStop();
  runner.join();
  EXPECT_GE(fast_runs, 5);
}

}  // namespace
}  // namespace s1c::sched
