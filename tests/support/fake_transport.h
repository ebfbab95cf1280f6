// FakeTransport: an HttpTransport that records every request and answers
// from a script (queued replies, or a handler function). Thread-safe.
#pragma once

#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "s1c/http/transport.h"

namespace s1c::testing {

class FakeTransport final : public http::HttpTransport {
 public:
  using Handler = std::function<Result<http::Response>(const http::Request&)>;

  // Queues a reply; replies are used in order, then the handler (if any).
  void Push(Result<http::Response> reply) {
    std::lock_guard<std::mutex> lock(mu_);
    replies_.push_back(std::move(reply));
  }
  void Push(long status, std::string body, std::vector<http::Header> headers = {}) {
    http::Response r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    Push(Result<http::Response>(std::move(r)));
  }
  void SetHandler(Handler h) {
    std::lock_guard<std::mutex> lock(mu_);
    handler_ = std::move(h);
  }

  Result<http::Response> Send(const http::Request& request) override {
    Handler handler;
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(request);
      if (!replies_.empty()) {
        auto reply = std::move(replies_.front());
        replies_.pop_front();
        return reply;
      }
      handler = handler_;
    }
    if (handler) return handler(request);
    return Status(StatusCode::kInternal, "FakeTransport: no scripted reply for " + request.url);
  }

  std::vector<http::Request> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  mutable std::mutex mu_;
  std::deque<Result<http::Response>> replies_;
  Handler handler_;
  std::vector<http::Request> requests_;
};

}  // namespace s1c::testing
