// Process exit codes (docs/design.md section 8). 78 is EX_CONFIG: the systemd
// unit sets RestartPreventExitStatus=78 so a bad config is not restarted in a loop.
#pragma once

namespace s1c::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitConfig = 78;

}  // namespace s1c::app
