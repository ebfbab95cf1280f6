#include "simulator/live_feeder.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace s1c::sim {

void LiveFeeder::Run(const StopToken& stop) {
  if (options_.rate_per_second <= 0) return;
  using std::chrono::milliseconds;
  // Tick often enough to spread rows out, rarely enough to stay cheap.
  const milliseconds tick(
      std::clamp<int64_t>(static_cast<int64_t>(1000 / options_.rate_per_second), 10, 100));
  const auto start = clock_.MonotonicNow();
  int64_t emitted = 0;
  bool phase_over = false;
  while (!phase_over && clock_.SleepFor(tick, stop)) {
    double elapsed = std::chrono::duration<double>(clock_.MonotonicNow() - start).count();
    // A bounded live phase lets a test know the final corpus: after it, nothing new appears.
    if (options_.duration_seconds > 0) elapsed = std::min(elapsed, options_.duration_seconds);
    const auto due = static_cast<int64_t>(std::floor(elapsed * options_.rate_per_second));
    if (due > emitted) {
      for (size_t s = 0; s < stores_.size(); ++s) Emit(s, due - emitted);
      emitted = due;
    }
    phase_over = options_.duration_seconds > 0 && elapsed >= options_.duration_seconds;
  }
  if (!phase_over) return;  // Stopped.
  // The corpus is final once the last late row is visible too: /_sim/corpus
  // serves only the rows visible now.
  while (clock_.NowMicros() < last_visible_us_) {
    const auto left = milliseconds((last_visible_us_ - clock_.NowMicros()) / 1000 + 1);
    if (!clock_.SleepFor(left, stop)) return;
  }
  stats_.live_finished = true;
}

void LiveFeeder::Emit(size_t stream, int64_t count) {
  // Now and then a tick's rows share one timestamp, as bursts do in the corpus.
  const bool burst = count >= 2 && rng_.Chance(0.1);
  const int64_t burst_time = clock_.NowMicros();
  EventStore& store = *stores_[stream];
  for (int64_t i = 0; i < count; ++i) {
    const int64_t time = burst ? burst_time : clock_.NowMicros();
    LiveRow live = generator_.Live(store.spec().kind, time);
    if (options_.late_fraction > 0 && rng_.Chance(options_.late_fraction)) {
      // Each late row its own delay, up to late_ms, as a console indexes.
      live.row.visible_from_us = time + rng_.Between(1, std::max<int64_t>(1, options_.late_ms * 1000));
    }
    last_visible_us_ = std::max(last_visible_us_, live.row.visible_from_us);
    store.Add(std::move(live.row), live.supersedes);
    stats_.live_added.Add(std::string(store.spec().name));
  }
}

}  // namespace s1c::sim
