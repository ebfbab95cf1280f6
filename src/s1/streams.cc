#include "s1c/s1/streams.h"

namespace s1c::s1 {

const std::vector<StreamSpec>& AllStreams() {
  // design.md section 3. The alerts sort/filter names follow the
  // cloud-detection/alerts API documentation (sortBy=alertInfoUpdatedAt,
  // updatedAt__gte); fix them here if a console disagrees.
  static const std::vector<StreamSpec> kStreams = {
      {.name = "activities",
       .path = "activities",
       .time_pointer = "/createdAt",
       .sort_by = "createdAt",
       .filter_field = "createdAt",
       .key_pointer = "/id",
       .key_includes_time = false,
       .enabled_by_default = true,
       .permission = "Activity Page.view"},
      // v2.1 threats have no top-level createdAt: their times are under threatInfo.
      {.name = "threats",
       .path = "threats",
       .time_pointer = "/threatInfo/updatedAt",
       .sort_by = "updatedAt",
       .filter_field = "updatedAt",
       .key_pointer = "/id",
       .key_includes_time = true,
       .enabled_by_default = true,
       .permission = "Threats.view"},
      {.name = "alerts",
       .path = "cloud-detection/alerts",
       .time_pointer = "/alertInfo/updatedAt",
       .sort_by = "alertInfoUpdatedAt",
       .filter_field = "updatedAt",
       .key_pointer = "/alertInfo/alertId",
       .key_includes_time = true,
       .enabled_by_default = false,
       .permission = "Custom Alerts.view"},
  };
  return kStreams;
}

const StreamSpec* FindStream(std::string_view name) {
  for (const StreamSpec& spec : AllStreams()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

}  // namespace s1c::s1
