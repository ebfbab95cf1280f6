// One page of a SentinelOne list endpoint, with each event kept as the exact
// bytes the API sent (docs/design.md section 2.4: forwarded byte-for-byte).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "s1c/core/status.h"
#include "s1c/s1/streams.h"

namespace s1c::s1 {

// The bytes a Page's events point into: the response body, and the few keys
// and times that had to be built (an id with its time, an unescaped string).
// A deque, so that keeping another string never moves the ones kept before.
struct PageText {
  std::string body;
  std::deque<std::string> kept;
};

// One event: an element of "data" (rest) or the node of an edge (graphql).
// Views, not copies: a million events are a gigabyte or more, and copying
// each out of the body cost more than parsing it. They stay valid as long as the Page they came in (or a copy of it) lives.
struct RawEvent {
  std::string_view json;       // The event, byte-for-byte.
  std::string_view key;        // Dedup key: id, or id + "@" + time text when the row says so.
  int64_t time_us = 0;         // The event time (StreamSpec::time_pointer) in microseconds.
  std::string_view time_text;  // The same time exactly as the API wrote it.
};

struct Page {
  std::vector<RawEvent> events;
  std::optional<std::string> next_cursor;  // Absent when null or missing.
  std::optional<int64_t> total_items;
  // Owns what `events` views. Shared, so a copied Page views the same bytes.
  std::shared_ptr<PageText> text;

  // Stores `s` with the page; the view lives as long as the page does.
  std::string_view Keep(std::string s);
};

// Parses the body of a 2xx answer of `spec`'s stream, as its kind reads it
// (s1c/s1/page_api.h): rest {"data":[...],"pagination":{"nextCursor":...,
// "totalItems":...}}, graphql {"data":{<connection>:{"pageInfo":{...},
// "edges":[{"node":{...}}]}}}. The page keeps the body, as its events view it.
// Returns kCorrupt, with a short excerpt of the body, when it is not JSON, is
// truncated, lacks the events, or an event lacks a string key or a parseable
// time; a GraphQL "errors" answer is an error with the API's messages.
// Never throws.
Result<Page> ParsePage(const StreamSpec& spec, std::string body);

}  // namespace s1c::s1
