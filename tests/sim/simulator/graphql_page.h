// The GraphQL connection answer of unifiedalerts/graphql for one page.
#pragma once

#include <string>

#include "simulator/paginate.h"
#include "simulator/query.h"

namespace s1c::sim {

// {"data":{"alerts":{"totalCount":N,"pageInfo":{"hasNextPage":b,"hasPreviousPage":false,
// "startCursor":c|null,"endCursor":c|null},"edges":[{"cursor":c,"node":<row>},...]}}}
// Each edge's cursor resumes strictly after its row under `query` (the one
// `page` was run with); endCursor is the last edge's, startCursor the first's
// (null on an empty page). hasNextPage is true only when more matching rows
// follow. Nodes are the rows' stored bytes, verbatim; the rest is compact JSON.
std::string RenderGraphqlPage(const Page& page, const Query& query);

}  // namespace s1c::sim
