// Response bodies the real console sends for errors (docs/design.md section 5).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace s1c::sim {

inline constexpr std::string_view kAuthFailedBody =
    R"({"errors":[{"code":4010010,"detail":null,"title":"Authentication Failed"}]})";
inline constexpr std::string_view kForbiddenBody =
    R"({"errors":[{"code":4030010,"detail":"Insufficient permissions","title":"Forbidden"}]})";
inline constexpr std::string_view kNotFoundBody =
    R"({"errors":[{"code":4040010,"detail":null,"title":"Not Found"}]})";
inline constexpr std::string_view kInternalErrorBody =
    R"({"errors":[{"code":5000010,"detail":"Internal server error","title":"Internal Server Error"}]})";
inline constexpr std::string_view kServiceUnavailableText = "Service Temporarily Unavailable\n";

// The rate limiter in front of real consoles is nginx and answers 429 with
// its stock HTML page, not JSON.
inline constexpr std::string_view kNginx429Html =
    "<html><head><title>429 Too Many Requests</title></head><body><center><h1>429 Too Many "
    "Requests</h1></center><hr><center>nginx</center></body></html>";

// {"errors":[{"code":4000010,"detail":"<detail>","title":"Validation Error"}]}
inline std::string ValidationErrorBody(std::string_view detail) {
  nlohmann::json body = {
      {"errors", nlohmann::json::array(
                     {{{"code", 4000010}, {"detail", detail}, {"title", "Validation Error"}}})}};
  return body.dump();
}

}  // namespace s1c::sim
