#include "s1c/state/group_writer.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "s1c/core/fiber.h"
#include "s1c/core/thread_name.h"

namespace s1c::state {

struct GroupWriter::Pending {
  const std::filesystem::path& path;
  std::string_view data;
  Status status;
  fiber::Event done;
};

GroupWriter::GroupWriter(files::FileSystem& fs, Clock& clock, std::string dir_what,
                         std::chrono::milliseconds gather)
    : fs_(fs), clock_(clock), dir_what_(std::move(dir_what)), gather_(gather) {}

GroupWriter::~GroupWriter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status GroupWriter::Write(const std::filesystem::path& path, std::string_view data) {
  Pending pending{path, data, Status::Ok(), {}};
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Started on the first write: a store only read (a CLI listing) has none.
    if (!thread_.joinable()) thread_ = NamedThread("s1c-state-write", [this] { Run(); });
    const auto now = clock_.MonotonicNow();
    if (waiting_.empty()) company_expected_ = last_arrival_ && now - *last_arrival_ < gather_;
    last_arrival_ = now;
    waiting_.push_back(&pending);
  }
  cv_.notify_one();
  pending.done.Wait();
  return pending.status;
}

void GroupWriter::Exclusive(const std::function<void()>& fn) {
  std::lock_guard<std::mutex> lock(writing_);
  fn();
}

size_t GroupWriter::waiting() {
  std::lock_guard<std::mutex> lock(mu_);
  return waiting_.size();
}

void GroupWriter::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
    if (waiting_.empty()) return;  // Stopping, nothing left.
    if (company_expected_) {
      // The first write waits at most `gather` for others to join it.
      const auto until = clock_.MonotonicNow() + gather_;
      while (!stopping_ && waiting_.size() < kMaxGroup && clock_.MonotonicNow() < until) {
        clock_.WaitUntil(lock, cv_, until);
      }
    }
    const std::vector<Pending*> group = TakeGroup();
    lock.unlock();
    WriteGroup(group);
    lock.lock();
  }
}

std::vector<GroupWriter::Pending*> GroupWriter::TakeGroup() {
  std::vector<Pending*> group;
  for (auto it = waiting_.begin(); it != waiting_.end() && group.size() < kMaxGroup;) {
    const bool again = std::any_of(group.begin(), group.end(),
                                   [&](const Pending* p) { return p->path == (*it)->path; });
    if (again) {
      ++it;
      continue;
    }
    group.push_back(*it);
    it = waiting_.erase(it);
  }
  return group;
}

void GroupWriter::WriteGroup(const std::vector<Pending*>& group) {
  std::lock_guard<std::mutex> lock(writing_);
  std::vector<files::AtomicWrite> writes;
  std::vector<Pending*> writing;
  std::vector<std::filesystem::path> made;
  for (Pending* p : group) {
    const std::filesystem::path dir = p->path.parent_path();
    if (std::find(made.begin(), made.end(), dir) == made.end()) {
      p->status = fs_.MakePrivateDirs(dir, dir_what_);
      if (p->status.ok()) made.push_back(dir);
    }
    if (!p->status.ok()) continue;
    writes.push_back({p->path, p->data});
    writing.push_back(p);
  }
  const std::vector<Status> written = files::WriteFilesAtomically(fs_, writes);
  for (size_t i = 0; i < writing.size(); ++i) writing[i]->status = written[i];
  // The waiters may free their Pending as soon as they see it done.
  for (Pending* p : group) p->done.Set();
}

}  // namespace s1c::state
