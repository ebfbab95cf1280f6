#include "s1c/core/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <utility>

namespace s1c::files {
namespace {

template <typename Call>
int RetryOnEintr(Call call) {
  int rc;
  do {
    rc = call();
  } while (rc < 0 && errno == EINTR);
  return rc;
}

Status PathError(std::string_view what, const std::filesystem::path& path, int err) {
  return IoError(std::string(what) + " " + path.string() + ": " + ErrnoText(err));
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  PosixWritableFile(const PosixWritableFile&) = delete;
  PosixWritableFile& operator=(const PosixWritableFile&) = delete;
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Append(std::string_view data) override {
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return PathError("cannot write", path_, errno);
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }
  void StartSync() override { (void)::sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE); }
  Status Sync() override {
    if (::fsync(fd_) != 0) return PathError("cannot fsync", path_, errno);
    return Status::Ok();
  }
  Status Close() override {
    // No retry on EINTR: Linux frees the descriptor whatever close returns.
    const int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) return PathError("cannot close", path_, errno);
    return Status::Ok();
  }

 private:
  int fd_;
  const std::filesystem::path path_;
};

}  // namespace

std::string ErrnoText(int err) { return std::error_code(err, std::generic_category()).message(); }

Status MakePrivateDirs(const std::filesystem::path& dir, std::string_view what) {
  const std::string label = "cannot create " + std::string(what) + " ";
  std::filesystem::path partial;
  for (const std::filesystem::path& part : dir) {
    partial /= part;
    if (partial.empty() || part == "/" || part.empty()) continue;
    if (::mkdir(partial.c_str(), 0700) == 0) {
      ::chmod(partial.c_str(), 0700);  // In case a restrictive umask removed bits we need.
      continue;
    }
    const int err = errno;
    if (err != EEXIST) return IoError(label + partial.string() + ": " + ErrnoText(err));
    struct stat st {};
    if (::stat(partial.c_str(), &st) != 0) {
      return IoError(label + partial.string() + ": " + ErrnoText(errno));
    }
    if (!S_ISDIR(st.st_mode)) {
      return IoError(label + dir.string() + ": " + partial.string() +
                     " exists and is not a directory");
    }
  }
  return Status::Ok();
}

Result<std::string> ReadWholeFile(const std::filesystem::path& path, size_t max_bytes) {
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    const int err = errno;
    return Status(err == ENOENT ? StatusCode::kNotFound : StatusCode::kIo,
                  "cannot read file " + path.string() + ": " + ErrnoText(err));
  }
  std::string data;
  char buf[16384];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return IoError("cannot read file " + path.string() + ": " + ErrnoText(err));
    }
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
    if (data.size() > max_bytes) {
      ::close(fd);
      return Corrupt(path.string() + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
  }
  ::close(fd);
  return data;
}

Status SyncDir(const std::filesystem::path& dir, std::string_view what) {
  const std::filesystem::path d = dir.empty() ? std::filesystem::path(".") : dir;
  const int fd =
      RetryOnEintr([&] { return ::open(d.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); });
  if (fd < 0) return PathError("cannot open " + std::string(what), d, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return PathError("cannot fsync " + std::string(what), d, err);
  return Status::Ok();
}

Status PosixFileSystem::MakePrivateDirs(const std::filesystem::path& dir, std::string_view what) {
  return files::MakePrivateDirs(dir, what);
}

Result<std::string> PosixFileSystem::ReadWholeFile(const std::filesystem::path& path,
                                                   size_t max_bytes) {
  return files::ReadWholeFile(path, max_bytes);
}

Result<std::unique_ptr<WritableFile>> PosixFileSystem::NewWritableFile(
    const std::filesystem::path& path) {
  const int fd = RetryOnEintr([&] {
    return ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  });
  if (fd < 0) return PathError("cannot create", path, errno);
  // An existing file keeps its mode through O_TRUNC, and a umask may have
  // cleared bits of a new one: set it either way.
  if (::fchmod(fd, 0600) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(path.c_str());
    return PathError("cannot chmod", path, err);
  }
  return std::unique_ptr<WritableFile>(std::make_unique<PosixWritableFile>(fd, path));
}

Status PosixFileSystem::RenameFile(const std::filesystem::path& from,
                                   const std::filesystem::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return PathError("cannot rename " + from.string() + " to", to, errno);
  }
  return Status::Ok();
}

Result<bool> PosixFileSystem::RemoveFile(const std::filesystem::path& path, std::string_view what) {
  if (::unlink(path.c_str()) == 0) return true;
  if (errno == ENOENT) return false;
  return PathError("cannot delete " + std::string(what), path, errno);
}

Status PosixFileSystem::SyncDir(const std::filesystem::path& dir, std::string_view what) {
  return files::SyncDir(dir, what);
}

std::filesystem::path TempPathFor(const std::filesystem::path& path) {
  return std::filesystem::path(path.string() + ".tmp");
}

Status WriteFileAtomically(FileSystem& fs, const std::filesystem::path& path,
                           std::string_view data) {
  const AtomicWrite write{path, data};
  return WriteFilesAtomically(fs, std::span(&write, 1)).front();
}

std::vector<Status> WriteFilesAtomically(FileSystem& fs, std::span<const AtomicWrite> writes) {
  std::vector<Status> status(writes.size());
  std::vector<std::unique_ptr<WritableFile>> files(writes.size());
  std::vector<std::filesystem::path> temps(writes.size());
  for (size_t i = 0; i < writes.size(); ++i) {
    temps[i] = TempPathFor(writes[i].path);
    Result<std::unique_ptr<WritableFile>> file = fs.NewWritableFile(temps[i]);
    if (!file.ok()) {
      status[i] = file.status();
      continue;
    }
    files[i] = std::move(file).value();
    status[i] = files[i]->Append(writes[i].data);
    if (status[i].ok()) files[i]->StartSync();
  }
  for (size_t i = 0; i < writes.size(); ++i) {
    if (files[i] == nullptr) continue;
    // A failed fsync may have dropped the written pages: the file cannot be
    // trusted even if a later fsync succeeds, so the commit fails here.
    if (status[i].ok()) status[i] = files[i]->Sync();
    const Status closed = files[i]->Close();
    if (status[i].ok()) status[i] = closed;
  }
  std::vector<std::filesystem::path> renamed_into;
  for (size_t i = 0; i < writes.size(); ++i) {
    if (status[i].ok()) status[i] = fs.RenameFile(temps[i], writes[i].path);
    if (!status[i].ok()) {
      // The error worth reporting is the first one.
      if (files[i] != nullptr) (void)fs.RemoveFile(temps[i], "temp file");
      continue;
    }
    const std::filesystem::path dir = writes[i].path.parent_path();
    if (std::find(renamed_into.begin(), renamed_into.end(), dir) == renamed_into.end()) {
      renamed_into.push_back(dir);
    }
  }
  for (const std::filesystem::path& dir : renamed_into) {
    const Status synced = fs.SyncDir(dir, "directory");
    if (synced.ok()) continue;
    for (size_t i = 0; i < writes.size(); ++i) {
      if (status[i].ok() && writes[i].path.parent_path() == dir) status[i] = synced;
    }
  }
  return status;
}

}  // namespace s1c::files
