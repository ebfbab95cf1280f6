// The daemon's instrumentation: the counting transport, the metrics
// observer and the token-expiry probe, on fakes (no server, no real time).
#include "instrumentation.h"

#include <gtest/gtest.h>

#include "fake_clock.h"
#include "fake_transport.h"
#include "s1c/core/iso_time.h"

namespace s1c::app {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

class RecordingObserver final : public sched::StreamObserver {
 public:
  void OnCycle(const std::string&, const std::string&, const pipeline::CycleResult&,
               const state::Checkpoint*) override {
    ++cycles;
  }
  void OnError(const std::string&, const std::string&, const Status&, int) override { ++errors; }
  int cycles = 0;
  int errors = 0;
};

class InstrumentationTest : public ::testing::Test {
 protected:
  obs::MetricsRegistry registry_;
  CollectorMetrics metrics_{registry_};
  testing::FakeClock clock_;
};

TEST_F(InstrumentationTest, CountingTransportCountsByStatusAndNoAnswerAsError) {
  auto inner = std::make_unique<testing::FakeTransport>();
  testing::FakeTransport& fake = *inner;
  CountingTransport counting(std::move(inner), metrics_.api_requests, "eu");
  fake.Push(200, "{}");
  fake.Push(200, "{}");
  fake.Push(401, "{}");
  fake.Push(Unavailable("connection reset"));
  fake.Push(Cancelled("stop requested"));
  http::Request request;
  for (int i = 0; i < 5; ++i) (void)counting.Send(request);
  EXPECT_EQ(metrics_.api_requests.With({"eu", "200"}).value(), 2);
  EXPECT_EQ(metrics_.api_requests.With({"eu", "401"}).value(), 1);
  // The reset counts as "error"; the request cut short by a stop is not an
  // answer from the console and is not counted.
  EXPECT_EQ(metrics_.api_requests.With({"eu", "error"}).value(), 1);
}

TEST_F(InstrumentationTest, ObserverFeedsMetricsAndHealthThenTheLog) {
  obs::HealthBoard health(clock_);
  health.AddStream("eu", "threats", std::chrono::seconds(30));
  RecordingObserver log;
  MetricsObserver observer(metrics_, registry_, health, clock_, log);
  pipeline::CycleResult r;
  r.events_fetched = 10;
  r.events_forwarded = 8;  // Dead-lettered ones included...
  r.events_dead_lettered = 1;
  r.events_skipped = 2;
  r.intake_retries = 3;
  state::Checkpoint cp;
  cp.watermark_us = clock_.NowMicros() - 90 * int64_t{1000000};
  observer.OnCycle("eu", "threats", r, &cp);
  EXPECT_EQ(metrics_.events_fetched.With({"eu", "threats"}).value(), 10);
  EXPECT_EQ(metrics_.events_forwarded.With({"eu", "threats"}).value(), 7);  // ...not counted here.
  EXPECT_EQ(metrics_.events_dead_lettered.With({"eu", "threats"}).value(), 1);
  EXPECT_EQ(metrics_.events_skipped.With({"eu", "threats"}).value(), 2);
  EXPECT_EQ(metrics_.intake_retries.With({"eu", "threats"}).value(), 3);
  EXPECT_EQ(log.cycles, 1);
  (void)registry_.Render();  // Runs the hook: lag and up from the clock and health.
  EXPECT_EQ(metrics_.checkpoint_lag.With({"eu", "threats"}).value(), 90);
  EXPECT_EQ(metrics_.stream_up.With({"eu", "threats"}).value(), 1);

  observer.OnError("eu", "threats", Status(StatusCode::kUnauthenticated, "HTTP 401"), 1);
  EXPECT_EQ(metrics_.poll_errors.With({"eu", "threats", "unauthenticated"}).value(), 1);
  EXPECT_EQ(log.errors, 1);
  (void)registry_.Render();
  EXPECT_EQ(metrics_.stream_up.With({"eu", "threats"}).value(), 0);
}

TEST_F(InstrumentationTest, TokenExpiryProbeSetsTheGaugeAndPacesItself) {
  testing::FakeTransport transport;
  s1::ConsoleApi api;
  api.base_url = "http://127.0.0.1:1";
  s1::S1Client client(transport, clock_, api, [] { return Result<std::string>("tok"); });
  TokenExpiryProbe probe(client, clock_, "eu", metrics_);

  const std::string expires = FormatIsoTime(clock_.NowMicros() + 30 * 86400 * int64_t{1000000});
  transport.Push(
      200, R"({"data":{"createdAt":"2026-01-01T00:00:00Z","expiresAt":")" + expires + R"("}})");
  EXPECT_EQ(probe(), hours(6));
  EXPECT_EQ(metrics_.token_expiry.With({"eu"}).value(),
            static_cast<double>(*ParseIsoTime(expires)) / 1e6);

  transport.Push(503, "down");  // A failure: asked again sooner; the gauge keeps its value.
  EXPECT_EQ(probe(), minutes(15));
  EXPECT_EQ(metrics_.token_expiry.With({"eu"}).value(),
            static_cast<double>(*ParseIsoTime(expires)) / 1e6);
}

TEST_F(InstrumentationTest, TokenWithoutExpiryLeavesTheGaugeUnset) {
  testing::FakeTransport transport;
  s1::ConsoleApi api;
  api.base_url = "http://127.0.0.1:1";
  s1::S1Client client(transport, clock_, api, [] { return Result<std::string>("tok"); });
  TokenExpiryProbe probe(client, clock_, "us", metrics_);
  transport.Push(200, R"({"data":{"createdAt":"2026-01-01T00:00:00Z","expiresAt":null}})");
  EXPECT_EQ(probe(), hours(6));
  EXPECT_EQ(registry_.Render().find("s1c_api_token_expiry_timestamp_seconds{"), std::string::npos);
}

}  // namespace
}  // namespace s1c::app
