// HttpTransport: the seam between the collector and the network. The
// SentinelOne client and the intake forwarder build Requests and read
// Responses; only CurlTransport touches the wire, and tests script a
// FakeTransport instead.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "s1c/core/status.h"

namespace s1c::http {

struct Header {
  std::string name;
  std::string value;
};

struct Request {
  std::string method = "GET";
  std::string url;  // Absolute, query string included and already escaped.
  std::vector<Header> headers;
  std::string body;
  std::chrono::milliseconds timeout{60000};  // Whole transfer.
};

struct Response {
  long status = 0;
  std::vector<Header> headers;  // Names lower-cased.
  std::string body;             // Decoded (gzip content-encoding already undone).

  // Returns the first header named `lower_name`, or nullptr.
  const std::string* FindHeader(std::string_view lower_name) const {
    for (const auto& h : headers) {
      if (h.name == lower_name) return &h.value;
    }
    return nullptr;
  }
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Sends `request` and returns the response, whatever its status code.
  // Returns an error Status only when no complete response was received:
  // kUnavailable for connection failures, timeouts, resets and TLS failures
  // (the message says which, naming the host but never a header value),
  // kCorrupt when the body exceeded the size limit or could not be decoded,
  // kCancelled when a stop was requested. Thread-safe.
  virtual Result<Response> Send(const Request& request) = 0;
};

}  // namespace s1c::http
