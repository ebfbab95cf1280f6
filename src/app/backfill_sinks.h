// EventSinks for `backfill` that do not go to an intake: NDJSON to a file or
// stdout (--output), and a sink that accepts and discards (--dry-run). The
// Poller is the same either way; only where "delivered" lands differs.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "s1c/core/status.h"
#include "s1c/intake/event_sink.h"

namespace s1c::app {

// Appends each event, exactly as the API sent it, plus "\n" to a file or to
// stdout. A file is opened with O_APPEND (created 0600: events are
// sensitive), so a resumed backfill continues the same file; Deliver()
// fsyncs before it reports the events delivered, so a checkpoint never
// covers an event that is not on disk. On stdout "delivered" means written
// to the pipe. Thread-safe.
class NdjsonSink final : public intake::EventSink {
 public:
  // `path` "-" means stdout. Fails when the file cannot be opened.
  static Result<std::unique_ptr<NdjsonSink>> Open(const std::string& path);
  ~NdjsonSink() override;

  // Never retryable: a failed write (disk full, closed pipe) is kRejected
  // and, for a file, the partly written batch is cut off again.
  intake::Delivery Deliver(std::string_view stream,
                           std::span<const intake::EventRef> events) override;

  // "file /path/out.ndjson" or "stdout".
  const std::string& where() const { return where_; }
  // Size of the file when it was opened (0 for stdout).
  int64_t initial_size() const { return initial_size_; }

 private:
  NdjsonSink(int fd, bool owned, bool regular, std::string where, int64_t initial_size);

  std::mutex mu_;
  const int fd_;
  const bool owned_;
  const bool regular_;  // fsync and truncate-on-error only make sense for a regular file.
  const std::string where_;
  const int64_t initial_size_;
  std::string buffer_;
};

// Accepts every event and keeps only the count (backfill --dry-run). Thread-safe.
class DiscardSink final : public intake::EventSink {
 public:
  intake::Delivery Deliver(std::string_view stream,
                           std::span<const intake::EventRef> events) override;
  int64_t count() const { return count_.load(); }

 private:
  std::atomic<int64_t> count_{0};
};

}  // namespace s1c::app
