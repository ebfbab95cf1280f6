// Console sharding: the jump consistent hash and the console key (pinned:
// a change would move consoles away from their checkpoints), --shard
// parsing, which consoles move on a resize, and the shard metrics.
#include "shard.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "state_move_command.h"

namespace s1c::app {
namespace {

std::vector<std::string> Names(const char* pattern, int count) {
  std::vector<std::string> names;
  for (int i = 0; i < count; ++i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, pattern, i);
    names.emplace_back(buf);
  }
  return names;
}

config::Config ConfigWith(const std::vector<std::string>& names) {
  config::Config config;
  for (const std::string& n : names) config.consoles.emplace_back().name = n;
  return config;
}

TEST(JumpConsistentHashTest, MatchesThePublishedVectors) {
  // The vectors other implementations of the paper's algorithm test against.
  EXPECT_EQ(JumpConsistentHash(1, 1), 0);
  EXPECT_EQ(JumpConsistentHash(42, 57), 43);
  EXPECT_EQ(JumpConsistentHash(0xDEAD10CC, 1), 0);
  EXPECT_EQ(JumpConsistentHash(0xDEAD10CC, 666), 361);
  EXPECT_EQ(JumpConsistentHash(256, 1024), 520);
  EXPECT_EQ(JumpConsistentHash(1, 128), 55);
  EXPECT_EQ(JumpConsistentHash(129, 128), 120);
  EXPECT_EQ(JumpConsistentHash(128, 100000000), 38172097);
  EXPECT_EQ(JumpConsistentHash(18446744073709551615ULL, 128), 92);
}

TEST(ShardTest, ConsoleKeyIsFnv1a64OfTheName) {
  EXPECT_EQ(ConsoleKey(""), 0xcbf29ce484222325ULL);  // The offset basis.
  EXPECT_EQ(ConsoleKey("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(ConsoleKey("eu-prod"), 0x23a65f1cb0f4992bULL);
}

// Pinned owners: these were computed once by an independent implementation
// (Python) of FNV-1a + jump hash. If this test fails, a build would move
// consoles away from their checkpoints: don't update the numbers, fix the code.
TEST(ShardTest, OwnersOfKnownNamesArePinned) {
  const std::map<std::string, std::vector<int>> owners = {
      // name -> owner for 1, 2, 3, 4, 5, 7 and 10 shards
      {"eu-prod", {0, 1, 1, 3, 3, 3, 3}},    {"us-prod", {0, 0, 2, 2, 2, 5, 5}},
      {"acme", {0, 0, 0, 3, 3, 5, 7}},       {"console-01", {0, 0, 0, 0, 0, 6, 6}},
      {"console-02", {0, 1, 1, 1, 1, 1, 1}}, {"tenant-1234.example", {0, 1, 1, 1, 1, 1, 7}},
  };
  const int counts[] = {1, 2, 3, 4, 5, 7, 10};
  for (const auto& [name, expected] : owners) {
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(ShardOf(name, counts[i]), expected[i]) << name << " over " << counts[i];
    }
  }
  // The twelve consoles of the integration test (tests/integration/shard_test.cc).
  const std::vector<std::string> mssp = {"mssp-01", "mssp-02", "mssp-03", "mssp-04",
                                         "mssp-05", "mssp-06", "mssp-07", "mssp-08",
                                         "mssp-09", "mssp-10", "mssp-11", "mssp-12"};
  std::vector<std::string> moved;
  for (const ConsoleMove& m : PlanResize(mssp, 3, 4)) {
    moved.push_back(m.console + ":" + std::to_string(m.from_shard) + ">" +
                    std::to_string(m.to_shard));
  }
  EXPECT_EQ(moved,
            (std::vector<std::string>{"mssp-02:2>3", "mssp-04:0>3", "mssp-10:0>3", "mssp-12:1>3"}));
}

TEST(ShardTest, ThousandNamesOverSevenShardsAreWithinFifteenPercentOfEven) {
  std::vector<int> per_shard(7, 0);
  for (const std::string& name : Names("console-%d", 1000)) {
    const int s = ShardOf(name, 7);
    ASSERT_GE(s, 0);
    ASSERT_LT(s, 7);
    ++per_shard[s];
  }
  const double even = 1000.0 / 7;
  for (int s = 0; s < 7; ++s) {
    EXPECT_LE(std::abs(per_shard[s] - even), 0.15 * even) << "shard " << s << ": " << per_shard[s];
  }
}

TEST(ShardTest, EveryConsoleHasExactlyOneOwner) {
  const std::vector<std::string> names = Names("mssp-%02d", 40);
  const config::Config all = ConfigWith(names);
  for (int n = 1; n <= 6; ++n) {
    std::multiset<std::string> seen;
    for (int i = 0; i < n; ++i) {
      config::Config mine = all;
      KeepOwnedConsoles(mine, Shard{i, n});
      EXPECT_EQ(OwnedConsoles(all, Shard{i, n}).size(), mine.consoles.size());
      for (const auto& c : mine.consoles) seen.insert(c.name);
    }
    EXPECT_EQ(seen, std::multiset<std::string>(names.begin(), names.end())) << n << " shards";
  }
}

TEST(ShardTest, GrowingMovesConsolesOnlyToTheNewShard) {
  const std::vector<std::string> names = Names("tenant-%04d", 1000);
  for (int n = 1; n <= 9; ++n) {
    const std::vector<ConsoleMove> moves = PlanResize(names, n, n + 1);
    for (const ConsoleMove& m : moves) {
      EXPECT_EQ(m.to_shard, n) << m.console << " from " << n << " to " << n + 1;
      EXPECT_EQ(m.from_shard, ShardOf(m.console, n));
    }
    // About 1/(n+1) of them move: the new shard's fair share, no more.
    const double share = 1000.0 / (n + 1);
    EXPECT_NEAR(static_cast<double>(moves.size()), share, 0.2 * share) << n << " to " << n + 1;
  }
}

TEST(ShardTest, ShrinkingMovesOnlyTheConsolesOfTheRemovedShard) {
  const std::vector<std::string> names = Names("tenant-%04d", 1000);
  for (int n = 2; n <= 10; ++n) {
    const std::vector<ConsoleMove> moves = PlanResize(names, n, n - 1);
    size_t on_removed = 0;
    for (const std::string& name : names) on_removed += ShardOf(name, n) == n - 1 ? 1 : 0;
    EXPECT_EQ(moves.size(), on_removed);
    for (const ConsoleMove& m : moves) EXPECT_EQ(m.from_shard, n - 1) << m.console;
  }
}

TEST(ShardTest, SameCountMovesNothing) { EXPECT_TRUE(PlanResize(Names("c%d", 100), 3, 3).empty()); }

TEST(ShardTest, ParsesIndexOverCount) {
  Result<Shard> s = ParseShard("1/3", "anything");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->index, 1);
  EXPECT_EQ(s->count, 3);
  EXPECT_EQ(ShardText(*s), "1/3");
  EXPECT_TRUE(ParseShard("0/1", "").ok());
  EXPECT_TRUE(ParseShard("9999/10000", "").ok());
}

TEST(ShardTest, RefusesMalformedSpecs) {
  for (const char* bad : {"", "3", "3/3", "-1/3", "1/0", "x/3", "1/", "/3", "1/3x", " 1/3", "1/ 3",
                          "1/10001", "0/-2", "1.0/3", "auto", "auto/", "AUTO/3"}) {
    Result<Shard> s = ParseShard(bad, "s1-collector-0");
    EXPECT_FALSE(s.ok()) << "\"" << bad << "\"";
    if (!s.ok()) {
      EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    }
  }
}

TEST(ShardTest, AutoTakesTheOrdinalOfAStatefulSetPod) {
  Result<Shard> s = ParseShard("auto/3", "s1-collector-2");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->index, 2);
  EXPECT_EQ(s->count, 3);
  // A fully qualified name: the domain is not part of the pod's name.
  s = ParseShard("auto/4", "s1-collector-1.s1-collector.s1c.svc.cluster.local");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->index, 1);
}

