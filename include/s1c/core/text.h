// Small text helpers shared by modules that report bad input.
#pragma once

#include <string>
#include <string_view>

namespace s1c {

// A short, printable excerpt of untrusted bytes for an error message: at most
// `max_bytes` bytes, control characters and invalid UTF-8 shown as '?', and an
// ellipsis when cut. Secrets never reach this function's input by design
// (request headers are never echoed), but callers may pass `redact` values to
// blank out just in case.
std::string Excerpt(std::string_view bytes, size_t max_bytes = 200,
                    std::initializer_list<std::string_view> redact = {});

// The length (2 to 4) of the well-formed multi-byte UTF-8 sequence that
// starts at text[i], or 0 when none does (a stray byte, a cut sequence).
// REQUIRES: i < text.size() and text[i] is not ASCII.
size_t Utf8SequenceLength(std::string_view text, size_t i);

// The items joined with `separator` between them: Join(names, ", ").
template <typename Range>
std::string Join(const Range& items, std::string_view separator) {
  std::string out;
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += separator;
    out += item;
    first = false;
  }
  return out;
}

// `s` with ASCII letters in lower case (host names, URL schemes).
std::string ToLower(std::string_view s);

// A number as a person writes it: 0.5, 10, 1000 (printf's %g).
std::string FormatNumber(double value);

}  // namespace s1c
