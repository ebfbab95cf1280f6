// Scheduler: a timer queue and a bounded worker pool (docs/design.md section 7).
// Each task (one per console and stream) is in the queue or running, never
// both, so a stream is never polled twice at once. Tasks that are due run in
// due-time order, ties first-in first-out: a stream with backlog re-queues
// itself "now" and so goes behind the others already waiting, and one busy
// or slow console cannot starve the rest while workers are free.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "s1c/core/clock.h"
#include "s1c/core/stop_token.h"

namespace s1c::sched {

// Runs one poll cycle; returns how long until the task is due again.
using TaskFn = std::function<std::chrono::milliseconds(const StopToken&)>;

// Thread-safe. Every wait for a due time goes through the Clock, so a test
// on a FakeClock fires the timers by advancing it.
class Scheduler {
 public:
  Scheduler(Clock& clock, int workers);

  // Adds a task, first due after `first_delay`. Call before Run().
  void Add(std::string name, TaskFn fn, std::chrono::milliseconds first_delay = {});

  // Runs the worker pool until `stop` is requested; returns once every
  // worker has finished its current task.
  void Run(const StopToken& stop);

  // For tests driving a FakeClock: runs the earliest task if it is due now,
  // in the calling thread. Returns its name, or nullopt if none is due.
  std::optional<std::string> RunDueTask(const StopToken& stop);

  // Makes every queued task due now; tasks running keep running. SIGHUP uses
  // it so that streams waiting out an auth-failure backoff retry at once
  // with their secrets as they are now.
  void WakeAll();

  // When the earliest queued task is due, if any is queued.
  std::optional<std::chrono::steady_clock::time_point> NextDue() const;

  // The largest delay seen between a task's due time and its start.
  std::chrono::milliseconds MaxLateness() const;

  size_t task_count() const;

 private:
  struct Entry {
    std::chrono::steady_clock::time_point due;
    uint64_t seq;  // FIFO among equal due times.
    size_t task;
    bool operator>(const Entry& o) const { return due != o.due ? due > o.due : seq > o.seq; }
  };
  struct Task {
    std::string name;
    TaskFn fn;
  };

  // REQUIRES: mu_ held and the top entry due. Pops it, runs it unlocked, re-queues it.
  void RunTopLocked(std::unique_lock<std::mutex>& lock, const StopToken& stop);
  void Worker(const StopToken& stop);

  Clock& clock_;
  const int workers_;
  mutable std::mutex mu_;
  std::condition_variable_any timer_cv_;  // The worker watching for the next due task.
  std::condition_variable idle_cv_;       // Workers waiting to take over that watch.
  bool timer_taken_ = false;              // Whether a worker waits on timer_cv_.
  std::vector<Task> tasks_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue_;
  uint64_t next_seq_ = 0;
  std::chrono::milliseconds max_lateness_{0};
};

}  // namespace s1c::sched
