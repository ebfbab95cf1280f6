// The daemon's /metrics and /healthz against the simulator and the intake
// sink: counters rise as events flow, /healthz turns 503 when the console
// revokes the token and 200 again once it is restored, sd_notify messages
// reach $NOTIFY_SOCKET, the threads carry names for `top -H`, and no token or
// intake key shows up anywhere.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>

#include "../unit/obs/prometheus_text.h"
#include "harness.h"

namespace s1c::it {
namespace {

using nlohmann::json;
using s1c::testing::ParsePrometheusText;
using s1c::testing::PromParse;

constexpr const char* kToken = "tok-metrics-it-7f3a9c";
constexpr const char* kIntakeKey = "intake-key-metrics-it-51d2";

struct Reply {
  int status = 0;  // 0 = no answer.
  std::string body;
};

Reply Get(int port, const std::string& path) {
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(10, 0);
  auto res = c.Get(path.c_str());
  if (!res) return {};
  return {res->status, res->body};
}

// Polls /healthz until it answers `status` or `timeout` passes; the last
// answer in *health.
bool WaitForHealth(int port, int status, std::chrono::seconds timeout, Reply* health) {
  return WaitFor(
      [&] {
        *health = Get(port, "/healthz");
        return health->status == status;
      },
      timeout);
}

json Config(const std::filesystem::path& dir, const Server& sim, const Server& sink) {
  return json{
      {"state_dir", (dir / "state").string()},
      {"metrics", {{"listen", "127.0.0.1:0"}}},
      {"defaults", {{"start_from", "2025-12-31T00:00:00Z"}, {"poll_interval_seconds", 1}}},
      {"consoles", json::array({json{{"name", "lab"},
                                     {"url", sim.url()},
                                     {"api_token", {{"file", (dir / "collector-token").string()}}},
                                     {"intake_key", {{"env", "S1C_IT_METRICS_KEY"}}},
                                     {"intake_url", sink.url()}}})}};
}

class MetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The simulator accepts the tokens listed in this file, re-read on every
    // request: rewriting it revokes or restores the token.
    WriteFile(f_.path() / "sim-tokens", std::string(kToken) + "\n");
    f_.WriteOwnerOnly(std::string(kToken) + "\n", "collector-token");
    Server& sim =
        f_.StartSimulator({"--token-file", (f_.path() / "sim-tokens").string(),
                           "--token-expires-at", "2030-01-01T00:00:00Z", "--seed", "5",
                           "--activities", "2000", "--threats", "100", "--live-rate", "5"});
    sink_ = &f_.StartSink({std::string(kIntakeKey) + "=lab"});
    config_ = f_.WriteConfig(Config(f_.path(), sim, *sink_));
  }

  // The collector's environment: the intake key, and `env`.
  static std::map<std::string, std::string> Env(std::map<std::string, std::string> env = {}) {
    env["S1C_IT_METRICS_KEY"] = kIntakeKey;
    return env;
  }
  std::unique_ptr<Process> StartCollector(std::map<std::string, std::string> env = {}) {
    return f_.StartDaemon(config_, "collector.log", Env(std::move(env)));
  }

  // Replaces the simulator's token list in one rename, so it never reads a
  // half-written file (which would revoke the token for one request).
  void SetSimTokens(const std::string& content) {
    WriteFile(f_.path() / "sim-tokens.tmp", content);
    std::filesystem::rename(f_.path() / "sim-tokens.tmp", f_.path() / "sim-tokens");
  }

  // Everything a secret must never appear in.
  void ExpectNoSecret(const std::string& text, const std::string& where) {
    EXPECT_EQ(text.find(kToken), std::string::npos) << "API token leaked into " << where;
    EXPECT_EQ(text.find(kIntakeKey), std::string::npos) << "intake key leaked into " << where;
  }

  PromParse Scrape(int port) {
    const Reply r = Get(port, "/metrics");
    EXPECT_EQ(r.status, 200);
    ExpectNoSecret(r.body, "/metrics");
    PromParse parsed = ParsePrometheusText(r.body);
    EXPECT_TRUE(parsed.ok()) << parsed.error << "\n" << r.body;
    return parsed;
  }

  Fixture f_;
  Server* sink_ = nullptr;
  std::filesystem::path config_;
};

