// HealthBoard: whether each enabled (console, stream) is doing its job, for
// /healthz, the systemd STATUS= line and the s1c_stream_up metric.
//
// Rules, evaluated at the time of the query with window
// W = max(interval_multiplier x poll_interval, min_window) (default
// max(3 x poll_interval, 5 min)):
//   1. The last cycle failed with kUnauthenticated (401), kPermissionDenied
//      (403) or kRejected (e.g. a 400 or a refused delivery): state
//      "unauthenticated" / "permission_denied" / "rejected", unhealthy at
//      once, even during the start-up grace. Only a later success clears it.
//   2. A cycle succeeded within W: "ok", or "retrying" when transient
//      failures followed that success. Healthy.
//   3. No cycle has succeeded yet and the stream was added within W:
//      "starting". Healthy (start-up grace).
//   4. Otherwise "failing": unhealthy. last_error is the last failure, or
//      says that a cycle has been running for N s without finishing (the
//      intake refusing to accept, so the poller keeps retrying) or that
//      nothing succeeded for N s.
//
// Error texts come from Status messages, which never carry a token or an
// intake key (docs/design.md section 8). Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "s1c/core/clock.h"
#include "s1c/core/status.h"

namespace s1c::obs {

struct HealthOptions {
  std::chrono::seconds min_window{300};  // Lower bound of W.
  int interval_multiplier = 3;           // W >= this many poll intervals.
};

struct StreamHealth {
  std::string console;
  std::string stream;
  std::string state;  // starting|ok|retrying|failing|unauthenticated|permission_denied|rejected
  bool healthy = false;
  std::optional<int64_t> last_success_us;  // Wall clock, microseconds since the epoch.
  std::string last_error;                  // Empty when nothing is wrong.
  int consecutive_failures = 0;
};

struct HealthReport {
  bool healthy = true;                // Every stream healthy (true when there are none).
  std::vector<StreamHealth> streams;  // In the order they were added.

  size_t healthy_count() const;
  // {"status":"ok"|"failing","streams":[{"console":..,"stream":..,"state":..,
  //  "last_success":"<ISO-8601>"|null,"last_error":".."|null,"consecutive_failures":N}]}
  std::string ToJson() const;
};

class HealthBoard {
 public:
  explicit HealthBoard(const Clock& clock, HealthOptions options = {});

  // Registers a stream; its start-up grace begins now. Re-adding is a no-op.
  void AddStream(const std::string& console, const std::string& stream,
                 std::chrono::milliseconds poll_interval);

  // A poll cycle began / ended (whatever its outcome). Used to tell a stream
  // stuck inside one long cycle (intake down) from an idle one.
  void CycleStarted(const std::string& console, const std::string& stream);
  void CycleEnded(const std::string& console, const std::string& stream);

  void RecordSuccess(const std::string& console, const std::string& stream);
  void RecordFailure(const std::string& console, const std::string& stream, const Status& error);

  HealthReport Evaluate() const;

 private:
  struct Entry {
    std::string console;
    std::string stream;
    std::chrono::steady_clock::duration window{};
    std::chrono::steady_clock::time_point added;
    std::optional<std::chrono::steady_clock::time_point> last_success;
    std::optional<int64_t> last_success_us;
    std::optional<std::chrono::steady_clock::time_point> cycle_started;
    int consecutive_failures = 0;
    StatusCode last_error_code = StatusCode::kOk;
    std::string last_error;
  };
  Entry* Find(const std::string& console, const std::string& stream);  // REQUIRES: mu_ held.

  const Clock& clock_;
  const HealthOptions options_;
  mutable std::mutex mu_;
  std::vector<Entry> entries_;
  std::map<std::pair<std::string, std::string>, size_t> index_;
};

}  // namespace s1c::obs
