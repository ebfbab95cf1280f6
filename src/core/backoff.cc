#include "s1c/core/backoff.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace s1c {

UniformRandom DefaultUniformRandom() {
  return [] {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
  };
}

Backoff::Backoff(BackoffPolicy policy, UniformRandom random)
    : policy_(policy), random_(std::move(random)) {}

std::chrono::milliseconds Backoff::Ceiling(int attempt) const {
  const double exponent = std::max(0, attempt - 1);
  const double ceiling = static_cast<double>(policy_.initial.count()) *
                         std::pow(policy_.multiplier, std::min(exponent, 62.0));
  return std::chrono::milliseconds(
      static_cast<int64_t>(std::min(ceiling, static_cast<double>(policy_.max.count()))));
}

std::chrono::milliseconds Backoff::NextDelay(
    int attempt, std::optional<std::chrono::milliseconds> server_delay) const {
  if (server_delay) {
    return std::clamp(*server_delay, std::chrono::milliseconds(0),
                      std::chrono::milliseconds(std::chrono::hours(1)));
  }
  const auto ceiling = Ceiling(attempt);
  return std::chrono::milliseconds(
      static_cast<int64_t>(random_() * static_cast<double>(ceiling.count() + 1)));
}

}  // namespace s1c
