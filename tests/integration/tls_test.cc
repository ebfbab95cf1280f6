// TLS end to end (docs/security.md): the real collector against the
// simulator and the intake sink serving HTTPS with certificates from a
// throwaway CA made by the openssl CLI for this test run.
//   right CA            -> every event delivered;
//   wrong CA, wrong host -> a clear "certificate" error naming the console,
//                           nothing forwarded, no checkpoint, exit 1;
//   http:// to a non-loopback host -> config error (exit 78), no traffic.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>

#include "harness.h"

namespace s1c::it {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kToken = "tok-tls-test-3f9a1c";
constexpr const char* kIntakeKey = "intake-key-tls-test-7b2e";
constexpr int kActivities = 120;

// Runs a shell command (openssl) and fails the test when it does not exit 0.
void Run(const std::string& command, const fs::path& log) {
  const std::string full = command + " >>" + log.string() + " 2>&1";
  ASSERT_EQ(std::system(full.c_str()), 0) << full << "\n" << ReadFile(log);
}

struct Pki {
  fs::path ca;          // The CA certificate the collector should trust.
  fs::path other_ca;    // An unrelated CA.
  fs::path cert, key;   // For localhost and 127.0.0.1, signed by `ca`.
  fs::path wrong_host_cert, wrong_host_key;  // Signed by `ca`, for another name only.
  fs::path other_cert, other_key;            // For localhost, signed by `other_ca`.
};

// A CA and leaf certificates (EC P-256: fast to make), valid for one day.
void MakeCa(const fs::path& dir, const std::string& name, const fs::path& log) {
  Run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1"
      " -subj /CN=" + name + " -keyout " + (dir / (name + ".key")).string() +
          " -out " + (dir / (name + ".pem")).string(),
      log);
}

void MakeLeaf(const fs::path& dir, const std::string& ca, const std::string& name,
              const std::string& san, const fs::path& log) {
  const fs::path ext = dir / (name + ".ext");
  WriteFile(ext, "subjectAltName=" + san + "\nbasicConstraints=CA:FALSE\n"
                 "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n");
  Run("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=" +
          name + " -keyout " + (dir / (name + ".key")).string() + " -out " +
          (dir / (name + ".csr")).string(),
      log);
  Run("openssl x509 -req -days 1 -in " + (dir / (name + ".csr")).string() + " -CA " +
          (dir / (ca + ".pem")).string() + " -CAkey " + (dir / (ca + ".key")).string() +
          " -CAcreateserial -extfile " + ext.string() + " -out " +
          (dir / (name + ".pem")).string(),
      log);
}

