// CurlTransport: HttpTransport over libcurl, the only file that includes curl.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "s1c/core/stop_token.h"
#include "s1c/http/transport.h"

namespace s1c::http {

struct CurlOptions {
  std::string ca_file;      // PEM bundle for a private CA; empty = system store.
  std::string proxy;        // Empty = libcurl's usual *_proxy environment variables.
  std::chrono::milliseconds connect_timeout{10000};
  size_t max_response_bytes = 64u << 20;  // Larger bodies fail with kCorrupt.
  std::string user_agent;   // e.g. "s1-collector/0.1.0".
};

// TLS verification (peer and host) is always on and TLS 1.2 is the minimum;
// there is no switch to turn them off. Connections are kept alive and reused
// (a small pool of easy handles); gzip responses are accepted and decoded.
// A stop request on `stop` aborts transfers in flight within ~100 ms.
// Thread-safe.
std::unique_ptr<HttpTransport> MakeCurlTransport(CurlOptions options, StopToken stop);

// Call once from main before any thread starts (curl_global_init).
void GlobalInitCurl();

}  // namespace s1c::http
