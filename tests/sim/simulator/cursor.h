// Pagination cursors: opaque base64 text, like the real API's.
//
// A cursor names the last row a page returned (its SortKey) plus a hash of the
// query's filters, so the next page is "rows strictly after that position"
// (robust to rows added meanwhile, unlike an offset) and a cursor replayed
// with different filters is refused instead of silently mis-paging.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "s1c/core/status.h"
#include "simulator/event_record.h"

namespace s1c::sim {

struct Cursor {
  SortKey after;
  uint64_t filter_hash = 0;

  friend bool operator==(const Cursor&, const Cursor&) = default;
};

// Standard base64 (with '=' padding) of "s1sim:1:<time>:<id>:<other>:<hash>".
std::string EncodeCursor(const Cursor& cursor);

// Inverse of EncodeCursor; also accepts the URL-safe alphabet and missing
// padding. kInvalidArgument for anything else.
Result<Cursor> DecodeCursor(std::string_view text);

// Base64 helpers, exposed for tests.
std::string Base64Encode(std::string_view bytes);
Result<std::string> Base64Decode(std::string_view text);

}  // namespace s1c::sim
