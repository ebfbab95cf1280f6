#include "fd_limit.h"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>

namespace s1c::app {
namespace {

constexpr uint64_t kBaseDescriptors = 64;

uint64_t Value(rlim_t v) { return v == RLIM_INFINITY ? UINT64_MAX : static_cast<uint64_t>(v); }

}  // namespace

Result<FdRaise> RaiseFdLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return IoError(std::string("cannot read the open-file limit: ") + std::strerror(errno));
  }
  FdRaise out;
  out.before = {Value(limit.rlim_cur), Value(limit.rlim_max)};
  out.after = out.before;
  if (limit.rlim_cur == limit.rlim_max) return out;
  limit.rlim_cur = limit.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return IoError(std::string("cannot raise the open-file limit: ") + std::strerror(errno));
  }
  out.after.soft = out.after.hard;
  return out;
}

uint64_t DescriptorsNeeded(const config::Config& config) {
  uint64_t needed = kBaseDescriptors;
  for (const config::ConsoleConfig& console : config.consoles) {
    uint64_t streams = 0;
    for (const config::StreamConfig& s : console.streams) streams += s.enabled ? 1 : 0;
    needed += 2 * streams + 1 + 2;
  }
  return needed;
}

std::optional<std::string> FdLimitProblem(uint64_t needed, const FdLimits& limits,
                                          size_t consoles) {
  if (needed <= limits.soft) return std::nullopt;
  return "The open-file limit is too low for this fleet; polls will fail with \"Too many open "
         "files\". consoles=" +
         std::to_string(consoles) + " descriptors_needed=" + std::to_string(needed) +
         " limit=" + std::to_string(limits.soft) + " hard_limit=" +
         (limits.hard == UINT64_MAX ? std::string("unlimited") : std::to_string(limits.hard)) +
         " fix=\"raise LimitNOFILE= in the systemd unit (the packaged unit sets 65536), ulimit -n "
         "in a shell, or --ulimit nofile= for a container\"";
}

}  // namespace s1c::app
