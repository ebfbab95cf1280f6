// The rest kind: GET <path>?<filter>__gte=..&sortBy=..&sortOrder=asc&limit=..
// [&cursor=..], ApiToken auth; the answer is {"data":[...],"pagination":
// {"nextCursor":...,"totalItems":...}}.
#include <algorithm>
#include <array>

#include "api_request.h"
#include "page_kinds.h"
#include "page_scan.h"
#include "s1c/core/text.h"

namespace s1c::s1 {
namespace {

using namespace page_scan;

// Scans the value of "data" (the scanner is at '['), appending one RawEvent per element.
Status ScanData(const StreamSpec& spec, std::string_view body, Scanner& s,
                std::span<Target, 2> targets, Page* page) {
  // A compact activity is about 1 KB: room for the page's events up front
  // instead of regrowing (and moving every event) as they are appended.
  page->events.reserve(page->events.size() + std::min<size_t>(body.size() / 1024 + 1, 1000));
  return ForEachElement(s, body, "\"data\"", [&](size_t index) {
    // Depth 2: the body object and the "data" array are open around the element.
    return ReadEvent(spec, body, s, 2, targets, page,
                     [index] { return "element " + std::to_string(index) + " of \"data\""; });
  });
}

// Scans the value of "pagination": an object (or null, meaning no more pages).
Status ScanPagination(std::string_view body, Scanner& s, Page* page) {
  const Kind kind = s.PeekKind();
  if (kind == Kind::kNull) {
    if (!s.ScanValue(1)) return SyntaxError(s, body, " in \"pagination\"");
    return Status::Ok();
  }
  if (kind != Kind::kObject) return WrongKind(s, body, 1, "\"pagination\"", "an object");
  std::array<Target, 2> targets;
  json_scan::ParsePointer("/nextCursor", &targets[0]);
  json_scan::ParsePointer("/totalItems", &targets[1]);
  if (!s.ScanValue(1, targets)) return SyntaxError(s, body, " in \"pagination\"");

  const Found& cursor = targets[0].found;
  if (cursor.kind == Kind::kString) {
    std::string value(StringValue(*page, body, cursor));
    // An empty cursor cannot be sent back; treat it like null (end of drain).
    if (!value.empty()) page->next_cursor = std::move(value);
  } else if (cursor.kind != Kind::kNone && cursor.kind != Kind::kNull) {
    // A cursor we cannot follow could silently end or loop a drain: refuse.
    return PageCorrupt(std::string("has \"pagination.nextCursor\" = ") +
                           json_scan::KindName(cursor.kind) + ", not a string or null",
                       body, "body starts");
  }
  // totalItems only feeds progress reports: ignore it unless it is a plain integer.
  const Found& total = targets[1].found;
  int64_t n = 0;
  if (total.kind == Kind::kNumber && json_scan::ParseInt64(SpanText(body, total), &n) && n >= 0) {
    page->total_items = n;
  }
  return Status::Ok();
}

class RestPageApi final : public PageApi {
 public:
  std::string_view method() const override { return "GET"; }

  http::Request BuildRequest(const ConsoleApi& api, const StreamSpec& spec, const PageQuery& query,
                             std::string_view token) const override {
    const std::string filter(spec.filter_field);
    api_request::QueryBuilder q;
    // The API expects the same filters on every page, cursor or not.
    q.Add(filter + "__gte", query.since);
    if (query.until) q.Add(filter + "__lt", *query.until);
    q.Add("sortBy", spec.sort_by);
    q.Add("sortOrder", "asc");
    q.Add("limit", std::to_string(std::clamp(query.limit, 1, 1000)));
    if (query.cursor) q.Add("cursor", *query.cursor);
    if (!api.site_ids.empty()) q.Add("siteIds", Join(api.site_ids, ","));
    if (!api.account_ids.empty()) q.Add("accountIds", Join(api.account_ids, ","));

    http::Request request;
    request.method = "GET";
    request.url = api_request::ApiUrl(api, std::string(spec.path) + "?" + q.str());
    request.headers = api_request::ApiHeaders(api, "ApiToken", token);
    return request;
  }

  Result<Page> ParseBody(const StreamSpec& spec, std::string body_text) const override {
    std::array<Target, 2> targets;
    Page page;
    S1C_RETURN_IF_ERROR(StartPage(spec, std::move(body_text), targets, &page));
    const std::string_view body = page.text->body;

    Scanner s(body);
    S1C_RETURN_IF_ERROR(ExpectBodyObject(s, body, "an object with \"data\""));
    bool seen_data = false;
    bool seen_pagination = false;
    S1C_RETURN_IF_ERROR(ForEachMember(s, body, "", [&](std::string_view key) -> Status {
      // With duplicate names the first wins; later ones are only validated.
      if (key == "data" && !seen_data) {
        seen_data = true;
        if (s.PeekKind() != Kind::kArray) return WrongKind(s, body, 1, "\"data\"", "an array");
        return ScanData(spec, body, s, targets, &page);
      }
      if (key == "pagination" && !seen_pagination) {
        seen_pagination = true;
        return ScanPagination(body, s, &page);
      }
      if (!s.ScanValue(1)) return SyntaxError(s, body, "");
      return Status::Ok();
    }));
    S1C_RETURN_IF_ERROR(ExpectBodyEnd(s, body));
    if (!seen_data) return PageCorrupt("has no \"data\" array", body, "body starts");
    return page;
  }
};

}  // namespace

const PageApi& RestPages() {
  static const RestPageApi kApi;
  return kApi;
}

}  // namespace s1c::s1
