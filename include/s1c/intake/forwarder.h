// Forwarder: posts events to a Sekoia.io intake (docs/design.md section 6).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "s1c/core/clock.h"
#include "s1c/core/recovery_bell.h"
#include "s1c/core/secret.h"
#include "s1c/http/transport.h"
#include "s1c/intake/dead_letter.h"
#include "s1c/intake/event_sink.h"

namespace s1c::intake {

struct ForwarderOptions {
  std::string console;                      // For dead-letter records and logs.
  std::string intake_url;                   // e.g. https://intake.sekoia.io; "/batch" is appended.
  bool gzip = true;                         // Content-Encoding: gzip on request bodies.
  size_t max_body_bytes = 9000000;          // Uncompressed JSON body limit per POST.
  size_t max_batch_events = 5000;           // Events per POST.
  size_t max_event_bytes = 250000;          // Larger events go to the dead-letter file.
  std::chrono::milliseconds timeout{60000};
  std::string user_agent;
  // The intake's state, shared by every Forwarder posting to this
  // intake_url: marked failing by a retryable answer, rung by any other, and
  // waited on between retries and before new pages are fetched, so that once
  // the intake is back every stream waiting on it goes at once.
  std::shared_ptr<RecoveryBell> recovery;
};

// What posting an empty batch {"intake_key":K,"jsons":[]} said about an
// intake (check-config --online). Nothing is delivered.
struct ProbeResult {
  std::string url;                        // The /batch URL posted to.
  Outcome outcome = Outcome::kDelivered;  // Classified as a delivery's answer would be.
  int http_status = 0;                    // 0: no answer (transport error).
  Status error;                           // Why, when not kDelivered; never holds the key.
  bool intake_reply = false;              // A 2xx shaped like an intake's {"event_ids":[...]}.
  std::string excerpt;                    // The reply body's start, the key masked.
};

// Splits the input into bodies {"intake_key":K,"jsons":["<event>",...]}
// (each event JSON-escaped once into a reused buffer), gzips them, and POSTs
// them in order to <intake_url>/batch. Stops at the first body that is not
// accepted. 2xx -> delivered; 408/429/5xx/transport -> kRetryable (with
// Retry-After); 400/401/403/413/other 4xx -> kRejected. The intake key is
// read from `intake_key` once per Deliver() call. Thread-safe.
class Forwarder final : public EventSink {
 public:
  Forwarder(http::HttpTransport& transport, const Clock& clock, ForwarderOptions options,
            SecretProvider intake_key, DeadLetter& dead_letter);
  Delivery Deliver(std::string_view stream, std::span<const EventRef> events) override;
  bool WaitToRetry(Clock& clock, std::chrono::milliseconds d, const StopToken& stop) override;
  bool WaitWhileFailing(std::chrono::milliseconds max_wait, const StopToken& stop) override;
  // Posts an empty batch with the same request a delivery sends (URL,
  // headers, gzip, key) and classifies the answer the same way.
  ProbeResult Probe(std::chrono::milliseconds timeout);

 private:
  http::HttpTransport& transport_;
  const Clock& clock_;
  ForwarderOptions options_;
  // The POST every body goes out in, without its body.
  http::Request NewRequest() const;

  SecretProvider intake_key_;
  DeadLetter& dead_letter_;
};

// Parses the intake's 200 reply {"event_ids":[...]} and returns the ids.
// kCorrupt with an excerpt for anything else. Exposed for tests and fuzzing.
Result<std::vector<std::string>> ParseIntakeReply(std::string_view body);

}  // namespace s1c::intake
