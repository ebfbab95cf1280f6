// Query: the validated form of a list request's parameters.
//
// Mirrors the v2.1 list endpoints: limit (1..1000, default 10), cursor,
// sortBy, sortOrder (asc|desc, default asc), <time>__gt/__gte/__lt/__lte,
// siteIds, accountIds (comma lists). Other parameters (countOnly, skip...)
// are ignored, except unknown "<field>__<op>" filters, which are refused so a
// misspelt filter cannot silently return everything.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "s1c/core/status.h"
#include "simulator/event_record.h"
#include "simulator/stream.h"

namespace s1c::sim {

enum class BoundOp { kGt, kGte, kLt, kLte };

struct TimeBound {
  TimeField field;
  BoundOp op;
  int64_t micros;
};

struct Query {
  int limit = 10;
  TimeField sort_field = TimeField::kCreated;
  bool descending = false;
  std::vector<TimeBound> bounds;
  std::vector<std::string> site_ids;     // Empty = any site.
  std::vector<std::string> account_ids;  // Empty = any account.
  // GraphQL detectionProduct filter: allowed EventRecord::product values,
  // sorted. nullopt = any product; empty = none (disjoint filters).
  std::optional<std::vector<std::string>> products;
  std::optional<SortKey> after;  // From the cursor: serve rows past this one.
  uint64_t filter_hash = 0;      // Of everything above except limit and after.

  // True if `e` passes the time bounds, the site/account scope and the product filter.
  bool Matches(const EventRecord& e) const;
  // True if only bounds on `field` restrict the rows (no scope, no product
  // filter): then a slice of rows sorted by `field` all match.
  bool OnlyBoundsOn(TimeField field) const;
};

using QueryParams = std::multimap<std::string, std::string>;

// Validates `params` for `spec`'s endpoint. On failure returns
// kInvalidArgument whose message is the API's error detail, e.g.
// "limit: Must be between 1 and 1000".
Result<Query> ParseQuery(const StreamSpec& spec, const QueryParams& params);

// The hash a cursor carries: of `spec`'s name and `q`'s sort and filters
// (not its limit or cursor). Set by ParseQuery; exposed for the GraphQL parser.
uint64_t FilterHashOf(const StreamSpec& spec, const Query& q);

}  // namespace s1c::sim
