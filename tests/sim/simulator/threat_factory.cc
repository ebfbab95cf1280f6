#include "simulator/threat_factory.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "s1c/core/iso_time.h"

namespace s1c::sim {
namespace {

using json = nlohmann::json;

struct ThreatFile {
  const char* name;
  const char* extension;
  const char* type;
};
constexpr ThreatFile kFiles[] = {
    {"📄report.scr", "SCR", "Executable"},  {"facture_impayée.pdf.exe", "EXE", "Executable"},
    {"Rechnung_März.js", "JS", "Script"},  {"請求書_2026.xlsm", "XLSM", "Document"},
    {"mimikatz.exe", "EXE", "Executable"}, {"svch0st.exe", "EXE", "Executable"},
    {"payload.ps1", "PS1", "Script"},
};
constexpr const char* kClassifications[] = {"Malware", "Infostealer", "Ransomware", "Trojan",
                                            "PUA"};
constexpr const char* kOriginators[] = {"explorer.exe", "outlook.exe", "chrome.exe", "WINWORD.EXE"};

struct Indicator {
  const char* category;
  const char* description;
  const char* tactic;
  const char* technique;
  const char* link;
};
constexpr Indicator kIndicators[] = {
    {"Persistence", "Application registered itself to become persistent via scheduled task",
     "Persistence", "T1053.005", "https://attack.mitre.org/techniques/T1053/005/"},
    {"Evasion", "Process injected code into a trusted process", "Defense Evasion", "T1055",
     "https://attack.mitre.org/techniques/T1055/"},
    {"InfoStealer", "Process read credentials from LSASS memory", "Credential Access", "T1003.001",
     "https://attack.mitre.org/techniques/T1003/001/"},
    {"Discovery", "Process enumerated domain accounts", "Discovery", "T1087.002",
     "https://attack.mitre.org/techniques/T1087/002/"},
};

// A threat's lifecycle, one entry per version; later versions repeat the last.
struct LifecycleState {
  const char* verdict;
  const char* verdict_description;
  const char* incident;
  const char* incident_description;
  const char* mitigation;
  const char* mitigation_description;
  int actions;  // Entries in the top-level mitigationStatus array.
};
constexpr LifecycleState kLifecycle[] = {
    {"undefined", "Undefined", "unresolved", "Unresolved", "not_mitigated", "Not mitigated", 0},
    {"suspicious", "Suspicious", "in_progress", "In progress", "mitigated", "Mitigated", 1},
    {"true_positive", "True positive", "in_progress", "In progress", "mitigated", "Mitigated", 2},
    {"true_positive", "True positive", "resolved", "Resolved", "mitigated", "Mitigated", 2},
};
constexpr LifecycleState kBenignEnd = {
    "false_positive",   "False positive",   "resolved", "Resolved",
    "marked_as_benign", "Marked as benign", 1};

json MitigationAction(const char* action, const ThreatProfile& t, const std::string& updated) {
  return {{"action", action},
          {"actionsCounters",
           {{"failed", 0}, {"notFound", 0}, {"pendingReboot", 0}, {"success", 1}, {"total", 1}}},
          {"agentSupportsReport", true},
          {"groupNotFound", false},
          {"lastUpdate", updated},
          {"latestReport", "/threats/mitigation-report/" + t.report_id},
          {"mitigationEndedAt", updated},
          {"mitigationStartedAt", FormatIsoTime(t.created_us)},
          {"reportId", t.report_id},
          {"status", "success"}};
}

}  // namespace

ThreatProfile ThreatFactory::NewThreat(int64_t created_us) {
  ThreatProfile t;
  t.id = ids_.Next();
  t.agent = rng_.Below(topology_.agents.size());
  t.created_us = created_us;
  const ThreatFile& file = rng_.Pick(kFiles);
  const Agent& agent = topology_.agents[t.agent];
  t.name = file.name;
  t.extension = file.extension;
  t.extension_type = file.type;
  t.file_path =
      "\\Device\\HarddiskVolume3\\Users\\" + agent.last_user + "\\Downloads\\" + file.name;
  t.classification = rng_.Pick(kClassifications);
  t.confidence = rng_.Chance(0.6) ? "malicious" : "suspicious";
  t.sha1 = rng_.Hex(40);
  t.storyline = rng_.Hex(30);
  for (char& c : t.storyline) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  t.collection_id = std::to_string(ids_.Next());
  t.report_id = std::to_string(ids_.Next());
  t.originator = rng_.Pick(kOriginators);
  t.file_size = rng_.Between(2000, 9000000);
  t.indicator = static_cast<int>(rng_.Below(std::size(kIndicators)));
  t.benign = rng_.Chance(0.25);
  return t;
}

EventRecord ThreatFactory::Version(const ThreatProfile& t, int version, int64_t updated_us) const {
  const Agent& agent = topology_.agents[t.agent];
  const Account& account = topology_.AccountOf(agent);
  const Site& site = topology_.SiteOf(agent);
  const Group& group = topology_.GroupOf(agent);
  const int last = static_cast<int>(std::size(kLifecycle)) - 1;
  const LifecycleState& state =
      version >= last && t.benign ? kBenignEnd : kLifecycle[std::min(version, last)];
  const std::string created = FormatIsoTime(t.created_us);
  const std::string updated = FormatIsoTime(updated_us);
  const std::string id = std::to_string(t.id);
  const Indicator& ind = kIndicators[t.indicator];

  json detection = {{"accountId", account.id},
                    {"accountName", account.name},
                    {"agentDetectionState", "full_mode"},
                    {"agentDomain", agent.domain},
                    {"agentIpV4", agent.ipv4},
                    {"agentIpV6", nullptr},
                    {"agentLastLoggedInUserName", agent.last_user},
                    {"agentMitigationMode", "protect"},
                    {"agentOsName", agent.os_name},
                    {"agentOsRevision", agent.os_revision},
                    {"agentRegisteredAt", agent.registered_at},
                    {"agentUuid", agent.uuid},
                    {"agentVersion", agent.version},
                    {"cloudProviders", json::object()},
                    {"externalIp", agent.external_ip},
                    {"groupId", group.id},
                    {"groupName", group.name},
                    {"siteId", site.id},
                    {"siteName", site.name}};
  json realtime = {{"accountId", account.id},
                   {"accountName", account.name},
                   {"activeThreats", state.actions == 0 ? 1 : 0},
                   {"agentComputerName", agent.computer_name},
                   {"agentDecommissionedAt", nullptr},
                   {"agentDomain", agent.domain},
                   {"agentId", agent.id},
                   {"agentInfected", state.actions == 0},
                   {"agentIsActive", true},
                   {"agentIsDecommissioned", false},
                   {"agentMachineType", agent.machine_type},
                   {"agentMitigationMode", "protect"},
                   {"agentNetworkStatus", "connected"},
                   {"agentOsName", agent.os_name},
                   {"agentOsRevision", agent.os_revision},
                   {"agentOsType", agent.os_type},
                   {"agentUuid", agent.uuid},
                   {"agentVersion", agent.version},
                   {"groupId", group.id},
                   {"groupName", group.name},
                   {"networkInterfaces", json::array({{{"id", agent.id.substr(0, 15) + "0101"},
                                                       {"inet", json::array({agent.ipv4})},
                                                       {"inet6", json::array()},
                                                       {"name", "Ethernet0"},
                                                       {"physical", agent.mac}}})},
                   {"operationalState", "na"},
                   {"rebootRequired", false},
                   {"scanStatus", "finished"},
                   {"siteId", site.id},
                   {"siteName", site.name},
                   {"userActionsNeeded", json::array()}};
  json mitigations = json::array();
  if (state.actions >= 1) mitigations.push_back(MitigationAction("kill", t, updated));
  if (state.actions >= 2) mitigations.push_back(MitigationAction("quarantine", t, updated));

  json info = {{"analystVerdict", state.verdict},
               {"analystVerdictDescription", state.verdict_description},
               {"automaticallyResolved", false},
               {"classification", t.classification},
               {"classificationSource", "Cloud"},
               {"cloudFilesHashVerdict", "black"},
               {"collectionId", t.collection_id},
               {"confidenceLevel", t.confidence},
               {"createdAt", created},
               {"detectionEngines",
                json::array({{{"key", "sentinelone_cloud"}, {"title", "SentinelOne Cloud"}}})},
               {"detectionType", "static"},
               {"engines", json::array({"SentinelOne Cloud"})},
               {"externalTicketExists", version >= 4},
               {"externalTicketId",
                version >= 4 ? json("INC-" + std::to_string(t.id % 100000)) : json(nullptr)},
               {"failedActions", false},
               {"fileExtension", t.extension},
               {"fileExtensionType", t.extension_type},
               {"filePath", t.file_path},
               {"fileSize", t.file_size},
               {"fileVerificationType", "NotSigned"},
               {"identifiedAt", created},
               {"incidentStatus", state.incident},
               {"incidentStatusDescription", state.incident_description},
               {"initiatedBy", "agent_policy"},
               {"initiatedByDescription", "Agent Policy"},
               {"isFileless", false},
               {"maliciousProcessArguments", nullptr},
               {"md5", nullptr},
               {"mitigatedPreemptively", false},
               {"mitigationStatus", state.mitigation},
               {"mitigationStatusDescription", state.mitigation_description},
               {"originatorProcess", t.originator},
               {"pendingActions", false},
               {"processUser", "CORP\\" + agent.last_user},
               {"sha1", t.sha1},
               {"sha256", nullptr},
               {"storyline", t.storyline},
               {"threatId", id},
               {"threatName", t.name},
               {"updatedAt", updated}};

  json e = {
      {"agentDetectionInfo", std::move(detection)},
      {"agentRealtimeInfo", std::move(realtime)},
      {"containerInfo",
       {{"id", nullptr},
        {"image", nullptr},
        {"isContainerQuarantine", nullptr},
        {"labels", nullptr},
        {"name", nullptr}}},
      {"id", id},
      {"indicators",
       json::array(
           {{{"category", ind.category},
             {"description", ind.description},
             {"ids", json::array({t.indicator + 4})},
             {"tactics",
              json::array({{{"name", ind.tactic},
                            {"source", "MITRE"},
                            {"techniques",
                             json::array({{{"link", ind.link}, {"name", ind.technique}}})}}})}}})},
      {"kubernetesInfo",
       {{"cluster", nullptr}, {"namespace", nullptr}, {"node", nullptr}, {"pod", nullptr}}},
      {"mitigationStatus", std::move(mitigations)},
      {"threatInfo", std::move(info)},
      {"whiteningOptions", json::array({"hash", "path"})}};

  EventRecord row;
  row.created_us = t.created_us;
  row.updated_us = updated_us;
  row.id = t.id;
  row.site_id = site.id;
  row.account_id = account.id;
  row.json = e.dump();
  return row;
}

}  // namespace s1c::sim
