#include "s1c/sched/stream_task.h"

#include <optional>

namespace s1c::sched {
namespace {

// A task that has finished in once mode is parked far in the future.
constexpr std::chrono::milliseconds kParked = std::chrono::hours(24 * 365);

}  // namespace

StreamTask::StreamTask(pipeline::Poller& poller, StreamTaskOptions options,
                       StreamObserver& observer, UniformRandom random)
    : poller_(poller),
      options_(options),
      observer_(observer),
      backoff_(options.error_backoff, std::move(random)) {}

std::chrono::milliseconds StreamTask::operator()(const StopToken& stop) {
  if (finished_) return kParked;
  const auto& o = poller_.options();
  const std::string stream(o.spec->name);
  std::optional<int64_t> done_before;
  if (options_.progress_resets_failures) done_before = poller_.events_done();
  auto cycle =
      poller_.RunCycle(stop, [&](const pipeline::CycleResult& so_far, const state::Checkpoint& cp) {
        observer_.OnPage(o.console, stream, so_far, cp);
      });
  if (cycle.ok()) {
    failures_ = 0;
    auto cp = poller_.Checkpoint();
    const state::Checkpoint* cp_ptr = cp.ok() && cp->has_value() ? &**cp : nullptr;
    observer_.OnCycle(o.console, stream, *cycle, cp_ptr);
    if (!cycle->caught_up) return std::chrono::milliseconds(0);  // Backlog: due again now.
    if (options_.once) {
      finished_ = true;
      return kParked;
    }
    return options_.poll_interval;
  }
  const Status& error = cycle.status();
  // An error that comes with a stop is the stop's doing, not the stream's.
  if (error.code() == StatusCode::kCancelled || stop.StopRequested()) {
    return std::chrono::milliseconds(0);
  }
  if (done_before) {
    const std::optional<int64_t> done_after = poller_.events_done();
    if (done_after && *done_after > *done_before) failures_ = 0;
  }
  ++failures_;
  observer_.OnError(o.console, stream, error, failures_);
  if (options_.once && (!error.IsRetryable() || failures_ >= options_.once_max_failures)) {
    failed_ = true;
    finished_ = true;
    return kParked;
  }
  // A broken state file stays broken: reported once, then the stream waits
  // for a human (a restart, or SIGHUP's wake, tries it again).
  if (error.code() == StatusCode::kBrokenState) return kParked;
  const std::chrono::milliseconds wait = NeedsHuman(error.code())
                                             ? Backoff(options_.auth_backoff, {}).Ceiling(failures_)
                                             : backoff_.NextDelay(failures_, error.retry_after());
  observer_.OnRetry(o.console, stream, error, failures_, wait);
  return wait;
}

}  // namespace s1c::sched
