#include "s1c/sched/token_bucket.h"

#include <algorithm>
#include <cmath>

namespace s1c::sched {
namespace {

int64_t MonotonicMicros(const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             clock.MonotonicNow().time_since_epoch())
      .count();
}

}  // namespace

TokenBucket::TokenBucket(double rate, double burst, Clock& clock)
    : rate_(rate),
      burst_(std::max(1.0, burst)),
      clock_(clock),
      tokens_(std::max(1.0, burst)),
      last_refill_us_(MonotonicMicros(clock)) {}

void TokenBucket::RefillLocked(int64_t now_us) {
  if (now_us > last_refill_us_) {
    tokens_ = std::min(burst_, tokens_ + (now_us - last_refill_us_) * rate_ / 1e6);
    last_refill_us_ = now_us;
  }
}

std::chrono::microseconds TokenBucket::TryAcquire() {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t now = MonotonicMicros(clock_);
  if (now < paused_until_us_) return std::chrono::microseconds(paused_until_us_ - now);
  RefillLocked(now);
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return std::chrono::microseconds(0);
  }
  const double missing = 1.0 - tokens_;
  return std::chrono::microseconds(static_cast<int64_t>(std::ceil(missing * 1e6 / rate_)));
}

bool TokenBucket::Acquire(const StopToken& stop) {
  while (true) {
    const auto wait = TryAcquire();
    if (wait.count() == 0) return true;
    const auto wait_ms = std::chrono::ceil<std::chrono::milliseconds>(wait);
    if (!clock_.SleepFor(wait_ms, stop)) return false;
  }
}

void TokenBucket::PauseFor(std::chrono::milliseconds d) {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t until =
      MonotonicMicros(clock_) + std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  paused_until_us_ = std::max(paused_until_us_, until);
}

}  // namespace s1c::sched
