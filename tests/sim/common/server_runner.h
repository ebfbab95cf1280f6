// Process plumbing shared by s1-simulator and intake-sink: build an HTTP or
// HTTPS server, bind 127.0.0.1, announce the port, serve until SIGTERM/SIGINT.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>
#include <string>

#include "s1c/core/status.h"

namespace s1c::sim {

struct ListenOptions {
  int port = 0;           // 0 = let the kernel pick a free port.
  std::string port_file;  // If set, the bound port is written here (temp file + rename).
  std::string tls_cert;   // PEM; with tls_key, serve HTTPS.
  std::string tls_key;    // PEM private key.
  bool verbose = false;   // One line per request on stderr.
  int threads = 16;       // Request worker threads.
};

// Blocks SIGTERM and SIGINT in the calling thread so every thread started
// afterwards inherits the mask and ServeUntilSignalled can sigwait() for them.
// REQUIRES: called in main() before any other thread starts.
void BlockTerminationSignals();

// Returns an httplib::Server, or an httplib::SSLServer when both TLS files are
// set. kInvalidArgument when the certificate or key cannot be loaded.
Result<std::unique_ptr<httplib::Server>> MakeServer(const ListenOptions& options);

// Binds 127.0.0.1:options.port, writes the port file, prints exactly one line
// "listening on 127.0.0.1:PORT" to stdout, and serves until SIGTERM or SIGINT.
// `on_stop` runs on the signal thread before the server is stopped (use it to
// wake background threads and sleeping handlers). Returns once every request
// handler has finished.
Status ServeUntilSignalled(httplib::Server& server, const ListenOptions& options,
                           const std::function<void()>& on_stop);

// Writes `port` to `path` through a temp file and rename(2), so a reader sees
// either no file or the whole number.
Status WritePortFile(const std::string& path, int port);

}  // namespace s1c::sim
