#include "s1c/intake/forwarder.h"

#include <zlib.h>

#include <climits>
#include <nlohmann/json.hpp>
#include <utility>

#include "json_escape.h"
#include "s1c/core/text.h"
#include "s1c/http/retry_after.h"

namespace s1c::intake {
namespace {

constexpr std::string_view kBodyEnd = "]}";
constexpr size_t kExcerptBytes = 200;

// gzip (RFC 1952) of `in` into `out`, replacing its contents. Level 1: the
// intake accepts any level, and on JSON level 1 gives most of the gain for a
// fraction of the CPU.
Status Gzip(std::string_view in, std::string& out) {
  if (in.size() > UINT_MAX) return Internal("request body too large to compress");
  z_stream zs{};
  // windowBits 15 + 16 asks zlib for a gzip header and trailer.
  if (deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Internal("zlib deflateInit2 failed");
  }
  out.resize(deflateBound(&zs, in.size()));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  // deflateBound guarantees one Z_FINISH call completes the stream.
  const int rc = deflate(&zs, Z_FINISH);
  const size_t written = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return Internal("zlib deflate failed (code " + std::to_string(rc) + ")");
  out.resize(written);
  return Status::Ok();
}

std::string BatchUrl(std::string_view intake_url) {
  while (!intake_url.empty() && intake_url.back() == '/') intake_url.remove_suffix(1);
  return std::string(intake_url) + "/batch";
}

// What one POST came to, decided here, once, from the raw HTTP status or
// transport error (design.md section 6).
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

  std::string body = "{\"intake_key\":\"";
  internal::AppendJsonEscaped(body, *key);
  body += "\",\"jsons\":[";
  const size_t prefix_size = body.size();
  std::string escaped;  // One event, escaped once, reused for every event.
  size_t in_body = 0;   // Events currently in `body`.

  http::Request request;
  request.method = "POST";
  request.url = BatchUrl(options_.intake_url);
  request.timeout = options_.timeout;
  request.headers.push_back({"Content-Type", "application/json"});
  if (options_.gzip) request.headers.push_back({"Content-Encoding", "gzip"});
  if (!options_.user_agent.empty()) request.headers.push_back({"User-Agent", options_.user_agent});

  // Posts the events gathered so far. Returns false (with `d` filled in)
  // when they were not accepted: the caller stops there, as the events after
  // them must not be acknowledged out of order.
  auto flush = [&]() -> bool {
    if (in_body == 0) return true;
    body += kBodyEnd;
    if (options_.gzip) {
      Status zipped = Gzip(body, request.body);
      if (!zipped.ok()) {
        d.outcome = Outcome::kRetryable;
        d.http_status = 0;
        d.error = zipped;
        return false;
      }
    } else {
      request.body.swap(body);  // Lend the buffer to the request; taken back below.
    }
    Result<http::Response> reply = transport_.Send(request);
    if (!options_.gzip) request.body.swap(body);
    PostResult r = Classify(reply, options_, clock_.NowMicros(), in_body, body.size(), *key);
    d.http_status = r.http_status;
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
    escaped.clear();
    internal::AppendJsonEscaped(escaped, event.json);
    const size_t added = (in_body > 0 ? 1 : 0) + escaped.size() + 2;
    if (in_body > 0 && (in_body >= options_.max_batch_events ||
                        body.size() + added + kBodyEnd.size() > options_.max_body_bytes)) {
      if (!flush()) return d;
    }
    // An event bigger than max_body_bytes on its own still goes, alone: it
    // is under max_event_bytes, so the intake takes it.
    if (in_body > 0) body += ',';
    body += '"';
    body += escaped;
    body += '"';
    ++in_body;
  }
  flush();
  return d;
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
