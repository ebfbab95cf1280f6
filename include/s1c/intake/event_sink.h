// EventSink: where the pipeline hands events for delivery. The Sekoia intake
// Forwarder is the real one; backfill --output writes NDJSON through another.
#pragma once

#include <chrono>
#include <span>
#include <string_view>

#include "s1c/core/clock.h"
#include "s1c/core/status.h"
#include "s1c/core/stop_token.h"

namespace s1c::intake {

struct EventRef {
  std::string_view json;  // Exact bytes to deliver.
  std::string_view key;   // Dedup key, for dead-letter records and logs.
};

enum class Outcome {
  kDelivered,  // Every event was accepted (2xx) or dead-lettered.
  kRetryable,  // Transient failure (408, 429, 5xx, transport): try the rest again later.
  kRejected,   // Will not succeed by retrying (400, 401/403 bad key, 413): needs a human.
};

struct Delivery {
  Outcome outcome = Outcome::kDelivered;
  // Events from the front of the input that are safely delivered or
  // dead-lettered, even when the outcome is not kDelivered (a page may be
  // split into several bodies). The caller resends only the rest.
  size_t delivered = 0;
  size_t dead_lettered = 0;  // Of `delivered`, how many went to the dead-letter file.
  int http_status = 0;       // Last HTTP status seen, 0 for transport errors.
  Status error;              // Why, when not kDelivered (Retry-After inside when given).
};

// Thread-safety is per implementation; the Forwarder is thread-safe.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual Delivery Deliver(std::string_view stream, std::span<const EventRef> events) = 0;
  // Waits `d` before a delivery that failed is tried again. A sink may end
  // the wait early once its destination is seen accepting again (another
  // stream's delivery got through). Returns false if stopped.
  virtual bool WaitToRetry(Clock& clock, std::chrono::milliseconds d, const StopToken& stop) {
    return clock.SleepFor(d, stop);
  }
  // Called before new events are fetched for this sink: while its
  // destination is failing, a sink may hold the caller back (up to
  // `max_wait`) so that only the streams already retrying hold pages.
  // Returns false if stopped.
  virtual bool WaitWhileFailing(std::chrono::milliseconds max_wait, const StopToken& stop) {
    (void)max_wait;
    return !stop.StopRequested();
  }
};

}  // namespace s1c::intake
