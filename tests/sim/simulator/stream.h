// The simulated SentinelOne streams, as one table (design.md section 3).
#pragma once

#include <array>
#include <string_view>

namespace s1c::sim {

enum class StreamKind { kActivities, kThreats, kAlerts };

// Which of an event's two times a filter or a sort refers to.
enum class TimeField { kCreated, kUpdated };

struct StreamSpec {
  StreamKind kind;
  std::string_view name;          // "activities", also the fault/stats scope name.
  std::string_view path;          // Under /web/api/v2.1/.
  TimeField primary;              // The stream's time field: index order and default sortBy.
  std::string_view created_sort;  // sortBy value meaning "by creation time".
  std::string_view updated_sort;  // sortBy value meaning "by update time".
};

// Activities are polled by createdAt; threats and alerts by their update time
// (threatInfo.updatedAt, alertInfo.updatedAt) so every new version shows up.
inline constexpr std::array<StreamSpec, 3> kStreams = {{
    {StreamKind::kActivities, "activities", "activities", TimeField::kCreated, "createdAt",
     "updatedAt"},
    {StreamKind::kThreats, "threats", "threats", TimeField::kUpdated, "createdAt", "updatedAt"},
    {StreamKind::kAlerts, "alerts", "cloud-detection/alerts", TimeField::kUpdated,
     "alertInfoCreatedAt", "alertInfoUpdatedAt"},
}};

inline const StreamSpec& SpecOf(StreamKind kind) { return kStreams[static_cast<size_t>(kind)]; }

// Finds a stream by name ("alerts") or by path ("cloud-detection/alerts").
inline const StreamSpec* FindStream(std::string_view name_or_path) {
  for (const auto& spec : kStreams) {
    if (spec.name == name_or_path || spec.path == name_or_path) return &spec;
  }
  return nullptr;
}

}  // namespace s1c::sim
