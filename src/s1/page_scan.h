// Private to the s1 module: the pieces both page parsers (rest_page.cc,
// graphql_page.cc) are built from: walking an object's members or an array's
// elements with the scanner, reading one event (its exact bytes, key and
// time), and the error messages, each with a short excerpt.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "json_scan.h"
#include "s1c/core/status.h"
#include "s1c/s1/page.h"

namespace s1c::s1::page_scan {

using json_scan::Found;
using json_scan::Kind;
using json_scan::Scanner;
using json_scan::Target;

inline constexpr size_t kExcerptBytes = 200;

// kCorrupt "SentinelOne page <what>; <excerpt_label>: <excerpt of excerpt_of>".
Status PageCorrupt(const std::string& what, std::string_view excerpt_of, const char* excerpt_label);

// A scanner failure, told as "truncated" when the body simply stopped;
// `where` is appended to the position (" in \"data\"").
Status SyntaxError(const Scanner& s, std::string_view body, std::string_view where);

// kCorrupt for a member that is not of the kind expected: `name` is what it
// is called in the message ("\"data\"", "\"pagination\""), `expected` what
// it should be ("an array"). Consumes the value to tell bad JSON apart.
Status WrongKind(Scanner& s, std::string_view body, int depth, std::string_view name,
                 const char* expected);

inline std::string_view SpanText(std::string_view body, const Found& f) {
  return body.substr(f.begin, f.end - f.begin);
}

// A string value as a view: into the body when it has no escapes (the usual
// case), else unescaped and kept with the page.
inline std::string_view StringValue(Page& page, std::string_view body, const Found& f) {
  const std::string_view raw = SpanText(body, f);
  return f.has_escapes ? page.Keep(json_scan::Unescape(raw)) : raw;
}

// Checks that the body starts with an object, leaving the scanner at its
// '{'; else kCorrupt saying what the body is instead ("an HTML page").
// `expected` completes "is a JSON array, not ..." ("an object with \"data\"").
Status ExpectBodyObject(Scanner& s, std::string_view body, const char* expected);

// After the body object: only whitespace may follow.
Status ExpectBodyEnd(Scanner& s, std::string_view body);

// Makes `page` own `body` and sets the watch targets for the key and time
// of `spec`'s events ([0] key, [1] time). kInternal for a row whose
// pointers do not parse (a bug in the table).
Status StartPage(const StreamSpec& spec, std::string body, std::span<Target, 2> targets,
                 Page* page);

// Reads the event object at the scanner (depth = containers open around
// it) into page->events: its exact bytes, key and time. `label` names it in
// errors ("element 3 of \"data\"") and is only called on an error path.
template <typename Label>
Status ReadEvent(const StreamSpec& spec, std::string_view body, Scanner& s, int depth,
                 std::span<Target, 2> targets, Page* page, Label&& label);

// Walks the object whose '{' is next, calling `on_member(key)` with the
// scanner at each member's value; on_member must consume the value. With
// duplicate names each is passed: callers keep the first. `where` names the
// object in syntax errors (" in \"data\"", or "" for the body).
template <typename OnMember>
Status ForEachMember(Scanner& s, std::string_view body, std::string_view where,
                     OnMember&& on_member);

// Walks the array whose '[' is next, calling `on_element(index)` with the
// scanner at each element; on_element must consume it. `name` names the
// array in syntax errors ("\"data\"").
template <typename OnElement>
Status ForEachElement(Scanner& s, std::string_view body, std::string_view name,
                      OnElement&& on_element);

// ---- Implementation ----

// Fills key and time of `event` from the watched targets. Returns what is
// wrong with the event ("has no /id"), or "" when it is fine.
std::string ExtractKeyAndTime(const StreamSpec& spec, std::string_view body, const Found& key,
                              const Found& time, Page& page, RawEvent* event);

template <typename Label>
Status ReadEvent(const StreamSpec& spec, std::string_view body, Scanner& s, int depth,
                 std::span<Target, 2> targets, Page* page, Label&& label) {
  const Kind kind = s.PeekKind();
  if (kind != Kind::kObject) {
    if (kind == Kind::kNone && !s.ScanValue(depth)) return SyntaxError(s, body, " in " + label());
    return PageCorrupt(label() + " is " +
                           (kind == Kind::kNone ? "not JSON" : json_scan::KindName(kind)) +
                           ", not an object",
                       body, "body starts");
  }
  for (Target& t : targets) t.Reset();
  const size_t begin = s.offset();
  if (!s.ScanValue(depth, targets)) return SyntaxError(s, body, " in " + label());
  RawEvent event;
  event.json = body.substr(begin, s.offset() - begin);
  const std::string bad =
      ExtractKeyAndTime(spec, body, targets[0].found, targets[1].found, *page, &event);
  if (!bad.empty()) return PageCorrupt(label() + " " + bad, event.json, "element");
  page->events.push_back(std::move(event));
  return Status::Ok();
}

template <typename OnMember>
Status ForEachMember(Scanner& s, std::string_view body, std::string_view where,
                     OnMember&& on_member) {
  s.Advance();  // The '{' the caller saw.
  s.SkipWhitespace();
  if (!s.AtEnd() && s.Peek() == '}') {
    s.Advance();
    return Status::Ok();
  }
  while (true) {
    if (s.AtEnd()) {
      s.Fail("unterminated object");
      return SyntaxError(s, body, where);
    }
    std::string_view raw_key;
    bool key_escapes = false;
    if (s.Peek() != '"') {
      s.Fail("expected a member name");
      return SyntaxError(s, body, where);
    }
    if (!s.ScanString(&raw_key, &key_escapes)) return SyntaxError(s, body, where);
    const std::string unescaped = key_escapes ? json_scan::Unescape(raw_key) : std::string();
    const std::string_view key = key_escapes ? std::string_view(unescaped) : raw_key;
    s.SkipWhitespace();
    if (!s.Expect(':', "expected ':' after a member name")) return SyntaxError(s, body, where);
    s.SkipWhitespace();
    S1C_RETURN_IF_ERROR(on_member(key));
    s.SkipWhitespace();
    if (s.AtEnd()) {
      s.Fail("unterminated object");
      return SyntaxError(s, body, where);
    }
    if (s.Peek() == '}') {
      s.Advance();
      return Status::Ok();
    }
    if (!s.Expect(',', "expected ',' or '}' in an object")) return SyntaxError(s, body, where);
    s.SkipWhitespace();
  }
}

template <typename OnElement>
Status ForEachElement(Scanner& s, std::string_view body, std::string_view name,
                      OnElement&& on_element) {
  s.Advance();  // The '[' the caller saw.
  s.SkipWhitespace();
  if (!s.AtEnd() && s.Peek() == ']') {
    s.Advance();
    return Status::Ok();
  }
  for (size_t index = 0;; ++index) {
    S1C_RETURN_IF_ERROR(on_element(index));
    s.SkipWhitespace();
    const auto after = [&] {
      return " after element " + std::to_string(index) + " of " + std::string(name);
    };
    if (s.AtEnd()) {
      s.Fail("unterminated array");
      return SyntaxError(s, body, after());
    }
    if (s.Peek() == ']') {
      s.Advance();
      return Status::Ok();
    }
    if (!s.Expect(',', "expected ',' or ']' after an element")) {
      return SyntaxError(s, body, after());
    }
    s.SkipWhitespace();
  }
}

}  // namespace s1c::s1::page_scan
