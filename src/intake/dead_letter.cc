#include "s1c/intake/dead_letter.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <utility>

#include "json_escape.h"
#include "s1c/core/files.h"

namespace s1c::intake {
namespace {

Status PathError(const std::string& what, const std::filesystem::path& path, int err) {
  return IoError(what + " " + path.string() + ": " + files::ErrnoText(err));
}

void AppendField(std::string& line, std::string_view name, std::string_view value) {
  line += '"';
  line += name;
  line += "\":\"";
  internal::AppendJsonEscaped(line, value);
  line += "\",";
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now and reports the error: on some file systems close() is where
  // a failed write shows up.
  int Close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

}  // namespace

DeadLetter::DeadLetter(std::filesystem::path path) : path_(std::move(path)) {}

Status DeadLetter::Write(std::string_view console, std::string_view stream, std::string_view key,
                         std::string_view reason, std::string_view event_json) {
  std::string line;
  line.reserve(event_json.size() + event_json.size() / 8 + 256);
  line += '{';
  AppendField(line, "console", console);
  AppendField(line, "stream", stream);
  AppendField(line, "key", key);
  AppendField(line, "reason", reason);
  line += "\"bytes\":";
  line += std::to_string(event_json.size());
  line += ",\"event\":\"";
  internal::AppendJsonEscaped(line, event_json);
  line += "\"}\n";

  std::lock_guard<std::mutex> lock(mu_);
  const std::filesystem::path dir = path_.parent_path();
  S1C_RETURN_IF_ERROR(files::MakePrivateDirs(dir, "dead-letter directory"));

  // O_EXCL first, only to learn whether this call created the file: a new
  // directory entry needs the directory fsynced to survive a crash.
  bool created = true;
  int raw = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (raw < 0 && errno == EEXIST) {
    created = false;
    raw = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  }
  if (raw < 0) return PathError("cannot open dead-letter file", path_, errno);
  Fd fd(raw);

  // One write per line with O_APPEND keeps lines whole even if another
  // process appends too; loop only for the rare short write.
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(fd.get(), p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return PathError("cannot write dead-letter file", path_, errno);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return PathError("cannot fsync dead-letter file", path_, errno);
  if (fd.Close() != 0) return PathError("cannot close dead-letter file", path_, errno);

  if (created) S1C_RETURN_IF_ERROR(files::SyncDir(dir, "dead-letter directory"));
  ++count_;
  return Status::Ok();
}

uint64_t DeadLetter::count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return count_;
}

}  // namespace s1c::intake
