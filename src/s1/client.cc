#include "s1c/s1/client.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "api_request.h"
#include "s1c/core/iso_time.h"
#include "s1c/core/text.h"
#include "s1c/http/retry_after.h"

namespace s1c::s1 {
namespace {

using api_request::kApiPrefix;

constexpr size_t kExcerptBytes = 200;
// Error bodies are small; a huge one is not worth a DOM just to find titles.
constexpr size_t kMaxErrorBodyToParse = 1u << 20;

// "Authentication Failed" or "Validation Error (limit: must be <= 1000)" from a
// SentinelOne {"errors":[{"code":..,"title":..,"detail":..}]} body; empty when
// the body has no such list.
std::string ErrorTitles(std::string_view body) {
  const size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || body[first] != '{' || body.size() > kMaxErrorBodyToParse) {
    return "";
  }
  try {
    const nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object()) return "";
    const auto errors = doc.find("errors");
    if (errors == doc.end() || !errors->is_array()) return "";
    std::string out;
    int shown = 0;
    for (const nlohmann::json& e : *errors) {
      if (!e.is_object() || ++shown > 3) continue;
      std::string one;
      const auto title = e.find("title");
      const auto detail = e.find("detail");
      if (title != e.end() && title->is_string()) one = title->get<std::string>();
      if (detail != e.end() && detail->is_string() &&
          !detail->get_ref<const std::string&>().empty()) {
        one += one.empty() ? detail->get<std::string>() : " (" + detail->get<std::string>() + ")";
      }
      if (one.empty()) continue;
      if (!out.empty()) out += "; ";
      out += one;
    }
    return Excerpt(out, kExcerptBytes);
  } catch (const std::exception&) {
    return "";  // A malformed error body: the caller falls back to an excerpt.
  }
}

// Replaces every occurrence of `secret` in the status message (defence in
// depth: a console could echo the request back in an error body).
Status Redact(const Status& status, std::string_view secret) {
  if (status.ok() || secret.size() < 4) return status;
  std::string message = status.message();
  bool changed = false;
  for (size_t pos = message.find(secret); pos != std::string::npos;
       pos = message.find(secret, pos)) {
    message.replace(pos, secret.size(), "***");
    changed = true;
  }
  // An excerpt cut in the middle of the token ends with its first bytes and
  // "...": mask those too.
  for (size_t dots = message.find("..."); dots != std::string::npos;
       dots = message.find("...", dots + 3)) {
    for (size_t k = std::min(dots, secret.size() - 1); k >= 4; --k) {
      if (message.compare(dots - k, k, secret, 0, k) == 0) {
        message.replace(dots - k, k, "***");
        dots = dots - k + 3;
        changed = true;
        break;
      }
    }
  }
  if (!changed) return status;
  Status redacted(status.code(), std::move(message));
  if (status.retry_after()) redacted.WithRetryAfter(*status.retry_after());
  return redacted;
}

// A token that could break the Authorization header (or is missing) is a
// secret problem, reported without its value.
Status CheckToken(std::string_view token) {
  if (token.empty()) return Status(StatusCode::kUnauthenticated, "the API token is empty");
  for (char c : token) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return Status(StatusCode::kUnauthenticated,
                    "the API token contains a control character (a stray newline?)");
    }
  }
  return Status::Ok();
}

// Sends one request, described by `what` in errors, to the API with `token`
// and returns the body of a 2xx reply; errors are classified and redacted.
// Used by the raw calls.
Result<std::string> SendApi(http::HttpTransport& transport, const Clock& clock,
                            const ConsoleApi& api, std::string_view token, std::string method,
                            const std::string& what, std::string_view path_and_query,
                            std::string body, std::string_view permission) {
  http::Request request;
  request.method = std::move(method);
  request.url = api_request::ApiUrl(api, path_and_query);
  request.headers = api_request::ApiHeaders(api, "ApiToken", token);
  if (!body.empty()) request.headers.push_back({"Content-Type", "application/json"});
  request.body = std::move(body);
  Result<http::Response> response = transport.Send(request);
  if (!response.ok()) return Redact(response.status().Annotate(what), token);
  const Status classified = ClassifyResponse(*response, what, permission, clock.NowMicros());
  if (!classified.ok()) return Redact(classified, token);
  return std::move(response->body);
}

