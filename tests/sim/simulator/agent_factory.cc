#include "simulator/agent_factory.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <nlohmann/json.hpp>

#include "s1c/core/iso_time.h"

namespace s1c::sim {
namespace {

using json = nlohmann::json;

// The agent versions topology.cc hands out, oldest first: an upgrade moves
// one step along this list.
constexpr const char* kVersionsOldestFirst[] = {"23.3.3.264", "23.4.2.14", "24.1.5.277",
                                                "24.2.2.20"};
constexpr int kLatestVersion = static_cast<int>(std::size(kVersionsOldestFirst)) - 1;
// A workstation CPU, two server CPUs, a Mac's.
constexpr const char* kCpus[] = {"Intel(R) Core(TM) i7-1185G7 @ 3.00GHz",
                                 "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz",
                                 "AMD EPYC 7763 64-Core Processor", "Apple M2 Pro"};
// A network status change walks this cycle.
constexpr const char* kNetworkCycle[] = {"connected", "disconnected", "connecting"};

enum class Change { kUpgrade = 0, kNetwork = 1, kHeartbeat = 2, kInfection = 3 };

// An agent's mutable state at one version.
struct AgentState {
  int version_index;
  int network;  // Index into kNetworkCycle.
  bool infected;
};

AgentState StateAt(const AgentProfile& p, int version) {
  AgentState s{p.first_version, 0, p.first_infected};
  for (int v = 1; v <= version; ++v) {
    // Versions past 32 reuse the bits: live mode can make many.
    switch (static_cast<Change>((p.changes >> (2 * ((v - 1) % 32))) & 3)) {
      case Change::kUpgrade:
        s.version_index = std::min(s.version_index + 1, kLatestVersion);
        break;
      case Change::kNetwork:
        s.network = (s.network + 1) % static_cast<int>(std::size(kNetworkCycle));
        break;
      case Change::kHeartbeat:
        break;  // Only lastActiveDate and updatedAt move.
      case Change::kInfection:
        s.infected = !s.infected;
        break;
    }
  }
  return s;
}

int VersionIndex(const std::string& version) {
  for (int i = 0; i <= kLatestVersion; ++i) {
    if (version == kVersionsOldestFirst[i]) return i;
  }
  return 0;
}

// "2026-12-01T11:59:36Z": osStartTime has whole seconds and no fraction.
std::string IsoSeconds(int64_t micros) {
  std::string text = FormatIsoTime(micros - ((micros % 1000000) + 1000000) % 1000000);
  text.erase(text.size() - 8, 7);  // ".000000"
  return text;
}

// "00:50:56:e6:3c:b4" -> "00-50-56-E6-3C-B4", the console's MAC spelling.
std::string ConsoleMac(std::string mac) {
  for (char& c : mac) {
    c = c == ':' ? '-' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return mac;
}

// "10.16.177.230" -> "10.16.177." (callers append "0" or "1").
std::string Subnet(const std::string& ipv4) { return ipv4.substr(0, ipv4.rfind('.') + 1); }

// "corp.example.com" -> "DC=corp,DC=example,DC=com"; null outside a domain.
json DistinguishedName(const Agent& a) {
  if (a.os_type != "windows" || a.domain.find('.') == std::string::npos) return nullptr;
  std::string dn = "CN=" + a.computer_name + ",OU=Computers";
  size_t begin = 0;
  while (begin <= a.domain.size()) {
    const size_t dot = std::min(a.domain.find('.', begin), a.domain.size());
    dn += ",DC=" + a.domain.substr(begin, dot - begin);
    begin = dot + 1;
  }
  return dn;
}

const char* InterfaceName(const Agent& a) {
  return a.os_type == "windows" ? "Ethernet0" : a.os_type == "linux" ? "eth0" : "en0";
}

const char* InstallerType(const Agent& a) {
  return a.os_type == "windows" ? ".msi" : a.os_type == "linux" ? ".deb" : ".pkg";
}

const char* ModelName(const Agent& a) {
  if (a.os_type == "macos") return "MacBookPro18,3";
  if (a.machine_type == "server") return "VMware Virtual Platform";
  return a.machine_type == "laptop" ? "Latitude 7440" : "OptiPlex 7010";
}

}  // namespace

AgentProfile AgentFactory::NewAgent(int64_t first_update_us) {
  AgentProfile p;
  const int index = made_++;
  if (index < kTopologyAgents) {
    p.agent = topology_.agents[static_cast<size_t>(index)];
    auto registered = ParseIsoTime(p.agent.registered_at);
    p.created_us = registered.ok() ? *registered : first_update_us;
  } else {
    // A newly installed agent registers moments before the console first
    // reports it.
    p.agent = MakeAgent(rng_, ids_, index, topology_.groups.size());
    p.created_us = first_update_us - rng_.Between(20000, 2000000);
    p.agent.registered_at = FormatIsoTime(p.created_us);
  }
  p.id = std::stoull(p.agent.id);
  p.interface_id = ids_.NextString();
  p.inet6 = "fd00:" + rng_.Hex(2) + ":" + rng_.Hex(2) + "::" + rng_.Hex(4);
  if (p.agent.os_type == "macos") {
    p.cpu = kCpus[3];
  } else {
    p.cpu = p.agent.machine_type == "server" ? kCpus[1 + rng_.Below(2)] : kCpus[0];
  }
  p.model = ModelName(p.agent);
  p.cores = p.agent.machine_type == "server" ? 16 : 4;
  p.memory_mb = p.agent.machine_type == "server" ? 65536 : (rng_.Chance(0.5) ? 8192 : 16384);
  p.uptime_us = rng_.Between(60, 30 * 86400) * 1000000;
  p.scan_us = rng_.Between(60, 4 * 3600) * 1000000 + rng_.Between(0, 999999);
  p.active_lag_us = rng_.Between(0, 180000000);
  p.tag_id = ids_.NextString();
  p.tag_assigner_id = ids_.NextString();
  p.tag_user = rng_.Below(UserNames().size());
  p.first_version = VersionIndex(p.agent.version);
  p.first_infected = rng_.Chance(0.15);
  p.changes = rng_.Next();
  return p;
}

EventRecord AgentFactory::Version(const AgentProfile& p, int version, int64_t updated_us) const {
  const Agent& agent = p.agent;
  const Group& group = topology_.GroupOf(agent);
  const Site& site = topology_.SiteOf(agent);
  const Account& account = topology_.AccountOf(agent);
  const AgentState state = StateAt(p, version);
  const std::string network = kNetworkCycle[state.network];
  const std::string created = FormatIsoTime(p.created_us);
  const std::string subnet = Subnet(agent.ipv4);
  // The first full scan starts a second after registration; a new agent may
  // still be scanning at its first versions.
  const int64_t scan_started = p.created_us + 1000000;
  const bool scanned = scan_started + p.scan_us <= updated_us;
  const int64_t last_active = std::max(p.created_us, updated_us - p.active_lag_us);

  json tag = {{"assignedAt", "2023-06-01T08:00:00.000000Z"},
              {"assignedBy", UserNames()[p.tag_user]},
              {"assignedById", p.tag_assigner_id},
              {"id", p.tag_id},
              {"key", "env"},
              {"value", agent.machine_type == "server" ? "production" : "workstation"}};
  json e = {
      {"accountId", account.id},
      {"accountName", account.name},
      {"activeDirectory",
       {{"computerDistinguishedName", DistinguishedName(agent)},
        {"computerMemberOf", json::array()},
        {"lastUserDistinguishedName", nullptr},
        {"lastUserMemberOf", json::array()}}},
      {"activeThreats", state.infected ? 1 : 0},
      {"agentVersion", kVersionsOldestFirst[state.version_index]},
      {"allowRemoteShell", true},
      {"appsVulnerabilityStatus", agent.os_type == "windows" ? "up_to_date" : "not_applicable"},
      {"cloudProviders", json::object()},
      {"computerName", agent.computer_name},
      {"consoleMigrationStatus", "N/A"},
      {"coreCount", p.cores},
      {"cpuCount", p.cores},
      {"cpuId", p.cpu},
      {"createdAt", created},
      {"detectionState", nullptr},
      {"domain", agent.domain},
      {"encryptedApplications", false},
      {"externalId", ""},
      {"externalIp", agent.external_ip},
      {"firewallEnabled", true},
      {"firstFullModeTime", nullptr},
      {"groupId", group.id},
      {"groupIp", subnet + "0"},
      {"groupName", group.name},
      {"id", agent.id},
      {"inRemoteShellSession", false},
      {"infected", state.infected},
      {"installerType", InstallerType(agent)},
      {"isActive", network != "disconnected"},
      {"isDecommissioned", false},
      {"isPendingUninstall", false},
      {"isUninstalled", false},
      {"isUpToDate", state.version_index == kLatestVersion},
      {"lastActiveDate", FormatIsoTime(last_active)},
      {"lastIpToMgmt", agent.ipv4},
      {"lastLoggedInUserName", agent.last_user},
      {"licenseKey", ""},
      {"locationEnabled", true},
      {"locationType", "not_applicable"},
      {"locations", nullptr},
      {"machineType", agent.machine_type},
      {"missingPermissions", json::array()},
      {"mitigationMode", "protect"},
      {"mitigationModeSuspicious", "detect"},
      {"modelName", p.model},
      {"networkInterfaces", json::array({{{"gatewayIp", subnet + "1"},
                                          {"gatewayMacAddress", "00-00-5E-00-53-01"},
                                          {"id", p.interface_id},
                                          {"inet", json::array({agent.ipv4})},
                                          {"inet6", json::array({p.inet6})},
                                          {"name", InterfaceName(agent)},
                                          {"physical", ConsoleMac(agent.mac)}}})},
      {"networkQuarantineEnabled", false},
      {"networkStatus", network},
      {"operationalState", "na"},
      {"operationalStateExpiration", nullptr},
      {"osArch", "64 bit"},
      {"osName", agent.os_name},
      {"osRevision", agent.os_revision},
      {"osStartTime", IsoSeconds(updated_us - p.uptime_us)},
      {"osType", agent.os_type},
      {"osUsername", nullptr},
      {"rangerStatus", "Enabled"},
      {"rangerVersion", "24.1.2.6"},
      {"registeredAt", created},
      {"remoteProfilingState", "disabled"},
      {"remoteProfilingStateExpiration", nullptr},
      {"scanAbortedAt", nullptr},
      {"scanFinishedAt", scanned ? json(FormatIsoTime(scan_started + p.scan_us)) : json(nullptr)},
      {"scanStartedAt", FormatIsoTime(scan_started)},
      {"scanStatus", scanned ? "finished" : "started"},
      {"siteId", site.id},
      {"siteName", site.name},
      {"storageName", nullptr},
      {"storageType", nullptr},
      {"tags", {{"sentinelone", json::array({std::move(tag)})}}},
      {"threatRebootRequired", false},
      {"totalMemory", p.memory_mb},
      {"updatedAt", FormatIsoTime(updated_us)},
      {"userActionsNeeded", state.infected ? json::array({"reboot_needed"}) : json::array()},
      {"uuid", agent.uuid}};

  EventRecord row;
  row.created_us = p.created_us;
  row.updated_us = updated_us;
  row.id = p.id;
  row.site_id = site.id;
  row.account_id = account.id;
  row.json = e.dump();
  return row;
}

}  // namespace s1c::sim
