#include "simulator/alert_factory.h"

#include <nlohmann/json.hpp>

#include "s1c/core/iso_time.h"

namespace s1c::sim {
namespace {

using json = nlohmann::json;

struct Rule {
  const char* name;
  const char* description;
  const char* severity;
  const char* s1ql;
  const char* process;
  const char* process_path;
  const char* command_line;
  const char* target_name;
  const char* target_path;
  const char* target_command;
};
constexpr Rule kRules[] = {
    {"Rare parent for svchost.exe", "Rare parent for svchost.exe (custom detection)", "Low",
     "EventType = \"Process Creation\" AND SrcProcName In Contains (\"WINWORD\", \"EXCEL\")",
     "WINWORD.EXE", "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
     "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE\" /n \"résumé.docx.js\"",
     "cmd.exe", "C:\\Windows\\System32\\cmd.exe", "cmd.exe /c whoami /all"},
    {"Encoded PowerShell", "PowerShell lancé avec une commande encodée", "High",
     "TgtProcName = \"powershell.exe\" AND TgtProcCmdLine ContainsCIS \"-enc\"", "explorer.exe",
     "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", "powershell.exe",
     "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
     "powershell.exe -nop -enc SQBFAFgA"},
    {"LSASS アクセス", "Zugriff auf LSASS-Speicher (Überwachung)", "Critical",
     "TgtProcName = \"lsass.exe\" AND EventType = \"Open Remote Process Handle\"", "rundll32.exe",
     "C:\\Windows\\System32\\rundll32.exe",
     "rundll32.exe comsvcs.dll, MiniDump 624 C:\\temp\\ü.dmp full", "lsass.exe",
     "C:\\Windows\\System32\\lsass.exe", "C:\\Windows\\system32\\lsass.exe"},
};

json ProcessInfo(const Rule& rule, const Agent& agent, const AlertProfile& a,
                 const std::string& created, bool parent) {
  return {{"commandline", parent ? "C:\\Windows\\Explorer.EXE" : rule.command_line},
          {"effectiveUser", nullptr},
          {"fileHashMd5", nullptr},
          {"fileHashSha1", a.sha1},
          {"fileHashSha256", nullptr},
          {"filePath", parent ? "C:\\Windows\\explorer.exe" : rule.process_path},
          {"fileSignerIdentity", "MICROSOFT CORPORATION"},
          {"integrityLevel", "medium"},
          {"loginUser", agent.last_user},
          {"name", parent ? "explorer.exe" : rule.process},
          {"pid", std::to_string(a.src_port)},
          {"pidStarttime", created},
          {"realUser", nullptr},
          {"storyline", a.storyline},
          {"subsystem", "SUBSYSTEM_WIN32"},
          {"uniqueId", a.storyline},
          {"user", "CORP\\" + agent.last_user}};
}

}  // namespace

AlertProfile AlertFactory::NewAlert(int64_t created_us) {
  AlertProfile a;
  a.id = ids_.Next();
  a.agent = rng_.Below(topology_.agents.size());
  a.created_us = created_us;
  a.rule = static_cast<int>(rng_.Below(std::size(kRules)));
  a.rule_id = std::to_string(ids_.Next());
  a.storyline = rng_.Uuid();
  a.sha1 = rng_.Hex(40);
  a.dst_ip = "203.0.113." + std::to_string(rng_.Between(1, 254));
  a.src_port = static_cast<int>(rng_.Between(1024, 65000));
  return a;
}

EventRecord AlertFactory::Version(const AlertProfile& a, int version, int64_t updated_us) const {
  const Agent& agent = topology_.agents[a.agent];
  const Account& account = topology_.AccountOf(agent);
  const Site& site = topology_.SiteOf(agent);
  const Rule& rule = kRules[a.rule];
  const std::string created = FormatIsoTime(a.created_us);
  const bool triaged = version >= 1;

  json e = {
      {"agentDetectionInfo",
       {{"accountId", account.id},
        {"machineType", agent.machine_type},
        {"name", agent.computer_name},
        {"osFamily", agent.os_type},
        {"osName", agent.os_name},
        {"osRevision", agent.os_revision},
        {"siteId", site.id},
        {"uuid", agent.uuid},
        {"version", agent.version}}},
      {"alertInfo",
       {{"alertId", std::to_string(a.id)},
        {"analystVerdict", triaged ? "TRUE_POSITIVE" : "Undefined"},
        {"createdAt", created},
        {"dstIp", a.dst_ip},
        {"dstPort", "443"},
        {"dvEventId", a.storyline},
        {"eventType", "PROCESSCREATION"},
        {"hitType", "Events"},
        {"incidentStatus", version >= 2 ? "Resolved" : (triaged ? "In progress" : "Unresolved")},
        {"indicatorCategory", nullptr},
        {"isEdr", true},
        {"reportedAt", created},
        {"source", "STAR"},
        {"srcIp", agent.ipv4},
        {"srcMachineIp", agent.ipv4},
        {"srcPort", std::to_string(a.src_port)},
        {"updatedAt", FormatIsoTime(updated_us)}}},
      {"containerInfo",
       {{"id", nullptr}, {"image", nullptr}, {"labels", nullptr}, {"name", nullptr}}},
      {"kubernetesInfo", {{"clusterName", nullptr}, {"namespace", nullptr}, {"pod", nullptr}}},
      {"ruleInfo",
       {{"description", rule.description},
        {"id", a.rule_id},
        {"name", rule.name},
        {"queryLang", "2.0"},
        {"queryType", "events"},
        {"s1ql", rule.s1ql},
        {"scopeLevel", "account"},
        {"severity", rule.severity},
        {"treatAsThreat", "UNDEFINED"}}},
      {"sourceParentProcessInfo", ProcessInfo(rule, agent, a, created, /*parent=*/true)},
      {"sourceProcessInfo", ProcessInfo(rule, agent, a, created, /*parent=*/false)},
      {"targetProcessInfo",
       {{"tgtFileHashSha1", a.sha1},
        {"tgtFilePath", rule.target_path},
        {"tgtProcCmdLine", rule.target_command},
        {"tgtProcName", rule.target_name},
        {"tgtProcessStartTime", created}}}};

  EventRecord row;
  row.created_us = a.created_us;
  row.updated_us = updated_us;
  row.id = a.id;
  row.site_id = site.id;
  row.account_id = account.id;
  row.json = e.dump();
  return row;
}

}  // namespace s1c::sim
