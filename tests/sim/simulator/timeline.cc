#include "simulator/timeline.h"

#include <algorithm>

namespace s1c::sim {

std::vector<TimeGroup> MakeTimeline(Rng& rng, int64_t count, int64_t start_us, int64_t span_us) {
  const int64_t span = std::max<int64_t>(span_us, 1);
  int64_t burst_target = count >= 4 ? std::max<int64_t>(2, count / 20) : 0;
  std::vector<TimeGroup> groups;
  int64_t placed = 0;
  while (burst_target - placed >= 2) {
    const int64_t size = std::min<int64_t>(rng.Between(2, 40), burst_target - placed);
    groups.push_back({start_us + rng.Between(0, span - 1), static_cast<int>(size)});
    placed += size;
  }
  for (; placed < count; ++placed) groups.push_back({start_us + rng.Between(0, span - 1), 1});
  // Stable: equal times keep their draw order, so the result is deterministic.
  std::stable_sort(groups.begin(), groups.end(),
                   [](const TimeGroup& a, const TimeGroup& b) { return a.time_us < b.time_us; });
  return groups;
}

}  // namespace s1c::sim
