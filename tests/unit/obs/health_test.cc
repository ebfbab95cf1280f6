#include "s1c/obs/health.h"

#include <gtest/gtest.h>

#include "fake_clock.h"

namespace s1c::obs {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

class HealthBoardTest : public ::testing::Test {
 protected:
  const StreamHealth& Only(const HealthReport& r) {
    EXPECT_EQ(r.streams.size(), 1u);
    return r.streams.at(0);
  }

  s1c::testing::FakeClock clock_;
  HealthBoard board_{clock_};
};

TEST_F(HealthBoardTest, NoStreamsIsHealthy) {
  EXPECT_TRUE(board_.Evaluate().healthy);
  EXPECT_EQ(board_.Evaluate().ToJson(), "{\"status\":\"ok\",\"streams\":[]}");
}

TEST_F(HealthBoardTest, StartingIsHealthyDuringGraceThenFails) {
  board_.AddStream("eu", "activities", seconds(30));
  auto r = board_.Evaluate();
  EXPECT_TRUE(r.healthy);
  EXPECT_EQ(Only(r).state, "starting");

  clock_.Advance(minutes(5));  // The window is max(3 x 30 s, 5 min) = 5 min.
  EXPECT_EQ(Only(board_.Evaluate()).state, "starting");
  clock_.Advance(seconds(1));
  r = board_.Evaluate();
  EXPECT_FALSE(r.healthy);
  EXPECT_EQ(Only(r).state, "failing");
  EXPECT_EQ(Only(r).last_error, "no successful poll for 301 s");
}

TEST_F(HealthBoardTest, SuccessKeepsItHealthyForTheWindow) {
  board_.AddStream("eu", "activities", seconds(30));
  clock_.Advance(minutes(4));
  board_.RecordSuccess("eu", "activities");
  clock_.Advance(minutes(5));
  auto r = board_.Evaluate();
  EXPECT_TRUE(r.healthy);
  EXPECT_EQ(Only(r).state, "ok");
  EXPECT_EQ(Only(r).last_success_us,
            clock_.NowMicros() - minutes(5) / std::chrono::microseconds(1));

  clock_.Advance(seconds(1));
  r = board_.Evaluate();
  EXPECT_FALSE(r.healthy);
  EXPECT_EQ(Only(r).state, "failing");
}

TEST_F(HealthBoardTest, WindowIsThreePollIntervalsWhenLonger) {
  board_.AddStream("eu", "threats", minutes(10));
  board_.RecordSuccess("eu", "threats");
  clock_.Advance(minutes(30));
  EXPECT_TRUE(board_.Evaluate().healthy);
  clock_.Advance(seconds(1));
  EXPECT_FALSE(board_.Evaluate().healthy);
}

TEST_F(HealthBoardTest, TransientFailuresAfterSuccessAreRetryingThenFailing) {
  board_.AddStream("eu", "activities", seconds(30));
  board_.RecordSuccess("eu", "activities");
  clock_.Advance(minutes(1));
  board_.RecordFailure("eu", "activities", Unavailable("GET activities: HTTP 503"));
  board_.RecordFailure("eu", "activities", Unavailable("GET activities: HTTP 503"));
  auto r = board_.Evaluate();
  EXPECT_TRUE(r.healthy);
  EXPECT_EQ(Only(r).state, "retrying");
  EXPECT_EQ(Only(r).consecutive_failures, 2);
  EXPECT_EQ(Only(r).last_error, "unavailable: GET activities: HTTP 503");

  clock_.Advance(minutes(5));
  r = board_.Evaluate();
  EXPECT_FALSE(r.healthy);
  EXPECT_EQ(Only(r).state, "failing");
  EXPECT_EQ(Only(r).last_error, "unavailable: GET activities: HTTP 503");

  board_.RecordSuccess("eu", "activities");
  r = board_.Evaluate();
  EXPECT_TRUE(r.healthy);
  EXPECT_EQ(Only(r).state, "ok");
  EXPECT_EQ(Only(r).last_error, "");
  EXPECT_EQ(Only(r).consecutive_failures, 0);
}

TEST_F(HealthBoardTest, ABrokenCheckpointIsUnhealthyAtOnce) {
  board_.AddStream("eu", "threats", seconds(30));
  board_.RecordSuccess("eu", "threats");
  board_.RecordFailure("eu", "threats",
                       Status(StatusCode::kBrokenState, "state file /s/eu/threats.json is corrupt"));
  const auto r = board_.Evaluate();
  EXPECT_FALSE(r.healthy);
  ASSERT_EQ(r.streams.size(), 1u);
  EXPECT_EQ(r.streams[0].state, "broken_state");
  EXPECT_NE(r.streams[0].last_error.find("/s/eu/threats.json"), std::string::npos);
}

TEST_F(HealthBoardTest, AuthFailuresAreUnhealthyAtOnceEvenDuringGrace) {
  board_.AddStream("eu", "activities", seconds(30));
  board_.AddStream("eu", "threats", seconds(30));
  board_.AddStream("us", "activities", seconds(30));
  board_.RecordSuccess("eu", "threats");
  board_.RecordFailure("eu", "activities",
                       Status(StatusCode::kUnauthenticated, "HTTP 401 Authentication Failed"));
  board_.RecordFailure("eu", "threats",
                       Status(StatusCode::kPermissionDenied, "HTTP 403 needs Threats.view"));
  board_.RecordFailure("us", "activities", Status(StatusCode::kRejected, "intake HTTP 400"));
  const auto r = board_.Evaluate();
  EXPECT_FALSE(r.healthy);
  ASSERT_EQ(r.streams.size(), 3u);
  EXPECT_EQ(r.streams[0].state, "unauthenticated");
  EXPECT_EQ(r.streams[1].state, "permission_denied");
  EXPECT_EQ(r.streams[2].state, "rejected");
  EXPECT_EQ(r.healthy_count(), 0u);

  board_.RecordSuccess("eu", "activities");
  EXPECT_EQ(board_.Evaluate().streams[0].state, "ok");
}

TEST_F(HealthBoardTest, LongRunningCycleIsReportedWhenTheWindowPasses) {
  board_.AddStream("eu", "activities", seconds(30));
  board_.RecordSuccess("eu", "activities");
  board_.CycleStarted("eu", "activities");  // E.g. the intake keeps answering 503.
  clock_.Advance(minutes(6));
  auto r = board_.Evaluate();
  EXPECT_FALSE(r.healthy);
  EXPECT_EQ(Only(r).last_error,
            "a poll cycle has been running for 360 s without finishing (is the intake accepting "
            "events?)");
  board_.CycleEnded("eu", "activities");
  board_.RecordSuccess("eu", "activities");
  EXPECT_TRUE(board_.Evaluate().healthy);
}

TEST_F(HealthBoardTest, UnknownStreamsAreIgnoredAndReAddIsNoOp) {
  board_.AddStream("eu", "activities", seconds(30));
  board_.RecordSuccess("eu", "activities");
  board_.AddStream("eu", "activities", seconds(30));
  board_.RecordFailure("nope", "x", Unavailable("x"));
  board_.RecordSuccess("nope", "x");
  const auto r = board_.Evaluate();
  EXPECT_EQ(Only(r).state, "ok");
}

TEST_F(HealthBoardTest, JsonNamesEveryStreamAndEscapesErrors) {
  board_.AddStream("eu", "activities", seconds(30));
  board_.AddStream("eu", "threats", seconds(30));
  board_.RecordSuccess("eu", "activities");
  board_.RecordFailure("eu", "threats",
                       Status(StatusCode::kUnauthenticated, "body: {\"title\":\"Auth\"}\n"));
  EXPECT_EQ(board_.Evaluate().ToJson(),
            "{\"status\":\"failing\",\"streams\":["
            "{\"console\":\"eu\",\"stream\":\"activities\",\"state\":\"ok\","
            "\"last_success\":\"2026-01-01T00:00:00.000000Z\",\"last_error\":null,"
            "\"consecutive_failures\":0},"
            "{\"console\":\"eu\",\"stream\":\"threats\",\"state\":\"unauthenticated\","
            "\"last_success\":null,"
            "\"last_error\":\"unauthenticated: body: {\\\"title\\\":\\\"Auth\\\"}\\n\","
            "\"consecutive_failures\":1}]}");
}

TEST_F(HealthBoardTest, OptionsChangeTheWindow) {
  HealthBoard board(clock_, HealthOptions{seconds(60), 2});
  board.AddStream("eu", "activities", seconds(40));  // max(2 x 40 s, 60 s) = 80 s.
  clock_.Advance(seconds(80));
  EXPECT_TRUE(board.Evaluate().healthy);
  clock_.Advance(seconds(1));
  EXPECT_FALSE(board.Evaluate().healthy);
}

}  // namespace
}  // namespace s1c::obs
