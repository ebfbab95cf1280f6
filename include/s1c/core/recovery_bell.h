// RecoveryBell: the state of one destination (an intake) shared by every
// stream that sends to it. Two uses:
// - Recover together: the streams backing off from it retry as soon as one
//   of them gets through, instead of each waiting out its own backoff after
//   the destination is back. The backoff itself stays: while it keeps
//   failing, nobody rings and each waits its full delay.
// - Memory stays flat in an outage: while it is failing, a stream about to
//   fetch new events for it waits first (holding nothing), so only the
//   streams already retrying hold pages, not every stream of the fleet.
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>

#include "s1c/core/clock.h"
#include "s1c/core/fiber.h"
#include "s1c/core/stop_token.h"

namespace s1c {

// Thread-safe. Only fibers are woken early or held back; on a plain thread
// (a backfill's one stream) the waits are plain sleeps.
class RecoveryBell {
 public:
  // The destination answered (accepted, or refused for good): it is up.
  // Wakes every waiter.
  void Ring();
  // A request failed in a way worth retrying (an outage, an overload).
  void MarkFailing();

  // Waits `d` on `clock`, or less if the bell rings meanwhile. Returns
  // false if stopped.
  bool SleepFor(Clock& clock, std::chrono::milliseconds d, const StopToken& stop);

  // While the destination is failing, waits until it rings or `max_wait`
  // passed (after which the caller tries for itself). Returns false if
  // stopped.
  bool WaitWhileFailing(std::chrono::milliseconds max_wait, const StopToken& stop);

  uint64_t rings() const;
  bool failing() const;

 private:
  // Parks the calling fiber until a ring, `d`, a stop, or (with
  // `only_while_failing`) the destination no longer failing.
  bool Wait(fiber::Fiber& self, std::chrono::milliseconds d, const StopToken& stop,
            bool only_while_failing);

  mutable std::mutex mu_;
  uint64_t rings_ = 0;                // Guarded by mu_.
  bool failing_ = false;              // Guarded by mu_.
  std::list<fiber::Fiber*> waiters_;  // Guarded by mu_.
};

}  // namespace s1c
