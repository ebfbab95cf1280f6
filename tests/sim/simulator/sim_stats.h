// SimStats: what the simulator has done, for GET /_sim/stats.
#pragma once

#include <atomic>

#include "common/counters.h"

namespace s1c::sim {

// Thread-safe (each table locks itself).
struct SimStats {
  CounterTable requests;       // [endpoint][status]
  CounterRow events_served;    // [stream] rows sent in complete 200 pages.
  CounterRow bytes_served;     // [stream] body bytes on the wire (after gzip) of those pages.
  CounterRow faults_injected;  // [mode]
  CounterRow live_added;       // [stream] rows appended by live mode.
  // Set once a bounded live phase (--live-seconds) has added its last row
  // and every row it added is visible (late rows, --late-ms, included): from
  // then on the corpus is final, so a test may read what to expect.
  std::atomic<bool> live_finished{false};
  // [token] API requests that presented a valid token (whatever the answer
  // then was): tells which client asked, e.g. which collector process of a
  // sharded fleet, when each is given its own token.
  CounterRow requests_by_token;
};

}  // namespace s1c::sim
