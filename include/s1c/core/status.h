// Status and Result<T>: errors as values across module boundaries.
//
// A Status carries a code that says what kind of failure it is (and so
// whether it is worth retrying), a one-sentence message for humans, and an
// optional server-requested retry delay. Whether a failure is retryable is
// decided once, where the raw cause is seen (HTTP status, curl code, errno);
// callers branch on code(), never on the message text.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace s1c {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // Bad input from a user (config, CLI flag). Not retryable.
  kNotFound,           // A named thing does not exist.
  kCorrupt,            // Stored or received data is malformed. Retry only for remote data.
  kIo,                 // Local file system failure.
  kUnavailable,        // Transient remote failure (5xx, timeout, reset). Retry.
  kRateLimited,        // Remote asked us to slow down (429). Retry after a delay.
  kUnauthenticated,    // 401: token or key wrong, expired or revoked. Retry slowly.
  kPermissionDenied,   // 403: token lacks a permission or scope. Retry slowly.
  kRejected,           // Remote refused this request for good (400, 413...). Do not retry.
  kBrokenState,        // Local state (a checkpoint file) cannot be trusted. A human repairs or
                       // resets it; retrying changes nothing.
  kCancelled,          // A stop was requested.
  kInternal,           // A bug: an invariant did not hold.
};

// Returns a short lower-case name such as "unavailable", for logs.
const char* StatusCodeName(StatusCode code);

// Failures that no retry can fix: a human must change a token, a permission,
// the configuration or a broken state file. Streams failing so retry slowly
// (or not at all, for state) and report unhealthy.
bool NeedsHuman(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // A delay the remote side asked for (Retry-After), when it gave one.
  const std::optional<std::chrono::milliseconds>& retry_after() const { return retry_after_; }
  Status& WithRetryAfter(std::chrono::milliseconds delay) {
    retry_after_ = delay;
    return *this;
  }

  // True for failures that may succeed if tried again later.
  bool IsRetryable() const {
    return code_ == StatusCode::kUnavailable || code_ == StatusCode::kRateLimited ||
           code_ == StatusCode::kCorrupt;
  }

  // Returns a copy whose message is "<context>: <message>".
  Status Annotate(const std::string& context) const;

  // "unavailable: <message>"
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::optional<std::chrono::milliseconds> retry_after_;
};

inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status Corrupt(std::string m) { return {StatusCode::kCorrupt, std::move(m)}; }
inline Status IoError(std::string m) { return {StatusCode::kIo, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// Either a value or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    if (std::get<Status>(v_).ok()) v_ = Status(StatusCode::kInternal, "Result built from an ok Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // REQUIRES: ok()
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // Returns Ok when ok().
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace s1c

// Returns early from the enclosing function when `expr` yields a non-ok Status.
#define S1C_RETURN_IF_ERROR(expr)             \
  do {                                        \
    ::s1c::Status s1c_status_ = (expr);       \
    if (!s1c_status_.ok()) return s1c_status_; \
  } while (0)
