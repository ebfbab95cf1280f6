#include "backfill_sinks.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace s1c::app {
namespace {

Status Io(const std::string& what, const std::string& where, int err) {
  return IoError(what + " " + where + ": " + std::strerror(err));
}

}  // namespace

Result<std::unique_ptr<NdjsonSink>> NdjsonSink::Open(const std::string& path) {
  if (path.empty()) return InvalidArgument("--output needs a file path, or - for stdout");
  if (path == "-") {
    struct stat st {};
    const bool regular = ::fstat(STDOUT_FILENO, &st) == 0 && S_ISREG(st.st_mode);
    return std::unique_ptr<NdjsonSink>(
        new NdjsonSink(STDOUT_FILENO, /*owned=*/false, regular, "stdout", 0));
  }
  int fd;
  do {
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return Io("cannot open --output", path, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return Io("cannot stat --output", path, err);
  }
  const bool regular = S_ISREG(st.st_mode);
  return std::unique_ptr<NdjsonSink>(
      new NdjsonSink(fd, /*owned=*/true, regular, "file " + path, regular ? st.st_size : 0));
}

NdjsonSink::NdjsonSink(int fd, bool owned, bool regular, std::string where, int64_t initial_size)
    : fd_(fd),
      owned_(owned),
      regular_(regular),
      where_(std::move(where)),
      initial_size_(initial_size) {}

NdjsonSink::~NdjsonSink() {
  if (owned_) ::close(fd_);
}

intake::Delivery NdjsonSink::Deliver(std::string_view /*stream*/,
                                     std::span<const intake::EventRef> events) {
  intake::Delivery d;
  if (events.empty()) return d;
  std::lock_guard<std::mutex> lock(mu_);
  buffer_.clear();
  for (const auto& e : events) {
    const size_t start = buffer_.size();
    buffer_.append(e.json);
    // A raw line break inside an event can only be insignificant whitespace
    // (JSON strings cannot hold one unescaped); the API sends compact JSON,
    // but a line break would split the event over two NDJSON lines.
    for (size_t i = start; i < buffer_.size(); ++i) {
      if (buffer_[i] == '\n' || buffer_[i] == '\r') buffer_[i] = ' ';
    }
    buffer_.push_back('\n');
  }

  const off_t before = regular_ ? ::lseek(fd_, 0, SEEK_END) : -1;
  auto fail = [&](Status error) {
    // Cut a partly written batch off again, so a retry after the fix does
    // not leave half a line in the file.
    if (before >= 0 && ::ftruncate(fd_, before) != 0) {
      error = error.Annotate("and could not cut the partial batch off");
    }
    d.outcome = intake::Outcome::kRejected;
    d.error = std::move(error);
    return d;
  };
  std::string_view rest = buffer_;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd_, rest.data(), rest.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(Io("cannot write to", where_, errno));
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
  if (regular_ && ::fsync(fd_) != 0) return fail(Io("cannot fsync", where_, errno));
  d.delivered = events.size();
  return d;
}

intake::Delivery DiscardSink::Deliver(std::string_view /*stream*/,
                                      std::span<const intake::EventRef> events) {
  intake::Delivery d;
  d.delivered = events.size();
  count_ += static_cast<int64_t>(events.size());
  return d;
}

}  // namespace s1c::app
