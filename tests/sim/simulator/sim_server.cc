#include "simulator/sim_server.h"

#include <nlohmann/json.hpp>

#include "common/gzip.h"
#include "s1c/core/iso_time.h"
#include "simulator/api_errors.h"
#include "simulator/graphql_error.h"
#include "simulator/graphql_page.h"
#include "simulator/graphql_request.h"
#include "simulator/paginate.h"
#include "simulator/query.h"

namespace s1c::sim {
namespace {

using json = nlohmann::json;

constexpr const char* kJson = "application/json";
constexpr const char* kApiPrefix = R"(/web/api/v2\.1/)";
constexpr int64_t kDay = 86400LL * 1000000;
// Answers at least this big are gzipped here (ISA-L, level 1) when the client
// accepts gzip; smaller ones are left to httplib.
constexpr size_t kSelfGzipBytes = 1024;

void Reply(httplib::Response& res, int status, std::string_view body, const char* type = kJson) {
  res.status = status;
  res.set_content(std::string(body), type);
}

// GraphQL streams take the API token as "Bearer"; everything else as "ApiToken".
AuthScheme SchemeOf(const std::string& scope) {
  const StreamSpec* spec = FindStream(scope);
  return spec != nullptr && spec->protocol == Protocol::kGraphql ? AuthScheme::kBearer
                                                                 : AuthScheme::kApiToken;
}

}  // namespace

const std::vector<std::string>& SimFaultModes() {
  static const std::vector<std::string> kModes = {
      "none",         "rate_limit_html", "rate_limit_html_retry_after",
      "error_500",    "error_503",       "slow",
      "drop",         "truncated",       "revoked",
      "graphql_error"};
  return kModes;
}

SimServer::SimServer(SimServerOptions options, StreamStores stores, const TokenAuth& auth,
                     FaultSet& faults, SimStats& stats, Clock& clock, StopToken stop)
    : options_(std::move(options)),
      stores_(stores),
      auth_(auth),
      faults_(faults),
      stats_(stats),
      clock_(clock),
      stop_(std::move(stop)),
      pacer_(options_.pages_per_second) {}

void SimServer::Register(httplib::Server& server) {
  const std::string api = kApiPrefix;
  for (EventStore* store : stores_) {
    const std::string path = api + std::string(store->spec().path);
    const std::string scope(store->spec().name);
    // Every answer of a list endpoint takes a pacing slot, errors included:
    // the control routes and the token probe do not.
    if (store->spec().protocol == Protocol::kGraphql) {
      server.Post(path, [this, store, scope](const httplib::Request& req, httplib::Response& res) {
        ServeApi(scope, req, res, [this, store](const httplib::Request& r, httplib::Response& s) {
          return GraphqlAlerts(*store, r, s);
        });
        WaitForPageSlot();
      });
      continue;
    }
    server.Get(path, [this, store, scope](const httplib::Request& req, httplib::Response& res) {
      ServeApi(scope, req, res, [this, store](const httplib::Request& r, httplib::Response& s) {
        return ListEvents(*store, r, s);
      });
      WaitForPageSlot();
    });
  }
  server.Get(api + "system/status", [this](const httplib::Request& req, httplib::Response& res) {
    ServeApi("system/status", req, res, [](const httplib::Request&, httplib::Response& r) {
      Reply(r, 200, R"({"data":{"health":"ok"}})");
      return int64_t{0};
    });
  });
  server.Get(api + "system/info", [this](const httplib::Request& req, httplib::Response& res) {
    ServeApi("system/info", req, res, [](const httplib::Request&, httplib::Response& r) {
      Reply(
          r, 200,
          R"({"data":{"build":"s1-simulator","latestAgentVersion":"24.2.2.20","release":"2026.1.0"}})");
      return int64_t{0};
    });
  });
  server.Post(api + "users/api-token-details",
              [this](const httplib::Request& req, httplib::Response& res) {
                ServeApi("users/api-token-details", req, res,
                         [this](const httplib::Request& r, httplib::Response& s) {
                           TokenDetails(r, s);
                           return int64_t{0};
                         });
              });
  // Anything else under the API answers like the console: JSON 404 (after auth).
  server.Get(api + ".*", [this](const httplib::Request& req, httplib::Response& res) {
    ServeApi("other", req, res, [](const httplib::Request&, httplib::Response& r) {
      Reply(r, 404, kNotFoundBody);
      return int64_t{0};
    });
  });

  server.Get("/_sim/corpus",
             [this](const httplib::Request& req, httplib::Response& res) { Corpus(req, res); });
  server.Get("/_sim/stats",
             [this](const httplib::Request&, httplib::Response& res) { Stats(res); });
  server.Get("/_sim/fault",
             [this](const httplib::Request& req, httplib::Response& res) { Fault(req, res); });
  server.Post("/_sim/fault",
              [this](const httplib::Request& req, httplib::Response& res) { Fault(req, res); });
  server.Delete("/_sim/fault",
                [this](const httplib::Request& req, httplib::Response& res) { Fault(req, res); });
}

void SimServer::ServeApi(const std::string& scope, const httplib::Request& req,
                         httplib::Response& res, const Handler& handle) {
  std::optional<FaultRule> fault = faults_.Pick(scope, clock_.MonotonicNow());
  if (fault && fault->mode == "none") fault.reset();
  if (fault) stats_.faults_injected.Add(fault->mode);
  int64_t events = 0;
  if (fault && AnswerWithFault(*fault, res)) {
    // The fault is the answer.
  } else if (auto token =
                 TokenAuth::FromHeader(req.get_header_value("Authorization"), SchemeOf(scope));
             !token || !auth_.IsValid(*token)) {
    Reply(res, 401, kAuthFailedBody);
  } else {
    stats_.requests_by_token.Add(*token);
    if (options_.denied_streams.count(scope) > 0) {
      Reply(res, 403, kForbiddenBody);
    } else {
      events = handle(req, res);
      if (fault && (fault->mode == "drop" || fault->mode == "truncated")) {
        DamageAnswer(*fault, res);
        events = 0;
      } else if (options_.gzip) {
        MaybeGzip(req, res);
      }
    }
  }
  stats_.requests.Add(scope, std::to_string(res.status));
  if (events > 0) {
    stats_.events_served.Add(scope, events);
    stats_.bytes_served.Add(scope, static_cast<int64_t>(res.body.size()));
  }
  if (!options_.gzip) KeepUncompressed(res);
}

bool SimServer::AnswerWithFault(const FaultRule& fault, httplib::Response& res) {
  const std::string& mode = fault.mode;
  if (mode == "rate_limit_html" || mode == "rate_limit_html_retry_after") {
    Reply(res, 429, kNginx429Html, "text/html");
    if (mode == "rate_limit_html_retry_after") {
      res.set_header("Retry-After", std::to_string(fault.retry_after_seconds.value_or(1)));
    }
    return true;
  }
  if (mode == "error_500") {
    Reply(res, 500, kInternalErrorBody);
    return true;
  }
  if (mode == "error_503") {
    Reply(res, 503, kServiceUnavailableText, "text/plain");
    return true;
  }
  if (mode == "revoked") {
    Reply(res, 401, kAuthFailedBody);
    return true;
  }
  if (mode == "graphql_error") {
    // GraphQL reports failures inside a 200; a REST endpoint hit by this rule
    // answers the same body, which its clients must treat as malformed.
    Reply(res, 200, kGraphqlInternalErrorBody);
    return true;
  }
  if (mode == "slow") (void)clock_.SleepFor(fault.delay, stop_);
  return false;
}

void SimServer::MaybeGzip(const httplib::Request& req, httplib::Response& res) {
  // httplib would gzip a JSON answer itself, but at zlib's default level 6:
  // about 13 ms per 1000-event page, which capped the simulator near 14k
  // events/s per core. Compressing here is ~10x cheaper. The Content-Type
  // gets a charset parameter because httplib only compresses the exact type
  // "application/json" and must not compress this body a second time.
  if (res.body.size() < kSelfGzipBytes || res.get_header_value("Content-Type") != kJson ||
      !AcceptsGzip(req.get_header_value("Accept-Encoding"))) {
    return;
  }
  res.body = GzipFast(res.body);
  res.headers.erase("Content-Type");
  res.set_header("Content-Type", "application/json; charset=utf-8");
  res.set_header("Content-Encoding", "gzip");
}

void SimServer::KeepUncompressed(httplib::Response& res) {
  // httplib compresses a body itself (gzip or brotli) when the client accepts
  // it and the Content-Type is one it deems compressible (text/*,
  // application/json), but never a body sent by a content provider of known
  // length: that is how an answer goes out as it is, headers unchanged.
  if (res.body.empty()) return;  // Nothing, or already a provider ("drop").
  auto body = std::make_shared<std::string>(std::move(res.body));
  res.body.clear();
  const std::string type = res.get_header_value("Content-Type");
  res.headers.erase("Content-Type");
  res.set_content_provider(body->size(), type,
                           [body](size_t offset, size_t length, httplib::DataSink& sink) {
                             return sink.write(body->data() + offset, length);
                           });
}

void SimServer::WaitForPageSlot() {
  if (!pacer_.paced()) return;
  const SteadyTime slot = pacer_.Reserve(clock_.MonotonicNow());
  // Rounded up, so that a page never leaves before its slot.
  const auto wait = std::chrono::ceil<std::chrono::milliseconds>(slot - clock_.MonotonicNow());
  if (wait.count() > 0) (void)clock_.SleepFor(wait, stop_);
}

void SimServer::DamageAnswer(const FaultRule& fault, httplib::Response& res) {
  auto body = std::make_shared<std::string>(std::move(res.body));
  res.body.clear();
  const std::string type = res.get_header_value("Content-Type");
  res.headers.erase("Content-Type");
  if (fault.mode == "truncated") {
    res.set_content(body->substr(0, body->size() / 2), type);
    return;
  }
  // "drop": promise the whole body in Content-Length, send half, then make
  // httplib give up on the connection (a false return closes it).
  res.set_content_provider(body->size(), type,
                           [body](size_t offset, size_t /*length*/, httplib::DataSink& sink) {
                             const size_t half = body->size() / 2;
                             if (offset < half) sink.write(body->data() + offset, half - offset);
                             return false;
                           });
}

int64_t SimServer::ListEvents(EventStore& store, const httplib::Request& req,
                              httplib::Response& res) {
  auto query = ParseQuery(store.spec(), req.params);
  if (!query.ok()) {
    Reply(res, 400, ValidationErrorBody(query.status().message()));
    return 0;
  }
  const int64_t now = clock_.NowMicros();
  int64_t served = 0;
  res.body = store.ReadRows([&](std::span<const EventRecord> rows, bool all_visible) {
    Page page = RunQuery(rows, store.spec(), *query, now, all_visible);
    served = static_cast<int64_t>(page.items.size());
    return RenderPage(page);
  });
  res.status = 200;
  res.set_header("Content-Type", kJson);
  return served;
}

int64_t SimServer::GraphqlAlerts(EventStore& store, const httplib::Request& req,
                                 httplib::Response& res) {
  auto query = ParseGraphqlRequest(store.spec(), req.body, options_.missing_alert_fields);
  if (!query.has_value()) {
    Reply(res, 200, RenderGraphqlErrors(query.error()));
    return 0;
  }
  const int64_t now = clock_.NowMicros();
  int64_t served = 0;
  res.body = store.ReadRows([&](std::span<const EventRecord> rows, bool all_visible) {
    Page page = RunQuery(rows, store.spec(), *query, now, all_visible);
    served = static_cast<int64_t>(page.items.size());
    return RenderGraphqlPage(page, *query);
  });
  res.status = 200;
  res.set_header("Content-Type", kJson);
  return served;
}

void SimServer::TokenDetails(const httplib::Request& req, httplib::Response& res) {
  json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  const json* token = nullptr;
  if (body.is_object() && body.contains("data") && body["data"].is_object() &&
      body["data"].contains("apiToken") && body["data"]["apiToken"].is_string()) {
    token = &body["data"]["apiToken"];
  }
  if (token == nullptr) {
    Reply(res, 400, ValidationErrorBody("data.apiToken: Missing data for required field."));
    return;
  }
  if (!auth_.IsValid(token->get<std::string>())) {
    Reply(res, 400, ValidationErrorBody("data.apiToken: Invalid API token"));
    return;
  }
  json out = {{"data",
               {{"createdAt", FormatIsoTime(options_.token_expires_at_us - 180 * kDay)},
                {"expiresAt", FormatIsoTime(options_.token_expires_at_us)}}}};
  Reply(res, 200, out.dump());
}

void SimServer::Corpus(const httplib::Request& req, httplib::Response& res) {
  const StreamSpec* spec = FindStream(req.get_param_value("stream"));
  if (spec == nullptr) {
    Reply(res, 400, json({{"error", "stream: expected " + StreamNameList()}}).dump());
    return;
  }
  EventStore& store = *stores_[static_cast<size_t>(spec->kind)];
  const int64_t now = clock_.NowMicros();
  std::string body = store.Read([now](std::span<const EventRecord> rows) {
    std::string out;
    for (const EventRecord& e : rows) {
      if (!e.VisibleAt(now)) continue;
      out += e.json;
      out += '\n';
    }
    return out;
  });
  Reply(res, 200, body, "application/x-ndjson");
}

void SimServer::Stats(httplib::Response& res) {
  json rows = json::object();
  for (EventStore* store : stores_) rows[std::string(store->spec().name)] = store->size();
  json out = {{"requests", stats_.requests.ToJson()},
              {"events_served", stats_.events_served.ToJson()},
              {"bytes_served", stats_.bytes_served.ToJson()},
              {"faults_injected", stats_.faults_injected.ToJson()},
              {"live_events_added", stats_.live_added.ToJson()},
              {"live_finished", stats_.live_finished.load()},
              {"requests_by_token", stats_.requests_by_token.ToJson()},
              {"rows", rows}};
  Reply(res, 200, out.dump());
}

void SimServer::Fault(const httplib::Request& req, httplib::Response& res) {
  const auto now = clock_.MonotonicNow();
  if (req.method == "DELETE") {
    faults_.Clear();
  } else if (req.method == "POST") {
    auto rule = ParseFaultRuleJson(req.body, SimFaultModes(), now);
    if (!rule.ok()) {
      Reply(res, 400, json({{"error", rule.status().message()}}).dump());
      return;
    }
    faults_.Add(std::move(*rule));
  }
  Reply(res, 200, "{\"rules\":" + faults_.ToJson(now) + "}");
}

}  // namespace s1c::sim
