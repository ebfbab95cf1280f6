// In-memory stand-ins for the API and the intake, for Poller tests.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "s1c/core/iso_time.h"
#include "s1c/intake/event_sink.h"
#include "s1c/s1/client.h"
#include "s1c/s1/page_api.h"

namespace s1c::testing {

// Pages as each row of the stream table has them (docs/design.md section
// 3): an event is the first event of the stream's sample page
// (tests/fixtures/<name>-page.json, '_' written '-') with the row's key and
// time fields set, inside the envelope of the row's kind, and the time
// written with as many fraction digits as the sample's (microseconds for the
// rest streams, milliseconds for GraphQL nodes). What reads such a page is
// the kind's own parser, so a test through it exercises each row's key and
// time extraction. Not thread-safe.
class StreamPages {
 public:
  // Loads the sample of `spec`'s stream; an error when it is missing or has
  // no event with a time at the row's time field.
  static Result<StreamPages> For(const s1::StreamSpec& spec) {
    const std::string file = std::string(S1C_SAMPLES_DIR) + "/" + Dashed(spec.name) + "-page.json";
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const nlohmann::json doc = nlohmann::json::parse(text.str(), nullptr, false);
    if (!in || doc.is_discarded()) return NotFound("no sample page " + file);
    const std::string first = spec.kind == s1::StreamKind::kGraphql
                                  ? "/data/" + std::string(spec.connection) + "/edges/0/node"
                                  : "/data/0";
    const nlohmann::json::json_pointer at(first);
    if (!doc.contains(at)) return NotFound(file + " has no event at " + first);
    StreamPages pages(spec, doc.at(at));
    // The row's fields must be where the stream's real pages have them: a
    // row naming a field its API does not send fails here, not in production.
    const nlohmann::json::json_pointer key(std::string(spec.key_pointer));
    const nlohmann::json::json_pointer time(std::string(spec.time_pointer));
    if (!pages.sample_.contains(key) || !pages.sample_.at(key).is_string()) {
      return NotFound(file + ": its first event has no string " + std::string(spec.key_pointer));
    }
    if (!pages.sample_.contains(time) || !pages.sample_.at(time).is_string()) {
      return NotFound(file + ": its first event has no string " + std::string(spec.time_pointer));
    }
    const std::string sample_time = pages.sample_.at(time).get<std::string>();
    const size_t dot = sample_time.find('.');
    pages.fraction_digits_ =
        dot == std::string::npos
            ? 0
            : static_cast<int>(sample_time.find_first_not_of("0123456789", dot + 1) - dot - 1);
    return pages;
  }

  // `time_us` as the stream's API can tell it: cut to its fraction digits.
  int64_t Shown(int64_t time_us) const {
    int64_t unit = 1;
    for (int i = fraction_digits_; i < 6; ++i) unit *= 10;
    const int64_t rest = time_us % unit;
    return time_us - (rest < 0 ? rest + unit : rest);
  }
  // Shown(time_us) as the stream's API writes it.
  std::string TimeText(int64_t time_us) const {
    const std::string full = FormatIsoTime(Shown(time_us));  // "YYYY-MM-DDTHH:MM:SS.ffffffZ"
    const size_t seconds_end = full.find('.');
    return full.substr(0, seconds_end + (fraction_digits_ > 0 ? 1 + fraction_digits_ : 0)) + "Z";
  }
  // The dedup key the row makes of event `id` written at `time_text`.
  std::string Key(const std::string& id, const std::string& time_text) const {
    return spec_->key_includes_time ? id + "@" + time_text : id;
  }

  struct Event {
    std::string id;
    std::string time_text;
  };
  // A 2xx answer holding `events` in order; no `next_cursor`: the last page.
  // `first_index` numbers the events (GraphQL edges have cursors of their own).
  std::string Body(const std::vector<Event>& events, size_t first_index,
                   const std::optional<std::string>& next_cursor, int64_t total) const {
    using nlohmann::json;
    const json::json_pointer key(std::string(spec_->key_pointer));
    const json::json_pointer time(std::string(spec_->time_pointer));
    json items = json::array();
    for (const Event& e : events) {
      json event = sample_;
      event[key] = e.id;
      event[time] = e.time_text;
      if (spec_->kind == s1::StreamKind::kGraphql) {
        items.push_back({{"cursor", "edge-" + std::to_string(first_index++)}, {"node", event}});
      } else {
        items.push_back(std::move(event));
      }
    }
    const json cursor = next_cursor ? json(*next_cursor) : json(nullptr);
    json body;
    if (spec_->kind == s1::StreamKind::kGraphql) {
      body["data"][std::string(spec_->connection)] = {
          {"totalCount", total},
          {"pageInfo", {{"hasNextPage", next_cursor.has_value()}, {"endCursor", cursor}}},
          {"edges", std::move(items)}};
    } else {
      body = {{"data", std::move(items)},
              {"pagination", {{"nextCursor", cursor}, {"totalItems", total}}}};
    }
    return body.dump();
  }

