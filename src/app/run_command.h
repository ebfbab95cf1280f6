#pragma once

#include <optional>
#include <string>

#include "s1c/core/stop_token.h"
#include "signals.h"

namespace s1c::app {

struct RunOptions {
  std::string config_path;
  bool once = false;  // Drain every stream until caught up, then exit.
  // --log-level / --log-format when given: they win over the config's "log".
  std::optional<std::string> log_level;
  std::optional<std::string> log_format;
  // --shard I/N or auto/N: poll only the consoles that shard owns (shard.h).
  std::optional<std::string> shard;
};

// `s1-collector run`: the daemon. Returns the process exit code.
int RunDaemon(const RunOptions& options, StopSource stop, HangupRelay& hangup);

}  // namespace s1c::app
