// Generation of the agents, groups and unified alerts streams.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "s1c/core/iso_time.h"
#include "simulator/event_generator.h"

namespace s1c::sim {
namespace {

using json = nlohmann::json;

CorpusOptions NewStreams(uint64_t seed) {
  CorpusOptions o;
  o.seed = seed;
  o.activities = 0;
  o.threats = 0;
  o.agents = 300;
  o.groups = 60;
  o.unified_alerts = 400;
  return o;
}

std::vector<std::string> Bytes(const std::vector<EventRecord>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.json);
  return out;
}

std::set<std::string> Keys(const json& object) {
  std::set<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.insert(key);
  return keys;
}

int64_t Micros(const json& text) {
  auto t = ParseIsoTime(text.get<std::string>());
  EXPECT_TRUE(t.ok()) << text;
  return t.ok() ? *t : 0;
}

// Per id, in generation order: versions have strictly later updatedAt and
// share createdAt. Returns the number of versions per id.
std::map<uint64_t, int> CheckVersions(const std::vector<EventRecord>& rows) {
  std::map<uint64_t, const EventRecord*> last;
  std::map<uint64_t, int> versions;
  for (const auto& row : rows) {
    auto it = last.find(row.id);
    if (it != last.end()) {
      EXPECT_GT(row.updated_us, it->second->updated_us) << "id " << row.id;
      EXPECT_EQ(row.created_us, it->second->created_us) << "id " << row.id;
    }
    last[row.id] = &row;
    ++versions[row.id];
  }
  return versions;
}

// Rows sharing their update time with another row of another id.
int RowsInTies(const std::vector<EventRecord>& rows) {
  std::map<int64_t, std::set<uint64_t>> ids_at;
  for (const auto& row : rows) ids_at[row.updated_us].insert(row.id);
  int tied = 0;
  for (const auto& [time, ids] : ids_at) tied += ids.size() > 1 ? static_cast<int>(ids.size()) : 0;
  return tied;
}

TEST(VersionedStreamGeneratorTest, SameSeedSameBytesOtherSeedOtherBytes) {
  EventGenerator a(NewStreams(1)), b(NewStreams(1)), c(NewStreams(2));
  const Corpus ca = a.Generate(), cb = b.Generate(), cc = c.Generate();
  for (StreamKind kind : {StreamKind::kAgents, StreamKind::kGroups, StreamKind::kUnifiedAlerts}) {
    EXPECT_EQ(Bytes(ca.Of(kind)), Bytes(cb.Of(kind))) << SpecOf(kind).name;
    EXPECT_NE(Bytes(ca.Of(kind)), Bytes(cc.Of(kind))) << SpecOf(kind).name;
  }
  // Live rows continue deterministically too.
  for (StreamKind kind : {StreamKind::kAgents, StreamKind::kGroups, StreamKind::kUnifiedAlerts}) {
    for (int i = 0; i < 5; ++i) {
      const int64_t t = 1767300000000000 + i * 1234567;
      EXPECT_EQ(a.Live(kind, t).row.json, b.Live(kind, t).row.json) << SpecOf(kind).name;
    }
  }
}

TEST(VersionedStreamGeneratorTest, NewStreamsLeaveTheOlderStreamsUnchanged) {
  CorpusOptions without;
  without.seed = 5;
  without.activities = 500;
  without.threats = 80;
  without.alerts = 40;
  CorpusOptions with = without;
  with.agents = 100;
  with.groups = 30;
  with.unified_alerts = 200;
  EventGenerator a(without), b(with);
  const Corpus ca = a.Generate(), cb = b.Generate();
  EXPECT_EQ(Bytes(ca.activities), Bytes(cb.activities));
  EXPECT_EQ(Bytes(ca.threats), Bytes(cb.threats));
  EXPECT_EQ(Bytes(ca.alerts), Bytes(cb.alerts));
  EXPECT_TRUE(ca.agents.empty() && ca.groups.empty() && ca.unified_alerts.empty());
  // And the older streams' live rows too.
  EXPECT_EQ(a.LiveActivity(1767300000000000).json, b.LiveActivity(1767300000000000).json);
  EXPECT_EQ(a.LiveThreat(1767300000000000).row.json, b.LiveThreat(1767300000000000).row.json);
}

TEST(VersionedStreamGeneratorTest, AgentsHaveTheSampleShapeAndOneToThreeVersions) {
  const std::set<std::string> sample_keys = {"accountId",
                                             "accountName",
                                             "activeDirectory",
                                             "activeThreats",
                                             "agentVersion",
                                             "allowRemoteShell",
                                             "appsVulnerabilityStatus",
                                             "cloudProviders",
                                             "computerName",
                                             "consoleMigrationStatus",
                                             "coreCount",
                                             "cpuCount",
                                             "cpuId",
                                             "createdAt",
                                             "detectionState",
                                             "domain",
                                             "encryptedApplications",
                                             "externalId",
                                             "externalIp",
                                             "firewallEnabled",
                                             "firstFullModeTime",
                                             "groupId",
                                             "groupIp",
                                             "groupName",
                                             "id",
                                             "inRemoteShellSession",
                                             "infected",
                                             "installerType",
                                             "isActive",
                                             "isDecommissioned",
                                             "isPendingUninstall",
                                             "isUninstalled",
                                             "isUpToDate",
                                             "lastActiveDate",
                                             "lastIpToMgmt",
                                             "lastLoggedInUserName",
                                             "licenseKey",
                                             "locationEnabled",
                                             "locationType",
                                             "locations",
                                             "machineType",
                                             "missingPermissions",
                                             "mitigationMode",
                                             "mitigationModeSuspicious",
                                             "modelName",
                                             "networkInterfaces",
                                             "networkQuarantineEnabled",
                                             "networkStatus",
                                             "operationalState",
                                             "operationalStateExpiration",
                                             "osArch",
                                             "osName",
                                             "osRevision",
                                             "osStartTime",
                                             "osType",
                                             "osUsername",
                                             "rangerStatus",
                                             "rangerVersion",
                                             "registeredAt",
                                             "remoteProfilingState",
                                             "remoteProfilingStateExpiration",
                                             "scanAbortedAt",
                                             "scanFinishedAt",
                                             "scanStartedAt",
                                             "scanStatus",
                                             "siteId",
                                             "siteName",
                                             "storageName",
                                             "storageType",
                                             "tags",
                                             "threatRebootRequired",
                                             "totalMemory",
                                             "updatedAt",
                                             "userActionsNeeded",
                                             "uuid"};
  CorpusOptions o = NewStreams(3);
  o.threats = 50;
  EventGenerator gen(o);
  const Corpus corpus = gen.Generate();
  std::set<std::string> agent_ids;
  std::set<std::string> statuses;
  for (const auto& row : corpus.agents) {
    const json a = json::parse(row.json);
    EXPECT_EQ(a.dump(), row.json) << "not compact";
    EXPECT_EQ(Keys(a), sample_keys);
    EXPECT_EQ(Micros(a["createdAt"]), row.created_us);
    EXPECT_EQ(Micros(a["updatedAt"]), row.updated_us);
    EXPECT_EQ(a["registeredAt"], a["createdAt"]);
    EXPECT_LE(Micros(a["lastActiveDate"]), row.updated_us);
    EXPECT_EQ(a["id"].get<std::string>(), std::to_string(row.id));
    EXPECT_EQ(a["siteId"].get<std::string>(), row.site_id);
    EXPECT_EQ(a["accountId"].get<std::string>(), row.account_id);
    EXPECT_EQ(a["networkInterfaces"][0]["inet"][0], a["lastIpToMgmt"]);
    EXPECT_EQ(a["infected"].get<bool>(), a["activeThreats"].get<int>() > 0);
    agent_ids.insert(a["id"].get<std::string>());
    statuses.insert(a["networkStatus"].get<std::string>());
  }
  const auto versions = CheckVersions(corpus.agents);
  EXPECT_EQ(versions.size(), 300u);
  std::set<int> counts;
  for (const auto& [id, n] : versions) counts.insert(n);
  EXPECT_EQ(counts, (std::set<int>{1, 2, 3}));
  EXPECT_GT(statuses.size(), 1u) << "versions change the network status";
  // The inventory starts with the agents the threats name.
  for (const auto& row : corpus.threats) {
    const json t = json::parse(row.json);
    EXPECT_EQ(agent_ids.count(t["agentRealtimeInfo"]["agentId"].get<std::string>()), 1u);
  }
  const int tied = RowsInTies(corpus.agents);
  EXPECT_GE(tied, 10) << "about 5% of agents change in bulk, at one microsecond";
  EXPECT_LE(tied, 120);
}

TEST(VersionedStreamGeneratorTest, GroupsHaveTheSampleShapeAndOneToTwoVersions) {
  const std::set<std::string> sample_keys = {
      "createdAt",   "creator",   "creatorId", "filterId", "filterName",        "id",
      "inherits",    "isDefault", "name",      "rank",     "registrationToken", "siteId",
      "totalAgents", "type",      "updatedAt"};
  CorpusOptions o = NewStreams(4);
  EventGenerator gen(o);
  const Corpus corpus = gen.Generate();
  // A group's account is its site's: learn site -> account from the agents.
  std::map<std::string, std::string> account_of_site;
  for (const auto& row : corpus.agents) account_of_site[row.site_id] = row.account_id;
  for (const auto& row : corpus.groups) {
    const json g = json::parse(row.json);
    EXPECT_EQ(Keys(g), sample_keys);
    EXPECT_EQ(Micros(g["createdAt"]), row.created_us);
    EXPECT_EQ(Micros(g["updatedAt"]), row.updated_us);
    EXPECT_EQ(g["id"].get<std::string>(), std::to_string(row.id));
    EXPECT_EQ(g["siteId"].get<std::string>(), row.site_id);
    if (account_of_site.count(row.site_id)) {
      EXPECT_EQ(account_of_site[row.site_id], row.account_id);
    }
    EXPECT_EQ(g["type"] == "dynamic", g["registrationToken"].is_null());
    EXPECT_EQ(g["isDefault"].get<bool>(), g["rank"].is_null());
  }
  const auto versions = CheckVersions(corpus.groups);
  EXPECT_EQ(versions.size(), 60u);
  std::set<int> counts;
  for (const auto& [id, n] : versions) counts.insert(n);
  EXPECT_EQ(counts, (std::set<int>{1, 2}));
}

TEST(VersionedStreamGeneratorTest, UnifiedAlertsAreWholeMillisecondsAndFollowTriage) {
  const std::set<std::string> sample_keys = {"aiInvestigation",
                                             "analystVerdict",
                                             "analytics",
                                             "assets",
                                             "assignee",
                                             "attackSurfaces",
                                             "availableActionIds",
                                             "classification",
                                             "confidenceLevel",
                                             "createdAt",
                                             "dataSources",
                                             "description",
                                             "detectedAt",
                                             "detectionSource",
                                             "detectionTime",
                                             "exclusionHash",
                                             "externalId",
                                             "firstSeenAt",
                                             "id",
                                             "lastSeenAt",
                                             "name",
                                             "noteExists",
                                             "process",
                                             "realTime",
                                             "result",
                                             "severity",
                                             "sloDetails",
                                             "status",
                                             "storylineId",
                                             "ticketId",
                                             "updatedAt"};
  EventGenerator gen(NewStreams(5));
  const Corpus corpus = gen.Generate();
  const std::regex iso_millis(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  const std::regex uuid(R"([0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})");
  std::map<std::string, int> products;
  std::set<std::string> vendors;
  std::map<uint64_t, std::vector<std::string>> statuses;
  // Every string that looks like a time anywhere in the node has exactly three fraction digits.
  std::function<void(const json&)> check_times = [&](const json& j) {
    if (j.is_structured()) {
      for (const auto& item : j) check_times(item);
    } else if (j.is_string() && j.get<std::string>().size() > 19 &&
               j.get<std::string>()[10] == 'T' && j.get<std::string>().back() == 'Z') {
      EXPECT_TRUE(std::regex_match(j.get<std::string>(), iso_millis)) << j;
    }
  };
  for (const auto& row : corpus.unified_alerts) {
    const json n = json::parse(row.json);
    EXPECT_EQ(n.dump(), row.json) << "not compact";
    EXPECT_EQ(Keys(n), sample_keys);
    EXPECT_EQ(row.updated_us % 1000, 0);
    EXPECT_EQ(row.created_us % 1000, 0);
    EXPECT_EQ(Micros(n["updatedAt"]), row.updated_us);
    EXPECT_EQ(Micros(n["createdAt"]), row.created_us);
    check_times(n);
    const std::string id = n["id"].get<std::string>();
    EXPECT_TRUE(std::regex_match(id, uuid)) << id;
    std::string hex = id.substr(0, 8) + id.substr(9, 4) + id.substr(14, 4);
    EXPECT_EQ(std::stoull(hex, nullptr, 16), row.id);
    EXPECT_EQ(n["detectionSource"]["product"].get<std::string>(), row.product);
    EXPECT_EQ(n["realTime"]["scope"]["site"]["id"].get<std::string>(), row.site_id);
    EXPECT_EQ(n["realTime"]["scope"]["account"]["id"].get<std::string>(), row.account_id);
    ++products[std::string(row.product)];
    vendors.insert(n["detectionSource"]["vendor"].get<std::string>());
    statuses[row.id].push_back(n["status"].get<std::string>());
    EXPECT_EQ(n["assignee"].is_null(), n["status"] == "NEW");
  }
  for (const char* product : {"EDR", "STAR", "Identity", "Cloud", "Third Party"}) {
    EXPECT_GT(products[product], 10) << product;
  }
  EXPECT_TRUE(vendors.count("Okta"));
  const auto versions = CheckVersions(corpus.unified_alerts);
  EXPECT_EQ(versions.size(), 400u);
  std::set<int> counts;
  for (const auto& [id, n] : versions) counts.insert(n);
  EXPECT_EQ(counts, (std::set<int>{1, 2, 3}));
  const std::vector<std::string> triage = {"NEW", "IN_PROGRESS", "RESOLVED"};
  for (const auto& [id, seen] : statuses) {
    EXPECT_EQ(seen, std::vector<std::string>(triage.begin(), triage.begin() + seen.size()));
  }
  const int tied = RowsInTies(corpus.unified_alerts);
  EXPECT_GE(tied, 15) << "about 5% of alerts share one millisecond";
  EXPECT_LE(tied, 200);
}

TEST(VersionedStreamGeneratorTest, LiveRowsAreNewOrNextVersionsWithLaterTimes) {
  CorpusOptions o = NewStreams(6);
  o.history = HistoryMode::kLatest;
  EventGenerator gen(o);
  const Corpus corpus = gen.Generate();
  for (StreamKind kind : {StreamKind::kAgents, StreamKind::kGroups, StreamKind::kUnifiedAlerts}) {
    std::map<uint64_t, int64_t> last;
    for (const auto& row : corpus.Of(kind)) {
      last[row.id] = std::max(last[row.id], row.updated_us);
    }
    int new_things = 0, next_versions = 0;
    for (int i = 0; i < 200; ++i) {
      // Microsecond wall-clock stamps; unified alerts round them down to milliseconds.
      const int64_t t = o.start_us + o.span_us + i * 777;
      const LiveRow live = gen.Live(kind, t);
      if (kind == StreamKind::kUnifiedAlerts) {
        EXPECT_EQ(live.row.updated_us % 1000, 0);
      }
      if (auto known = last.find(live.row.id); known != last.end()) {
        ++next_versions;
        EXPECT_GT(live.row.updated_us, known->second);
        EXPECT_LE(live.row.updated_us, std::max(t, known->second + 1000));
        EXPECT_TRUE(live.supersedes) << "latest history: the new version hides the old one";
      } else {
        ++new_things;
        EXPECT_FALSE(live.supersedes);
        EXPECT_LE(live.row.updated_us, t);
        EXPECT_GT(live.row.updated_us, t - 1000);
      }
      last[live.row.id] = live.row.updated_us;
    }
    EXPECT_GT(new_things, 50) << SpecOf(kind).name;
    EXPECT_GT(next_versions, 50) << SpecOf(kind).name;
  }
}

TEST(VersionedStreamGeneratorTest, LatestHistoryShowsOneVersionAtATime) {
  CorpusOptions o = NewStreams(7);
  o.history = HistoryMode::kLatest;
  EventGenerator gen(o);
  Corpus corpus = gen.Generate();
  for (StreamKind kind : {StreamKind::kAgents, StreamKind::kGroups, StreamKind::kUnifiedAlerts}) {
    for (int64_t now : {o.start_us + o.span_us / 2, o.start_us + 10 * o.span_us}) {
      std::map<uint64_t, int> visible;
      for (const auto& row : corpus.Of(kind)) {
        if (row.VisibleAt(now)) ++visible[row.id];
      }
      for (const auto& [id, n] : visible) EXPECT_EQ(n, 1) << SpecOf(kind).name << " " << id;
    }
  }
}

}  // namespace
}  // namespace s1c::sim
