#include "simulator/page_pacer.h"

#include <algorithm>

namespace s1c::sim {
namespace {

std::chrono::nanoseconds IntervalOf(double pages_per_second) {
  if (pages_per_second <= 0) return std::chrono::nanoseconds(0);
  return std::chrono::nanoseconds(static_cast<int64_t>(1e9 / pages_per_second));
}

}  // namespace

SteadyTime NextPageSlot(SteadyTime previous_slot, SteadyTime now,
                        std::chrono::nanoseconds interval) {
  // SteadyTime::min() (no page yet) plus an interval is still far in the past.
  return std::max(previous_slot + interval, now);
}

PagePacer::PagePacer(double pages_per_second) : interval_(IntervalOf(pages_per_second)) {}

SteadyTime PagePacer::Reserve(SteadyTime now) {
  if (!paced()) return now;
  std::lock_guard<std::mutex> lock(mu_);
  last_slot_ = NextPageSlot(last_slot_, now, interval_);
  return last_slot_;
}

}  // namespace s1c::sim
