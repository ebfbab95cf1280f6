// GraphQL errors as the Unified Alert Management endpoint reports them: HTTP
// 200 with {"errors":[...],"data":null} (tests/fixtures/unified-alerts-error.json).
// An error is an error of that request, never an empty page.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace s1c::sim {

// extensions.code values (Apollo Server's names).
inline constexpr std::string_view kGraphqlParseFailed = "GRAPHQL_PARSE_FAILED";
inline constexpr std::string_view kGraphqlValidationFailed = "GRAPHQL_VALIDATION_FAILED";
inline constexpr std::string_view kBadUserInput = "BAD_USER_INPUT";
inline constexpr std::string_view kInternalServerError = "INTERNAL_SERVER_ERROR";

// Where in the query text an error is: 1-based line and column.
struct SourceLocation {
  int line = 1;
  int column = 1;

  friend bool operator==(const SourceLocation&, const SourceLocation&) = default;
};

struct GraphqlError {
  std::string message;
  std::string code;  // One of the k* codes above.
  std::optional<SourceLocation> location;
};

// {"errors":[{"message":...,"locations":[{"line":L,"column":C}],"extensions":{"code":...}},...],"data":null}
// ("locations" only for errors that have one). Compact JSON.
std::string RenderGraphqlErrors(const std::vector<GraphqlError>& errors);

// The answer of the "graphql_error" fault: an upstream failure inside the
// console's GraphQL layer, still HTTP 200.
inline constexpr std::string_view kGraphqlInternalErrorBody =
    R"({"errors":[{"message":"Internal server error: upstream timeout","extensions":{"code":"INTERNAL_SERVER_ERROR"}}],"data":null})";

}  // namespace s1c::sim
