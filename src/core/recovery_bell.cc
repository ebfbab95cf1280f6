#include "s1c/core/recovery_bell.h"

namespace s1c {

void RecoveryBell::Ring() {
  // Unpark under the lock: a waiter leaves the list under it, so each one
  // unparked is still waiting (its fiber alive).
  std::lock_guard<std::mutex> lock(mu_);
  ++rings_;
  failing_ = false;
  for (fiber::Fiber* f : waiters_) f->host().Unpark(*f);
}

void RecoveryBell::MarkFailing() {
  std::lock_guard<std::mutex> lock(mu_);
  failing_ = true;
}

uint64_t RecoveryBell::rings() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rings_;
}

bool RecoveryBell::failing() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failing_;
}

bool RecoveryBell::SleepFor(Clock& clock, std::chrono::milliseconds d, const StopToken& stop) {
  fiber::Fiber* self = fiber::Fiber::Current();
  if (self == nullptr) return clock.SleepFor(d, stop);
  return Wait(*self, d, stop, /*only_while_failing=*/false);
}

bool RecoveryBell::WaitWhileFailing(std::chrono::milliseconds max_wait, const StopToken& stop) {
  fiber::Fiber* self = fiber::Fiber::Current();
  if (self == nullptr || !failing()) return !stop.StopRequested();
  return Wait(*self, max_wait, stop, /*only_while_failing=*/true);
}

bool RecoveryBell::Wait(fiber::Fiber& self, std::chrono::milliseconds d, const StopToken& stop,
                        bool only_while_failing) {
  fiber::Host& host = self.host();
  const auto deadline = host.Now() + d;
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t rings_before = rings_;
  const auto me = waiters_.insert(waiters_.end(), &self);
  bool stopped = false;
  while (rings_ == rings_before && host.Now() < deadline && (failing_ || !only_while_failing)) {
    if (stop.StopRequested()) {
      stopped = true;
      break;
    }
    lock.unlock();
    host.Park(self, deadline);
    lock.lock();
  }
  waiters_.erase(me);
  return !stopped;
}

}  // namespace s1c
