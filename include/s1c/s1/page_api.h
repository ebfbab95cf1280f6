// How the pages of one kind of stream are asked for and read (docs/design.md
// section 3). A stream row names its kind; the kind is one strategy object:
// the request (method, path, query or body, auth scheme) and the reading of
// a 2xx answer (where the events and the next cursor are, and which 2xx
// answers are errors). Nothing else in the collector tells kinds apart.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "s1c/core/status.h"
#include "s1c/http/transport.h"
#include "s1c/s1/page.h"
#include "s1c/s1/streams.h"

namespace s1c::s1 {

// Where a console is and how requests to it are scoped.
struct ConsoleApi {
  std::string base_url;  // "https://host[:port]" with no trailing slash.
  std::vector<std::string> site_ids;
  std::vector<std::string> account_ids;
  std::string user_agent;
};

// A stream's own request settings from the config (graphql streams today).
struct StreamParams {
  std::string graphql_query;                    // Replaces the row's query when not empty.
  std::vector<std::string> detection_products;  // detectionProduct filter; empty = every product.
};

struct PageQuery {
  std::string since;                           // Time text of the lower bound (inclusive).
  std::optional<std::string> until;            // Time text of the exclusive upper bound (backfill).
  std::optional<std::string> cursor;           // The previous page's next cursor.
  int limit = 1000;                            // 1..1000.
  std::shared_ptr<const StreamParams> params;  // Null: the row's defaults.
};

class PageApi {
 public:
  virtual ~PageApi() = default;

  // "GET" or "POST": with the path, it names the request in messages.
  virtual std::string_view method() const = 0;

  // The request for one page, with `token` in its Authorization header (and
  // nowhere else). Values are escaped as the kind's encoding needs.
  virtual http::Request BuildRequest(const ConsoleApi& api, const StreamSpec& spec,
                                     const PageQuery& query, std::string_view token) const = 0;

  // Reads the body of a 2xx answer; the page keeps the body, as its events
  // view it. An error the API reports inside a 2xx (GraphQL's "errors") is an
  // error here, never an empty page. Never throws.
  virtual Result<Page> ParseBody(const StreamSpec& spec, std::string body) const = 0;
};

// The strategy of `kind`; lives as long as the program.
const PageApi& PageApiOf(StreamKind kind);

}  // namespace s1c::s1
