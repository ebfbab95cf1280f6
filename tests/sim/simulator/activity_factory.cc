#include "simulator/activity_factory.h"

#include <nlohmann/json.hpp>

#include "s1c/core/iso_time.h"
#include "simulator/factory_common.h"

namespace s1c::sim {
namespace {

using json = nlohmann::json;

constexpr const char* kFileNames[] = {"evil<script>.hta", "facture_impayée.pdf.exe",
                                      "Rechnung_März.js", "請求書_2026.xlsm", "payload.ps1"};
constexpr const char* kClassifications[] = {"Malware", "Trojan", "Ransomware", "PUA"};
constexpr const char* kDevices[][3] = {{"Kingston DataTraveler", "0x0951", "0x1666"},
                                       {"SanDisk Ultra", "0x0781", "0x5581"},
                                       {"Clé USB Lexar", "0x05dc", "0xa813"}};
constexpr const char* kRules[] = {"Rare parent for svchost.exe", "Encoded PowerShell",
                                  "Persistance via tâche planifiée", "LSASS アクセス"};

}  // namespace

EventRecord ActivityFactory::Make(int64_t created_us) {
  const Agent& agent = topology_.agents[rng_.Below(topology_.agents.size())];
  const Account& account = topology_.AccountOf(agent);
  const Site& site = topology_.SiteOf(agent);
  const Group& group = topology_.GroupOf(agent);
  const std::string created = FormatIsoTime(created_us);
  const std::string uuid = rng_.Uuid();

  json data = {{"accountName", account.name},
               {"computerName", agent.computer_name},
               {"fullScopeDetails", FullScopeDetails(topology_, agent)},
               {"fullScopeDetailsPath", FullScopePath(topology_, agent)},
               {"groupName", group.name},
               {"scopeLevel", "Group"},
               {"scopeName", group.name},
               {"siteName", site.name}};
  json e = {{"accountId", account.id}, {"accountName", account.name},
            {"agentId", agent.id},     {"agentUpdatedVersion", nullptr},
            {"applications", nullptr}, {"comments", nullptr},
            {"createdAt", created},    {"description", nullptr},
            {"groupId", group.id},     {"groupName", group.name},
            {"hash", nullptr},         {"id", ids_.NextString()},
            {"osFamily", nullptr},     {"secondaryDescription", nullptr},
            {"siteId", site.id},       {"siteName", site.name},
            {"threatId", nullptr},     {"updatedAt", FormatIsoTime(created_us + 5)},
            {"userId", nullptr}};

  switch (rng_.Below(6)) {
    case 0:
      e["activityType"] = 90;
      data["createdAt"] = created;
      data["status"] = "started";
      e["primaryDescription"] =
          "Agent " + agent.computer_name + " started full disk scan at " + created + ".";
      break;
    case 1:
      e["activityType"] = 92;
      data["status"] = "finished";
      data["threatsFound"] = rng_.Below(3);
      e["primaryDescription"] = "Agent " + agent.computer_name + " completed full disk scan.";
      break;
    case 2: {
      const std::string file = rng_.Pick(kFileNames);
      const std::string path =
          "\\Device\\HarddiskVolume3\\Users\\" + agent.last_user + "\\Downloads\\" + file;
      e["activityType"] = 4008;
      e["threatId"] = std::to_string(1450000000000000000 + rng_.Below(100000000000000000));
      e["secondaryDescription"] = path;
      data["escapedMaliciousProcessArguments"] = nullptr;
      data["fileContentHash"] = rng_.Hex(40);
      data["fileDisplayName"] = file;
      data["filePath"] = path;
      data["newStatus"] = "mitigated";
      data["originalStatus"] = "not_mitigated";
      data["threatClassification"] = rng_.Pick(kClassifications);
      data["threatClassificationSource"] = "Cloud";
      e["primaryDescription"] = "Status of threat " + file + " on agent " + agent.computer_name +
                                " changed from Not mitigated to Mitigated.";
      break;
    }
    case 3: {
      const auto& device = rng_.Pick(kDevices);
      e["activityType"] = 5126;
      data["deviceClass"] = "08h";
      data["deviceName"] = device[0];
      data["eventId"] = uuid;
      data["eventType"] = "connected";
      data["interface"] = "USB";
      data["lastLoggedInUserName"] = agent.last_user;
      data["osType"] = agent.os_type;
      data["productId"] = device[2];
      data["ruleId"] = rng_.Chance(0.5) ? json(UnsafeBigInteger(rng_)) : json(nullptr);
      data["vendorId"] = device[1];
      e["primaryDescription"] =
          std::string("USB device ") + device[0] + " was connected on " + agent.computer_name + ".";
      break;
    }
    case 4: {
      // A console login: scoped to a site, no agent.
      const std::string& user = rng_.Pick(UserNames());
      e["activityType"] = 27;
      e["agentId"] = nullptr;
      e["groupId"] = nullptr;
      e["groupName"] = nullptr;
      e["userId"] = ids_.NextString();
      data = {{"accountName", account.name},
              {"fullScopeDetails", "Site " + site.name + " of Account " + account.name},
              {"ipAddress", "203.0.113." + std::to_string(rng_.Between(1, 254))},
              {"role", rng_.Chance(0.5) ? "Admin" : "Viewer"},
              {"scopeLevel", "Site"},
              {"siteName", site.name},
              {"source", "mgmt"},
              {"username", user}};
      e["primaryDescription"] =
          "The management user " + user + " logged in to the management console.";
      break;
    }
    default: {
      const std::string rule = rng_.Pick(kRules);
      e["activityType"] = 3608;
      data["alertId"] = UnsafeBigInteger(rng_);
      data["ruleId"] = UnsafeBigInteger(rng_);
      data["ruleName"] = rule;
      data["ruleScopeLevel"] = "account";
      data["severity"] = rng_.Chance(0.3) ? "High" : "Medium";
      e["primaryDescription"] =
          "Alert created for " + agent.computer_name + " from Custom Rule: " + rule + ".";
      break;
    }
  }
  e["activityUuid"] = uuid;
  e["data"] = std::move(data);

  EventRecord row;
  row.created_us = created_us;
  row.updated_us = created_us + 5;
  row.id = std::stoull(e["id"].get<std::string>());
  row.site_id = site.id;
  row.account_id = account.id;
  row.json = e.dump();
  return row;
}

}  // namespace s1c::sim
