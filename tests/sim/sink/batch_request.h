// BatchRequest: the body of a Sekoia.io intake batch (docs/design.md section 6),
//   {"intake_key": "<key>", "jsons": ["<event JSON as a string>", ...]}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "s1c/core/status.h"

namespace s1c::sim {

struct BatchRequest {
  std::string intake_key;
  std::vector<std::string> events;  // The "jsons" strings, exactly as sent.
};

// Parses a decoded body. kInvalidArgument with a one-line reason when it is
// not JSON, not an object, or lacks a string "intake_key" or an array of
// strings "jsons". The event strings themselves are not parsed (neither does
// the real intake at this stage).
Result<BatchRequest> ParseBatchRequest(std::string_view body);

// What a fast look at a batch body found, without decoding the events.
struct BatchSummary {
  std::string intake_key;
  int64_t events = 0;
  size_t largest_event_bytes = 0;  // Escaped length: never less than the decoded one.
};

// Fast path for well-formed bodies: a single pass over
// {"intake_key":"...","jsons":["...",...]} (members in either order, no
// other members) that counts the strings in "jsons" without decoding them.
// Returns nullopt for anything else, including valid but unusual JSON;
// callers then fall back to ParseBatchRequest, which says what is wrong.
std::optional<BatchSummary> SummarizeBatch(std::string_view body);

// Gunzips `data`, failing with kRejected once the output would exceed
// `max_output` bytes and with kInvalidArgument on corrupt input. Used only if
// the HTTP library hands over a body that is still compressed.
Result<std::string> Gunzip(std::string_view data, size_t max_output);

}  // namespace s1c::sim