TEST_F(MetricsTest, CountersRiseAndHealthFollowsTokenRevocation) {
  auto collector = StartCollector();
  const int port = MetricsPort(*collector);
  ASSERT_GT(port, 0) << collector->Output();

  // Healthy once both streams have completed a cycle.
  Reply health;
  ASSERT_TRUE(WaitFor(
      [&] {
        health = Get(port, "/healthz");
        return health.status == 200 &&
               health.body.find("\"state\":\"starting\"") == std::string::npos;
      },
      std::chrono::seconds(60)))
      << health.status << " " << health.body;
  const json report = json::parse(health.body);
  EXPECT_EQ(report["status"], "ok");
  ASSERT_EQ(report["streams"].size(), 2u);
  for (const auto& s : report["streams"]) {
    EXPECT_EQ(s["console"], "lab");
    EXPECT_EQ(s["state"], "ok");
    EXPECT_TRUE(s["last_success"].is_string());
    EXPECT_TRUE(s["last_error"].is_null());
  }
  ExpectNoSecret(health.body, "/healthz");

  // Counters rise while the simulator's live mode adds events.
  const PromParse first = Scrape(port);
  const double forwarded = first.Sum("s1c_events_forwarded_total", {{"console", "lab"}});
  EXPECT_GE(forwarded, 2000.0);
  EXPECT_GE(first.Sum("s1c_events_fetched_total"), forwarded);
  EXPECT_GT(first.Sum("s1c_api_requests_total", {{"console", "lab"}, {"code", "200"}}), 0);
  EXPECT_GT(first.Sum("s1c_intake_requests_total", {{"console", "lab"}, {"code", "200"}}), 0);
  EXPECT_EQ(first.Value("s1c_stream_up", {{"console", "lab"}, {"stream", "activities"}}), 1.0);
  EXPECT_EQ(first.Value("s1c_stream_up", {{"console", "lab"}, {"stream", "threats"}}), 1.0);
  EXPECT_TRUE(
      first.Value("s1c_checkpoint_lag_seconds", {{"console", "lab"}, {"stream", "activities"}}));
  EXPECT_GT(*first.Value("s1c_last_success_timestamp_seconds",
                         {{"console", "lab"}, {"stream", "threats"}}),
            1.7e9);
  EXPECT_EQ(first.types.at("s1c_events_forwarded_total"), "counter");
  EXPECT_EQ(first.types.at("s1c_checkpoint_lag_seconds"), "gauge");
  // Each task's start is timed: at least both streams' first cycles and the token check.
  EXPECT_EQ(first.types.at("s1c_scheduler_start_delay_seconds"), "histogram");
  EXPECT_GE(first.Sum("s1c_scheduler_start_delay_seconds_count"), 3.0);
  // 2030-01-01T00:00:00Z, from users/api-token-details.
  EXPECT_EQ(first.Value("s1c_api_token_expiry_timestamp_seconds", {{"console", "lab"}}),
            1893456000.0);
  ASSERT_TRUE(WaitFor([&] { return Scrape(port).Sum("s1c_events_forwarded_total") > forwarded; },
                      std::chrono::seconds(30)));

  // Revoke the token at the console: 401s turn the streams unhealthy at once.
  SetSimTokens("# every token revoked\n");
  ASSERT_TRUE(WaitForHealth(port, 503, std::chrono::seconds(30), &health)) << health.body;
  EXPECT_NE(health.body.find("\"status\":\"failing\""), std::string::npos) << health.body;
  EXPECT_NE(health.body.find("\"state\":\"unauthenticated\""), std::string::npos) << health.body;
  ExpectNoSecret(health.body, "/healthz");
  const PromParse revoked = Scrape(port);
  EXPECT_GT(revoked.Sum("s1c_api_requests_total", {{"code", "401"}}), 0);
  EXPECT_GT(revoked.Sum("s1c_poll_errors_total", {{"reason", "unauthenticated"}}), 0);
  EXPECT_LT(revoked.Sum("s1c_stream_up"), 2.0);

  // Restore it and tell the daemon (systemctl reload): the streams poll at
  // once instead of at their next slow auth retry, and health returns.
  SetSimTokens(std::string(kToken) + "\n");
  collector->Signal(SIGHUP);
  ASSERT_TRUE(WaitFor(
      [&] {
        return collector->Output().find("SIGHUP received; every stream polls now") !=
               std::string::npos;
      },
      std::chrono::seconds(10)))
      << collector->Output();
  ASSERT_TRUE(WaitForHealth(port, 200, std::chrono::seconds(120), &health)) << health.body;
  EXPECT_EQ(Scrape(port).Sum("s1c_stream_up"), 2.0);

  collector->Signal(SIGTERM);
  EXPECT_EQ(collector->Wait(std::chrono::seconds(10)).value_or(-1), 0);
  ExpectNoSecret(collector->Output(), "the collector's output");
}

// After a restart, the lag is reported from the committed checkpoints at
// once, even while the first cycle is stuck behind an intake outage.
TEST_F(MetricsTest, LagIsReportedFromTheCheckpointBeforeTheFirstCycleEnds) {
  const RunResult once = f_.RunOnce(config_, "once.log", Env());
  ASSERT_EQ(once.status, 0) << once.output;
  HttpPost(sink_->port(), "/_sink/fault", json{{"mode", "outage"}, {"duration_ms", 600000}}.dump());
  auto collector = StartCollector();
  const int port = MetricsPort(*collector);
  ASSERT_GT(port, 0) << collector->Output();
  const PromParse scraped = Scrape(port);
  for (const char* stream : {"activities", "threats"}) {
    const auto lag =
        scraped.Value("s1c_checkpoint_lag_seconds", {{"console", "lab"}, {"stream", stream}});
    ASSERT_TRUE(lag.has_value()) << stream;
    EXPECT_GE(*lag, 0.0) << stream;
  }
  // Nothing was delivered by this process yet: the figure is the checkpoint's.
  EXPECT_EQ(scraped.Sum("s1c_events_forwarded_total"), 0.0);
  collector->Signal(SIGTERM);
  EXPECT_EQ(collector->Wait(std::chrono::seconds(10)).value_or(-1), 0);
}

