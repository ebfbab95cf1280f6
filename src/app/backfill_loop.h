// A backfill's drain, apart from the CLI so it can be unit-tested with a fake
// page source and a FakeClock. The retry policy is the daemon's
// sched::StreamTask in once mode (RangeTaskOptions): this only runs the task
// until it finishes at the range's end, gives up or is stopped, sleeping on
// the clock for the waits it returns; turns what the task reports into
// progress and retry calls; and marks a finished range done.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

#include "progress.h"
#include "s1c/core/backoff.h"
#include "s1c/core/clock.h"
#include "s1c/core/stop_token.h"
#include "s1c/pipeline/poller.h"
#include "s1c/sched/stream_task.h"
#include "s1c/state/state_store.h"

namespace s1c::app {

struct DrainOptions {
  // When set, a finished range is marked done in `store`: the checkpoint's
  // watermark moves to this (exclusive) end with no boundary keys, which no
  // event of the range can reach. Unset for a dry run (nothing is written).
  std::optional<int64_t> mark_done_at_us;
  // REQUIRES: non-null when mark_done_at_us is set. The marker is written
  // under the poller's console and state name.
  state::StateStore* store = nullptr;
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

// Runs `poller` (whose options carry the range) to the end of its range
// under a StreamTask with `task_options` (once mode is forced: the range's
// end finishes it).
DrainResult DrainRange(pipeline::Poller& poller, sched::StreamTaskOptions task_options,
                       Clock& clock, const StopToken& stop, const DrainOptions& options,
                       UniformRandom random, const SnapshotFn& on_progress = {},
                       const RetryFn& on_retry = {});

}  // namespace s1c::app
