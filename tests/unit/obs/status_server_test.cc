// StatusServer over real sockets on 127.0.0.1 port 0. Registered under the
// "integration" label (unit tests never open sockets); see CMakeLists.txt.
// The only waits are the server's own timeouts, which are what is tested.
#include "s1c/obs/status_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <vector>

#include "fake_clock.h"
#include "prometheus_text.h"

namespace s1c::obs {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// A TCP connection that sends nothing (a slow or stuck client).
class IdleConnection {
 public:
  explicit IdleConnection(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~IdleConnection() { close(fd_); }
  bool connected() const { return connected_; }
  // Waits up to `timeout` for the server to close the connection.
  bool ClosedByServerWithin(milliseconds timeout) {
    timeval tv{static_cast<time_t>(timeout.count() / 1000),
               static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[256];
    const ssize_t n = recv(fd_, buf, sizeof buf, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

class StatusServerTest : public ::testing::Test {
 protected:
  StatusServerTest() {
    registry_.AddCounter("s1c_events_forwarded_total", "Events.", {"console", "stream"})
        .With({"eu", "activities"})
        .Inc(42);
    board_.AddStream("eu", "activities", std::chrono::seconds(30));
  }

  std::unique_ptr<StatusServer> Start(StatusServerOptions o) {
    auto server = std::make_unique<StatusServer>(o, registry_, board_);
    const Status st = server->Start();
    EXPECT_TRUE(st.ok()) << st.ToString();
    EXPECT_GT(server->port(), 0);
    return server;
  }
  static StatusServerOptions Options() {
    StatusServerOptions o;
    o.listen = "127.0.0.1:0";
    return o;
  }
  static httplib::Client Client(int port) {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(10, 0);
    c.set_connection_timeout(5, 0);
    return c;
  }

  s1c::testing::FakeClock clock_;
  MetricsRegistry registry_;
  HealthBoard board_{clock_};
};

TEST_F(StatusServerTest, ServesMetricsInPrometheusFormat) {
  auto server = Start(Options());
  auto c = Client(server->port());
  auto res = c.Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), kPrometheusContentType);
  const auto parsed = s1c::testing::ParsePrometheusText(res->body);
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  EXPECT_EQ(
      parsed.Value("s1c_events_forwarded_total", {{"console", "eu"}, {"stream", "activities"}}),
      42.0);
}

TEST_F(StatusServerTest, HealthzFollowsTheBoard) {
  auto server = Start(Options());
  auto c = Client(server->port());
  auto res = c.Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  EXPECT_NE(res->body.find("\"status\":\"ok\""), std::string::npos) << res->body;
  EXPECT_NE(res->body.find("\"state\":\"starting\""), std::string::npos) << res->body;

  clock_.Advance(std::chrono::minutes(6));  // Grace over, never succeeded.
  res = c.Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_NE(res->body.find("\"status\":\"failing\""), std::string::npos) << res->body;

  board_.RecordSuccess("eu", "activities");
  res = c.Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

// One answer for ":port", the config's: the host is required (the server
// used to guess loopback where the config refused the same text).
TEST_F(StatusServerTest, RefusesAnAddressWithoutAHostAsTheConfigDoes) {
  StatusServerOptions o;
  o.listen = ":0";
  StatusServer server(o, registry_, board_);
  const Status st = server.Start();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("the host is empty"), std::string::npos) << st.message();
}

TEST_F(StatusServerTest, ReportsBindFailuresAndBadAddresses) {
  auto first = Start(Options());
  StatusServerOptions o;
  o.listen = "127.0.0.1:" + std::to_string(first->port());
  StatusServer second(o, registry_, board_);
  EXPECT_EQ(second.Start().code(), StatusCode::kUnavailable);

  o.listen = "no-port";
  StatusServer third(o, registry_, board_);
  EXPECT_EQ(third.Start().code(), StatusCode::kInvalidArgument);
}

TEST_F(StatusServerTest, RefusesOtherMethodsPathsAndBigBodies) {
  auto server = Start(Options());
  auto c = Client(server->port());
  auto res = c.Post("/metrics", "", "text/plain");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  res = c.Get("/metrics/../etc/passwd");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  res = c.Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  res = c.Post("/upload", std::string(64 * 1024, 'x'), "text/plain");
  // Refused on its Content-Length (413), or the connection is closed first.
  if (res) {
    EXPECT_EQ(res->status, 413);
  }
}

TEST_F(StatusServerTest, ClosesIdleConnectionsAfterTheReadTimeout) {
  StatusServerOptions o = Options();
  o.read_timeout = milliseconds(200);
  o.keep_alive_timeout = std::chrono::seconds(1);
  auto server = Start(o);
  IdleConnection idle(server->port());
  ASSERT_TRUE(idle.connected());
  EXPECT_TRUE(idle.ClosedByServerWithin(milliseconds(5000)));
}

TEST_F(StatusServerTest, LimitsConnectionsInProgress) {
  // One thread and one pending slot: two silent clients fill the server,
  // a third request waits until the idle timeout frees them, then is served.
  StatusServerOptions o = Options();
  o.threads = 1;
  o.max_pending = 1;
  o.read_timeout = milliseconds(300);
  o.keep_alive_timeout = std::chrono::seconds(1);
  auto server = Start(o);
  IdleConnection a(server->port());
  IdleConnection b(server->port());
  ASSERT_TRUE(a.connected() && b.connected());
  const auto start = steady_clock::now();
  auto c = Client(server->port());
  auto res = c.Get("/metrics");
  const auto waited = steady_clock::now() - start;
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_GE(waited, milliseconds(250)) << "served while both slots were held";
}

TEST_F(StatusServerTest, StopsPromptlyWithAnIdleClient) {
  StatusServerOptions o = Options();
  o.read_timeout = milliseconds(500);
  o.keep_alive_timeout = std::chrono::seconds(1);
  auto server = Start(o);
  IdleConnection idle(server->port());
  ASSERT_TRUE(idle.connected());
  const auto start = steady_clock::now();
  server->Stop();
  EXPECT_LT(steady_clock::now() - start, milliseconds(3000));
  server->Stop();  // Idempotent.
}

}  // namespace
}  // namespace s1c::obs
