// Instrumentation of the daemon without touching the modules it watches:
// the metric families (docs/operations.md lists each one), a StreamObserver
// that feeds them and the HealthBoard, an HttpTransport decorator that
// counts requests by status code, and the API token expiry probe.
//
// Labels are console and stream names (from the config), HTTP status codes
// and Status code names: never a token, an intake key or an event.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "s1c/core/clock.h"
#include "s1c/http/transport.h"
#include "s1c/obs/health.h"
#include "s1c/obs/metrics.h"
#include "s1c/s1/client.h"
#include "s1c/sched/stream_task.h"

namespace s1c::app {

// Every s1c_* family, registered in one place so names, help and labels
// are defined once.
struct CollectorMetrics {
  explicit CollectorMetrics(obs::MetricsRegistry& registry);

  obs::GaugeFamily& build_info;              // {version}
  obs::CounterFamily& events_fetched;        // {console,stream}
  obs::CounterFamily& events_forwarded;      // {console,stream}
  obs::CounterFamily& events_dead_lettered;  // {console,stream}
  obs::CounterFamily& events_skipped;        // {console,stream}
  obs::CounterFamily& late_events;           // {console,stream}
  obs::HistogramFamily& late_event_delay;    // {console,stream}
  obs::CounterFamily& api_requests;          // {console,code}
  obs::CounterFamily& intake_requests;       // {console,code}
  obs::CounterFamily& intake_retries;        // {console,stream}
  obs::CounterFamily& poll_errors;           // {console,stream,reason}
  obs::GaugeFamily& checkpoint_lag;          // {console,stream}
  obs::GaugeFamily& last_success;            // {console,stream}
  obs::GaugeFamily& stream_up;               // {console,stream}
  obs::GaugeFamily& token_expiry;            // {console}
  obs::GaugeFamily& poll_interval;           // {console,stream}
  obs::HistogramFamily& task_start_delay;    // {}
};

// Counts each request by outcome into `requests` {console, code}: the HTTP
// status ("200", "401", ...), or "error" when no response came back
// (connection failure, timeout, reset, TLS). Requests cancelled by a stop
// are not counted. Thread-safe if `inner` is.
class CountingTransport final : public http::HttpTransport {
 public:
  CountingTransport(std::unique_ptr<http::HttpTransport> inner, obs::CounterFamily& requests,
                    std::string console);
  Result<http::Response> Send(const http::Request& request) override;

 private:
  std::unique_ptr<http::HttpTransport> inner_;
  obs::CounterFamily& requests_;
  const std::string console_;
};

// Feeds metrics and health from what each stream task reports, then passes
// the report on to `next` (the log). Also registers a collect hook on
// `registry` that refreshes the clock-derived gauges (checkpoint lag,
// stream up) at each scrape. Thread-safe.
class MetricsObserver final : public sched::StreamObserver {
 public:
  MetricsObserver(CollectorMetrics& metrics, obs::MetricsRegistry& registry,
                  obs::HealthBoard& health, const Clock& clock, sched::StreamObserver& next);

  void OnCycle(const std::string& console, const std::string& stream,
               const pipeline::CycleResult& result, const state::Checkpoint* checkpoint) override;
  void OnError(const std::string& console, const std::string& stream, const Status& error,
               int consecutive_failures) override;

  // The stream's committed watermark as found at start, so that the lag is
  // reported before the first cycle ends (one blocked by an intake outage
  // may not end for a long time).
  void SetWatermark(const std::string& console, const std::string& stream, int64_t watermark_us);

  // Sets s1c_checkpoint_lag_seconds (now - watermark) and s1c_stream_up.
  void RefreshGauges();

 private:
  CollectorMetrics& metrics_;
  obs::HealthBoard& health_;
  const Clock& clock_;
  sched::StreamObserver& next_;
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, int64_t> watermarks_us_;
};

// Asks a console when its API token expires (POST users/api-token-details)
// and sets s1c_api_token_expiry_timestamp_seconds{console}. Meant to run as
// a scheduler task: returns the delay until the next probe (6 h after a
// success, 15 min after a failure). A console that reports no expiry leaves
// the gauge unset; one expiring within 14 days is logged as a warning.
// Not thread-safe (one task).
class TokenExpiryProbe {
 public:
  TokenExpiryProbe(s1::S1Client& client, const Clock& clock, std::string console,
                   CollectorMetrics& metrics);
  std::chrono::milliseconds operator()();

 private:
  s1::S1Client& client_;
  const Clock& clock_;
  const std::string console_;
  CollectorMetrics& metrics_;
  bool warned_ = false;
};

}  // namespace s1c::app
