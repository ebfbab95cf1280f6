// Telling the service manager how the daemon is doing (systemd Type=notify):
// READY=1 once collection starts, STATUS=<summary>, WATCHDOG=1 while the
// scheduler is alive, STOPPING=1 on shutdown.
//
// ServiceNotifier is the seam (tests record messages); SystemdNotifier sends
// them with sd_notify(3), which does nothing when $NOTIFY_SOCKET is unset
// (a terminal, Docker), so the daemon calls it unconditionally.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "s1c/core/clock.h"
#include "s1c/core/stop_token.h"

namespace s1c::obs {

class ServiceNotifier {
 public:
  virtual ~ServiceNotifier() = default;
  // Sends newline-separated assignments such as "READY=1" or "STATUS=...".
  virtual void Notify(std::string_view state) = 0;
  // How often the manager wants WATCHDOG=1 at the latest (WatchdogSec=), or
  // nullopt when no watchdog is configured for this process.
  virtual std::optional<std::chrono::microseconds> WatchdogTimeout() const = 0;
};

// sd_notify / sd_watchdog_enabled. Thread-safe (stateless).
class SystemdNotifier final : public ServiceNotifier {
 public:
  void Notify(std::string_view state) override;
  std::optional<std::chrono::microseconds> WatchdogTimeout() const override;
};

// A timestamp the scheduler's heartbeat task refreshes, read by the
// watchdog loop. Thread-safe.
class Heartbeat {
 public:
  explicit Heartbeat(const Clock& clock) : clock_(clock) {}
  void Beat();
  // Time since the last Beat(); nullopt before the first.
  std::optional<std::chrono::steady_clock::duration> Age() const;

 private:
  const Clock& clock_;
  std::atomic<int64_t> last_ns_{-1};  // steady_clock ticks, -1 = never.
};

struct ServiceMonitorOptions {
  std::chrono::milliseconds status_interval{5000};  // How often STATUS= is refreshed.
};

// The daemon's notification loop. Each Tick() sends WATCHDOG=1 when the
// watchdog is on and the heartbeat is younger than half the watchdog
// timeout (a stalled scheduler stops the pings and systemd restarts the
// service), and STATUS=<status()> when the text changed. Not thread-safe:
// one thread runs Run() (or a test calls Tick()).
class ServiceMonitor {
 public:
  ServiceMonitor(ServiceNotifier& notifier, Clock& clock, const Heartbeat& heartbeat,
                 std::function<std::string()> status, ServiceMonitorOptions options = {});

  // One round; returns how long to wait before the next.
  std::chrono::milliseconds Tick();
  // Ticks until `stop` is requested.
  void Run(const StopToken& stop);

  bool watchdog_enabled() const { return watchdog_.has_value(); }

 private:
  ServiceNotifier& notifier_;
  Clock& clock_;
  const Heartbeat& heartbeat_;
  std::function<std::string()> status_;
  ServiceMonitorOptions options_;
  std::optional<std::chrono::microseconds> watchdog_;
  std::string last_status_;
  bool stale_logged_ = false;
};

}  // namespace s1c::obs
