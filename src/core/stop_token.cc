#include "s1c/core/stop_token.h"

namespace s1c {

void StopState::RequestStop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
  }
  cv_.notify_all();
}

bool StopState::StopRequested() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stopped_;
}

bool StopState::WaitUntil(std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_until(lock, deadline, [this] { return stopped_; });
}

}  // namespace s1c