 private:
  StreamPages(const s1::StreamSpec& spec, nlohmann::json sample)
      : spec_(&spec), sample_(std::move(sample)) {}
  static std::string Dashed(std::string_view name) {
    std::string out(name);
    std::replace(out.begin(), out.end(), '_', '-');
    return out;
  }

  const s1::StreamSpec* spec_;  // A row of the table: lives as long as the program.
  nlohmann::json sample_;       // One event of the stream, as its API sent it.
  int fraction_digits_ = 6;
};

// Serves events like the API: time >= since (and < until), ascending by
// (time, id), `limit` per page, an opaque cursor; each page shaped like the
// asked stream's (StreamPages) and read by its kind's parser. Events may be
// added between calls (late arrivals included).
class FakePageSource final : public s1::PageSource {
 public:
  // An event `id` at `time_us` (as the stream tells it: StreamPages::Shown).
  void Add(const std::string& id, int64_t time_us) {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back({id, time_us});
  }
  // The next N fetches fail with `status`.
  void FailNext(int n, Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_next_ = n;
    fail_status_ = std::move(status);
  }
  // Every page points to the same cursor (an API cursor loop).
  bool loop_cursor = false;
  // Bounds widened to whole milliseconds, as the GraphQL API takes them.
  bool whole_ms_bounds = false;

  Result<s1::Page> FetchPage(const s1::StreamSpec& spec, const s1::PageQuery& q) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++fetches_;
    fetched_.notify_all();
    queries_.push_back(q);
    if (fail_next_ > 0) {
      --fail_next_;
      return fail_status_;
    }
    Result<const StreamPages*> pages = PagesFor(spec);
    if (!pages.ok()) return pages.status();
    int64_t since = *ParseIsoTime(q.since);
    int64_t until = q.until ? *ParseIsoTime(*q.until) : INT64_MAX;
    if (whole_ms_bounds) {
      since -= since % 1000;
      if (until != INT64_MAX && until % 1000 != 0) until += 1000 - until % 1000;
    }
    struct Match {
      const Stored* event;
      int64_t time_us;  // As the page shows it.
    };
    std::vector<Match> matching;
    for (const auto& e : events_) {
      const int64_t t = (*pages)->Shown(e.time_us);
      if (t >= since && t < until) matching.push_back({&e, t});
    }
    std::stable_sort(matching.begin(), matching.end(), [](const Match& a, const Match& b) {
      return a.time_us != b.time_us ? a.time_us < b.time_us : a.event->id < b.event->id;
    });
    const size_t offset = q.cursor ? std::stoul(*q.cursor) : 0;
    std::vector<StreamPages::Event> page_events;
    for (size_t i = offset;
         i < matching.size() && page_events.size() < static_cast<size_t>(q.limit); ++i) {
      page_events.push_back({matching[i].event->id, (*pages)->TimeText(matching[i].time_us)});
    }
    const size_t next = offset + page_events.size();
    std::optional<std::string> next_cursor;
    if (next < matching.size()) next_cursor = loop_cursor ? "1" : std::to_string(next);
    return s1::PageApiOf(spec.kind).ParseBody(
        spec,
        (*pages)->Body(page_events, offset, next_cursor, static_cast<int64_t>(matching.size())));
  }

  // The key `spec`'s pages give the event added as `id`; the error's
  // message when the stream has no sample page.
  std::string KeyOf(const s1::StreamSpec& spec, const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    Result<const StreamPages*> pages = PagesFor(spec);
    if (!pages.ok()) return pages.status().ToString();
    for (const auto& e : events_) {
      if (e.id == id) return (*pages)->Key(id, (*pages)->TimeText(e.time_us));
    }
    return "(no event " + id + ")";
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
  // REQUIRES: mu_ held.
  Result<const StreamPages*> PagesFor(const s1::StreamSpec& spec) {
    auto it = pages_.find(std::string(spec.name));
    if (it == pages_.end()) {
      Result<StreamPages> loaded = StreamPages::For(spec);
      if (!loaded.ok()) return loaded.status();
      it = pages_.emplace(std::string(spec.name), std::move(*loaded)).first;
    }
    return &it->second;
  }

  mutable std::mutex mu_;
  mutable std::condition_variable fetched_;
  // An event as the API holds it; each page is written afresh from these.
  struct Stored {
    std::string id;
    int64_t time_us = 0;
  };
  std::vector<Stored> events_;
  std::map<std::string, StreamPages> pages_;  // By stream name, loaded on first use.
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
