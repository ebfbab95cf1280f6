// The file-system steps several modules share (state files, the dead-letter
// file, the config and its secret files), one copy of each, and FileSystem:
// the seam through which the state store reaches the disk, so a test can make
// any one step fail (LevelDB's Env). POSIX calls, so messages carry errno's
// text.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "s1c/core/status.h"

namespace s1c::files {

// errno's text for `err`, as strerror words it ("No such file or directory").
std::string ErrnoText(int err);

// Creates `dir` and its missing parents with mode 0700 (they hold raw events
// and checkpoints). Existing directories are left as they are (a systemd
// StateDirectory= sets its own mode). `what` names the directory in errors:
// "cannot create <what> <path>: <reason>".
Status MakePrivateDirs(const std::filesystem::path& dir, std::string_view what);

// Reads the whole file. kNotFound when it does not exist; kIo "cannot read
// file <path>: <errno text>" when it cannot be opened or read; kCorrupt
// "<path> is larger than <max_bytes> bytes" as soon as it is (the rest is not
// read). Never quotes the content.
Result<std::string> ReadWholeFile(const std::filesystem::path& path, size_t max_bytes);

// Fsyncs directory `dir` ("." when empty), so that entries created, renamed or
// removed in it survive a crash. Errors: "cannot open <what> <path>: ..." and
// "cannot fsync <what> <path>: ...".
Status SyncDir(const std::filesystem::path& dir, std::string_view what);

// A file being written, from FileSystem::NewWritableFile. Errors name the
// file: "cannot write <path>: ...", "cannot fsync <path>: ...", "cannot close
// <path>: ...". Destroying it unclosed closes it, ignoring errors. Not
// thread-safe.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  // Starts writing what was appended to the disk without waiting for it
  // (sync_file_range): a hint that a Sync() is coming, so the writes of
  // several files reach the disk together. Errors are Sync()'s to report.
  virtual void StartSync() {}
  // Flushes what was appended to the disk (fsync).
  virtual Status Sync() = 0;
  // Reported, as some file systems report a failed write only here.
  virtual Status Close() = 0;
};

// What the state store does to the disk. Implementations are thread-safe;
// callers serialise what must not interleave (two writes of one file).
class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // As files::MakePrivateDirs.
  virtual Status MakePrivateDirs(const std::filesystem::path& dir, std::string_view what) = 0;
  // As files::ReadWholeFile.
  virtual Result<std::string> ReadWholeFile(const std::filesystem::path& path,
                                            size_t max_bytes) = 0;
  // Creates `path`, or truncates it, with mode 0600; never follows a symlink
  // there. Error: "cannot create <path>: ..." (or "cannot chmod").
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(
      const std::filesystem::path& path) = 0;
  // Renames `from` over `to`, atomically. Error: "cannot rename <from> to <to>: ...".
  virtual Status RenameFile(const std::filesystem::path& from, const std::filesystem::path& to) = 0;
  // Deletes `path`. Returns false if there was nothing to delete. Error:
  // "cannot delete <what> <path>: ...".
  virtual Result<bool> RemoveFile(const std::filesystem::path& path, std::string_view what) = 0;
  // As files::SyncDir.
  virtual Status SyncDir(const std::filesystem::path& dir, std::string_view what) = 0;
};

// The real file system: the POSIX calls, through the functions above. Stateless
// and thread-safe.
class PosixFileSystem final : public FileSystem {
 public:
  Status MakePrivateDirs(const std::filesystem::path& dir, std::string_view what) override;
  Result<std::string> ReadWholeFile(const std::filesystem::path& path, size_t max_bytes) override;
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::filesystem::path& path) override;
  Status RenameFile(const std::filesystem::path& from, const std::filesystem::path& to) override;
  Result<bool> RemoveFile(const std::filesystem::path& path, std::string_view what) override;
  Status SyncDir(const std::filesystem::path& dir, std::string_view what) override;
};

// Where WriteFileAtomically stages `path`: "<path>.tmp", next to it.
std::filesystem::path TempPathFor(const std::filesystem::path& path);

// Replaces `path` with `data` so that a crash leaves either the old content
// or the new, never a mix: writes TempPathFor(path), fsyncs and closes it,
// renames it over `path`, then fsyncs the directory so the rename itself
// survives (LevelDB's SetCurrentFile). Any failed step is the returned error;
// one before the rename leaves `path` as it was and deletes the temp file.
// One after it (the directory fsync) leaves the new content in place but not
// known durable. REQUIRES: no other write of `path` at the same time.
Status WriteFileAtomically(FileSystem& fs, const std::filesystem::path& path,
                           std::string_view data);

// One file of WriteFilesAtomically.
struct AtomicWrite {
  std::filesystem::path path;
  std::string_view data;
};

// WriteFileAtomically of several files as one group, each step over all of
// them before the next: every temp file is written and its writeback started,
// then each is fsynced and closed, each renamed, and each distinct directory
// fsynced once. Each file gets the same steps in the same order, so the same
// guarantee; the disk sees the group's writes together, so a file's fsync
// mostly finds its pages already written, and a directory holding several of
// the files is fsynced once. A failed step fails that file alone (a failed
// directory fsync, the files renamed into it). Returns one Status per write,
// in order. Holds one descriptor per write until its fsync. REQUIRES: no path
// twice, no other write of these paths at the same time.
std::vector<Status> WriteFilesAtomically(FileSystem& fs, std::span<const AtomicWrite> writes);

}  // namespace s1c::files
