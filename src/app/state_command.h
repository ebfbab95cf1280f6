// `s1-collector state show|reset|export|import|plan`: lists the checkpoints
// under state_dir, resets one, and moves consoles' checkpoints between
// replicas when the shard count changes (state_move_command.h). See
// docs/commands.md.
#pragma once

#include <string>
#include <vector>

#include "s1c/core/stop_token.h"

namespace CLI {
class App;
}

namespace s1c::app {

struct StateOptions {
  enum class Action { kNone, kShow, kReset, kExport, kImport, kPlan };
  Action action = Action::kNone;  // Set by the subcommand that was parsed.
  std::string config_path;
  std::string console;  // reset
  std::string stream;   // reset: a stream's checkpoint...
  std::string name;     // ...or any checkpoint by name (a backfill's)
  bool yes = false;     // reset without asking
  // export, import, plan (state_move_command.h).
  std::vector<std::string> consoles;  // export: the consoles whose checkpoints to write.
  std::string state_dir;              // export, import: instead of the config's state_dir.
  std::string file;                   // export: --output (default stdout); import: --input (stdin).
  bool force = false;                 // import: overwrite newer or unreadable checkpoints.
  bool dry_run = false;               // import: say what would be written, write nothing.
  int from = 0;                       // plan: shard count before...
  int to = 0;                         // ...and after.
  bool json = false;                  // plan: machine-readable output.
};

// Registers `state` with its show, reset, export, import and plan subcommands.
CLI::App* AddStateCommand(CLI::App& cli, StateOptions& options);

// show: 0, or 1 when a checkpoint file cannot be read (listed as an error).
// reset: 0 when reset (or nothing to reset), 1 when refused or failed.
// export, import, plan: see state_move_command.h.
// All: 78 for a bad configuration or flags.
int RunStateCommand(const StateOptions& options, StopSource stop);

}  // namespace s1c::app
