// CurlTransport against a real in-process HTTP(S) server on 127.0.0.1 port 0.
// Registered under the "integration" label (it opens sockets); see
// CMakeLists.txt. Waits are on events from the server, never on sleeps,
// except where a timeout is the thing under test.

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "s1c/core/clock.h"
#include "s1c/http/curl_transport.h"
#include "s1c/sched/scheduler.h"

namespace s1c::http {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// A one-shot flag a handler can wait on with a deadline, so a test that
// fails never leaves a server thread blocked forever.
class Gate {
 public:
  void Open() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  bool WaitFor(std::chrono::milliseconds d) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, d, [this] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

std::string Gzip(const std::string& in) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, in.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// Serves `server` on 127.0.0.1 port 0 in a thread for the object's lifetime.
class Serving {
 public:
  explicit Serving(httplib::Server& server) : server_(server) {
    server_.set_tcp_nodelay(true);  // Else Nagle adds ~40 ms to each keep-alive reply.
    port_ = server_.bind_to_any_port("127.0.0.1");
    // bind_to_any_port also listens: connections queue until the loop starts.
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() is a no-op until the accept loop runs, so wait for it; else a
    // short test could stop the server before it starts and never join.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!server_.is_running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
  }
  ~Serving() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }

 private:
  httplib::Server& server_;
  int port_ = -1;
  std::thread thread_;
};

class CurlTransportTest : public ::testing::Test {
 protected:
  CurlTransportTest() : serving_(server_) {}
  ~CurlTransportTest() override { release_.Open(); }  // Before serving_ stops the server.

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(serving_.port()) + path;
  }

  std::unique_ptr<HttpTransport> Transport(CurlOptions options = {}) {
    return MakeCurlTransport(std::move(options), stop_.token());
  }

  static Request Get(std::string url,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    Request r;
    r.url = std::move(url);
    r.timeout = timeout;
    return r;
  }

  // Serves the gzip of `plain` at `path`, marked Content-Encoding: gzip, and
  // returns a GET for it that accepts gzip. The type is one httplib does not
  // compress by itself, so the bytes sent are ours.
  Request ServeGzip(const std::string& path, const std::string& plain) {
    server_.Get(path, [gzipped = Gzip(plain)](const httplib::Request&, httplib::Response& res) {
      res.set_header("Content-Encoding", "gzip");
      res.set_content(gzipped, "application/octet-stream");
    });
    Request r = Get(Url(path));
    r.headers = {{"Accept-Encoding", "gzip"}};
    return r;
  }

  // Handlers that block until `release_` opens (or 10 s pass), signalling
  // `entered_` first.
  void AddSlowHandler() {
    server_.Get("/slow", [this](const httplib::Request&, httplib::Response& res) {
      entered_.Open();
      release_.WaitFor(std::chrono::seconds(10));
      res.set_content("late", "text/plain");
    });
  }

  httplib::Server server_;
  Gate entered_;
  Gate release_;
  StopSource stop_;
  Serving serving_;  // Last: starts after the members it serves are built.
};

TEST_F(CurlTransportTest, GetReturnsStatusBodyAndLowerCasedHeaders) {
  server_.Get("/hello", [](const httplib::Request&, httplib::Response& res) {
    res.status = 201;
    res.set_header("X-Custom-Thing", "  some value ");
    res.set_content("hello", "text/plain");
  });
  auto t = Transport();
  auto reply = t->Send(Get(Url("/hello")));
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->status, 201);
  EXPECT_EQ(reply->body, "hello");
  ASSERT_NE(reply->FindHeader("x-custom-thing"), nullptr);
  EXPECT_EQ(*reply->FindHeader("x-custom-thing"), "some value");
  ASSERT_NE(reply->FindHeader("content-type"), nullptr);
  for (const Header& h : reply->headers) {
    EXPECT_EQ(h.name.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), std::string::npos) << h.name;
  }
}

