// One page of a SentinelOne list endpoint, with each event kept as the exact
// bytes the API sent (design.md section 2.4: forwarded byte-for-byte).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "s1c/core/status.h"
#include "s1c/s1/streams.h"

namespace s1c::s1 {

struct RawEvent {
  std::string json;       // The element of "data", byte-for-byte.
  std::string key;        // Dedup key: id, or id + "@" + time text when the row says so.
  int64_t time_us = 0;    // The event time (StreamSpec::time_pointer) in microseconds.
  std::string time_text;  // The same time exactly as the API wrote it.
};

struct Page {
  std::vector<RawEvent> events;
  std::optional<std::string> next_cursor;  // Absent when null or missing.
  std::optional<int64_t> total_items;
};

// Parses a 200 response body: {"data":[...],"pagination":{"nextCursor":...,
// "totalItems":...}}. Returns kCorrupt, with a short excerpt of the body,
// when it is not JSON, is truncated, lacks "data", or an element lacks a
// string key or a parseable time. Never throws.
Result<Page> ParsePage(const StreamSpec& spec, std::string_view body);

}  // namespace s1c::s1
