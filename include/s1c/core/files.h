// The file-system steps several modules share (state files, the dead-letter
// file, the config and its secret files): making private directories and
// reading a whole file with a size limit, one copy of each. POSIX calls, so
// messages carry errno's text.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "s1c/core/status.h"

namespace s1c::files {

// Creates `dir` and its missing parents with mode 0700 (they hold raw events
// and checkpoints). Existing directories are left as they are (a systemd
// StateDirectory= sets its own mode). `what` names the directory in errors:
// "cannot create <what> <path>: <reason>".
Status MakePrivateDirs(const std::filesystem::path& dir, std::string_view what);

// Reads the whole file. kNotFound when it does not exist; kIo "cannot read
// file <path>: <errno text>" when it cannot be opened or read; kCorrupt
// "<path> is larger than <max_bytes> bytes" as soon as it is (the rest is not
// read). Never quotes the content.
Result<std::string> ReadWholeFile(const std::filesystem::path& path, size_t max_bytes);

}  // namespace s1c::files
