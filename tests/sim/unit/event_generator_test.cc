#include "simulator/event_generator.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "s1c/core/iso_time.h"

namespace s1c::sim {
namespace {

using json = nlohmann::json;

CorpusOptions SmallCorpus(uint64_t seed) {
  CorpusOptions o;
  o.seed = seed;
  o.activities = 400;
  o.threats = 60;
  o.alerts = 40;
  return o;
}

std::vector<std::string> Bytes(const std::vector<EventRecord>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.json);
  return out;
}

int64_t Micros(const json& text) {
  auto t = ParseIsoTime(text.get<std::string>());
  EXPECT_TRUE(t.ok());
  return t.ok() ? *t : 0;
}

TEST(EventGeneratorTest, SameSeedSameBytesOtherSeedOtherBytes) {
  EventGenerator a(SmallCorpus(1)), b(SmallCorpus(1)), c(SmallCorpus(2));
  const Corpus ca = a.Generate(), cb = b.Generate(), cc = c.Generate();
  EXPECT_EQ(Bytes(ca.activities), Bytes(cb.activities));
  EXPECT_EQ(Bytes(ca.threats), Bytes(cb.threats));
  EXPECT_EQ(Bytes(ca.alerts), Bytes(cb.alerts));
  EXPECT_NE(Bytes(ca.activities), Bytes(cc.activities));
  // Live rows continue deterministically too.
  EXPECT_EQ(a.LiveActivity(1767300000000000).json, b.LiveActivity(1767300000000000).json);
  EXPECT_EQ(a.LiveThreat(1767300000000000).row.json, b.LiveThreat(1767300000000000).row.json);
}

TEST(EventGeneratorTest, StreamsDoNotDependOnEachOthersSizes) {
  CorpusOptions more_threats = SmallCorpus(1);
  more_threats.threats = 200;
  EventGenerator a(SmallCorpus(1)), b(more_threats);
  EXPECT_EQ(Bytes(a.Generate().activities), Bytes(b.Generate().activities));
}

TEST(EventGeneratorTest, ActivitiesHaveTheSampleShape) {
  EventGenerator gen(SmallCorpus(3));
  const Corpus corpus = gen.Generate();
  ASSERT_EQ(corpus.activities.size(), 400u);
  std::set<uint64_t> ids;
  std::map<int64_t, int> per_time;
  int big_integers = 0;
  bool non_ascii = false;
  for (const auto& row : corpus.activities) {
    EXPECT_EQ(row.json.find('\n'), std::string::npos);
    const json e = json::parse(row.json);
    EXPECT_EQ(e.dump(), row.json) << "not compact";
    EXPECT_EQ(Micros(e["createdAt"]), row.created_us);
    EXPECT_EQ(Micros(e["updatedAt"]), row.updated_us);
    EXPECT_EQ(e["id"].get<std::string>(), std::to_string(row.id));
    EXPECT_EQ(e["id"].get<std::string>().size(), 19u);
    EXPECT_EQ(e["siteId"].get<std::string>(), row.site_id);
    EXPECT_EQ(e["accountId"].get<std::string>(), row.account_id);
    for (const char* key : {"activityType", "primaryDescription", "data", "agentId", "siteName"}) {
      EXPECT_TRUE(e.contains(key)) << key;
    }
    for (const auto& [key, value] : e["data"].items()) {
      if (value.is_number_unsigned() && value.get<uint64_t>() > (uint64_t{1} << 53)) ++big_integers;
    }
    non_ascii = non_ascii || row.json.find("é") != std::string::npos;
    ids.insert(row.id);
    ++per_time[row.created_us];
  }
  EXPECT_EQ(ids.size(), corpus.activities.size());
  EXPECT_GT(big_integers, 10);
  EXPECT_TRUE(non_ascii);
  int in_bursts = 0;
  for (const auto& [time, n] : per_time) in_bursts += n > 1 ? n : 0;
  EXPECT_GE(in_bursts, 15) << "about 5% of events should share a timestamp";
  EXPECT_LE(in_bursts, 60);
}

TEST(EventGeneratorTest, ThreatsKeepTimesUnderThreatInfoAndHaveVersions) {
  EventGenerator gen(SmallCorpus(4));
  const Corpus corpus = gen.Generate();
  std::map<uint64_t, std::vector<int64_t>> versions;
  for (const auto& row : corpus.threats) {
    const json t = json::parse(row.json);
    EXPECT_FALSE(t.contains("createdAt"));
    EXPECT_FALSE(t.contains("updatedAt"));
    EXPECT_EQ(Micros(t["threatInfo"]["createdAt"]), row.created_us);
    EXPECT_EQ(Micros(t["threatInfo"]["updatedAt"]), row.updated_us);
    EXPECT_EQ(t["id"], t["threatInfo"]["threatId"]);
    EXPECT_EQ(t["agentDetectionInfo"]["siteId"].get<std::string>(), row.site_id);
    EXPECT_TRUE(t.contains("agentRealtimeInfo"));
    EXPECT_TRUE(t["indicators"].is_array());
    versions[row.id].push_back(row.updated_us);
  }
  EXPECT_EQ(versions.size(), 60u);
  bool some_changed = false;
  for (const auto& [id, times] : versions) {
    EXPECT_GE(times.size(), 1u);
    EXPECT_LE(times.size(), 4u);
    some_changed = some_changed || times.size() > 1;
    std::set<int64_t> distinct(times.begin(), times.end());
    EXPECT_EQ(distinct.size(), times.size()) << "versions of one threat need distinct updatedAt";
  }
  EXPECT_TRUE(some_changed);
}

TEST(EventGeneratorTest, AlertsKeepTimesUnderAlertInfo) {
  EventGenerator gen(SmallCorpus(5));
  const Corpus corpus = gen.Generate();
  std::map<uint64_t, int> versions;
  for (const auto& row : corpus.alerts) {
    const json a = json::parse(row.json);
    EXPECT_EQ(a["alertInfo"]["alertId"].get<std::string>(), std::to_string(row.id));
    EXPECT_EQ(Micros(a["alertInfo"]["createdAt"]), row.created_us);
    EXPECT_EQ(Micros(a["alertInfo"]["updatedAt"]), row.updated_us);
    EXPECT_TRUE(a.contains("ruleInfo"));
    ++versions[row.id];
  }
  EXPECT_EQ(versions.size(), 40u);
  for (const auto& [id, n] : versions) EXPECT_LE(n, 2);
}

TEST(EventGeneratorTest, LatestHistoryShowsOneVersionAtATime) {
  CorpusOptions o = SmallCorpus(6);
  o.history = HistoryMode::kLatest;
  EventGenerator gen(o);
  const Corpus corpus = gen.Generate();
  for (int64_t now : {o.start_us, o.start_us + o.span_us / 2, o.start_us + 10 * o.span_us}) {
    std::map<uint64_t, int> visible;
    for (const auto& row : corpus.threats) {
      if (row.VisibleAt(now)) ++visible[row.id];
    }
    for (const auto& [id, n] : visible) EXPECT_EQ(n, 1) << "threat " << id;
  }
  // Long after the range every threat is visible, as its last version.
  std::set<uint64_t> all, late;
  for (const auto& row : corpus.threats) {
    all.insert(row.id);
    if (row.VisibleAt(o.start_us + 10 * o.span_us)) late.insert(row.id);
  }
  EXPECT_EQ(all, late);
}

}  // namespace
}  // namespace s1c::sim
