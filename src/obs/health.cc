#include "s1c/obs/health.h"

#include <algorithm>

#include "s1c/core/iso_time.h"
#include "s1c/obs/logging.h"

namespace s1c::obs {
namespace {

int64_t Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

}  // namespace

size_t HealthReport::healthy_count() const {
  return static_cast<size_t>(std::count_if(streams.begin(), streams.end(),
                                           [](const StreamHealth& s) { return s.healthy; }));
}

std::string HealthReport::ToJson() const {
  std::string out =
      std::string("{\"status\":\"") + (healthy ? "ok" : "failing") + "\",\"streams\":[";
  for (size_t i = 0; i < streams.size(); ++i) {
    const auto& s = streams[i];
    if (i > 0) out += ',';
    out += "{\"console\":\"" + JsonEscape(s.console) + "\",\"stream\":\"" + JsonEscape(s.stream) +
           "\",\"state\":\"" + s.state + "\",\"last_success\":";
    out += s.last_success_us ? "\"" + FormatIsoTime(*s.last_success_us) + "\"" : "null";
    out += ",\"last_error\":";
    out += s.last_error.empty() ? "null" : "\"" + JsonEscape(s.last_error) + "\"";
    out += ",\"consecutive_failures\":" + std::to_string(s.consecutive_failures) + "}";
  }
  out += "]}";
  return out;
}

HealthBoard::HealthBoard(const Clock& clock, HealthOptions options)
    : clock_(clock), options_(options) {}

HealthBoard::Entry* HealthBoard::Find(const std::string& console, const std::string& stream) {
  auto it = index_.find({console, stream});
  return it == index_.end() ? nullptr : &entries_[it->second];
}

void HealthBoard::AddStream(const std::string& console, const std::string& stream,
                            std::chrono::milliseconds poll_interval) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Find(console, stream) != nullptr) return;
  Entry e;
  e.console = console;
  e.stream = stream;
  e.window = std::max<std::chrono::steady_clock::duration>(
      options_.interval_multiplier * poll_interval, options_.min_window);
  e.added = clock_.MonotonicNow();
  index_[{console, stream}] = entries_.size();
  entries_.push_back(std::move(e));
}

void HealthBoard::CycleStarted(const std::string& console, const std::string& stream) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Entry* e = Find(console, stream)) e->cycle_started = clock_.MonotonicNow();
}

void HealthBoard::CycleEnded(const std::string& console, const std::string& stream) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Entry* e = Find(console, stream)) e->cycle_started.reset();
}

void HealthBoard::RecordSuccess(const std::string& console, const std::string& stream) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry* e = Find(console, stream);
  if (e == nullptr) return;
  e->last_success = clock_.MonotonicNow();
  e->last_success_us = clock_.NowMicros();
  e->consecutive_failures = 0;
  e->last_error_code = StatusCode::kOk;
  e->last_error.clear();
}

void HealthBoard::RecordFailure(const std::string& console, const std::string& stream,
                                const Status& error) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry* e = Find(console, stream);
  if (e == nullptr || error.ok()) return;
  ++e->consecutive_failures;
  e->last_error_code = error.code();
  e->last_error = error.ToString();
}

HealthReport HealthBoard::Evaluate() const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = clock_.MonotonicNow();
  HealthReport report;
  for (const Entry& e : entries_) {
    StreamHealth s;
    s.console = e.console;
    s.stream = e.stream;
    s.last_success_us = e.last_success_us;
    s.consecutive_failures = e.consecutive_failures;
    s.last_error = e.last_error;
    if (NeedsHuman(e.last_error_code)) {
      s.state = StatusCodeName(e.last_error_code);
      s.healthy = false;
    } else if (e.last_success && now - *e.last_success <= e.window) {
      s.state = e.consecutive_failures > 0 ? "retrying" : "ok";
      s.healthy = true;
    } else if (!e.last_success && now - e.added <= e.window) {
      s.state = "starting";
      s.healthy = true;
    } else {
      s.state = "failing";
      s.healthy = false;
      if (s.last_error.empty()) {
        if (e.cycle_started) {
          s.last_error = "a poll cycle has been running for " +
                         std::to_string(Seconds(now - *e.cycle_started)) +
                         " s without finishing (is the intake accepting events?)";
        } else {
          s.last_error = "no successful poll for " +
                         std::to_string(Seconds(now - e.last_success.value_or(e.added))) + " s";
        }
      }
    }
    report.healthy = report.healthy && s.healthy;
    report.streams.push_back(std::move(s));
  }
  return report;
}

}  // namespace s1c::obs
