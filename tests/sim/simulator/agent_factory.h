// AgentFactory: builds /web/api/v2.1/agents rows, shaped like
// tests/fixtures/agents-page.json (top-level createdAt/updatedAt, the full
// inventory field set).
//
// The inventory starts with the topology's agents (the ones threats, alerts
// and activities name), then adds new ones. Every change of an agent (agent
// upgrade, network status, infection, a heartbeat moving lastActiveDate) is a
// new version with a later updatedAt and the same id and createdAt.
#pragma once

#include <cstdint>
#include <string>

#include "common/rng.h"
#include "simulator/event_record.h"
#include "simulator/id_source.h"
#include "simulator/topology.h"

namespace s1c::sim {

// What stays fixed across an agent's versions; the versions' states are
// replayed from `changes`.
struct AgentProfile {
  Agent agent;  // A copy of a topology agent, or a new one past them.
  uint64_t id = 0;
  int64_t created_us = 0;  // createdAt = registeredAt.
  std::string interface_id;
  std::string inet6;
  std::string cpu;
  std::string model;
  int cores = 0;
  int64_t memory_mb = 0;
  int64_t uptime_us = 0;      // osStartTime is this long before each update.
  int64_t scan_us = 0;        // The first full scan took this long.
  int64_t active_lag_us = 0;  // lastActiveDate trails updatedAt by this much.
  std::string tag_id;
  std::string tag_assigner_id;
  size_t tag_user = 0;    // Index into UserNames(): who assigned the tag.
  int first_version = 0;  // Index of the agent version at version 0 (oldest first).
  bool first_infected = false;
  uint64_t changes = 0;  // Two bits per later version: what it changes.
  // Bookkeeping for live updates.
  int versions_made = 0;
  int64_t last_updated_us = 0;
};

// Not thread-safe; borrows the Rng, IdSource and Topology.
class AgentFactory {
 public:
  AgentFactory(Rng& rng, IdSource& ids, const Topology& topology)
      : rng_(rng), ids_(ids), topology_(topology) {}

  // The next agent of the inventory, first updated at `first_update_us`.
  // Topology agents keep their registration time; new ones register just
  // before their first update.
  AgentProfile NewAgent(int64_t first_update_us);

  // The row for version `version` (0 = first seen) updated at `updated_us`.
  // Does not draw from the Rng: the same arguments always give the same bytes.
  EventRecord Version(const AgentProfile& agent, int version, int64_t updated_us) const;

 private:
  Rng& rng_;
  IdSource& ids_;
  const Topology& topology_;
  int made_ = 0;  // Agents made so far: the first kTopologyAgents are the topology's.
};

}  // namespace s1c::sim
