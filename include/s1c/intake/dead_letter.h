// DeadLetter: events the intake will never accept (over 250,000 bytes) are
// appended here instead of blocking the stream (docs/design.md section 6).
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string_view>

#include "s1c/core/status.h"

namespace s1c::intake {

// Appends one NDJSON line per event to <state_dir>/dead-letter.ndjson:
// {"console":..,"stream":..,"key":..,"reason":..,"bytes":N,"event":"<raw event as a JSON string>"}
// and fsyncs before returning, so an event counted as dead-lettered is on
// disk. The file is created 0600. Thread-safe.
class DeadLetter {
 public:
  explicit DeadLetter(std::filesystem::path path);
  Status Write(std::string_view console, std::string_view stream, std::string_view key,
               std::string_view reason, std::string_view event_json);
  const std::filesystem::path& path() const { return path_; }
  uint64_t count() const;

 private:
  std::filesystem::path path_;
  mutable std::mutex mu_;
  uint64_t count_ = 0;
};

}  // namespace s1c::intake
