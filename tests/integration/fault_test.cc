// The daemon under faults it must ride out: stops promptly whatever it is
// waiting on, and one console's revoked token does not hold up the others.
#include <gtest/gtest.h>
#include <signal.h>

#include <regex>
#include <thread>

#include "harness.h"

namespace s1c::it {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

bool LogContains(const Process& p, const std::string& text) {
  return p.Output().find(text) != std::string::npos;
}

// Measures how long the process takes to exit after SIGTERM.
milliseconds TimeToExitAfterSigterm(Process& p, int* status) {
  const auto asked = std::chrono::steady_clock::now();
  p.Signal(SIGTERM);
  auto st = p.Wait(seconds(30));
  *status = st.value_or(-1);
  return std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - asked);
}

TEST(FaultTest, SigtermDuringLongIntakeBackoffExitsWithinFiveSeconds) {
  Fixture f;
  Server& sim =
      f.StartSimulator({"--token", "tok-backoff", "--activities", "3000", "--threats", "10"});
  Server& sink = f.StartSink({"key-backoff=b"}, {"--fault", "outage"});
  auto daemon = f.StartDaemon(
      f.WriteConfig(CollectorConfig(
          f.state_dir(),
          json::array({ConsoleConfig("b", sim, "tok-backoff", "key-backoff", sink)}))),
      "collector.log");
  // Signal right after a retry that announced a wait of 3 s or more, so the
  // stop lands inside a long backoff.
  const std::regex long_wait("wait_ms=([0-9]{4,})");
  const auto in_long_wait = [&] {
    const std::string out = daemon->Output();
    for (std::sregex_iterator it(out.begin(), out.end(), long_wait), end; it != end; ++it) {
      if (std::stoll((*it)[1]) >= 3000) return true;
    }
    return false;
  };
  ASSERT_TRUE(WaitFor(in_long_wait, seconds(90))) << daemon->Output();
  int status = 0;
  const auto took = TimeToExitAfterSigterm(*daemon, &status);
  std::printf("[ shutdown ] during intake backoff: exit %d after %lld ms\n", status,
              static_cast<long long>(took.count()));
  EXPECT_LT(took, seconds(5));
  EXPECT_EQ(status, 0);
  // Nothing was accepted, so no checkpoint moved past the start point.
  const json cp = json::parse(ReadFile(f.state_dir() / "b" / "activities.json"));
  EXPECT_EQ(cp["events_done"], 0);
  EXPECT_TRUE(cp["boundary_keys"].empty());
}

TEST(FaultTest, SigtermDuringSlowApiRequestExitsWithinFiveSeconds) {
  Fixture f;
  Server& sim = f.StartSimulator({"--token", "tok-slow", "--activities", "100", "--threats", "10",
                                  "--fault", "slow:1:delay_ms=60000"});
  Server& sink = f.StartSink({"key-slow=s"});
  auto daemon = f.StartDaemon(
      f.WriteConfig(CollectorConfig(
          f.state_dir(), json::array({ConsoleConfig("s", sim, "tok-slow", "key-slow", sink)}))),
      "collector.log");
  // Wait until both streams' first requests are hanging in the simulator.
  ASSERT_TRUE(WaitFor([&] { return LogContains(*daemon, "Collector started"); }, seconds(30)));
  std::this_thread::sleep_for(milliseconds(1500));
  int status = 0;
  const auto took = TimeToExitAfterSigterm(*daemon, &status);
  std::printf("[ shutdown ] during a 60 s API request: exit %d after %lld ms\n", status,
              static_cast<long long>(took.count()));
  EXPECT_LT(took, seconds(5));
  EXPECT_EQ(status, 0);
}

TEST(FaultTest, RevokedTokenStopsOnlyItsConsoleAndARotatedTokenIsPickedUp) {
  Fixture f;
  // Console a: the simulator accepts whatever its token file says; the
  // collector reads its token from its own file.
  WriteFile(f.path() / "sim-a-tokens", "tok-a-first\n");
  const auto collector_a_token = f.WriteOwnerOnly("tok-a-first\n", "collector-a-token");
  Server& sim_a = f.StartSimulator({"--token-file", (f.path() / "sim-a-tokens").string(),
                                    "--activities", "200", "--threats", "20", "--live-rate", "20"},
                                   "sim-a");
  Server& sim_b = f.StartSimulator({"--token", "tok-b", "--seed", "5", "--activities", "200",
                                    "--threats", "20", "--live-rate", "20"},
                                   "sim-b");
  Server& sink = f.StartSink({"key-a=a", "key-b=b"});
  auto daemon = f.StartDaemon(
      f.WriteConfig(CollectorConfig(
          f.state_dir(),
          json::array(
              {ConsoleConfig("a", sim_a, {{"file", collector_a_token.string()}}, "key-a", sink),
               ConsoleConfig("b", sim_b, "tok-b", "key-b", sink)}))),
      "collector.log");
  const auto count = [&](const char* label) { return f.Received(label).size(); };
  ASSERT_TRUE(WaitFor([&] { return count("a") >= 220 && count("b") >= 220; }, seconds(60)))
      << daemon->Output();

  // Revoke console a's token at the console.
  WriteFile(f.path() / "sim-a-tokens", "tok-a-second\n");
  ASSERT_TRUE(WaitFor(
      [&] { return LogContains(*daemon, "console=a stream=activities failures=1"); }, seconds(30)))
      << daemon->Output();
  const std::string log = daemon->Output();
  EXPECT_NE(log.find("unauthenticated"), std::string::npos) << log;
  EXPECT_NE(log.find("Activity Page.view"), std::string::npos)
      << "the 401 message must name the permission";
  // Console b keeps delivering while a is failing.
  const size_t a_during = count("a");
  const size_t b_before = count("b");
  ASSERT_TRUE(WaitFor([&] { return count("b") >= b_before + 60; }, seconds(30)));
  EXPECT_LE(count("a"), a_during + 50);  // At most what was already in flight.

  // Rotate: the collector's token file gets the new token; no restart.
  WriteFile(collector_a_token, "tok-a-second\n");
  const size_t a_after_revoke = count("a");
  EXPECT_TRUE(WaitFor([&] { return count("a") >= a_after_revoke + 60; }, seconds(45)))
      << "rotated token not picked up: " << daemon->Output();
  EXPECT_TRUE(daemon->Running());

  int status = 0;
  TimeToExitAfterSigterm(*daemon, &status);
  EXPECT_EQ(status, 0);
  const std::string all = daemon->Output();
  for (const char* secret : {"tok-a-first", "tok-a-second", "tok-b", "key-a", "key-b"}) {
    EXPECT_EQ(all.find(secret), std::string::npos) << secret << " leaked into the log";
  }
}

}  // namespace
}  // namespace s1c::it
