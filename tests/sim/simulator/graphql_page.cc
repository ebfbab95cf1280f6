#include "simulator/graphql_page.h"

#include <vector>

#include "simulator/cursor.h"

namespace s1c::sim {
namespace {

std::string QuotedOrNull(const std::vector<std::string>& cursors, bool last) {
  if (cursors.empty()) return "null";
  return "\"" + (last ? cursors.back() : cursors.front()) + "\"";
}

}  // namespace

std::string RenderGraphqlPage(const Page& page, const Query& query) {
  // Cursors are plain base64: no JSON escaping needed.
  std::vector<std::string> cursors;
  cursors.reserve(page.items.size());
  size_t size = 160;
  for (const EventRecord* e : page.items) {
    cursors.push_back(EncodeCursor(Cursor{KeyOf(*e, query.sort_field), query.filter_hash}));
    size += e->json.size() + cursors.back().size() + 24;
  }
  std::string out;
  out.reserve(size);
  out += "{\"data\":{\"alerts\":{\"totalCount\":";
  out += std::to_string(page.total_items);
  out += ",\"pageInfo\":{\"hasNextPage\":";
  out += page.next_cursor ? "true" : "false";
  out += ",\"hasPreviousPage\":false,\"startCursor\":";
  out += QuotedOrNull(cursors, /*last=*/false);
  out += ",\"endCursor\":";
  out += QuotedOrNull(cursors, /*last=*/true);
  out += "},\"edges\":[";
  for (size_t i = 0; i < page.items.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"cursor\":\"";
    out += cursors[i];
    out += "\",\"node\":";
    out += page.items[i]->json;
    out += '}';
  }
  out += "]}}}";
  return out;
}

}  // namespace s1c::sim
