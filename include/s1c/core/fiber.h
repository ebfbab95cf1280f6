// Fibers: cooperative tasks, each on its own small stack, run by a Host on
// one thread. A fiber that waits (for an HTTP reply, a backoff, a prefetched
// page) parks and gives the thread to the next fiber, so a thousand streams
// each waiting on a slow console cost a thousand small stacks, not a
// thousand threads (docs/architecture.md, "Threads").
//
// The code that runs on a fiber is ordinary blocking code: only the places
// that wait know about fibers (Event, SleepUntil, and Clock::SleepFor and
// the HTTP transport through them), and each also works on a plain thread.
// So the poller, forwarder and client are the same code in the daemon (on
// fibers), in a backfill and in tests (on threads).
//
// A fiber never moves to another thread: its host resumes it on the host's
// own thread, so thread_local state and errno stay consistent.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

#include "s1c/core/stop_token.h"

namespace s1c::fiber {

class Fiber;

// Runs fibers on one thread (sched::Scheduler in the daemon).
class Host {
 public:
  virtual ~Host() = default;
  // Suspends `self` (the calling fiber) until Unpark(self), until the host's
  // clock reaches `deadline`, or until the host stops; it may also return
  // for no reason, so callers re-check what they wait for. An Unpark that
  // came before the Park makes it return at once (a permit, as in Java's
  // LockSupport), so a wake-up between "check" and "park" is never lost.
  virtual void Park(Fiber& self, std::chrono::steady_clock::time_point deadline) = 0;
  // Makes `fiber` run again. Thread-safe.
  virtual void Unpark(Fiber& fiber) = 0;
  // Starts `fn` on a new fiber of this host. Called on one of its fibers.
  virtual void Spawn(std::function<void()> fn) = 0;
  // Now on the clock that Park deadlines are on.
  virtual std::chrono::steady_clock::time_point Now() const = 0;
};

// One fiber: a function and its stack. Created and resumed by its host.
class Fiber {
 public:
  // The stack is reserved, not committed: memory is used only as deep as the
  // fiber's calls go (a few tens of KB for a poll cycle). A guard page below
  // it turns an overflow into a crash rather than a silent corruption.
  static constexpr size_t kStackBytes = 512 * 1024;

  // Throws std::bad_alloc when the stack cannot be mapped.
  Fiber(Host& host, std::function<void()> fn);
  ~Fiber();  // REQUIRES: not started, or finished.
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // Runs the fiber until it parks or returns. On the host's thread only.
  void Resume();
  bool finished() const { return finished_; }
  Host& host() const { return host_; }

  // For a Host's Park only: on the fiber, hands the thread back to the
  // caller of Resume. The host decides when to Resume it again.
  void Suspend();

  // The fiber running on this thread, or nullptr on a plain thread.
  static Fiber* Current();

  // The host's parking state, guarded by the host's lock.
  struct ParkState {
    bool parked = false;
    bool permit = false;
    uint64_t seq = 0;  // Tells this park's timer from an older one.
  };
  ParkState park;

 private:
  static void Entry(unsigned int hi, unsigned int lo);

  Host& host_;
  std::function<void()> fn_;
  struct Context;
  std::unique_ptr<Context> context_;
  bool started_ = false;
  bool finished_ = false;
};

// Suspends the calling fiber until `deadline` on its host's clock or `stop`.
// Returns false if stopped. REQUIRES: Fiber::Current() != nullptr. The host
// wakes its parked fibers when it stops; a stop from another source is
// noticed at the deadline.
bool SleepUntil(std::chrono::steady_clock::time_point deadline, const StopToken& stop);

// A one-shot signal: Set() from any thread; Wait() parks a fiber or blocks a
// thread until it is set. Either side may destroy it once Wait() returned.
class Event {
 public:
  void Set();
  void Wait();
  bool is_set() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool set_ = false;
  Fiber* waiter_ = nullptr;
};

}  // namespace s1c::fiber
