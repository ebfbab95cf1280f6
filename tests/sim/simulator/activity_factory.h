// ActivityFactory: builds /web/api/v2.1/activities rows, shaped like
// tests/fixtures/activities-page.json (top-level createdAt/updatedAt, a
// type-specific "data" object, nulls kept as nulls).
#pragma once

#include <cstdint>

#include "common/rng.h"
#include "simulator/event_record.h"
#include "simulator/id_source.h"
#include "simulator/json_writer.h"
#include "simulator/topology.h"

namespace s1c::sim {

// Not thread-safe; borrows the Rng, IdSource and Topology, which must outlive it.
class ActivityFactory {
 public:
  // `realistic`: file names, paths, command lines, users, devices and rule
  // texts come from realistic_text.h instead of a few fixed values.
  ActivityFactory(Rng& rng, IdSource& ids, const Topology& topology, bool realistic)
      : rng_(rng), ids_(ids), topology_(topology), realistic_(realistic) {}

  // One activity created at `created_us` (updatedAt is 5 µs later, as in the samples).
  EventRecord Make(int64_t created_us);

 private:
  Rng& rng_;
  IdSource& ids_;
  const Topology& topology_;
  const bool realistic_;
  JsonObjectWriter event_;  // Reused scratch: no DOM, few allocations per row.
  JsonObjectWriter data_;
};

}  // namespace s1c::sim
