#include "common/server_runner.h"

#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <future>
#include <thread>

#include "common/connection_dropper.h"

namespace s1c::sim {
namespace {

// SIGUSR2 only wakes the signal thread when the server ends on its own.
sigset_t WaitedSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGUSR2);
  return set;
}

void InstallRequestLogger(httplib::Server& server) {
  server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    // Paths and query strings carry no secrets (tokens and intake keys travel
    // in headers and bodies, which are never logged).
    std::fprintf(stderr, "Request served. method=%s target=%s status=%d body_bytes=%zu\n",
                 req.method.c_str(), req.target.c_str(), res.status, res.body.size());
  });
}

}  // namespace

void BlockTerminationSignals() {
  sigset_t set = WaitedSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A client that hangs up mid-response must not kill the process.
  signal(SIGPIPE, SIG_IGN);
}

Result<std::unique_ptr<httplib::Server>> MakeServer(const ListenOptions& options) {
  std::unique_ptr<httplib::Server> server;
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return InvalidArgument("--tls-cert and --tls-key must be given together");
  }
  if (!options.tls_cert.empty()) {
    auto tls =
        std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
    if (!tls->is_valid()) {
      return InvalidArgument("cannot load TLS certificate or key: cert=" + options.tls_cert +
                             " key=" + options.tls_key);
    }
    server = std::move(tls);
  } else {
    server = std::make_unique<httplib::Server>();
  }
  const int threads = options.threads;
  server->new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  // httplib closes a keep-alive connection after 5 requests by default, which
  // made clients reconnect every few pages; a console keeps it open.
  server->set_keep_alive_max_count(100000);
  // Without this, Nagle's algorithm can hold the tail of an answer for a
  // delayed ACK (~40 ms) when headers and body go out in separate writes.
  server->set_tcp_nodelay(true);
  if (options.verbose) InstallRequestLogger(*server);
  return server;
}

Status WritePortFile(const std::string& path, int port) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) return IoError("cannot write " + tmp + ": " + std::strerror(errno));
  const bool wrote = std::fprintf(f, "%d\n", port) > 0;
  const bool closed = std::fclose(f) == 0;
  if (!wrote || !closed || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return IoError("cannot write port file " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

Status ServeUntilSignalled(httplib::Server& server, const ListenOptions& options,
                           const std::function<void()>& on_stop) {
  // httplib 0.11 listens with a backlog of 5 (CPPHTTPLIB_LISTEN_BACKLOG, built
  // into Debian's library). When a fleet of consoles connects at once, the
  // kernel drops the SYNs past it and the client resends them after 1, 3, 7,
  // 15 s: on a loaded machine past the collector's 10 s connect timeout, so a
  // test waited a minute on the test double. listen(2) again on the bound
  // socket raises the backlog in place (Linux keeps the socket listening).
  int listen_fd = -1;
  server.set_socket_options([&listen_fd](socket_t sock) {
    httplib::default_socket_options(sock);
    listen_fd = sock;
  });
  const int port = options.port == 0
                       ? server.bind_to_any_port("127.0.0.1")
                       : (server.bind_to_port("127.0.0.1", options.port) ? options.port : -1);
  if (port <= 0) {
    return Unavailable("cannot bind 127.0.0.1:" + std::to_string(options.port));
  }
  if (::listen(listen_fd, SOMAXCONN) != 0) {
    return Unavailable("cannot raise the listen backlog of 127.0.0.1:" + std::to_string(port) +
                       ": " + std::strerror(errno));
  }
  if (!options.port_file.empty()) S1C_RETURN_IF_ERROR(WritePortFile(options.port_file, port));
  std::printf("listening on 127.0.0.1:%d\n", port);
  std::fflush(stdout);

  std::promise<void> served;
  std::shared_future<void> served_future = served.get_future().share();
  std::thread signal_thread([&server, &on_stop, served_future, port] {
    sigset_t set = WaitedSignals();
    int sig = 0;
    sigwait(&set, &sig);
    if (sig != SIGUSR2 && on_stop) on_stop();
    // stop() is a no-op until listen_after_bind() has marked the server as
    // running, so repeat it until the listen loop has really returned.
    do {
      server.stop();
      // Idle keep-alive connections would otherwise hold the exit for the
      // keep-alive timeout (5 s).
      ShutdownReadsOnPort(port);
    } while (served_future.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready);
  });

  const bool ok = server.listen_after_bind();
  served.set_value();
  pthread_kill(signal_thread.native_handle(), SIGUSR2);
  signal_thread.join();
  return ok ? Status::Ok() : Unavailable("server loop ended with an error");
}

}  // namespace s1c::sim
