// SeenKeys: the keys of events already delivered inside the late-event window
// (docs/design.md section 4, "Late indexing"), so the trailing sweep that
// re-reads a settled window forwards only the events the fresh read missed.
//
// Compact by design: an entry is the event time (µs) and a 64-bit FNV-1a hash
// of its key, 16 bytes in memory, about 10 bytes on disk. Two distinct events
// are confused only if they share the exact microsecond and the 64-bit hash
// (odds about n / 2^64 per late event for n keys at that instant): that event
// would be taken as already sent. Bounded: past `max_keys` the oldest entries
// are dropped, which can only make the sweep send an event twice.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "s1c/core/status.h"

namespace s1c::state {

// Not thread-safe: owned by one poller.
class SeenKeys {
 public:
  explicit SeenKeys(size_t max_keys = kDefaultMaxKeys) : max_keys_(max_keys) {}

  static constexpr size_t kDefaultMaxKeys = 1000000;

  bool Contains(std::string_view key, int64_t time_us) const;
  // Adds the key (no-op if present). Returns false when the bound made it
  // drop the oldest entry.
  bool Add(std::string_view key, int64_t time_us);
  // Drops every entry older than `time_us` (the window has moved past them).
  void ForgetBefore(int64_t time_us);

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

  // The versioned JSON document stored beside the checkpoint.
  std::string Encode() const;
  // `source` names the file in errors (kCorrupt).
  static Result<SeenKeys> Decode(std::string_view text, std::string_view source, size_t max_keys);

 private:
  struct Entry {
    int64_t time_us;
    uint64_t hash;
    auto operator<=>(const Entry&) const = default;
  };
  static uint64_t Hash(std::string_view key);

  size_t max_keys_;
  std::deque<Entry> entries_;  // Sorted by (time, hash): appends and the front's drops are O(1).
};

}  // namespace s1c::state
