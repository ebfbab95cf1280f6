// s1::ParsePage: the SentinelOne envelope and event extraction, for every
// stream of the table. The body is whatever a console (or a proxy in front
// of it) sent.
#include "fuzz_target.h"
#include "s1c/core/iso_time.h"
#include "s1c/s1/page.h"
#include "s1c/s1/streams.h"

S1C_FUZZ_TARGET(FuzzPage) {
  const std::string_view body = AsText(data, size);
  for (const s1c::s1::StreamSpec& spec : s1c::s1::AllStreams()) {
    s1c::Result<s1c::s1::Page> page = s1c::s1::ParsePage(spec, std::string(body));
    if (!page.ok()) {
      // A graphql answer may also carry the API's own error (HTTP 200 with
      // "errors"): retried (unavailable) or needing a new query (rejected).
      const s1c::StatusCode code = page.status().code();
      S1C_FUZZ_CHECK(code == s1c::StatusCode::kCorrupt ||
                     (spec.kind == s1c::s1::StreamKind::kGraphql &&
                      (code == s1c::StatusCode::kUnavailable ||
                       code == s1c::StatusCode::kRejected)));
      // Messages carry an excerpt of at most 200 bytes, not the body.
      S1C_FUZZ_CHECK(page.status().message().size() < 1400);
      continue;
    }
    for (const s1c::s1::RawEvent& e : page->events) {
      // Events are forwarded byte for byte: each is a whole object of the body.
      S1C_FUZZ_CHECK(e.json.size() >= 2 && e.json.front() == '{' && e.json.back() == '}');
      S1C_FUZZ_CHECK(e.json.size() <= body.size());
      S1C_FUZZ_CHECK(!e.key.empty());
      s1c::Result<int64_t> t = s1c::ParseIsoTime(e.time_text);
      S1C_FUZZ_CHECK(t.ok() && *t == e.time_us);
    }
    if (page->next_cursor) S1C_FUZZ_CHECK(!page->next_cursor->empty());
    if (page->total_items) S1C_FUZZ_CHECK(*page->total_items >= 0);
  }
  return 0;
}
