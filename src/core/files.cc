#include "s1c/core/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace s1c::files {
namespace {

std::string ErrnoText(int err) { return std::error_code(err, std::generic_category()).message(); }

}  // namespace

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

}  // namespace s1c::files
