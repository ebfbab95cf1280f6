// ThreatFactory: builds /web/api/v2.1/threats rows, shaped like
// tests/fixtures/threats-page.json. Threats have no top-level createdAt: their
// times are threatInfo.createdAt and threatInfo.updatedAt.
//
// A threat changes over its life (verdict, incident status, mitigation); each
// change is a new version with a later threatInfo.updatedAt.
#pragma once

#include <cstdint>
#include <string>

#include "common/rng.h"
#include "simulator/event_record.h"
#include "simulator/id_source.h"
#include "simulator/topology.h"

namespace s1c::sim {

// What stays fixed across a threat's versions.
struct ThreatProfile {
  uint64_t id = 0;
  size_t agent = 0;  // Index into Topology::agents.
  int64_t created_us = 0;
  std::string name;
  std::string file_path;
  std::string extension;
  std::string extension_type;
  std::string classification;
  std::string confidence;
  std::string sha1;
  std::string storyline;
  std::string collection_id;
  std::string report_id;
  std::string originator;
  int64_t file_size = 0;
  int indicator = 0;
  bool benign = false;  // Ends as a false positive.
  // Bookkeeping for live updates.
  int versions_made = 0;
  int64_t last_updated_us = 0;
};

// Not thread-safe; borrows the Rng, IdSource and Topology.
class ThreatFactory {
 public:
  ThreatFactory(Rng& rng, IdSource& ids, const Topology& topology)
      : rng_(rng), ids_(ids), topology_(topology) {}

  ThreatProfile NewThreat(int64_t created_us);

  // The row for version `version` (0 = as detected) updated at `updated_us`.
  // Versions past the last lifecycle state repeat it with the new time (an
  // analyst note, a re-scan). Does not draw from the Rng: the same arguments
  // always give the same bytes.
  EventRecord Version(const ThreatProfile& threat, int version, int64_t updated_us) const;

 private:
  Rng& rng_;
  IdSource& ids_;
  const Topology& topology_;
};

}  // namespace s1c::sim
