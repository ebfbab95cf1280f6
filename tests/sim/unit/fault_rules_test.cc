#include "common/fault_rules.h"

#include <gtest/gtest.h>

namespace s1c::sim {
namespace {

using std::chrono::milliseconds;

const std::vector<std::string> kModes = {"none", "error_500", "slow", "outage"};
const auto kNow = std::chrono::steady_clock::time_point(std::chrono::hours(1));

TEST(FaultRulesTest, ParsesFlagForms) {
  auto bare = ParseFaultFlag("error_500", kModes, kNow);
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->mode, "error_500");
  EXPECT_EQ(bare->probability, 1.0);
  EXPECT_FALSE(bare->remaining);

  auto full = ParseFaultFlag("slow:0.25:delay_ms=200,count=3,streams=threats+alerts", kModes, kNow);
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(full->probability, 0.25);
  EXPECT_EQ(full->delay, milliseconds(200));
  EXPECT_EQ(full->remaining, 3);
  EXPECT_EQ(full->streams, (std::vector<std::string>{"threats", "alerts"}));
}

TEST(FaultRulesTest, RejectsBadFlagsAndBodies) {
  EXPECT_FALSE(ParseFaultFlag("bogus", kModes, kNow).ok());
  EXPECT_FALSE(ParseFaultFlag("slow:2", kModes, kNow).ok());
  EXPECT_FALSE(ParseFaultFlag("slow:x", kModes, kNow).ok());
  EXPECT_FALSE(ParseFaultFlag("slow:1:delay_ms", kModes, kNow).ok());
  EXPECT_FALSE(ParseFaultRuleJson("{", kModes, kNow).ok());
  EXPECT_FALSE(ParseFaultRuleJson(R"({"probability":1})", kModes, kNow).ok());
  EXPECT_FALSE(ParseFaultRuleJson(R"({"mode":"slow","delay":5})", kModes, kNow).ok());
  EXPECT_FALSE(ParseFaultRuleJson(R"({"mode":"slow","count":-1})", kModes, kNow).ok());
}

TEST(FaultSetTest, CountLimitsHitsAndStreamsLimitScope) {
  FaultSet faults(1);
  auto rule =
      ParseFaultRuleJson(R"({"mode":"error_500","count":2,"streams":["threats"]})", kModes, kNow);
  ASSERT_TRUE(rule.ok());
  faults.Add(*rule);
  EXPECT_FALSE(faults.Pick("activities", kNow));
  EXPECT_TRUE(faults.Pick("threats", kNow));
  EXPECT_TRUE(faults.Pick("threats", kNow));
  EXPECT_FALSE(faults.Pick("threats", kNow));
  EXPECT_EQ(faults.ToJson(kNow), "[]");
}

TEST(FaultSetTest, DurationExpires) {
  FaultSet faults(1);
  auto rule = ParseFaultRuleJson(R"({"mode":"outage","duration_ms":500})", kModes, kNow);
  ASSERT_TRUE(rule.ok());
  faults.Add(*rule);
  EXPECT_TRUE(faults.Pick("batch", kNow + milliseconds(499)));
  EXPECT_FALSE(faults.Pick("batch", kNow + milliseconds(500)));
}

TEST(FaultSetTest, ProbabilityIsSeededAndRoughlyRight) {
  auto hits = [](uint64_t seed) {
    FaultSet faults(seed);
    FaultRule rule;
    rule.mode = "error_500";
    rule.probability = 0.3;
    faults.Add(rule);
    std::vector<bool> out;
    for (int i = 0; i < 1000; ++i) out.push_back(faults.Pick("x", kNow).has_value());
    return out;
  };
  const auto a = hits(7);
  EXPECT_EQ(a, hits(7));
  EXPECT_NE(a, hits(8));
  const auto n = std::count(a.begin(), a.end(), true);
  EXPECT_GT(n, 230);
  EXPECT_LT(n, 370);
}

TEST(FaultSetTest, ClearRemovesEverything) {
  FaultSet faults(1);
  FaultRule rule;
  rule.mode = "slow";
  faults.Add(rule);
  faults.Clear();
  EXPECT_FALSE(faults.Pick("x", kNow));
}

}  // namespace
}  // namespace s1c::sim
