// EventRecord: one row of a simulated stream, serialized once.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "simulator/stream.h"

namespace s1c::sim {

inline constexpr int64_t kAlwaysVisible = std::numeric_limits<int64_t>::min();
inline constexpr int64_t kNeverHidden = std::numeric_limits<int64_t>::max();

struct EventRecord {
  // Activities, agents, groups, unified alerts: createdAt/updatedAt; threats:
  // threatInfo.createdAt/updatedAt; alerts: alertInfo.createdAt/updatedAt.
  // Microseconds since the epoch (whole milliseconds for unified alerts).
  int64_t created_us = 0;
  int64_t updated_us = 0;
  // "id" (activities, threats, agents, groups), "alertInfo.alertId" (alerts)
  // or the first 64 bits of a unified alert's UUID "id". Versions of one
  // thing share it; (time, id) is still unique because a thing's versions
  // have strictly increasing update times.
  uint64_t id = 0;
  std::string site_id;
  std::string account_id;
  // Unified alerts: detectionSource.product ("EDR", "Identity", ...), for the
  // detectionProduct filter. Points at static text; empty for other streams.
  std::string_view product;
  // The row is served while visible_from_us <= now < hidden_from_us: late
  // indexing delays the first, a newer version ("latest" history) sets the second.
  int64_t visible_from_us = kAlwaysVisible;
  int64_t hidden_from_us = kNeverHidden;
  // The compact JSON object, exactly as served.
  std::string json;

  int64_t Time(TimeField field) const {
    return field == TimeField::kCreated ? created_us : updated_us;
  }
  bool VisibleAt(int64_t now_us) const {
    return visible_from_us <= now_us && now_us < hidden_from_us;
  }
};

// A row's position in an ordering by `field`: (that time, id, the other time).
// Total over a stream (see EventRecord::id), so cursors are unambiguous.
struct SortKey {
  int64_t time_us = 0;
  uint64_t id = 0;
  int64_t other_us = 0;

  friend auto operator<=>(const SortKey&, const SortKey&) = default;
};

inline SortKey KeyOf(const EventRecord& e, TimeField field) {
  const TimeField other = field == TimeField::kCreated ? TimeField::kUpdated : TimeField::kCreated;
  return SortKey{e.Time(field), e.id, e.Time(other)};
}

}  // namespace s1c::sim
