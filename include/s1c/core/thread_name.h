// Names for the collector's threads.
#pragma once

#include <string_view>

namespace s1c {

// Names the calling thread, so that `top -H`, `ps -L` and `perf` say which of
// the collector's threads spends the CPU (the HTTP loop, the page prefetcher,
// the state writer...). Linux keeps 15 bytes of a name: a longer one is cut.
// Best effort: a thread left unnamed works the same.
void NameThisThread(std::string_view name);

}  // namespace s1c
