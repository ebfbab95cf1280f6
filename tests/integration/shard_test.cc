// Sharding with the real binaries (docs/design.md section 8a): twelve
// consoles with live traffic, each its own simulator and intake key, are
// collected by three processes `run --shard i/3`, each with its own
// state_dir and its own API token (the simulator counts requests by token,
// so it tells which process asked). Then the fleet is resized to four the
// documented way while the consoles keep producing events: stop, `state
// plan`, `state export` on each old shard, `state import` on the new one,
// start four processes.
//
// Checks: each console is asked by exactly one process, the one
// `check-config --shard` names; every event arrives, none is altered; a
// resize re-sends at most what was in flight at the stop (a moved console
// that lost its checkpoint would re-send its whole history).
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "harness.h"

namespace s1c::it {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr int kConsoles = 12;
constexpr int kPageSize = 100;
// With a clean stop, what may be sent again per console: the page in
// flight on each of its two streams (docs/design.md section 2.3).
constexpr size_t kInFlightBound = 2 * kPageSize;

std::string Name(int i) {
  return std::string(i + 1 < 10 ? "mssp-0" : "mssp-") + std::to_string(i + 1);
}
std::string Token(int process) { return "tok-shard-process-" + std::to_string(process); }

// The consoles `check-config --shard i/n` says shard i owns.
std::set<std::string> OwnedPerCheckConfig(const std::filesystem::path& config, int i, int n,
                                          const std::filesystem::path& log) {
  Process check({CollectorBinary(), "check-config", "-c", config.string(), "--shard",
                 std::to_string(i) + "/" + std::to_string(n)},
                log, {{"S1_TOKEN", Token(i)}});
  EXPECT_EQ(check.Wait(seconds(60)).value_or(-1), 0) << check.Output();
  std::smatch m;
  const std::string out = check.Output();
  std::set<std::string> owned;
  const std::string prefix = "Shard " + std::to_string(i) + "/" + std::to_string(n) + " owns ";
  const size_t at = out.rfind(prefix);
  EXPECT_NE(at, std::string::npos) << out;
  if (at == std::string::npos) return owned;
  const std::string line = out.substr(at, out.find('\n', at) - at);
  const size_t list = line.find("): ");
  if (list == std::string::npos) return owned;  // "...; it would poll nothing."
  std::stringstream names(line.substr(list + 3));
  for (std::string name; std::getline(names, name, ',');) {
    owned.insert(name.substr(name.find_first_not_of(' ')));
  }
  return owned;
}

class ShardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<std::string> keys;
    for (int c = 0; c < kConsoles; ++c) keys.push_back("key-" + Name(c) + "=" + Name(c));
    std::vector<std::string> sink_args = {"--out-dir", (dir_.path() / "sink").string()};
    for (const std::string& k : keys) {
      sink_args.push_back("--key");
      sink_args.push_back(k);
    }
    sink_ = std::make_unique<Server>(SinkBinary(), sink_args, dir_.path(), "sink");
    for (int c = 0; c < kConsoles; ++c) {
      // Every process's token is valid on every console: nothing but the
      // shard assignment keeps a process away from a console.
      std::vector<std::string> args = {"--seed",         std::to_string(c + 1),
                                       "--activities",   "100",
                                       "--threats",      "10",
                                       "--start",        "2026-01-01T00:00:00Z",
                                       "--span-seconds", "86400",
                                       "--live-rate",    "3",
                                       "--threads",      "4"};
      for (int p = 0; p < 4; ++p) {
        args.push_back("--token");
        args.push_back(Token(p));
      }
      sims_.push_back(std::make_unique<Server>(SimulatorBinary(), args, dir_.path(), Name(c)));
    }
  }

  // Process p's config: the same consoles for everyone, its own state_dir.
  std::filesystem::path Config(int p) {
    const std::filesystem::path path = dir_.path() / ("config-" + std::to_string(p) + ".json");
    if (std::filesystem::exists(path)) return path;
    json consoles = json::array();
    for (int c = 0; c < kConsoles; ++c) {
      consoles.push_back(
          ConsoleConfig(Name(c), *sims_[c], {{"env", "S1_TOKEN"}}, "key-" + Name(c), *sink_));
    }
    json config = CollectorConfig(dir_.path() / ("state-" + std::to_string(p)), consoles,
                                  {{"page_size", kPageSize}});
    config["metrics"] = {{"listen", "127.0.0.1:0"}};
    WriteFile(path, config.dump(2));
    std::filesystem::permissions(
        path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    return path;
  }

  std::unique_ptr<Process> StartShard(int i, int n) {
    return std::make_unique<Process>(
        std::vector<std::string>{CollectorBinary(), "run", "-c", Config(i).string(), "--shard",
                                 std::to_string(i) + "/" + std::to_string(n)},
        dir_.path() / ("collector-" + std::to_string(i) + "-of-" + std::to_string(n) + ".log"),
        std::map<std::string, std::string>{{"S1_TOKEN", Token(i)}});
  }

  void StopAll(std::vector<std::unique_ptr<Process>>& fleet) {
    for (auto& p : fleet) p->Signal(SIGTERM);
    for (auto& p : fleet) EXPECT_EQ(p->Wait(seconds(30)).value_or(-1), 0) << p->Output();
    fleet.clear();
  }

  // Every event console c serves now: activities and every threat version.
  std::vector<std::string> Corpus(int c) {
    std::vector<std::string> events = SimCorpus(*sims_[c], "activities");
    const std::vector<std::string> threats = SimCorpus(*sims_[c], "threats");
    events.insert(events.end(), threats.begin(), threats.end());
    return events;
  }
  std::vector<std::string> Received(int c) {
    return ReadLines(dir_.path() / "sink" / (Name(c) + ".ndjson"));
  }
  json SimStats(int c) { return json::parse(HttpGet(sims_[c]->port(), "/_sim/stats")); }
  int64_t LiveAdded(int c) {
    const json live = SimStats(c)["live_events_added"];
    return live.value("activities", int64_t{0}) + live.value("threats", int64_t{0});
  }

  // Waits until every event that each console served at the time of the
  // call has reached the sink; returns those events, per console.
  std::vector<std::vector<std::string>> SnapshotDelivered() {
    std::vector<std::vector<std::string>> snapshots;
    for (int c = 0; c < kConsoles; ++c) snapshots.push_back(Corpus(c));
    std::vector<bool> done(kConsoles, false);
    WaitFor(
        [&] {
          for (int c = 0; c < kConsoles; ++c) {
            if (done[c]) continue;
            const std::vector<std::string> got = Received(c);
            const std::set<std::string> have(got.begin(), got.end());
            done[c] = std::all_of(snapshots[c].begin(), snapshots[c].end(),
                                  [&](const std::string& e) { return have.count(e) > 0; });
          }
          return std::all_of(done.begin(), done.end(), [](bool d) { return d; });
        },
        seconds(60));
    for (int c = 0; c < kConsoles; ++c) {
      EXPECT_TRUE(done[c]) << Name(c) << ": not every event served so far arrived";
    }
    return snapshots;
  }

  // The processes (by token) that asked console c anything, with counts.
  std::map<std::string, int64_t> Askers(int c) {
    std::map<std::string, int64_t> askers;
    const json stats = SimStats(c);
    for (const auto& [token, n] : stats["requests_by_token"].items()) {
      askers[token] = n.get<int64_t>();
    }
    return askers;
  }

  TempDir dir_;
  std::unique_ptr<Server> sink_;
  std::vector<std::unique_ptr<Server>> sims_;
};

