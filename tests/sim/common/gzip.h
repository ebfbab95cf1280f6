// Fast gzip for the simulators' answers (ISA-L igzip, level 1): a 1 MB page
// compresses in about a millisecond, so serving gzip does not make the
// simulator the bottleneck of a benchmark.
#pragma once

#include <string>
#include <string_view>

namespace s1c::sim {

// Returns the gzip (RFC 1952) encoding of `in`. Thread-safe.
std::string GzipFast(std::string_view in);

// True when an Accept-Encoding header value offers gzip.
bool AcceptsGzip(std::string_view accept_encoding);

}  // namespace s1c::sim
