// Scheduler: a timer queue whose tasks run on fibers of one thread
// (docs/architecture.md, "Threads"). Each task (one per console and stream)
// is in the queue or running, never both, so a stream is never polled twice
// at once. A task that waits (for a console's reply, an intake backoff)
// parks its fiber and the thread runs the others, so however many consoles
// are slow or stalled, a healthy console's poll starts on time, and the
// thread count does not grow with the fleet. Tasks that are due start in
// due-time order, ties first-in first-out: a stream with backlog re-queues
// itself "now" and so goes behind the others already waiting.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <string>
#include <unordered_set>
#include <vector>

#include "s1c/core/clock.h"
#include "s1c/core/fiber.h"
#include "s1c/core/io_loop.h"
#include "s1c/core/stop_token.h"

namespace s1c::sched {

// Runs one poll cycle; returns how long until the task is due again.
using TaskFn = std::function<std::chrono::milliseconds(const StopToken&)>;

// Told, as each task starts, how long after its due time it started.
using StartDelayFn = std::function<void(std::chrono::steady_clock::duration)>;

// Thread-safe. Every wait for a due time goes through the Clock, so a test
// on a FakeClock fires the timers by advancing it; with an IoLoop, the
// waits are the loop's (on real time, so the clock must be the real one).
class Scheduler final : private fiber::Host {
 public:
  // With `io` (the daemon's curl loop), Run's thread runs the loop whenever
  // no fiber is ready, instead of sleeping: a transfer started by a fiber
  // and its completion then stay on this thread. `io` outlives Run.
  explicit Scheduler(Clock& clock, IoLoop* io = nullptr);
  ~Scheduler() override;

  // Adds a task, first due after `first_delay`. Call before Run().
  void Add(std::string name, TaskFn fn, std::chrono::milliseconds first_delay = {});

  // Runs the tasks on fibers of the calling thread until `stop` is
  // requested; then starts no new task and returns once every fiber ended
  // (parked fibers are woken by the stop: their waits end early).
  void Run(const StopToken& stop);

  // For tests driving a FakeClock: runs the earliest task if it is due now,
  // in the calling thread (not on a fiber). Returns its name, or nullopt if
  // none is due.
  std::optional<std::string> RunDueTask(const StopToken& stop);

  // Makes every queued task due now; tasks running keep running. SIGHUP uses
  // it so that streams waiting out an auth-failure backoff retry at once
  // with their secrets as they are now.
  void WakeAll();

  // When the earliest queued task is due, if any is queued.
  std::optional<std::chrono::steady_clock::time_point> NextDue() const;

  // Calls `fn` on the task's own fiber (or RunDueTask's thread), as each
  // task starts, with how long after its due time it started: the time it
  // waited for the thread, busy with the other fibers' work. Call before
  // Run(); `fn` must be thread-safe and must not call the scheduler.
  void OnStartDelay(StartDelayFn fn) { on_start_delay_ = std::move(fn); }

  size_t task_count() const;
  // Fibers alive now (tasks running, and fibers they started).
  size_t fiber_count() const;

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
  // A parked fiber's deadline; stale once the fiber was woken otherwise.
  struct Timer {
    std::chrono::steady_clock::time_point deadline;
    uint64_t seq;
    fiber::Fiber* fiber;
    bool operator>(const Timer& o) const {
      return deadline != o.deadline ? deadline > o.deadline : seq > o.seq;
    }
  };

  // fiber::Host
  void Park(fiber::Fiber& self, std::chrono::steady_clock::time_point deadline) override;
  void Unpark(fiber::Fiber& fiber) override;
  void Spawn(std::function<void()> fn) override;
  std::chrono::steady_clock::time_point Now() const override;

  // Runs the task of `entry` once and queues it again after the delay it returns.
  void RunTask(const Entry& entry, const StopToken& stop);
  // REQUIRES: mu_ held. Starts `fn` on a new fiber, ready to run.
  void StartLocked(std::function<void()> fn);
  // REQUIRES: mu_ held. Wakes Run's wait (the condition variable, or the
  // IoLoop it is running).
  void NotifyLocked();
  // REQUIRES: mu_ held. Moves a parked fiber to the ready list.
  void WakeLocked(fiber::Fiber& fiber);

  Clock& clock_;
  IoLoop* const io_;
  mutable std::mutex mu_;
  std::condition_variable_any cv_;  // Run's wait: ready fibers, new due times, stop.
  std::vector<Task> tasks_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue_;
  uint64_t next_seq_ = 0;
  StartDelayFn on_start_delay_;  // Set before Run; read without mu_.
  // Fibers, guarded by mu_ (their Resume runs unlocked, on Run's thread).
  std::unordered_set<fiber::Fiber*> fibers_;  // Owned: deleted when finished.
  std::vector<fiber::Fiber*> ready_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  bool stopping_ = false;
  bool io_waiting_ = false;  // Run is in io_->RunFor: wake it with io_->Wake().
};

}  // namespace s1c::sched
