// EventGenerator: the simulated console's data, deterministic for a seed.
//
// Each stream draws from its own Rng (seeded from the corpus seed and the
// stream), so changing --threats does not change the activities, and live
// rows continue the same sequences.
#pragma once

#include <cstdint>
#include <vector>

#include "common/rng.h"
#include "simulator/activity_factory.h"
#include "simulator/agent_factory.h"
#include "simulator/alert_factory.h"
#include "simulator/event_record.h"
#include "simulator/group_factory.h"
#include "simulator/id_source.h"
#include "simulator/threat_factory.h"
#include "simulator/topology.h"
#include "simulator/unified_alert_factory.h"

namespace s1c::sim {

// How the versions of threats, alerts, agents, groups and unified alerts are exposed.
enum class HistoryMode {
  kAll,     // Every version is its own row, always visible (tests count them).
  kLatest,  // A thing shows only its newest version whose update time has passed.
};

struct CorpusOptions {
  uint64_t seed = 1;
  int64_t activities = 1000;
  int64_t threats = 100;                // Threats, not versions: each has 1-4 versions.
  int64_t alerts = 0;                   // Alerts, not versions: each has 1-2 versions.
  int64_t agents = 0;                   // Agents, not versions: each has 1-3 versions.
  int64_t groups = 0;                   // Groups, not versions: each has 1-2 versions.
  int64_t unified_alerts = 0;           // Unified alerts, not versions: 1-3 versions each.
  int64_t start_us = 1767225600000000;  // 2026-01-01T00:00:00Z
  int64_t span_us = 86400LL * 1000000;  // Creation times fall in [start, start + span).
  HistoryMode history = HistoryMode::kAll;
  // --realistic: a larger topology with varied names (MakeRealisticTopology)
  // and activities with varied text (ActivityFactory). false keeps every
  // stream byte for byte what it has always been for a seed.
  bool realistic = false;
};

struct Corpus {
  std::vector<EventRecord> activities;
  std::vector<EventRecord> threats;
  std::vector<EventRecord> alerts;
  std::vector<EventRecord> agents;
  std::vector<EventRecord> groups;
  std::vector<EventRecord> unified_alerts;

  // The rows of `kind`'s stream.
  std::vector<EventRecord>& Of(StreamKind kind);
  const std::vector<EventRecord>& Of(StreamKind kind) const {
    return const_cast<Corpus*>(this)->Of(kind);
  }
};

// A live row, and whether it replaces an earlier version of the same id
// (only ever true in HistoryMode::kLatest).
struct LiveRow {
  EventRecord row;
  bool supersedes = false;
};

// Not thread-safe, not movable (members borrow each other).
class EventGenerator {
 public:
  explicit EventGenerator(const CorpusOptions& options);
  EventGenerator(const EventGenerator&) = delete;
  EventGenerator& operator=(const EventGenerator&) = delete;

  // The initial corpus. REQUIRES: called once, before any Live* call.
  Corpus Generate();

  // New rows stamped `time_us`, visible from `time_us`. A live row of a
  // versioned stream is either a new thing or the next version of an existing
  // one. Unified alert times are `time_us` rounded down to a millisecond.
  EventRecord LiveActivity(int64_t time_us);
  LiveRow LiveThreat(int64_t time_us);
  LiveRow LiveAlert(int64_t time_us);
  LiveRow LiveAgent(int64_t time_us);
  LiveRow LiveGroup(int64_t time_us);
  LiveRow LiveUnifiedAlert(int64_t time_us);
  // The one of the above for `kind`.
  LiveRow Live(StreamKind kind, int64_t time_us);

 private:
  // How a stream of the inventory/unified-alert kind spaces its versions.
  struct VersionPlan {
    int64_t max_versions;
    int64_t min_gap_us;
    int64_t max_gap_us;
    int64_t step_us;  // Every time is a multiple of this (1000 for millisecond streams).
  };

  // A new thing (from `make`) or the next version of a known one, updated at
  // `time_us` or, for a known one, at least `step_us` after its last version.
  template <typename Profile, typename Factory>
  LiveRow LiveVersion(int64_t time_us, int64_t step_us, Rng& rng, Factory& factory,
                      std::vector<Profile>& profiles, Profile (Factory::*make)(int64_t));

  // Generates `count` things of one stream by `plan`: each burst of the
  // timeline shares its version times (a bulk change).
  template <typename Profile, typename Factory>
  void GenerateVersioned(int64_t count, const VersionPlan& plan, Rng& rng, Factory& factory,
                         Profile (Factory::*make)(int64_t), std::vector<EventRecord>& rows,
                         std::vector<Profile>& profiles);

  // Appends one row per entry of `times` (the update times of `profile`'s
  // versions) to `rows`, and records `profile` for live updates.
  template <typename Profile, typename Factory>
  void AddVersions(Factory& factory, Profile profile, const std::vector<int64_t>& times,
                   std::vector<EventRecord>& rows, std::vector<Profile>& profiles);

  CorpusOptions options_;
  Rng topology_rng_;
  IdSource topology_ids_;
  Topology topology_;
  Rng activity_rng_;
  IdSource activity_ids_;
  ActivityFactory activity_factory_;
  Rng threat_rng_;
  IdSource threat_ids_;
  ThreatFactory threat_factory_;
  std::vector<ThreatProfile> threats_;
  Rng alert_rng_;
  IdSource alert_ids_;
  AlertFactory alert_factory_;
  std::vector<AlertProfile> alerts_;
  Rng agent_rng_;
  IdSource agent_ids_;
  AgentFactory agent_factory_;
  std::vector<AgentProfile> agents_;
  Rng group_rng_;
  IdSource group_ids_;
  GroupFactory group_factory_;
  std::vector<GroupProfile> groups_;
  Rng unified_alert_rng_;
  IdSource unified_alert_ids_;
  UnifiedAlertFactory unified_alert_factory_;
  std::vector<UnifiedAlertProfile> unified_alerts_;
};

}  // namespace s1c::sim