TEST_F(CurlTransportTest, NonSuccessStatusIsAResponseNotAnError) {
  server_.Get("/busy", [](const httplib::Request&, httplib::Response& res) {
    res.status = 503;
    res.set_header("Retry-After", "7");
    res.set_content("<html>busy</html>", "text/html");
  });
  auto reply = Transport()->Send(Get(Url("/busy")));
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->status, 503);
  ASSERT_NE(reply->FindHeader("retry-after"), nullptr);
  EXPECT_EQ(*reply->FindHeader("retry-after"), "7");
}

TEST_F(CurlTransportTest, PostSendsBodyAndHeadersVerbatim) {
  std::string seen_body, seen_auth, seen_type, seen_expect, seen_ua;
  server_.Post("/batch", [&](const httplib::Request& req, httplib::Response& res) {
    seen_body = req.body;
    seen_auth = req.get_header_value("Authorization");
    seen_type = req.get_header_value("Content-Type");
    seen_expect = req.get_header_value("Expect");
    seen_ua = req.get_header_value("User-Agent");
    res.set_content("{}", "application/json");
  });
  Request r;
  r.method = "POST";
  r.url = Url("/batch");
  r.headers = {{"Authorization", "ApiToken secret-token"}, {"Content-Type", "application/json"}};
  r.body = std::string("{\"a\":\"\0\xff\"}", 10) + std::string(2 << 20, 'x');  // Large: no Expect.
  CurlOptions options;
  options.user_agent = "s1-collector/test";
  auto reply = Transport(options)->Send(r);
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(seen_body, r.body);
  EXPECT_EQ(seen_auth, "ApiToken secret-token");
  EXPECT_EQ(seen_type, "application/json");
  EXPECT_EQ(seen_expect, "");
  EXPECT_EQ(seen_ua, "s1-collector/test");
}

TEST_F(CurlTransportTest, ReusesTheConnectionForSequentialRequests) {
  std::mutex mu;
  std::vector<int> ports;
  server_.Get("/ka", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    ports.push_back(req.remote_port);
    res.set_content("ok", "text/plain");
  });
  auto t = Transport();
  for (int i = 0; i < 3; ++i) {
    auto reply = t->Send(Get(Url("/ka")));
    ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  }
  ASSERT_EQ(ports.size(), 3u);
  EXPECT_EQ(ports[0], ports[1]);
  EXPECT_EQ(ports[1], ports[2]);
}

TEST_F(CurlTransportTest, ConcurrentSendsEachGetAHandle) {
  std::atomic<int> served{0};
  server_.Get("/c", [&](const httplib::Request&, httplib::Response& res) {
    ++served;
    res.set_content("ok", "text/plain");
  });
  auto t = Transport();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 5; ++j) {
        auto reply = t->Send(Get(Url("/c")));
        if (reply.ok() && reply->status == 200 && reply->body == "ok") ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 20);
  EXPECT_EQ(served.load(), 20);
}

// A loop without a thread of its own, run by a scheduler as its IoLoop (as
// the daemon does): a fiber's transfers go on while the scheduler's thread
// waits in the loop, so does a plain thread's, and a stop ends a transfer
// in flight.
TEST_F(CurlTransportTest, AHostedLoopCarriesTransfersOfFibersAndThreads) {
  server_.Get("/h", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("hosted", "text/plain");
  });
  AddSlowHandler();
  CurlLoopOptions loop_options;
  loop_options.own_thread = false;
  const std::shared_ptr<CurlLoop> loop = MakeCurlLoop(loop_options);
  auto t = MakeCurlTransport({}, stop_.token(), loop);
  SystemClock clock;
  sched::Scheduler scheduler(clock, &AsIoLoop(*loop));
  std::atomic<int> fiber_ok{0};
  Result<Response> slow = Status(StatusCode::kInternal, "not run");
  scheduler.Add("fiber", [&](const StopToken&) {
    for (int i = 0; i < 3; ++i) {
      auto reply = t->Send(Get(Url("/h")));
      if (reply.ok() && reply->body == "hosted") ++fiber_ok;
    }
    slow = t->Send(Get(Url("/slow"), std::chrono::seconds(30)));
    return std::chrono::milliseconds(3600 * 1000);
  });
  StopSource run_stop;
  std::thread host([&] { scheduler.Run(run_stop.token()); });
  auto from_thread = t->Send(Get(Url("/h")));
  ASSERT_TRUE(from_thread.ok()) << from_thread.status().ToString();
  EXPECT_EQ(from_thread->body, "hosted");
  // The fiber is now waiting on /slow, on the scheduler's thread.
  ASSERT_TRUE(entered_.WaitFor(std::chrono::seconds(10)));
  EXPECT_EQ(fiber_ok.load(), 3);
  stop_.RequestStop();
  run_stop.RequestStop();
  host.join();
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.status().code(), StatusCode::kCancelled);
}

