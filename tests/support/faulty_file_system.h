// FaultyFileSystem: the real file system with steps that fail on demand (a
// small LevelDB FaultInjectionTestEnv). Each fail_* counter makes the next N
// such calls fail with kIo and EIO's text, worded as the real call would be,
// without reaching the disk; every other call goes to the disk. Thread-safe.
#pragma once

#include <atomic>
#include <cerrno>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "s1c/core/files.h"

namespace s1c::testing {

class FaultyFileSystem final : public files::FileSystem {
 public:
  std::atomic<int> fail_writes{0};      // WritableFile::Append.
  std::atomic<int> fail_file_syncs{0};  // WritableFile::Sync (fsync of a file).
  std::atomic<int> fail_renames{0};     // RenameFile.
  std::atomic<int> fail_dir_syncs{0};   // SyncDir (fsync of a directory).
  std::atomic<int> dir_syncs{0};        // SyncDir calls made, failed or not.
  // Called before each MakePrivateDirs, e.g. to hold a writer there. Set it
  // before the calls start.
  std::function<void()> on_make_dirs;

  Status MakePrivateDirs(const std::filesystem::path& dir, std::string_view what) override {
    if (on_make_dirs) on_make_dirs();
    return real_.MakePrivateDirs(dir, what);
  }
  Result<std::string> ReadWholeFile(const std::filesystem::path& path, size_t max_bytes) override {
    return real_.ReadWholeFile(path, max_bytes);
  }
  Result<std::unique_ptr<files::WritableFile>> NewWritableFile(
      const std::filesystem::path& path) override {
    Result<std::unique_ptr<files::WritableFile>> file = real_.NewWritableFile(path);
    if (!file.ok()) return file.status();
    return std::unique_ptr<files::WritableFile>(
        std::make_unique<File>(*this, std::move(*file), path));
  }
  Status RenameFile(const std::filesystem::path& from, const std::filesystem::path& to) override {
    if (Take(fail_renames)) return Injected("cannot rename " + from.string() + " to", to);
    return real_.RenameFile(from, to);
  }
  Result<bool> RemoveFile(const std::filesystem::path& path, std::string_view what) override {
    return real_.RemoveFile(path, what);
  }
  Status SyncDir(const std::filesystem::path& dir, std::string_view what) override {
    ++dir_syncs;
    if (Take(fail_dir_syncs)) return Injected("cannot fsync " + std::string(what), dir);
    return real_.SyncDir(dir, what);
  }

 private:
  class File final : public files::WritableFile {
   public:
    File(FaultyFileSystem& fs, std::unique_ptr<files::WritableFile> real,
         std::filesystem::path path)
        : fs_(fs), real_(std::move(real)), path_(std::move(path)) {}
    Status Append(std::string_view data) override {
      if (Take(fs_.fail_writes)) return Injected("cannot write", path_);
      return real_->Append(data);
    }
    void StartSync() override { real_->StartSync(); }
    Status Sync() override {
      if (Take(fs_.fail_file_syncs)) return Injected("cannot fsync", path_);
      return real_->Sync();
    }
    Status Close() override { return real_->Close(); }

   private:
    FaultyFileSystem& fs_;
    std::unique_ptr<files::WritableFile> real_;
    std::filesystem::path path_;
  };

  // Whether this call is one of the `counter` to fail; counts it if so.
  static bool Take(std::atomic<int>& counter) {
    int n = counter.load();
    while (n > 0) {
      if (counter.compare_exchange_weak(n, n - 1)) return true;
    }
    return false;
  }
  static Status Injected(const std::string& what, const std::filesystem::path& path) {
    return IoError(what + " " + path.string() + ": " + files::ErrnoText(EIO));
  }

  files::PosixFileSystem real_;
};

}  // namespace s1c::testing
