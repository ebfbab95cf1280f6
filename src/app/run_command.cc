#include "run_command.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "command_text.h"
#include "exit_codes.h"
#include "fd_limit.h"
#include "instrumentation.h"
#include "runtime.h"
#include "s1c/core/files.h"
#include "s1c/core/thread_name.h"
#include "s1c/obs/health.h"
#include "s1c/obs/logging.h"
#include "s1c/obs/metrics.h"
#include "s1c/obs/service_notify.h"
#include "s1c/obs/status_server.h"
#include "s1c/sched/scheduler.h"
#include "s1c/sched/startup_spread.h"
#include "s1c/sched/stream_task.h"
#include "shard.h"
#include "stream_pipeline.h"

namespace s1c::app {
namespace {

// A fleet up to this many streams (or consoles, for the token checks) starts
// polling at once; a larger one spreads its first polls over the interval.
constexpr size_t kStartTogether = 32;

// The scheduler's heartbeat task runs this often; the systemd watchdog is
// fed only while it keeps running (obs::ServiceMonitor).
constexpr std::chrono::milliseconds kHeartbeatInterval{1000};

// A large fleet's first token-expiry checks are spread over this window.
constexpr std::chrono::milliseconds kTokenCheckSpread{60000};

// Logs what each stream does. Thread-safe (spdlog is).
class LoggingObserver final : public sched::StreamObserver {
 public:
  LoggingObserver(std::filesystem::path dead_letter_file, std::string config_path)
      : dead_letter_file_(std::move(dead_letter_file)), config_path_(std::move(config_path)) {}

  void OnCycle(const std::string& console, const std::string& stream,
               const pipeline::CycleResult& r, const state::Checkpoint* cp) override {
    // A caught-up stream re-reads the event on its watermark every poll and
    // skips it: not news.
    if (r.events_forwarded == 0) return;
    spdlog::info(
        "Delivered events. console={} stream={} events={} dead_lettered={} skipped={} pages={} "
        "watermark={}",
        console, stream, r.events_forwarded, r.events_dead_lettered, r.events_skipped, r.pages,
        cp ? cp->watermark : "-");
    if (r.events_dead_lettered > 0) {
      // The intake would refuse these forever; they are kept, not dropped.
      spdlog::warn(
          "Events too large for the intake were written to the dead-letter file. console={} "
          "stream={} events={} file={}",
          console, stream, r.events_dead_lettered, dead_letter_file_.string());
    }
  }
  void OnError(const std::string& console, const std::string& stream, const Status& error,
               int failures) override {
    if (error.code() == StatusCode::kBrokenState) {
      // Said once: the stream waits for a human (StreamTask parks it).
      spdlog::error(
          "Checkpoint unreadable; this stream stops until it is repaired or reset. console={} "
          "stream={} error=\"{}\" fix=\"stop the collector, then run: {} (the stream starts "
          "again from start_from)\"",
          console, stream, error.message(),
          StateResetCommand(config_path_, console, stream, /*is_stream=*/true));
      return;
    }
    spdlog::error("Poll failed. console={} stream={} failures={} error=\"{}\"", console, stream,
                  failures, error.ToString());
  }

 private:
  const std::filesystem::path dead_letter_file_;
  const std::string config_path_;
};

// Per-stream objects that must outlive the scheduler run.
struct StreamSlot {
  std::string console;
  std::string stream;
  std::unique_ptr<pipeline::Poller> poller;
  std::unique_ptr<sched::StreamTask> task;
};

// Makes sure the state directory exists (mode 0700 when created) and is
// writable before READY=1, so a read-only mount or a wrong owner is
// reported at start, naming the directory, not at the first commit.
Status CheckStateDir(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec)) {
    return IoError("state_dir " + dir + " is not a directory");
  }
  S1C_RETURN_IF_ERROR(files::MakePrivateDirs(dir, "state_dir"));
  const auto probe = std::filesystem::path(dir) / (".s1c-write-test." + std::to_string(::getpid()));
  {
    std::ofstream out(probe, std::ios::trunc);
    if (!out || !(out << "ok")) {
      return IoError("state_dir " + dir + " is not writable by this user (uid " +
                     std::to_string(::getuid()) + ")");
    }
  }
  std::filesystem::remove(probe, ec);
  return Status::Ok();
}

