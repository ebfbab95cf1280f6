// The backfill's drain loop, apart from the CLI so it can be unit-tested
// with a fake page source and a FakeClock: runs the Poller until the range
// is done, retries transient API failures with capped backoff (like
// sched::StreamTask), stops on a stop request, and reports progress.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "progress.h"
#include "s1c/core/backoff.h"
#include "s1c/core/clock.h"
#include "s1c/core/stop_token.h"
#include "s1c/pipeline/poller.h"
#include "s1c/state/state_store.h"

namespace s1c::app {

struct DrainOptions {
  // Transient failures in a row (with no progress in between) before giving up.
  int max_consecutive_failures = 10;
  BackoffPolicy api_backoff{std::chrono::milliseconds(1000), std::chrono::milliseconds(60000), 2.0};
  // When set, a finished range is marked done in `store`: the checkpoint's
  // watermark moves to this (exclusive) end with no boundary keys, which no
  // event of the range can reach. Unset for a dry run (nothing is written).
  std::optional<int64_t> mark_done_at_us;
  state::StateStore* store = nullptr;  // REQUIRES: non-null when mark_done_at_us is set.
  std::string console;                 // Names the checkpoint for the marker.
  std::string state_name;
};

struct DrainResult {
  bool complete = false;    // The whole range is delivered.
  bool stopped = false;     // A stop request ended it (resumable).
  Status failure;           // A non-retryable error, or too many transient ones (resumable).
  int64_t done_before = 0;  // Checkpoint events_done when the run started.
  int64_t done_after = 0;   // ... and when it ended.
  int64_t pages = 0;
  int64_t dead_lettered = 0;
  int64_t retries = 0;  // API failures retried.
};

// Called on each retry with the error, the attempt number and the wait.
using RetryFn =
    std::function<void(const Status& error, int attempt, std::chrono::milliseconds wait)>;
// Called after each committed page with the figures for the progress display.
using SnapshotFn = std::function<void(const ProgressSnapshot&)>;

// Runs `poller` (whose options carry the range) to the end of its range.
DrainResult DrainRange(pipeline::Poller& poller, Clock& clock, const StopToken& stop,
                       const DrainOptions& options, UniformRandom random,
                       const SnapshotFn& on_progress = {}, const RetryFn& on_retry = {});

}  // namespace s1c::app
