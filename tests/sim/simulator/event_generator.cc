#include "simulator/event_generator.h"

#include <algorithm>

#include "simulator/iso_millis.h"
#include "simulator/timeline.h"

namespace s1c::sim {
namespace {

constexpr int64_t kSecond = 1000000;

// SplitMix64: turns (seed, stream) into well-separated Rng seeds.
uint64_t StreamSeed(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ull * (stream + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Disjoint 19-digit id ranges per stream, so ids never collide across streams.
constexpr uint64_t kTopologyIds = 1000000000000000000ull;
constexpr uint64_t kActivityIds = 1400000000000000000ull;
constexpr uint64_t kThreatIds = 1500000000000000000ull;
constexpr uint64_t kAlertIds = 1600000000000000000ull;
constexpr uint64_t kAgentIds = 1700000000000000000ull;
constexpr uint64_t kGroupIds = 1800000000000000000ull;
constexpr uint64_t kUnifiedAlertIds = 1900000000000000000ull;
constexpr uint64_t kIdRange = 100000000000000000ull;

// Rng stream numbers: one per stream, never reused, so a new stream leaves
// the others' data unchanged.
enum RngStream : uint64_t {
  kTopologyRng = 0,
  kActivityRng = 1,
  kThreatRng = 2,
  kAlertRng = 3,
  kAgentRng = 4,
  kGroupRng = 5,
  kUnifiedAlertRng = 6,
};

// Agents change now and then (upgrades, network, infection); groups less;
// unified alerts move through triage within hours, in whole milliseconds.
constexpr int64_t kMinute = 60 * kSecond;

}  // namespace

EventGenerator::EventGenerator(const CorpusOptions& options)
    : options_(options),
      topology_rng_(StreamSeed(options.seed, kTopologyRng)),
      topology_ids_(topology_rng_, kTopologyIds, kTopologyIds + 4 * kIdRange),
      topology_(options.realistic ? MakeRealisticTopology(topology_rng_, topology_ids_)
                                  : MakeTopology(topology_rng_, topology_ids_)),
      activity_rng_(StreamSeed(options.seed, kActivityRng)),
      activity_ids_(activity_rng_, kActivityIds, kActivityIds + kIdRange),
      activity_factory_(activity_rng_, activity_ids_, topology_, options.realistic),
      threat_rng_(StreamSeed(options.seed, kThreatRng)),
      threat_ids_(threat_rng_, kThreatIds, kThreatIds + kIdRange),
      threat_factory_(threat_rng_, threat_ids_, topology_),
      alert_rng_(StreamSeed(options.seed, kAlertRng)),
      alert_ids_(alert_rng_, kAlertIds, kAlertIds + kIdRange),
      alert_factory_(alert_rng_, alert_ids_, topology_),
      agent_rng_(StreamSeed(options.seed, kAgentRng)),
      agent_ids_(agent_rng_, kAgentIds, kAgentIds + kIdRange),
      agent_factory_(agent_rng_, agent_ids_, topology_),
      group_rng_(StreamSeed(options.seed, kGroupRng)),
      group_ids_(group_rng_, kGroupIds, kGroupIds + kIdRange),
      group_factory_(group_rng_, group_ids_, topology_),
      unified_alert_rng_(StreamSeed(options.seed, kUnifiedAlertRng)),
      unified_alert_ids_(unified_alert_rng_, kUnifiedAlertIds, kUnifiedAlertIds + kIdRange),
      unified_alert_factory_(unified_alert_rng_, unified_alert_ids_, topology_) {}

std::vector<EventRecord>& Corpus::Of(StreamKind kind) {
  switch (kind) {
    case StreamKind::kActivities:
      return activities;
    case StreamKind::kThreats:
      return threats;
    case StreamKind::kAlerts:
      return alerts;
    case StreamKind::kAgents:
      return agents;
    case StreamKind::kGroups:
      return groups;
    case StreamKind::kUnifiedAlerts:
      break;
  }
  return unified_alerts;
}

template <typename Profile, typename Factory>
void EventGenerator::AddVersions(Factory& factory, Profile profile,
                                 const std::vector<int64_t>& times, std::vector<EventRecord>& rows,
                                 std::vector<Profile>& profiles) {
  for (size_t v = 0; v < times.size(); ++v) {
    EventRecord row = factory.Version(profile, static_cast<int>(v), times[v]);
    if (options_.history == HistoryMode::kLatest) {
      row.visible_from_us = times[v];
      row.hidden_from_us = v + 1 < times.size() ? times[v + 1] : kNeverHidden;
    }
    rows.push_back(std::move(row));
  }
  profile.versions_made = static_cast<int>(times.size());
  profile.last_updated_us = times.back();
  profiles.push_back(std::move(profile));
}

template <typename Profile, typename Factory>
void EventGenerator::GenerateVersioned(int64_t count, const VersionPlan& plan, Rng& rng,
                                       Factory& factory, Profile (Factory::*make)(int64_t),
                                       std::vector<EventRecord>& rows,
                                       std::vector<Profile>& profiles) {
  const int64_t step = plan.step_us;
  for (const TimeGroup& g : MakeTimeline(rng, count, options_.start_us, options_.span_us)) {
    const int64_t first = g.time_us - ((g.time_us % step) + step) % step;
    std::vector<int64_t> times = {first};
    const int64_t versions = rng.Between(1, plan.max_versions);
    while (static_cast<int64_t>(times.size()) < versions) {
      times.push_back(times.back() +
                      rng.Between(plan.min_gap_us / step, plan.max_gap_us / step) * step);
    }
    for (int i = 0; i < g.size; ++i) {
      AddVersions(factory, (factory.*make)(first), times, rows, profiles);
    }
  }
}

Corpus EventGenerator::Generate() {
  Corpus corpus;
  corpus.activities.reserve(static_cast<size_t>(options_.activities));
  for (const TimeGroup& g :
       MakeTimeline(activity_rng_, options_.activities, options_.start_us, options_.span_us)) {
    for (int i = 0; i < g.size; ++i) corpus.activities.push_back(activity_factory_.Make(g.time_us));
  }

  // A burst shares all its version times too: a bulk analyst action moves
  // many threats' updatedAt to one instant.
  for (const TimeGroup& g :
       MakeTimeline(threat_rng_, options_.threats, options_.start_us, options_.span_us)) {
    std::vector<int64_t> times = {g.time_us + threat_rng_.Between(50000, 2000000)};
    const int64_t versions = threat_rng_.Between(1, 4);
    while (static_cast<int64_t>(times.size()) < versions) {
      times.push_back(times.back() + threat_rng_.Between(60 * kSecond, 6 * 3600 * kSecond));
    }
    for (int i = 0; i < g.size; ++i) {
      AddVersions(threat_factory_, threat_factory_.NewThreat(g.time_us), times, corpus.threats,
                  threats_);
    }
  }

  for (const TimeGroup& g :
       MakeTimeline(alert_rng_, options_.alerts, options_.start_us, options_.span_us)) {
    std::vector<int64_t> times = {g.time_us + 5};
    if (alert_rng_.Chance(0.5))
      times.push_back(times.back() + alert_rng_.Between(300 * kSecond, 3 * 3600 * kSecond));
    for (int i = 0; i < g.size; ++i) {
      AddVersions(alert_factory_, alert_factory_.NewAlert(g.time_us), times, corpus.alerts,
                  alerts_);
    }
  }

  GenerateVersioned(options_.agents, {3, 5 * kMinute, 8 * 60 * kMinute, 1}, agent_rng_,
                    agent_factory_, &AgentFactory::NewAgent, corpus.agents, agents_);
  GenerateVersioned(options_.groups, {2, 10 * kMinute, 12 * 60 * kMinute, 1}, group_rng_,
                    group_factory_, &GroupFactory::NewGroup, corpus.groups, groups_);
  GenerateVersioned(options_.unified_alerts, {3, kMinute, 6 * 60 * kMinute, kMicrosPerMilli},
                    unified_alert_rng_, unified_alert_factory_, &UnifiedAlertFactory::NewAlert,
                    corpus.unified_alerts, unified_alerts_);
  return corpus;
}

EventRecord EventGenerator::LiveActivity(int64_t time_us) {
  EventRecord row = activity_factory_.Make(time_us);
  row.visible_from_us = time_us;
  return row;
}

template <typename Profile, typename Factory>
LiveRow EventGenerator::LiveVersion(int64_t time_us, int64_t step_us, Rng& rng, Factory& factory,
                                    std::vector<Profile>& profiles,
                                    Profile (Factory::*make)(int64_t)) {
  LiveRow live;
  if (profiles.empty() || rng.Chance(0.5)) {
    profiles.push_back((factory.*make)(time_us));
  } else {
    std::swap(profiles[rng.Below(profiles.size())], profiles.back());
    live.supersedes = options_.history == HistoryMode::kLatest;
  }
  Profile& p = profiles.back();
  // Versions of one thing need strictly increasing times (see EventRecord::id).
  const int64_t updated =
      std::max(time_us, p.versions_made > 0 ? p.last_updated_us + step_us : time_us);
  live.row = factory.Version(p, p.versions_made, updated);
  live.row.visible_from_us = time_us;
  ++p.versions_made;
  p.last_updated_us = updated;
  return live;
}

LiveRow EventGenerator::LiveThreat(int64_t time_us) {
  return LiveVersion(time_us, 1, threat_rng_, threat_factory_, threats_, &ThreatFactory::NewThreat);
}

LiveRow EventGenerator::LiveAlert(int64_t time_us) {
  return LiveVersion(time_us, 1, alert_rng_, alert_factory_, alerts_, &AlertFactory::NewAlert);
}

LiveRow EventGenerator::LiveAgent(int64_t time_us) {
  return LiveVersion(time_us, 1, agent_rng_, agent_factory_, agents_, &AgentFactory::NewAgent);
}

LiveRow EventGenerator::LiveGroup(int64_t time_us) {
  return LiveVersion(time_us, 1, group_rng_, group_factory_, groups_, &GroupFactory::NewGroup);
}

LiveRow EventGenerator::LiveUnifiedAlert(int64_t time_us) {
  return LiveVersion(FloorToMillis(time_us), kMicrosPerMilli, unified_alert_rng_,
                     unified_alert_factory_, unified_alerts_, &UnifiedAlertFactory::NewAlert);
}

LiveRow EventGenerator::Live(StreamKind kind, int64_t time_us) {
  switch (kind) {
    case StreamKind::kActivities:
      return LiveRow{LiveActivity(time_us), false};
    case StreamKind::kThreats:
      return LiveThreat(time_us);
    case StreamKind::kAlerts:
      return LiveAlert(time_us);
    case StreamKind::kAgents:
      return LiveAgent(time_us);
    case StreamKind::kGroups:
      return LiveGroup(time_us);
    case StreamKind::kUnifiedAlerts:
      break;
  }
  return LiveUnifiedAlert(time_us);
}

}  // namespace s1c::sim
