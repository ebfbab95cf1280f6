#include "s1c/obs/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <thread>
#include <vector>

#include "prometheus_text.h"

namespace s1c::obs {
namespace {

using s1c::testing::ParsePrometheusText;

TEST(MetricsRegistryTest, RendersHelpTypeAndSortedSamples) {
  MetricsRegistry r;
  auto& fetched = r.AddCounter("s1c_events_fetched_total", "Events read.", {"console", "stream"});
  auto& up = r.AddGauge("s1c_stream_up", "1 when healthy.", {"console", "stream"});
  fetched.With({"eu", "threats"}).Inc(5);
  fetched.With({"eu", "activities"}).Inc(2);
  fetched.With({"eu", "activities"}).Inc();
  up.With({"eu", "activities"}).Set(1);

  EXPECT_EQ(r.Render(),
            "# HELP s1c_events_fetched_total Events read.\n"
            "# TYPE s1c_events_fetched_total counter\n"
            "s1c_events_fetched_total{console=\"eu\",stream=\"activities\"} 3\n"
            "s1c_events_fetched_total{console=\"eu\",stream=\"threats\"} 5\n"
            "# HELP s1c_stream_up 1 when healthy.\n"
            "# TYPE s1c_stream_up gauge\n"
            "s1c_stream_up{console=\"eu\",stream=\"activities\"} 1\n");
}

TEST(MetricsRegistryTest, FamilyWithoutLabelsHasNoBraces) {
  MetricsRegistry r;
  r.AddGauge("s1c_up", "Up.").With({}).Set(1);
  EXPECT_EQ(r.Render(), "# HELP s1c_up Up.\n# TYPE s1c_up gauge\ns1c_up 1\n");
}

TEST(MetricsRegistryTest, EmptyFamilyRendersOnlyHelpAndType) {
  MetricsRegistry r;
  r.AddCounter("s1c_poll_errors_total", "Errors.", {"console"});
  EXPECT_EQ(r.Render(),
            "# HELP s1c_poll_errors_total Errors.\n# TYPE s1c_poll_errors_total counter\n");
}

TEST(MetricsRegistryTest, EscapesLabelValuesAndHelp) {
  MetricsRegistry r;
  auto& c = r.AddCounter("s1c_x_total", "Line one\nback\\slash \"quoted\"", {"console"});
  c.With({"a\"b\\c\nd"}).Inc();
  const std::string text = r.Render();
  EXPECT_NE(text.find("# HELP s1c_x_total Line one\\nback\\\\slash \"quoted\"\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("s1c_x_total{console=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos) << text;

  const auto parsed = ParsePrometheusText(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  EXPECT_EQ(parsed.Value("s1c_x_total", {{"console", "a\"b\\c\nd"}}), 1.0);
}

TEST(MetricsRegistryTest, OutputParsesBackWithEveryValueKind) {
  MetricsRegistry r;
  auto& g = r.AddGauge("s1c_g", "Gauge.", {"k"});
  g.With({"int"}).Set(1767225600);
  g.With({"frac"}).Set(0.25);
  g.With({"neg"}).Set(-3.5);
  g.With({"nan"}).Set(NAN);
  g.With({"inf"}).Set(INFINITY);
  g.With({"big"}).Set(1e300);
  r.AddCounter("s1c_c_total", "Counter.", {"console", "stream"}).With({"", "x y"}).Inc(7);

  const auto parsed = ParsePrometheusText(r.Render());
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  EXPECT_EQ(parsed.samples.size(), 7u);
  EXPECT_EQ(parsed.types.at("s1c_g"), "gauge");
  EXPECT_EQ(parsed.types.at("s1c_c_total"), "counter");
  EXPECT_EQ(parsed.Value("s1c_g", {{"k", "int"}}), 1767225600.0);
  EXPECT_EQ(parsed.Value("s1c_g", {{"k", "frac"}}), 0.25);
  EXPECT_EQ(parsed.Value("s1c_g", {{"k", "neg"}}), -3.5);
  EXPECT_TRUE(std::isnan(*parsed.Value("s1c_g", {{"k", "nan"}})));
  EXPECT_EQ(parsed.Value("s1c_g", {{"k", "inf"}}), INFINITY);
  EXPECT_EQ(parsed.Value("s1c_g", {{"k", "big"}}), 1e300);
  EXPECT_EQ(parsed.Value("s1c_c_total", {{"console", ""}, {"stream", "x y"}}), 7.0);
}

TEST(MetricsRegistryTest, FormatsValuesForHumans) {
  EXPECT_EQ(FormatSampleValue(0), "0");
  EXPECT_EQ(FormatSampleValue(12345), "12345");
  EXPECT_EQ(FormatSampleValue(1767225600), "1767225600");
  EXPECT_EQ(FormatSampleValue(0.5), "0.5");
  EXPECT_EQ(FormatSampleValue(1767225600.25), "1767225600.25");
  EXPECT_EQ(FormatSampleValue(NAN), "NaN");
  EXPECT_EQ(FormatSampleValue(-INFINITY), "-Inf");
}

TEST(MetricsRegistryTest, CounterNeverGoesDown) {
  Counter c;
  c.Inc(3);
  c.Inc(-2);
  c.Inc(NAN);
  EXPECT_EQ(c.value(), 3);
}

TEST(MetricsRegistryTest, RejectsBadNamesArityAndDuplicates) {
  MetricsRegistry r;
  EXPECT_THROW(r.AddCounter("1bad", "x"), std::invalid_argument);
  EXPECT_THROW(r.AddCounter("bad-name", "x"), std::invalid_argument);
  EXPECT_THROW(r.AddCounter("ok_total", "x", {"bad:label"}), std::invalid_argument);
  EXPECT_THROW(r.AddCounter("ok_total", "x", {"__reserved"}), std::invalid_argument);
  auto& c = r.AddCounter("ok_total", "x", {"console"});
  EXPECT_THROW(r.AddGauge("ok_total", "again"), std::invalid_argument);
  EXPECT_THROW(c.With({}), std::invalid_argument);
  EXPECT_THROW(c.With({"a", "b"}), std::invalid_argument);
}

TEST(MetricsRegistryTest, CollectHooksRunBeforeEachRender) {
  MetricsRegistry r;
  auto& lag = r.AddGauge("s1c_lag_seconds", "Lag.");
  int calls = 0;
  r.AddCollectHook([&] { lag.With({}).Set(++calls * 10); });
  EXPECT_NE(r.Render().find("s1c_lag_seconds 10\n"), std::string::npos);
  EXPECT_NE(r.Render().find("s1c_lag_seconds 20\n"), std::string::npos);
}

TEST(MetricsRegistryTest, ConcurrentIncrementsAreNotLost) {
  MetricsRegistry r;
  auto& family = r.AddCounter("s1c_requests_total", "Requests.", {"code"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) family.With({t % 2 == 0 ? "200" : "503"}).Inc();
    });
  }
  // Rendering concurrently must be safe too.
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(ParsePrometheusText(r.Render()).ok());
  for (auto& th : threads) th.join();
  EXPECT_EQ(family.With({"200"}).value(), 40000);
  EXPECT_EQ(family.With({"503"}).value(), 40000);
}

TEST(PrometheusTextParserTest, RejectsMalformedText) {
  using s1c::testing::ParsePrometheusText;
  EXPECT_FALSE(ParsePrometheusText("a 1\n").ok());  // No TYPE.
  EXPECT_FALSE(ParsePrometheusText("# TYPE a gauge\na{x=\"1} 1\n").ok());
  EXPECT_FALSE(ParsePrometheusText("# TYPE a gauge\na{x=\"\\t\"} 1\n").ok());
  EXPECT_FALSE(ParsePrometheusText("# TYPE a gauge\na one\n").ok());
  EXPECT_FALSE(ParsePrometheusText("# TYPE a gauge\na 1\na 2\n").ok());
  EXPECT_FALSE(ParsePrometheusText("# TYPE a gauge\na 1").ok());
  EXPECT_TRUE(ParsePrometheusText("# TYPE a gauge\na{x=\"1\",y=\"\\n\"} 1.5e3\n").ok());
}

TEST(MetricsRegistryTest, HistogramRendersCumulativeBucketsSumAndCount) {
  MetricsRegistry r;
  auto& delay = r.AddHistogram("s1c_late_event_delay_seconds", "How late.", {"console"}, {1, 10});
  delay.Observe({"eu"}, 0.5);
  delay.Observe({"eu"}, 10);  // A bound is inclusive (le).
  delay.Observe({"eu"}, 42);
  EXPECT_EQ(r.Render(),
            "# HELP s1c_late_event_delay_seconds How late.\n"
            "# TYPE s1c_late_event_delay_seconds histogram\n"
            "s1c_late_event_delay_seconds_bucket{console=\"eu\",le=\"1\"} 1\n"
            "s1c_late_event_delay_seconds_bucket{console=\"eu\",le=\"10\"} 2\n"
            "s1c_late_event_delay_seconds_bucket{console=\"eu\",le=\"+Inf\"} 3\n"
            "s1c_late_event_delay_seconds_sum{console=\"eu\"} 52.5\n"
            "s1c_late_event_delay_seconds_count{console=\"eu\"} 3\n");
  EXPECT_TRUE(ParsePrometheusText(r.Render()).ok());
  EXPECT_THROW(r.AddHistogram("bad_bounds", "x", {}, {10, 1}), std::invalid_argument);
}

}  // namespace
}  // namespace s1c::obs
