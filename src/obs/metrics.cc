#include "s1c/obs/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace s1c::obs {
namespace {

bool ValidName(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    const bool digit = c >= '0' && c <= '9';
    if (!(alpha || (i > 0 && digit))) return false;
  }
  return true;
}

// The exposition format's escapes: backslash and newline everywhere, the
// double quote only inside a label value.
std::string Escape(std::string_view text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string EscapeLabelValue(std::string_view value) { return Escape(value, /*quote=*/true); }

std::string EscapeHelp(std::string_view help) { return Escape(help, /*quote=*/false); }

std::string FormatSampleValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  // Counts and Unix timestamps are integers: print them as such, not as
  // 1.767225600e+09, so a human reading /metrics sees the number.
  if (v == std::trunc(v) && std::fabs(v) <= 9007199254740992.0) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  // The shortest text that reads back as the same double.
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

void MetricFamily::CheckArity(const LabelValues& values) const {
  if (values.size() != label_names_.size()) {
    throw std::invalid_argument("metric " + name_ + " takes " +
                                std::to_string(label_names_.size()) + " label values, got " +
                                std::to_string(values.size()));
  }
}

void MetricFamily::Render(std::string& out) const {
  out += "# HELP " + name_ + " " + EscapeHelp(help_) + "\n";
  out += "# TYPE " + name_ + " " + type_ + "\n";
  for (const Sample& s : Samples()) {
    out += name_;
    out += s.suffix;
    if (!s.labels.empty() || !s.le.empty()) {
      out += '{';
      for (size_t i = 0; i < s.labels.size(); ++i) {
        if (i > 0) out += ',';
        out += label_names_[i] + "=\"" + EscapeLabelValue(s.labels[i]) + "\"";
      }
      if (!s.le.empty()) out += std::string(s.labels.empty() ? "" : ",") + "le=\"" + s.le + "\"";
      out += '}';
    }
    out += ' ';
    out += FormatSampleValue(s.value);
    out += '\n';
  }
}

void Histogram::Observe(double v, const std::vector<double>& bounds) {
  // The first bucket whose bound is >= v; past the last, only +Inf (count).
  const auto at = std::lower_bound(bounds.begin(), bounds.end(), v);
  if (at != bounds.end()) {
    counts_[static_cast<size_t>(at - bounds.begin())].fetch_add(1, std::memory_order_relaxed);
  }
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::counts() const {
  std::vector<uint64_t> out;
  out.reserve(counts_.size());
  for (const auto& c : counts_) out.push_back(c.load(std::memory_order_relaxed));
  return out;
}

Histogram& HistogramFamily::With(const LabelValues& values) {
  CheckArity(values);
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = series_[values];
  if (!slot) slot = std::make_unique<Histogram>(bounds_);
  return *slot;
}

std::vector<Sample> HistogramFamily::Samples() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Sample> out;
  for (const auto& [labels, h] : series_) {
    uint64_t cumulative = 0;
    const std::vector<uint64_t> counts = h->counts();
    for (size_t i = 0; i < bounds_.size(); ++i) {
      cumulative += counts[i];
      out.push_back({"_bucket", labels, FormatSampleValue(bounds_[i]),
                     static_cast<double>(cumulative)});
    }
    const auto count = static_cast<double>(h->count());
    out.push_back({"_bucket", labels, "+Inf", count});
    out.push_back({"_sum", labels, "", h->sum()});
    out.push_back({"_count", labels, "", count});
  }
  return out;
}

template <typename F, typename... Extra>
F& MetricsRegistry::Add(std::string name, std::string help, std::vector<std::string> label_names,
                        Extra&&... extra) {
  if (!ValidName(name, /*allow_colon=*/true)) {
    throw std::invalid_argument("invalid metric name \"" + name + "\"");
  }
  for (const auto& l : label_names) {
    if (!ValidName(l, /*allow_colon=*/false) || l.rfind("__", 0) == 0) {
      throw std::invalid_argument("invalid label name \"" + l + "\" for metric " + name);
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& f : families_) {
    if (f->name() == name) throw std::invalid_argument("metric " + name + " registered twice");
  }
  auto family = std::make_unique<F>(std::move(name), std::move(help), std::move(label_names),
                                    std::forward<Extra>(extra)...);
  F& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

CounterFamily& MetricsRegistry::AddCounter(std::string name, std::string help,
                                           std::vector<std::string> label_names) {
  return Add<CounterFamily>(std::move(name), std::move(help), std::move(label_names));
}

GaugeFamily& MetricsRegistry::AddGauge(std::string name, std::string help,
                                       std::vector<std::string> label_names) {
  return Add<GaugeFamily>(std::move(name), std::move(help), std::move(label_names));
}

HistogramFamily& MetricsRegistry::AddHistogram(std::string name, std::string help,
                                               std::vector<std::string> label_names,
                                               std::vector<double> bounds) {
  if (bounds.empty() || !std::is_sorted(bounds.begin(), bounds.end()) ||
      std::adjacent_find(bounds.begin(), bounds.end()) != bounds.end() ||
      !std::all_of(bounds.begin(), bounds.end(), [](double b) { return std::isfinite(b); })) {
    throw std::invalid_argument("histogram " + name + " needs ascending finite bucket bounds");
  }
  return Add<HistogramFamily>(std::move(name), std::move(help), std::move(label_names),
                              std::move(bounds));
}

void MetricsRegistry::AddCollectHook(std::function<void()> hook) {
  std::lock_guard<std::mutex> lock(mu_);
  hooks_.push_back(std::move(hook));
}

std::string MetricsRegistry::Render() const {
  std::lock_guard<std::mutex> render_lock(render_mu_);
  std::vector<std::function<void()>> hooks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    hooks = hooks_;
  }
  // Hooks run without mu_ held: they update gauges through families, which
  // have their own locks.
  for (const auto& hook : hooks) hook();
  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& f : families_) f->Render(out);
  return out;
}

}  // namespace s1c::obs
