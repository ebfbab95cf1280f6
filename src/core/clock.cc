#include "s1c/core/clock.h"

namespace s1c {

int64_t SystemClock::NowMicros() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::chrono::steady_clock::time_point SystemClock::MonotonicNow() const {
  return std::chrono::steady_clock::now();
}

bool SystemClock::SleepFor(std::chrono::milliseconds d, const StopToken& stop) {
  return !stop.state().WaitUntil(std::chrono::steady_clock::now() + d);
}

}  // namespace s1c
