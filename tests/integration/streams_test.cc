// Every stream the collector knows (issue 12): two consoles with all six
// streams on, unified alerts over GraphQL, agents and groups inventories,
// each stream sending to its own intake key. Every object version arrives
// exactly once, byte for byte, at its own intake; a restart re-sends
// nothing; GraphQL errors (HTTP 200) never advance a checkpoint.
#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <thread>

#include "harness.h"

namespace s1c::it {
namespace {

using nlohmann::json;
using std::chrono::seconds;

const std::vector<std::string> kAllStreams = {"activities",     "threats", "alerts",
                                              "unified_alerts", "agents",  "groups"};

std::string KeyOf(const std::string& console, const std::string& stream) {
  return "key-" + console + "-" + stream;
}
std::string LabelOf(const std::string& console, const std::string& stream) {
  return console + "-" + stream;
}

// A console with every stream on, each with its own intake key, polled
// every second (inventories included) in small pages, so that page
// boundaries fall inside timestamp ties.
json AllStreamsConsole(const std::string& name, const Server& sim, const std::string& token,
                       const Server& sink) {
  json console = ConsoleConfig(name, sim, token, KeyOf(name, "activities"), sink);
  json streams = json::object();
  for (const std::string& stream : kAllStreams) {
    streams[stream] = {{"enabled", true},
                       {"intake_key", KeyOf(name, stream)},
                       {"poll_interval_seconds", 1},
                       {"page_size", 37}};
  }
  console["streams"] = streams;
  return console;
}

TEST(EveryStreamTest, AllSixStreamsTwoConsolesEachStreamToItsOwnIntake) {
  Fixture f;
  const std::vector<std::string> consoles = {"eu", "us"};
  std::vector<Server*> sims;
  std::vector<std::string> sink_keys;
  for (size_t c = 0; c < consoles.size(); ++c) {
    sims.push_back(&f.StartSimulator(
        {"--token", "tok-streams-" + consoles[c], "--seed", std::to_string(40 + c), "--activities",
         "1500", "--threats", "80", "--alerts", "60", "--unified-alerts", "300", "--agents", "150",
         "--groups", "25", "--threat-history", "all",
         // Live changes: new alerts and agents, and new versions of
         // existing ones, while the collector runs.
         "--live-rate", "8", "--live-seconds", "6"},
        "sim-" + consoles[c]));
    for (const std::string& stream : kAllStreams) {
      sink_keys.push_back(KeyOf(consoles[c], stream) + "=" + LabelOf(consoles[c], stream));
    }
  }
  Server& sink = f.StartSink(sink_keys);

  json console_configs = json::array();
  for (size_t c = 0; c < consoles.size(); ++c) {
    console_configs.push_back(
        AllStreamsConsole(consoles[c], *sims[c], "tok-streams-" + consoles[c], sink));
  }
  const auto config = f.WriteConfig(CollectorConfig(f.state_dir(), console_configs));

  // The daemon runs through the live phase, then until everything arrived.
  auto collector = f.StartDaemon(config, "collector-1.log");
  ASSERT_TRUE(WaitForSimsLiveFinished(sims, seconds(30)))
      << "the simulators' live phases did not end";
  std::map<std::string, std::vector<std::string>> expected;  // By sink label.
  for (size_t c = 0; c < consoles.size(); ++c) {
    for (const std::string& stream : kAllStreams) {
      expected[LabelOf(consoles[c], stream)] = SimCorpus(*sims[c], stream);
    }
  }
  auto all_arrived = [&] {
    for (const auto& [label, events] : expected) {
      if (CompareEvents(events, f.Received(label)).missing > 0) return false;
    }
    return true;
  };
  const bool complete = WaitFor(all_arrived, seconds(90));
  collector->Signal(SIGTERM);
  EXPECT_EQ(collector->Wait(seconds(10)).value_or(-1), 0) << collector->Output();
  EXPECT_TRUE(complete) << "not everything arrived within 90 s";

  for (const auto& [label, events] : expected) {
    const std::vector<std::string> received = f.Received(label);
    const Comparison c = CompareEvents(events, received);
    std::printf(
        "[ streams ] %-22s expected=%zu delivered=%zu missing=%zu duplicates=%zu "
        "unexpected=%zu\n",
        label.c_str(), c.expected, c.received, c.missing, c.duplicates, c.unexpected);
    EXPECT_GT(c.expected, 0u) << label;
    EXPECT_EQ(c.missing, 0u) << label;
    EXPECT_EQ(c.duplicates, 0u) << label;
    // Unexpected: altered bytes, or another stream's events at this intake.
    EXPECT_EQ(c.unexpected, 0u) << label;
  }
  // Objects changed while the collector ran: several versions of one
  // alert and one agent arrived, each once.
  for (const char* stream : {"unified_alerts", "agents"}) {
    std::map<std::string, int> versions;
    for (const std::string& line : f.Received(LabelOf("eu", stream))) {
      ++versions[json::parse(line)["id"].get<std::string>()];
    }
    int changed = 0;
    for (const auto& [id, n] : versions) changed += n > 1 ? 1 : 0;
    EXPECT_GT(changed, 0) << stream << ": no object with more than one version arrived";
  }

  // A restart re-sends nothing: every checkpoint holds.
  std::map<std::string, size_t> before;
  for (const auto& [label, events] : expected) before[label] = f.Received(label).size();
  const RunResult restart = f.RunOnce(config, "collector-2.log");
  ASSERT_EQ(restart.status, 0) << restart.output;
  for (const auto& [label, events] : expected) {
    const std::vector<std::string> after = f.Received(label);
    // The corpus is still the same once live mode ended; nothing new arrives.
    EXPECT_EQ(after.size(), before[label]) << label;
  }

  std::vector<std::string> secrets;
  for (const std::string& name : consoles) {
    secrets.push_back("tok-streams-" + name);
    for (const std::string& stream : kAllStreams) secrets.push_back(KeyOf(name, stream));
  }
  ExpectNoSecrets({f.path() / "collector-1.log", f.path() / "collector-2.log", f.state_dir()},
                  secrets);
}

// A console whose GraphQL schema lacks a field of the built-in query answers
// every page with a validation error (HTTP 200 with "errors"): the stream
// stops with the message and the fix, its checkpoint stays where it was, and
// the other streams carry on. query_file is the fix.
TEST(EveryStreamTest, GraphqlValidationErrorKeepsTheCheckpointAndQueryFileFixesIt) {
  Fixture f;
  Server& sim = f.StartSimulator({"--token", "tok-uam-schema", "--seed", "5", "--activities", "200",
                                  "--threats", "0", "--unified-alerts", "120", "--threat-history",
                                  "all", "--uam-missing-field", "dataSources"});
  Server& sink = f.StartSink({"key-uam-events=events", "key-uam-alerts=uam"});
  json console = ConsoleConfig("old", sim, "tok-uam-schema", "key-uam-events", sink);
  console["streams"] = {{"activities", {{"enabled", true}}},
                        {"threats", {{"enabled", false}}},
                        {"unified_alerts", {{"enabled", true}, {"intake_key", "key-uam-alerts"}}}};
  const auto config = f.WriteConfig(CollectorConfig(f.state_dir(), json::array({console})));

  // --once: a validation error needs a human, so the run fails at once.
  const RunResult first = f.RunOnce(config, "collector-1.log");
  EXPECT_EQ(first.status, 1);
  const std::string& log = first.output;
  EXPECT_NE(log.find("console=old stream=unified_alerts"), std::string::npos) << log;
  EXPECT_NE(log.find("Cannot query field"), std::string::npos) << log;
  EXPECT_NE(log.find("dataSources"), std::string::npos) << log;
  EXPECT_NE(log.find("query_file"), std::string::npos) << log;
  // Nothing of the stream was sent and its checkpoint did not move; the
  // other stream of the console delivered everything.
  EXPECT_TRUE(f.Received("uam").empty());
  const json cp = json::parse(ReadFile(f.state_dir() / "old" / "unified_alerts.json"));
  EXPECT_EQ(cp["watermark"], "2025-12-31T00:00:00.000000Z");  // start_from, unmoved.
  EXPECT_EQ(cp.value("events_done", 0), 0);
  EXPECT_EQ(CompareEvents(SimCorpus(sim, "activities"), f.Received("events")).missing, 0u);

  // The built-in query without the field this console lacks.
  const std::string query =
      R"(query Old($first: Int!, $after: String, $filters: [FilterInput!], $sort: SortInput) {
  alerts(first: $first, after: $after, filters: $filters, sort: $sort) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id name severity status updatedAt detectionSource { product vendor } } }
  }
})";
  WriteFile(f.path() / "old-console.graphql", query);
  console["streams"]["unified_alerts"]["query_file"] = "old-console.graphql";
  f.WriteConfig(CollectorConfig(f.state_dir(), json::array({console})));
  const RunResult fixed = f.RunOnce(config, "collector-2.log");
  ASSERT_EQ(fixed.status, 0) << fixed.output;
  const Comparison c = CompareEvents(SimCorpus(sim, "unified_alerts"), f.Received("uam"));
  EXPECT_GE(c.expected, 120u);
  EXPECT_EQ(c.missing, 0u);
  EXPECT_EQ(c.duplicates, 0u);
  EXPECT_EQ(c.unexpected, 0u);
}