// Raises the open-file limit and says when the fleet needs more than that.
void CheckFdLimit(const config::Config& config) {
  Result<FdRaise> raised = RaiseFdLimit();
  if (!raised.ok()) {
    spdlog::warn("Could not raise the open-file limit. error=\"{}\"", raised.status().message());
    return;
  }
  if (raised->after.soft != raised->before.soft) {
    spdlog::info("Raised the open-file limit to the hard limit. soft_before={} soft={} hard={}",
                 raised->before.soft, raised->after.soft, raised->after.hard);
  }
  const uint64_t needed = DescriptorsNeeded(config);
  if (auto problem = FdLimitProblem(needed, raised->after, config.consoles.size())) {
    spdlog::error("{}", *problem);
  }
}

// "6 streams: 6 ok, 0 failing; 12345 events forwarded" for systemctl status.
std::string StatusLine(const obs::HealthReport& report, double forwarded) {
  const size_t ok = report.healthy_count();
  return std::to_string(report.streams.size()) + " streams: " + std::to_string(ok) + " ok, " +
         std::to_string(report.streams.size() - ok) + " failing; " +
         obs::FormatSampleValue(forwarded) + " events forwarded";
}

}  // namespace

int RunDaemon(const RunOptions& options, StopSource stop, HangupRelay& hangup) {
  auto config = LoadConfigOrLog(options.config_path);
  if (!config) return kExitConfig;
  if (!options.log_level || !options.log_format) {
    const obs::LogOptions log{options.log_level.value_or(config->log.level),
                              options.log_format.value_or(config->log.format)};
    if (Status st = obs::SetupLogging(log); !st.ok()) {
      spdlog::error("Configuration is invalid. log: {}", st.message());
      return kExitConfig;
    }
  }
  Result<std::optional<Shard>> shard = ApplyShardOption(options.shard, *config);
  if (!shard.ok()) {
    spdlog::error("Bad --shard. {}", shard.status().message());
    return kExitConfig;
  }
  if (Status st = CheckStateDir(config->state_dir); !st.ok()) {
    spdlog::error("State directory is not usable. {}", st.message());
    return kExitConfig;
  }
  CheckFdLimit(*config);

  obs::SystemdNotifier notifier;
  obs::MetricsRegistry registry;
  CollectorMetrics metrics(registry);
  metrics.build_info.With({S1C_VERSION}).Set(1);
  if (*shard) RegisterShardMetrics(registry, **shard, config->consoles.size());
  const TransportWrapper count_requests =
      [&metrics](std::unique_ptr<http::HttpTransport> inner, const std::string& console,
                 const char* target) -> std::unique_ptr<http::HttpTransport> {
    auto& family =
        std::string_view(target) == "api" ? metrics.api_requests : metrics.intake_requests;
    return std::make_unique<CountingTransport>(std::move(inner), family, console);
  };
  Runtime runtime(*config, stop.token(), count_requests, TransferThread::kScheduler);
  obs::HealthBoard health(runtime.clock());
  LoggingObserver logging(runtime.dead_letter().path(), options.config_path);
  MetricsObserver observer(metrics, registry, health, runtime.clock(), logging);
  obs::Heartbeat heartbeat(runtime.clock());

  size_t stream_count = 0;
  for (const auto& console : runtime.consoles()) {
    for (const auto& stream : console.config->streams) stream_count += stream.enabled ? 1 : 0;
  }
  // The transfers run on the scheduler's thread, beside the fibers that wait for them.
  sched::Scheduler scheduler(runtime.clock(), runtime.io_loop());
  scheduler.OnStartDelay([&delays = metrics.task_start_delay](auto delay) {
    delays.Observe({}, std::chrono::duration<double>(delay).count());
  });
  size_t stream_index = 0;
  size_t console_index = 0;

  std::vector<std::unique_ptr<ConsolePageSource>> sources;
  std::vector<StreamSlot> slots;
  std::vector<std::unique_ptr<TokenExpiryProbe>> probes;
  for (auto& console : runtime.consoles()) {
    const auto& cc = *console.config;
    sources.push_back(std::make_unique<ConsolePageSource>(console, cc.requests_per_second,
                                                          runtime.clock(), stop.token()));
    for (const auto& stream : cc.streams) {
      if (!stream.enabled) continue;
      StreamSlot slot;
      slot.console = cc.name;
      slot.stream = stream.name;
      StreamPipelineOptions pipeline_options;
      pipeline_options.once = options.once;
      StreamPipeline pipeline =
          BuildStreamPipeline(runtime, console, stream, sources.back()->source(), pipeline_options);
      slot.poller = std::move(pipeline.poller);
      slot.task = std::make_unique<sched::StreamTask>(*slot.poller, pipeline.task_options, observer,
                                                      DefaultUniformRandom());
      health.AddStream(cc.name, stream.name, pipeline.task_options.poll_interval);
      metrics.poll_interval.With({cc.name, stream.name})
          .Set(std::chrono::duration<double>(pipeline.task_options.poll_interval).count());
      // A state file that cannot be read is reported by the stream's first cycle.
      if (auto cp = slot.poller->Checkpoint(); cp.ok() && cp->has_value()) {
        observer.SetWatermark(cc.name, stream.name, (*cp)->watermark_us);
      }
      scheduler.Add(
          cc.name + "/" + stream.name,
          [task = slot.task.get(), &health, console_name = cc.name,
           stream_name = stream.name](const StopToken& s) {
            health.CycleStarted(console_name, stream_name);
            const auto next = (*task)(s);
            health.CycleEnded(console_name, stream_name);
            return next;
          },
          // run --once drains everything as fast as it can.
          options.once ? std::chrono::milliseconds(0)
                       : sched::StartupDelay(stream_index++, stream_count, kStartTogether,
                                             pipeline.task_options.poll_interval));
      slots.push_back(std::move(slot));
    }
    if (!options.once) {
      probes.push_back(
          std::make_unique<TokenExpiryProbe>(*console.client, runtime.clock(), cc.name, metrics));
      scheduler.Add(
          "token-expiry/" + cc.name,
          [probe = probes.back().get()](const StopToken&) { return (*probe)(); },
          sched::StartupDelay(console_index++, runtime.consoles().size(), kStartTogether,
                              kTokenCheckSpread));
    }
  }
  heartbeat.Beat();
  scheduler.Add("heartbeat", [&heartbeat](const StopToken&) {
    heartbeat.Beat();
    return kHeartbeatInterval;
  });

  std::unique_ptr<obs::StatusServer> status_server;
  if (!config->metrics.listen.empty()) {
    obs::StatusServerOptions server_options;
    server_options.listen = config->metrics.listen;
    status_server = std::make_unique<obs::StatusServer>(server_options, registry, health);
    if (Status st = status_server->Start(); !st.ok()) {
      spdlog::error("Metrics server failed to start. listen={} error=\"{}\"",
                    config->metrics.listen, st.message());
      return st.code() == StatusCode::kInvalidArgument ? kExitConfig : kExitFailure;
    }
    spdlog::info("Metrics server listening. address={} endpoints=/metrics,/healthz",
                 status_server->address());
  }

  spdlog::info("Collector started. consoles={} streams={} state_dir={}", runtime.consoles().size(),
               slots.size(), config->state_dir);

  // READY=1, then STATUS= and WATCHDOG=1 from one thread until the stop;
  // STOPPING=1 as soon as the stop is requested (in-flight work may take a
  // few more seconds).
  obs::ServiceMonitor monitor(notifier, runtime.clock(), heartbeat, [&] {
    double forwarded = 0;
    for (const auto& s : slots) {
      forwarded += metrics.events_forwarded.With({s.console, s.stream}).value();
    }
    return StatusLine(health.Evaluate(), forwarded);
  });
  notifier.Notify("READY=1");
  std::thread monitor_thread = NamedThread("s1c-sd-notify", [&] {
    monitor.Run(stop.token());
    notifier.Notify("STOPPING=1");
  });

  // In once mode a watcher ends the run when every stream is done.
  std::thread once_watcher;
  if (options.once) {
    once_watcher = NamedThread("s1c-once-watch", [&] {
      while (!stop.StopRequested()) {
        bool all_done = true;
        for (const auto& s : slots) all_done = all_done && s.task->finished();
        if (all_done) break;
        runtime.clock().SleepFor(std::chrono::milliseconds(50), stop.token());
      }
      stop.RequestStop();
    });
  }
  {
    // Secrets are read on every use; what SIGHUP adds is an immediate retry
    // of streams waiting out an auth-failure backoff (up to 5 min), so a
    // rotated token or key takes effect at once after `systemctl reload`.
    const HangupRelay::Listening listening = hangup.Listen([&scheduler] {
      spdlog::info("SIGHUP received; every stream polls now, reading its secrets again.");
      scheduler.WakeAll();
    });
    scheduler.Run(stop.token());
  }
  if (once_watcher.joinable()) once_watcher.join();
  monitor_thread.join();
  if (status_server) status_server->Stop();

  bool any_failed = false;
  for (const auto& s : slots) any_failed = any_failed || s.task->failed();
  spdlog::info("Collector stopped.");
  return any_failed ? kExitFailure : kExitOk;
}

}  // namespace s1c::app
