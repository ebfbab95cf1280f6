// Private to the s1 module: the parts of a console API request that every
// request shares, whatever its kind: the URL under /web/api/v2.1/, the
// headers, query-string escaping.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "s1c/http/transport.h"
#include "s1c/s1/page_api.h"

namespace s1c::s1::api_request {

inline constexpr std::string_view kApiPrefix = "/web/api/v2.1/";

// <base>/web/api/v2.1/<path_and_query>, whatever slashes either side has.
std::string ApiUrl(const ConsoleApi& api, std::string_view path_and_query);

// Authorization: <scheme> <token>, Accept, Accept-Encoding: gzip, User-Agent.
// `scheme` is "ApiToken" (REST) or "Bearer" (GraphQL).
std::vector<http::Header> ApiHeaders(const ConsoleApi& api, std::string_view scheme,
                                     std::string_view token);

// name=value&... with RFC 3986 percent-encoding of everything but unreserved
// characters.
class QueryBuilder {
 public:
  void Add(std::string_view name, std::string_view value);
  const std::string& str() const { return query_; }

 private:
  std::string query_;
};

}  // namespace s1c::s1::api_request
