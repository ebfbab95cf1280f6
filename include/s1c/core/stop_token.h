// StopSource / StopToken: a cooperative shutdown signal that also wakes
// sleepers, so a stop request ends a backoff wait at once.
//
// Thread-safe. RequestStop() may be called from any thread (not from a
// signal handler: the app forwards signals through a self-pipe thread).
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace s1c {

class StopState {
 public:
  void RequestStop();
  bool StopRequested() const;
  // Waits until `deadline` (steady clock) or a stop request, whichever is
  // first. Returns true if the wait ended because of a stop request.
  bool WaitUntil(std::chrono::steady_clock::time_point deadline) const;

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool stopped_ = false;
};

class StopToken {
 public:
  StopToken() : state_(std::make_shared<StopState>()) {}  // Never stopped unless a source says so.
  explicit StopToken(std::shared_ptr<StopState> s) : state_(std::move(s)) {}
  bool StopRequested() const { return state_->StopRequested(); }
  const StopState& state() const { return *state_; }

 private:
  std::shared_ptr<StopState> state_;
};

class StopSource {
 public:
  StopSource() : state_(std::make_shared<StopState>()) {}
  void RequestStop() { state_->RequestStop(); }
  bool StopRequested() const { return state_->StopRequested(); }
  StopToken token() const { return StopToken(state_); }

 private:
  std::shared_ptr<StopState> state_;
};

}  // namespace s1c
