#include "s1c/sched/startup_spread.h"

namespace s1c::sched {

std::chrono::milliseconds StartupDelay(size_t index, size_t count, size_t together,
                                       std::chrono::milliseconds window) {
  if (count <= together || count == 0 || window.count() <= 0) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(static_cast<int64_t>(static_cast<double>(window.count()) *
                                                        static_cast<double>(index % count) /
                                                        static_cast<double>(count)));
}

}  // namespace s1c::sched
