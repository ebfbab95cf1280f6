// `s1-collector check-config`: validates the configuration and prints a
// readable summary (secrets only as *** and where they come from); with
// --online also calls every console and intake. See docs/commands.md.
#pragma once

#include <optional>
#include <string>

#include "s1c/core/stop_token.h"

namespace CLI {
class App;
}

namespace s1c::app {

struct CheckConfigOptions {
  std::string config_path;
  bool online = false;  // Also test each console's token and permissions and each intake key.
  // --shard I/N or auto/N: summarise (and test) only the consoles that shard owns.
  std::optional<std::string> shard;
};

CLI::App* AddCheckConfigCommand(CLI::App& cli, CheckConfigOptions& options);

// Returns 0 when everything checked passes (warnings allowed), 1 when an
// online check fails, 78 when the configuration is invalid.
int RunCheckConfig(const CheckConfigOptions& options, StopSource stop);

}  // namespace s1c::app
