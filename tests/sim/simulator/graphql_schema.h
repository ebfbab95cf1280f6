// The simulated console's GraphQL schema, as far as the alerts query needs it.
//
// The simulator does not parse GraphQL. It scans the query text for names
// (skipping comments, strings and $variables) and checks two things a real
// console's validation would catch: the query selects the root field
// "alerts", and it asks for no Alert field the console lacks. Consoles differ
// in which fields their schema has (fields are added release by release), so
// --uam-missing-field makes this console lack some.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "simulator/graphql_error.h"

namespace s1c::sim {

// Returns the errors of `query` (empty when it passes):
// - no "{" at all, or nothing after it: GRAPHQL_PARSE_FAILED "Syntax Error: ...";
// - no name "alerts": GRAPHQL_VALIDATION_FAILED `Cannot query field "<first
//   selected name>" on type "Query".` at that name;
// - each use of a name in `missing_fields`: GRAPHQL_VALIDATION_FAILED
//   `Cannot query field "<name>" on type "Alert".` at that use.
std::vector<GraphqlError> ValidateAlertsQuery(std::string_view query,
                                              const std::vector<std::string>& missing_fields);

}  // namespace s1c::sim
