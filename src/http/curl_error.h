// Private to the http module: how a failed libcurl transfer becomes a Status.
// A pure function, so the mapping is unit-tested without sockets; the
// definition lives in curl_transport.cc, the only file that includes curl.
#pragma once

#include <string_view>

#include "s1c/core/status.h"

namespace s1c::http::internal {

// Returns the Status for a transfer that ended with `curl_code` (a CURLcode,
// passed as int so this header needs no curl include). `host` names the
// remote end ("host" or "host:port"); `detail` is libcurl's error text.
// Neither may contain a header value: callers pass only the URL's host and
// libcurl's own message.
//
// Timeouts, connection failures, resets, TLS failures and unknown codes give
// kUnavailable (the caller retries); TLS messages say plainly that the
// certificate was not trusted or the handshake failed, naming the host. An
// undecodable body gives kCorrupt, an abort from the progress callback
// kCancelled, and a URL libcurl refuses (bad syntax, a protocol other than
// http/https) kInvalidArgument.
Status CurlErrorToStatus(int curl_code, std::string_view host, std::string_view detail);

}  // namespace s1c::http::internal
