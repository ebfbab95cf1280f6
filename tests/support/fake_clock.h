// FakeClock: time that moves only when a test says so. SleepFor advances
// the fake time instantly (recording the request) so code under test never
// really waits. WaitUntil blocks until a notify or until Advance (or a
// SleepFor) moves the fake time to its deadline, so a test with real worker
// threads decides when their timers fire; AwaitWaiter lets it see that a
// thread is parked on such a timer first. Thread-safe.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <list>
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
    return MonotonicNowLocked();
  }
  bool SleepFor(std::chrono::milliseconds d, const StopToken& stop) override {
    if (stop.StopRequested()) return false;
    std::lock_guard<std::mutex> lock(mu_);
    sleeps_.push_back(d);
    AdvanceLocked(d);
    return true;
  }
  void WaitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable_any& cv,
                 std::chrono::steady_clock::time_point deadline) override {
    std::unique_lock<std::mutex> mine(mu_);
    if (MonotonicNowLocked() >= deadline) return;
    const auto waiter = waiters_.insert(waiters_.end(), Waiter{deadline, &cv});
    waiters_changed_.notify_all();
    // Both locks are released together once the wait has begun (and taken
    // back in the caller's order, theirs first): an Advance, which notifies
    // under mu_, cannot fall between the deadline check and the wait.
    BothLocks both{lock, mine};
    cv.wait(both);
    waiters_.erase(waiter);
  }

  // Moves the fake time on and wakes the WaitUntil callers whose deadline it reached.
  void Advance(std::chrono::microseconds d) {
    std::lock_guard<std::mutex> lock(mu_);
    AdvanceLocked(d);
  }
  std::vector<std::chrono::milliseconds> sleeps() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sleeps_;
  }

  // Blocks until a thread waits in WaitUntil for exactly `deadline`, or
  // `limit` of real time passed (a safety net so a broken test fails instead
  // of hanging; a passing test never waits that long). Returns whether one
  // does.
  bool AwaitWaiter(std::chrono::steady_clock::time_point deadline,
                   std::chrono::seconds limit = std::chrono::seconds(10)) const {
    std::unique_lock<std::mutex> lock(mu_);
    return waiters_changed_.wait_for(lock, limit, [&] {
      return std::any_of(waiters_.begin(), waiters_.end(),
                         [&](const Waiter& w) { return w.deadline == deadline; });
    });
  }

 private:
  struct Waiter {
    std::chrono::steady_clock::time_point deadline;
    std::condition_variable_any* cv;
  };

  // The caller's lock and mu_ as one lockable, for condition_variable_any.
  struct BothLocks {
    std::unique_lock<std::mutex>& theirs;
    std::unique_lock<std::mutex>& mine;
    void lock() {
      theirs.lock();
      mine.lock();
    }
    void unlock() {
      mine.unlock();
      theirs.unlock();
    }
  };

  std::chrono::steady_clock::time_point MonotonicNowLocked() const {
    return std::chrono::steady_clock::time_point(std::chrono::microseconds(now_us_));
  }
  void AdvanceLocked(std::chrono::microseconds d) {
    now_us_ += d.count();
    const auto now = MonotonicNowLocked();
    for (const Waiter& w : waiters_) {
      if (w.deadline <= now) w.cv->notify_all();
    }
  }

  mutable std::mutex mu_;
  mutable std::condition_variable waiters_changed_;
  int64_t now_us_;
  std::vector<std::chrono::milliseconds> sleeps_;
  std::list<Waiter> waiters_;  // Threads in WaitUntil; each removes its own entry.
};

}  // namespace s1c::testing