// Reads the token for a request described by `what`, as FetchPage does.
Result<std::string> ReadToken(const SecretProvider& provider, const std::string& what) {
  Result<std::string> token =
      provider ? provider() : Result<std::string>(Internal("no token provider"));
  if (!token.ok()) {
    return Status(StatusCode::kUnauthenticated,
                  what + ": cannot read the API token: " + token.status().message());
  }
  const Status token_ok = CheckToken(*token);
  if (!token_ok.ok()) return token_ok.Annotate(what);
  return token;
}

}  // namespace

Result<TokenDetails> ParseTokenDetails(std::string_view body) {
  auto corrupt = [&](const std::string& why) {
    return Corrupt("users/api-token-details: " + why + "; body: " + Excerpt(body, kExcerptBytes));
  };
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return corrupt("the answer is not a JSON object");
  const auto data = doc.find("data");
  if (data == doc.end() || !data->is_object()) return corrupt("the answer has no \"data\" object");
  TokenDetails out;
  if (const auto created = data->find("createdAt"); created != data->end() && !created->is_null()) {
    if (!created->is_string()) return corrupt("\"createdAt\" is not a string");
    out.created_at = created->get<std::string>();
  }
  if (const auto expires = data->find("expiresAt"); expires != data->end() && !expires->is_null()) {
    if (!expires->is_string()) return corrupt("\"expiresAt\" is not a string");
    const std::string& text = expires->get_ref<const std::string&>();
    Result<int64_t> us = ParseIsoTime(text);
    if (!us.ok()) return corrupt("\"expiresAt\": " + us.status().message());
    out.expires_at = text;
    out.expires_at_us = *us;
  }
  return out;
}

http::Request BuildPageRequest(const ConsoleApi& api, const StreamSpec& spec,
                               const PageQuery& query, std::string_view token) {
  return PageApiOf(spec.kind).BuildRequest(api, spec, query, token);
}

Status ClassifyResponse(const http::Response& response, std::string_view what,
                        std::string_view permission, int64_t now_micros,
                        std::string_view forbidden_hint) {
  const long code = response.status;
  if (code >= 200 && code < 300) return Status::Ok();

  const std::string titles = ErrorTitles(response.body);
  const bool blank = response.body.find_first_not_of(" \t\r\n") == std::string::npos;
  const std::string needs =
      permission.empty() ? "" : "; it needs permission " + std::string(permission);
  auto message = [&](const std::string& explanation) {
    std::string m;
    if (!what.empty()) m.append(what).append(": ");
    m += "HTTP " + std::to_string(code);
    if (!titles.empty()) m += " " + titles;
    m += ": " + explanation;
    if (titles.empty() && !blank) m += "; body: " + Excerpt(response.body, kExcerptBytes);
    return m;
  };

  if (code == 401) {
    return Status(StatusCode::kUnauthenticated,
                  message("the API token was rejected (expired, revoked or wrong)" + needs));
  }
  if (code == 403) {
    std::string hint = forbidden_hint.empty() ? "" : "; " + std::string(forbidden_hint);
    return Status(StatusCode::kPermissionDenied,
                  message("the API token lacks a permission or scope for this request" + needs +
                          hint));
  }
  if (code == 429) {
    // Often an nginx HTML page rather than JSON, with or without Retry-After.
    std::optional<std::chrono::milliseconds> delay;
    if (const std::string* value = response.FindHeader("retry-after")) {
      delay = http::ParseRetryAfter(*value, now_micros);
    }
    std::string explanation = "rate limited by the console";
    if (delay) explanation += "; retry after " + std::to_string(delay->count()) + " ms";
    Status status(StatusCode::kRateLimited, message(explanation));
    if (delay) status.WithRetryAfter(*delay);
    return status;
  }
  if (code == 408) return Unavailable(message("the console timed out waiting for the request"));
  if (code >= 500 && code < 600)
    return Unavailable(message("the console failed or is unavailable"));
  if (code >= 400 && code < 500) return Status(StatusCode::kRejected, message("request rejected"));
  if (code >= 300 && code < 400) {
    // Redirects are not followed: a console URL that redirects is misconfigured.
    const std::string* location = response.FindHeader("location");
    return Status(StatusCode::kRejected,
                  message("unexpected redirect" +
                          (location ? " to " + Excerpt(*location, kExcerptBytes) : std::string()) +
                          "; check the console URL"));
  }
  return Unavailable(message("unexpected HTTP status"));
}

