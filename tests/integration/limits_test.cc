// Bounded resources (docs/security.md): a console that sends a 2 GB body or
// an endless chunked stream, or an intake that answers with one, costs the
// collector bounded memory and gives a clear "exceeds N bytes" error. The
// hostile servers are an in-test cpp-httplib server on 127.0.0.1.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/resource.h>

#include <atomic>
#include <csignal>
#include <random>
#include <thread>

#include "harness.h"

namespace s1c::it {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kToken = "Tq7-limits-test-51d0e2";
constexpr const char* kIntakeKey = "Kz4-limits-test-a93c-7f1e";
constexpr size_t kChunk = 64 * 1024;
// The servers stop on their own after this much (bounded test traffic), far
// above any limit under test.
constexpr size_t kServerCap = size_t{2} << 30;
// What a server can send beyond the limit before the client's hang-up
// reaches it: the bytes sitting in loopback socket buffers (a few MiB on
// each side) and the chunk in flight.
constexpr size_t kSocketSlack = size_t{16} << 20;
// `run --once` gives up after this many failed attempts in a row
// (StreamTaskOptions::once_max_failures); each one reads up to the limit.
constexpr size_t kOnceAttempts = 5;

// The most a server may have sent over all attempts with `limit_mib`: far
// below kServerCap whenever the limit holds.
size_t MaxSentWithLimit(size_t limit_mib) {
  return kOnceAttempts * ((limit_mib << 20) + kSocketSlack);
}

// What the fake console and intake answer.
// kEchoSecret: a broken answer that quotes the secret right where the
// 200-byte excerpt of an error message is cut.
enum class Mode { kOk, kHugeContentLength, kEndlessChunked, kEchoSecret };

// One cpp-httplib server on 127.0.0.1, port 0, playing both the console and
// the intake. Counts the body bytes it managed to send.
class HostileServer {
 public:
  HostileServer(Mode api, Mode intake) : api_(api), intake_(intake) {
    server_.Get("/web/api/v2.1/activities", [this](const httplib::Request&, httplib::Response& res) {
      Serve(api_, R"({"data":[{"id":"1","createdAt":"2026-01-01T00:00:00.000000Z"}],)"
                  R"("pagination":{"nextCursor":null,"totalItems":1}})",
            res, std::string(190, 'x') + kToken + "\"}");
    });
    server_.Post("/batch", [this](const httplib::Request&, httplib::Response& res) {
      Serve(intake_, R"({"event_ids":["00000000-0000-0000-0000-000000000001"]})", res,
            std::string(195, 'y') + kIntakeKey);
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    WaitFor([this] { return server_.is_running(); }, std::chrono::seconds(10));
  }
  ~HostileServer() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  size_t sent() const { return sent_.load(); }

 private:
  void Serve(Mode mode, const std::string& ok_body, httplib::Response& res,
             const std::string& echo_body) {
    switch (mode) {
      case Mode::kOk:
        res.set_content(ok_body, "application/json");
        return;
      case Mode::kEchoSecret:
        // The console: a 200 that is not JSON; the intake: a 400.
        if (echo_body.find(kIntakeKey) != std::string::npos) res.status = 400;
        res.set_content(echo_body, "text/plain");
        return;
      case Mode::kHugeContentLength:
        // Announces 2 GB and sends until the client hangs up.
        res.set_content_provider(
            kServerCap, "application/json",
            [this](size_t offset, size_t length, httplib::DataSink& sink) {
              std::string chunk(std::min(length, kChunk), ' ');
              if (offset == 0) chunk.replace(0, 9, "{\"data\":[");
              if (!sink.write(chunk.data(), chunk.size())) return false;
              sent_ += chunk.size();
              return true;
            });
        return;
      case Mode::kEndlessChunked:
        // httplib gzips this stream for a client that accepts gzip. Random
        // bytes do not compress, so the bytes counted here are about the
        // bytes on the wire, which is what kSocketSlack bounds; a stream of
        // one repeated byte compresses ~1000x, and the few KiB of it in the
        // socket buffers then stood for tens of MiB counted here.
        res.set_chunked_content_provider(
            "application/json", [this](size_t offset, httplib::DataSink& sink) {
              if (offset >= kServerCap) {
                sink.done();
                return true;
              }
              const std::string& chunk = RandomChunk();
              if (!sink.write(chunk.data(), chunk.size())) return false;
              sent_ += chunk.size();
              return true;
            });
        return;
    }
  }

  // kChunk random bytes, longer than gzip's 32 KiB window: repeating it
  // compresses nothing either.
  static const std::string& RandomChunk() {
    static const std::string chunk = [] {
      std::mt19937 random(18);
      std::string bytes(kChunk, '\0');
      for (char& c : bytes) c = static_cast<char>(random() & 0xff);
      return bytes;
    }();
    return chunk;
  }

  const Mode api_;
  const Mode intake_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<size_t> sent_{0};
};

// Peak resident memory of the waited-for children (the collector), in MiB.
// gtest_discover_tests runs each test in its own process, so this is the
// collector(s) of this test only.
long ChildPeakRssMib() {
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  return usage.ru_maxrss / 1024;
}

class LimitsTest : public ::testing::Test {
 protected:
  fs::path WriteConfig(const HostileServer& server, std::optional<int> max_response_mib) {
    json console = {{"name", "hostile"},
                    {"url", server.url()},
                    {"api_token", kToken},
                    {"intake_key", kIntakeKey},
                    {"intake_url", server.url()},
                    {"streams", {{"threats", {{"enabled", false}}}}}};
    if (max_response_mib) console["max_response_mib"] = *max_response_mib;
    return f_.WriteConfig({{"state_dir", f_.state_dir().string()},
                           {"defaults", {{"start_from", "2025-12-31T00:00:00Z"}}},
                           {"consoles", json::array({console})}});
  }

  // run --once: the stream gives up after a few failures and exits 1.
  int RunOnce(const fs::path& config) { return f_.RunOnce(config, kLog).status; }

  fs::path LogFile() const { return f_.path() / kLog; }
  std::string Log() const { return f_.Log(kLog); }

  static constexpr const char* kLog = "collector.log";
  Fixture f_;
};

TEST_F(LimitsTest, HugeContentLengthFromTheConsoleIsRefusedAtTheConfiguredLimit) {
  HostileServer server(Mode::kHugeContentLength, Mode::kOk);
  EXPECT_EQ(RunOnce(WriteConfig(server, 1)), 1);
  const std::string log = Log();
  EXPECT_NE(log.find("response body exceeds 1048576 bytes (from host 127.0.0.1:"), std::string::npos)
      << log;
  EXPECT_NE(log.find("console=hostile"), std::string::npos) << log;
  // Each attempt stopped reading near the limit (socket buffers aside), far
  // from the 2 GB announced.
  EXPECT_LT(server.sent(), MaxSentWithLimit(1));
  EXPECT_LT(ChildPeakRssMib(), 200) << "collector memory grew with the body";
  ExpectNothingCommitted(f_.state_dir() / "hostile" / "activities.json");
  ExpectNoSecrets({LogFile()}, {kToken, kIntakeKey});
}

TEST_F(LimitsTest, EndlessChunkedStreamFromTheConsoleIsRefused) {
  HostileServer server(Mode::kEndlessChunked, Mode::kOk);
  EXPECT_EQ(RunOnce(WriteConfig(server, 2)), 1);
  const std::string log = Log();
  EXPECT_NE(log.find("response body exceeds 2097152 bytes"), std::string::npos) << log;
  EXPECT_LT(server.sent(), MaxSentWithLimit(2));
  EXPECT_LT(ChildPeakRssMib(), 200) << "collector memory grew with the body";
  ExpectNoSecrets({LogFile()}, {kToken, kIntakeKey});
}

TEST_F(LimitsTest, DefaultLimitIs64MiB) {
  HostileServer server(Mode::kHugeContentLength, Mode::kOk);
  EXPECT_EQ(RunOnce(WriteConfig(server, std::nullopt)), 1);
  const std::string log = Log();
  EXPECT_NE(log.find("response body exceeds 67108864 bytes"), std::string::npos) << log;
  // Five attempts of 64 MiB each: bounded by the limit, not by the 2 GB.
  EXPECT_LT(server.sent(), MaxSentWithLimit(64));
  EXPECT_LT(ChildPeakRssMib(), 1024) << "collector memory grew with the body";
}

TEST_F(LimitsTest, EndlessReplyFromTheIntakeIsRefusedAndNothingIsCommitted) {
  // The intake's reply is capped at 4 MiB. A refused reply is a transport
  // failure, retried forever (docs/design.md section 6): run as a daemon, wait
  // for the error, then stop it.
  HostileServer server(Mode::kOk, Mode::kEndlessChunked);
  auto collector = f_.StartDaemon(WriteConfig(server, std::nullopt), kLog);
  EXPECT_TRUE(WaitFor(
      [&] { return Log().find("response body exceeds 4194304 bytes") != std::string::npos; },
      std::chrono::seconds(60)))
      << Log();
  collector->Signal(SIGTERM);
  EXPECT_EQ(collector->Wait(std::chrono::seconds(10)).value_or(-1), 0) << Log();
  EXPECT_NE(Log().find("intake for console hostile"), std::string::npos) << Log();
  EXPECT_LT(ChildPeakRssMib(), 200);
  ExpectNothingCommitted(f_.state_dir() / "hostile" / "activities.json");
  ExpectNoSecrets({LogFile(), f_.state_dir()}, {kToken, kIntakeKey});
}

// Not a single byte more of a secret than "***": a token or key that a
// server echoes across the excerpt's cut is masked whole, not cut.
void ExpectNoSecretPrefix(const std::string& log, const std::string& secret) {
  for (size_t n = 6; n <= secret.size(); ++n) {
    EXPECT_EQ(log.find(secret.substr(0, n)), std::string::npos)
        << "the first " << n << " bytes of a secret leaked:\n" << log;
  }
}

TEST_F(LimitsTest, ConsoleEchoingTheTokenAcrossTheExcerptCutLeaksNoPart) {
  HostileServer server(Mode::kEchoSecret, Mode::kOk);
  EXPECT_EQ(RunOnce(WriteConfig(server, std::nullopt)), 1);
  const std::string out = Log();
  EXPECT_NE(out.find("SentinelOne page is not JSON"), std::string::npos) << out;
  EXPECT_NE(out.find("xxxxxxxx"), std::string::npos) << out;  // The excerpt is there.
  ExpectNoSecretPrefix(out, kToken);
}

TEST_F(LimitsTest, IntakeEchoingTheKeyAcrossTheExcerptCutLeaksNoPart) {
  HostileServer server(Mode::kOk, Mode::kEchoSecret);
  EXPECT_EQ(RunOnce(WriteConfig(server, std::nullopt)), 1);
  const std::string out = Log();
  EXPECT_NE(out.find("HTTP 400"), std::string::npos) << out;
  EXPECT_NE(out.find("yyyyyyyy"), std::string::npos) << out;
  ExpectNoSecretPrefix(out, kIntakeKey);
  ExpectNoSecrets({LogFile(), f_.state_dir()}, {kToken, kIntakeKey});
}

TEST_F(LimitsTest, MaxResponseMibOutOfRangeIsAConfigError) {
  HostileServer server(Mode::kOk, Mode::kOk);
  for (int bad : {0, 1025}) {
    EXPECT_EQ(RunOnce(WriteConfig(server, bad)), 78);
    EXPECT_NE(Log().find("max_response_mib: must be an integer between 1 and 1024"),
              std::string::npos)
        << Log();
  }
}

}  // namespace
}  // namespace s1c::it