// Transient GraphQL errors (HTTP 200 with "errors") are retried like a 5xx:
// the page is asked for again, nothing is skipped or sent twice.
TEST(EveryStreamTest, TransientGraphqlErrorsAreRetriedAndLoseNothing) {
  Fixture f;
  Server& sim = f.StartSimulator({"--token", "tok-uam-flaky", "--seed", "6", "--activities", "0",
                                  "--threats", "0", "--unified-alerts", "200", "--threat-history",
                                  "all", "--fault", "graphql_error:0.2:streams=unified_alerts"});
  Server& sink = f.StartSink({"key-uam-flaky=uam"});
  json console = ConsoleConfig("flaky", sim, "tok-uam-flaky", "key-uam-flaky", sink);
  console["streams"] = {{"activities", {{"enabled", false}}},
                        {"threats", {{"enabled", false}}},
                        {"unified_alerts", {{"enabled", true}, {"page_size", 20}}}};
  const auto config = f.WriteConfig(CollectorConfig(f.state_dir(), json::array({console})));

  auto collector = f.StartDaemon(config, "collector.log");
  const auto expected = SimCorpus(sim, "unified_alerts");
  const bool complete =
      WaitFor([&] { return CompareEvents(expected, f.Received("uam")).missing == 0; }, seconds(90));
  collector->Signal(SIGTERM);
  EXPECT_EQ(collector->Wait(seconds(10)).value_or(-1), 0);
  EXPECT_TRUE(complete);
  const Comparison c = CompareEvents(expected, f.Received("uam"));
  EXPECT_EQ(c.missing, 0u);
  EXPECT_EQ(c.duplicates, 0u);
  EXPECT_EQ(c.unexpected, 0u);
  const json stats = json::parse(HttpGet(sim.port(), "/_sim/stats"));
  EXPECT_GT(stats["faults_injected"].value("graphql_error", 0), 0) << stats.dump();
  EXPECT_NE(collector->Output().find("GraphQL error: Internal server error"), std::string::npos);
}