TEST_F(CurlTransportTest, DecodesGzipWhenTheCallerAcceptsIt) {
  std::string plain;
  for (int i = 0; i < 2000; ++i) plain += "{\"id\":\"" + std::to_string(i) + "\"},";
  std::string seen_accept;
  server_.Get("/gz", [&](const httplib::Request& req, httplib::Response& res) {
    seen_accept = req.get_header_value("Accept-Encoding");
    res.set_header("Content-Encoding", "gzip");
    // A type httplib does not compress by itself: the bytes sent are ours.
    res.set_content(Gzip(plain), "application/octet-stream");
  });
  Request r = Get(Url("/gz"));
  r.headers = {{"Accept-Encoding", "gzip"}};
  auto reply = Transport()->Send(r);
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_THAT(seen_accept, HasSubstr("gzip"));
  EXPECT_EQ(reply->body, plain);
}

TEST_F(CurlTransportTest, DecodesWhateverCodingTheServerPicks) {
  // httplib compresses JSON itself with the best coding curl offered.
  const std::string plain(100000, 'j');
  server_.Get("/auto", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(plain, "application/json");
  });
  Request r = Get(Url("/auto"));
  r.headers = {{"Accept-Encoding", "gzip"}};
  auto reply = Transport()->Send(r);
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->body, plain);
}

TEST_F(CurlTransportTest, DoesNotAskForCompressionUnlessTheCallerDoes) {
  std::string seen_accept = "unset";
  server_.Get("/plain", [&](const httplib::Request& req, httplib::Response& res) {
    seen_accept = req.get_header_value("Accept-Encoding");
    res.set_content("plain", "text/plain");
  });
  auto reply = Transport()->Send(Get(Url("/plain")));
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(seen_accept, "");
}

TEST_F(CurlTransportTest, BodyAtTheLimitIsAccepted) {
  server_.Get("/exact", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(1000, 'a'), "text/plain");
  });
  CurlOptions options;
  options.max_response_bytes = 1000;
  auto reply = Transport(options)->Send(Get(Url("/exact")));
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->body.size(), 1000u);
}

TEST_F(CurlTransportTest, BodyOverTheLimitIsCorrupt) {
  server_.Get("/big", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(1 << 20, 'a'), "text/plain");
  });
  CurlOptions options;
  options.max_response_bytes = 1000;
  auto t = Transport(options);
  auto reply = t->Send(Get(Url("/big")));
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(reply.status().message(), HasSubstr("response body exceeds 1000 bytes"));
  // The handle is still usable afterwards.
  server_.Get("/small", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("s", "text/plain");
  });
  auto again = t->Send(Get(Url("/small")));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->body, "s");
}

TEST_F(CurlTransportTest, LimitAppliesToTheDecodedBody) {
  // A small gzip body that inflates past the limit (a "zip bomb").
  const std::string plain(1 << 20, '0');
  CurlOptions options;
  options.max_response_bytes = 64 * 1024;
  auto reply = Transport(options)->Send(ServeGzip("/bomb", plain));
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kCorrupt);
}

TEST_F(CurlTransportTest, GzipBodyAtTheLimitIsAcceptedAndOneByteMoreIsNot) {
  const std::string plain(100000, 'z');
  const Request r = ServeGzip("/gz", plain);
  CurlOptions options;
  options.max_response_bytes = plain.size();
  auto reply = Transport(options)->Send(r);
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->body, plain);

  options.max_response_bytes = plain.size() - 1;
  auto over = Transport(options)->Send(r);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), StatusCode::kCorrupt);
}

