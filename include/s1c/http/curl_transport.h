// CurlTransport: HttpTransport over libcurl, the only file that includes curl.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "s1c/core/io_loop.h"
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

// One libcurl multi handle that carries the transfers of every transport
// made with it, on one thread: its own, or the thread of a fiber host that
// runs it as its IoLoop (the daemon's scheduler). Connections are kept
// alive in one cache shared by those transports, so a console's streams
// reuse one connection; a connection idle for more than libcurl's 118 s is
// closed when the cache is next used, and the least recently used are
// closed past `max_idle_connections`. A Send waits for its transfer on a
// fiber::Event: on a fiber, only the fiber waits.
class CurlLoop;
struct CurlLoopOptions {
  // Idle connections kept for reuse; 0 = libcurl's default (4 per transfer
  // running, too few for a fleet that polls many consoles in turn).
  long max_idle_connections = 0;
  // false: no thread of its own. The loop then runs only inside
  // AsIoLoop(loop).RunFor, on the host's thread: a transfer started by a
  // fiber of that host, and the wake-up of that fiber when it ends, stay
  // on that thread. Transfers sent from other threads work too, but only
  // while the host runs the loop.
  bool own_thread = true;
};
std::shared_ptr<CurlLoop> MakeCurlLoop(CurlLoopOptions options);

// The loop as the IoLoop of the host that runs it (Scheduler's constructor).
// REQUIRES: made with own_thread = false.
IoLoop& AsIoLoop(CurlLoop& loop);

// TLS verification (peer and host) is always on and TLS 1.2 is the minimum;
// there is no switch to turn them off. Connections are kept alive and reused;
// gzip responses are accepted and decoded. A stop request on `stop` aborts
// transfers in flight within ~100 ms. With no `loop`, the transport gets one
// of its own. Thread-safe.
std::unique_ptr<HttpTransport> MakeCurlTransport(CurlOptions options, StopToken stop,
                                                 std::shared_ptr<CurlLoop> loop = nullptr);

// Call once from main before any thread starts (curl_global_init).
void GlobalInitCurl();

}  // namespace s1c::http
