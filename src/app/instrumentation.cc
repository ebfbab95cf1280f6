#include "instrumentation.h"

#include <spdlog/spdlog.h>

#include "online_checks.h"

namespace s1c::app {
namespace {

const std::vector<std::string> kConsoleStream = {"console", "stream"};

// How often the token expiry is asked for: tokens live for months, and the
// call costs one request.
constexpr std::chrono::milliseconds kTokenProbeInterval = std::chrono::hours(6);
constexpr std::chrono::milliseconds kTokenProbeRetry = std::chrono::minutes(15);
// A token expiring sooner than this is logged as a warning at each probe.
constexpr std::chrono::hours kTokenExpiryWarning{24 * kTokenExpiryWarningDays};

}  // namespace

CollectorMetrics::CollectorMetrics(obs::MetricsRegistry& r)
    : build_info(r.AddGauge("s1c_build_info", "Always 1; the version label says which build runs.",
                            {"version"})),
      events_fetched(r.AddCounter("s1c_events_fetched_total",
                                  "Events read from the SentinelOne API (before skipping the ones "
                                  "already delivered).",
                                  kConsoleStream)),
      events_forwarded(r.AddCounter("s1c_events_forwarded_total",
                                    "Events accepted by the Sekoia.io intake (2xx).",
                                    kConsoleStream)),
      events_dead_lettered(r.AddCounter(
          "s1c_events_dead_lettered_total",
          "Events the intake cannot take (over its size limit), written to the dead-letter file.",
          kConsoleStream)),
      events_skipped(r.AddCounter("s1c_events_skipped_total",
                                  "Events re-read on the checkpoint boundary or by the late-event "
                                  "sweep and skipped as already delivered.",
                                  kConsoleStream)),
      late_events(r.AddCounter("s1c_late_events_total",
                               "Events the console indexed after the fresh read had passed their "
                               "time, found by the late-event sweep (lookback_seconds).",
                               kConsoleStream)),
      late_event_delay(r.AddHistogram(
          "s1c_late_event_delay_seconds",
          "For each late event, how long after its own time the fresh read that missed it ran: "
          "at least this late. Near lookback_seconds means raise it.",
          kConsoleStream, {1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600})),
      api_requests(r.AddCounter("s1c_api_requests_total",
                                "Requests to the SentinelOne API by HTTP status code (\"error\": "
                                "no response, e.g. timeout or connection failure).",
                                {"console", "code"})),
      intake_requests(r.AddCounter("s1c_intake_requests_total",
                                   "Requests to the Sekoia.io intake by HTTP status code "
                                   "(\"error\": no response).",
                                   {"console", "code"})),
      intake_retries(r.AddCounter("s1c_intake_retries_total",
                                  "Intake deliveries retried after a retryable answer (408, 429, "
                                  "5xx, network error).",
                                  kConsoleStream)),
      poll_errors(r.AddCounter("s1c_poll_errors_total",
                               "Poll cycles that failed, by Status code name (unavailable, "
                               "rate_limited, unauthenticated, ...); each is retried.",
                               {"console", "stream", "reason"})),
      checkpoint_lag(r.AddGauge("s1c_checkpoint_lag_seconds",
                                "Now minus the checkpoint watermark (the time of the newest "
                                "delivered event); grows on a quiet console even when caught up.",
                                kConsoleStream)),
      last_success(r.AddGauge("s1c_last_success_timestamp_seconds",
                              "Unix time of the stream's last successful poll cycle.",
                              kConsoleStream)),
      stream_up(r.AddGauge("s1c_stream_up",
                           "1 when the stream is healthy by the /healthz rules, else 0.",
                           kConsoleStream)),
      token_expiry(r.AddGauge("s1c_api_token_expiry_timestamp_seconds",
                              "Unix time the console's API token expires (from "
                              "users/api-token-details); absent when the console reports none.",
                              {"console"})),
      // Alert rules compare the time since the last success with it
      // (deploy/monitoring/s1-collector.rules.yml).
      poll_interval(r.AddGauge("s1c_poll_interval_seconds",
                               "The stream's poll_interval_seconds from the config.",
                               kConsoleStream)),
      // One thread runs every stream's work (docs/architecture.md, "Fibers"):
      // delays that last mean it is saturated (docs/kubernetes.md, "Sizing").
      task_start_delay(r.AddHistogram(
          "s1c_scheduler_start_delay_seconds",
          "How long after its due time each scheduled task (a stream's poll cycle, a token "
          "check) started: the time it waited while the scheduler's thread did other work.",
          {}, {0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300})) {}

CountingTransport::CountingTransport(std::unique_ptr<http::HttpTransport> inner,
                                     obs::CounterFamily& requests, std::string console)
    : inner_(std::move(inner)), requests_(requests), console_(std::move(console)) {}

Result<http::Response> CountingTransport::Send(const http::Request& request) {
  Result<http::Response> response = inner_->Send(request);
  if (response.ok()) {
    requests_.With({console_, std::to_string(response->status)}).Inc();
  } else if (response.status().code() != StatusCode::kCancelled) {
    requests_.With({console_, "error"}).Inc();
  }
  return response;
}

MetricsObserver::MetricsObserver(CollectorMetrics& metrics, obs::MetricsRegistry& registry,
                                 obs::HealthBoard& health, const Clock& clock,
                                 sched::StreamObserver& next)
    : metrics_(metrics), health_(health), clock_(clock), next_(next) {
  registry.AddCollectHook([this] { RefreshGauges(); });
}

void MetricsObserver::OnCycle(const std::string& console, const std::string& stream,
                              const pipeline::CycleResult& r, const state::Checkpoint* cp) {
  const obs::LabelValues labels = {console, stream};
  metrics_.events_fetched.With(labels).Inc(static_cast<double>(r.events_fetched));
  // CycleResult counts dead-lettered events as forwarded (delivered to the
  // sink); the metric counts only what the intake accepted.
  metrics_.events_forwarded.With(labels).Inc(
      static_cast<double>(r.events_forwarded - r.events_dead_lettered));
  metrics_.events_dead_lettered.With(labels).Inc(static_cast<double>(r.events_dead_lettered));
  metrics_.events_skipped.With(labels).Inc(static_cast<double>(r.events_skipped));
  metrics_.late_events.With(labels).Inc(static_cast<double>(r.late_events));
  for (double delay : r.late_delays_seconds) metrics_.late_event_delay.Observe(labels, delay);
  metrics_.intake_retries.With(labels).Inc(static_cast<double>(r.intake_retries));
  metrics_.last_success.With(labels).Set(static_cast<double>(clock_.NowMicros()) / 1e6);
  if (cp != nullptr) SetWatermark(console, stream, cp->watermark_us);
  health_.RecordSuccess(console, stream);
  next_.OnCycle(console, stream, r, cp);
}

void MetricsObserver::SetWatermark(const std::string& console, const std::string& stream,
                                   int64_t watermark_us) {
  std::lock_guard<std::mutex> lock(mu_);
  watermarks_us_[{console, stream}] = watermark_us;
}

void MetricsObserver::OnError(const std::string& console, const std::string& stream,
                              const Status& error, int consecutive_failures) {
  metrics_.poll_errors.With({console, stream, StatusCodeName(error.code())}).Inc();
  health_.RecordFailure(console, stream, error);
  next_.OnError(console, stream, error, consecutive_failures);
}

void MetricsObserver::RefreshGauges() {
  const double now_s = static_cast<double>(clock_.NowMicros()) / 1e6;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [key, watermark_us] : watermarks_us_) {
      metrics_.checkpoint_lag.With({key.first, key.second})
          .Set(std::max(0.0, now_s - static_cast<double>(watermark_us) / 1e6));
    }
  }
  for (const auto& s : health_.Evaluate().streams) {
    metrics_.stream_up.With({s.console, s.stream}).Set(s.healthy ? 1 : 0);
  }
}

