// Millisecond times, as the Unified Alert Management GraphQL API writes them
// ("2026-12-01T06:45:27.633Z": exactly three fraction digits).
#pragma once

#include <cstdint>
#include <string>

#include "s1c/core/iso_time.h"

namespace s1c::sim {

inline constexpr int64_t kMicrosPerMilli = 1000;

// Rounds microseconds down to a whole millisecond (also for negative times).
inline int64_t FloorToMillis(int64_t micros) {
  int64_t ms = micros / kMicrosPerMilli;
  if (micros % kMicrosPerMilli < 0) --ms;
  return ms * kMicrosPerMilli;
}

// "YYYY-MM-DDTHH:MM:SS.mmmZ". Sub-millisecond digits are dropped (round down),
// so callers keep their times whole milliseconds to stay exact.
inline std::string FormatIsoMillis(int64_t micros) {
  std::string text = FormatIsoTime(FloorToMillis(micros));  // "...SS.mmm000Z"
  text.erase(text.size() - 4, 3);
  return text;
}

}  // namespace s1c::sim
