#include "backfill_loop.h"

#include <algorithm>

#include "s1c/core/iso_time.h"

namespace s1c::app {

DrainResult DrainRange(pipeline::Poller& poller, Clock& clock, const StopToken& stop,
                       const DrainOptions& options, UniformRandom random,
                       const SnapshotFn& on_progress, const RetryFn& on_retry) {
  DrainResult out;
  Backoff backoff(options.api_backoff, std::move(random));
  auto events_done = [&poller]() -> Result<int64_t> {
    Result<std::optional<state::Checkpoint>> cp = poller.Checkpoint();
    if (!cp.ok()) return cp.status();
    return cp->has_value() ? (*cp)->events_done : int64_t{0};
  };
  if (Result<int64_t> done = events_done(); done.ok()) {
    out.done_before = out.done_after = *done;
  } else {
    out.failure = done.status();
    return out;
  }

  const auto started = clock.MonotonicNow();
  RateMeter meter;
  meter.Add(started, 0);
  ProgressSnapshot snapshot;
  snapshot.done = out.done_before;
  if (on_progress) on_progress(snapshot);

  int failures = 0;
  while (!stop.StopRequested()) {
    // This drain's total: what the API counts from the checkpoint on, minus
    // the boundary events it will skip, plus what is already done.
    Result<std::optional<state::Checkpoint>> at_start = poller.Checkpoint();
    if (!at_start.ok()) {
      out.failure = at_start.status();
      break;
    }
    const int64_t base_done = at_start->has_value() ? (*at_start)->events_done : 0;
    const int64_t base_boundary =
        at_start->has_value() ? static_cast<int64_t>((*at_start)->boundary_keys.size()) : 0;

    pipeline::CycleResult last;  // This cycle's figures as last reported.
    auto on_page = [&](const pipeline::CycleResult& r, const state::Checkpoint& cp) {
      last = r;
      meter.Add(clock.MonotonicNow(), cp.events_done - out.done_before);
      snapshot.done = cp.events_done;
      if (r.total_items) {
        snapshot.total = std::max(cp.events_done, base_done + *r.total_items - base_boundary);
      }
      snapshot.rate = meter.Rate();
      snapshot.pages = out.pages + r.pages;
      snapshot.watermark = cp.watermark;
      if (on_progress) on_progress(snapshot);
    };
    Result<pipeline::CycleResult> cycle = poller.RunCycle(stop, on_page);
    out.pages += last.pages;
    out.dead_lettered += last.events_dead_lettered;
    if (cycle.ok()) {
      failures = 0;
      if (cycle->caught_up) {
        out.complete = true;
        break;
      }
      continue;  // Stopped between pages; the loop condition ends it.
    }
    const Status& error = cycle.status();
    if (error.code() == StatusCode::kCancelled || stop.StopRequested()) break;
    // A failure after some progress starts the count again.
    if (Result<int64_t> now_done = events_done(); now_done.ok() && *now_done > base_done) {
      failures = 0;
    }
    ++failures;
    if (!error.IsRetryable() || failures >= options.max_consecutive_failures) {
      out.failure = error;
      break;
    }
    const auto wait = backoff.NextDelay(failures, error.retry_after());
    ++out.retries;
    if (on_retry) on_retry(error, failures, wait);
    if (!clock.SleepFor(wait, stop)) break;
  }

  Result<std::optional<state::Checkpoint>> cp = poller.Checkpoint();
  if (cp.ok() && cp->has_value()) {
    out.done_after = (*cp)->events_done;
    if (out.complete && options.mark_done_at_us && options.store != nullptr) {
      state::Checkpoint finished = **cp;
      finished.watermark = FormatIsoTime(*options.mark_done_at_us);
      finished.watermark_us = *options.mark_done_at_us;
      finished.boundary_keys.clear();
      finished.recent_keys.clear();
      finished.updated_at = FormatIsoTime(clock.NowMicros());
      // Everything is delivered even if this fails; a rerun then finds
      // nothing left to send. Reported so the caller can log it.
      Status marked = options.store->Commit(options.console, options.state_name, finished);
      if (!marked.ok()) out.failure = marked.Annotate("could not mark the finished backfill done");
    }
  }
  out.stopped = !out.complete && out.failure.ok();
  return out;
}

}  // namespace s1c::app
