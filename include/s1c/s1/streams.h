// The stream table (design.md section 3): a stream is a row, not a class.
#pragma once

#include <string_view>
#include <vector>

namespace s1c::s1 {

struct StreamSpec {
  std::string_view name;          // "activities"; also names the state file.
  std::string_view path;          // Below /web/api/v2.1/.
  std::string_view time_pointer;  // JSON pointer to the event time, e.g. "/createdAt".
  std::string_view sort_by;       // Value of the sortBy query parameter.
  std::string_view filter_field;  // Filter name; "__gte" / "__lt" are appended.
  std::string_view key_pointer;   // JSON pointer to the event's id.
  bool key_includes_time;         // Versions of one object (threat updates) are distinct events.
  bool enabled_by_default;
  std::string_view permission;    // The console permission this stream needs, for 401/403 messages.
};

// Every stream the collector knows, in a stable order.
const std::vector<StreamSpec>& AllStreams();

// Returns the row named `name`, or nullptr.
const StreamSpec* FindStream(std::string_view name);

}  // namespace s1c::s1
