#include "simulator/event_generator.h"

#include <algorithm>

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
constexpr uint64_t kIdRange = 100000000000000000ull;

}  // namespace

EventGenerator::EventGenerator(const CorpusOptions& options)
    : options_(options),
      topology_rng_(StreamSeed(options.seed, 0)),
      topology_ids_(topology_rng_, kTopologyIds, kTopologyIds + 4 * kIdRange),
      topology_(MakeTopology(topology_rng_, topology_ids_)),
      activity_rng_(StreamSeed(options.seed, 1)),
      activity_ids_(activity_rng_, kActivityIds, kActivityIds + kIdRange),
      activity_factory_(activity_rng_, activity_ids_, topology_),
      threat_rng_(StreamSeed(options.seed, 2)),
      threat_ids_(threat_rng_, kThreatIds, kThreatIds + kIdRange),
      threat_factory_(threat_rng_, threat_ids_, topology_),
      alert_rng_(StreamSeed(options.seed, 3)),
      alert_ids_(alert_rng_, kAlertIds, kAlertIds + kIdRange),
      alert_factory_(alert_rng_, alert_ids_, topology_) {}

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
  return corpus;
}

EventRecord EventGenerator::LiveActivity(int64_t time_us) {
  EventRecord row = activity_factory_.Make(time_us);
  row.visible_from_us = time_us;
  return row;
}

template <typename Profile, typename Factory>
LiveRow EventGenerator::LiveVersion(int64_t time_us, Rng& rng, Factory& factory,
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
  const int64_t updated = std::max(time_us, p.versions_made > 0 ? p.last_updated_us + 1 : time_us);
  live.row = factory.Version(p, p.versions_made, updated);
  live.row.visible_from_us = time_us;
  ++p.versions_made;
  p.last_updated_us = updated;
  return live;
}

LiveRow EventGenerator::LiveThreat(int64_t time_us) {
  return LiveVersion(time_us, threat_rng_, threat_factory_, threats_, &ThreatFactory::NewThreat);
}

LiveRow EventGenerator::LiveAlert(int64_t time_us) {
  return LiveVersion(time_us, alert_rng_, alert_factory_, alerts_, &AlertFactory::NewAlert);
}

}  // namespace s1c::sim
