// The foundation's end-to-end guarantee: everything the console has reaches
// the right intake exactly once, byte for byte, and a restart re-sends nothing.
#include <gtest/gtest.h>

#include "harness.h"

namespace s1c::it {
namespace {

using nlohmann::json;

int RunOnce(const TempDir& dir, const std::filesystem::path& config, const std::string& log_name) {
  Process collector({CollectorBinary(), "run", "--once", "-c", config.string()},
                    dir.path() / log_name);
  auto status = collector.Wait(std::chrono::minutes(5));
  EXPECT_TRUE(status.has_value()) << "collector did not finish";
  return status.value_or(-1);
}

TEST(EndToEndTest, EveryEventDeliveredOnceByteForByteAndRestartResendsNothing) {
  TempDir dir;
  Server sim(
      SimulatorBinary(),
      {"--token", "tok-e2e-console-one", "--seed", "7", "--activities", "10000", "--threats", "500",
       "--threat-history", "all", "--start", "2026-01-01T00:00:00Z", "--span-seconds", "86400"},
      dir.path(), "sim");
  Server sink(SinkBinary(),
              {"--key", "intake-key-e2e-one=one", "--out-dir", (dir.path() / "sink").string()},
              dir.path(), "sink");
  const auto config = dir.path() / "config.json";
  WriteFile(config, CollectorConfig(dir.path() / "state",
                                    json::array({ConsoleConfig("one", sim, "tok-e2e-console-one",
                                                               "intake-key-e2e-one", sink)}))
                        .dump(2));

  ASSERT_EQ(RunOnce(dir, config, "collector-1.log"), 0) << ReadFile(dir.path() / "collector-1.log");

  std::vector<std::string> expected = SimCorpus(sim, "activities");
  const size_t activities = expected.size();
  const auto threats = SimCorpus(sim, "threats");
  expected.insert(expected.end(), threats.begin(), threats.end());
  ASSERT_EQ(activities, 10000u);
  ASSERT_GE(threats.size(), 500u);  // Every threat version is its own event.
  const auto received = ReadLines(dir.path() / "sink" / "one.ndjson");
  const Comparison c = CompareEvents(expected, received);
  std::printf(
      "[ e2e ] expected=%zu (activities=%zu threat versions=%zu) received=%zu missing=%zu "
      "duplicates=%zu unexpected=%zu\n",
      c.expected, activities, threats.size(), c.received, c.missing, c.duplicates, c.unexpected);
  EXPECT_EQ(c.missing, 0u);
  EXPECT_EQ(c.duplicates, 0u);
  EXPECT_EQ(c.unexpected, 0u);  // Unexpected = altered bytes or invented events.

  // A restart resumes from the checkpoints and sends nothing again.
  ASSERT_EQ(RunOnce(dir, config, "collector-2.log"), 0) << ReadFile(dir.path() / "collector-2.log");
  EXPECT_EQ(ReadLines(dir.path() / "sink" / "one.ndjson").size(), received.size());

  for (const auto* log : {"collector-1.log", "collector-2.log"}) {
    const std::string out = ReadFile(dir.path() / log);
    EXPECT_EQ(out.find("tok-e2e-console-one"), std::string::npos) << "token leaked into " << log;
    EXPECT_EQ(out.find("intake-key-e2e-one"), std::string::npos)
        << "intake key leaked into " << log;
  }
}

TEST(EndToEndTest, ConsolesStaySeparate) {
  TempDir dir;
  Server sim_a(
      SimulatorBinary(),
      {"--token", "tok-console-a", "--seed", "11", "--activities", "1500", "--threats", "60"},
      dir.path(), "sim-a");
  Server sim_b(
      SimulatorBinary(),
      {"--token", "tok-console-b", "--seed", "12", "--activities", "900", "--threats", "40"},
      dir.path(), "sim-b");
  Server sink(
      SinkBinary(),
      {"--key", "key-for-a=a", "--key", "key-for-b=b", "--out-dir", (dir.path() / "sink").string()},
      dir.path(), "sink");
  // Console b reads its token from a file and its intake key from the environment.
  WriteFile(dir.path() / "token-b", "tok-console-b\n");
  std::filesystem::permissions(dir.path() / "token-b", std::filesystem::perms::owner_read |
                                                           std::filesystem::perms::owner_write);
  const auto config = dir.path() / "config.json";
  WriteFile(
      config,
      CollectorConfig(
          dir.path() / "state",
          json::array({ConsoleConfig("a", sim_a, "tok-console-a", "key-for-a", sink),
                       ConsoleConfig("b", sim_b, {{"file", (dir.path() / "token-b").string()}},
                                     {{"env", "S1C_IT_KEY_B"}}, sink)}))
          .dump(2));
  Process collector({CollectorBinary(), "run", "--once", "-c", config.string()},
                    dir.path() / "collector.log", {{"S1C_IT_KEY_B", "key-for-b"}});
  ASSERT_EQ(collector.Wait(std::chrono::minutes(3)).value_or(-1), 0) << collector.Output();

  for (auto [sim, label] : {std::pair{&sim_a, "a"}, std::pair{&sim_b, "b"}}) {
    std::vector<std::string> expected = SimCorpus(*sim, "activities");
    const auto threats = SimCorpus(*sim, "threats");
    expected.insert(expected.end(), threats.begin(), threats.end());
    const Comparison c =
        CompareEvents(expected, ReadLines(dir.path() / "sink" / (std::string(label) + ".ndjson")));
    EXPECT_EQ(c.missing, 0u) << label;
    EXPECT_EQ(c.duplicates, 0u) << label;
    EXPECT_EQ(c.unexpected, 0u) << label << ": events of another console arrived here";
  }
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "state" / "a" / "activities.json"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "state" / "b" / "threats.json"));
}

// The optional third stream, a row of the table like the others: every alert
// version (cloud-detection/alerts, by alertInfo.updatedAt) arrives once.
TEST(EndToEndTest, AlertsStreamWhenEnabled) {
  TempDir dir;
  Server sim(SimulatorBinary(),
             {"--token", "tok-e2e-alerts", "--seed", "21", "--activities", "0", "--threats", "0",
              "--alerts", "700"},
             dir.path(), "sim");
  Server sink(SinkBinary(),
              {"--key", "key-e2e-alerts=al", "--out-dir", (dir.path() / "sink").string()},
              dir.path(), "sink");
  json console = ConsoleConfig("al", sim, "tok-e2e-alerts", "key-e2e-alerts", sink);
  console["streams"] = {{"activities", {{"enabled", false}}},
                        {"threats", {{"enabled", false}}},
                        {"alerts", {{"enabled", true}, {"page_size", 100}}}};
  const auto config = dir.path() / "config.json";
  WriteFile(config, CollectorConfig(dir.path() / "state", json::array({console})).dump(2));
  ASSERT_EQ(RunOnce(dir, config, "collector.log"), 0) << ReadFile(dir.path() / "collector.log");

  const auto expected = SimCorpus(sim, "alerts");
  ASSERT_GE(expected.size(), 700u);  // Every alert version is its own event.
  const Comparison c = CompareEvents(expected, ReadLines(dir.path() / "sink" / "al.ndjson"));
  EXPECT_EQ(c.missing, 0u);
  EXPECT_EQ(c.duplicates, 0u);
  EXPECT_EQ(c.unexpected, 0u);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "state" / "al" / "alerts.json"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "state" / "al" / "activities.json"));
}

}  // namespace
}  // namespace s1c::it
