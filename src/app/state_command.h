// `s1-collector state show|reset`: lists the checkpoints under state_dir and
// resets one. See docs/commands.md.
#pragma once

#include <string>

#include "s1c/core/stop_token.h"

namespace CLI {
class App;
}

namespace s1c::app {

struct StateOptions {
  enum class Action { kNone, kShow, kReset };
  Action action = Action::kNone;  // Set by the subcommand that was parsed.
  std::string config_path;
  std::string console;  // reset
  std::string stream;   // reset: a stream's checkpoint...
  std::string name;     // ...or any checkpoint by name (a backfill's)
  bool yes = false;     // reset without asking
};

// Registers `state` with its `show` and `reset` subcommands.
CLI::App* AddStateCommand(CLI::App& cli, StateOptions& options);

// show: 0, or 1 when a checkpoint file cannot be read (listed as an error).
// reset: 0 when reset (or nothing to reset), 1 when refused or failed.
// Both: 78 for a bad configuration or flags.
int RunStateCommand(const StateOptions& options, StopSource stop);

}  // namespace s1c::app
