#include "backfill_command.h"

#include <signal.h>
#include <spdlog/sinks/sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <mutex>

#include "backfill_loop.h"
#include "backfill_range.h"
#include "backfill_sinks.h"
#include "command_text.h"
#include "exit_codes.h"
#include "progress.h"
#include "runtime.h"
#include "s1c/core/iso_time.h"
#include "s1c/state/file_state_store.h"
#include "s1c/state/mem_state_store.h"
#include "stream_pipeline.h"

namespace s1c::app {
namespace {

// Routes log lines around the progress bar (clear the bar, print, redraw)
// so they never land in the middle of it. Stays installed until exit; the
// reporter is detached before it goes away. Thread-safe.
class ProgressAwareSink final : public spdlog::sinks::sink {
 public:
  explicit ProgressAwareSink(std::shared_ptr<spdlog::sinks::sink> inner)
      : inner_(std::move(inner)) {}
  void Attach(ProgressReporter* reporter) {
    std::lock_guard<std::mutex> lock(mu_);
    reporter_ = reporter;
  }
  void log(const spdlog::details::log_msg& msg) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (reporter_ == nullptr) {
      inner_->log(msg);
      return;
    }
    reporter_->AroundOutput([&] {
      inner_->log(msg);
      inner_->flush();
    });
  }
  void flush() override { inner_->flush(); }
  void set_pattern(const std::string& pattern) override { inner_->set_pattern(pattern); }
  void set_formatter(std::unique_ptr<spdlog::formatter> f) override {
    inner_->set_formatter(std::move(f));
  }

 private:
  std::shared_ptr<spdlog::sinks::sink> inner_;
  std::mutex mu_;
  ProgressReporter* reporter_ = nullptr;
};

// Wraps the default logger's sinks in ProgressAwareSinks attached to the
// reporter while this object lives; afterwards they pass lines straight
// through (they are left in place: swapping sinks back could race with a
// log call from the signal thread).
class BarSafeLogging {
 public:
  explicit BarSafeLogging(ProgressReporter& reporter) {
    auto logger = spdlog::default_logger();
    for (auto& s : logger->sinks()) {
      auto wrapped = std::make_shared<ProgressAwareSink>(s);
      wrapped->Attach(&reporter);
      wrapped->set_level(s->level());
      wrappers_.push_back(wrapped);
      s = wrapped;
    }
  }
  ~BarSafeLogging() {
    for (auto& w : wrappers_) w->Attach(nullptr);
  }

