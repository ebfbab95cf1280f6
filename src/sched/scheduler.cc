#include "s1c/sched/scheduler.h"

#include <thread>

namespace s1c::sched {

Scheduler::Scheduler(Clock& clock, int workers) : clock_(clock), workers_(std::max(1, workers)) {}

void Scheduler::Add(std::string name, TaskFn fn, std::chrono::milliseconds first_delay) {
  std::lock_guard<std::mutex> lock(mu_);
  tasks_.push_back({std::move(name), std::move(fn)});
  queue_.push({clock_.MonotonicNow() + first_delay, next_seq_++, tasks_.size() - 1});
  timer_cv_.notify_one();
}

size_t Scheduler::task_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tasks_.size();
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
  timer_cv_.notify_one();
}

std::optional<std::chrono::steady_clock::time_point> Scheduler::NextDue() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (queue_.empty()) return std::nullopt;
  return queue_.top().due;
}

std::chrono::milliseconds Scheduler::MaxLateness() const {
  std::lock_guard<std::mutex> lock(mu_);
  return max_lateness_;
}

void Scheduler::RunTopLocked(std::unique_lock<std::mutex>& lock, const StopToken& stop) {
  const Entry entry = queue_.top();
  queue_.pop();
  const auto now = clock_.MonotonicNow();
  max_lateness_ = std::max(max_lateness_,
                           std::chrono::duration_cast<std::chrono::milliseconds>(now - entry.due));
  TaskFn& fn = tasks_[entry.task].fn;  // tasks_ does not change once running.
  lock.unlock();
  const std::chrono::milliseconds delay = fn(stop);
  lock.lock();
  queue_.push({clock_.MonotonicNow() + delay, next_seq_++, entry.task});
  timer_cv_.notify_one();  // It may now be the earliest.
}

std::optional<std::string> Scheduler::RunDueTask(const StopToken& stop) {
  std::unique_lock<std::mutex> lock(mu_);
  if (queue_.empty() || queue_.top().due > clock_.MonotonicNow()) return std::nullopt;
  std::string name = tasks_[queue_.top().task].name;
  RunTopLocked(lock, stop);
  return name;
}

void Scheduler::Worker(const StopToken& stop) {
  // One idle worker at a time watches the clock for the earliest task (the
  // timer); the others sleep until handed that watch. So an idle daemon with
  // a hundred streams wakes once per due task, not once per worker.
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop.StopRequested()) {
    const auto now = clock_.MonotonicNow();
    if (!queue_.empty() && queue_.top().due <= now) {
      // Hand the watch on before running, so the next due task is not
      // left waiting for this one to finish.
      if (!timer_taken_) idle_cv_.notify_one();
      RunTopLocked(lock, stop);
      continue;
    }
    if (timer_taken_) {
      idle_cv_.wait(lock);
      continue;
    }
    timer_taken_ = true;
    if (queue_.empty()) {
      timer_cv_.wait(lock);
    } else {
      clock_.WaitUntil(lock, timer_cv_, queue_.top().due);
    }
    timer_taken_ = false;
  }
}

void Scheduler::Run(const StopToken& stop) {
  std::vector<std::thread> threads;
  const int n = std::min<int>(workers_, static_cast<int>(std::max<size_t>(1, task_count())));
  threads.reserve(n);
  for (int i = 0; i < n; ++i) threads.emplace_back([this, &stop] { Worker(stop); });
  // Workers sleep on the queue's condition variables, not on the stop token:
  // this thread waits for the stop and wakes them all. That wait has no
  // deadline, so it needs no clock.
  while (!stop.state().WaitUntil(std::chrono::steady_clock::time_point::max())) {
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    timer_cv_.notify_all();
    idle_cv_.notify_all();
  }
  for (auto& t : threads) t.join();
}

}  // namespace s1c::sched
