#include "file_read.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "s1c/core/files.h"

namespace s1c::config {

Result<std::string> ReadFileLimited(const std::string& path, size_t max_bytes) {
  Result<std::string> data = files::ReadWholeFile(path, max_bytes);
  if (!data.ok() && data.status().code() == StatusCode::kCorrupt) {
    return InvalidArgument("file " + path + " is larger than " + std::to_string(max_bytes) +
                           " bytes; is it the right file?");
  }
  return data;
}

bool IsReadableByOthers(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  return (st.st_mode & (S_IRGRP | S_IROTH)) != 0;
}

std::string UnreadableReason(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return files::ErrnoText(errno);
  if (S_ISDIR(st.st_mode)) return "is a directory";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return files::ErrnoText(errno);
  ::close(fd);
  return "";
}

}  // namespace s1c::config
