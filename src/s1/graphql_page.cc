// The graphql kind (docs/design.md section 3): POST <path> with
// {"query":..,"variables":{"first":N,"after":<cursor>,"filters":[..],"sort":{..}}},
// Bearer auth; the answer is {"data":{<connection>:{"totalCount":N,
// "pageInfo":{"hasNextPage":b,"endCursor":c},"edges":[{"cursor":..,"node":{..}}]}}},
// or, still with HTTP 200, {"errors":[{"message":..,"extensions":{"code":..}}],"data":null}.
#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "api_request.h"
#include "page_kinds.h"
#include "page_scan.h"
#include "s1c/core/iso_time.h"
#include "s1c/core/text.h"

namespace s1c::s1 {
namespace {

using namespace page_scan;
using nlohmann::json;

constexpr int64_t kMicrosPerMilli = 1000;
constexpr size_t kMaxErrorsShown = 3;
constexpr std::string_view kValidationFailed = "GRAPHQL_VALIDATION_FAILED";

// Filter times are epoch milliseconds; node times have milliseconds, so
// flooring the inclusive start (and rounding the exclusive end up) loses
// nothing.
int64_t FloorMillis(int64_t us) {
  return us >= 0 ? us / kMicrosPerMilli : -((-us + kMicrosPerMilli - 1) / kMicrosPerMilli);
}
int64_t CeilMillis(int64_t us) { return -FloorMillis(-us); }

json TimeRangeFilter(const StreamSpec& spec, const PageQuery& query) {
  // A since that does not parse cannot come from a checkpoint (they are
  // validated on load); the epoch re-reads more, it never skips.
  const Result<int64_t> since = ParseIsoTime(query.since);
  json range = {{"start", FloorMillis(since.ok() ? *since : 0)}, {"startInclusive", true}};
  if (query.until) {
    if (const Result<int64_t> until = ParseIsoTime(*query.until); until.ok()) {
      range["end"] = CeilMillis(*until);
      range["endInclusive"] = false;
    }
  }
  return {{"fieldId", std::string(spec.filter_field)}, {"dateTimeRange", std::move(range)}};
}

json ProductFilter(const std::vector<std::string>& products) {
  if (products.size() == 1) {
    return {{"fieldId", "detectionProduct"}, {"stringEqual", {{"value", products.front()}}}};
  }
  return {{"fieldId", "detectionProduct"}, {"stringIn", {{"values", products}}}};
}

// The Status for a GraphQL "errors" member (its text is `errors`): the API's
// messages and codes, retried like a 5xx unless the query itself is refused.
// Ok for an empty list or null.
Status GraphqlErrors(std::string_view errors, std::string_view body) {
  const json doc = json::parse(errors, nullptr, /*allow_exceptions=*/false);
  if (doc.is_null() || (doc.is_array() && doc.empty())) return Status::Ok();
  if (!doc.is_array()) {
    return PageCorrupt("has \"errors\" that is not an array", body, "body starts");
  }
  std::string messages;
  bool validation = false;
  size_t shown = 0;
  for (const json& e : doc) {
    if (!e.is_object()) continue;
    std::string one;
    if (auto m = e.find("message"); m != e.end() && m->is_string()) one = m->get<std::string>();
    if (auto ext = e.find("extensions"); ext != e.end() && ext->is_object()) {
      if (auto code = ext->find("code"); code != ext->end() && code->is_string()) {
        const std::string& c = code->get_ref<const std::string&>();
        validation = validation || c == kValidationFailed;
        one += (one.empty() ? "" : " ") + ("(" + c + ")");
      }
    }
    // Consoles that send no code still say what the schema lacks.
    validation = validation || one.starts_with("Cannot query field") ||
                 one.starts_with("Unknown argument") || one.starts_with("Unknown type");
    if (one.empty() || ++shown > kMaxErrorsShown) continue;
    if (!messages.empty()) messages += "; ";
    messages += one;
  }
  if (messages.empty()) messages = "no message";
  messages = "GraphQL error: " + Excerpt(messages, 2 * kExcerptBytes);
  if (validation) {
    return Status(StatusCode::kRejected,
                  messages +
                      "; the console's GraphQL schema refuses the query (console versions "
                      "differ in the fields they have): set query_file for this stream to a "
                      "query without the fields it names (docs/configuration.md)");
  }
  return Unavailable(messages + "; the console failed to answer the query, retrying");
}

// Reads the edges array: each edge's node is an event.
Status ScanEdges(const StreamSpec& spec, std::string_view body, Scanner& s,
                 std::span<Target, 2> targets, Page* page) {
  page->events.reserve(std::min<size_t>(body.size() / 2048 + 1, 1000));
  return ForEachElement(s, body, "\"edges\"", [&](size_t index) -> Status {
    auto edge = [index] { return "element " + std::to_string(index) + " of \"edges\""; };
    // Depth 4: the body, data, the connection and edges are open around an edge.
    if (s.PeekKind() != Kind::kObject) {
      return ReadEvent(spec, body, s, 4, targets, page, edge);  // Reports the wrong kind.
    }
    bool seen_node = false;
    S1C_RETURN_IF_ERROR(ForEachMember(s, body, " in " + edge(), [&](std::string_view key) {
      if (key == "node" && !seen_node) {
        seen_node = true;
        return ReadEvent(spec, body, s, 5, targets, page, [&] { return "node of " + edge(); });
      }
      if (!s.ScanValue(5)) return SyntaxError(s, body, " in " + edge());
      return Status::Ok();
    }));
    if (!seen_node) return PageCorrupt(edge() + " has no \"node\"", body, "body starts");
    return Status::Ok();
  });
}

// Reads pageInfo: the next cursor while hasNextPage.
Status ScanPageInfo(std::string_view body, Scanner& s, Page* page) {
  std::array<Target, 2> targets;
  json_scan::ParsePointer("/hasNextPage", &targets[0]);
  json_scan::ParsePointer("/endCursor", &targets[1]);
  if (!s.ScanValue(3, targets)) return SyntaxError(s, body, " in \"pageInfo\"");
  const Found& more = targets[0].found;
  if (more.kind != Kind::kTrue && more.kind != Kind::kFalse) {
    // Guessing either way could end a drain early or loop it: refuse.
    return PageCorrupt(std::string("has \"pageInfo.hasNextPage\" = ") +
                           json_scan::KindName(more.kind) + ", not true or false",
                       body, "body starts");
  }
  if (more.kind == Kind::kFalse) return Status::Ok();
  const Found& cursor = targets[1].found;
  if (cursor.kind != Kind::kString || cursor.begin == cursor.end) {
    return PageCorrupt(
        std::string("has \"pageInfo.hasNextPage\" = true but \"endCursor\" = ") +
            (cursor.kind == Kind::kString ? "\"\"" : json_scan::KindName(cursor.kind)),
        body, "body starts");
  }
  page->next_cursor = std::string(StringValue(*page, body, cursor));
  return Status::Ok();
}

class GraphqlPageApi final : public PageApi {
 public:
  std::string_view method() const override { return "POST"; }