// Backfill of a graphql stream: a closed range of unified alerts (the
// range's end goes into the dateTimeRange filter) arrives exactly.
TEST(EveryStreamTest, BackfillOfUnifiedAlertsTakesExactlyTheRange) {
  Fixture f;
  Server& sim =
      f.StartSimulator({"--token", "tok-uam-backfill", "--seed", "8", "--activities", "0",
                        "--threats", "0", "--unified-alerts", "400", "--threat-history", "all",
                        "--start", "2026-01-01T00:00:00Z", "--span-seconds", "86400"});
  Server& sink = f.StartSink({"key-uam-backfill=uam"});
  json console = ConsoleConfig("bf", sim, "tok-uam-backfill", "key-uam-backfill", sink);
  console["streams"]["unified_alerts"] = {{"enabled", true}, {"page_size", 50}};
  const auto config = f.WriteConfig(CollectorConfig(f.state_dir(), json::array({console})));

  // Node times have milliseconds: in this one format, strings compare like times.
  const std::string from = "2026-01-01T06:00:00.000Z";
  const std::string to = "2026-01-01T18:00:00.000Z";
  const auto out = f.path() / "uam.ndjson";
  const RunResult backfill =
      f.Run({"backfill", "-c", config.string(), "--console", "bf", "--stream", "unified_alerts",
             "--from", from, "--to", to, "--output", out.string()},
            "backfill.log");
  ASSERT_EQ(backfill.status, 0) << backfill.output;

  const auto expected = SimCorpusIn(sim, "unified_alerts", "/updatedAt", from, to);
  const Comparison c = CompareEvents(expected, ReadLines(out));
  std::printf(
      "[ streams ] backfill unified_alerts expected=%zu delivered=%zu missing=%zu "
      "duplicates=%zu unexpected=%zu\n",
      c.expected, c.received, c.missing, c.duplicates, c.unexpected);
  EXPECT_GT(c.expected, 100u);
  EXPECT_EQ(c.missing, 0u);
  EXPECT_EQ(c.duplicates, 0u);
  EXPECT_EQ(c.unexpected, 0u);  // Nothing outside the range.
}

}  // namespace
}  // namespace s1c::it
