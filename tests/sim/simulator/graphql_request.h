// GraphQL alerts requests: the POST body of unifiedalerts/graphql turned into
// the same Query the REST list endpoints run, so paging, ties and cursors
// behave exactly like theirs.
//
// Body: {"query": "<text>", "variables": {"first": N, "after": "<cursor>",
//   "filters": [...], "sort": {"by": "updatedAt"|"createdAt", "order": "ASC"|"DESC"}}}
// - first: 1..1000, default 10. after: an edge's cursor, absent or null on the first page.
// - filters, all of which must hold:
//   {"fieldId": "updatedAt"|"createdAt", "dateTimeRange": {"start": <epoch ms>,
//    "startInclusive": true (default), "end": <epoch ms>, "endInclusive": false (default)}}
//   (start and end each optional), and
//   {"fieldId": "detectionProduct", "stringEqual": {"value": "Identity"}} or
//   {"fieldId": "detectionProduct", "stringIn": {"values": ["EDR", "Identity"]}}.
// - sort: default {"by": "updatedAt", "order": "ASC"}.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/graphql_error.h"
#include "simulator/query.h"
#include "simulator/stream.h"

namespace s1c::sim {

// Parses and validates `body` for `spec` (the unified alerts stream), with
// ValidateAlertsQuery(query, missing_fields) on the query text. Errors:
// GRAPHQL_PARSE_FAILED for a body that is not JSON, BAD_USER_INPUT for a body
// without a query or with bad variables (including a cursor replayed with
// other filters or sort), the query text's own errors otherwise.
std::expected<Query, std::vector<GraphqlError>> ParseGraphqlRequest(
    const StreamSpec& spec, std::string_view body, const std::vector<std::string>& missing_fields);

}  // namespace s1c::sim
