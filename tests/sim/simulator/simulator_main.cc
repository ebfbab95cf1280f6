// s1-simulator: a SentinelOne v2.1 console double for tests, demos and benchmarks.
// See sim_server.h for the routes and README.md in this directory for the flags.

#include <CLI/CLI.hpp>
#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/fault_rules.h"
#include "common/server_runner.h"
#include "s1c/core/clock.h"
#include "s1c/core/iso_time.h"
#include "s1c/core/stop_token.h"
#include "simulator/api_auth.h"
#include "simulator/event_generator.h"
#include "simulator/event_store.h"
#include "simulator/live_feeder.h"
#include "simulator/sim_server.h"

namespace s1c::sim {
namespace {

struct Flags {
  ListenOptions listen;
  std::vector<std::string> tokens;
  std::string token_file;
  std::string token_expires_at;
  std::vector<std::string> denied_streams;
  uint64_t seed = 1;
  int64_t activities = 1000;
  int64_t threats = 100;
  int64_t alerts = 0;
  int64_t agents = 0;
  int64_t groups = 0;
  int64_t unified_alerts = 0;
  std::vector<std::string> uam_missing_fields;
  std::string start = "2026-01-01T00:00:00Z";
  int64_t span_seconds = 86400;
  std::string threat_history = "all";
  double live_rate = 0;
  double live_seconds = 0;
  int64_t late_ms = 0;
  double late_fraction = 0;
  double pages_per_second = 0;
  std::string gzip = "on";
  bool realistic = false;
  std::vector<std::string> faults;
};

void AddFlags(CLI::App& app, Flags& f) {
  app.add_option("--port", f.listen.port, "TCP port on 127.0.0.1 (0 = pick a free one)")
      ->capture_default_str();
  app.add_option("--port-file", f.listen.port_file, "Also write the bound port to this file");
  app.add_option("--tls-cert", f.listen.tls_cert, "PEM certificate: serve HTTPS (with --tls-key)");
  app.add_option("--tls-key", f.listen.tls_key, "PEM private key for --tls-cert");
  app.add_flag("--verbose", f.listen.verbose, "Log one line per request to stderr");
  app.add_option("--threads", f.listen.threads,
                 "Request worker threads (each open keep-alive connection holds one)")
      ->capture_default_str();
  app.add_option("--token", f.tokens, "A valid API token (repeatable)");
  app.add_option("--token-file", f.token_file,
                 "File of valid tokens, one per line, re-read on every request");
  app.add_option("--token-expires-at", f.token_expires_at,
                 "Expiry reported by users/api-token-details (ISO-8601; default now + 180 days)");
  app.add_option("--deny-stream", f.denied_streams,
                 "Answer 403 on this stream (" + StreamNameList() + "; repeatable)");
  app.add_option("--seed", f.seed, "Seed of the generated data and of fault draws")
      ->capture_default_str();
  app.add_option("--activities", f.activities, "Activities in the initial corpus")
      ->capture_default_str();
  app.add_option("--threats", f.threats, "Threats in the initial corpus (each with 1-4 versions)")
      ->capture_default_str();
  app.add_option("--alerts", f.alerts, "Alerts in the initial corpus (each with 1-2 versions)")
      ->capture_default_str();
  app.add_option("--agents", f.agents, "Agents in the initial corpus (each with 1-3 versions)")
      ->capture_default_str();
  app.add_option("--groups", f.groups, "Groups in the initial corpus (each with 1-2 versions)")
      ->capture_default_str();
  app.add_option("--unified-alerts", f.unified_alerts,
                 "Unified (GraphQL) alerts in the initial corpus (each with 1-3 versions)")
      ->capture_default_str();
  app.add_option("--uam-missing-field", f.uam_missing_fields,
                 "An Alert field the GraphQL schema lacks: a query naming it fails validation "
                 "(repeatable)");
  app.add_option("--start", f.start, "Start of the corpus time range (ISO-8601)")
      ->capture_default_str();
  app.add_option("--span-seconds", f.span_seconds, "Length of the corpus time range")
      ->capture_default_str();
  app.add_option("--threat-history", f.threat_history,
                 "For every versioned stream (threats, alerts, agents, groups, unified alerts). "
                 "all: every version is a row; latest: only the current version is visible")
      ->check(CLI::IsMember({"all", "latest"}))
      ->capture_default_str();
  app.add_option("--live-rate", f.live_rate,
                 "Live mode: new rows per second per stream (0 = off); activities, threats and "
                 "alerts always, agents, groups and unified alerts when their count is > 0")
      ->capture_default_str();
  app.add_option("--live-seconds", f.live_seconds,
                 "Live mode: stop adding rows after this many seconds (0 = never)");
  app.add_option("--late-ms", f.late_ms,
                 "Live mode: late rows become visible up to this many ms after their time (uniform)");
  app.add_option("--late-fraction", f.late_fraction,
                 "Live mode: fraction of rows that are late (0..1)");
  app.add_option("--pages-per-second", f.pages_per_second,
                 "List pages (REST and GraphQL) answered per second over all connections; an "
                 "early page waits for its slot (0 = unpaced)")
      ->capture_default_str();
  app.add_option("--gzip", f.gzip,
                 "on: gzip API answers when the client accepts it; off: never compress them")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();
  app.add_flag("--realistic", f.realistic,
               "Less repetitive activities and host/user names (varied lengths, more non-ASCII, "
               "text that needs JSON escaping); same schema");
  app.add_option(
      "--fault", f.faults,
      "Fault rule MODE[:PROBABILITY[:key=value,...]] (repeatable); modes: rate_limit_html, "
      "rate_limit_html_retry_after, error_500, error_503, slow, drop, truncated, revoked, "
      "graphql_error");
}

// Returns an error message, or "" when the flags are consistent.
std::string Validate(const Flags& f) {
  if (f.activities < 0 || f.threats < 0 || f.alerts < 0 || f.agents < 0 || f.groups < 0 ||
      f.unified_alerts < 0) {
    return "corpus sizes must be >= 0";
  }
  if (f.span_seconds <= 0) return "--span-seconds must be > 0";
  if (f.live_rate < 0) return "--live-rate must be >= 0";
  if (f.live_seconds < 0) return "--live-seconds must be >= 0";
  if (f.late_ms < 0) return "--late-ms must be >= 0";
  if (f.late_fraction < 0 || f.late_fraction > 1) return "--late-fraction must be between 0 and 1";
  if (f.pages_per_second < 0) return "--pages-per-second must be >= 0";
  for (const auto& name : f.denied_streams) {
    if (FindStream(name) == nullptr)
      return "--deny-stream " + name + ": expected " + StreamNameList();
  }
  if (f.tokens.empty() && f.token_file.empty())
    return "give at least one --token or a --token-file";
  return "";
}

int Run(const Flags& f) {
  if (std::string error = Validate(f); !error.empty()) {
    std::fprintf(stderr, "s1-simulator: %s\n", error.c_str());
    return 2;
  }
  SystemClock clock;
  auto start = ParseIsoTime(f.start);
  if (!start.ok()) {
    std::fprintf(stderr, "s1-simulator: --start: %s\n", start.status().message().c_str());
    return 2;
  }
  SimServerOptions server_options;
  // Scopes are stream names; a path (cloud-detection/alerts) means its stream.
  for (const auto& name : f.denied_streams) {
    server_options.denied_streams.insert(std::string(FindStream(name)->name));
  }
  server_options.missing_alert_fields = f.uam_missing_fields;
  server_options.pages_per_second = f.pages_per_second;
  server_options.gzip = f.gzip == "on";
  server_options.token_expires_at_us = clock.NowMicros() + 180LL * 86400 * 1000000;
  if (!f.token_expires_at.empty()) {
    auto expiry = ParseIsoTime(f.token_expires_at);
    if (!expiry.ok()) {
      std::fprintf(stderr, "s1-simulator: --token-expires-at: %s\n",
                   expiry.status().message().c_str());
      return 2;
    }
    server_options.token_expires_at_us = *expiry;
  }
  FaultSet faults(f.seed);
  for (const auto& flag : f.faults) {
    auto rule = ParseFaultFlag(flag, SimFaultModes(), clock.MonotonicNow());
    if (!rule.ok()) {
      std::fprintf(stderr, "s1-simulator: %s\n", rule.status().message().c_str());
      return 2;
    }
    faults.Add(std::move(*rule));
  }

  CorpusOptions corpus_options;
  corpus_options.seed = f.seed;
  corpus_options.activities = f.activities;
  corpus_options.threats = f.threats;
  corpus_options.alerts = f.alerts;
  corpus_options.agents = f.agents;
  corpus_options.groups = f.groups;
  corpus_options.unified_alerts = f.unified_alerts;
  corpus_options.start_us = *start;
  corpus_options.span_us = f.span_seconds * 1000000;
  corpus_options.history = f.threat_history == "latest" ? HistoryMode::kLatest : HistoryMode::kAll;
  corpus_options.realistic = f.realistic;
  EventGenerator generator(corpus_options);
  Corpus corpus = generator.Generate();
  std::array<std::unique_ptr<EventStore>, kStreamCount> owned;
  StreamStores stores;
  for (size_t i = 0; i < kStreamCount; ++i) {
    owned[i] = std::make_unique<EventStore>(kStreams[i]);
    owned[i]->Reset(std::move(corpus.Of(kStreams[i].kind)));
    stores[i] = owned[i].get();
  }
  // Activities, threats and alerts have always been live; the newer streams
  // only when asked for (a non-zero count), so runs that do not use them
  // (benchmarks, older tests) do not pay for them.
  auto store_of = [&stores](StreamKind kind) { return stores[static_cast<size_t>(kind)]; };
  std::vector<EventStore*> live_stores = {store_of(StreamKind::kActivities),
                                          store_of(StreamKind::kThreats),
                                          store_of(StreamKind::kAlerts)};
  if (f.agents > 0) live_stores.push_back(store_of(StreamKind::kAgents));
  if (f.groups > 0) live_stores.push_back(store_of(StreamKind::kGroups));
  if (f.unified_alerts > 0) live_stores.push_back(store_of(StreamKind::kUnifiedAlerts));

  auto server = MakeServer(f.listen);
  if (!server.ok()) {
    std::fprintf(stderr, "s1-simulator: %s\n", server.status().message().c_str());
    return 2;
  }
  StopSource stop;
  TokenAuth auth(f.tokens, f.token_file);
  SimStats stats;
  SimServer sim(server_options, stores, auth, faults, stats, clock, stop.token());
  sim.Register(**server);

  LiveFeeder feeder(LiveOptions{f.live_rate, f.late_ms, f.late_fraction, f.seed, f.live_seconds},
                    generator, std::move(live_stores), stats, clock);
  std::thread live([&] { feeder.Run(stop.token()); });
  if (f.listen.verbose) {
    std::string sizes_text;
    for (EventStore* store : stores) {
      sizes_text += " " + std::string(store->spec().name) + "=" + std::to_string(store->size());
    }
    std::fprintf(stderr,
                 "Simulator ready.%s seed=%llu live_rate=%g pages_per_second=%g gzip=%s "
                 "realistic=%s\n",
                 sizes_text.c_str(), static_cast<unsigned long long>(f.seed), f.live_rate,
                 f.pages_per_second, f.gzip.c_str(), f.realistic ? "true" : "false");
  }
  Status served = ServeUntilSignalled(**server, f.listen, [&] { stop.RequestStop(); });
  stop.RequestStop();
  live.join();
  if (!served.ok()) {
    std::fprintf(stderr, "s1-simulator: %s\n", served.message().c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace s1c::sim

int main(int argc, char** argv) {
  s1c::sim::BlockTerminationSignals();
  CLI::App app{"s1-simulator: a SentinelOne v2.1 API double for tests (127.0.0.1 only)"};
  s1c::sim::Flags flags;
  s1c::sim::AddFlags(app, flags);
  CLI11_PARSE(app, argc, argv);
  return s1c::sim::Run(flags);
}
