#include "s1c/obs/service_notify.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <mutex>
#include <vector>

#include "fake_clock.h"

namespace s1c::obs {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class RecordingNotifier final : public ServiceNotifier {
 public:
  explicit RecordingNotifier(std::optional<std::chrono::microseconds> watchdog = std::nullopt)
      : watchdog_(watchdog) {}
  void Notify(std::string_view state) override {
    std::lock_guard<std::mutex> lock(mu_);
    sent_.emplace_back(state);
  }
  std::optional<std::chrono::microseconds> WatchdogTimeout() const override { return watchdog_; }

  std::vector<std::string> TakeSent() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::exchange(sent_, {});
  }

 private:
  std::optional<std::chrono::microseconds> watchdog_;
  std::mutex mu_;
  std::vector<std::string> sent_;
};

TEST(ServiceMonitorTest, WithoutWatchdogOnlySendsStatusWhenItChanges) {
  s1c::testing::FakeClock clock;
  Heartbeat heartbeat(clock);
  RecordingNotifier notifier;
  std::string status = "2 streams: 2 ok, 0 failing; 0 events forwarded";
  ServiceMonitor monitor(notifier, clock, heartbeat, [&] { return status; });
  EXPECT_FALSE(monitor.watchdog_enabled());

  EXPECT_EQ(monitor.Tick(), milliseconds(5000));
  EXPECT_EQ(notifier.TakeSent(),
            std::vector<std::string>{"STATUS=2 streams: 2 ok, 0 failing; 0 events forwarded"});
  monitor.Tick();
  EXPECT_TRUE(notifier.TakeSent().empty());
  status = "2 streams: 1 ok, 1 failing; 10 events forwarded";
  monitor.Tick();
  EXPECT_EQ(notifier.TakeSent(),
            std::vector<std::string>{"STATUS=2 streams: 1 ok, 1 failing; 10 events forwarded"});
}

TEST(ServiceMonitorTest, PingsWatchdogOnlyWhileTheHeartbeatIsFresh) {
  s1c::testing::FakeClock clock;
  Heartbeat heartbeat(clock);
  RecordingNotifier notifier(seconds(60));
  ServiceMonitor monitor(notifier, clock, heartbeat, nullptr);
  EXPECT_TRUE(monitor.watchdog_enabled());

  // Never beaten: stale.
  monitor.Tick();
  EXPECT_TRUE(notifier.TakeSent().empty());

  heartbeat.Beat();
  EXPECT_EQ(monitor.Tick(), milliseconds(5000));  // min(5 s status, 60 s / 4).
  EXPECT_EQ(notifier.TakeSent(), std::vector<std::string>{"WATCHDOG=1"});

  clock.Advance(seconds(30));  // Half the timeout: still fresh.
  monitor.Tick();
  EXPECT_EQ(notifier.TakeSent(), std::vector<std::string>{"WATCHDOG=1"});

  clock.Advance(seconds(1));  // The scheduler stopped beating: no more pings.
  monitor.Tick();
  monitor.Tick();
  EXPECT_TRUE(notifier.TakeSent().empty());

  heartbeat.Beat();
  monitor.Tick();
  EXPECT_EQ(notifier.TakeSent(), std::vector<std::string>{"WATCHDOG=1"});
}

TEST(ServiceMonitorTest, ShortWatchdogShortensTheTick) {
  s1c::testing::FakeClock clock;
  Heartbeat heartbeat(clock);
  RecordingNotifier notifier(seconds(8));
  ServiceMonitor monitor(notifier, clock, heartbeat, nullptr);
  EXPECT_EQ(monitor.Tick(), milliseconds(2000));
}

TEST(ServiceMonitorTest, RunReturnsAtOnceWhenStopped) {
  s1c::testing::FakeClock clock;
  Heartbeat heartbeat(clock);
  RecordingNotifier notifier;
  ServiceMonitor monitor(notifier, clock, heartbeat, [] { return std::string("x"); });
  StopSource stop;
  stop.RequestStop();
  monitor.Run(stop.token());
  EXPECT_TRUE(notifier.TakeSent().empty());
}

TEST(HeartbeatTest, AgeFollowsTheClock) {
  s1c::testing::FakeClock clock;
  Heartbeat heartbeat(clock);
  EXPECT_FALSE(heartbeat.Age().has_value());
  heartbeat.Beat();
  clock.Advance(seconds(3));
  EXPECT_EQ(heartbeat.Age(), std::chrono::steady_clock::duration(seconds(3)));
}

TEST(SystemdNotifierTest, HarmlessWithoutNotifySocketAndNoWatchdog) {
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");
  SystemdNotifier notifier;
  notifier.Notify("READY=1");  // Must not fail or block.
  EXPECT_FALSE(notifier.WatchdogTimeout().has_value());
}

TEST(SystemdNotifierTest, ReadsWatchdogFromTheEnvironment) {
  setenv("WATCHDOG_USEC", "60000000", 1);
  unsetenv("WATCHDOG_PID");
  SystemdNotifier notifier;
  EXPECT_EQ(notifier.WatchdogTimeout(), std::chrono::microseconds(60000000));
  // Meant for another process: not ours to feed.
  setenv("WATCHDOG_PID", "1", 1);
  EXPECT_FALSE(notifier.WatchdogTimeout().has_value());
  unsetenv("WATCHDOG_USEC");
  unsetenv("WATCHDOG_PID");
}

}  // namespace
}  // namespace s1c::obs
