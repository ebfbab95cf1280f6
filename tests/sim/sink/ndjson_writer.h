// NdjsonWriter: the sink's record of accepted events, one file per label.
#pragma once

#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "s1c/core/status.h"

namespace s1c::sim {

// Appends events to <dir>/<label>.ndjson, one per line, exactly as given.
// Files are opened on first use, in append mode, and kept open. Thread-safe:
// one batch's lines are never interleaved with another's.
class NdjsonWriter {
 public:
  explicit NdjsonWriter(std::string dir) : dir_(std::move(dir)) {}
  ~NdjsonWriter();
  NdjsonWriter(const NdjsonWriter&) = delete;
  NdjsonWriter& operator=(const NdjsonWriter&) = delete;

  // Appends each event plus "\n" and flushes to the OS before returning, so a
  // test reading the file after the 200 sees the whole batch.
  Status Append(const std::string& label, const std::vector<std::string>& events);

  std::string PathFor(const std::string& label) const { return dir_ + "/" + label + ".ndjson"; }

 private:
  std::string dir_;
  std::mutex mu_;
  std::map<std::string, std::FILE*> files_;
};

// True for labels usable as file names: [A-Za-z0-9_.-]+, not "." or "..".
bool IsValidLabel(const std::string& label);

}  // namespace s1c::sim
