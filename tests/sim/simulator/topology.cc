#include "simulator/topology.h"

#include "s1c/core/iso_time.h"
#include "simulator/realistic_text.h"

namespace s1c::sim {
namespace {

struct OsChoice {
  const char* type;
  const char* name;
  const char* revision;
};
constexpr OsChoice kOses[] = {
    {"windows", "Windows 11 Pro", "22631"},
    {"windows", "Windows 10 Enterprise", "19045"},
    {"windows", "Windows Server 2022 Standard", "20348"},
    {"linux", "Ubuntu 22.04.4 LTS", "5.15.0-105-generic"},
    {"macos", "macOS Sonoma", "14.4.1"},
};
constexpr const char* kAgentVersions[] = {"23.4.2.14", "24.1.5.277", "24.2.2.20", "23.3.3.264"};
constexpr const char* kDomains[] = {"corp.example.com", "büro.example.de", "WORKGROUP",
                                    "ad.例え.jp"};

// Joins `n` draws of draw() with `sep`, drawing in order (the operands of one
// '+' chain may be evaluated in any order).
template <typename Draw>
std::string Joined(int n, const char* sep, Draw draw) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    if (i > 0) out += sep;
    out += draw();
  }
  return out;
}

}  // namespace

const std::vector<std::string>& UserNames() {
  static const std::vector<std::string> kUsers = {"dpetrov",  "zunal",          "jmüller",
                                                  "svc-soc",  "tanaka.hiroshi", "françois.dupré",
                                                  "佐藤花子", "admin"};
  return kUsers;
}

Agent MakeAgent(Rng& rng, IdSource& ids, int index, size_t group_count) {
  // The draws keep the order of the original inline loop in MakeTopology, so
  // a seed keeps producing the same topology.
  Agent a;
  a.id = ids.NextString();
  a.uuid = rng.Hex(32);
  const OsChoice& os = rng.Pick(kOses);
  a.os_type = os.type;
  a.os_name = os.name;
  a.os_revision = os.revision;
  const bool server = std::string_view(os.name).find("Server") != std::string_view::npos ||
                      a.os_type == std::string("linux");
  a.machine_type = server ? "server" : (rng.Chance(0.5) ? "laptop" : "desktop");
  // A few hosts carry non-ASCII names, as some real fleets do.
  if (index % 16 == 5) {
    a.computer_name = "PC-ÉQUIPE-" + std::to_string(10 + index);
  } else if (index % 16 == 11) {
    a.computer_name = "端末-" + rng.UpperAlnum(4);
  } else {
    a.computer_name = (server ? "srv-" : "DESKTOP-") + rng.UpperAlnum(7);
  }
  a.version = rng.Pick(kAgentVersions);
  auto octet = [&rng] { return std::to_string(rng.Between(1, 254)); };
  a.ipv4 = "10." + Joined(3, ".", octet);
  a.external_ip = "198.51.100." + octet();
  a.mac = "00:50:56:" + Joined(3, ":", [&rng] { return rng.Hex(2); });
  a.domain = rng.Pick(kDomains);
  a.last_user = rng.Pick(UserNames());
  // Registered some time in 2023-2025.
  const int64_t seconds = rng.Between(0, 3LL * 365 * 86400);
  a.registered_at = FormatIsoTime(1672531200000000 + seconds * 1000000 + rng.Between(0, 999999));
  a.group = rng.Below(group_count);
  return a;
}

Topology MakeTopology(Rng& rng, IdSource& ids) {
  static const char* kAccounts[] = {"Société Générale de Test", "Müller Logistik GmbH",
                                    "日本テスト株式会社", "Globex"};
  static const char* kSites[][2] = {{"Lyon-Servers", "Paris-Ops"},
                                    {"München-Büro", "Hamburg-Lager"},
                                    {"東京-本社", "大阪-支店"},
                                    {"Springfield", "Shelbyville"}};
  static const char* kGroups[] = {"Servers", "VIP laptops", "Default Group", "Workstations"};

  Topology t;
  for (size_t a = 0; a < std::size(kAccounts); ++a) {
    t.accounts.push_back({ids.NextString(), kAccounts[a]});
    for (const char* site_name : kSites[a]) {
      t.sites.push_back({ids.NextString(), site_name, a});
      const size_t site = t.sites.size() - 1;
      for (int g = 0; g < 2; ++g) {
        t.groups.push_back({ids.NextString(), kGroups[(site + g) % std::size(kGroups)], site});
      }
    }
  }
  for (int i = 0; i < kTopologyAgents; ++i)
    t.agents.push_back(MakeAgent(rng, ids, i, t.groups.size()));
  return t;
}

Topology MakeRealisticTopology(Rng& rng, IdSource& ids) {
  Topology t = MakeTopology(rng, ids);
  for (int i = 0; i < kRealisticExtraSites; ++i) {
    Site site;
    site.id = ids.NextString();
    site.name = realistic::SiteName(rng);
    site.account = rng.Below(t.accounts.size());
    t.sites.push_back(std::move(site));
    const int64_t groups = rng.Between(2, 8);
    for (int64_t g = 0; g < groups; ++g) {
      Group group;
      group.id = ids.NextString();
      group.name = realistic::GroupName(rng);
      group.site = t.sites.size() - 1;
      t.groups.push_back(std::move(group));
    }
  }
  for (int i = kTopologyAgents; i < kRealisticTopologyAgents; ++i)
    t.agents.push_back(MakeAgent(rng, ids, i, t.groups.size()));
  for (Agent& a : t.agents) {
    a.computer_name = realistic::HostName(rng, a);
    a.last_user = realistic::UserName(rng);
  }
  return t;
}

}  // namespace s1c::sim
