// FakeClock: time that moves only when a test says so. SleepFor advances
// the fake time instantly (recording the request) so code under test never
// really waits. Thread-safe.
#pragma once

#include <mutex>
#include <vector>

#include "s1c/core/clock.h"

namespace s1c::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t now_micros = 1767225600000000) : now_us_(now_micros) {}  // 2026-01-01

  int64_t NowMicros() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_us_;
  }
  std::chrono::steady_clock::time_point MonotonicNow() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return std::chrono::steady_clock::time_point(std::chrono::microseconds(now_us_));
  }
  bool SleepFor(std::chrono::milliseconds d, const StopToken& stop) override {
    if (stop.StopRequested()) return false;
    std::lock_guard<std::mutex> lock(mu_);
    sleeps_.push_back(d);
    now_us_ += std::chrono::duration_cast<std::chrono::microseconds>(d).count();
    return true;
  }

  void Advance(std::chrono::microseconds d) {
    std::lock_guard<std::mutex> lock(mu_);
    now_us_ += d.count();
  }
  std::vector<std::chrono::milliseconds> sleeps() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sleeps_;
  }

 private:
  mutable std::mutex mu_;
  int64_t now_us_;
  std::vector<std::chrono::milliseconds> sleeps_;
};

}  // namespace s1c::testing