 private:
  std::vector<std::shared_ptr<ProgressAwareSink>> wrappers_;
};

struct ResolvedRange {
  int64_t from_us = 0;
  int64_t to_us = 0;
  std::string to_source;  // "given", "now" or "fixed at the first start".
};

// Finds the range: --to as given, else the end an earlier, unfinished run
// of the same (console, stream, from) fixed, else now. InvalidArgument for
// bad flags; other errors for an unreadable state directory.
Result<ResolvedRange> ResolveRange(const BackfillOptions& o, state::StateStore& store,
                                   int64_t now_us) {
  ResolvedRange r;
  Result<int64_t> from = ParseRangeTime(o.from);
  if (!from.ok()) return from.status().Annotate("--from");
  r.from_us = *from;
  if (!o.to.empty()) {
    Result<int64_t> to = ParseRangeTime(o.to);
    if (!to.ok()) return to.status().Annotate("--to");
    if (*to > now_us) {
      return InvalidArgument("--to " + o.to +
                             " is in the future; a backfill pulls a closed range (omit --to to "
                             "end it now; the daemon collects what comes after)");
    }
    r.to_us = *to;
    r.to_source = "given";
  } else {
    Result<state::StateListing> listing = store.List();
    if (!listing.ok()) return listing.status();
    const std::string prefix = BackfillNamePrefix(o.stream, r.from_us);
    for (const auto& bad : listing->errors) {
      if (bad.console == o.console && bad.name.starts_with(prefix)) return bad.error;
    }
    std::vector<int64_t> unfinished;
    for (const auto& e : listing->entries) {
      if (e.console != o.console || !e.name.starts_with(prefix)) continue;
      const auto parsed = ParseBackfillStateName(e.name);
      if (parsed && e.checkpoint.watermark_us < parsed->to_us) unfinished.push_back(parsed->to_us);
    }
    if (unfinished.size() > 1) {
      std::string list;
      for (int64_t t : unfinished) list += (list.empty() ? "" : ", ") + FormatIsoTime(t);
      return InvalidArgument("several unfinished backfills start at --from " + o.from +
                             " (ending " + list + "); give --to to say which one to resume");
    }
    if (unfinished.size() == 1) {
      r.to_us = unfinished.front();
      r.to_source = "fixed at the first start";
    } else {
      // Whole seconds: the end shows up in the checkpoint name.
      r.to_us = now_us - now_us % 1000000;
      r.to_source = "now";
    }
  }
  if (r.from_us >= r.to_us) {
    return InvalidArgument("--from " + FormatIsoTime(r.from_us) + " is not before --to " +
                           FormatIsoTime(r.to_us) + "; the range is empty");
  }
  return r;
}

std::string FormatRate(double events, double seconds) {
  if (seconds <= 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f/s", events / seconds);
  return buf;
}

}  // namespace

CLI::App* AddBackfillCommand(CLI::App& cli, BackfillOptions& o) {
  auto* cmd = cli.add_subcommand(
      "backfill",
      "Pull a closed time range of one stream and deliver it (resumable; the daemon's checkpoint "
      "is not touched)");
  cmd->add_option("-c,--config", o.config_path, "Configuration file")->required();
  cmd->add_option("--console", o.console, "Console name (from the configuration)")->required();
  cmd->add_option("--stream", o.stream, "Stream: activities, threats or alerts")->required();
  cmd->add_option("--from", o.from, "Start of the range, inclusive (ISO-8601 time or date)")
      ->required();
  cmd->add_option("--to", o.to,
                  "End of the range, exclusive (ISO-8601 time or date; default: now, fixed at the "
                  "first start so a resumed run uses the same range)");
  auto* output =
      cmd->add_option("--output", o.output,
                      "Write NDJSON to this file (appended; - for stdout) instead of the intake");
  cmd->add_flag("--dry-run", o.dry_run,
                "Fetch and count only: nothing is delivered and no checkpoint is written")
      ->excludes(output);
  cmd->add_option("--requests-per-second", o.requests_per_second,
                  "API request rate (default: the console's requests_per_second)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--progress-interval", o.progress_interval_seconds,
                  "Seconds between progress lines when stderr is not a terminal")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  return cmd;
}

int RunBackfill(const BackfillOptions& o, StopSource stop) {
  auto config = LoadConfigOrLog(o.config_path);
  if (!config) return kExitConfig;

  const config::ConsoleConfig* console_config = nullptr;
  std::string names;
  for (const auto& c : config->consoles) {
    if (c.name == o.console) console_config = &c;
    names += (names.empty() ? "" : ", ") + c.name;
  }
  if (console_config == nullptr) {
    spdlog::error("Unknown console. console={} known=\"{}\"", o.console, names);
    return kExitConfig;
  }
  const s1::StreamSpec* spec = s1::FindStream(o.stream);
  const config::StreamConfig* stream_config = nullptr;
  for (const auto& s : console_config->streams) {
    if (s.name == o.stream) stream_config = &s;
  }
  if (spec == nullptr || stream_config == nullptr) {
    std::string known;
    for (const auto& s : s1::AllStreams())
      known += (known.empty() ? "" : ", ") + std::string(s.name);
    spdlog::error("Unknown stream. stream={} known=\"{}\"", o.stream, known);
    return kExitConfig;
  }

  // A console may have no intake_key when each enabled stream has its own;
  // a disabled stream backfilled to the intake then has none at all.
  if (!o.dry_run && o.output.empty() &&
      stream_config->intake_key.kind == config::SecretRef::Kind::kLiteral &&
      stream_config->intake_key.value.empty()) {
    spdlog::error(
        "No intake key for this stream: the console has no intake_key and the stream none of its "
        "own; set consoles[].streams.{}.intake_key in {}, or write to a file with --output. "
        "console={} stream={}",
        o.stream, o.config_path, o.console, o.stream);
    return kExitConfig;
  }

  Runtime runtime(*config, stop.token());
  ConsoleRuntime& console = *runtime.FindConsole(o.console);
  Result<ResolvedRange> range = ResolveRange(o, runtime.store(), runtime.clock().NowMicros());
  if (!range.ok()) {
    spdlog::error("Cannot start the backfill. {}", range.status().message());
    return range.status().code() == StatusCode::kInvalidArgument ? kExitConfig : kExitFailure;
  }
  const std::string from_text = FormatIsoTime(range->from_us);
  const std::string to_text = FormatIsoTime(range->to_us);
  const std::string name = BackfillStateName(o.stream, range->from_us, range->to_us);
  const std::string checkpoint_path = runtime.store().PathFor(o.console, name).string();

  // The command that resumes this exact range (the end spelled out, since
  // "now" moves).
  std::vector<std::string> resume_argv{"s1-collector", "backfill", "-c",       o.config_path,
                                       "--console",    o.console,  "--stream", o.stream,
                                       "--from",       from_text,  "--to",     to_text};
  if (!o.output.empty()) {
    resume_argv.push_back("--output");
    resume_argv.push_back(o.output);
  }
  if (o.dry_run) resume_argv.push_back("--dry-run");
  const std::string resume = ShellCommand(resume_argv);

  Result<std::optional<state::Checkpoint>> existing = runtime.store().Load(o.console, name);
  if (!existing.ok()) {
    spdlog::error("Cannot read the backfill checkpoint. {}; to pull the range again from its start "
                  "run: {}",
                  existing.status().message(),
                  StateResetCommand(o.config_path, o.console, name, /*is_stream=*/false));
    return kExitFailure;
  }
  const int64_t done_before = existing->has_value() ? (*existing)->events_done : 0;
  if (existing->has_value() && (*existing)->watermark_us >= range->to_us) {
    spdlog::info(
        "Backfill already complete; nothing to do. console={} stream={} from={} to={} events={} "
        "checkpoint={} (to pull it again: s1-collector state reset -c {} --console {} --name {})",
        o.console, o.stream, from_text, to_text, done_before, checkpoint_path,
        ShellQuote(o.config_path), o.console, name);
    return kExitOk;
  }

  // Where events go.
  state::MemStateStore dry_store;  // --dry-run: nothing reaches the state directory.
  DiscardSink discard;
  std::unique_ptr<NdjsonSink> ndjson;
  intake::EventSink* sink = nullptr;  // The stream's intake.
  state::StateStore* store = &runtime.store();
  std::string where = "intake " + stream_config->intake_url;
  if (o.dry_run) {
    // Start where a real run would, but keep every commit in memory.
    if (existing->has_value()) (void)dry_store.Commit(o.console, name, **existing, nullptr);
    sink = &discard;
    store = &dry_store;
    where = "nowhere (dry run)";
  } else if (!o.output.empty()) {
    Result<std::unique_ptr<NdjsonSink>> opened = NdjsonSink::Open(o.output);
    if (!opened.ok()) {
      spdlog::error("Cannot open the output. {}", opened.status().message());
      return kExitFailure;
    }
    ndjson = std::move(opened).value();
    if (!existing->has_value() && ndjson->initial_size() > 0) {
      // A new range appended to an unrelated file would be hard to untangle.
      spdlog::error(
          "The output file is not empty and this backfill has no checkpoint yet; remove it or "
          "choose another --output. output={}",
          o.output);
      return kExitFailure;
    }
    // A closed pipe must be an error we report, not a silent death.
    ::signal(SIGPIPE, SIG_IGN);
    sink = ndjson.get();
    where = ndjson->where();
  }

  const double rate =
      o.requests_per_second > 0 ? o.requests_per_second : console_config->requests_per_second;
  ConsolePageSource pages(console, rate, runtime.clock(), stop.token());
  StreamPipelineOptions pipeline_options;
  pipeline_options.range = StreamRange{name, from_text, to_text};
  pipeline_options.sink = sink;
  pipeline_options.store = store;
  StreamPipeline pipeline =
      BuildStreamPipeline(runtime, console, *stream_config, pages.source(), pipeline_options);

  spdlog::info(
      "Backfill started. console={} stream={} from={} to={} to_source=\"{}\" output=\"{}\" "
      "events_done_before={} checkpoint={}",
      o.console, o.stream, from_text, to_text, range->to_source, where, done_before,
      o.dry_run ? std::string("none (dry run)") : checkpoint_path);

  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  ProgressReporter reporter(
      terminal, std::chrono::seconds(o.progress_interval_seconds),
      [&](const std::string& fields) {
        spdlog::info("Backfill progress. console={} stream={} {}", o.console, o.stream, fields);
      },
      o.console + "/" + o.stream);
  std::optional<BarSafeLogging> bar_safe;
  if (terminal) bar_safe.emplace(reporter);

  DrainOptions drain;
  if (!o.dry_run) drain.mark_done_at_us = range->to_us;
  drain.store = store;
  const auto started = runtime.clock().MonotonicNow();
  const DrainResult result = DrainRange(
      *pipeline.poller, pipeline.task_options, runtime.clock(), stop.token(), drain,
      DefaultUniformRandom(), [&reporter](const ProgressSnapshot& s) { reporter.Update(s); },
      [&o](const Status& error, int attempt, std::chrono::milliseconds wait) {
        spdlog::warn(
            "Backfill request failed; retrying. console={} stream={} attempt={} wait_ms={} "
            "error=\"{}\"",
            o.console, o.stream, attempt, wait.count(), error.message());
      });
  reporter.Finish();
  bar_safe.reset();

  const double seconds =
      std::chrono::duration<double>(runtime.clock().MonotonicNow() - started).count();
  const int64_t events = result.done_after - result.done_before;
  const std::string figures = fmt::format(
      "console={} stream={} from={} to={} events={} dead_lettered={} pages={} duration={} "
      "rate={} delivered_to=\"{}\" events_in_range={}",
      o.console, o.stream, from_text, to_text, events, result.dead_lettered, result.pages,
      FormatDuration(seconds), FormatRate(static_cast<double>(events), seconds), where,
      result.done_after);
  if (result.complete) {
    if (!result.failure.ok()) {
      spdlog::warn("Backfill delivered but not marked done. error=\"{}\"",
                   result.failure.message());
    }
    if (o.dry_run) {
      spdlog::info(
          "Dry run complete; these events would be delivered, nothing was sent and no "
          "checkpoint was written. {}",
          figures);
    } else {
      spdlog::info("Backfill complete. {} checkpoint={}", figures, checkpoint_path);
    }
    return kExitOk;
  }
  if (!result.failure.ok()) {
    spdlog::error("Backfill failed. {} error=\"{}\"", figures, result.failure.message());
  } else {
    spdlog::warn("Backfill interrupted. {}", figures);
  }
  if (o.dry_run) {
    spdlog::info("Nothing was written; run the dry run again with: {}", resume);
  } else {
    spdlog::info("The checkpoint covers everything delivered so far; resume with: {}", resume);
  }
  return kExitFailure;
}

}  // namespace s1c::app
