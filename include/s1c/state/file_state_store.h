// FileStateStore: one JSON file per checkpoint at
// <state_dir>/<console>/<name>.json, written atomically (temp file, fsync,
// rename, directory fsync), mode 0600 in 0700 directories. Format:
// {"version":1,"watermark":"...","boundary_keys":[...],"sweep_from":"...",
//  "updated_at":"...","events_done":N,"seen":{SeenKeys::Encode}}: the sweep's
// seen keys live in the same file, so one write (one fsync) commits both.
// Seen keys in a separate <name>.seen, as earlier versions wrote them, are
// still read until the next commit replaces them. A corrupt or
// unknown-version file is a kCorrupt error naming the file (the CLI adds the
// command that resets it), never a silent restart from scratch.
#pragma once

#include <chrono>
#include <filesystem>

#include "s1c/core/clock.h"
#include "s1c/core/files.h"
#include "s1c/state/group_writer.h"
#include "s1c/state/state_store.h"

namespace s1c::state {

// Thread-safe. Commits are written in groups by a thread of the store's own
// (GroupWriter): a commit gathered for `gather` waits that long at most for
// others to share its group.
class FileStateStore final : public StateStore {
 public:
  // On the real file system.
  explicit FileStateStore(std::filesystem::path dir,
                          std::chrono::milliseconds gather = std::chrono::milliseconds(0));
  // Every file step goes through `fs` (tests inject failures). `fs` must
  // outlive the store.
  FileStateStore(std::filesystem::path dir, files::FileSystem& fs,
                 std::chrono::milliseconds gather = std::chrono::milliseconds(0));

  Result<std::optional<Checkpoint>> Load(std::string_view console, std::string_view name) override;
  Status Commit(std::string_view console, std::string_view name, const Checkpoint& cp,
                const SeenKeys* seen) override;
  Result<std::optional<SeenKeys>> LoadSeen(std::string_view console, std::string_view name,
                                           size_t max_keys) override;
  Status Reset(std::string_view console, std::string_view name) override;
  // Fails whole only when a directory cannot be read.
  Result<StateListing> List() override;

  std::filesystem::path PathFor(std::string_view console, std::string_view name) const;
  // Where earlier versions kept the seen keys.
  std::filesystem::path LegacySeenPathFor(std::string_view console, std::string_view name) const;

 private:
  files::PosixFileSystem posix_fs_;  // fs_ unless the caller passed one.
  SystemClock clock_;
  std::filesystem::path dir_;
  files::FileSystem& fs_;
  GroupWriter writer_;  // Last: its thread stops before fs_ goes.
};

// Serialisation, exposed for tests and fuzzing. `source` names the file in
// errors. `seen` is SeenKeys::Encode() text, "" for none.
std::string EncodeCheckpoint(const Checkpoint& cp, std::string_view seen = {});
Result<Checkpoint> DecodeCheckpoint(std::string_view text, std::string_view source);

}  // namespace s1c::state
