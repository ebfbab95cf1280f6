#include "s1c/core/status.h"

namespace s1c {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kCorrupt: return "corrupt";
    case StatusCode::kIo: return "io";
    case StatusCode::kUnavailable: return "unavailable";
    case StatusCode::kRateLimited: return "rate_limited";
    case StatusCode::kUnauthenticated: return "unauthenticated";
    case StatusCode::kPermissionDenied: return "permission_denied";
    case StatusCode::kRejected: return "rejected";
    case StatusCode::kBrokenState: return "broken_state";
    case StatusCode::kCancelled: return "cancelled";
    case StatusCode::kInternal: return "internal";
  }
  return "unknown";
}

bool NeedsHuman(StatusCode code) {
  return code == StatusCode::kUnauthenticated || code == StatusCode::kPermissionDenied ||
         code == StatusCode::kRejected || code == StatusCode::kBrokenState;
}

Status Status::Annotate(const std::string& context) const {
  if (ok()) return *this;
  Status annotated(code_, context + ": " + message_);
  annotated.retry_after_ = retry_after_;
  return annotated;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

}  // namespace s1c
