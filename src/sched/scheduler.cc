#include "s1c/sched/scheduler.h"

#include <algorithm>
#include <thread>

#include "s1c/core/thread_name.h"

namespace s1c::sched {

namespace {

// The longest RunFor of the IoLoop when nothing is due: anything new wakes
// it before (IoLoop::Wake).
constexpr std::chrono::milliseconds kIoIdleWait(60000);

}  // namespace

Scheduler::Scheduler(Clock& clock, IoLoop* io) : clock_(clock), io_(io) {}

Scheduler::~Scheduler() {
  // Run returns only once every fiber ended; any left were never started.
  for (fiber::Fiber* f : fibers_) delete f;
}

void Scheduler::Add(std::string name, TaskFn fn, std::chrono::milliseconds first_delay) {
  std::lock_guard<std::mutex> lock(mu_);
  tasks_.push_back({std::move(name), std::move(fn)});
  queue_.push({clock_.MonotonicNow() + first_delay, next_seq_++, tasks_.size() - 1});
  NotifyLocked();
}

size_t Scheduler::task_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tasks_.size();
}

size_t Scheduler::fiber_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fibers_.size();
}

void Scheduler::WakeAll() {
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = clock_.MonotonicNow();
  std::vector<Entry> entries;
  entries.reserve(queue_.size());
  for (; !queue_.empty(); queue_.pop()) entries.push_back(queue_.top());
  // They keep their order (entries come out of the queue sorted): fresh
  // sequence numbers in that order break the ties among those now due at
  // the same instant. None counts as late for the time it was not due.
  for (Entry& e : entries) {
    if (e.due > now) e.due = now;
    e.seq = next_seq_++;
    queue_.push(e);
  }
  NotifyLocked();
}

std::optional<std::chrono::steady_clock::time_point> Scheduler::NextDue() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (queue_.empty()) return std::nullopt;
  return queue_.top().due;
}

void Scheduler::RunTask(const Entry& entry, const StopToken& stop) {
  if (on_start_delay_) on_start_delay_(clock_.MonotonicNow() - entry.due);
  const TaskFn& fn = tasks_[entry.task].fn;  // tasks_ does not change once running.
  const std::chrono::milliseconds delay = fn(stop);
  std::lock_guard<std::mutex> lock(mu_);
  queue_.push({clock_.MonotonicNow() + delay, next_seq_++, entry.task});
  NotifyLocked();  // It may now be the earliest.
}

std::optional<std::string> Scheduler::RunDueTask(const StopToken& stop) {
  Entry entry{};
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (queue_.empty() || queue_.top().due > clock_.MonotonicNow()) return std::nullopt;
    entry = queue_.top();
    queue_.pop();
  }
  RunTask(entry, stop);
  return tasks_[entry.task].name;
}

void Scheduler::NotifyLocked() {
  cv_.notify_one();
  if (io_waiting_) io_->Wake();
}

void Scheduler::WakeLocked(fiber::Fiber& f) {
  f.park.parked = false;
  ready_.push_back(&f);
  NotifyLocked();
}

void Scheduler::Park(fiber::Fiber& self, std::chrono::steady_clock::time_point deadline) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (self.park.permit) {
      self.park.permit = false;
      return;
    }
    self.park.parked = true;
    self.park.seq = next_seq_++;
    if (deadline != std::chrono::steady_clock::time_point::max()) {
      timers_.push({deadline, self.park.seq, &self});
    }
  }
  // Run's loop is this thread: it cannot resume `self` before this returns.
  self.Suspend();
}

void Scheduler::Unpark(fiber::Fiber& f) {
  std::lock_guard<std::mutex> lock(mu_);
  if (f.park.parked) {
    WakeLocked(f);
  } else {
    f.park.permit = true;
  }
}

void Scheduler::Spawn(std::function<void()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  StartLocked(std::move(fn));
}

void Scheduler::StartLocked(std::function<void()> fn) {
  auto* f = new fiber::Fiber(*this, std::move(fn));
  fibers_.insert(f);
  ready_.push_back(f);
}

std::chrono::steady_clock::time_point Scheduler::Now() const { return clock_.MonotonicNow(); }

void Scheduler::Run(const StopToken& stop) {
  // The loop sleeps on cv_, not on the stop token: this thread waits for
  // the stop and wakes it. That wait has no deadline, so it needs no clock.
  std::thread stop_watch = NamedThread("s1c-stop-watch", [this, &stop] {
    while (!stop.state().WaitUntil(std::chrono::steady_clock::time_point::max())) {
    }
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    NotifyLocked();
  });

  std::unique_lock<std::mutex> lock(mu_);
  bool woke_parked = false;
  while (true) {
    if (stopping_ && !woke_parked) {
      // Sleeps and backoffs end early; a fiber waiting for a transfer parks
      // again until its transport, stopped too, ends it.
      woke_parked = true;
      for (fiber::Fiber* f : fibers_) {
        if (f->park.parked) WakeLocked(*f);
      }
    }
    const auto now = clock_.MonotonicNow();
    while (!timers_.empty()) {
      const Timer t = timers_.top();
      // Stale when the fiber was woken otherwise (and perhaps ended since):
      // dropped, so the loop does not wake for it.
      const bool stale = fibers_.count(t.fiber) == 0 || !t.fiber->park.parked ||
                         t.fiber->park.seq != t.seq;
      if (!stale && t.deadline > now) break;
      timers_.pop();
      if (!stale) WakeLocked(*t.fiber);
    }
    if (!ready_.empty()) {
      std::vector<fiber::Fiber*> batch;
      batch.swap(ready_);
      lock.unlock();
      for (fiber::Fiber* f : batch) {
        f->Resume();
        if (f->finished()) {
          {
            std::lock_guard<std::mutex> erase(mu_);
            fibers_.erase(f);
          }
          delete f;
        }
      }
      // Transfers the batch started, or that are under way, go on even if
      // the fibers never stop coming.
      if (io_ != nullptr && io_->HasWork()) io_->RunFor(std::chrono::milliseconds(0));
      lock.lock();
      continue;
    }
    if (stopping_ && fibers_.empty()) break;
    if (!stopping_ && !queue_.empty() && queue_.top().due <= now) {
      while (!queue_.empty() && queue_.top().due <= now) {
        StartLocked([this, entry = queue_.top(), &stop] { RunTask(entry, stop); });
        queue_.pop();
      }
      continue;
    }
    auto deadline = std::chrono::steady_clock::time_point::max();
    if (!stopping_ && !queue_.empty()) deadline = queue_.top().due;
    if (!timers_.empty()) deadline = std::min(deadline, timers_.top().deadline);
    if (io_ != nullptr) {
      std::chrono::milliseconds wait = kIoIdleWait;
      if (deadline != std::chrono::steady_clock::time_point::max()) {
        wait = std::clamp(std::chrono::ceil<std::chrono::milliseconds>(deadline - now),
                          std::chrono::milliseconds(0), kIoIdleWait);
      }
      io_waiting_ = true;
      lock.unlock();
      io_->RunFor(wait);
      lock.lock();
      io_waiting_ = false;
    } else if (deadline == std::chrono::steady_clock::time_point::max()) {
      cv_.wait(lock);
    } else {
      clock_.WaitUntil(lock, cv_, deadline);
    }
  }
  lock.unlock();
  stop_watch.join();
}

}  // namespace s1c::sched
