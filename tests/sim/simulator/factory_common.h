// Helpers shared by the activity, threat and alert factories.
#pragma once

#include <cstdint>
#include <string>

#include "common/rng.h"
#include "simulator/topology.h"

namespace s1c::sim {

// An odd integer in (2^53, 2^62): a double cannot hold it exactly, so a
// collector that re-serializes events through doubles corrupts it visibly.
// Real consoles send such rule and alert ids as bare JSON numbers.
inline uint64_t UnsafeBigInteger(Rng& rng) {
  return (uint64_t{1} << 53) + 1 + 2 * rng.Below(uint64_t{1} << 60);
}

// "Group Servers in Site Lyon-Servers of Account Globex"
inline std::string FullScopeDetails(const Topology& t, const Agent& a) {
  return "Group " + t.GroupOf(a).name + " in Site " + t.SiteOf(a).name + " of Account " +
         t.AccountOf(a).name;
}

// "Global / Globex / Lyon-Servers / Servers"
inline std::string FullScopePath(const Topology& t, const Agent& a) {
  return "Global / " + t.AccountOf(a).name + " / " + t.SiteOf(a).name + " / " + t.GroupOf(a).name;
}

}  // namespace s1c::sim
