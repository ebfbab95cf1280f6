// The pipeline of one (console, stream), built one way for `run` and
// `backfill`: the console's client behind its request budget, the poller
// with its options, sink and store, and the settings of the StreamTask that
// drives it (the one retry policy of both commands).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "runtime.h"
#include "s1c/core/clock.h"
#include "s1c/core/stop_token.h"
#include "s1c/intake/event_sink.h"
#include "s1c/pipeline/poller.h"
#include "s1c/s1/client.h"
#include "s1c/sched/rate_limited_source.h"
#include "s1c/sched/stream_task.h"
#include "s1c/sched/token_bucket.h"
#include "s1c/state/state_store.h"

namespace s1c::app {

// A console's client behind a request budget: a token bucket that every
// stream reading through this source shares, paused as a whole by a 429
// (docs/design.md section 5). Thread-safe.
class ConsolePageSource {
 public:
  ConsolePageSource(ConsoleRuntime& console, double requests_per_second, Clock& clock,
                    StopToken stop);

  s1::PageSource& source() { return source_; }

 private:
  sched::TokenBucket bucket_;
  sched::RateLimitedSource source_;
};

// A backfill's closed time range, read under its own checkpoint.
struct StreamRange {
  std::string state_name;  // The checkpoint's name (BackfillStateName).
  std::string from;        // ISO-8601, inclusive: where a new checkpoint starts.
  std::string to;          // ISO-8601, exclusive.
};

struct StreamPipelineOptions {
  // Unset (default): the daemon's stream, from its checkpoint, start_from,
  // lookback and poll interval. Set: one long drain of the range with no
  // lookback, finished when the range is done, with RangeTaskOptions().
  std::optional<StreamRange> range;
  bool once = false;                   // run --once: finish at the first caught-up cycle.
  intake::EventSink* sink = nullptr;   // Default (null): the stream's intake forwarder.
  state::StateStore* store = nullptr;  // Default (null): the runtime's state store.
};

// A stream's poller and the settings of the StreamTask to run it with (the
// caller makes the task: it brings the observer).
struct StreamPipeline {
  std::unique_ptr<pipeline::Poller> poller;
  sched::StreamTaskOptions task_options;
};

// Builds the pipeline of `stream`, one of `console`'s streams, reading pages
// from `source` (a ConsolePageSource's). REQUIRES: `source`, and the sink and
// store when given, outlive the result.
StreamPipeline BuildStreamPipeline(Runtime& runtime, ConsoleRuntime& console,
                                   const config::StreamConfig& stream, s1::PageSource& source,
                                   const StreamPipelineOptions& options = {});

// The StreamTask settings of a backfill: finished at the range's end; API
// failures retried with capped backoff (1 s to 60 s), giving up after 10 in a
// row with no event delivered in between, or at once when not retryable
// (401, 403, a rejected batch: the run is resumable once that is fixed).
sched::StreamTaskOptions RangeTaskOptions();

}  // namespace s1c::app
