#include "simulator/api_auth.h"

#include <algorithm>
#include <fstream>

namespace s1c::sim {
namespace {

std::string_view Trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

bool TokenAuth::IsValid(std::string_view token) const {
  if (token.empty()) return false;
  if (std::find(tokens_.begin(), tokens_.end(), token) != tokens_.end()) return true;
  if (token_file_.empty()) return false;
  std::ifstream in(token_file_);
  std::string line;
  while (std::getline(in, line)) {
    std::string_view t = Trim(line);
    if (!t.empty() && t.front() != '#' && t == token) return true;
  }
  return false;
}

std::optional<std::string> TokenAuth::FromHeader(std::string_view header, AuthScheme scheme) {
  // SentinelOne's REST scheme is "ApiToken"; its GraphQL endpoints take the
  // same token as "Bearer". The name is matched exactly.
  const std::string_view prefix = scheme == AuthScheme::kApiToken ? "ApiToken " : "Bearer ";
  if (!header.starts_with(prefix)) return std::nullopt;
  std::string_view token = Trim(header.substr(prefix.size()));
  if (token.empty()) return std::nullopt;
  return std::string(token);
}

}  // namespace s1c::sim
