#include "s1c/obs/service_notify.h"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <algorithm>

namespace s1c::obs {

void SystemdNotifier::Notify(std::string_view state) {
  // unset_environment=0: children (none today) could notify too; harmless.
  (void)sd_notify(0, std::string(state).c_str());
}

std::optional<std::chrono::microseconds> SystemdNotifier::WatchdogTimeout() const {
  uint64_t usec = 0;
  // > 0 only when $WATCHDOG_USEC is set and $WATCHDOG_PID (if set) is us.
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    return std::chrono::microseconds(static_cast<int64_t>(usec));
  }
  return std::nullopt;
}

void Heartbeat::Beat() {
  last_ns_.store(clock_.MonotonicNow().time_since_epoch().count(), std::memory_order_relaxed);
}

std::optional<std::chrono::steady_clock::duration> Heartbeat::Age() const {
  const int64_t last = last_ns_.load(std::memory_order_relaxed);
  if (last < 0) return std::nullopt;
  return clock_.MonotonicNow().time_since_epoch() - std::chrono::steady_clock::duration(last);
}

ServiceMonitor::ServiceMonitor(ServiceNotifier& notifier, Clock& clock, const Heartbeat& heartbeat,
                               std::function<std::string()> status, ServiceMonitorOptions options)
    : notifier_(notifier),
      clock_(clock),
      heartbeat_(heartbeat),
      status_(std::move(status)),
      options_(options),
      watchdog_(notifier.WatchdogTimeout()) {}

std::chrono::milliseconds ServiceMonitor::Tick() {
  std::chrono::milliseconds next = options_.status_interval;
  if (watchdog_) {
    // Ping four times per timeout so one late round does not trip it; only
    // while the scheduler proves it still dispatches work.
    next = std::min(
        next, std::max(std::chrono::milliseconds(1),
                       std::chrono::duration_cast<std::chrono::milliseconds>(*watchdog_ / 4)));
    const auto age = heartbeat_.Age();
    if (age && *age <= *watchdog_ / 2) {
      notifier_.Notify("WATCHDOG=1");
      if (stale_logged_) spdlog::info("Scheduler heartbeat is back; watchdog pings resumed.");
      stale_logged_ = false;
    } else if (!stale_logged_) {
      spdlog::error(
          "Scheduler heartbeat is stale; withholding watchdog pings so systemd restarts the "
          "service. age_ms={}",
          age ? std::chrono::duration_cast<std::chrono::milliseconds>(*age).count() : -1);
      stale_logged_ = true;
    }
  }
  if (status_) {
    std::string text = status_();
    if (text != last_status_) {
      notifier_.Notify("STATUS=" + text);
      last_status_ = std::move(text);
    }
  }
  return next;
}

void ServiceMonitor::Run(const StopToken& stop) {
  while (!stop.StopRequested()) {
    const auto wait = Tick();
    if (!clock_.SleepFor(wait, stop)) break;
  }
}

}  // namespace s1c::obs
