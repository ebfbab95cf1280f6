// Start-up spreading: a large fleet does not fire every first poll (or
// token check) at once, which would hit every console in the same second
// and put the start-up's whole CPU burst on one instant; the i-th of n
// first runs waits i/n of the window instead. A small install (up to
// `together` tasks) starts at once, as users expect.
#pragma once

#include <chrono>
#include <cstddef>

namespace s1c::sched {

// The first-run delay of task `index` (0-based) of `count` similar tasks,
// spread evenly over `window` when `count` exceeds `together`; zero otherwise.
std::chrono::milliseconds StartupDelay(size_t index, size_t count, size_t together,
                                       std::chrono::milliseconds window);

}  // namespace s1c::sched
