// In-memory stand-ins for the API and the intake, for Poller tests.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "s1c/core/iso_time.h"
#include "s1c/intake/event_sink.h"
#include "s1c/s1/client.h"

namespace s1c::testing {

// Serves events like the API: time >= since (and < until), ascending by
// (time, key), `limit` per page, an opaque cursor. Events may be added
// between calls (late arrivals included).
class FakePageSource final : public s1::PageSource {
 public:
  void Add(const std::string& key, int64_t time_us) {
    std::lock_guard<std::mutex> lock(mu_);
    Stored e;
    e.key = key;
    e.time_us = time_us;
    e.time_text = FormatIsoTime(time_us);
    e.json = "{\"id\":\"" + key + "\",\"t\":\"" + e.time_text + "\"}";
    events_.push_back(std::move(e));
    std::stable_sort(events_.begin(), events_.end(), [](const auto& a, const auto& b) {
      return a.time_us != b.time_us ? a.time_us < b.time_us : a.key < b.key;
    });
  }
  // The next N fetches fail with `status`.
  void FailNext(int n, Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_next_ = n;
    fail_status_ = std::move(status);
  }
  // Every page points to the same cursor (an API cursor loop).
  bool loop_cursor = false;

  Result<s1::Page> FetchPage(const s1::StreamSpec&, const s1::PageQuery& q) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++fetches_;
    fetched_.notify_all();
    queries_.push_back(q);
    if (fail_next_ > 0) {
      --fail_next_;
      return fail_status_;
    }
    const int64_t since = *ParseIsoTime(q.since);
    const int64_t until = q.until ? *ParseIsoTime(*q.until) : INT64_MAX;
    std::vector<const Stored*> matching;
    for (const auto& e : events_) {
      if (e.time_us >= since && e.time_us < until) matching.push_back(&e);
    }
    size_t offset = q.cursor ? std::stoul(*q.cursor) : 0;
    s1::Page page;
    page.total_items = static_cast<int64_t>(matching.size());
    for (size_t i = offset; i < matching.size() && page.events.size() < static_cast<size_t>(q.limit); ++i) {
      const Stored& e = *matching[i];
      page.events.push_back({page.Keep(e.json), page.Keep(e.key), e.time_us, page.Keep(e.time_text)});
    }
    const size_t next = offset + page.events.size();
    if (next < matching.size()) page.next_cursor = loop_cursor ? "1" : std::to_string(next);
    return page;
  }

  int fetches() const {
    std::lock_guard<std::mutex> lock(mu_);
    return fetches_;
  }
  // Waits until at least `n` fetches have started (a prefetch runs on its
  // own thread); false if that takes longer than `timeout`.
  bool WaitForFetches(int n, std::chrono::milliseconds timeout) const {
    std::unique_lock<std::mutex> lock(mu_);
    return fetched_.wait_for(lock, timeout, [&] { return fetches_ >= n; });
  }
  std::vector<s1::PageQuery> queries() const {
    std::lock_guard<std::mutex> lock(mu_);
    return queries_;
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable fetched_;
  // An event as the API holds it; pages get their own copies, as real pages do.
  struct Stored {
    std::string json;
    std::string key;
    int64_t time_us = 0;
    std::string time_text;
  };
  std::vector<Stored> events_;
  int fail_next_ = 0;
  Status fail_status_;
  int fetches_ = 0;
  std::vector<s1::PageQuery> queries_;
};

// Records what it accepts; answers from a script of outcomes, then kDelivered.
class FakeSink final : public intake::EventSink {
 public:
  struct Step {
    intake::Outcome outcome;
    size_t accept = 0;  // How many events from the front to accept.
    Status error;
  };
  std::function<void()> on_deliver;  // Runs at each call (e.g. to request a stop).

  void Script(Step step) {
    std::lock_guard<std::mutex> lock(mu_);
    script_.push_back(std::move(step));
  }
  void AlwaysRetry() {
    std::lock_guard<std::mutex> lock(mu_);
    always_retry_ = true;
  }

  intake::Delivery Deliver(std::string_view, std::span<const intake::EventRef> events) override {
    if (on_deliver) on_deliver();
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    Step step{intake::Outcome::kDelivered, events.size(), Status::Ok()};
    if (always_retry_) {
      step = {intake::Outcome::kRetryable, 0, Unavailable("intake down")};
    } else if (!script_.empty()) {
      step = script_.front();
      script_.pop_front();
    }
    const size_t n = std::min(step.accept, events.size());
    for (size_t i = 0; i < n; ++i) accepted_.push_back(std::string(events[i].key));
    intake::Delivery d;
    d.outcome = step.outcome;
    d.delivered = n;
    d.error = step.error;
    return d;
  }

  std::vector<std::string> accepted() const {
    std::lock_guard<std::mutex> lock(mu_);
    return accepted_;
  }
  int calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

 private:
  mutable std::mutex mu_;
  std::deque<Step> script_;
  bool always_retry_ = false;
  std::vector<std::string> accepted_;
  int calls_ = 0;
};

}  // namespace s1c::testing
