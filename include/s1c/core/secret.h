// A secret (API token, intake key) and where it comes from. Re-read on every
// use through SecretProvider so a rotated file or env value is picked up
// without restart. A secret's value is never logged: only Describe() is.
#pragma once

#include <functional>
#include <string>

#include "s1c/core/status.h"

namespace s1c {

// Returns the current value of a secret, or an error naming its source
// (never its value).
using SecretProvider = std::function<Result<std::string>()>;

}  // namespace s1c
