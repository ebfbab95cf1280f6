// GroupFactory: builds /web/api/v2.1/groups rows, shaped like
// tests/fixtures/groups-page.json. Groups carry a siteId and no account: a
// row's account (for accountIds scoping) is its site's.
//
// The inventory starts with the topology's groups (the ones agents and
// threats name), then adds new ones. A change (agents joining or leaving,
// rank, a rename) is a new version with a later updatedAt, same id and createdAt.
#pragma once

#include <cstdint>
#include <string>

#include "common/rng.h"
#include "simulator/event_record.h"
#include "simulator/id_source.h"
#include "simulator/topology.h"

namespace s1c::sim {

// What stays fixed across a group's versions; the versions' states are
// replayed from `changes`.
struct GroupProfile {
  uint64_t id = 0;
  std::string name;  // At version 0.
  size_t site = 0;   // Index into Topology::sites.
  int64_t created_us = 0;
  bool is_default = false;
  bool dynamic = false;            // Dynamic groups have a filter and no registration token.
  std::string filter_id;           // Dynamic groups only.
  std::string registration_token;  // Static groups only.
  int rank = 0;                    // At version 0; the default group has none (null).
  size_t creator = 0;              // Index into UserNames().
  std::string creator_id;
  int64_t total_agents = 0;  // At version 0.
  uint64_t changes = 0;      // Two bits per later version: what it changes.
  // Bookkeeping for live updates.
  int versions_made = 0;
  int64_t last_updated_us = 0;
};

// Not thread-safe; borrows the Rng, IdSource and Topology.
class GroupFactory {
 public:
  GroupFactory(Rng& rng, IdSource& ids, const Topology& topology)
      : rng_(rng), ids_(ids), topology_(topology) {}

  // The next group of the inventory, first updated at `first_update_us`.
  // Topology groups were created long before; new ones moments before.
  GroupProfile NewGroup(int64_t first_update_us);

  // The row for version `version` (0 = first seen) updated at `updated_us`.
  // Does not draw from the Rng: the same arguments always give the same bytes.
  EventRecord Version(const GroupProfile& group, int version, int64_t updated_us) const;

 private:
  Rng& rng_;
  IdSource& ids_;
  const Topology& topology_;
  size_t made_ = 0;  // Groups made so far: the first ones are the topology's.
};

}  // namespace s1c::sim