TEST(ShardTest, AutoNamesTheHostnameWithoutAnOrdinal) {
  for (const char* host : {"s1-collector", "collector", "host-", "pod-1a", ""}) {
    Result<Shard> s = ParseShard("auto/3", host);
    ASSERT_FALSE(s.ok()) << host;
    EXPECT_NE(s.status().message().find("\"" + std::string(host) + "\""), std::string::npos)
        << s.status().message();
    EXPECT_NE(s.status().message().find("--shard I/N"), std::string::npos);
  }
}

TEST(ShardTest, AutoRefusesAnOrdinalNotBelowTheCount) {
  // Replicas scaled to 4 while the pods still say auto/3: pod 3 must not
  // quietly poll what shard 0 of 3 polls.
  Result<Shard> s = ParseShard("auto/3", "s1-collector-3");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("replicas"), std::string::npos) << s.status().message();
}

TEST(ShardTest, OrdinalFromHostname) {
  EXPECT_EQ(*OrdinalFromHostname("s1-collector-0"), 0);
  EXPECT_EQ(*OrdinalFromHostname("web-12"), 12);
  EXPECT_FALSE(OrdinalFromHostname("s1-collector-1234567890").ok());  // Not an ordinal.
}

TEST(ShardTest, MetricsSayWhichShardAndHowManyConsoles) {
  obs::MetricsRegistry registry;
  RegisterShardMetrics(registry, Shard{1, 3}, 4);
  const std::string text = registry.Render();
  EXPECT_NE(text.find("s1c_shard_info{index=\"1\",count=\"3\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("s1c_shard_consoles_owned 4\n"), std::string::npos) << text;
}

TEST(ShardTest, PlanTextListsTheMovesAndTheCommandsPerPair) {
  const std::vector<ConsoleMove> moves = {
      {"mssp-02", 2, 3}, {"mssp-04", 0, 3}, {"mssp-10", 0, 3}, {"mssp-12", 1, 3}};
  const std::string text = FormatResizePlan(moves, 12, 3, 4, "/etc/s1 c/config.json");
  EXPECT_NE(text.find("From 3 to 4 shards, 4 of 12 consoles change shard"), std::string::npos)
      << text;
  EXPECT_NE(text.find("on shard 0: s1-collector state export -c '/etc/s1 c/config.json' --console "
                      "mssp-04 --console mssp-10 > move-0-to-3.json"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("on shard 3: s1-collector state import -c '/etc/s1 c/config.json' < "
                      "move-0-to-3.json"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("move-2-to-3.json"), std::string::npos);
  EXPECT_NE(text.find("move-1-to-3.json"), std::string::npos);

  EXPECT_EQ(FormatResizePlanJson(moves, 12, 3, 4),
            R"({"from":3,"to":4,"consoles":12,"moves":[{"console":"mssp-02","from":2,"to":3},)"
            R"({"console":"mssp-04","from":0,"to":3},{"console":"mssp-10","from":0,"to":3},)"
            R"({"console":"mssp-12","from":1,"to":3}]})"
            "\n");
  EXPECT_NE(FormatResizePlan({}, 12, 3, 3, "c.json").find("Nothing to move"), std::string::npos);
}

}  // namespace
}  // namespace s1c::app
