// BatchRequest: the body of a Sekoia.io intake batch (design.md section 6),
//   {"intake_key": "<key>", "jsons": ["<event JSON as a string>", ...]}
#pragma once

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

// Gunzips `data`, failing with kRejected once the output would exceed
// `max_output` bytes and with kInvalidArgument on corrupt input. Used only if
// the HTTP library hands over a body that is still compressed.
Result<std::string> Gunzip(std::string_view data, size_t max_output);

}  // namespace s1c::sim
