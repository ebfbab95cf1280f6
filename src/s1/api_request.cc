#include "api_request.h"

namespace s1c::s1::api_request {
namespace {

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

void AppendEscaped(std::string_view in, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : in) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c)) {
      out->push_back(ch);
    } else {
      out->push_back('%');
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 0xF]);
    }
  }
}

}  // namespace

void QueryBuilder::Add(std::string_view name, std::string_view value) {
  if (!query_.empty()) query_.push_back('&');
  AppendEscaped(name, &query_);
  query_.push_back('=');
  AppendEscaped(value, &query_);
}

std::string ApiUrl(const ConsoleApi& api, std::string_view path_and_query) {
  std::string_view base = api.base_url;
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  while (!path_and_query.empty() && path_and_query.front() == '/') path_and_query.remove_prefix(1);
  std::string url;
  url.reserve(base.size() + kApiPrefix.size() + path_and_query.size());
  url.append(base).append(kApiPrefix).append(path_and_query);
  return url;
}

std::vector<http::Header> ApiHeaders(const ConsoleApi& api, std::string_view scheme,
                                     std::string_view token) {
  std::vector<http::Header> headers;
  headers.push_back({"Authorization", std::string(scheme) + " " + std::string(token)});
  headers.push_back({"Accept", "application/json"});
  headers.push_back({"Accept-Encoding", "gzip"});
  headers.push_back({"User-Agent", api.user_agent.empty() ? "s1-collector" : api.user_agent});
  return headers;
}

}  // namespace s1c::s1::api_request