TEST_F(ShardTest, TwelveConsolesOverThreeProcessesThenResizedToFourWithTrafficFlowing) {
  // Who owns what, as the binary itself says.
  std::map<std::string, int> owner3, owner4;
  for (int n : {3, 4}) {
    for (int i = 0; i < n; ++i) {
      for (const std::string& name : OwnedPerCheckConfig(
               Config(0), i, n, dir_.path() / ("check-" + std::to_string(n) + ".log"))) {
        auto& owner = n == 3 ? owner3 : owner4;
        EXPECT_EQ(owner.count(name), 0u) << name << " owned twice over " << n;
        owner[name] = i;
      }
    }
  }
  ASSERT_EQ(owner3.size(), static_cast<size_t>(kConsoles));
  ASSERT_EQ(owner4.size(), static_cast<size_t>(kConsoles));

  // ---- Three processes, each with its own state_dir and token.
  std::vector<std::unique_ptr<Process>> fleet;
  for (int i = 0; i < 3; ++i) fleet.push_back(StartShard(i, 3));
  for (int i = 0; i < 3; ++i) {
    const int port = MetricsPort(*fleet[i]);
    ASSERT_NE(port, 0) << fleet[i]->Output();
    const std::string metrics = HttpGet(port, "/metrics");
    EXPECT_NE(metrics.find("s1c_shard_info{index=\"" + std::to_string(i) + "\",count=\"3\"} 1"),
              std::string::npos)
        << metrics;
    size_t owned = 0;
    for (const auto& [name, shard] : owner3) owned += shard == i ? 1 : 0;
    EXPECT_NE(metrics.find("s1c_shard_consoles_owned " + std::to_string(owned) + "\n"),
              std::string::npos)
        << metrics;
  }
  // Everything served so far (backlog and live events) arrives exactly once.
  size_t phase1_events = 0;
  const std::vector<std::vector<std::string>> phase1 = SnapshotDelivered();
  for (int c = 0; c < kConsoles; ++c) {
    const Comparison got = CompareEvents(phase1[c], Received(c));
    EXPECT_EQ(got.missing, 0u) << Name(c);
    EXPECT_EQ(got.duplicates, 0u) << Name(c);
    phase1_events += phase1[c].size();
  }
  StopAll(fleet);
  std::map<int, int64_t> live_at_stop;
  std::map<int, std::map<std::string, int64_t>> asked_before;
  for (int c = 0; c < kConsoles; ++c) {
    live_at_stop[c] = LiveAdded(c);
    asked_before[c] = Askers(c);
    // One process only asked this console, and it is its shard's.
    ASSERT_EQ(asked_before[c].size(), 1u) << Name(c) << ": " << json(asked_before[c]).dump();
    EXPECT_EQ(asked_before[c].begin()->first, Token(owner3[Name(c)])) << Name(c);
  }
  for (int c = 0; c < kConsoles; ++c) {
    const Comparison got = CompareEvents(Corpus(c), Received(c));
    EXPECT_EQ(got.duplicates, 0u) << Name(c);
    EXPECT_EQ(got.unexpected, 0u) << Name(c);
  }

  // ---- Resize 3 -> 4, offline, while the consoles go on producing events.
  Process plan({CollectorBinary(), "state", "plan", "-c", Config(0).string(), "--from", "3", "--to",
                "4", "--json"},
               dir_.path() / "plan.log", {{"S1_TOKEN", Token(0)}});
  ASSERT_EQ(plan.Wait(seconds(60)).value_or(-1), 0) << plan.Output();
  const std::string plan_out = plan.Output();
  const json moves = json::parse(plan_out.substr(plan_out.find('{')))["moves"];
  std::map<std::pair<int, int>, std::vector<std::string>> groups;
  for (const json& m : moves) {
    const std::string name = m["console"];
    EXPECT_EQ(m["from"].get<int>(), owner3[name]) << name;
    EXPECT_EQ(m["to"].get<int>(), owner4[name]) << name;
    EXPECT_EQ(m["to"].get<int>(), 3) << name << ": growing moves consoles to the new shard only";
    groups[{m["from"].get<int>(), m["to"].get<int>()}].push_back(name);
  }
  size_t expected_moves = 0;
  for (const auto& [name, shard] : owner3) expected_moves += owner4[name] != shard ? 1 : 0;
  ASSERT_EQ(moves.size(), expected_moves);
  ASSERT_GT(moves.size(), 0u);
  for (const auto& [pair, names] : groups) {
    const auto bundle = dir_.path() / ("move-" + std::to_string(pair.first) + "-to-" +
                                       std::to_string(pair.second) + ".json");
    std::vector<std::string> exp = {CollectorBinary(),           "state",    "export",       "-c",
                                    Config(pair.first).string(), "--output", bundle.string()};
    for (const std::string& n : names) {
      exp.push_back("--console");
      exp.push_back(n);
    }
    Process export_run(exp, dir_.path() / "export.log", {{"S1_TOKEN", Token(pair.first)}});
    ASSERT_EQ(export_run.Wait(seconds(60)).value_or(-1), 0) << export_run.Output();
    // `state import -c FILE < bundle.json`, as the docs say.
    Process import_run({"/bin/sh", "-c", "exec \"$0\" state import -c \"$1\" < \"$2\"",
                        CollectorBinary(), Config(pair.second).string(), bundle.string()},
                       dir_.path() / "import.log", {{"S1_TOKEN", Token(pair.second)}});
    ASSERT_EQ(import_run.Wait(seconds(60)).value_or(-1), 0) << import_run.Output();
  }
  for (const json& m : moves) {
    // Each moved checkpoint, and the late-event sweep's seen keys beside it,
    // is on the new shard's state_dir, as it was on the old one.
    const std::string console = m["console"];
    const auto from = dir_.path() / ("state-" + std::to_string(m["from"].get<int>())) / console;
    const auto to = dir_.path() / "state-3" / console;
    for (const char* file : {"activities.json", "threats.json"}) {
      ASSERT_EQ(std::filesystem::exists(to / file), std::filesystem::exists(from / file))
          << console << "/" << file;
      if (!std::filesystem::exists(from / file)) continue;
      const json moved = json::parse(ReadFile(to / file));
      const json original = json::parse(ReadFile(from / file));
      EXPECT_EQ(moved.at("watermark"), original.at("watermark")) << console << "/" << file;
      EXPECT_EQ(moved.value("seen", json()), original.value("seen", json()))
          << console << "/" << file;
    }
    EXPECT_TRUE(std::filesystem::exists(to / "activities.json")) << console;
  }

  for (int i = 0; i < 4; ++i) fleet.push_back(StartShard(i, 4));
  int64_t created_while_stopped = 0;
  for (int c = 0; c < kConsoles; ++c) created_while_stopped += LiveAdded(c) - live_at_stop[c];
  for (int i = 0; i < 4; ++i) {
    const int port = MetricsPort(*fleet[i]);
    ASSERT_NE(port, 0) << fleet[i]->Output();
    EXPECT_NE(HttpGet(port, "/metrics")
                  .find("s1c_shard_info{index=\"" + std::to_string(i) + "\",count=\"4\"} 1"),
              std::string::npos);
  }
  const std::vector<std::vector<std::string>> snapshots = SnapshotDelivered();
  StopAll(fleet);

  // ---- Nothing missing; duplicates at most what was in flight at the stop.
  size_t events = 0, missing = 0, duplicates = 0, unexpected = 0;
  for (int c = 0; c < kConsoles; ++c) {
    const std::vector<std::string> received = Received(c);
    const Comparison up_to_snapshot = CompareEvents(snapshots[c], received);
    const Comparison all = CompareEvents(Corpus(c), received);
    EXPECT_EQ(up_to_snapshot.missing, 0u) << Name(c);
    EXPECT_LE(all.duplicates, kInFlightBound) << Name(c);
    EXPECT_EQ(all.unexpected, 0u) << Name(c);
    events += snapshots[c].size();
    missing += up_to_snapshot.missing;
    duplicates += all.duplicates;
    unexpected += all.unexpected;

    // After the resize each console was asked by its new owner only.
    std::map<std::string, int64_t> asked_after;
    for (const auto& [token, n] : Askers(c)) {
      const int64_t before = asked_before[c].count(token) ? asked_before[c][token] : 0;
      if (n > before) asked_after[token] = n - before;
    }
    ASSERT_EQ(asked_after.size(), 1u) << Name(c) << ": " << json(asked_after).dump();
    EXPECT_EQ(asked_after.begin()->first, Token(owner4[Name(c)])) << Name(c);
  }
  EXPECT_GT(created_while_stopped, 0) << "the consoles were expected to go on meanwhile";
  std::printf(
      "[ shard ] 3 processes: %zu events exactly once; resize 3->4: consoles_moved=%zu "
      "events=%zu (created while stopped: %lld) missing=%zu duplicates=%zu unexpected=%zu\n",
      phase1_events, moves.size(), events, static_cast<long long>(created_while_stopped), missing,
      duplicates, unexpected);
}

}  // namespace
}  // namespace s1c::it
