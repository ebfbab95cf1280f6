// FileStateStore: one JSON file per checkpoint at
// <state_dir>/<console>/<name>.json, written atomically (temp file, fsync,
// rename, directory fsync), mode 0600 in 0700 directories. Format:
// {"version":1,"watermark":"...","boundary_keys":[...],"sweep_from":"...",
//  "updated_at":"...","events_done":N}; the sweep's seen keys beside it in
// <name>.seen (SeenKeys::Encode). A corrupt or unknown-version file is
// a kCorrupt error naming the file (the CLI adds the command that resets
// it), never a silent restart from scratch.
#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <mutex>

#include "s1c/core/files.h"
#include "s1c/state/state_store.h"

namespace s1c::state {

// Thread-safe.
class FileStateStore final : public StateStore {
 public:
  // On the real file system.
  explicit FileStateStore(std::filesystem::path dir);
  // Every file step goes through `fs` (tests inject failures). `fs` must
  // outlive the store.
  FileStateStore(std::filesystem::path dir, files::FileSystem& fs);

  Result<std::optional<Checkpoint>> Load(std::string_view console, std::string_view name) override;
  Status Commit(std::string_view console, std::string_view name, const Checkpoint& cp) override;
  Result<std::optional<SeenKeys>> LoadSeen(std::string_view console, std::string_view name,
                                           size_t max_keys) override;
  Status CommitSeen(std::string_view console, std::string_view name,
                    const SeenKeys& seen) override;
  Status Reset(std::string_view console, std::string_view name) override;
  // Fails whole only when a directory cannot be read.
  Result<StateListing> List() override;

  std::filesystem::path PathFor(std::string_view console, std::string_view name) const;
  std::filesystem::path SeenPathFor(std::string_view console, std::string_view name) const;

 private:
  // Writes `text` to `path` (one of the stream's files) under the stream's
  // lock, off the calling fiber's thread (fiber::OffThread): an fsync takes
  // milliseconds, and the fleet's other streams go on meanwhile.
  Status WriteAtomically(std::string_view console, std::string_view name,
                         const std::filesystem::path& path, const std::string& text);
  // The lock of one stream's files: two commits of the same file would share
  // its temp file, while different streams write in parallel.
  std::mutex& LockFor(std::string_view console, std::string_view name);

  files::PosixFileSystem posix_fs_;  // fs_ unless the caller passed one.
  std::filesystem::path dir_;
  files::FileSystem& fs_;
  std::array<std::mutex, 64> stream_locks_;
};

// Serialisation, exposed for tests and fuzzing. `source` names the file in errors.
std::string EncodeCheckpoint(const Checkpoint& cp);
Result<Checkpoint> DecodeCheckpoint(std::string_view text, std::string_view source);

}  // namespace s1c::state
