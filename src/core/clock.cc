#include "s1c/core/clock.h"

#include "s1c/core/fiber.h"

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
  const auto deadline = std::chrono::steady_clock::now() + d;
  // On a fiber, only the fiber waits: its thread runs the others meanwhile.
  if (fiber::Fiber::Current() != nullptr) return fiber::SleepUntil(deadline, stop);
  return !stop.state().WaitUntil(deadline);
}

void SystemClock::WaitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable_any& cv,
                            std::chrono::steady_clock::time_point deadline) {
  cv.wait_until(lock, deadline);
}

}  // namespace s1c
