// The simulated SentinelOne streams, as one table (docs/design.md section 3).
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace s1c::sim {

enum class StreamKind { kActivities, kThreats, kAlerts, kAgents, kGroups, kUnifiedAlerts };

// How a stream's pages are asked for: a GET list endpoint with the v2.1
// envelope and "ApiToken" auth, or a GraphQL POST with "Bearer" auth.
enum class Protocol { kRest, kGraphql };

// Which of an event's two times a filter or a sort refers to.
enum class TimeField { kCreated, kUpdated };

struct StreamSpec {
  StreamKind kind;
  std::string_view name;  // "activities", also the fault/stats scope name.
  std::string_view path;  // Under /web/api/v2.1/.
  Protocol protocol;
  TimeField primary;              // The stream's time field: index order and default sort.
  std::string_view created_sort;  // sortBy (GraphQL: sort.by) value meaning "by creation time".
  std::string_view updated_sort;  // sortBy (GraphQL: sort.by) value meaning "by update time".
};

// Activities are polled by createdAt; every other stream by its update time
// (threatInfo.updatedAt, alertInfo.updatedAt, updatedAt) so every new version
// shows up. Indexed by StreamKind.
inline constexpr std::array<StreamSpec, 6> kStreams = {{
    {StreamKind::kActivities, "activities", "activities", Protocol::kRest, TimeField::kCreated,
     "createdAt", "updatedAt"},
    {StreamKind::kThreats, "threats", "threats", Protocol::kRest, TimeField::kUpdated, "createdAt",
     "updatedAt"},
    {StreamKind::kAlerts, "alerts", "cloud-detection/alerts", Protocol::kRest, TimeField::kUpdated,
     "alertInfoCreatedAt", "alertInfoUpdatedAt"},
    {StreamKind::kAgents, "agents", "agents", Protocol::kRest, TimeField::kUpdated, "createdAt",
     "updatedAt"},
    {StreamKind::kGroups, "groups", "groups", Protocol::kRest, TimeField::kUpdated, "createdAt",
     "updatedAt"},
    {StreamKind::kUnifiedAlerts, "unified_alerts", "unifiedalerts/graphql", Protocol::kGraphql,
     TimeField::kUpdated, "createdAt", "updatedAt"},
}};
inline constexpr size_t kStreamCount = kStreams.size();

inline const StreamSpec& SpecOf(StreamKind kind) { return kStreams[static_cast<size_t>(kind)]; }

// Finds a stream by name ("alerts") or by path ("cloud-detection/alerts").
inline const StreamSpec* FindStream(std::string_view name_or_path) {
  for (const auto& spec : kStreams) {
    if (spec.name == name_or_path || spec.path == name_or_path) return &spec;
  }
  return nullptr;
}

// "activities, threats, alerts, agents, groups or unified_alerts", for error messages.
inline std::string StreamNameList() {
  std::string out;
  for (size_t i = 0; i < kStreams.size(); ++i) {
    if (i > 0) out += i + 1 == kStreams.size() ? " or " : ", ";
    out += kStreams[i].name;
  }
  return out;
}

}  // namespace s1c::sim
