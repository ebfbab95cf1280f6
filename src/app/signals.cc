#include "signals.h"

#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "s1c/core/thread_name.h"

namespace s1c::app {
namespace {

sigset_t WatchedSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGUSR2);  // Internal: wakes the watcher for shutdown.
  return set;
}

}  // namespace

HangupRelay::Listening HangupRelay::Listen(std::function<void()> listener) {
  Set(std::move(listener));
  return Listening(*this);
}

void HangupRelay::Set(std::function<void()> listener) {
  std::lock_guard<std::mutex> lock(mu_);
  listener_ = std::move(listener);
}

void HangupRelay::Fire() {
  std::lock_guard<std::mutex> lock(mu_);  // Held while it runs: Set waits for it.
  if (listener_) {
    listener_();
  } else {
    spdlog::info("SIGHUP received; secrets are re-read from their env/file sources on every use.");
  }
}

void SignalWatcher::BlockSignals() {
  sigset_t set = WatchedSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

SignalWatcher::SignalWatcher(StopSource stop, std::function<void()> on_hup)
    : stop_(std::move(stop)), on_hup_(std::move(on_hup)) {
  thread_ = NamedThread("s1c-signals", [this] {
    const sigset_t set = WatchedSignals();
    bool stopping = false;
    while (true) {
      int sig = 0;
      if (sigwait(&set, &sig) != 0) continue;
      if (sig == SIGUSR2) return;
      if (sig == SIGHUP) {
        if (on_hup_) on_hup_();
        continue;
      }
      if (stopping) {
        spdlog::warn("Second stop signal; exiting now. signal={}", sig);
        _exit(1);
      }
      stopping = true;
      spdlog::info("Stop requested; finishing in-flight work. signal={}",
                   sig == SIGTERM ? "TERM" : "INT");
      stop_.RequestStop();
    }
  });
}

SignalWatcher::~SignalWatcher() {
  pthread_kill(thread_.native_handle(), SIGUSR2);
  thread_.join();
}

}  // namespace s1c::app
