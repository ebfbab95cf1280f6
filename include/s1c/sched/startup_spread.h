// Start-up spreading: a fleet with more tasks than workers does not fire
// every first poll (or token check) at once, which would queue them behind
// each other and hit every console in the same second; the i-th of n first
// runs waits i/n of the window instead. A fleet the workers can take at
// once starts at once, as users expect of a small install.
#pragma once

#include <chrono>
#include <cstddef>

namespace s1c::sched {

// The first-run delay of task `index` (0-based) of `count` similar tasks,
// spread evenly over `window` when `count` exceeds `workers`; zero otherwise.
std::chrono::milliseconds StartupDelay(size_t index, size_t count, size_t workers,
                                       std::chrono::milliseconds window);

}  // namespace s1c::sched
