// Open-file limit: a fleet of consoles needs descriptors (connections, state
// files), and systemd gives a service a soft limit of 1024 by default. At
// start the daemon raises its soft limit to the hard one, and says, with the
// numbers and the fix, when even that is too low for the configured fleet,
// instead of failing polls one by one with "Too many open files".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "s1c/config/config.h"
#include "s1c/core/status.h"

namespace s1c::app {

struct FdLimits {
  uint64_t soft = 0;
  uint64_t hard = 0;  // UINT64_MAX: unlimited.
};

struct FdRaise {
  FdLimits before;
  FdLimits after;
};

// Raises the soft RLIMIT_NOFILE to the hard limit. An error when the limit
// cannot be read or set (the caller logs it and carries on).
Result<FdRaise> RaiseFdLimit();

// An upper bound on the descriptors the daemon may hold for `config`: per
// console, the transfers that can be in flight at once (two per stream: a
// fetch and its prefetch, or a prefetch and a delivery; and the token
// probe) and the idle connections the shared curl loop keeps (two per
// console, app/runtime.cc), plus a base for the loop's own idle extra,
// state files, logs, the metrics server and the process itself.
uint64_t DescriptorsNeeded(const config::Config& config);

// The warning to log when `needed` exceeds the soft limit, naming both and
// the fix; nullopt when the limit is enough.
std::optional<std::string> FdLimitProblem(uint64_t needed, const FdLimits& limits, size_t consoles);

}  // namespace s1c::app
