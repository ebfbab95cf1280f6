#include "s1c/intake/forwarder.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#include <vector>

#include "gzip.h"
#include "json_escape.h"
#include "s1c/core/spare_list.h"
#include "s1c/core/text.h"
#include "s1c/http/retry_after.h"

namespace s1c::intake {
namespace {

constexpr std::string_view kBodyEnd = "]}";
constexpr size_t kExcerptBytes = 200;

// What one Deliver() call works in. A page's body and its gzip are about a
// megabyte each and the compressor's state a third of one: kept between
// calls, they are not allocated, faulted in and zeroed again for each page,
// which cost more CPU than compressing.
struct Buffers {
  std::string body;
  std::string gzipped;
  internal::GzipCompressor gzip;
};

// Spare Buffers, shared by every Forwarder of the process: a backfill or a
// busy stream reuses the same set page after page, and a daemon with a
// hundred consoles keeps two sets in all, not one per console.
SpareList<std::unique_ptr<Buffers>>& SpareBuffers() {
  static SpareList<std::unique_ptr<Buffers>> spare(2);
  return spare;
}

// Buffers from the shared pool for one call, given back however it ends.
class BuffersLease {
 public:
  BuffersLease() {
    std::optional<std::unique_ptr<Buffers>> spare = SpareBuffers().Take();
    buffers_ = spare ? std::move(*spare) : std::make_unique<Buffers>();
  }
  ~BuffersLease() { SpareBuffers().Give(std::move(buffers_)); }  // Freed here when full.
  BuffersLease(const BuffersLease&) = delete;
  BuffersLease& operator=(const BuffersLease&) = delete;
  Buffers* operator->() const { return buffers_.get(); }

