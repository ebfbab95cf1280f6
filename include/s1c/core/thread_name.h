// Names for the collector's threads.
#pragma once

#include <string>
#include <string_view>
#include <thread>
#include <utility>

namespace s1c {

// Names the calling thread, so that `top -H`, `ps -L` and `perf` say which of
// the collector's threads spends the CPU (the HTTP loop, the page prefetcher,
// the state writer...). Linux keeps 15 bytes of a name: a longer one is cut.
// Best effort: a thread left unnamed works the same.
void NameThisThread(std::string_view name);

// Starts a thread that names itself `name`, then runs `body`: how the
// collector starts each of its threads.
template <typename Body>
std::thread NamedThread(std::string_view name, Body body) {
  return std::thread([name = std::string(name), body = std::move(body)]() mutable {
    NameThisThread(name);
    body();
  });
}

}  // namespace s1c
