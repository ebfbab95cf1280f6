// `s1-collector backfill`: pulls one closed time range of one stream of one
// console and delivers it to that console's intake, to an NDJSON file or
// stdout (--output), or nowhere (--dry-run, counts only). It keeps its own
// resumable checkpoint "backfill-<stream>-<from>-<to>" next to the daemon's
// and never touches the daemon's. See docs/commands.md.
#pragma once

#include <string>

#include "s1c/core/stop_token.h"

namespace CLI {
class App;
}

namespace s1c::app {

struct BackfillOptions {
  std::string config_path;
  std::string console;
  std::string stream;
  std::string from;                   // ISO-8601 time or date; inclusive.
  std::string to;                     // Exclusive; empty = now, fixed at the first start.
  std::string output;                 // Empty = the console's intake; "-" = stdout.
  bool dry_run = false;               // Count only: nothing delivered, no checkpoint written.
  double requests_per_second = 0;     // 0 = the console's configured rate.
  int progress_interval_seconds = 5;  // Progress line interval when stderr is not a terminal.
};

// Registers the subcommand and its flags on `cli`, bound to `options`.
CLI::App* AddBackfillCommand(CLI::App& cli, BackfillOptions& options);

// Runs it. Returns 0 when the whole range is done, 1 when interrupted or
// failed (the checkpoint is resumable), 78 for a bad config or flags.
int RunBackfill(const BackfillOptions& options, StopSource stop);

}  // namespace s1c::app
