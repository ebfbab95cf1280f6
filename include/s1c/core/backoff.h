// Capped exponential backoff with full jitter, one policy for both sides
// (SentinelOne API and intake). Whether to retry is decided elsewhere
// (Status::IsRetryable); this only says how long to wait.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

namespace s1c {

struct BackoffPolicy {
  std::chrono::milliseconds initial{500};  // Cap of the first wait.
  std::chrono::milliseconds max{60000};    // No wait is longer than this (unless the server asks).
  double multiplier = 2.0;
};

// Returns a uniformly random number in [0, 1). Injected so tests are exact.
using UniformRandom = std::function<double()>;

// Default random source: a thread-local Mersenne twister seeded from random_device.
UniformRandom DefaultUniformRandom();

class Backoff {
 public:
  Backoff(BackoffPolicy policy, UniformRandom random);

  // The wait before retry number `attempt` (1-based), drawn uniformly from
  // [0, min(max, initial * multiplier^(attempt-1))]. A server-requested delay
  // (Retry-After) wins when given, capped at 1 hour.
  std::chrono::milliseconds NextDelay(int attempt,
                                      std::optional<std::chrono::milliseconds> server_delay = {}) const;

  // The upper bound for `attempt`, without jitter.
  std::chrono::milliseconds Ceiling(int attempt) const;

 private:
  BackoffPolicy policy_;
  UniformRandom random_;
};

}  // namespace s1c
