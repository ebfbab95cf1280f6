// Timeline: when a stream's events happen, including same-instant bursts.
#pragma once

#include <cstdint>
#include <vector>

#include "common/rng.h"

namespace s1c::sim {

// One instant shared by `size` events.
struct TimeGroup {
  int64_t time_us;
  int size;
};

// Spreads `count` events over [start_us, start_us + span_us), in time order.
// About 5% of them (at least 2 when count >= 4) come in bursts of 2..40
// events sharing one exact microsecond, which is what makes page boundaries
// fall inside a run of equal timestamps. The sizes add up to `count`.
std::vector<TimeGroup> MakeTimeline(Rng& rng, int64_t count, int64_t start_us, int64_t span_us);

}  // namespace s1c::sim
