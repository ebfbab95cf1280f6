// Talking to one SentinelOne console: building list requests, classifying
// replies, and a PageSource seam so the pipeline can be tested without HTTP.
#pragma once

#include <optional>
#include <string>

#include "s1c/core/clock.h"
#include "s1c/core/secret.h"
#include "s1c/core/status.h"
#include "s1c/http/transport.h"
#include "s1c/s1/page.h"
#include "s1c/s1/page_api.h"

namespace s1c::s1 {

// The request for one page of `spec`'s stream, as its kind builds it
// (s1c/s1/page_api.h). rest: GET <base>/web/api/v2.1/<path>?<filter>__gte=..
// &sortBy=..&sortOrder=asc&limit=..[&cursor=..][&siteIds=..][&accountIds=..]
// with Authorization: ApiToken <token>; graphql: POST <base>/web/api/v2.1/<path>
// with a JSON body and Authorization: Bearer <token>. Both ask for gzip and
// send the User-Agent.
http::Request BuildPageRequest(const ConsoleApi& api, const StreamSpec& spec,
                               const PageQuery& query, std::string_view token);

// Maps a non-2xx reply to a Status (docs/design.md section 5):
// 401 -> kUnauthenticated, 403 -> kPermissionDenied (both naming `permission`;
// a 403 also says `forbidden_hint` when given),
// 429 -> kRateLimited with Retry-After (seconds or HTTP date) when present,
// 5xx and 408 -> kUnavailable, other 4xx -> kRejected. The message carries the
// status and a short token-free excerpt of the body (JSON "errors" titles
// when present). Returns Ok for 2xx.
Status ClassifyResponse(const http::Response& response, std::string_view what,
                        std::string_view permission, int64_t now_micros,
                        std::string_view forbidden_hint = {});

// What POST users/api-token-details says about a token.
struct TokenDetails {
  std::string created_at;                // As the API wrote it; empty when absent.
  std::optional<std::string> expires_at;  // Absent or null: the console reports no expiry.
  std::optional<int64_t> expires_at_us;   // expires_at, parsed.
};

// Parses {"data":{"createdAt":"...","expiresAt":"..."|null}}. Returns kCorrupt
// with a short excerpt when the body is not that shape or a time does not
// parse. Never throws.
Result<TokenDetails> ParseTokenDetails(std::string_view body);

// Source of pages for one console. Thread-safe if the transport is.
class PageSource {
 public:
  virtual ~PageSource() = default;
  virtual Result<Page> FetchPage(const StreamSpec& spec, const PageQuery& query) = 0;
};

// The real PageSource. The token is fetched from `token` on every request so
// a rotated token is picked up without restart.
class S1Client final : public PageSource {
 public:
  S1Client(http::HttpTransport& transport, const Clock& clock, ConsoleApi api, SecretProvider token);
  Result<Page> FetchPage(const StreamSpec& spec, const PageQuery& query) override;
  // GET <base>/web/api/v2.1/<path> and return the body of a 2xx reply.
  Result<std::string> GetRaw(std::string_view path_and_query, std::string_view permission);
  // POST <base>/web/api/v2.1/<path> with a JSON `body`; returns the body of a
  // 2xx reply. Errors are classified like GetRaw's and never show the token.
  Result<std::string> PostRaw(std::string_view path, std::string body, std::string_view permission);
  // Asks the console when this client's own token expires
  // (POST users/api-token-details with {"data":{"apiToken":<token>}}).
  Result<TokenDetails> FetchTokenDetails();

 private:
  http::HttpTransport& transport_;
  const Clock& clock_;
  ConsoleApi api_;
  SecretProvider token_;
};

}  // namespace s1c::s1
