// Signal handling without async-signal-unsafe code: SIGTERM/SIGINT/SIGHUP are
// blocked in every thread and consumed by one watcher thread with sigwait.
#pragma once

#include <functional>
#include <mutex>
#include <thread>

#include "s1c/core/stop_token.h"

namespace s1c::app {

// Hands SIGHUP to whoever listens at that moment: the daemon while its
// scheduler runs; otherwise it is only logged. Thread-safe.
class HangupRelay {
 public:
  // Stops listening when destroyed.
  class Listening {
   public:
    explicit Listening(HangupRelay& relay) : relay_(relay) {}
    ~Listening() { relay_.Set(nullptr); }
    Listening(const Listening&) = delete;
    Listening& operator=(const Listening&) = delete;

   private:
    HangupRelay& relay_;
  };

  // REQUIRES: `listener` stays callable until the returned object is gone.
  [[nodiscard]] Listening Listen(std::function<void()> listener);
  void Fire();

 private:
  void Set(std::function<void()> listener);
  std::mutex mu_;
  std::function<void()> listener_;
};

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
