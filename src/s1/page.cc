#include "s1c/s1/page.h"

#include "page_kinds.h"
#include "s1c/s1/page_api.h"

namespace s1c::s1 {

std::string_view Page::Keep(std::string s) {
  if (!text) text = std::make_shared<PageText>();
  return text->kept.emplace_back(std::move(s));
}

const PageApi& PageApiOf(StreamKind kind) {
  switch (kind) {
    case StreamKind::kGraphql:
      return GraphqlPages();
    case StreamKind::kRest:
      break;
  }
  return RestPages();
}

Result<Page> ParsePage(const StreamSpec& spec, std::string body) {
  return PageApiOf(spec.kind).ParseBody(spec, std::move(body));
}

}  // namespace s1c::s1