void MakePki(const fs::path& dir, Pki* pki) {
  fs::create_directories(dir);
  const fs::path log = dir / "openssl.log";
  ASSERT_NO_FATAL_FAILURE(MakeCa(dir, "test-ca", log));
  ASSERT_NO_FATAL_FAILURE(MakeCa(dir, "other-ca", log));
  ASSERT_NO_FATAL_FAILURE(
      MakeLeaf(dir, "test-ca", "server", "DNS:localhost,IP:127.0.0.1", log));
  ASSERT_NO_FATAL_FAILURE(
      MakeLeaf(dir, "test-ca", "elsewhere", "DNS:console.elsewhere.example", log));
  ASSERT_NO_FATAL_FAILURE(
      MakeLeaf(dir, "other-ca", "impostor", "DNS:localhost,IP:127.0.0.1", log));
  pki->ca = dir / "test-ca.pem";
  pki->other_ca = dir / "other-ca.pem";
  pki->cert = dir / "server.pem";
  pki->key = dir / "server.key";
  pki->wrong_host_cert = dir / "elsewhere.pem";
  pki->wrong_host_key = dir / "elsewhere.key";
  pki->other_cert = dir / "impostor.pem";
  pki->other_key = dir / "impostor.key";
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(MakePki(f_.path() / "pki", &pki_)); }

  Server& StartSim(const fs::path& cert, const fs::path& key) {
    return f_.StartSimulator({"--token", kToken, "--seed", "3", "--activities",
                              std::to_string(kActivities), "--threats", "1", "--tls-cert",
                              cert.string(), "--tls-key", key.string()});
  }
  Server& StartSink(const fs::path& cert, const fs::path& key) {
    return f_.StartSink({std::string(kIntakeKey) + "=tls"},
                        {"--tls-cert", cert.string(), "--tls-key", key.string()});
  }

  // Writes the config <name>.json of console "tls-console" (activities
  // only) and makes <name>.log the log that Log() reads. Returns its path.
  fs::path WriteConfig(const std::string& console_url, const std::string& intake_url,
                       const fs::path& ca_file, const std::string& name) {
    json console = {{"name", "tls-console"},
                    {"url", console_url},
                    {"api_token", kToken},
                    {"intake_key", kIntakeKey},
                    {"intake_url", intake_url},
                    {"streams", {{"activities", {{"enabled", true}}}, {"threats", {{"enabled", false}}}}}};
    if (!ca_file.empty()) console["ca_file"] = ca_file.string();
    log_ = name + ".log";
    return f_.WriteConfig({{"state_dir", f_.state_dir().string()},
                           {"defaults", {{"start_from", "2025-12-31T00:00:00Z"}}},
                           {"consoles", json::array({console})}},
                          name + ".json");
  }

  // Writes the config and runs `run --once`; returns the exit status.
  int RunCollector(const std::string& console_url, const std::string& intake_url,
                   const fs::path& ca_file, const std::string& log_name) {
    const fs::path config = WriteConfig(console_url, intake_url, ca_file, log_name);
    return f_.RunOnce(config, log_).status;
  }

  size_t Delivered() const { return f_.Received("tls").size(); }
  std::string Log() const { return f_.Log(log_); }
  void ExpectNoSecretsLeaked() const {
    ExpectNoSecrets({f_.path() / log_}, {kToken, kIntakeKey});
    ExpectNoSecrets({f_.state_dir()}, {kToken, kIntakeKey});
  }

  void ExpectNothingCommitted() const {
    it::ExpectNothingCommitted(f_.state_dir() / "tls-console" / "activities.json");
  }

  static std::string Https(const Server& s) {
    return "https://localhost:" + std::to_string(s.port());
  }

  Fixture f_;
  Pki pki_;
  std::string log_;  // Of the last collector run.
};

TEST_F(TlsTest, RightCaDeliversEverything) {
  Server& sim = StartSim(pki_.cert, pki_.key);
  Server& sink = StartSink(pki_.cert, pki_.key);
  ASSERT_EQ(RunCollector(Https(sim), Https(sink), pki_.ca, "right-ca"), 0) << Log();
  EXPECT_EQ(Delivered(), static_cast<size_t>(kActivities)) << Log();
  EXPECT_TRUE(fs::exists(f_.state_dir() / "tls-console" / "activities.json"));
  ExpectNoSecretsLeaked();
}

TEST_F(TlsTest, IpAddressSanWorksToo) {
  Server& sim = StartSim(pki_.cert, pki_.key);
  Server& sink = StartSink(pki_.cert, pki_.key);
  ASSERT_EQ(RunCollector("https://127.0.0.1:" + std::to_string(sim.port()),
                         "https://127.0.0.1:" + std::to_string(sink.port()), pki_.ca, "ip-san"),
            0)
      << Log();
  EXPECT_EQ(Delivered(), static_cast<size_t>(kActivities));
}

