// AlertFactory: builds /web/api/v2.1/cloud-detection/alerts rows, shaped like
// tests/fixtures/alerts-page.json. Times live under alertInfo; the row's id
// for ordering is alertInfo.alertId. An alert has one or two versions (the
// analyst changes its status), each with a later alertInfo.updatedAt.
#pragma once

#include <cstdint>
#include <string>

#include "common/rng.h"
#include "simulator/event_record.h"
#include "simulator/id_source.h"
#include "simulator/topology.h"

namespace s1c::sim {

// What stays fixed across an alert's versions.
struct AlertProfile {
  uint64_t id = 0;
  size_t agent = 0;
  int64_t created_us = 0;
  int rule = 0;
  std::string rule_id;
  std::string storyline;
  std::string sha1;
  std::string dst_ip;
  int src_port = 0;
  // Bookkeeping for live updates.
  int versions_made = 0;
  int64_t last_updated_us = 0;
};

// Not thread-safe; borrows the Rng, IdSource and Topology.
class AlertFactory {
 public:
  AlertFactory(Rng& rng, IdSource& ids, const Topology& topology)
      : rng_(rng), ids_(ids), topology_(topology) {}

  AlertProfile NewAlert(int64_t created_us);

  // The row for version `version` (0 = as raised) updated at `updated_us`.
  // Does not draw from the Rng.
  EventRecord Version(const AlertProfile& alert, int version, int64_t updated_us) const;

 private:
  Rng& rng_;
  IdSource& ids_;
  const Topology& topology_;
};

}  // namespace s1c::sim
