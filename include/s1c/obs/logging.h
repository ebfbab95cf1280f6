// Logging set-up: one process-wide spdlog logger on stderr, human text on a
// terminal or JSON lines for containers and journald scrapers. Messages
// follow style.md: "One sentence. key=value ...". Secrets never reach a log
// call: callers log SecretRef::Describe(), never values.
#pragma once

#include <string>

#include "s1c/core/status.h"

namespace s1c::obs {

struct LogOptions {
  std::string level = "info";   // trace|debug|info|warn|error
  std::string format = "text";  // text|json
};

// Installs the default logger. Returns kInvalidArgument for an unknown level
// or format.
Status SetupLogging(const LogOptions& options);

// Escapes `text` as the inside of a JSON string (no surrounding quotes).
std::string JsonEscape(std::string_view text);

}  // namespace s1c::obs