TEST_F(CurlTransportTest, GzipBodyFarLargerThanItsCompressedSizeHintIsDecodedWhole) {
  // Room is reserved from Content-Length times 8; this body inflates ~1000x,
  // so its buffer grows many times while decoding.
  std::string plain;
  for (int i = 0; i < 400000; ++i) plain += static_cast<char>('a' + (i / 50000));
  auto reply = Transport()->Send(ServeGzip("/gz", plain));
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->body, plain);
}

TEST_F(CurlTransportTest, TruncatedOrTamperedGzipBodiesAreCorrupt) {
  const std::string plain(100000, 'q');
  const std::string gzipped = Gzip(plain);
  // Cut short, as a connection closed mid-body after a complete HTTP
  // message would leave it (the Content-Length matches what is sent).
  server_.Get("/cut", [cut = gzipped.substr(0, gzipped.size() / 2)](const httplib::Request&,
                                                                   httplib::Response& res) {
    res.set_header("Content-Encoding", "gzip");
    res.set_content(cut, "application/octet-stream");
  });
  // A trailer whose decoded size lies: the member's checks fail it.
  std::string lying = gzipped;
  lying[lying.size() - 4] = static_cast<char>(lying[lying.size() - 4] ^ 0x55);
  server_.Get("/lying", [lying](const httplib::Request&, httplib::Response& res) {
    res.set_header("Content-Encoding", "gzip");
    res.set_content(lying, "application/octet-stream");
  });
  auto t = Transport();
  for (const char* path : {"/cut", "/lying"}) {
    Request r = Get(Url(path));
    r.headers = {{"Accept-Encoding", "gzip"}};
    auto reply = t->Send(r);
    ASSERT_FALSE(reply.ok()) << path;
    EXPECT_EQ(reply.status().code(), StatusCode::kCorrupt) << path;
    EXPECT_THAT(reply.status().message(), HasSubstr("could not decode the response body"))
        << path;
  }
}

TEST_F(CurlTransportTest, TimeoutIsUnavailable) {
  AddSlowHandler();
  auto reply = Transport()->Send(Get(Url("/slow"), std::chrono::milliseconds(200)));
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(reply.status().message(), HasSubstr("timed out"));
  EXPECT_THAT(reply.status().message(), HasSubstr("127.0.0.1:" + std::to_string(serving_.port())));
}

TEST_F(CurlTransportTest, StopAbortsATransferInFlightPromptly) {
  AddSlowHandler();
  auto t = Transport();
  Result<Response> reply = Status(StatusCode::kInternal, "not run");
  std::chrono::steady_clock::time_point returned;
  std::thread sender([&] {
    reply = t->Send(Get(Url("/slow"), std::chrono::seconds(30)));
    returned = std::chrono::steady_clock::now();
  });
  ASSERT_TRUE(entered_.WaitFor(std::chrono::seconds(10)));
  const auto stopped = std::chrono::steady_clock::now();
  stop_.RequestStop();
  sender.join();
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kCancelled);
  // The contract says ~100 ms; allow for a loaded CI machine.
  EXPECT_LT(returned - stopped, std::chrono::milliseconds(1000));
}

TEST_F(CurlTransportTest, SendAfterStopIsCancelledAtOnce) {
  stop_.RequestStop();
  auto reply = Transport()->Send(Get(Url("/anything")));
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kCancelled);
}