S1Client::S1Client(http::HttpTransport& transport, const Clock& clock, ConsoleApi api,
                   SecretProvider token)
    : transport_(transport), clock_(clock), api_(std::move(api)), token_(std::move(token)) {}

Result<Page> S1Client::FetchPage(const StreamSpec& spec, const PageQuery& query) {
  const PageApi& kind = PageApiOf(spec.kind);
  const std::string what =
      std::string(kind.method()) + " " + std::string(kApiPrefix) + std::string(spec.path);
  // Read on every request so a rotated token is picked up without restart.
  Result<std::string> token = ReadToken(token_, what);
  if (!token.ok()) return token.status();

  Result<http::Response> response = transport_.Send(kind.BuildRequest(api_, spec, query, *token));
  if (!response.ok()) return Redact(response.status().Annotate(what), *token);
  const Status classified = ClassifyResponse(*response, what, spec.permission, clock_.NowMicros(),
                                             spec.forbidden_hint);
  if (!classified.ok()) return Redact(classified, *token);

  Result<Page> page = kind.ParseBody(spec, std::move(response->body));
  if (!page.ok()) return Redact(page.status().Annotate(what), *token);
  return page;
}

Result<std::string> S1Client::GetRaw(std::string_view path_and_query, std::string_view permission) {
  std::string_view path = path_and_query.substr(0, path_and_query.find('?'));
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  const std::string what = "GET " + std::string(kApiPrefix) + std::string(path);
  Result<std::string> token = ReadToken(token_, what);
  if (!token.ok()) return token.status();
  return SendApi(transport_, clock_, api_, *token, "GET", what, path_and_query, "", permission);
}

Result<std::string> S1Client::PostRaw(std::string_view path, std::string body,
                                      std::string_view permission) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  const std::string what = "POST " + std::string(kApiPrefix) + std::string(path);
  Result<std::string> token = ReadToken(token_, what);
  if (!token.ok()) return token.status();
  return SendApi(transport_, clock_, api_, *token, "POST", what, path, std::move(body),
                 permission);
}

Result<TokenDetails> S1Client::FetchTokenDetails() {
  constexpr std::string_view kPath = "users/api-token-details";
  const std::string what = "POST " + std::string(kApiPrefix) + std::string(kPath);
  Result<std::string> token = ReadToken(token_, what);
  if (!token.ok()) return token.status();
  // The token goes in the body too: that is how this endpoint names the
  // token it describes.
  const nlohmann::json request = {{"data", {{"apiToken", *token}}}};
  Result<std::string> body = SendApi(transport_, clock_, api_, *token, "POST", what, kPath,
                                     request.dump(-1, ' ', false,
                                                  nlohmann::json::error_handler_t::replace),
                                     /*permission=*/"");
  if (!body.ok()) return body.status();
  Result<TokenDetails> details = ParseTokenDetails(*body);
  if (!details.ok()) return Redact(details.status(), *token);
  return details;
}

}  // namespace s1c::s1
