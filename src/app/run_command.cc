#include "run_command.h"

#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "exit_codes.h"
#include "runtime.h"
#include "s1c/sched/rate_limited_source.h"
#include "s1c/sched/scheduler.h"
#include "s1c/sched/stream_task.h"
#include "s1c/sched/token_bucket.h"

namespace s1c::app {
namespace {

// Enough workers that slow consoles (a request can take up to its timeout)
// do not hold up the others, without one thread per stream for big installs.
constexpr int kMaxWorkers = 32;

// Logs what each stream does. Thread-safe (spdlog is).
class LoggingObserver final : public sched::StreamObserver {
 public:
  void OnCycle(const std::string& console, const std::string& stream,
               const pipeline::CycleResult& r, const state::Checkpoint* cp) override {
    // A caught-up stream re-reads the event on its watermark every poll and
    // skips it: not news.
    if (r.events_forwarded == 0) return;
    spdlog::info("Delivered events. console={} stream={} events={} dead_lettered={} skipped={} pages={} watermark={}",
                 console, stream, r.events_forwarded, r.events_dead_lettered, r.events_skipped, r.pages,
                 cp ? cp->watermark : "-");
  }
  void OnError(const std::string& console, const std::string& stream, const Status& error,
               int failures) override {
    spdlog::error("Poll failed. console={} stream={} failures={} error=\"{}\"", console, stream, failures,
                  error.ToString());
  }
};

// Per-stream objects that must outlive the scheduler run.
struct StreamSlot {
  std::unique_ptr<pipeline::Poller> poller;
  std::unique_ptr<sched::StreamTask> task;
};

}  // namespace

int RunDaemon(const RunOptions& options, StopSource stop) {
  auto config = LoadConfigOrLog(options.config_path);
  if (!config) return kExitConfig;
  Runtime runtime(*config, stop.token());
  LoggingObserver observer;
  sched::Scheduler scheduler(runtime.clock(), kMaxWorkers);

  std::vector<std::unique_ptr<sched::TokenBucket>> buckets;
  std::vector<std::unique_ptr<sched::RateLimitedSource>> sources;
  std::vector<StreamSlot> slots;
  for (auto& console : runtime.consoles()) {
    const auto& cc = *console.config;
    buckets.push_back(std::make_unique<sched::TokenBucket>(
        cc.requests_per_second, std::max(1.0, cc.requests_per_second), runtime.clock()));
    sources.push_back(std::make_unique<sched::RateLimitedSource>(*console.client, *buckets.back(),
                                                                 stop.token(), DefaultUniformRandom()));
    for (const auto& stream : cc.streams) {
      if (!stream.enabled) continue;
      StreamSlot slot;
      slot.poller = std::make_unique<pipeline::Poller>(Runtime::PollerOptionsFor(cc, stream),
                                                       *sources.back(), *console.forwarder,
                                                       runtime.store(), runtime.clock(),
                                                       DefaultUniformRandom());
      sched::StreamTaskOptions task_options;
      task_options.poll_interval = std::chrono::seconds(stream.poll_interval_seconds);
      task_options.once = options.once;
      slot.task = std::make_unique<sched::StreamTask>(*slot.poller, task_options, observer,
                                                      DefaultUniformRandom());
      scheduler.Add(cc.name + "/" + stream.name,
                    [task = slot.task.get()](const StopToken& s) { return (*task)(s); });
      slots.push_back(std::move(slot));
    }
  }
  spdlog::info("Collector started. consoles={} streams={} state_dir={}", runtime.consoles().size(),
               slots.size(), config->state_dir);

  // In once mode a watcher ends the run when every stream is done.
  std::thread once_watcher;
  if (options.once) {
    once_watcher = std::thread([&] {
      while (!stop.StopRequested()) {
        bool all_done = true;
        for (const auto& s : slots) all_done = all_done && s.task->finished();
        if (all_done) break;
        runtime.clock().SleepFor(std::chrono::milliseconds(50), stop.token());
      }
      stop.RequestStop();
    });
  }
  scheduler.Run(stop.token());
  if (once_watcher.joinable()) once_watcher.join();

  bool any_failed = false;
  for (const auto& s : slots) any_failed = any_failed || s.task->failed();
  spdlog::info("Collector stopped.");
  return any_failed ? kExitFailure : kExitOk;
}

}  // namespace s1c::app
