#include "backfill_loop.h"

#include <algorithm>

#include "s1c/core/iso_time.h"

namespace s1c::app {
namespace {

// Turns what the stream task reports into the drain's figures, progress
// snapshots and retry calls. Not thread-safe: the drain's one thread calls
// it, through the task.
class DrainObserver final : public sched::StreamObserver {
 public:
  DrainObserver(Clock& clock, int64_t done_before, const SnapshotFn& on_progress,
                const RetryFn& on_retry)
      : clock_(clock), done_before_(done_before), on_progress_(on_progress), on_retry_(on_retry) {
    meter_.Add(clock_.MonotonicNow(), 0);
    snapshot_.done = done_before;
    if (on_progress_) on_progress_(snapshot_);
  }

  // Before each cycle, with the checkpoint it starts from.
  void StartCycle(const std::optional<state::Checkpoint>& at_start) {
    base_done_ = at_start ? at_start->events_done : 0;
    base_boundary_ = at_start ? static_cast<int64_t>(at_start->boundary_keys.size()) : 0;
    cycle_ = {};
  }
  // After each cycle, whatever ended it: its delivered pages count.
  void EndCycle() {
    pages_ += cycle_.pages;
    dead_lettered_ += cycle_.events_dead_lettered;
  }

  void OnPage(const std::string&, const std::string&, const pipeline::CycleResult& r,
              const state::Checkpoint& cp) override {
    cycle_ = r;
    meter_.Add(clock_.MonotonicNow(), cp.events_done - done_before_);
    snapshot_.done = cp.events_done;
    // This drain's total: what the API counts from the cycle's checkpoint
    // on, minus the boundary events it will skip, plus what is already done.
    if (r.total_items) {
      snapshot_.total = std::max(cp.events_done, base_done_ + *r.total_items - base_boundary_);
    }
    snapshot_.rate = meter_.Rate();
    snapshot_.pages = pages_ + r.pages;
    snapshot_.watermark = cp.watermark;
    if (on_progress_) on_progress_(snapshot_);
  }
  void OnCycle(const std::string&, const std::string&, const pipeline::CycleResult&,
               const state::Checkpoint*) override {}
  void OnError(const std::string&, const std::string&, const Status& error, int) override {
    last_error_ = error;
  }
  void OnRetry(const std::string&, const std::string&, const Status& error, int attempt,
               std::chrono::milliseconds wait) override {
    ++retries_;
    if (on_retry_) on_retry_(error, attempt, wait);
  }

  int64_t pages() const { return pages_; }
  int64_t dead_lettered() const { return dead_lettered_; }
  int64_t retries() const { return retries_; }
  const Status& last_error() const { return last_error_; }

 private:
  Clock& clock_;
  const int64_t done_before_;
  const SnapshotFn& on_progress_;
  const RetryFn& on_retry_;
  RateMeter meter_;
  ProgressSnapshot snapshot_;
  int64_t base_done_ = 0;
  int64_t base_boundary_ = 0;
  pipeline::CycleResult cycle_;  // This cycle's figures as last reported.
  int64_t pages_ = 0;
  int64_t dead_lettered_ = 0;
  int64_t retries_ = 0;
  Status last_error_;
};

}  // namespace

DrainResult DrainRange(pipeline::Poller& poller, sched::StreamTaskOptions task_options,
                       Clock& clock, const StopToken& stop, const DrainOptions& options,
                       UniformRandom random, const SnapshotFn& on_progress,
                       const RetryFn& on_retry) {
  DrainResult out;
  Result<std::optional<state::Checkpoint>> before = poller.Checkpoint();
  if (!before.ok()) {
    out.failure = before.status();
    return out;
  }
  out.done_before = out.done_after = before->has_value() ? (*before)->events_done : 0;

  DrainObserver observer(clock, out.done_before, on_progress, on_retry);
  task_options.once = true;
  sched::StreamTask task(poller, task_options, observer, std::move(random));
  while (!stop.StopRequested() && !task.finished()) {
    Result<std::optional<state::Checkpoint>> at_start = poller.Checkpoint();
    if (!at_start.ok()) {
      out.failure = at_start.status();
      break;
    }
    observer.StartCycle(*at_start);
    const std::chrono::milliseconds wait = task(stop);
    observer.EndCycle();
    if (task.finished()) break;
    if (wait.count() > 0 && !clock.SleepFor(wait, stop)) break;
  }
  out.pages = observer.pages();
  out.dead_lettered = observer.dead_lettered();
  out.retries = observer.retries();
  if (task.failed()) out.failure = observer.last_error();
  out.complete = task.finished() && !task.failed();

  Result<std::optional<state::Checkpoint>> cp = poller.Checkpoint();
  if (cp.ok() && cp->has_value()) {
    out.done_after = (*cp)->events_done;
    if (out.complete && options.mark_done_at_us && options.store != nullptr) {
      state::Checkpoint finished = **cp;
      finished.watermark = FormatIsoTime(*options.mark_done_at_us);
      finished.watermark_us = *options.mark_done_at_us;
      finished.boundary_keys.clear();
      finished.sweep_us = *options.mark_done_at_us;
      finished.updated_at = FormatIsoTime(clock.NowMicros());
      // Everything is delivered even if this fails; a rerun then finds
      // nothing left to send (nor to sweep: no seen keys are kept). Reported
      // so the caller can log it.
      const auto& o = poller.options();
      Status marked = options.store->Commit(o.console, o.state_name, finished, nullptr);
      if (!marked.ok()) out.failure = marked.Annotate("could not mark the finished backfill done");
    }
  }
  out.stopped = !out.complete && out.failure.ok();
  return out;
}

}  // namespace s1c::app
