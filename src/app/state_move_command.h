// `s1-collector state export|import|plan`: moving consoles' checkpoints
// between replicas when the shard count changes (docs/design.md section 8a,
// docs/operations.md "Resize the fleet").
//
//   state plan   -c FILE --from N --to M [--json]
//       which consoles change shard, and the export/import commands to run;
//   state export -c FILE --console C [--console ...] [--state-dir DIR] [--output FILE]
//       those consoles' checkpoints as one bundle (state_bundle.h), on stdout;
//   state import -c FILE [--state-dir DIR] [--input FILE] [--force] [--dry-run]
//       a bundle (stdin) into this host's state_dir; a newer checkpoint here
//       is never overwritten without --force, and then nothing is written.
//
// Every replica must be stopped meanwhile: a running one would keep moving
// the checkpoints it owns.
#pragma once

#include <string>
#include <vector>

#include "s1c/config/config.h"
#include "shard.h"
#include "state_command.h"

namespace CLI {
class App;
}

namespace s1c::app {

// Adds export, import and plan under `state`, filling `options`.
void AddStateMoveCommands(CLI::App& state, StateOptions& options);

// 0 written; 1 a checkpoint of those consoles is unreadable, or the output
// failed; 78 an unknown console.
int RunStateExport(const config::Config& config, const StateOptions& options);
// 0 imported (or nothing to do, or --dry-run); 1 refused (a newer or
// unreadable checkpoint here) or a write failed; 78 not a bundle, or a
// console of the bundle that the config does not have (unless --force).
int RunStateImport(const config::Config& config, const StateOptions& options);
// 0 always (the plan is printed).
int RunStatePlan(const config::Config& config, const StateOptions& options);

// The plan `state plan` prints for going from `from` to `to` shards with
// `total` consoles: the moves, then one export and one import command per
// (old shard, new shard) pair. Pure.
std::string FormatResizePlan(const std::vector<ConsoleMove>& moves, size_t total, int from, int to,
                             const std::string& config_path);
// The same as one JSON object: {"from", "to", "consoles", "moves": [{"console", "from", "to"}]}.
std::string FormatResizePlanJson(const std::vector<ConsoleMove>& moves, size_t total, int from,
                                 int to);

}  // namespace s1c::app
