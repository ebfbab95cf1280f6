// A backfill's time range and the checkpoint name derived from it. The name
// carries the range, so an interrupted backfill finds its checkpoint again
// and a resumed run uses the same range even when --to defaulted to "now".
// Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "s1c/core/status.h"

namespace s1c::app {

// Parses a --from / --to value: an ISO-8601 time ("2026-01-01T00:00:00Z",
// offsets and 0-9 fraction digits allowed) or a date ("2026-01-01", midnight
// UTC). Relative times ("24h") are refused: they would name a different
// range on every run, so a backfill could never be resumed.
Result<int64_t> ParseRangeTime(std::string_view text);

// A time as a compact, path-safe token: "20260101T000000Z", with
// ".ffffff" before the Z when the fraction is not zero.
std::string CompactTime(int64_t micros);
Result<int64_t> ParseCompactTime(std::string_view text);

// "backfill-<stream>-<from>-<to>" with both times compact: only
// [A-Za-z0-9.-], which the state store accepts as a file name.
std::string BackfillStateName(std::string_view stream, int64_t from_us, int64_t to_us);

// "backfill-<stream>-<from>-": every backfill of `stream` starting at
// `from_us`, whatever its end.
std::string BackfillNamePrefix(std::string_view stream, int64_t from_us);

struct BackfillName {
  std::string stream;
  int64_t from_us = 0;
  int64_t to_us = 0;
};

// The inverse of BackfillStateName; nullopt for any other checkpoint name.
std::optional<BackfillName> ParseBackfillStateName(std::string_view name);

}  // namespace s1c::app
