// Fault injection rules shared by s1-simulator and intake-sink.
//
// A rule says "answer the next matching requests with this failure". Rules
// come from `--fault MODE[:PROBABILITY[:key=value,...]]` flags at start and
// from JSON bodies POSTed to the control endpoint while running:
//   {"mode": "error_500", "probability": 0.5, "count": 3, "streams": ["threats"],
//    "delay_ms": 200, "retry_after_seconds": 2, "duration_ms": 5000}
// Each program passes the modes it knows; anything else is an error.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/rng.h"
#include "s1c/core/status.h"

namespace s1c::sim {

struct FaultRule {
  std::string mode;
  // Chance that a matching request is hit, drawn from the set's seeded Rng.
  double probability = 1.0;
  // Hits left; nullopt = unlimited. The rule disappears when it reaches 0.
  std::optional<int64_t> remaining;
  // Scopes (stream names) the rule applies to; empty = every scope.
  std::vector<std::string> streams;
  // For "slow": how long to wait before answering. Default 1000 ms.
  std::chrono::milliseconds delay{1000};
  // For rate limits: the Retry-After value to send, if any.
  std::optional<int> retry_after_seconds;
  // For time-boxed rules ("duration_ms"): the rule disappears at this instant.
  std::optional<std::chrono::steady_clock::time_point> expires_at;
};

// Parses a JSON rule body. `now` anchors "duration_ms". Unknown keys, unknown
// modes and out-of-range values are kInvalidArgument with a message naming them.
Result<FaultRule> ParseFaultRuleJson(std::string_view body,
                                     const std::vector<std::string>& allowed_modes,
                                     std::chrono::steady_clock::time_point now);

// Parses the flag form MODE[:PROBABILITY[:key=value,...]], where the keys are
// those of the JSON form (count, delay_ms, retry_after_seconds, duration_ms,
// streams with '+' between names), e.g. "slow:0.5:delay_ms=200,streams=threats".
Result<FaultRule> ParseFaultFlag(std::string_view flag,
                                 const std::vector<std::string>& allowed_modes,
                                 std::chrono::steady_clock::time_point now);

// The active rules. Thread-safe.
class FaultSet {
 public:
  explicit FaultSet(uint64_t seed) : rng_(seed) {}

  void Add(FaultRule rule);
  void Clear();

  // Returns the first rule that is live at `now`, covers `scope`, and wins its
  // probability draw, after counting the hit against it; nullopt when none does.
  std::optional<FaultRule> Pick(std::string_view scope, std::chrono::steady_clock::time_point now);

  // The live rules as a JSON array, for the control endpoint.
  std::string ToJson(std::chrono::steady_clock::time_point now);

 private:
  void DropExpiredLocked(std::chrono::steady_clock::time_point now);

  std::mutex mu_;
  Rng rng_;
  std::vector<FaultRule> rules_;
};

}  // namespace s1c::sim
