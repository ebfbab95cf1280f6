#include "page_scan.h"

#include "s1c/core/iso_time.h"
#include "s1c/core/text.h"

namespace s1c::s1::page_scan {

Status PageCorrupt(const std::string& what, std::string_view excerpt_of,
                   const char* excerpt_label) {
  return Corrupt("SentinelOne page " + what + "; " + excerpt_label + ": " +
                 Excerpt(excerpt_of, kExcerptBytes));
}

Status SyntaxError(const Scanner& s, std::string_view body, std::string_view where) {
  std::string what;
  if (s.truncated()) {
    what = "is truncated (" + std::string(s.error()) + " at end of body, byte " +
           std::to_string(s.error_offset()) + std::string(where) + ")";
  } else {
    what = "is not valid JSON (" + std::string(s.error()) + " at byte " +
           std::to_string(s.error_offset()) + std::string(where) + ")";
  }
  return PageCorrupt(what, body, "body starts");
}

Status WrongKind(Scanner& s, std::string_view body, int depth, std::string_view name,
                 const char* expected) {
  const Kind kind = s.PeekKind();
  if (kind == Kind::kNone && !s.ScanValue(depth)) {
    return SyntaxError(s, body, " in " + std::string(name));
  }
  return PageCorrupt(
      "has " + std::string(name) + " = " + json_scan::KindName(kind) + ", not " + expected, body,
      "body starts");
}

Status ExpectBodyObject(Scanner& s, std::string_view body, const char* expected) {
  s.SkipWhitespace();
  if (s.AtEnd()) return PageCorrupt("is empty (expected a JSON object)", body, "body");
  if (s.Peek() == '{') return Status::Ok();
  if (s.Peek() == '<') {
    return PageCorrupt("is not JSON (it looks like an HTML page, e.g. a proxy or rate-limit error)",
                       body, "body starts");
  }
  const Kind kind = s.PeekKind();
  if (kind == Kind::kNone) return PageCorrupt("is not JSON", body, "body starts");
  return PageCorrupt(std::string("is a JSON ") + json_scan::KindName(kind) + ", not " + expected,
                     body, "body starts");
}

Status ExpectBodyEnd(Scanner& s, std::string_view body) {
  s.SkipWhitespace();
  if (s.AtEnd()) return Status::Ok();
  return PageCorrupt(
      "has trailing data after the JSON object at byte " + std::to_string(s.offset()), body,
      "body starts");
}

Status StartPage(const StreamSpec& spec, std::string body, std::span<Target, 2> targets,
                 Page* page) {
  if (!json_scan::ParsePointer(spec.key_pointer, &targets[0]) ||
      !json_scan::ParsePointer(spec.time_pointer, &targets[1])) {
    return Internal("stream " + std::string(spec.name) + " has a bad key or time pointer");
  }
  page->text = std::make_shared<PageText>();
  page->text->body = std::move(body);
  return Status::Ok();
}

std::string ExtractKeyAndTime(const StreamSpec& spec, std::string_view body, const Found& key,
                              const Found& time, Page& page, RawEvent* event) {
  switch (key.kind) {
    case Kind::kString:
      event->key = StringValue(page, body, key);
      break;
    case Kind::kNumber:
      // Some endpoints send ids as numbers: keep their text, never a double.
      event->key = SpanText(body, key);
      break;
    case Kind::kNone:
      return "has no " + std::string(spec.key_pointer);
    default:
      return "has " + std::string(spec.key_pointer) + " = " + json_scan::KindName(key.kind) +
             ", not a string";
  }
  // An empty key would make unrelated events look like duplicates.
  if (event->key.empty()) return "has an empty " + std::string(spec.key_pointer);

  if (time.kind == Kind::kNone) return "has no " + std::string(spec.time_pointer);
  if (time.kind != Kind::kString) {
    return "has " + std::string(spec.time_pointer) + " = " + json_scan::KindName(time.kind) +
           ", not a string";
  }
  event->time_text = StringValue(page, body, time);
  Result<int64_t> us = ParseIsoTime(event->time_text);
  if (!us.ok()) return "has a bad " + std::string(spec.time_pointer) + ": " + us.status().message();
  event->time_us = *us;
  if (spec.key_includes_time) {
    std::string key_and_time;
    key_and_time.reserve(event->key.size() + 1 + event->time_text.size());
    key_and_time += event->key;
    key_and_time += '@';
    key_and_time += event->time_text;
    event->key = page.Keep(std::move(key_and_time));
  }
  return {};
}

}  // namespace s1c::s1::page_scan
