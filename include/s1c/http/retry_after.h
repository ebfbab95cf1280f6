// Retry-After (RFC 9110 section 10.2.3), shared by the API client and the
// intake forwarder.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace s1c::http {

// Parses delta-seconds ("120") or an HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT")
// relative to `now_micros`. A date in the past gives 0. Returns nullopt when
// the value is unparseable. Never throws.
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value, int64_t now_micros);

}  // namespace s1c::http