 private:
  std::unique_ptr<Buffers> buffers_;
};

// Replaces `body` with the start of a batch body, up to the '[' of "jsons".
void StartBody(std::string_view intake_key, std::string& body) {
  body = "{\"intake_key\":\"";
  internal::AppendJsonEscaped(body, intake_key);
  body += "\",\"jsons\":[";
}

std::string BatchUrl(std::string_view intake_url) {
  while (!intake_url.empty() && intake_url.back() == '/') intake_url.remove_suffix(1);
  return std::string(intake_url) + "/batch";
}

// What one POST came to, decided here, once, from the raw HTTP status or
// transport error (docs/design.md section 6).
struct PostResult {
  Outcome outcome = Outcome::kDelivered;
  int http_status = 0;
  Status error;
};

PostResult Classify(const Result<http::Response>& reply, const ForwarderOptions& options,
                    int64_t now_micros, size_t events, size_t body_bytes,
                    std::string_view intake_key) {
  PostResult r;
  if (!reply.ok()) {
    // Transport failures (connect, timeout, reset, TLS, cancelled): nothing
    // was acknowledged, so the batch is resent later; never lost.
    r.outcome = Outcome::kRetryable;
    r.error = reply.status().Annotate("intake for console " + options.console);
    return r;
  }
  const http::Response& response = *reply;
  const long status = response.status;
  r.http_status = static_cast<int>(status);
  if (status >= 200 && status < 300) return r;

  const std::string code = std::to_string(status);
  // The intake could echo the key back in an error page: mask it just in case.
  const std::string excerpt = Excerpt(response.body, kExcerptBytes, {intake_key});
  if (status == 408 || status == 429 || (status >= 500 && status < 600)) {
    r.outcome = Outcome::kRetryable;
    r.error =
        Status(status == 429 ? StatusCode::kRateLimited : StatusCode::kUnavailable,
               "intake answered HTTP " + code + " for console " + options.console + ": " + excerpt);
    if (const std::string* value = response.FindHeader("retry-after")) {
      if (auto delay = http::ParseRetryAfter(*value, now_micros)) r.error.WithRetryAfter(*delay);
    }
    return r;
  }
  r.outcome = Outcome::kRejected;
  if (status == 401 || status == 403) {
    // A distinct code so the caller can tell a bad key (stop, report
    // unhealthy, re-read the key) from a refused batch.
    r.error = Status(status == 401 ? StatusCode::kUnauthenticated : StatusCode::kPermissionDenied,
                     "intake rejected the intake key (HTTP " + code +
                         "): check intake_key for console " + options.console);
    return r;
  }
  r.error = Status(StatusCode::kRejected, "intake rejected a batch of " + std::to_string(events) +
                                              " events (" + std::to_string(body_bytes) +
                                              " bytes) with HTTP " + code + " for console " +
                                              options.console + ": " + excerpt);
  return r;
}

}  // namespace

Forwarder::Forwarder(http::HttpTransport& transport, const Clock& clock, ForwarderOptions options,
                     SecretProvider intake_key, DeadLetter& dead_letter)
    : transport_(transport),
      clock_(clock),
      options_(std::move(options)),
      intake_key_(std::move(intake_key)),
      dead_letter_(dead_letter) {}

http::Request Forwarder::NewRequest() const {
  http::Request request;
  request.method = "POST";
  request.url = BatchUrl(options_.intake_url);
  request.timeout = options_.timeout;
  request.headers.push_back({"Content-Type", "application/json"});
  if (options_.gzip) request.headers.push_back({"Content-Encoding", "gzip"});
  if (!options_.user_agent.empty()) request.headers.push_back({"User-Agent", options_.user_agent});
  return request;
}

ProbeResult Forwarder::Probe(std::chrono::milliseconds timeout) {
  ProbeResult p;
  http::Request request = NewRequest();
  request.timeout = timeout;
  p.url = request.url;
  Result<std::string> key = intake_key_();
  if (!key.ok()) {
    p.outcome = Outcome::kRejected;
    p.error = key.status().Annotate("could not read intake_key for console " + options_.console);
    return p;
  }
  std::string body;
  StartBody(*key, body);
  body += kBodyEnd;
  if (options_.gzip) {
    internal::GzipCompressor gzip;
    Status zipped = gzip.Compress(body, request.body);
    if (!zipped.ok()) {
      p.outcome = Outcome::kRetryable;
      p.error = zipped;
      return p;
    }
  } else {
    request.body = body;
  }
  const Result<http::Response> reply = transport_.Send(request);
  PostResult r = Classify(reply, options_, clock_.NowMicros(), 0, body.size(), *key);
  p.outcome = r.outcome;
  p.http_status = r.http_status;
  p.error = std::move(r.error);
  if (reply.ok()) {
    p.excerpt = Excerpt(reply->body, kExcerptBytes, {*key});
    p.intake_reply = r.outcome == Outcome::kDelivered && ParseIntakeReply(reply->body).ok();
  }
  return p;
}

Delivery Forwarder::Deliver(std::string_view stream, std::span<const EventRef> events) {
  Delivery d;
  if (events.empty()) return d;

  // Read once per call so a rotated key file is picked up on the next batch.
  Result<std::string> key = intake_key_();
  if (!key.ok()) {
    d.outcome = Outcome::kRejected;
    d.error = key.status().Annotate("could not read intake_key for console " + options_.console);
    return d;
  }

  const BuffersLease buffers;
  std::string& body = buffers->body;
  {
    // Room for the whole input once escaped (about +12% on activities), so
    // the buffer is not regrown while events are added.
    size_t estimate = 64 + key->size();
    for (const EventRef& event : events) estimate += event.json.size() + event.json.size() / 6 + 3;
    body.reserve(std::min(estimate, options_.max_body_bytes + options_.max_body_bytes / 8 + 64));
  }
  StartBody(*key, body);
  const size_t prefix_size = body.size();
  size_t in_body = 0;  // Events currently in `body`.

  http::Request request = NewRequest();

  // Posts the events gathered so far. Returns false (with `d` filled in)
  // when they were not accepted: the caller stops there, as the events after
  // them must not be acknowledged out of order.
  auto flush = [&]() -> bool {
    if (in_body == 0) return true;
    body += kBodyEnd;
    if (options_.gzip) {
      Status zipped = buffers->gzip.Compress(body, buffers->gzipped);
      if (!zipped.ok()) {
        d.outcome = Outcome::kRetryable;
        d.http_status = 0;
        d.error = zipped;
        return false;
      }
    }
    // Lend the buffer to the request; taken back below.
    std::string& payload = options_.gzip ? buffers->gzipped : body;
    request.body.swap(payload);
    Result<http::Response> reply = transport_.Send(request);
    request.body.swap(payload);
    PostResult r = Classify(reply, options_, clock_.NowMicros(), in_body, body.size(), *key);
    d.http_status = r.http_status;
    if (options_.recovery) {
      if (r.outcome == Outcome::kRetryable) {
        options_.recovery->MarkFailing();
      } else {
        options_.recovery->Ring();  // It answered: up, even when it refused this batch.
      }
    }
    if (r.outcome != Outcome::kDelivered) {
      d.outcome = r.outcome;
      d.error = std::move(r.error);
      return false;
    }
    d.delivered += in_body;
    in_body = 0;
    body.resize(prefix_size);
    return true;
  };

  for (const EventRef& event : events) {
    if (event.json.size() > options_.max_event_bytes) {
      // The intake would refuse it forever. Send what came before first so
      // `delivered` stays a prefix of the input.
      if (!flush()) return d;
      Status written = dead_letter_.Write(
          options_.console, stream, event.key,
          "event exceeds " + std::to_string(options_.max_event_bytes) + " bytes", event.json);
      if (!written.ok()) {
        // Not on disk, so not safe to acknowledge: retry like a transient failure.
        d.outcome = Outcome::kRetryable;
        d.http_status = 0;
        d.error = written;
        return d;
      }
      ++d.delivered;
      ++d.dead_lettered;
      continue;
    }
    if (in_body > 0 && in_body >= options_.max_batch_events) {
      if (!flush()) return d;
    }
    // Escaped straight into the body (one pass, no per-event buffer). When
    // that overfills the body, the event is taken back out, the body is
    // sent, and the event starts the next one.
    const size_t mark = body.size();
    if (in_body > 0) body += ',';
    body += '"';
    internal::AppendJsonEscaped(body, event.json);
    body += '"';
    if (in_body > 0 && body.size() + kBodyEnd.size() > options_.max_body_bytes) {
      body.resize(mark);
      if (!flush()) return d;
      body += '"';
      internal::AppendJsonEscaped(body, event.json);
      body += '"';
    }
    // An event bigger than max_body_bytes on its own still goes, alone: it
    // is under max_event_bytes, so the intake takes it.
    ++in_body;
  }
  flush();
  return d;
}

bool Forwarder::WaitToRetry(Clock& clock, std::chrono::milliseconds d, const StopToken& stop) {
  if (!options_.recovery) return EventSink::WaitToRetry(clock, d, stop);
  return options_.recovery->SleepFor(clock, d, stop);
}

bool Forwarder::WaitWhileFailing(std::chrono::milliseconds max_wait, const StopToken& stop) {
  if (!options_.recovery) return EventSink::WaitWhileFailing(max_wait, stop);
  return options_.recovery->WaitWhileFailing(max_wait, stop);
}

Result<std::vector<std::string>> ParseIntakeReply(std::string_view body) {
  const auto bad = [&] {
    return Corrupt("unexpected intake reply (expected {\"event_ids\":[...]}): " +
                   Excerpt(body, kExcerptBytes));
  };
  try {
    const nlohmann::json reply = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (reply.is_discarded() || !reply.is_object()) return bad();
    const auto it = reply.find("event_ids");
    if (it == reply.end() || !it->is_array()) return bad();
    std::vector<std::string> ids;
    ids.reserve(it->size());
    for (const auto& id : *it) {
      if (!id.is_string()) return bad();
      ids.push_back(id.get<std::string>());
    }
    return ids;
  } catch (const nlohmann::json::exception&) {
    return bad();
  }
}

}  // namespace s1c::intake
