// StreamTask: the retry policy of one (console, stream), for the daemon and
// for a backfill. Runs a poll cycle and decides when the stream is due again:
// at once with backlog left, after poll_interval when caught up, with capped
// backoff after a transient error, and slowly after 401/403 (the token is
// re-read on every request, so a rotated token is picked up at the next try
// without a restart). In once mode it finishes at the first caught-up cycle:
// `run --once`, and a backfill, whose poller is caught up at its range's end.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include "s1c/core/backoff.h"
#include "s1c/pipeline/poller.h"

namespace s1c::sched {

// What a stream task reports, for logs, metrics, health and a backfill's
// progress. Implementations must be thread-safe: tasks of different streams
// call them concurrently.
class StreamObserver {
 public:
  virtual ~StreamObserver() = default;
  virtual void OnCycle(const std::string& console, const std::string& stream,
                       const pipeline::CycleResult& result,
                       const state::Checkpoint* checkpoint) = 0;
  virtual void OnError(const std::string& console, const std::string& stream, const Status& error,
                       int consecutive_failures) = 0;
  // After OnError, when the task will try again after `wait` (not when it
  // parks or gives up); `attempt` is the consecutive failure count. Does
  // nothing unless overridden.
  virtual void OnRetry(const std::string& /*console*/, const std::string& /*stream*/,
                       const Status& /*error*/, int /*attempt*/,
                       std::chrono::milliseconds /*wait*/) {}
  // After each page a cycle delivers, with the cycle's figures so far (the
  // poller's pipeline::ProgressFn). Does nothing unless overridden.
  virtual void OnPage(const std::string& /*console*/, const std::string& /*stream*/,
                      const pipeline::CycleResult& /*so_far*/,
                      const state::Checkpoint& /*checkpoint*/) {}
};

struct StreamTaskOptions {
  std::chrono::milliseconds poll_interval{30000};
  // Waits after 401/403 and rejected deliveries: these need a human (or a
  // token rotation), so they grow from a few seconds to minutes, without
  // jitter, so a rotated token is picked up soon and a dead one is not hammered.
  BackoffPolicy auth_backoff{std::chrono::milliseconds(5000), std::chrono::milliseconds(300000),
                             2.0};
  BackoffPolicy error_backoff{std::chrono::milliseconds(1000), std::chrono::milliseconds(300000),
                              2.0};
  // Finish after the first caught-up cycle (run --once, backfill, tests).
  bool once = false;
  // In once mode, give up after this many failures in a row; a non-retryable
  // error gives up at once.
  int once_max_failures = 5;
  // Whether a failed cycle that delivered events before failing starts the
  // failure count (and so the backoff) again: a drain that keeps moving is
  // not failing "in a row". Without it, a stream catching up on a console
  // that fails one request in ten backs off towards the 5-minute ceiling
  // while it still has backlog. False counts every failure since the last
  // cycle that ended well.
  bool progress_resets_failures = true;
};

// Not thread-safe: the scheduler (or a backfill) runs a task on one thread at
// a time. finished() and failed() may be read from any thread.
class StreamTask {
 public:
  StreamTask(pipeline::Poller& poller, StreamTaskOptions options, StreamObserver& observer,
             UniformRandom random);

  // The scheduler's TaskFn: runs one cycle and returns the wait before the next.
  std::chrono::milliseconds operator()(const StopToken& stop);

  // In once mode: whether the stream is done (caught up or given up), and whether it gave up.
  bool finished() const { return finished_.load(); }
  bool failed() const { return failed_.load(); }

 private:
  pipeline::Poller& poller_;
  StreamTaskOptions options_;
  StreamObserver& observer_;
  Backoff backoff_;
  int failures_ = 0;
  std::atomic<bool> finished_{false};
  std::atomic<bool> failed_{false};
};

}  // namespace s1c::sched
