#include "simulator/activity_factory.h"

#include "s1c/core/iso_time.h"
#include "simulator/factory_common.h"
#include "simulator/json_writer.h"
#include "simulator/realistic_text.h"

namespace s1c::sim {
namespace {

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
  // The random draws happen in exactly the order of the original nlohmann
  // version of this function, so a seed keeps producing the same bytes.
  const Agent& agent = topology_.agents[rng_.Below(topology_.agents.size())];
  const Account& account = topology_.AccountOf(agent);
  const Site& site = topology_.SiteOf(agent);
  const Group& group = topology_.GroupOf(agent);
  const std::string created = FormatIsoTime(created_us);
  const std::string uuid = rng_.Uuid();

  JsonObjectWriter& data = data_;
  JsonObjectWriter& e = event_;
  data.Clear();
  e.Clear();
  const std::string scope_details = FullScopeDetails(topology_, agent);
  const std::string scope_path = FullScopePath(topology_, agent);
  data.AddString("accountName", account.name);
  data.AddString("computerName", agent.computer_name);
  data.AddString("fullScopeDetails", scope_details);
  data.AddString("fullScopeDetailsPath", scope_path);
  data.AddString("groupName", group.name);
  data.AddString("scopeLevel", "Group");
  data.AddString("scopeName", group.name);
  data.AddString("siteName", site.name);

  const std::string id = ids_.NextString();
  const std::string updated = FormatIsoTime(created_us + 5);
  e.AddString("accountId", account.id);
  e.AddString("accountName", account.name);
  e.AddString("agentId", agent.id);
  e.AddNull("agentUpdatedVersion");
  e.AddNull("applications");
  e.AddNull("comments");
  e.AddString("createdAt", created);
  e.AddNull("description");
  e.AddString("groupId", group.id);
  e.AddString("groupName", group.name);
  e.AddNull("hash");
  e.AddString("id", id);
  e.AddNull("osFamily");
  e.AddNull("secondaryDescription");
  e.AddString("siteId", site.id);
  e.AddString("siteName", site.name);
  e.AddNull("threatId");
  e.AddString("updatedAt", updated);
  e.AddNull("userId");

  std::string text;  // Scratch for values built from several parts.
  switch (rng_.Below(6)) {
    case 0:
      e.AddInt("activityType", 90);
      data.AddString("createdAt", created);
      data.AddString("status", "started");
      text = "Agent " + agent.computer_name + " started full disk scan at " + created + ".";
      e.AddString("primaryDescription", text);
      break;
    case 1:
      e.AddInt("activityType", 92);
      data.AddString("status", "finished");
      data.AddInt("threatsFound", rng_.Below(3));
      text = "Agent " + agent.computer_name + " completed full disk scan.";
      e.AddString("primaryDescription", text);
      break;
    case 2: {
      const std::string file =
          realistic_ ? realistic::FileName(rng_) : std::string(rng_.Pick(kFileNames));
      const std::string path = realistic_ ? realistic::FilePath(rng_, agent, file)
                                          : "\\Device\\HarddiskVolume3\\Users\\" + agent.last_user +
                                                "\\Downloads\\" + file;
      e.AddInt("activityType", 4008);
      e.SetString("threatId", std::to_string(1450000000000000000 + rng_.Below(100000000000000000)));
      e.SetString("secondaryDescription", path);
      if (realistic_ && rng_.Chance(0.7)) {
        data.AddString("escapedMaliciousProcessArguments",
                       realistic::CommandLine(rng_, agent, path));
      } else {
        data.AddNull("escapedMaliciousProcessArguments");
      }
      data.AddString("fileContentHash", rng_.Hex(40));
      data.AddString("fileDisplayName", file);
      data.AddString("filePath", path);
      data.AddString("newStatus", "mitigated");
      data.AddString("originalStatus", "not_mitigated");
      data.AddString("threatClassification", rng_.Pick(kClassifications));
      data.AddString("threatClassificationSource", "Cloud");
      text = "Status of threat " + file + " on agent " + agent.computer_name +
             " changed from Not mitigated to Mitigated.";
      e.AddString("primaryDescription", text);
      break;
    }
    case 3: {
      realistic::UsbDevice device;
      if (realistic_) {
        device = realistic::Device(rng_);
      } else {
        const auto& fixed = rng_.Pick(kDevices);
        device = {fixed[0], fixed[1], fixed[2]};
      }
      e.AddInt("activityType", 5126);
      data.AddString("deviceClass", "08h");
      data.AddString("deviceName", device.name);
      data.AddString("eventId", uuid);
      data.AddString("eventType", "connected");
      data.AddString("interface", "USB");
      data.AddString("lastLoggedInUserName", agent.last_user);
      data.AddString("osType", agent.os_type);
      data.AddString("productId", device.product_id);
      if (rng_.Chance(0.5)) {
        data.AddInt("ruleId", UnsafeBigInteger(rng_));
      } else {
        data.AddNull("ruleId");
      }
      data.AddString("vendorId", device.vendor_id);
      text = "USB device " + device.name + " was connected on " + agent.computer_name + ".";
      e.AddString("primaryDescription", text);
      break;
    }
    case 4: {
      // A console login: scoped to a site, no agent.
      const std::string user =
          realistic_ ? realistic::QualifiedUserName(rng_) : rng_.Pick(UserNames());
      e.AddInt("activityType", 27);
      e.SetNull("agentId");
      e.SetNull("groupId");
      e.SetNull("groupName");
      e.SetString("userId", ids_.NextString());
      data.Clear();
      const std::string site_scope = "Site " + site.name + " of Account " + account.name;
      const std::string ip = "203.0.113." + std::to_string(rng_.Between(1, 254));
      data.AddString("accountName", account.name);
      data.AddString("fullScopeDetails", site_scope);
      data.AddString("ipAddress", ip);
      data.AddString("role", rng_.Chance(0.5) ? "Admin" : "Viewer");
      data.AddString("scopeLevel", "Site");
      data.AddString("siteName", site.name);
      data.AddString("source", "mgmt");
      data.AddString("username", user);
      text = "The management user " + user + " logged in to the management console.";
      e.AddString("primaryDescription", text);
      break;
    }
    default: {
      const std::string rule =
          realistic_ ? realistic::Phrase(rng_, 2, 10) : std::string(rng_.Pick(kRules));
      e.AddInt("activityType", 3608);
      // What the rule looks for, in the analyst's words.
      if (realistic_) e.SetString("secondaryDescription", realistic::Phrase(rng_, 4, 40));
      data.AddInt("alertId", UnsafeBigInteger(rng_));
      data.AddInt("ruleId", UnsafeBigInteger(rng_));
      data.AddString("ruleName", rule);
      data.AddString("ruleScopeLevel", "account");
      data.AddString("severity", rng_.Chance(0.3) ? "High" : "Medium");
      text = "Alert created for " + agent.computer_name + " from Custom Rule: " + rule + ".";
      e.AddString("primaryDescription", text);
      break;
    }
  }
  e.AddString("activityUuid", uuid);
  std::string data_json;
  data.Finish(data_json);
  e.AddRaw("data", data_json);

  EventRecord row;
  row.created_us = created_us;
  row.updated_us = created_us + 5;
  row.id = std::stoull(id);
  row.site_id = site.id;
  row.account_id = account.id;
  row.json.reserve(1536);
  e.Finish(row.json);
  row.json.shrink_to_fit();
  return row;
}

}  // namespace s1c::sim