TEST_F(TlsTest, WrongCaAtTheConsoleIsAClearErrorAndNothingIsForwarded) {
  Server& sim = StartSim(pki_.other_cert, pki_.other_key);
  Server& sink = StartSink(pki_.cert, pki_.key);
  EXPECT_EQ(RunCollector(Https(sim), Https(sink), pki_.ca, "wrong-ca"), 1);
  const std::string log = Log();
  EXPECT_NE(log.find("console=tls-console"), std::string::npos) << log;
  EXPECT_NE(log.find("TLS certificate verification failed for host localhost:" +
                     std::to_string(sim.port())),
            std::string::npos)
      << log;
  EXPECT_EQ(Delivered(), 0u);
  ExpectNothingCommitted();
  ExpectNoSecretsLeaked();
}

TEST_F(TlsTest, SystemStoreDoesNotTrustAPrivateCa) {
  // No ca_file: the system store is used, and it does not know the test CA.
  Server& sim = StartSim(pki_.cert, pki_.key);
  Server& sink = StartSink(pki_.cert, pki_.key);
  EXPECT_EQ(RunCollector(Https(sim), Https(sink), fs::path(), "no-ca-file"), 1);
  EXPECT_NE(Log().find("certificate"), std::string::npos) << Log();
  EXPECT_EQ(Delivered(), 0u);
}

TEST_F(TlsTest, CertificateForAnotherHostIsAClearErrorAndNothingIsForwarded) {
  Server& sim = StartSim(pki_.wrong_host_cert, pki_.wrong_host_key);
  Server& sink = StartSink(pki_.cert, pki_.key);
  EXPECT_EQ(RunCollector(Https(sim), Https(sink), pki_.ca, "wrong-host"), 1);
  const std::string log = Log();
  EXPECT_NE(log.find("console=tls-console"), std::string::npos) << log;
  EXPECT_NE(log.find("TLS certificate verification failed for host localhost"), std::string::npos)
      << log;
  EXPECT_EQ(Delivered(), 0u);
  ExpectNothingCommitted();
  ExpectNoSecretsLeaked();
}

TEST_F(TlsTest, WrongCaAtTheIntakeForwardsNothingAndCommitsNothing) {
  // The console is trusted; the intake presents a certificate from another
  // CA. Events are fetched but never delivered, so no checkpoint moves. The
  // forwarder retries forever (docs/design.md section 6): run as a daemon, wait
  // for the error, then stop it.
  Server& sim = StartSim(pki_.cert, pki_.key);
  Server& sink = StartSink(pki_.other_cert, pki_.other_key);
  const fs::path config = WriteConfig(Https(sim), Https(sink), pki_.ca, "intake-wrong-ca");
  auto collector = f_.StartDaemon(config, log_);
  EXPECT_TRUE(WaitFor(
      [&] { return Log().find("TLS certificate verification failed") != std::string::npos; },
      std::chrono::seconds(60)))
      << Log();
  collector->Signal(SIGTERM);
  EXPECT_EQ(collector->Wait(std::chrono::seconds(10)).value_or(-1), 0) << Log();
  const std::string log = Log();
  EXPECT_NE(log.find("intake for console tls-console"), std::string::npos) << log;
  EXPECT_EQ(Delivered(), 0u);
  ExpectNothingCommitted();
  ExpectNoSecretsLeaked();
}

TEST_F(TlsTest, PlainHttpToANonLoopbackHostIsAConfigError) {
  // Rejected when the config is loaded: no connection is ever attempted
  // (the address is never contacted).
  for (const auto& [console_url, intake_url] :
       {std::pair<std::string, std::string>{"http://10.1.2.3", "http://127.0.0.1:1"},
        {"http://127.0.0.1:1", "http://10.1.2.3:8080"},
        {"http://console.example.com", "https://intake.sekoia.io"}}) {
    EXPECT_EQ(RunCollector(console_url, intake_url, fs::path(), "plain-http"), 78) << console_url;
    const std::string log = Log();
    EXPECT_NE(log.find("plain http:// is only allowed for loopback hosts"), std::string::npos)
        << log;
    EXPECT_EQ(log.find("Collector started"), std::string::npos) << log;
    ExpectNoSecretsLeaked();
  }
}

}  // namespace
}  // namespace s1c::it
