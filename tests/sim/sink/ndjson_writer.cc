#include "sink/ndjson_writer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace s1c::sim {

NdjsonWriter::~NdjsonWriter() {
  for (auto& [label, file] : files_) std::fclose(file);
}

Status NdjsonWriter::Append(const std::string& label, const std::vector<std::string>& events) {
  std::lock_guard<std::mutex> lock(mu_);
  std::FILE*& file = files_[label];
  if (file == nullptr) {
    file = std::fopen(PathFor(label).c_str(), "ab");
    if (file == nullptr) {
      files_.erase(label);
      return IoError("cannot open " + PathFor(label) + ": " + std::strerror(errno));
    }
  }
  for (const std::string& event : events) {
    if (std::fwrite(event.data(), 1, event.size(), file) != event.size() ||
        std::fputc('\n', file) == EOF) {
      return IoError("cannot write " + PathFor(label) + ": " + std::strerror(errno));
    }
  }
  if (std::fflush(file) != 0)
    return IoError("cannot flush " + PathFor(label) + ": " + std::strerror(errno));
  return Status::Ok();
}

bool IsValidLabel(const std::string& label) {
  if (label.empty() || label == "." || label == "..") return false;
  return std::all_of(label.begin(), label.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

}  // namespace s1c::sim