// A datagram socket standing in for systemd's $NOTIFY_SOCKET.
class NotifySocket {
 public:
  explicit NotifySocket(const std::filesystem::path& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    bound_ = bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    timeval tv{0, 100000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~NotifySocket() {
    close(fd_);
    std::filesystem::remove(path_);
  }
  bool bound() const { return bound_; }
  // Reads what arrived (waits up to 100 ms), appending each message.
  void Drain(std::vector<std::string>& out) {
    char buf[4096];
    while (true) {
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return;
      out.emplace_back(buf, static_cast<size_t>(n));
    }
  }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  bool bound_ = false;
};

bool Contains(const std::vector<std::string>& messages, const std::string& prefix) {
  for (const auto& m : messages) {
    if (m.rfind(prefix, 0) == 0 || m.find("\n" + prefix) != std::string::npos) return true;
  }
  return false;
}

TEST_F(MetricsTest, TellsSystemdReadyStatusWatchdogAndStopping) {
  // sun_path is short: keep the socket path out of the (long) test temp dir.
  const std::filesystem::path sock =
      std::filesystem::temp_directory_path() / ("s1c-notify-" + std::to_string(getpid()));
  NotifySocket notify(sock);
  ASSERT_TRUE(notify.bound());
  auto collector = StartCollector({{"NOTIFY_SOCKET", sock.string()}, {"WATCHDOG_USEC", "2000000"}});
  std::vector<std::string> messages;
  ASSERT_TRUE(WaitFor(
      [&] {
        notify.Drain(messages);
        return Contains(messages, "READY=1") && Contains(messages, "WATCHDOG=1") &&
               Contains(messages, "STATUS=2 streams: 2 ok, 0 failing;");
      },
      std::chrono::seconds(60)))
      << ::testing::PrintToString(messages) << collector->Output();
  collector->Signal(SIGTERM);
  EXPECT_EQ(collector->Wait(std::chrono::seconds(10)).value_or(-1), 0);
  notify.Drain(messages);
  EXPECT_TRUE(Contains(messages, "STOPPING=1")) << ::testing::PrintToString(messages);
  for (const auto& m : messages) ExpectNoSecret(m, "an sd_notify message");
}

TEST_F(MetricsTest, HealthcheckCommandFollowsHealthz) {
  auto collector = StartCollector();
  const int port = MetricsPort(*collector);
  ASSERT_GT(port, 0) << collector->Output();
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/healthz";
  auto healthcheck = [&](const std::string& u) {
    return f_.Run({"healthcheck", "--url", u, "--timeout", "5"}, "healthcheck.log").status;
  };
  ASSERT_TRUE(WaitFor([&] { return healthcheck(url) == 0; }, std::chrono::seconds(60)))
      << f_.Log("healthcheck.log");
  SetSimTokens("# revoked\n");
  EXPECT_TRUE(WaitFor([&] { return healthcheck(url) == 1; }, std::chrono::seconds(30)));
  // Nothing listening: exit 1 too.
  EXPECT_EQ(healthcheck("http://127.0.0.1:1/healthz"), 1);
  collector->Signal(SIGTERM);
  EXPECT_EQ(collector->Wait(std::chrono::seconds(10)).value_or(-1), 0);
}

// The names `top -H` and `ps -L` show for a process's threads.
std::set<std::string> ThreadNames(pid_t pid) {
  std::set<std::string> names;
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator(tasks, ec)) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    if (std::getline(comm, name)) names.insert(name);
  }
  return names;
}

// An operator who sees the daemon use CPU can tell which part does.
TEST_F(MetricsTest, ThreadsAreNamedForTopAndPs) {
  auto collector = StartCollector();
  ASSERT_GT(MetricsPort(*collector), 0) << collector->Output();
  // The scheduler and the HTTP loop share the main thread, which keeps the
  // program's name; the state writer starts with the first checkpoint written.
  const std::set<std::string> expected = {"s1-collector",  "s1c-status",     "s1c-signals",
                                          "s1c-sd-notify", "s1c-stop-watch", "s1c-state-write"};
  std::set<std::string> names;
  EXPECT_TRUE(WaitFor(
      [&] {
        names = ThreadNames(collector->pid());
        return std::includes(names.begin(), names.end(), expected.begin(), expected.end());
      },
      std::chrono::seconds(60)))
      << ::testing::PrintToString(names);
  collector->Signal(SIGTERM);
  EXPECT_EQ(collector->Wait(std::chrono::seconds(10)).value_or(-1), 0);
}

}  // namespace
}  // namespace s1c::it
