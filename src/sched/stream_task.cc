#include "s1c/sched/stream_task.h"

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
  auto cycle = poller_.RunCycle(stop);
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
  if (error.code() == StatusCode::kCancelled) return std::chrono::milliseconds(0);
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
  if (NeedsHuman(error.code())) return Backoff(options_.auth_backoff, {}).Ceiling(failures_);
  return backoff_.NextDelay(failures_, error.retry_after());
}

}  // namespace s1c::sched
