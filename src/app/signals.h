// Signal handling without async-signal-unsafe code: SIGTERM/SIGINT/SIGHUP are
// blocked in every thread and consumed by one watcher thread with sigwait.
#pragma once

#include <functional>
#include <thread>

#include "s1c/core/stop_token.h"

namespace s1c::app {

class SignalWatcher {
 public:
  // Blocks the signals for this thread and every thread it creates later:
  // call before starting any other thread.
  static void BlockSignals();

  // SIGTERM/SIGINT: requests a stop on `stop`; a second one exits at once
  // (status 1). SIGHUP: calls `on_hup`.
  SignalWatcher(StopSource stop, std::function<void()> on_hup);
  ~SignalWatcher();  // Wakes and joins the watcher thread.

 private:
  StopSource stop_;
  std::function<void()> on_hup_;
  std::thread thread_;
};

}  // namespace s1c::app
