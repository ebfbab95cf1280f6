// Topology: the simulated console's accounts, sites, groups and agents.
//
// Names mix ASCII and non-ASCII text (accents, umlauts, Japanese) because
// real consoles do and a collector must pass them through untouched.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/rng.h"
#include "simulator/id_source.h"

namespace s1c::sim {

struct Account {
  std::string id;
  std::string name;
};

struct Site {
  std::string id;
  std::string name;
  size_t account;  // Index into Topology::accounts.
};

struct Group {
  std::string id;
  std::string name;
  size_t site;  // Index into Topology::sites.
};

struct Agent {
  std::string id;
  std::string uuid;  // 32 hex digits.
  std::string computer_name;
  std::string os_type;  // windows | linux | macos
  std::string os_name;
  std::string os_revision;
  std::string machine_type;  // desktop | laptop | server
  std::string version;
  std::string ipv4;
  std::string external_ip;
  std::string mac;
  std::string domain;
  std::string last_user;
  std::string registered_at;  // ISO time.
  size_t group;               // Index into Topology::groups.
};

struct Topology {
  std::vector<Account> accounts;
  std::vector<Site> sites;
  std::vector<Group> groups;
  std::vector<Agent> agents;

  const Group& GroupOf(const Agent& a) const { return groups[a.group]; }
  const Site& SiteOf(const Agent& a) const { return sites[GroupOf(a).site]; }
  const Account& AccountOf(const Agent& a) const { return accounts[SiteOf(a).account]; }
};

inline constexpr int kTopologyAgents = 48;

// A fixed-size topology (4 accounts, 8 sites, 16 groups, kTopologyAgents
// agents) drawn from `rng`.
Topology MakeTopology(Rng& rng, IdSource& ids);

// The agent numbered `index` (its name pattern depends on it), in one of
// `group_count` groups. MakeTopology makes agents 0..kTopologyAgents-1; the
// agents stream makes more past them with its own Rng and IdSource.
Agent MakeAgent(Rng& rng, IdSource& ids, int index, size_t group_count);

inline constexpr int kRealisticTopologyAgents = 2000;
inline constexpr int kRealisticExtraSites = 40;

// The --realistic topology, a console of a few thousand agents: MakeTopology's
// accounts, sites, groups and agents (same ids, so the agents stream still
// starts with them), then kRealisticExtraSites more sites of 2-8 groups each,
// and more agents up to kRealisticTopologyAgents spread over every group. The
// new names and every agent's host and user name come from realistic_text.h's
// word lists, so names repeat less.
Topology MakeRealisticTopology(Rng& rng, IdSource& ids);

// User names seen on agents and in the console, some non-ASCII.
const std::vector<std::string>& UserNames();

}  // namespace s1c::sim
