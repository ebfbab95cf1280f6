// TokenBucket: a per-console request budget shared by that console's
// streams (docs/design.md section 5: default 10 requests/s). A 429 from the
// console pauses the whole bucket, so every stream of that console backs off.
#pragma once

#include <chrono>
#include <mutex>

#include "s1c/core/clock.h"
#include "s1c/core/stop_token.h"

namespace s1c::sched {

// Thread-safe.
class TokenBucket {
 public:
  // `rate` tokens per second, at most `burst` saved up (>= 1).
  TokenBucket(double rate, double burst, Clock& clock);

  // Takes one token, waiting (interruptibly) until one is available and any
  // pause has ended. Returns false if `stop` was requested first.
  bool Acquire(const StopToken& stop);

  // Takes a token if one is available now; else returns the wait needed.
  std::chrono::microseconds TryAcquire();

  // No token is handed out for `d` from now (longer pauses win).
  void PauseFor(std::chrono::milliseconds d);

 private:
  void RefillLocked(int64_t now_us);

  const double rate_;
  const double burst_;
  Clock& clock_;
  std::mutex mu_;
  double tokens_;
  int64_t last_refill_us_;
  int64_t paused_until_us_ = 0;
};

}  // namespace s1c::sched