  http::Request BuildRequest(const ConsoleApi& api, const StreamSpec& spec, const PageQuery& query,
                             std::string_view token) const override {
    const StreamParams* params = query.params.get();
    json filters = json::array({TimeRangeFilter(spec, query)});
    if (params != nullptr && !params->detection_products.empty()) {
      filters.push_back(ProductFilter(params->detection_products));
    }
    json variables = {{"first", std::clamp(query.limit, 1, 1000)},
                      {"filters", std::move(filters)},
                      {"sort", {{"by", std::string(spec.sort_by)}, {"order", "ASC"}}}};
    if (query.cursor) variables["after"] = *query.cursor;
    const std::string_view text = params != nullptr && !params->graphql_query.empty()
                                      ? std::string_view(params->graphql_query)
                                      : spec.graphql_query;
    const json body = {{"query", std::string(text)}, {"variables", std::move(variables)}};

    http::Request request;
    request.method = "POST";
    request.url = api_request::ApiUrl(api, spec.path);
    request.headers = api_request::ApiHeaders(api, "Bearer", token);
    request.headers.push_back({"Content-Type", "application/json"});
    request.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
    return request;
  }

  Result<Page> ParseBody(const StreamSpec& spec, std::string body_text) const override {
    std::array<Target, 2> targets;
    Page page;
    S1C_RETURN_IF_ERROR(StartPage(spec, std::move(body_text), targets, &page));
    const std::string_view body = page.text->body;
    const std::string connection = "\"data." + std::string(spec.connection) + "\"";

    Scanner s(body);
    S1C_RETURN_IF_ERROR(ExpectBodyObject(s, body, "an object with \"data\""));
    bool seen_data = false, data_null = false, seen_connection = false;
    bool seen_edges = false, seen_page_info = false;
    std::string_view errors;
    // Reads the connection object: edges, pageInfo, totalCount.
    auto scan_connection = [&]() -> Status {
      if (s.PeekKind() != Kind::kObject) return WrongKind(s, body, 2, connection, "an object");
      return ForEachMember(s, body, " in " + connection, [&](std::string_view key) -> Status {
        if (key == "edges" && !seen_edges) {
          seen_edges = true;
          if (s.PeekKind() != Kind::kArray) return WrongKind(s, body, 3, "\"edges\"", "an array");
          return ScanEdges(spec, body, s, targets, &page);
        }
        if (key == "pageInfo" && !seen_page_info) {
          seen_page_info = true;
          if (s.PeekKind() != Kind::kObject) {
            return WrongKind(s, body, 3, "\"pageInfo\"", "an object");
          }
          return ScanPageInfo(body, s, &page);
        }
        const size_t begin = s.offset();
        if (!s.ScanValue(3)) return SyntaxError(s, body, " in " + connection);
        int64_t n = 0;
        // totalCount only feeds progress reports: ignore it unless it is a plain integer.
        if (key == "totalCount" &&
            json_scan::ParseInt64(body.substr(begin, s.offset() - begin), &n) && n >= 0) {
          page.total_items = n;
        }
        return Status::Ok();
      });
    };
    S1C_RETURN_IF_ERROR(ForEachMember(s, body, "", [&](std::string_view key) -> Status {
      if (key == "data" && !seen_data) {
        seen_data = true;
        const Kind kind = s.PeekKind();
        if (kind == Kind::kNull) {
          data_null = true;
          if (!s.ScanValue(1)) return SyntaxError(s, body, " in \"data\"");
          return Status::Ok();
        }
        if (kind != Kind::kObject) return WrongKind(s, body, 1, "\"data\"", "an object or null");
        return ForEachMember(s, body, " in \"data\"", [&](std::string_view field) -> Status {
          if (field == spec.connection && !seen_connection) {
            seen_connection = true;
            return scan_connection();
          }
          if (!s.ScanValue(2)) return SyntaxError(s, body, " in \"data\"");
          return Status::Ok();
        });
      }
      const size_t begin = s.offset();
      if (!s.ScanValue(1)) return SyntaxError(s, body, "");
      if (key == "errors" && errors.empty()) errors = body.substr(begin, s.offset() - begin);
      return Status::Ok();
    }));
    S1C_RETURN_IF_ERROR(ExpectBodyEnd(s, body));
    // An answer with errors is an error, even beside partial data: taking
    // what came could skip what did not.
    if (!errors.empty()) S1C_RETURN_IF_ERROR(GraphqlErrors(errors, body));
    if (!seen_data) return PageCorrupt("has no \"data\"", body, "body starts");
    if (data_null) return PageCorrupt("has \"data\": null and no \"errors\"", body, "body starts");
    if (!seen_connection)
      return PageCorrupt("has no " + connection + " object", body, "body starts");
    if (!seen_edges) {
      return PageCorrupt("has no \"edges\" array in " + connection, body, "body starts");
    }
    if (!seen_page_info) {
      // Without it there is no telling whether more pages follow.
      return PageCorrupt("has no \"pageInfo\" in " + connection, body, "body starts");
    }
    return page;
  }
};

}  // namespace

const PageApi& GraphqlPages() {
  static const GraphqlPageApi kApi;
  return kApi;
}

}  // namespace s1c::s1
