#include "stream_pipeline.h"

#include <algorithm>
#include <climits>

namespace s1c::app {

ConsolePageSource::ConsolePageSource(ConsoleRuntime& console, double requests_per_second,
                                     Clock& clock, StopToken stop)
    : bucket_(requests_per_second, std::max(1.0, requests_per_second), clock),
      source_(*console.client, bucket_, std::move(stop), DefaultUniformRandom()) {}

sched::StreamTaskOptions RangeTaskOptions() {
  sched::StreamTaskOptions o;
  o.once = true;
  o.once_max_failures = 10;
  o.error_backoff = {std::chrono::milliseconds(1000), std::chrono::milliseconds(60000), 2.0};
  return o;
}

StreamPipeline BuildStreamPipeline(Runtime& runtime, ConsoleRuntime& console,
                                   const config::StreamConfig& stream, s1::PageSource& source,
                                   const StreamPipelineOptions& options) {
  const config::ConsoleConfig& cc = *console.config;
  pipeline::PollerOptions poller_options;
  poller_options.console = cc.name;
  poller_options.spec = s1::FindStream(stream.name);
  poller_options.page_size = stream.page_size;
  poller_options.params = Runtime::StreamParamsFor(stream);
  // One fsync per page caps throughput; a second's worth of acknowledged
  // pages is what a crash may re-send on top of the page in flight.
  poller_options.commit_interval = kCommitInterval;

  StreamPipeline out;
  if (options.range) {
    poller_options.state_name = options.range->state_name;
    poller_options.start_from = options.range->from;
    poller_options.until = options.range->to;
    // One long drain: the page budget only exists to share a worker between streams.
    poller_options.max_pages_per_cycle = INT_MAX;
    out.task_options = RangeTaskOptions();
  } else {
    poller_options.start_from = stream.start_from;
    poller_options.lookback_seconds = stream.lookback_seconds;
    out.task_options.poll_interval = std::chrono::seconds(stream.poll_interval_seconds);
    out.task_options.once = options.once;
  }

  intake::EventSink& sink =
      options.sink != nullptr ? *options.sink : *console.IntakeFor(stream).forwarder;
  state::StateStore& store = options.store != nullptr ? *options.store : runtime.store();
  out.poller = std::make_unique<pipeline::Poller>(std::move(poller_options), source, sink, store,
                                                  runtime.clock(), DefaultUniformRandom());
  return out;
}

}  // namespace s1c::app
