#include "sink/sink_server.h"

#include <nlohmann/json.hpp>
#include <optional>

#include "common/connection_dropper.h"
#include "sink/batch_request.h"

namespace s1c::sim {
namespace {

using json = nlohmann::json;

void ReplyMessage(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(json({{"message", message}}).dump(), "application/json");
}

bool IsGzip(const httplib::Request& req) {
  return req.get_header_value("Content-Encoding").find("gzip") != std::string::npos;
}

}  // namespace

const std::vector<std::string>& SinkFaultModes() {
  static const std::vector<std::string> kModes = {"none",       "outage", "error_500",
                                                  "rate_limit", "slow",   "drop"};
  return kModes;
}

SinkServer::SinkServer(SinkOptions options, NdjsonWriter& writer, FaultSet& faults, Clock& clock,
                       StopToken stop)
    : options_(std::move(options)),
      writer_(writer),
      faults_(faults),
      clock_(clock),
      stop_(std::move(stop)),
      rng_(options_.seed) {}

void SinkServer::Register(httplib::Server& server) {
  // Wire-size cap; the decoded size is checked while reading (see Batch).
  server.set_payload_max_length(options_.max_body_bytes);
  for (const char* path : {"/batch", "/api/v1/intake-http/batch", "/plain/batch"}) {
    server.Post(path, [this](const httplib::Request& req, httplib::Response& res,
                             const httplib::ContentReader& reader) { Batch(req, res, reader); });
  }
  server.Get("/_sink/stats",
             [this](const httplib::Request&, httplib::Response& res) { Stats(res); });
  server.Get("/_sink/fault",
             [this](const httplib::Request& req, httplib::Response& res) { Fault(req, res); });
  server.Post("/_sink/fault",
              [this](const httplib::Request& req, httplib::Response& res) { Fault(req, res); });
  server.Delete("/_sink/fault",
                [this](const httplib::Request& req, httplib::Response& res) { Fault(req, res); });
  // httplib answers some errors itself (413 over the wire cap, 400 for a body
  // it cannot decode) with an empty body; give those a JSON message too.
  server.set_error_handler(
      httplib::Server::HandlerWithResponse([this](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        status_counts_.Add(std::to_string(res.status));
        ReplyMessage(res, res.status,
                     res.status == 413
                         ? "request body too large"
                         : "request failed with HTTP status " + std::to_string(res.status));
        return httplib::Server::HandlerResponse::Handled;
      }));
}

void SinkServer::Batch(const httplib::Request& req, httplib::Response& res,
                       const httplib::ContentReader& reader) {
  // Read the whole body first, so even a failure answer comes after the
  // client has finished sending. httplib has already undone Content-Encoding.
  std::string body;
  bool too_big = false;
  const bool read_ok = reader([&](const char* data, size_t n) {
    // Past the limit, keep reading but drop the bytes: stopping early would
    // leave the rest of the body in the connection, to be parsed as a request.
    if (too_big || body.size() + n > options_.max_body_bytes) {
      too_big = true;
      body.clear();
      return true;
    }
    body.append(data, n);
    return true;
  });
  // httplib sets 413 itself when Content-Length is over the wire cap.
  too_big = too_big || res.status == 413;
  const std::string wire_length = req.get_header_value("Content-Length");
  {
    std::lock_guard<std::mutex> lock(mu_);
    bytes_received_ +=
        wire_length.empty() ? static_cast<int64_t>(body.size()) : std::stoll(wire_length);
    bytes_decoded_ += static_cast<int64_t>(body.size());
  }

  std::optional<FaultRule> fault = faults_.Pick("batch", clock_.MonotonicNow());
  if (fault && fault->mode == "none") fault.reset();
  if (fault) faults_injected_.Add(fault->mode);
  if (fault && AnswerWithFault(*fault, req, res)) {
    status_counts_.Add(fault->mode == "drop" ? "dropped" : std::to_string(res.status));
    return;
  }

  if (too_big) {
    ReplyMessage(res, 413,
                 "body exceeds " + std::to_string(options_.max_body_bytes) + " bytes once decoded");
  } else if (!read_ok) {
    ReplyMessage(res, 400, "could not read or decode the request body");
  } else {
    Accept(req, std::move(body), res);
  }
  status_counts_.Add(std::to_string(res.status));
  if (res.status >= 400 && res.status < 500) {
    std::lock_guard<std::mutex> lock(mu_);
    ++rejected_;
  }
}

bool SinkServer::AnswerWithFault(const FaultRule& fault, const httplib::Request& req,
                                 httplib::Response& res) {
  if (fault.mode == "outage") {
    ReplyMessage(res, 503, "service unavailable (simulated outage)");
    return true;
  }
  if (fault.mode == "error_500") {
    ReplyMessage(res, 500, "internal server error (simulated)");
    return true;
  }
  if (fault.mode == "rate_limit") {
    ReplyMessage(res, 429, "too many requests (simulated)");
    if (fault.retry_after_seconds)
      res.set_header("Retry-After", std::to_string(*fault.retry_after_seconds));
    return true;
  }
  if (fault.mode == "drop") {
    ShutdownConnection(req);
    return true;
  }
  if (fault.mode == "slow") (void)clock_.SleepFor(fault.delay, stop_);
  return false;
}

void SinkServer::Accept(const httplib::Request& req, std::string body, httplib::Response& res) {
  const bool gzip = IsGzip(req);
  // Normally httplib has decoded the body already; a body still starting
  // with the gzip magic means it did not.
  if (gzip && body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0x1f &&
      static_cast<unsigned char>(body[1]) == 0x8b) {
    auto decoded = Gunzip(body, options_.max_body_bytes);
    if (!decoded.ok()) {
      ReplyMessage(res, decoded.status().code() == StatusCode::kRejected ? 413 : 400,
                   decoded.status().message());
      return;
    }
    body = std::move(*decoded);
  }
  // Benchmarks (--discard) only count: a single scan, no copy of the events.
  // Anything the scan does not vouch for takes the full path below.
  if (options_.discard) {
    std::optional<BatchSummary> summary = SummarizeBatch(body);
    if (summary && (options_.max_event_bytes == 0 ||
                    summary->largest_event_bytes <= options_.max_event_bytes)) {
      auto label = options_.labels_by_key.find(summary->intake_key);
      if (label == options_.labels_by_key.end()) {
        ReplyMessage(res, 401, "unknown intake key");
        return;
      }
      Accepted(gzip, label->second, summary->events, res);
      return;
    }
  }
  auto batch = ParseBatchRequest(body);
  if (!batch.ok()) {
    ReplyMessage(res, 400, batch.status().message());
    return;
  }
  auto label = options_.labels_by_key.find(batch->intake_key);
  if (label == options_.labels_by_key.end()) {
    ReplyMessage(res, 401, "unknown intake key");
    return;
  }
  if (options_.max_event_bytes > 0) {
    for (size_t i = 0; i < batch->events.size(); ++i) {
      if (batch->events[i].size() > options_.max_event_bytes) {
        ReplyMessage(res, 413,
                     "jsons[" + std::to_string(i) + "]: event exceeds " +
                         std::to_string(options_.max_event_bytes) + " bytes");
        return;
      }
    }
  }
  if (!options_.discard) {
    if (Status written = writer_.Append(label->second, batch->events); !written.ok()) {
      ReplyMessage(res, 500, written.message());
      return;
    }
  }
  Accepted(gzip, label->second, static_cast<int64_t>(batch->events.size()), res);
}

void SinkServer::Accepted(bool gzip, const std::string& label, int64_t events,
                          httplib::Response& res) {
  // {"event_ids":["<uuid>",...]}, as nlohmann would print it, built directly.
  std::string body = "{\"event_ids\":[";
  body.reserve(16 + static_cast<size_t>(events) * 39);
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int64_t i = 0; i < events; ++i) {
      if (i > 0) body += ',';
      body += '"';
      body += rng_.Uuid();
      body += '"';
    }
    ++batches_;
    events_ += events;
    if (gzip) ++gzip_batches_;
  }
  body += "]}";
  by_label_.Add(label, events);
  res.status = 200;
  res.set_content(body, "application/json");
}

void SinkServer::Stats(httplib::Response& res) {
  json out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    out = {{"batches", batches_},
           {"events", events_},
           {"bytes_received", bytes_received_},
           {"bytes_decoded", bytes_decoded_},
           {"gzip_batches", gzip_batches_},
           {"rejected", rejected_}};
  }
  out["by_label"] = by_label_.ToJson();
  out["status_counts"] = status_counts_.ToJson();
  out["faults_injected"] = faults_injected_.ToJson();
  res.set_content(out.dump(), "application/json");
}

void SinkServer::Fault(const httplib::Request& req, httplib::Response& res) {
  const auto now = clock_.MonotonicNow();
  if (req.method == "DELETE") {
    faults_.Clear();
  } else if (req.method == "POST") {
    auto rule = ParseFaultRuleJson(req.body, SinkFaultModes(), now);
    if (!rule.ok()) {
      res.status = 400;
      res.set_content(json({{"error", rule.status().message()}}).dump(), "application/json");
      return;
    }
    faults_.Add(std::move(*rule));
  }
  res.set_content("{\"rules\":" + faults_.ToJson(now) + "}", "application/json");
}

}  // namespace s1c::sim
