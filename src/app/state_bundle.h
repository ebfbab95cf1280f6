// State bundles: the checkpoints of some consoles as one versioned JSON
// document, so that `state export` on one replica and `state import` on
// another move them when the shard count changes (docs/design.md section 8a,
// docs/operations.md "Resize the fleet").
//
//   {"format": "s1-collector-state-bundle", "version": 1,
//    "exported_at": "<ISO time>", "source": "<state_dir>",
//    "consoles": ["eu-prod", ...],                 // what was asked for
//    "checkpoints": [{"console": "eu-prod", "name": "activities",
//                     "checkpoint": {<the checkpoint file's own JSON>},
//                     "seen": {<its seen keys' own JSON>}}, ...]}   // "seen" when there are
//
// Each checkpoint is carried in the state store's own file format
// (state::EncodeCheckpoint / DecodeCheckpoint), with the late-event sweep's
// seen keys beside it (state::SeenKeys, design.md section 4): without them
// the sweep on the new host would send the last lookback window again. An
// import validates both as a load would.
//
// Only the StateStore interface is used: works on a FileStateStore or a
// MemStateStore. Pure functions of their arguments; thread-safe as the store is.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "s1c/core/status.h"
#include "s1c/state/state_store.h"

namespace s1c::app {

inline constexpr std::string_view kBundleFormat = "s1-collector-state-bundle";
inline constexpr int kBundleVersion = 1;

// One checkpoint of a bundle.
struct BundleEntry {
  std::string console;
  std::string name;  // Stream name, or a backfill checkpoint's name.
  state::Checkpoint checkpoint;
  std::optional<state::SeenKeys> seen;  // Its seen keys, when the store had them.
};

struct StateBundle {
  std::string exported_at;            // ISO-8601, when it was written.
  std::string source;                 // Where it came from (a state_dir), for humans.
  std::vector<std::string> consoles;  // The consoles exported, with checkpoints or not.
  std::vector<BundleEntry> entries;   // Every checkpoint of those consoles, sorted.
};

// Every checkpoint (streams and backfills) of `consoles` in `store`, with
// its seen keys. Fails, naming each file, when one of them cannot be read: a
// bundle never leaves a checkpoint behind silently. Fails whole when the
// store cannot be listed.
Result<StateBundle> CollectBundle(state::StateStore& store,
                                  const std::vector<std::string>& consoles, std::string source,
                                  std::string exported_at);

std::string EncodeBundle(const StateBundle& bundle);

// kInvalidArgument naming `source` when the text is not a bundle of this
// version or a checkpoint in it does not decode.
Result<StateBundle> DecodeBundle(std::string_view text, std::string_view source);

// What importing one checkpoint does to the one already in the store.
enum class ImportAction {
  kCreate,              // None there: written.
  kReplace,             // An older one (watermark before the bundle's), or as old: replaced.
  kUnchanged,           // The same checkpoint (and seen keys): nothing to write.
  kRefuseNewer,         // A newer one (watermark after the bundle's): kept, import refused.
  kRefuseUnreadable,    // An unreadable one: kept, import refused.
  kOverwriteNewer,      // A newer one, replaced because of force.
  kOverwriteUnreadable  // An unreadable one, replaced because of force.
};

// "create", "replace", ... for the import report.
const char* ImportActionName(ImportAction action);
bool Refused(ImportAction action);
bool Writes(ImportAction action);

struct ImportStep {
  std::string console;
  std::string name;
  ImportAction action = ImportAction::kCreate;
  std::string local;  // The store's checkpoint: its watermark, or why it is unreadable; "" if none.
  std::string bundle;  // The bundle's watermark.
};

// What importing `bundle` into `store` would do, entry by entry, in bundle
// order. Reads the store, writes nothing. A newer or unreadable checkpoint
// in the store is refused unless `force`.
std::vector<ImportStep> PlanImport(state::StateStore& store, const StateBundle& bundle, bool force);

// Writes every checkpoint of `bundle` whose step writes (each commit is
// atomic and durable), its seen keys first as the poller does. REQUIRES: `steps` is
// PlanImport(store, bundle, ...) and none is refused: a refused plan is not applied at all (returns
// kInvalidArgument, writes nothing). Stops at the first failed commit; the
// ones before it stay written (running the import again finishes it).
Status ApplyImport(state::StateStore& store, const StateBundle& bundle,
                   const std::vector<ImportStep>& steps);

}  // namespace s1c::app
