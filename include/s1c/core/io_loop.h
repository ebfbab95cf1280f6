// IoLoop: an event loop that a fiber host's thread runs while none of its
// fibers is ready. In the daemon it is the curl loop: the scheduler's one
// thread then carries both the fibers and their transfers, so a request
// and the fiber waiting for it never hand off between threads (each hand-off
// is a wake-up and a context switch, the bulk of an idle poll's cost).
#pragma once

#include <chrono>

namespace s1c {

class IoLoop {
 public:
  virtual ~IoLoop() = default;

  // Runs the loop's work for up to `max_wait`, on the calling thread (the
  // host's, the only one that calls it). Returns early once a piece of its
  // work completed (which may have made fibers ready) or once Wake() was
  // called. Zero makes it do only what is ready now, without waiting. The
  // host works out `max_wait` on its own clock.
  virtual void RunFor(std::chrono::milliseconds max_wait) = 0;

  // Makes a RunFor in progress on the host's thread return soon, or the
  // next one return at once. Thread-safe.
  virtual void Wake() = 0;

  // Whether the loop has work in progress or waiting to start: a busy host
  // then runs it briefly between batches of fibers, so transfers go on
  // even when the host never runs out of ready fibers. On the host's thread.
  virtual bool HasWork() = 0;
};

}  // namespace s1c
