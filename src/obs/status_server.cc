#include "s1c/obs/status_server.h"

#include "s1c/core/host_port.h"
#include "s1c/core/thread_name.h"

#include <httplib.h>
#include <signal.h>
#include <sys/socket.h>

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace s1c::obs {
namespace {

// cpp-httplib's TaskQueue with a fixed pool and a bounded queue. Its
// ThreadPool (0.11) queues without limit; here enqueue() blocks the accept
// loop while `max_pending` connections already wait, so at most
// threads + max_pending connections are held and the rest wait in the
// kernel's listen backlog. (enqueue() cannot refuse: the task owns the
// socket and is the only thing that closes it.)
class BoundedPool final : public httplib::TaskQueue {
 public:
  BoundedPool(size_t threads, size_t max_pending) : max_pending_(std::max<size_t>(1, max_pending)) {
    for (size_t i = 0; i < std::max<size_t>(1, threads); ++i) {
      threads_.push_back(NamedThread("s1c-status", [this] { Work(); }));
    }
  }
  ~BoundedPool() override = default;  // shutdown() joined the threads.

  void enqueue(std::function<void()> fn) override {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [this] { return jobs_.size() < max_pending_ || shutdown_; });
    jobs_.push_back(std::move(fn));
    not_empty_.notify_one();
  }

  void shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      shutdown_ = true;
    }
    not_empty_.notify_all();
    not_full_.notify_all();
    for (auto& t : threads_) t.join();
  }

 private:
  void Work() {
    while (true) {
      std::function<void()> fn;
      {
        std::unique_lock<std::mutex> lock(mu_);
        not_empty_.wait(lock, [this] { return !jobs_.empty() || shutdown_; });
        if (jobs_.empty()) return;  // Shut down and drained: every socket was closed.
        fn = std::move(jobs_.front());
        jobs_.pop_front();
        not_full_.notify_one();
      }
      fn();
    }
  }

  const size_t max_pending_;
  std::mutex mu_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<std::function<void()>> jobs_;
  bool shutdown_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace

struct StatusServer::Impl {
  StatusServerOptions options;
  MetricsRegistry& metrics;
  HealthBoard& health;
  httplib::Server server;
  std::thread thread;
  std::future<void> served;
  std::string host;
  int port = 0;
  std::mutex mu;  // Guards Start/Stop.
  bool running = false;

  Impl(StatusServerOptions o, MetricsRegistry& m, HealthBoard& h)
      : options(std::move(o)), metrics(m), health(h) {}

  void Routes() {
    const int threads = options.threads;
    const int pending = options.max_pending;
    server.new_task_queue = [threads, pending] {
      return new BoundedPool(static_cast<size_t>(threads), static_cast<size_t>(pending));
    };
    server.set_read_timeout(options.read_timeout);
    server.set_write_timeout(options.write_timeout);
    server.set_keep_alive_timeout(options.keep_alive_timeout.count());
    server.set_keep_alive_max_count(
        static_cast<size_t>(std::max(1, options.keep_alive_max_requests)));
    server.set_payload_max_length(options.max_request_body_bytes);
    // httplib's default sets SO_REUSEPORT, which would let a second process
    // bind the same port and take half the scrapes. SO_REUSEADDR only allows
    // a quick restart over TIME_WAIT connections.
    server.set_socket_options([](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });

    server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
      const bool known = req.path == "/metrics" || req.path == "/healthz";
      if (known && req.method != "GET" && req.method != "HEAD") {
        res.status = 405;
        res.set_header("Allow", "GET, HEAD");
        res.set_content("method not allowed\n", "text/plain");
        return httplib::Server::HandlerResponse::Handled;
      }
      return httplib::Server::HandlerResponse::Unhandled;
    });
    server.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(metrics.Render(), kPrometheusContentType);
    });
    server.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
      const HealthReport report = health.Evaluate();
      res.status = report.healthy ? 200 : 503;
      res.set_header("Cache-Control", "no-store");
      res.set_content(report.ToJson() + "\n", "application/json");
    });
    // Unknown paths: a short body instead of httplib's empty one.
    server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
      if (res.body.empty()) {
        res.set_content(res.status == 404 ? "not found; try /metrics or /healthz\n" : "error\n",
                        "text/plain");
      }
    });
    // A handler that throws (it should not) answers 500 instead of ending the thread.
    server.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
          res.status = 500;
          res.set_content("internal error\n", "text/plain");
        });
  }
};

StatusServer::StatusServer(StatusServerOptions options, MetricsRegistry& metrics,
                           HealthBoard& health)
    : impl_(std::make_unique<Impl>(std::move(options), metrics, health)) {}

StatusServer::~StatusServer() { Stop(); }

Status StatusServer::Start() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (impl_->running) return Status::Ok();
  auto address = ParseListenAddress(impl_->options.listen);
  if (!address.ok()) {
    return InvalidArgument("listen address \"" + impl_->options.listen +
                           "\": " + address.status().message());
  }
  const auto [host, port] = *address;
  signal(SIGPIPE, SIG_IGN);
  impl_->Routes();
  const int bound = port == 0 ? impl_->server.bind_to_any_port(host)
                              : (impl_->server.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return Unavailable("cannot listen on " + impl_->options.listen +
                       " (address in use or not local?)");
  }
  impl_->host = host;
  impl_->port = bound;
  std::promise<void> served;
  impl_->served = served.get_future();
  impl_->thread = NamedThread("s1c-status", [this, served = std::move(served)]() mutable {
    impl_->server.listen_after_bind();
    served.set_value();
  });
  impl_->running = true;
  return Status::Ok();
}

int StatusServer::port() const { return impl_->port; }

std::string StatusServer::address() const {
  const bool v6 = impl_->host.find(':') != std::string::npos;
  return (v6 ? "[" + impl_->host + "]" : impl_->host) + ":" + std::to_string(impl_->port);
}

void StatusServer::Stop() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (!impl_->running) return;
  // stop() is a no-op until listen_after_bind() has marked the server as
  // running (a race right after Start()), so repeat it until the loop ends.
  do {
    impl_->server.stop();
  } while (impl_->served.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready);
  impl_->thread.join();
  impl_->running = false;
}

}  // namespace s1c::obs
