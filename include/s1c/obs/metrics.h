// MetricsRegistry: counters, gauges and histograms with label sets, rendered in the
// Prometheus text exposition format 0.0.4 (HELP and TYPE lines, one sample
// per line, label values escaped). The registry owns every family and every
// series; the references it hands out stay valid for its whole life, so a
// hot path may look a series up once and then only touch an atomic.
//
// Label values are chosen by the caller (console and stream names, HTTP
// status codes): never put a secret in one.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace s1c::obs {

// The Content-Type of MetricsRegistry::Render()'s output.
inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

using LabelValues = std::vector<std::string>;

// A value that only goes up. Thread-safe (lock-free).
class Counter {
 public:
  static constexpr const char* kType = "counter";
  // A negative or NaN delta is ignored: a counter never goes down.
  void Inc(double delta = 1) {
    if (delta > 0) value_.fetch_add(delta, std::memory_order_relaxed);
  }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// A value that goes up and down. Thread-safe (lock-free).
class Gauge {
 public:
  static constexpr const char* kType = "gauge";
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into fixed buckets, with their sum and count.
// Thread-safe (lock-free).
class Histogram {
 public:
  static constexpr const char* kType = "histogram";
  // REQUIRES: `bounds` ascending (the family's).
  explicit Histogram(const std::vector<double>& bounds) : counts_(bounds.size()) {}
  void Observe(double v, const std::vector<double>& bounds);
  // Per bucket (non-cumulative), then the sum and the count.
  std::vector<uint64_t> counts() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::vector<std::atomic<uint64_t>> counts_;
  std::atomic<double> sum_{0};
  std::atomic<uint64_t> count_{0};
};

// One line of a rendered family: name + suffix, labels (+ le), value.
struct Sample {
  const char* suffix = "";  // "", "_bucket", "_sum", "_count".
  LabelValues labels;
  std::string le;  // The bucket bound, for "_bucket" lines.
  double value = 0;
};

// One metric: a name, a help text, label names, and one series per distinct
// tuple of label values. Thread-safe.
class MetricFamily {
 public:
  MetricFamily(const char* type, std::string name, std::string help,
               std::vector<std::string> label_names)
      : type_(type),
        name_(std::move(name)),
        help_(std::move(help)),
        label_names_(std::move(label_names)) {}
  virtual ~MetricFamily() = default;

  const std::string& name() const { return name_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  const char* type() const { return type_; }  // "counter", "gauge" or "histogram"

  // Appends HELP, TYPE, then one sample line per series sorted by label
  // values. A family with no series yet renders only HELP and TYPE.
  void Render(std::string& out) const;

 protected:
  // The current samples, sorted by label values.
  virtual std::vector<Sample> Samples() const = 0;
  // Throws std::invalid_argument unless there is one value per label name.
  void CheckArity(const LabelValues& values) const;

 private:
  const char* const type_;
  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
};

template <typename T>
class Family final : public MetricFamily {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names)
      : MetricFamily(T::kType, std::move(name), std::move(help), std::move(label_names)) {}

  // The series for `values`, created at 0 on first use. REQUIRES: one value
  // per label name (a wrong count is a bug: std::invalid_argument).
  // Also the way to read a value (tests).
  T& With(const LabelValues& values) {
    CheckArity(values);
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = series_[values];
    if (!slot) slot = std::make_unique<T>();
    return *slot;
  }

 protected:
  std::vector<Sample> Samples() const override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Sample> out;
    out.reserve(series_.size());
    for (const auto& [labels, v] : series_) out.push_back({"", labels, "", v->value()});
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::map<LabelValues, std::unique_ptr<T>> series_;  // unique_ptr: stable addresses.
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;

// Histograms share their family's bucket bounds.
class HistogramFamily final : public MetricFamily {
 public:
  HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                  std::vector<double> bounds)
      : MetricFamily(Histogram::kType, std::move(name), std::move(help), std::move(label_names)),
        bounds_(std::move(bounds)) {}

  // As Family::With; observe through Observe() so the bounds come along.
  Histogram& With(const LabelValues& values);
  void Observe(const LabelValues& values, double v) { With(values).Observe(v, bounds_); }
  const std::vector<double>& bounds() const { return bounds_; }

 protected:
  std::vector<Sample> Samples() const override;

 private:
  const std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::map<LabelValues, std::unique_ptr<Histogram>> series_;
};

// Thread-safe. Families render in the order they were added.
class MetricsRegistry {
 public:
  // REQUIRES: `name` matches [a-zA-Z_:][a-zA-Z0-9_:]*, each label name
  // [a-zA-Z_][a-zA-Z0-9_]* (not starting with "__"), and `name` is new.
  // Violations are bugs in the caller and throw std::invalid_argument.
  CounterFamily& AddCounter(std::string name, std::string help,
                            std::vector<std::string> label_names = {});
  GaugeFamily& AddGauge(std::string name, std::string help,
                        std::vector<std::string> label_names = {});
  // REQUIRES (as above, and): `bounds` ascending, finite, not empty.
  HistogramFamily& AddHistogram(std::string name, std::string help,
                                std::vector<std::string> label_names, std::vector<double> bounds);

  // Runs before every Render(), e.g. to refresh gauges derived from the
  // clock (checkpoint lag). A hook must not call Render().
  void AddCollectHook(std::function<void()> hook);

  // The whole registry in the text exposition format 0.0.4.
  std::string Render() const;

 private:
  template <typename F, typename... Extra>
  F& Add(std::string name, std::string help, std::vector<std::string> label_names,
         Extra&&... extra);

  mutable std::mutex mu_;
  mutable std::mutex render_mu_;  // One Render() at a time: hooks need not be reentrant.
  std::vector<std::unique_ptr<MetricFamily>> families_;
  std::vector<std::function<void()>> hooks_;
};

// Escapes a label value for the text format: backslash, double quote, newline.
std::string EscapeLabelValue(std::string_view value);
// Escapes a HELP text: backslash and newline.
std::string EscapeHelp(std::string_view help);
// Formats a sample value: integral values up to 2^53 without exponent or
// fraction, others as the shortest text that reads back exactly; NaN,
// +Inf, -Inf.
std::string FormatSampleValue(double v);

}  // namespace s1c::obs
