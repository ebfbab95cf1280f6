// Clock: the one seam for time. Production code never calls
// std::chrono::*::now(), sleeps or waits with a timeout directly, so tests
// can fake time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "s1c/core/stop_token.h"

namespace s1c {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time in microseconds since the Unix epoch.
  virtual int64_t NowMicros() const = 0;
  // Monotonic time, for deadlines and intervals.
  virtual std::chrono::steady_clock::time_point MonotonicNow() const = 0;
  // Sleeps for `d` or until `stop` is requested. Returns false if stopped.
  // On a fiber, parks only the fiber (fiber::SleepUntil).
  virtual bool SleepFor(std::chrono::milliseconds d, const StopToken& stop) = 0;
  // Waits on `cv` until it is notified or this clock reaches `deadline` (a
  // MonotonicNow() value), whichever is first. It may also return
  // spuriously: callers re-check what they wait for. `lock` holds the mutex
  // that guards that state and under which `cv` is notified. It is a
  // condition_variable_any so that a fake clock can release its own lock
  // in the same step as `lock`, and an Advance() cannot slip in between.
  // REQUIRES: lock.owns_lock().
  virtual void WaitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable_any& cv,
                         std::chrono::steady_clock::time_point deadline) = 0;
};

// The real clock. Thread-safe.
class SystemClock final : public Clock {
 public:
  int64_t NowMicros() const override;
  std::chrono::steady_clock::time_point MonotonicNow() const override;
  bool SleepFor(std::chrono::milliseconds d, const StopToken& stop) override;
  void WaitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable_any& cv,
                 std::chrono::steady_clock::time_point deadline) override;
};

}  // namespace s1c