TokenExpiryProbe::TokenExpiryProbe(s1::S1Client& client, const Clock& clock, std::string console,
                                   CollectorMetrics& metrics)
    : client_(client), clock_(clock), console_(std::move(console)), metrics_(metrics) {}

std::chrono::milliseconds TokenExpiryProbe::operator()() {
  Result<s1::TokenDetails> details = client_.FetchTokenDetails();
  if (!details.ok()) {
    if (details.status().code() == StatusCode::kCancelled) return kTokenProbeRetry;
    // Once per failure streak: the stream tasks already report a bad token loudly.
    if (!warned_) {
      spdlog::warn("Cannot read the API token expiry; will retry. console={} error=\"{}\"",
                   console_, details.status().ToString());
      warned_ = true;
    }
    return kTokenProbeRetry;
  }
  warned_ = false;
  if (details->expires_at_us) {
    metrics_.token_expiry.With({console_}).Set(static_cast<double>(*details->expires_at_us) / 1e6);
    const auto left = std::chrono::microseconds(*details->expires_at_us - clock_.NowMicros());
    if (left.count() <= 0) {
      spdlog::error("API token has expired; create a new one. console={} expires_at={}", console_,
                    details->expires_at.value_or("-"));
    } else if (left < kTokenExpiryWarning) {
      spdlog::warn("API token expires soon; rotate it. console={} expires_at={} days_left={}",
                   console_, details->expires_at.value_or("-"),
                   std::chrono::duration_cast<std::chrono::hours>(left).count() / 24);
    } else {
      spdlog::info("API token expiry read. console={} expires_at={}", console_,
                   details->expires_at.value_or("-"));
    }
  }
  return kTokenProbeInterval;
}

}  // namespace s1c::app
