// Late indexing end to end (docs/design.md section 4): live traffic where
// 15% of events become visible up to 20 s after their own time, collected
// with lookback_seconds 40, against the same traffic without late indexing
// collected with lookback_seconds 0. Nothing may be missing or sent twice,
// and the late-event sweep may cost at most 2.2 times the API requests.
// A second collector on late traffic is SIGKILLed mid-run: nothing is lost.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <regex>
#include <thread>

#include "harness.h"

namespace s1c::it {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int kLiveSeconds = 40;
constexpr int kLateMs = 20000;
const std::vector<std::string> kStreams = {"activities", "threats"};

std::vector<std::string> Sim(const std::string& token, const std::string& late_fraction) {
  return {"--token",         token,
          "--seed",          "11",
          "--activities",    "300",
          "--threats",       "40",
          "--live-rate",     "15",
          "--live-seconds",  std::to_string(kLiveSeconds),
          "--late-ms",       std::to_string(kLateMs),
          "--late-fraction", late_fraction};
}

// API requests the simulator answered for the collected streams.
int64_t ApiRequests(Server& sim) {
  const json stats = json::parse(HttpGet(sim.port(), "/_sim/stats"));
  int64_t n = 0;
  const json& requests = stats.at("requests");
  for (const auto& stream : kStreams) {
    if (!requests.contains(stream)) continue;
    for (const auto& [status, count] : requests.at(stream).items()) n += count.get<int64_t>();
  }
  return n;
}

// Events of every collected stream: what the console has, and what arrived.
Comparison Compare(Fixture& f, Server& sim, const std::string& label) {
  std::vector<std::string> expected;
  for (const auto& stream : kStreams) {
    for (auto& e : SimCorpus(sim, stream)) expected.push_back(std::move(e));
  }
  return CompareEvents(expected, f.Received(label));
}

// s1c_late_events_total of a running collector, summed over its series.
int64_t LateEventsFound(Process& collector) {
  const int port = MetricsPort(collector);
  if (port == 0) return -1;
  const std::string metrics = HttpGet(port, "/metrics");
  int64_t n = 0;
  const std::regex line("s1c_late_events_total\\{[^}]*\\} ([0-9]+)");
  for (auto it = std::sregex_iterator(metrics.begin(), metrics.end(), line);
       it != std::sregex_iterator(); ++it) {
    n += std::stoll((*it)[1]);
  }
  return n;
}

TEST(LateEventsTest, LateIndexedEventsArriveOnceForAboutTwiceTheRequests) {
  Fixture f;
  Server& late = f.StartSimulator(Sim("tok-late", "0.15"), "sim-late");
  Server& base = f.StartSimulator(Sim("tok-base", "0"), "sim-base");
  Server& killed = f.StartSimulator(Sim("tok-killed", "0.15"), "sim-killed");
  Server& sink = f.StartSink({"key-late=late", "key-base=base", "key-killed=killed"});

  auto config = [&](json consoles, const std::string& state) {
    json c = CollectorConfig(f.path() / state, std::move(consoles));
    c["metrics"] = {{"listen", "127.0.0.1:0"}};
    return c;
  };
  json with_lookback = ConsoleConfig("late", late, "tok-late", "key-late", sink);
  with_lookback["lookback_seconds"] = 40;
  json without = ConsoleConfig("base", base, "tok-base", "key-base", sink);
  without["lookback_seconds"] = 0;
  json to_kill = ConsoleConfig("killed", killed, "tok-killed", "key-killed", sink);
  to_kill["lookback_seconds"] = 40;
  const auto measured_config =
      f.WriteConfig(config(json::array({with_lookback, without}), "state"), "measured.json");
  const auto killed_config =
      f.WriteConfig(config(json::array({to_kill}), "state-killed"), "killed.json");

  auto measured = f.StartDaemon(measured_config, "measured.log");
  auto victim = f.StartDaemon(killed_config, "killed-1.log");
  std::this_thread::sleep_for(seconds(25));  // Mid-live, with late rows still to appear.
  const int64_t found_before_kill = LateEventsFound(*victim);
  victim->Signal(SIGKILL);
  victim->Wait(seconds(10));
  victim = f.StartDaemon(killed_config, "killed-2.log");

  // Every late row is visible at most 20 s after the live phase and swept
  // about lookback_seconds after its time: wait until the simulators say the
  // corpus is final, then for the sink.
  ASSERT_TRUE(
      WaitForSimsLiveFinished({&late, &base, &killed}, seconds(kLiveSeconds + kLateMs / 1000 + 60)))
      << "the simulators' live phases did not end";
  const bool complete = WaitFor(
      [&] {
        return Compare(f, late, "late").missing == 0 && Compare(f, base, "base").missing == 0 &&
               Compare(f, killed, "killed").missing == 0;
      },
      seconds(90));
  const int64_t late_found = LateEventsFound(*measured);
  const int64_t late_found_killed = found_before_kill + LateEventsFound(*victim);
  // Both consoles were polled by one process for the same time: compare.
  const int64_t late_requests = ApiRequests(late);
  const int64_t base_requests = ApiRequests(base);
  const Comparison with = Compare(f, late, "late");
  const Comparison baseline = Compare(f, base, "base");
  const Comparison after_kill = Compare(f, killed, "killed");
  const double ratio = static_cast<double>(late_requests) / static_cast<double>(base_requests);
  std::printf(
      "[ late ] lookback 40: events=%zu late found=%lld missing=%zu duplicates=%zu requests=%lld\n"
      "[ late ] no late rows, lookback 0: events=%zu missing=%zu duplicates=%zu requests=%lld\n"
      "[ late ] request ratio=%.2f\n"
      "[ late ] SIGKILLed run: events=%zu late found=%lld missing=%zu duplicates=%zu\n",
      with.expected, static_cast<long long>(late_found), with.missing, with.duplicates,
      static_cast<long long>(late_requests), baseline.expected, baseline.missing,
      baseline.duplicates, static_cast<long long>(base_requests), ratio, after_kill.expected,
      static_cast<long long>(late_found_killed), after_kill.missing, after_kill.duplicates);

  EXPECT_TRUE(complete) << "not everything arrived within the time limit";
  EXPECT_GE(with.expected, 1000u);
  EXPECT_EQ(with.missing, 0u);
  EXPECT_EQ(with.duplicates, 0u);
  EXPECT_EQ(with.unexpected, 0u);
  // About 15% of the live rows were late; most land behind the watermark.
  EXPECT_GT(late_found, 0);
  EXPECT_EQ(baseline.missing, 0u);
  EXPECT_EQ(baseline.duplicates, 0u);
  EXPECT_LE(ratio, 2.2);
  EXPECT_EQ(after_kill.missing, 0u);
  EXPECT_EQ(after_kill.unexpected, 0u);
}

}  // namespace
}  // namespace s1c::it
