// StateStore: where checkpoints live (docs/design.md section 4).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "s1c/core/status.h"
#include "s1c/state/seen_keys.h"

namespace s1c::state {

struct Checkpoint {
  std::string watermark;                   // Time text exactly as the API wrote it.
  int64_t watermark_us = 0;                // The same, parsed.
  std::vector<std::string> boundary_keys;  // Keys already delivered at time == watermark.
  // The late-event sweep's position (docs/design.md section 4): every event
  // older than this was read once it had settled (or swept). Unset in a
  // checkpoint written before the sweep existed; it then starts at the watermark.
  std::optional<int64_t> sweep_us;
  std::string updated_at;                  // When this checkpoint was written (ISO-8601).
  int64_t events_done = 0;                 // Running count, for backfill progress.
};

struct StateEntry {
  std::string console;
  std::string name;  // Stream name, or a backfill checkpoint's name.
  Checkpoint checkpoint;
};

// One checkpoint that List() could not read, and why (the message names the
// file, for a file store).
struct StateFileError {
  std::string console;
  std::string name;
  std::filesystem::path path;
  Status error;
};

struct StateListing {
  std::vector<StateEntry> entries;     // Sorted by console then name.
  std::vector<StateFileError> errors;  // Unreadable or corrupt checkpoints, same order.
};

// Thread-safe: pollers of different streams commit concurrently.
class StateStore {
 public:
  virtual ~StateStore() = default;
  // Returns nullopt when there is no checkpoint yet; kCorrupt naming the file
  // when it exists but cannot be read.
  virtual Result<std::optional<Checkpoint>> Load(std::string_view console, std::string_view name) = 0;
  // Durably replaces the checkpoint and the keys the late-event sweep must
  // not send again (SeenKeys; nullptr: none), together: when this returns Ok
  // both survive a crash, and a crash never leaves one without the other.
  virtual Status Commit(std::string_view console, std::string_view name, const Checkpoint& cp,
                        const SeenKeys* seen) = 0;
  // The seen keys of the last Commit. nullopt when there are none; kCorrupt
  // naming the file when they cannot be read.
  virtual Result<std::optional<SeenKeys>> LoadSeen(std::string_view console, std::string_view name,
                                                   size_t max_keys) = 0;
  // Deletes a checkpoint and its seen keys. Ok if there was none.
  virtual Status Reset(std::string_view console, std::string_view name) = 0;
  // Every checkpoint, sorted by console then name. One that cannot be read
  // is reported in `errors`, never skipped, and the others are still listed;
  // the call fails whole only when the store itself cannot be read.
  virtual Result<StateListing> List() = 0;
};

}  // namespace s1c::state
