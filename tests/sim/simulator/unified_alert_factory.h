// UnifiedAlertFactory: builds the nodes of POST /web/api/v2.1/unifiedalerts/graphql
// (Unified Alert Management), shaped like the nodes of
// tests/fixtures/unified-alerts-page.json.
//
// Alerts come from EDR, STAR, Identity, Cloud and third-party products
// (detectionSource.product "Third Party", vendor "Okta" or "Microsoft"). All
// node times are whole milliseconds, written with exactly three fraction
// digits. An alert's versions follow its triage (NEW, IN_PROGRESS with an
// assignee, RESOLVED with a verdict), each with a later updatedAt.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>

#include "common/rng.h"
#include "simulator/event_record.h"
#include "simulator/id_source.h"
#include "simulator/topology.h"

namespace s1c::sim {

// What stays fixed across an alert's versions, plus the triage times the
// versions made so far recorded.
struct UnifiedAlertProfile {
  uint64_t id = 0;         // The first 64 bits of `uuid`: the row's ordering id.
  std::string uuid;        // The node's "id".
  size_t detection = 0;    // Index into the detection catalogue.
  size_t agent = 0;        // Index into Topology::agents: where it happened.
  size_t analyst = 0;      // Who picks it up at version 1.
  int64_t created_us = 0;  // Whole milliseconds, like every node time.
  int64_t first_seen_lag_us = 0;
  int64_t last_seen_lag_us = 0;
  std::string severity;
  std::string confidence;
  std::string external_id;
  std::string storyline;  // Empty for detections without a process.
  std::string analytics_uid;
  std::string asset_id;
  std::string sha1;
  std::string sha256;
  std::string attacker_ip;
  bool benign = false;  // Resolved as a false positive.
  // Set by Version() when it makes version 1 and 2 (0 = not yet).
  int64_t responded_us = 0;
  int64_t resolved_us = 0;
  // Bookkeeping for live updates.
  int versions_made = 0;
  int64_t last_updated_us = 0;
};

// Not thread-safe; borrows the Rng, IdSource and Topology.
class UnifiedAlertFactory {
 public:
  UnifiedAlertFactory(Rng& rng, IdSource& ids, const Topology& topology)
      : rng_(rng), ids_(ids), topology_(topology) {}

  // A new alert created at `created_us` rounded down to a millisecond.
  UnifiedAlertProfile NewAlert(int64_t created_us);

  // The node for version `version` (0 = as raised) updated at `updated_us`.
  // REQUIRES: `updated_us` is whole milliseconds, and the versions of one
  // alert are made in order (version 1 and 2 record their time in `alert`, for
  // the SLO fields of later versions). Does not draw from the Rng.
  EventRecord Version(UnifiedAlertProfile& alert, int version, int64_t updated_us) const;

 private:
  Rng& rng_;
  IdSource& ids_;
  const Topology& topology_;
  std::unordered_set<uint64_t> used_ids_;
};

}  // namespace s1c::sim