TEST_F(CurlTransportTest, RedirectsAreReturnedNotFollowed) {
  bool followed = false;
  server_.Get("/from",
              [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/to"); });
  server_.Get("/to", [&](const httplib::Request&, httplib::Response& res) {
    followed = true;
    res.set_content("to", "text/plain");
  });
  auto reply = Transport()->Send(Get(Url("/from")));
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->status, 302);
  EXPECT_FALSE(followed);
  ASSERT_NE(reply->FindHeader("location"), nullptr);
}

// A port on 127.0.0.1 with nothing listening: bound, then closed.
int UnusedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST(CurlTransportConnectTest, ConnectionRefusedIsUnavailable) {
  const int port = UnusedPort();
  auto t = MakeCurlTransport({}, StopToken());
  Request r;
  r.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  auto reply = t->Send(r);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(reply.status().message(),
              StartsWith("could not connect to host 127.0.0.1:" + std::to_string(port)));
}

TEST(CurlTransportConnectTest, OnlyHttpAndHttpsAreAllowed) {
  auto t = MakeCurlTransport({}, StopToken());
  for (const char* url : {"file:///etc/hostname", "ftp://127.0.0.1:1/", "gopher://127.0.0.1:1/"}) {
    Request r;
    r.url = url;
    auto reply = t->Send(r);
    ASSERT_FALSE(reply.ok()) << url;
    EXPECT_EQ(reply.status().code(), StatusCode::kInvalidArgument) << url;
  }
}

TEST(CurlTransportConnectTest, MessagesNeverContainHeaderValues) {
  const int port = UnusedPort();
  auto t = MakeCurlTransport({}, StopToken());
  Request r;
  r.url = "http://user:hunter2@127.0.0.1:" + std::to_string(port) + "/p?token=qs-secret";
  r.headers = {{"Authorization", "ApiToken very-secret-token"}};
  auto reply = t->Send(r);
  ASSERT_FALSE(reply.ok());
  EXPECT_THAT(reply.status().message(), ::testing::Not(HasSubstr("very-secret-token")));
  EXPECT_THAT(reply.status().message(), ::testing::Not(HasSubstr("hunter2")));
  EXPECT_THAT(reply.status().message(), ::testing::Not(HasSubstr("qs-secret")));
}

// --- TLS ---------------------------------------------------------------

// A throwaway self-signed certificate for IP 127.0.0.1, written as PEM to
// `pem_path` so it can serve as a private CA file.
struct TestCert {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  ~TestCert() {
    X509_free(cert);
    EVP_PKEY_free(key);
  }
};

void MakeCert(TestCert& c, const std::filesystem::path& pem_path) {
  c.key = EVP_EC_gen("P-256");
  ASSERT_NE(c.key, nullptr);
  c.cert = X509_new();
  X509_set_version(c.cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(c.cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(c.cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(c.cert), 3600);
  X509_set_pubkey(c.cert, c.key);
  X509_NAME* name = X509_get_subject_name(c.cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("s1c test"), -1, -1, 0);
  X509_set_issuer_name(c.cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, c.cert, c.cert, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1"},
                            std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    ASSERT_NE(ext, nullptr);
    X509_add_ext(c.cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  ASSERT_GT(X509_sign(c.cert, c.key, EVP_sha256()), 0);
  FILE* f = std::fopen(pem_path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  PEM_write_X509(f, c.cert);
  std::fclose(f);
}

class CurlTransportTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("s1c-tls-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    ca_file_ = dir_ / "ca.pem";
    ASSERT_NO_FATAL_FAILURE(MakeCert(cert_, ca_file_));
    server_ = std::make_unique<httplib::SSLServer>(cert_.cert, cert_.key);
    server_->Get("/tls", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("secure", "text/plain");
    });
    server_->Get("/large", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(large_body_, "application/octet-stream");
    });
    serving_ = std::make_unique<Serving>(*server_);
  }
  void TearDown() override {
    serving_.reset();
    server_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string Url(const std::string& path = "/tls") const {
    return "https://127.0.0.1:" + std::to_string(serving_->port()) + path;
  }
  // GET /tls by a transport that trusts the test certificate.
  Result<Response> GetTrusted() const {
    CurlOptions options;
    options.ca_file = ca_file_.string();
    Request r;
    r.url = Url();
    return MakeCurlTransport(options, StopToken())->Send(r);
  }

  std::filesystem::path dir_;
  std::filesystem::path ca_file_;
  TestCert cert_;
  std::unique_ptr<httplib::SSLServer> server_;
  std::unique_ptr<Serving> serving_;
  // Sixteen full TLS records and a part, in bytes that differ from their
  // neighbours so a record lost or read twice shows.
  const std::string large_body_ = [] {
    std::string body(256 * 1024 + 123, '\0');
    for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>((i * 7919) >> 8);
    return body;
  }();
};

TEST_F(CurlTransportTlsTest, UntrustedCertificateFailsClearly) {
  auto t = MakeCurlTransport({}, StopToken());
  Request r;
  r.url = Url();
  auto reply = t->Send(r);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(reply.status().message(),
              StartsWith("TLS certificate verification failed for host 127.0.0.1:" +
                         std::to_string(serving_->port()) + ": "));
}

TEST_F(CurlTransportTlsTest, PrivateCaFileIsTrusted) {
  auto reply = GetTrusted();
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->body, "secure");
}

// The client reads several TLS records from the socket at a time. The
// server sends each body at once and then keeps the connection open, silent,
// for 5 s (cpp-httplib's keep-alive timeout): records the client left in its
// TLS buffer once the socket is drained would only be read when that close
// wakes it, after the requests' 3 s timeout. Each request takes a few ms.
TEST_F(CurlTransportTlsTest, RecordsBufferedByTlsAreReadWithoutWaitingForTheSocket) {
  CurlOptions options;
  options.ca_file = ca_file_.string();
  auto t = MakeCurlTransport(options, StopToken());
  for (int i = 0; i < 3; ++i) {
    Request r;
    r.url = Url("/large");
    r.timeout = std::chrono::seconds(3);
    auto reply = t->Send(r);
    ASSERT_TRUE(reply.ok()) << "request " << i << ": " << reply.status().ToString();
    EXPECT_EQ(reply->status, 200);
    EXPECT_TRUE(reply->body == large_body_)
        << "request " << i << ": " << reply->body.size() << " bytes";
  }
}

// What a client offered in its TLS handshake (ALPN), recorded by a server
// that, like most consoles' and intakes' load balancers, picks HTTP/2 when
// it is offered.
struct AlpnOffers {
  std::mutex mu;
  std::vector<std::string> offered;

  static int Select(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                    unsigned int inlen, void* arg) {
    auto* self = static_cast<AlpnOffers*>(arg);
    const unsigned char* chosen = nullptr;
    std::lock_guard<std::mutex> lock(self->mu);
    for (unsigned int i = 0; i < inlen && i + 1 + in[i] <= inlen; i += 1u + in[i]) {
      const std::string name(reinterpret_cast<const char*>(in + i + 1), in[i]);
      self->offered.push_back(name);
      if (name == "h2" || (name == "http/1.1" && chosen == nullptr)) chosen = in + i;
    }
    if (chosen == nullptr) return SSL_TLSEXT_ERR_NOACK;
    *outlen = chosen[0];
    *out = chosen + 1;
    return SSL_TLSEXT_ERR_OK;
  }
};

// HTTP/2 costs the collector about a third more CPU per event than
// HTTP/1.1 (docs/architecture.md, "Connections"), and the tests' doubles
// speak only HTTP/1.1: the client never offers h2, so a server that would
// pick it answers over HTTP/1.1.
TEST_F(CurlTransportTlsTest, OffersOnlyHttp11EvenToAServerThatPrefersHttp2) {
  AlpnOffers alpn;
  SSL_CTX_set_alpn_select_cb(server_->ssl_context(), &AlpnOffers::Select, &alpn);
  auto reply = GetTrusted();
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->body, "secure");
  std::lock_guard<std::mutex> lock(alpn.mu);
  EXPECT_EQ(alpn.offered, std::vector<std::string>{"http/1.1"});
}

TEST_F(CurlTransportTlsTest, MissingCaFileNamesTheOption) {
  CurlOptions options;
  options.ca_file = (dir_ / "missing.pem").string();
  auto t = MakeCurlTransport(options, StopToken());
  Request r;
  r.url = Url();
  auto reply = t->Send(r);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(reply.status().message(), StartsWith("TLS certificate verification failed"));
}

}  // namespace
}  // namespace s1c::http

int main(int argc, char** argv) {
  s1c::http::GlobalInitCurl();
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
