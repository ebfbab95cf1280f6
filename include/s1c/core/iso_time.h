// ISO-8601 timestamps as the SentinelOne API writes them, compared as
// integers (microseconds since the Unix epoch). docs/design.md section 4.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "s1c/core/status.h"

namespace s1c {

// Parses "YYYY-MM-DDTHH:MM:SS[.f{0,9}](Z|+HH:MM|-HH:MM)". A 'T' or ' ' may
// separate date and time. Digits past the sixth fraction digit are truncated
// (the API never sends sub-microsecond precision that matters for ordering).
// Returns kInvalidArgument with the offending text for anything else.
Result<int64_t> ParseIsoTime(std::string_view text);

// Formats as "YYYY-MM-DDTHH:MM:SS.ffffffZ", the API's own format.
std::string FormatIsoTime(int64_t micros_since_epoch);

// Parses a duration such as "90s", "15m", "24h", "7d" (a plain number means
// seconds). Returns microseconds.
Result<int64_t> ParseDurationMicros(std::string_view text);

// A start point given either as an ISO-8601 time or a duration back from
// `now_micros` ("24h" means now - 24h). Returns microseconds since epoch.
Result<int64_t> ParseStartFrom(std::string_view text, int64_t now_micros);

}  // namespace s1c
