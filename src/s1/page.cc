#include "s1c/s1/page.h"

#include <algorithm>
#include <array>
#include <span>

#include "json_scan.h"
#include "s1c/core/iso_time.h"
#include "s1c/core/text.h"

namespace s1c::s1 {
namespace {

using json_scan::Found;
using json_scan::Kind;
using json_scan::Scanner;
using json_scan::Target;

constexpr size_t kExcerptBytes = 200;

Status PageCorrupt(const std::string& what, std::string_view excerpt_of,
                   const char* excerpt_label) {
  return Corrupt("SentinelOne page " + what + "; " + excerpt_label + ": " +
                 Excerpt(excerpt_of, kExcerptBytes));
}

// A scanner failure, told as "truncated" when the body simply stopped.
Status SyntaxError(const Scanner& s, std::string_view body, const std::string& where) {
  std::string what;
  if (s.truncated()) {
    what = "is truncated (" + std::string(s.error()) + " at end of body, byte " +
           std::to_string(s.error_offset()) + where + ")";
  } else {
    what = "is not valid JSON (" + std::string(s.error()) + " at byte " +
           std::to_string(s.error_offset()) + where + ")";
  }
  return PageCorrupt(what, body, "body starts");
}

std::string_view SpanText(std::string_view body, const Found& f) {
  return body.substr(f.begin, f.end - f.begin);
}

// A string value as a view: into the body when it has no escapes (the usual
// case), else unescaped and kept with the page.
std::string_view StringValue(Page& page, std::string_view body, const Found& f) {
  const std::string_view raw = SpanText(body, f);
  return f.has_escapes ? page.Keep(json_scan::Unescape(raw)) : raw;
}

std::string ElementWhere(size_t index) {
  return " in element " + std::to_string(index) + " of \"data\"";
}

// Fills key and time of `event` from the watched targets of element `index`.
Status ExtractKeyAndTime(const StreamSpec& spec, std::string_view body, size_t index,
                         const Found& key, const Found& time, Page& page, RawEvent* event) {
  auto element_error = [&](const std::string& what) {
    return PageCorrupt("element " + std::to_string(index) + " of \"data\" " + what, event->json,
                       "element");
  };
  switch (key.kind) {
    case Kind::kString:
      event->key = StringValue(page, body, key);
      break;
    case Kind::kNumber:
      // Some endpoints send ids as numbers: keep their text, never a double.
      event->key = SpanText(body, key);
      break;
    case Kind::kNone:
      return element_error("has no " + std::string(spec.key_pointer));
    default:
      return element_error("has " + std::string(spec.key_pointer) + " = " +
                           json_scan::KindName(key.kind) + ", not a string");
  }
  // An empty key would make unrelated events look like duplicates.
  if (event->key.empty()) return element_error("has an empty " + std::string(spec.key_pointer));

  if (time.kind == Kind::kNone) return element_error("has no " + std::string(spec.time_pointer));
  if (time.kind != Kind::kString) {
    return element_error("has " + std::string(spec.time_pointer) + " = " +
                         json_scan::KindName(time.kind) + ", not a string");
  }
  event->time_text = StringValue(page, body, time);
  Result<int64_t> us = ParseIsoTime(event->time_text);
  if (!us.ok()) {
    return element_error("has a bad " + std::string(spec.time_pointer) + ": " +
                         us.status().message());
  }
  event->time_us = *us;
  if (spec.key_includes_time) {
    std::string key_and_time;
    key_and_time.reserve(event->key.size() + 1 + event->time_text.size());
    key_and_time += event->key;
    key_and_time += '@';
    key_and_time += event->time_text;
    event->key = page.Keep(std::move(key_and_time));
  }
  return Status::Ok();
}

// Scans the value of "data" (the scanner is at '['), appending one RawEvent per element.
Status ScanData(const StreamSpec& spec, std::string_view body, Scanner& s,
                std::span<Target> targets, Page* page) {
  s.Advance();  // The '[' the caller saw.
  s.SkipWhitespace();
  // A compact activity is about 1 KB: room for the page's events up front
  // instead of regrowing (and moving every event) as they are appended.
  page->events.reserve(page->events.size() + std::min<size_t>(body.size() / 1024 + 1, 1000));
  if (!s.AtEnd() && s.Peek() == ']') {
    s.Advance();
    return Status::Ok();
  }
  for (size_t index = 0;; ++index) {
    // Only built on the error paths: formatting it per element cost an
    // allocation per event.
    auto where = [index] { return ElementWhere(index); };
    const Kind kind = s.PeekKind();
    if (kind != Kind::kObject) {
      if (kind == Kind::kNone) {
        if (!s.ScanValue(2)) return SyntaxError(s, body, where());
      }
      return PageCorrupt("element " + std::to_string(index) + " of \"data\" is " +
                             (kind == Kind::kNone ? "not JSON" : json_scan::KindName(kind)) +
                             ", not an object",
                         body, "body starts");
    }
    for (Target& t : targets) t.Reset();
    const size_t begin = s.offset();
    // Depth 2: the body object and the "data" array are open around the element.
    if (!s.ScanValue(2, targets)) return SyntaxError(s, body, where());
    RawEvent event;
    event.json = body.substr(begin, s.offset() - begin);
    S1C_RETURN_IF_ERROR(
        ExtractKeyAndTime(spec, body, index, targets[0].found, targets[1].found, *page, &event));
    page->events.push_back(std::move(event));

    s.SkipWhitespace();
    if (s.AtEnd()) {
      s.Fail("unterminated array");
      return SyntaxError(s, body, " after element " + std::to_string(index) + " of \"data\"");
    }
    if (s.Peek() == ']') {
      s.Advance();
      return Status::Ok();
    }
    if (!s.Expect(',', "expected ',' or ']' after an element")) {
      return SyntaxError(s, body, " after element " + std::to_string(index) + " of \"data\"");
    }
    s.SkipWhitespace();
  }
}

// Scans the value of "pagination": an object (or null, meaning no more pages).
Status ScanPagination(std::string_view body, Scanner& s, Page* page) {
  const Kind kind = s.PeekKind();
  if (kind == Kind::kNull) {
    if (!s.ScanValue(1)) return SyntaxError(s, body, " in \"pagination\"");
    return Status::Ok();
  }
  if (kind != Kind::kObject) {
    if (kind == Kind::kNone && !s.ScanValue(1)) return SyntaxError(s, body, " in \"pagination\"");
    return PageCorrupt(
        std::string("has \"pagination\" = ") + json_scan::KindName(kind) + ", not an object", body,
        "body starts");
  }
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

}  // namespace

std::string_view Page::Keep(std::string s) {
  if (!text) text = std::make_shared<PageText>();
  return text->kept.emplace_back(std::move(s));
}

Result<Page> ParsePage(const StreamSpec& spec, std::string body_text) {
  std::array<Target, 2> targets;
  if (!json_scan::ParsePointer(spec.key_pointer, &targets[0]) ||
      !json_scan::ParsePointer(spec.time_pointer, &targets[1])) {
    return Internal("stream " + std::string(spec.name) + " has a bad key or time pointer");
  }

  Page page;
  page.text = std::make_shared<PageText>();
  page.text->body = std::move(body_text);
  const std::string_view body = page.text->body;

  Scanner s(body);
  s.SkipWhitespace();
  if (s.AtEnd()) return PageCorrupt("is empty (expected a JSON object)", body, "body");
  if (s.Peek() != '{') {
    if (s.Peek() == '<') {
      return PageCorrupt(
          "is not JSON (it looks like an HTML page, e.g. a proxy or rate-limit error)", body,
          "body starts");
    }
    const Kind kind = s.PeekKind();
    if (kind == Kind::kNone) return PageCorrupt("is not JSON", body, "body starts");
    return PageCorrupt(
        std::string("is a JSON ") + json_scan::KindName(kind) + ", not an object with \"data\"",
        body, "body starts");
  }

  bool seen_data = false;
  bool seen_pagination = false;
  s.Advance();
  s.SkipWhitespace();
  bool first = true;
  while (true) {
    if (s.AtEnd()) {
      s.Fail("unterminated object");
      return SyntaxError(s, body, "");
    }
    if (first && s.Peek() == '}') {
      s.Advance();
      break;
    }
    first = false;
    std::string_view raw_key;
    bool key_escapes = false;
    if (s.Peek() != '"') {
      s.Fail("expected a member name");
      return SyntaxError(s, body, "");
    }
    if (!s.ScanString(&raw_key, &key_escapes)) return SyntaxError(s, body, "");
    const std::string unescaped = key_escapes ? json_scan::Unescape(raw_key) : std::string();
    const std::string_view key = key_escapes ? std::string_view(unescaped) : raw_key;
    s.SkipWhitespace();
    if (!s.Expect(':', "expected ':' after a member name")) return SyntaxError(s, body, "");
    s.SkipWhitespace();

    // With duplicate names the first wins; later ones are only validated.
    if (key == "data" && !seen_data) {
      seen_data = true;
      const Kind kind = s.PeekKind();
      if (kind != Kind::kArray) {
        if (kind == Kind::kNone && !s.ScanValue(1)) return SyntaxError(s, body, " in \"data\"");
        return PageCorrupt(
            std::string("has \"data\" = ") + json_scan::KindName(kind) + ", not an array", body,
            "body starts");
      }
      S1C_RETURN_IF_ERROR(ScanData(spec, body, s, targets, &page));
    } else if (key == "pagination" && !seen_pagination) {
      seen_pagination = true;
      S1C_RETURN_IF_ERROR(ScanPagination(body, s, &page));
    } else if (!s.ScanValue(1)) {
      return SyntaxError(s, body, "");
    }

    s.SkipWhitespace();
    if (s.AtEnd()) {
      s.Fail("unterminated object");
      return SyntaxError(s, body, "");
    }
    if (s.Peek() == '}') {
      s.Advance();
      break;
    }
    if (!s.Expect(',', "expected ',' or '}' in an object")) return SyntaxError(s, body, "");
    s.SkipWhitespace();
  }
  s.SkipWhitespace();
  if (!s.AtEnd()) {
    return PageCorrupt(
        "has trailing data after the JSON object at byte " + std::to_string(s.offset()), body,
        "body starts");
  }
  if (!seen_data) return PageCorrupt("has no \"data\" array", body, "body starts");
  return page;
}

}  // namespace s1c::s1
