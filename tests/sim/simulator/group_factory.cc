#include "simulator/group_factory.h"

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>

#include "s1c/core/iso_time.h"
#include "simulator/cursor.h"

namespace s1c::sim {
namespace {

using json = nlohmann::json;

constexpr int64_t kDay = 86400LL * 1000000;
constexpr const char* kNewGroupNames[] = {"Laptops – Zürich", "Kiosks",     "Build servers",
                                          "Ärzte-Tablets",    "開発チーム", "Finance"};
constexpr const char* kRenameSuffixes[] = {"EMEA", "legacy", "Ü-2026"};

enum class Change { kAgentsMoved = 0, kAgentsJoined = 1, kRank = 2, kRename = 3 };

struct GroupState {
  std::string name;
  int rank;
  int64_t total_agents;
};

// SplitMix64 step: a per-version number derived from the profile alone, so
// Version() needs no Rng.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

GroupState StateAt(const GroupProfile& g, int version) {
  GroupState s{g.name, g.rank, g.total_agents};
  int renames = 0;
  for (int v = 1; v <= version; ++v) {
    // Versions past 32 reuse the bits: live mode can make many.
    auto change = static_cast<Change>((g.changes >> (2 * ((v - 1) % 32))) & 3);
    // The default group has no rank and keeps its name: only its members change.
    if (g.is_default) change = Change::kAgentsJoined;
    const auto draw = static_cast<int64_t>(Mix(g.changes + static_cast<uint64_t>(v)) % 30);
    switch (change) {
      case Change::kAgentsMoved:
        s.total_agents = std::max<int64_t>(0, s.total_agents - 1 - draw / 3);
        break;
      case Change::kAgentsJoined:
        s.total_agents += 1 + draw;
        break;
      case Change::kRank:
        s.rank = s.rank % 10 + 1;
        break;
      case Change::kRename:
        s.name = g.name + " (" + kRenameSuffixes[renames++ % std::size(kRenameSuffixes)] + ")";
        break;
    }
  }
  return s;
}

}  // namespace

GroupProfile GroupFactory::NewGroup(int64_t first_update_us) {
  GroupProfile g;
  const size_t index = made_++;
  if (index < topology_.groups.size()) {
    const Group& group = topology_.groups[index];
    g.id = std::stoull(group.id);
    g.name = group.name;
    g.site = group.site;
    g.created_us = first_update_us - rng_.Between(30 * kDay, 3 * 365 * kDay);
  } else {
    g.id = ids_.Next();
    g.name = std::string(rng_.Pick(kNewGroupNames)) + " " + std::to_string(index);
    g.site = rng_.Below(topology_.sites.size());
    g.created_us = first_update_us - rng_.Between(20000, 2000000);
  }
  g.is_default = g.name == "Default Group";
  g.dynamic = !g.is_default && rng_.Chance(0.4);
  if (g.dynamic) {
    g.filter_id = ids_.NextString();
  } else {
    // The real token is base64 of a small JSON document naming the console and site.
    g.registration_token = Base64Encode(
        R"({"url": "https://euce1-s1sim.sentinelone.net", "site_key": "g_)" + rng_.Hex(16) + "\"}");
  }
  g.rank = g.is_default ? 0 : static_cast<int>(rng_.Between(1, 10));
  g.creator = rng_.Below(UserNames().size());
  g.creator_id = ids_.NextString();
  g.total_agents = rng_.Between(0, 250);
  g.changes = rng_.Next();
  return g;
}

EventRecord GroupFactory::Version(const GroupProfile& g, int version, int64_t updated_us) const {
  const Site& site = topology_.sites[g.site];
  const GroupState state = StateAt(g, version);
  json e = {{"createdAt", FormatIsoTime(g.created_us)},
            {"creator", UserNames()[g.creator]},
            {"creatorId", g.creator_id},
            {"filterId", g.dynamic ? json(g.filter_id) : json(nullptr)},
            {"filterName", g.dynamic ? json(state.name + " (auto)") : json(nullptr)},
            {"id", std::to_string(g.id)},
            {"inherits", !g.is_default},
            {"isDefault", g.is_default},
            {"name", state.name},
            {"rank", g.is_default ? json(nullptr) : json(state.rank)},
            {"registrationToken", g.dynamic ? json(nullptr) : json(g.registration_token)},
            {"siteId", site.id},
            {"totalAgents", state.total_agents},
            {"type", g.dynamic ? "dynamic" : "static"},
            {"updatedAt", FormatIsoTime(updated_us)}};

  EventRecord row;
  row.created_us = g.created_us;
  row.updated_us = updated_us;
  row.id = g.id;
  row.site_id = site.id;
  row.account_id = topology_.accounts[site.account].id;
  row.json = e.dump();
  return row;
}

}  // namespace s1c::sim
