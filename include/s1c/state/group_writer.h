// GroupWriter: the atomic file writes of many streams, done in groups by one
// thread (group commit, as databases do with their logs). A fleet's streams
// each commit their checkpoint after a delivery; written one by one, each
// commit is a temp file, two fsyncs and a rename with nothing shared, and on
// a 2-core machine those fsyncs cost more CPU than the rest of a live poll.
// Gathered for a few milliseconds and written by files::WriteFilesAtomically,
// the same steps for each file reach the disk together. A write waits for
// company only when company is likely: when the write before it came less
// than the window earlier. A lone stream catching up (a commit a second)
// never waits.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "s1c/core/clock.h"
#include "s1c/core/files.h"
#include "s1c/core/status.h"

namespace s1c::state {

// Thread-safe.
class GroupWriter {
 public:
  // Never more writes in a group than this: it holds a descriptor per write.
  static constexpr size_t kMaxGroup = 64;

  // Writes through `fs` (which must outlive the writer, as `clock`), creating
  // a file's missing directories as files::MakePrivateDirs, named `dir_what`
  // in errors. A group takes the writes waiting when it starts; if its first
  // write came within `gather` of the write before it, it first waits up to
  // `gather` (on `clock`) for more. 0: never waits.
  GroupWriter(files::FileSystem& fs, Clock& clock, std::string dir_what,
              std::chrono::milliseconds gather);
  // Writes what is waiting, then stops the thread.
  ~GroupWriter();
  GroupWriter(const GroupWriter&) = delete;
  GroupWriter& operator=(const GroupWriter&) = delete;

  // As files::WriteFileAtomically, in the next group; returns once that group
  // is written. Parks the calling fiber (its thread's other fibers go on), or
  // blocks a plain thread.
  Status Write(const std::filesystem::path& path, std::string_view data);

  // Runs `fn` while no group is being written (a reset deleting a file).
  void Exclusive(const std::function<void()>& fn);

  // Writes waiting for a group (not those of the group being written).
  size_t waiting();

 private:
  struct Pending;
  void Run();
  // Up to kMaxGroup of the waiting writes, no path twice (a later write of
  // the same file waits for the next group). REQUIRES: mu_ held.
  std::vector<Pending*> TakeGroup();
  void WriteGroup(const std::vector<Pending*>& group);

  files::FileSystem& fs_;
  Clock& clock_;
  const std::string dir_what_;
  const std::chrono::milliseconds gather_;
  std::mutex mu_;
  std::condition_variable_any cv_;
  std::deque<Pending*> waiting_;
  std::optional<std::chrono::steady_clock::time_point> last_arrival_;
  bool company_expected_ = false;  // The first waiting write came soon after another.
  bool stopping_ = false;
  std::mutex writing_;  // Held while a group is written.
  std::thread thread_;  // Guarded by mu_.
};

}  // namespace s1c::state
