// Small file helpers for the config layer (private to src/config). They use
// the POSIX calls directly so error messages carry errno's text.
#pragma once

#include <cstddef>
#include <string>

#include "s1c/core/status.h"

namespace s1c::config {

// Reads the whole file. Fails with "cannot read file <path>: <errno text>"
// (kNotFound for ENOENT, else kIo), or kInvalidArgument when the file is
// larger than `max_bytes`. Never quotes the content.
Result<std::string> ReadFileLimited(const std::string& path, size_t max_bytes);

// True when the file's mode lets the group or others read it.
bool IsReadableByOthers(const std::string& path);

// "" when `path` is a regular file this process can read, else the reason
// ("No such file or directory", "is a directory", ...).
std::string UnreadableReason(const std::string& path);

}  // namespace s1c::config
