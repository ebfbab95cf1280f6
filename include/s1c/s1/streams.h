// The stream table (docs/design.md section 3): a stream is a row, not a class.
// A row names its kind, which says how its pages are asked for and read
// (s1c/s1/page_api.h); adding a stream of an existing kind is adding a row.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace s1c::s1 {

enum class StreamKind {
  kRest,     // GET <path>?<filter>__gte=..&sortBy=..&cursor=..; {"data":[...],"pagination":{...}}.
  kGraphql,  // POST <path> {"query":..,"variables":{..}}; data.<connection>.edges[].node.
};

// "rest" or "graphql", for messages and check-config.
std::string_view KindName(StreamKind kind);

struct StreamSpec {
  std::string_view name;  // "activities"; also names the state file.
  StreamKind kind = StreamKind::kRest;
  std::string_view path;          // Below /web/api/v2.1/.
  std::string_view time_pointer;  // JSON pointer to the event time, e.g. "/createdAt".
  // rest: the sortBy value. graphql: sort.by.
  std::string_view sort_by;
  // rest: the filter name, "__gte" / "__lt" appended. graphql: the fieldId of
  // the dateTimeRange filter.
  std::string_view filter_field;
  std::string_view key_pointer;   // JSON pointer to the event's id.
  bool key_includes_time = false;  // Versions of one object (threat updates) are distinct events.
  bool enabled_by_default = false;
  std::string_view permission;    // The console permission this stream needs, for 401/403 messages.
  // Said after a 403 when the console also answers 403 for a reason other
  // than a missing permission; empty when not.
  std::string_view forbidden_hint;
  // Inventories (agents, groups) take the whole inventory on their first run
  // and change slowly: their own defaults, which only the stream's own
  // settings override. 0 / empty: the usual defaults and overrides apply.
  int default_poll_interval_seconds = 0;
  std::string_view default_start_from;
  std::optional<int> default_lookback_seconds;
  // graphql only: the connection field under "data", and the built-in query
  // text (replaceable per stream with query_file).
  std::string_view connection;
  std::string_view graphql_query;
};

// Every stream the collector knows, in a stable order.
const std::vector<StreamSpec>& AllStreams();

// Returns the row named `name`, or nullptr.
const StreamSpec* FindStream(std::string_view name);

}  // namespace s1c::s1
