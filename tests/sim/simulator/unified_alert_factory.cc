#include "simulator/unified_alert_factory.h"

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <iterator>
#include <nlohmann/json.hpp>

#include "simulator/iso_millis.h"

namespace s1c::sim {
namespace {

using json = nlohmann::json;

constexpr int64_t kMinute = 60LL * 1000000;

enum class AssetKind { kEndpoint, kIdentity, kCloud };

// One kind of detection. The product decides the rest of the node's shape:
// endpoint detections carry a process and a storyline, the others do not.
struct Detection {
  const char* product;
  const char* vendor;
  const char* name;
  const char* description;
  const char* classification;
  const char* attack_surface;
  const char* data_source;
  const char* analytics_category;
  const char* analytics_name;
  const char* analytics_type;
  AssetKind asset;
  const char* file;    // Endpoint detections: the process image.
  const char* parent;  // Endpoint detections: its parent.
};
constexpr Detection kDetections[] = {
    {"EDR", "SentinelOne", "Suspicious PowerShell EncodedCommand",
     "Behavioral AI: WINWORD.EXE spawned powershell.exe -enc …", "MALWARE", "ENDPOINT",
     "SentinelOne", "Behavioral", "Agent Policy", "DYNAMIC", AssetKind::kEndpoint, "powershell.exe",
     "WINWORD.EXE"},
    {"EDR", "SentinelOne", "facture_impayée.pdf.exe detected as Malware",
     "Static AI detected a malicious file: facture_impayée.pdf.exe.", "MALWARE", "ENDPOINT",
     "SentinelOne", "Reputation", "Agent Policy", "STATIC", AssetKind::kEndpoint,
     "facture_impayée.pdf.exe", "explorer.exe"},
    {"STAR", "SentinelOne", "LSASS アクセス",
     "Custom rule: rundll32.exe opened a handle to lsass.exe", "CREDENTIAL_THEFT", "ENDPOINT",
     "SentinelOne", "Custom Rule", "STAR", "CUSTOM", AssetKind::kEndpoint, "rundll32.exe",
     "cmd.exe"},
    {"Identity", "SentinelOne", "Kerberoasting: service tickets requested for 14 SPNs",
     "Singularity Identity: one account requested 14 service tickets in 2 minutes.",
     "CREDENTIAL_THEFT", "IDENTITY", "SentinelOne Identity", "Identity", "Ranger AD", "DYNAMIC",
     AssetKind::kIdentity, nullptr, nullptr},
    {"Cloud", "SentinelOne", "S3 bucket made public: backups-prod",
     "Cloud Native Security: a bucket policy now allows s3:GetObject for \"*\".",
     "MISCONFIGURATION", "CLOUD", "SentinelOne Cloud", "Misconfiguration", "CNS Policy", "STATIC",
     AssetKind::kCloud, nullptr, nullptr},
    {"Third Party", "Okta", "Okta: MFA push fatigue",
     "14 Okta Verify pushes were denied within 5 minutes.", "SUSPICIOUS_ACTIVITY", "IDENTITY",
     "Okta", "Third Party", "Okta System Log", "EXTERNAL", AssetKind::kIdentity, nullptr, nullptr},
    {"Third Party", "Microsoft", "Defender for Office 365: malicious URL click",
     "A user clicked a URL later detonated as phishing: https://login-micros0ft.example/…",
     "PHISHING", "EMAIL", "Microsoft 365 Defender", "Third Party", "Defender for Office 365",
     "EXTERNAL", AssetKind::kIdentity, nullptr, nullptr},
};
constexpr const char* kSeverities[] = {"LOW", "MEDIUM", "HIGH", "CRITICAL"};

struct Analyst {
  const char* full_name;
  const char* email;
  const char* user_id;
};
constexpr Analyst kAnalysts[] = {
    {"Ana-María Núñez", "anunez@corp.example.com", "9537786427543659785"},
    {"李雷", "lilei@corp.example.com", "7516825021358010066"},
    {"Jürgen Weiß", "jweiss@corp.example.com", "1283301842263591724"},
    {"Sam O'Brien", "sobrien@corp.example.com", "4411973388190254161"},
};

constexpr int64_t kResponseTargetMinutes = 60;
constexpr int64_t kResolveTargetMinutes = 1440;

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

json Nullable(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

// One of sloDetails' two clocks: `target_minutes` after creation, met (or
// missed) at `done_us` when that is set.
json SloClock(int64_t created_us, int64_t updated_us, int64_t done_us, int64_t target_minutes) {
  const int64_t target_us = created_us + target_minutes * kMinute;
  const int64_t until = done_us > 0 ? done_us : updated_us;
  const bool done = done_us > 0;
  return {{"actionComplete", done},
          {"actionDue", std::max<int64_t>(0, target_minutes - (until - created_us) / kMinute)},
          {"completion", done ? json((done_us - created_us) / 1000000) : json(nullptr)},
          {"completionTime", done ? json(FormatIsoMillis(done_us)) : json(nullptr)},
          {"status", !done                  ? "IN_PROGRESS"
                     : done_us <= target_us ? "MET"
                                            : "MISSED"},
          {"target", target_minutes},
          {"targetTime", FormatIsoMillis(target_us)}};
}

}  // namespace

UnifiedAlertProfile UnifiedAlertFactory::NewAlert(int64_t created_us) {
  UnifiedAlertProfile a;
  a.created_us = FloorToMillis(created_us);
  // A UUIDv7-shaped id: 48 bits of creation milliseconds, the version digit 7,
  // 12 random bits (redrawn on a clash), then the variant and 62 random bits.
  const uint64_t millis_bits = static_cast<uint64_t>(a.created_us / 1000) & 0xffffffffffffull;
  do {
    a.id = (millis_bits << 16) | 0x7000 | rng_.Below(0x1000);
  } while (!used_ids_.insert(a.id).second);
  char prefix[32];
  std::snprintf(prefix, sizeof(prefix), "%016" PRIx64, a.id);
  const std::string hex = prefix;
  a.uuid = hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-";
  a.uuid += "89ab"[rng_.Below(4)];
  a.uuid += rng_.Hex(3);
  a.uuid += "-";
  a.uuid += rng_.Hex(12);

  a.detection = rng_.Below(std::size(kDetections));
  a.agent = rng_.Below(topology_.agents.size());
  a.analyst = rng_.Below(std::size(kAnalysts));
  a.first_seen_lag_us = rng_.Between(0, 600000) * 1000;
  a.last_seen_lag_us = rng_.Between(0, 3600000) * 1000;
  a.severity = rng_.Pick(kSeverities);
  a.confidence = rng_.Chance(0.6) ? "MALICIOUS" : "SUSPICIOUS";
  a.external_id = ids_.NextString();
  if (kDetections[a.detection].asset == AssetKind::kEndpoint) a.storyline = Upper(rng_.Hex(16));
  a.analytics_uid = rng_.Uuid();
  a.asset_id = rng_.Hex(25);
  a.sha1 = rng_.Hex(40);
  a.sha256 = rng_.Hex(64);
  a.attacker_ip = "203.0.113." + std::to_string(rng_.Between(1, 254));
  a.benign = rng_.Chance(0.25);
  return a;
}

EventRecord UnifiedAlertFactory::Version(UnifiedAlertProfile& a, int version,
                                         int64_t updated_us) const {
  const Detection& d = kDetections[a.detection];
  const Agent& agent = topology_.agents[a.agent];
  const Group& group = topology_.GroupOf(agent);
  const Site& site = topology_.SiteOf(agent);
  const Account& account = topology_.AccountOf(agent);
  const Analyst& analyst = kAnalysts[a.analyst];
  if (version == 1 && a.responded_us == 0) a.responded_us = updated_us;
  if (version == 2 && a.resolved_us == 0) a.resolved_us = updated_us;
  const bool endpoint = d.asset == AssetKind::kEndpoint;
  const bool identity = d.asset == AssetKind::kIdentity;
  const bool cloud = d.asset == AssetKind::kCloud;
  const std::string user = agent.last_user + "@" + agent.domain;
  const char* status = version == 0 ? "NEW" : version == 1 ? "IN_PROGRESS" : "RESOLVED";
  const char* verdict = version < 2 ? "UNDEFINED" : a.benign ? "FALSE_POSITIVE" : "TRUE_POSITIVE";
  const char* result = endpoint && version >= 1 && !a.benign ? "MITIGATED" : "UNMITIGATED";

  json asset = {
      {"accessible", true},
      {"agentUuid", endpoint ? json(agent.uuid) : json(nullptr)},
      {"agentVersion", endpoint ? json(agent.version) : json(nullptr)},
      {"assetTypeClassifier", endpoint ? (agent.machine_type == "server" ? "Server" : "Workstation")
                              : identity ? "Identity"
                                         : "Cloud Storage"},
      {"category", endpoint   ? (agent.machine_type == "server" ? "Server" : "Workstation")
                   : identity ? "Identity"
                              : "Cloud Storage"},
      {"connectivityToConsole", endpoint ? json("ONLINE") : json(nullptr)},
      {"decommissioned", false},
      {"id", a.asset_id},
      {"lastLoggedInUser", endpoint ? json(agent.last_user) : json(nullptr)},
      {"name", endpoint   ? agent.computer_name
               : identity ? user
                          : "backups-prod"},
      {"origin", endpoint   ? "RESOURCES"
                 : identity ? "IDENTITY"
                            : "CLOUD"},
      {"osType", endpoint ? json(Upper(agent.os_type)) : json(nullptr)},
      {"osVersion", endpoint ? json(agent.os_name + " " + agent.os_revision) : json(nullptr)},
      {"pendingReboot", endpoint ? json(false) : json(nullptr)},
      {"policy", endpoint ? json("Default") : json(nullptr)},
      {"role", "TARGET"},
      {"status", "ACTIVE"},
      {"subcategory", endpoint   ? (agent.machine_type == "laptop"   ? "Laptop"
                                    : agent.machine_type == "server" ? "Server"
                                                                     : "Desktop")
                      : identity ? "User Account"
                                 : "S3 Bucket"}};
  json flat_scope = {{"accountId", account.id},
                     {"accountName", account.name},
                     {"groupName", group.name},
                     {"siteName", site.name}};
  json endpoint_detail = nullptr;
  if (endpoint) {
    auto registered = ParseIsoTime(agent.registered_at);
    endpoint_detail = {{"agentVersion", agent.version},
                       {"consoleIpAddress", agent.external_ip},
                       {"domain", agent.domain},
                       {"ipV4", json::array({agent.ipv4})},
                       {"ipV6", json::array()},
                       {"lastLoggedInUser", agent.last_user},
                       {"osName", agent.os_name},
                       {"osRevision", agent.os_revision},
                       {"osType", Upper(agent.os_type)},
                       {"policy", "Default"},
                       {"subscriptionTime", FormatIsoMillis(registered.ok() ? *registered : 0)}};
  }
  json cloud_detail = nullptr;
  if (cloud) {
    cloud_detail = {{"accountId", "123456789012"}, {"provider", "AWS"}, {"region", "eu-west-3"}};
  }
  json process = nullptr;
  if (d.file != nullptr) {
    const std::string path = "C:\\Users\\" + agent.last_user + "\\Downloads\\" + d.file;
    process = {{"cmdLine", "\"" + path + "\" /silent"},
               {"file",
                {{"certSubject", nullptr},
                 {"md5", nullptr},
                 {"name", d.file},
                 {"path", path},
                 {"sha1", a.sha1},
                 {"sha256", a.sha256}}},
               {"parentName", d.parent}};
  }
  json assignee = nullptr;
  if (version >= 1) {
    assignee = {
        {"email", analyst.email}, {"fullName", analyst.full_name}, {"userId", analyst.user_id}};
  }

  json node = {
      {"aiInvestigation", nullptr},
      {"analystVerdict", verdict},
      {"analytics",
       {{"category", d.analytics_category},
        {"name", d.analytics_name},
        {"typeValue", d.analytics_type},
        {"uid", a.analytics_uid}}},
      {"assets", json::array({asset})},
      {"assignee", std::move(assignee)},
      {"attackSurfaces", json::array({d.attack_surface})},
      {"availableActionIds", nullptr},
      {"classification", d.classification},
      {"confidenceLevel", a.confidence},
      {"createdAt", FormatIsoMillis(a.created_us)},
      {"dataSources", json::array({d.data_source})},
      {"description", d.description},
      {"detectedAt", FormatIsoMillis(a.created_us)},
      {"detectionSource", {{"product", d.product}, {"vendor", d.vendor}}},
      {"detectionTime",
       {{"assets", json::array({{{"accessible", true},
                                 {"asset", std::move(endpoint_detail)},
                                 {"cloud", std::move(cloud_detail)},
                                 {"kubernetes", nullptr},
                                 {"origin", asset["origin"]},
                                 {"scope", flat_scope}}})},
        {"attacker", {{"host", nullptr}, {"ip", identity ? json(a.attacker_ip) : json(nullptr)}}},
        {"scope", flat_scope},
        {"targetUser", identity ? json(user) : json(nullptr)}}},
      {"exclusionHash", nullptr},
      {"externalId", a.external_id},
      {"firstSeenAt", FormatIsoMillis(a.created_us - a.first_seen_lag_us)},
      {"id", a.uuid},
      {"lastSeenAt", FormatIsoMillis(std::min(updated_us, a.created_us + a.last_seen_lag_us))},
      {"name", d.name},
      {"noteExists", version >= 3},
      {"process", std::move(process)},
      {"realTime",
       {{"scope",
         {{"account", {{"id", account.id}, {"name", account.name}}},
          {"group", {{"id", group.id}, {"name", group.name}}},
          {"site", {{"id", site.id}, {"name", site.name}}}}}}},
      {"result", result},
      {"severity", a.severity},
      {"sloDetails",
       {{"timeToResolveData", SloClock(a.created_us, updated_us, version >= 2 ? a.resolved_us : 0,
                                       kResolveTargetMinutes)},
        {"timeToResponseData", SloClock(a.created_us, updated_us, version >= 1 ? a.responded_us : 0,
                                        kResponseTargetMinutes)}}},
      {"status", status},
      {"storylineId", Nullable(a.storyline)},
      {"ticketId", nullptr},
      {"updatedAt", FormatIsoMillis(updated_us)}};

  EventRecord row;
  row.created_us = a.created_us;
  row.updated_us = updated_us;
  row.id = a.id;
  row.site_id = site.id;
  row.account_id = account.id;
  row.product = d.product;
  row.json = node.dump();
  return row;
}

}  // namespace s1c::sim
