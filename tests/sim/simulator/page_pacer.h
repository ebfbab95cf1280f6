// PagePacer: spaces the simulator's list pages (--pages-per-second), so that a
// benchmark sees a console that answers about R pages a second, as a busy
// SentinelOne console does, instead of one that answers as fast as loopback.
//
// The pacing is a pure function of the previous slot and the time a page is
// ready (NextPageSlot), so tests give it made-up times; the server sleeps
// until the slot it reserved.
#pragma once

#include <chrono>
#include <mutex>

namespace s1c::sim {

using SteadyTime = std::chrono::steady_clock::time_point;

// Returns when a page that is ready at `now` may be answered: `interval` after
// the previous page's slot, or `now` when that is already past (an idle
// server does not save up slots for a burst later).
SteadyTime NextPageSlot(SteadyTime previous_slot, SteadyTime now,
                        std::chrono::nanoseconds interval);

// Hands out one slot per page over all connections. Thread-safe.
class PagePacer {
 public:
  // `pages_per_second` <= 0 means unpaced: every page's slot is its `now`.
  explicit PagePacer(double pages_per_second);

  bool paced() const { return interval_.count() > 0; }

  // Reserves the next slot for a page ready at `now` and returns it; the
  // caller waits until then before answering.
  SteadyTime Reserve(SteadyTime now);

 private:
  const std::chrono::nanoseconds interval_;
  std::mutex mu_;
  SteadyTime last_slot_ = SteadyTime::min();  // Guarded by mu_.
};

}  // namespace s1c::sim
