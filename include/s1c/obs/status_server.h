// StatusServer: the daemon's small HTTP endpoint (off unless metrics.listen
// is set). Serves
//   GET /metrics  the MetricsRegistry in Prometheus text format 0.0.4;
//   GET /healthz  200 when every enabled stream is healthy, else 503, with
//                 the HealthBoard's JSON report as the body.
// Anything else is 404 (405 for another method on a known path).
//
// It is built to be harmless when exposed: a fixed number of threads serve
// requests; beyond `max_pending` accepted connections waiting for a thread,
// the accept loop stops accepting (the kernel backlog then fills and
// clients wait or are refused); a connection that sends nothing is closed
// after `keep_alive_timeout` (cpp-httplib waits that long for each request
// line, the first included) and each later read or write has its own
// timeout; request bodies are refused above `max_request_body_bytes` (413)
// and header lines are capped by cpp-httplib (8 KiB). The listening socket
// does not use SO_REUSEPORT, so no other process can share the port. It
// binds 127.0.0.1 unless the address says otherwise. Nothing it serves
// holds a secret. Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "s1c/core/status.h"
#include "s1c/obs/health.h"
#include "s1c/obs/metrics.h"

namespace s1c::obs {

struct StatusServerOptions {
  // "host:port", "[v6addr]:port" or ":port" (host 127.0.0.1). Port 0 picks a
  // free port (see StatusServer::port()).
  std::string listen = "127.0.0.1:9464";
  int threads = 2;                                // Requests served at once.
  int max_pending = 8;                            // Accepted, waiting for a thread.
  std::chrono::milliseconds read_timeout{5000};   // Per read while receiving a request.
  std::chrono::milliseconds write_timeout{5000};  // Per write while answering.
  std::chrono::seconds keep_alive_timeout{2};     // Idle wait for each request.
  int keep_alive_max_requests = 10;               // Requests per connection.
  size_t max_request_body_bytes = 1024;           // GETs need none.
};

class StatusServer {
 public:
  // `metrics` and `health` must outlive the server.
  StatusServer(StatusServerOptions options, MetricsRegistry& metrics, HealthBoard& health);
  ~StatusServer();  // Stop().
  StatusServer(const StatusServer&) = delete;
  StatusServer& operator=(const StatusServer&) = delete;

  // Binds and starts serving on a background thread. Returns
  // kInvalidArgument for a malformed address and kUnavailable when the
  // address cannot be bound (in use, not local). Also makes the process
  // ignore SIGPIPE: Debian's cpp-httplib 0.11 writes without MSG_NOSIGNAL,
  // and a client hanging up mid-answer must not kill the daemon.
  Status Start();

  // The bound port (the real one when the address asked for 0); 0 before Start().
  int port() const;
  // "host:port" as bound, for the log line.
  std::string address() const;

  // Stops accepting, finishes the requests in progress and joins the
  // threads (bounded by the timeouts above). Idempotent.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace s1c::obs
