// The foundation's end-to-end guarantee: everything the console has reaches
// the right intake exactly once, byte for byte, and a restart re-sends nothing.
#include <gtest/gtest.h>

#include "harness.h"

namespace s1c::it {
namespace {

using nlohmann::json;

TEST(EndToEndTest, EveryEventDeliveredOnceByteForByteAndRestartResendsNothing) {
  Fixture f;
  Server& sim = f.StartSimulator({"--token", "tok-e2e-console-one", "--seed", "7", "--activities",
                                  "10000", "--threats", "500", "--threat-history", "all", "--start",
                                  "2026-01-01T00:00:00Z", "--span-seconds", "86400"});
  Server& sink = f.StartSink({"intake-key-e2e-one=one"});
  const auto config = f.WriteConfig(CollectorConfig(
      f.state_dir(),
      json::array({ConsoleConfig("one", sim, "tok-e2e-console-one", "intake-key-e2e-one", sink)})));

  const RunResult first = f.RunOnce(config, "collector-1.log");
  ASSERT_EQ(first.status, 0) << first.output;

  std::vector<std::string> expected = SimCorpus(sim, "activities");
  const size_t activities = expected.size();
  const auto threats = SimCorpus(sim, "threats");
  expected.insert(expected.end(), threats.begin(), threats.end());
  ASSERT_EQ(activities, 10000u);
  ASSERT_GE(threats.size(), 500u);  // Every threat version is its own event.
  const auto received = f.Received("one");
  const Comparison c = CompareEvents(expected, received);
  std::printf(
      "[ e2e ] expected=%zu (activities=%zu threat versions=%zu) received=%zu missing=%zu "
      "duplicates=%zu unexpected=%zu\n",
      c.expected, activities, threats.size(), c.received, c.missing, c.duplicates, c.unexpected);
  EXPECT_EQ(c.missing, 0u);
  EXPECT_EQ(c.duplicates, 0u);
  EXPECT_EQ(c.unexpected, 0u);  // Unexpected = altered bytes or invented events.

  // A restart resumes from the checkpoints and sends nothing again.
  const RunResult second = f.RunOnce(config, "collector-2.log");
  ASSERT_EQ(second.status, 0) << second.output;
  EXPECT_EQ(f.Received("one").size(), received.size());

  for (const auto* log : {"collector-1.log", "collector-2.log"}) {
    const std::string out = f.Log(log);
    EXPECT_EQ(out.find("tok-e2e-console-one"), std::string::npos) << "token leaked into " << log;
    EXPECT_EQ(out.find("intake-key-e2e-one"), std::string::npos)
        << "intake key leaked into " << log;
  }
}

TEST(EndToEndTest, ConsolesStaySeparate) {
  Fixture f;
  Server& sim_a = f.StartSimulator(
      {"--token", "tok-console-a", "--seed", "11", "--activities", "1500", "--threats", "60"},
      "sim-a");
  Server& sim_b = f.StartSimulator(
      {"--token", "tok-console-b", "--seed", "12", "--activities", "900", "--threats", "40"},
      "sim-b");
  Server& sink = f.StartSink({"key-for-a=a", "key-for-b=b"});
  // Console b reads its token from a file and its intake key from the environment.
  const auto token_b = f.WriteOwnerOnly("tok-console-b\n", "token-b");
  const auto config = f.WriteConfig(CollectorConfig(
      f.state_dir(), json::array({ConsoleConfig("a", sim_a, "tok-console-a", "key-for-a", sink),
                                  ConsoleConfig("b", sim_b, {{"file", token_b.string()}},
                                                {{"env", "S1C_IT_KEY_B"}}, sink)})));
  const RunResult run = f.RunOnce(config, "collector.log", {{"S1C_IT_KEY_B", "key-for-b"}});
  ASSERT_EQ(run.status, 0) << run.output;

  for (auto [sim, label] : {std::pair{&sim_a, "a"}, std::pair{&sim_b, "b"}}) {
    std::vector<std::string> expected = SimCorpus(*sim, "activities");
    const auto threats = SimCorpus(*sim, "threats");
    expected.insert(expected.end(), threats.begin(), threats.end());
    const Comparison c = CompareEvents(expected, f.Received(label));
    EXPECT_EQ(c.missing, 0u) << label;
    EXPECT_EQ(c.duplicates, 0u) << label;
    EXPECT_EQ(c.unexpected, 0u) << label << ": events of another console arrived here";
  }
  EXPECT_TRUE(std::filesystem::exists(f.state_dir() / "a" / "activities.json"));
  EXPECT_TRUE(std::filesystem::exists(f.state_dir() / "b" / "threats.json"));
}

// The optional third stream, a row of the table like the others: every alert
// version (cloud-detection/alerts, by alertInfo.updatedAt) arrives once.
TEST(EndToEndTest, AlertsStreamWhenEnabled) {
  Fixture f;
  Server& sim = f.StartSimulator({"--token", "tok-e2e-alerts", "--seed", "21", "--activities", "0",
                                  "--threats", "0", "--alerts", "700"});
  Server& sink = f.StartSink({"key-e2e-alerts=al"});
  json console = ConsoleConfig("al", sim, "tok-e2e-alerts", "key-e2e-alerts", sink);
  console["streams"] = {{"activities", {{"enabled", false}}},
                        {"threats", {{"enabled", false}}},
                        {"alerts", {{"enabled", true}, {"page_size", 100}}}};
  const auto config = f.WriteConfig(CollectorConfig(f.state_dir(), json::array({console})));
  const RunResult run = f.RunOnce(config, "collector.log");
  ASSERT_EQ(run.status, 0) << run.output;

  const auto expected = SimCorpus(sim, "alerts");
  ASSERT_GE(expected.size(), 700u);  // Every alert version is its own event.
  const Comparison c = CompareEvents(expected, f.Received("al"));
  EXPECT_EQ(c.missing, 0u);
  EXPECT_EQ(c.duplicates, 0u);
  EXPECT_EQ(c.unexpected, 0u);
  EXPECT_TRUE(std::filesystem::exists(f.state_dir() / "al" / "alerts.json"));
  EXPECT_FALSE(std::filesystem::exists(f.state_dir() / "al" / "activities.json"));
}

}  // namespace
}  // namespace s1c::it
