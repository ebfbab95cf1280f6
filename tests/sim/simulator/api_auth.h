// TokenAuth: which API tokens the simulated console accepts.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace s1c::sim {

// The Authorization scheme an endpoint wants: the REST API's "ApiToken", or
// "Bearer" (same token) on the Unified Alert Management GraphQL endpoint.
enum class AuthScheme { kApiToken, kBearer };

// Valid tokens are the fixed ones plus the lines of an optional token file,
// re-read on every check so a test can rotate or revoke tokens by rewriting
// the file. Thread-safe (no mutable state; the file is read per call).
class TokenAuth {
 public:
  TokenAuth(std::vector<std::string> tokens, std::string token_file)
      : tokens_(std::move(tokens)), token_file_(std::move(token_file)) {}

  // True if `token` is currently valid. A missing or unreadable token file
  // contributes no tokens.
  bool IsValid(std::string_view token) const;

  // The token of an "Authorization: <scheme> <token>" header value, or
  // nullopt for any other shape (another scheme included).
  static std::optional<std::string> FromHeader(std::string_view header,
                                               AuthScheme scheme = AuthScheme::kApiToken);

 private:
  std::vector<std::string> tokens_;
  std::string token_file_;
};

}  // namespace s1c::sim
