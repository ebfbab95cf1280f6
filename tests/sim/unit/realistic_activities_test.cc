// The --realistic data mode: varied activities with the default mode's shape.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "s1c/core/iso_time.h"
#include "simulator/event_generator.h"

namespace s1c::sim {
namespace {

using json = nlohmann::json;

constexpr int64_t kActivities = 3000;

Corpus MakeCorpus(bool realistic, uint64_t seed = 7) {
  CorpusOptions o;
  o.seed = seed;
  o.activities = kActivities;
  o.threats = 20;
  o.alerts = 10;
  o.realistic = realistic;
  EventGenerator gen(o);
  return gen.Generate();
}

std::vector<std::string> Bytes(const std::vector<EventRecord>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.json);
  return out;
}

// activityType -> every key of its rows, top level and "data.<key>".
std::map<int, std::set<std::string>> KeysByType(const std::vector<EventRecord>& rows) {
  std::map<int, std::set<std::string>> out;
  for (const auto& row : rows) {
    const json e = json::parse(row.json);
    std::set<std::string>& keys = out[e["activityType"].get<int>()];
    for (const auto& [key, value] : e.items()) keys.insert(key);
    for (const auto& [key, value] : e["data"].items()) keys.insert("data." + key);
  }
  return out;
}

int64_t Micros(const json& text) {
  auto t = ParseIsoTime(text.get<std::string>());
  EXPECT_TRUE(t.ok());
  return t.ok() ? *t : 0;
}

TEST(RealisticActivitiesTest, SameSeedSameBytesOtherSeedOtherBytes) {
  EXPECT_EQ(Bytes(MakeCorpus(true, 7).activities), Bytes(MakeCorpus(true, 7).activities));
  EXPECT_NE(Bytes(MakeCorpus(true, 7).activities), Bytes(MakeCorpus(true, 8).activities));
}

TEST(RealisticActivitiesTest, LiveRowsAreDeterministicToo) {
  CorpusOptions o;
  o.activities = 10;
  o.realistic = true;
  EventGenerator a(o), b(o);
  (void)a.Generate();
  (void)b.Generate();
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(a.LiveActivity(1767300000000000 + i).json, b.LiveActivity(1767300000000000 + i).json);
  }
}

TEST(RealisticActivitiesTest, RowsAreCompactJsonWithTheirTimesAndIds) {
  for (const auto& row : MakeCorpus(true).activities) {
    ASSERT_TRUE(json::accept(row.json)) << row.json;
    const json e = json::parse(row.json);
    // nlohmann escapes the same way: the bytes are valid, compact, sorted JSON.
    EXPECT_EQ(e.dump(), row.json);
    EXPECT_EQ(row.json.find('\n'), std::string::npos) << "NDJSON needs one line per row";
    EXPECT_EQ(Micros(e["createdAt"]), row.created_us);
    EXPECT_EQ(Micros(e["updatedAt"]), row.updated_us);
    EXPECT_EQ(e["id"].get<std::string>(), std::to_string(row.id));
    EXPECT_EQ(e["siteId"].get<std::string>(), row.site_id);
    EXPECT_EQ(e["accountId"].get<std::string>(), row.account_id);
  }
}

TEST(RealisticActivitiesTest, SameKeysAsTheDefaultModeForEveryActivityType) {
  const auto classic = KeysByType(MakeCorpus(false).activities);
  const auto realistic = KeysByType(MakeCorpus(true).activities);
  EXPECT_EQ(classic.size(), 6u);
  EXPECT_EQ(realistic, classic);
}

// The values that --realistic varies, decoded, joined with spaces.
std::string VariedText(const json& e) {
  std::string out;
  for (const char* key : {"computerName", "username", "filePath", "ruleName", "deviceName",
                          "escapedMaliciousProcessArguments"}) {
    if (auto it = e["data"].find(key); it != e["data"].end() && it->is_string())
      out += it->get<std::string>() + " ";
  }
  if (e["secondaryDescription"].is_string()) out += e["secondaryDescription"].get<std::string>();
  return out;
}

TEST(RealisticActivitiesTest, TextIsNonAsciiInSeveralScriptsAndNeedsEscaping) {
  int accented = 0, cyrillic = 0, cjk = 0, quotes = 0, backslashes = 0, tabs = 0;
  for (const auto& row : MakeCorpus(true).activities) {
    const std::string text = VariedText(json::parse(row.json));
    // UTF-8 lead bytes: 0xC3 Latin-1 letters (é, ü), 0xD0/0xD1 Cyrillic,
    // 0xE3-0xE9 Japanese kana and CJK ideographs.
    bool has_accented = false, has_cyrillic = false, has_cjk = false;
    for (unsigned char c : text) {
      has_accented = has_accented || c == 0xc3;
      has_cyrillic = has_cyrillic || c == 0xd0 || c == 0xd1;
      has_cjk = has_cjk || (c >= 0xe3 && c <= 0xe9);
    }
    accented += has_accented;
    cyrillic += has_cyrillic;
    cjk += has_cjk;
    quotes += text.find('"') != std::string::npos;
    backslashes += text.find('\\') != std::string::npos;
    tabs += text.find('\t') != std::string::npos;
    // Each of those is escaped in the row's JSON text.
    if (text.find('\t') != std::string::npos) {
      EXPECT_NE(row.json.find("\\t"), std::string::npos);
    }
  }
  // Out of 3000 rows; each kind is common, none is everywhere.
  EXPECT_GT(accented, 300);
  EXPECT_GT(cyrillic, 100);
  EXPECT_GT(cjk, 100);
  EXPECT_GT(quotes, 100);
  EXPECT_GT(backslashes, 300);
  EXPECT_GT(tabs, 10);
  EXPECT_LT(accented, kActivities);
}

TEST(RealisticActivitiesTest, RepeatsLessThanTheDefaultMode) {
  // Distinct string values of data.<key>.
  auto distinct = [](const Corpus& corpus, const char* key) {
    std::set<std::string> values;
    for (const auto& row : corpus.activities) {
      const json e = json::parse(row.json);
      if (auto it = e["data"].find(key); it != e["data"].end() && it->is_string())
        values.insert(it->get<std::string>());
    }
    return values.size();
  };
  const Corpus classic = MakeCorpus(false), realistic = MakeCorpus(true);
  EXPECT_LE(distinct(classic, "computerName"), 48u);
  EXPECT_GT(distinct(realistic, "computerName"), 500u);
  EXPECT_LE(distinct(classic, "filePath"), 48u * 5);
  EXPECT_GT(distinct(realistic, "filePath"), 400u);
  EXPECT_LE(distinct(classic, "ruleName"), 4u);
  EXPECT_GT(distinct(realistic, "ruleName"), 400u);
}

TEST(RealisticActivitiesTest, FieldLengthsVary) {
  std::set<size_t> lengths;
  for (const auto& row : MakeCorpus(true).activities) {
    const json e = json::parse(row.json);
    if (e["secondaryDescription"].is_string())
      lengths.insert(e["secondaryDescription"].get<std::string>().size());
  }
  EXPECT_GT(lengths.size(), 100u);
}

}  // namespace
}  // namespace s1c::sim
