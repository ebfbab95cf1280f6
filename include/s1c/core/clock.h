// Clock: the one seam for time. Production code never calls
// std::chrono::*::now() or sleeps directly, so tests can fake time.
#pragma once

#include <chrono>
#include <cstdint>

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
  virtual bool SleepFor(std::chrono::milliseconds d, const StopToken& stop) = 0;
};

// The real clock. Thread-safe.
class SystemClock final : public Clock {
 public:
  int64_t NowMicros() const override;
  std::chrono::steady_clock::time_point MonotonicNow() const override;
  bool SleepFor(std::chrono::milliseconds d, const StopToken& stop) override;
};

}  // namespace s1c
