#include "s1c/config/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_env.h"

namespace s1c::config {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using testing_support::ScopedEnv;
using testing_support::TempDir;

KnownStream Known(std::string name, bool enabled_by_default) {
  KnownStream k;
  k.name = std::move(name);
  k.enabled_by_default = enabled_by_default;
  return k;
}

const std::vector<KnownStream> kStreams = {Known("activities", true), Known("threats", true),
                                           Known("alerts", false)};

// kStreams plus a graphql stream and the inventories with their own
// defaults, as the collector's table has them.
const std::vector<KnownStream> kStreamsWithKinds = [] {
  std::vector<KnownStream> all = kStreams;
  KnownStream uam = Known("unified_alerts", false);
  uam.graphql = true;
  all.push_back(uam);
  for (const char* name : {"agents", "groups"}) {
    KnownStream inventory = Known(name, false);
    inventory.poll_interval_seconds = 300;
    inventory.start_from = "1970-01-01T00:00:00Z";
    all.push_back(inventory);
  }
  return all;
}();

// `text` with the first `from` replaced by `to`.
std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return pos == std::string::npos ? text : text.replace(pos, from.size(), to);
}

// A config with one valid console; `console_extra` and `top_extra` are
// spliced in (each must start with ',' when not empty).
std::string OneConsole(const std::string& console_extra = "", const std::string& top_extra = "") {
  return R"({"consoles": [{"name": "eu", "url": "usea1.sentinelone.net",
                            "api_token": "tok-literal", "intake_key": "key-literal")" +
         console_extra + "}]" + top_extra + "}";
}

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { env_.Unset("CREDENTIALS_DIRECTORY"); }

  Result<Config> Parse(const std::string& text) {
    return ParseConfig(text, "test.json", kStreams, dir_.path());
  }
  Result<Config> ParseWithKinds(const std::string& text) {
    return ParseConfig(text, "test.json", kStreamsWithKinds, dir_.path());
  }
  std::string ErrorWithKinds(const std::string& text) {
    auto r = ParseWithKinds(text);
    EXPECT_FALSE(r.ok()) << "expected an error for: " << text;
    return r.ok() ? "" : r.status().message();
  }

  // Parses `text` and returns the error message (fails the test when valid).
  std::string ErrorOf(const std::string& text) {
    auto r = Parse(text);
    EXPECT_FALSE(r.ok()) << "expected an error for: " << text;
    if (r.ok()) return "";
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    return r.status().message();
  }

  TempDir dir_;
  ScopedEnv env_;
};

const StreamConfig& StreamOf(const ConsoleConfig& c, const std::string& name) {
  for (const StreamConfig& s : c.streams) {
    if (s.name == name) return s;
  }
  ADD_FAILURE() << "no stream " << name;
  return c.streams.front();
}

TEST_F(ConfigTest, FullConfigRoundTrip) {
  const std::string ca = dir_.Write("corp-ca.pem", "-----BEGIN CERTIFICATE-----\n");
  const std::string key_file = dir_.Write("secrets/intake-key", "  intake-key-value\n");
  env_.Set("S1C_TEST_TOKEN", "token-value");
  const std::string text = R"({
    "state_dir": "/srv/s1c",
    "log": {"level": "debug", "format": "json"},
    "metrics": {"listen": "[::1]:9464"},
    "defaults": {
      "intake_url": "https://intake.fra2.sekoia.io/api/v1/intake-http/",
      "poll_interval_seconds": 45, "page_size": 900, "start_from": "2024-01-31T00:00:00Z",
      "requests_per_second": 2.5, "lookback_seconds": 60, "intake_gzip": false,
      "ca_file": "corp-ca.pem", "proxy": "socks5h://127.0.0.1:1080"
    },
    "consoles": [{
      "name": "eu-prod_1.a",
      "url": "https://euce1-acme.sentinelone.net:8443/web/api/v2.1/",
      "api_token": {"env": "S1C_TEST_TOKEN"},
      "intake_key": {"file": "secrets/intake-key"},
      "intake_url": "http://127.0.0.1:8081",
      "poll_interval_seconds": 20, "page_size": 800, "start_from": "2h",
      "requests_per_second": 7, "lookback_seconds": 30, "intake_gzip": true,
      "ca_file": ")" + ca + R"(", "proxy": "http://user:pw@proxy.corp:3128",
      "site_ids": ["111", "222"], "account_ids": ["333"],
      "streams": {
        "activities": {"enabled": false},
        "threats": {"enabled": true, "poll_interval_seconds": 10, "page_size": 5,
                    "start_from": "7d", "lookback_seconds": 300},
        "alerts": {"enabled": true}
      }
    }]
  })";
  auto r = Parse(text);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const Config& c = *r;
  EXPECT_EQ(c.source, "test.json");
  EXPECT_EQ(c.state_dir, "/srv/s1c");
  EXPECT_EQ(c.log.level, "debug");
  EXPECT_EQ(c.log.format, "json");
  EXPECT_EQ(c.metrics.listen, "[::1]:9464");
  EXPECT_TRUE(c.warnings.empty());
  ASSERT_EQ(c.consoles.size(), 1u);
  const ConsoleConfig& con = c.consoles[0];
  EXPECT_EQ(con.name, "eu-prod_1.a");
  EXPECT_EQ(con.url, "https://euce1-acme.sentinelone.net:8443");
  EXPECT_EQ(con.api_token.kind, SecretRef::Kind::kEnv);
  EXPECT_EQ(con.api_token.value, "S1C_TEST_TOKEN");
  EXPECT_EQ(con.intake_key.kind, SecretRef::Kind::kFile);
  EXPECT_EQ(con.intake_key.value, key_file);
  EXPECT_EQ(*ResolveSecret(con.intake_key), "intake-key-value");
  EXPECT_EQ(*ResolveSecret(con.api_token), "token-value");
  EXPECT_EQ(con.intake_url, "http://127.0.0.1:8081");
  EXPECT_EQ(con.ca_file, ca);
  EXPECT_EQ(con.proxy, "http://user:pw@proxy.corp:3128");
  EXPECT_EQ(con.site_ids, (std::vector<std::string>{"111", "222"}));
  EXPECT_EQ(con.account_ids, (std::vector<std::string>{"333"}));
  EXPECT_DOUBLE_EQ(con.requests_per_second, 7);
  EXPECT_TRUE(con.intake_gzip);
  ASSERT_EQ(con.streams.size(), 3u);
  EXPECT_EQ(con.streams[0].name, "activities");  // Table order.
  EXPECT_EQ(con.streams[1].name, "threats");
  EXPECT_EQ(con.streams[2].name, "alerts");
  const StreamConfig& act = StreamOf(con, "activities");
  EXPECT_FALSE(act.enabled);
  EXPECT_EQ(act.poll_interval_seconds, 20);
  EXPECT_EQ(act.page_size, 800);
  EXPECT_EQ(act.start_from, "2h");
  EXPECT_EQ(act.lookback_seconds, 30);
  const StreamConfig& thr = StreamOf(con, "threats");
  EXPECT_TRUE(thr.enabled);
  EXPECT_EQ(thr.poll_interval_seconds, 10);
  EXPECT_EQ(thr.page_size, 5);
  EXPECT_EQ(thr.start_from, "7d");
  EXPECT_EQ(thr.lookback_seconds, 300);
  EXPECT_TRUE(StreamOf(con, "alerts").enabled);
}

TEST_F(ConfigTest, DefaultsApplied) {
  auto r = Parse(OneConsole());
  ASSERT_TRUE(r.ok()) << r.status().message();
  const Config& c = *r;
  EXPECT_EQ(c.state_dir, "/var/lib/s1-collector");
  EXPECT_EQ(c.log.level, "info");
  EXPECT_EQ(c.log.format, "text");
  EXPECT_EQ(c.metrics.listen, "");
  const ConsoleConfig& con = c.consoles.at(0);
  EXPECT_EQ(con.url, "https://usea1.sentinelone.net");
  EXPECT_EQ(con.intake_url, "https://intake.sekoia.io");
  EXPECT_EQ(con.ca_file, "");
  EXPECT_EQ(con.proxy, "");
  EXPECT_TRUE(con.site_ids.empty());
  EXPECT_TRUE(con.account_ids.empty());
  EXPECT_DOUBLE_EQ(con.requests_per_second, 10);
  EXPECT_TRUE(con.intake_gzip);
  EXPECT_EQ(con.api_token.kind, SecretRef::Kind::kLiteral);
  ASSERT_EQ(con.streams.size(), 3u);
  for (const StreamConfig& s : con.streams) {
    EXPECT_EQ(s.enabled, s.name != "alerts") << s.name;
    EXPECT_EQ(s.poll_interval_seconds, 30);
    EXPECT_EQ(s.page_size, 1000);
    EXPECT_EQ(s.start_from, "24h");
    EXPECT_EQ(s.lookback_seconds, 300);
  }
}

TEST_F(ConfigTest, OverrideOrderDefaultsThenConsoleThenStream) {
  auto r = Parse(R"({
    "defaults": {"poll_interval_seconds": 11, "page_size": 111, "start_from": "1h",
                 "lookback_seconds": 1, "requests_per_second": 1, "intake_gzip": false,
                 "intake_url": "https://intake.example.org", "proxy": "http://p:1"},
    "consoles": [
      {"name": "a", "url": "a.example", "api_token": "t", "intake_key": "k",
       "poll_interval_seconds": 22, "page_size": 222, "proxy": "",
       "streams": {"threats": {"poll_interval_seconds": 33}}},
      {"name": "b", "url": "b.example", "api_token": "t", "intake_key": "k",
       "requests_per_second": 3, "intake_gzip": true, "intake_url": "https://i.example.org"}
    ]})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  const ConsoleConfig& a = r->consoles.at(0);
  const ConsoleConfig& b = r->consoles.at(1);
  // Stream beats console beats defaults.
  EXPECT_EQ(StreamOf(a, "threats").poll_interval_seconds, 33);
  EXPECT_EQ(StreamOf(a, "activities").poll_interval_seconds, 22);
  EXPECT_EQ(StreamOf(b, "threats").poll_interval_seconds, 11);
  EXPECT_EQ(StreamOf(a, "threats").page_size, 222);
  EXPECT_EQ(StreamOf(b, "activities").page_size, 111);
  EXPECT_EQ(StreamOf(a, "activities").start_from, "1h");
  EXPECT_EQ(StreamOf(b, "alerts").lookback_seconds, 1);
  EXPECT_DOUBLE_EQ(a.requests_per_second, 1);
  EXPECT_DOUBLE_EQ(b.requests_per_second, 3);
  EXPECT_FALSE(a.intake_gzip);
  EXPECT_TRUE(b.intake_gzip);
  EXPECT_EQ(a.intake_url, "https://intake.example.org");
  EXPECT_EQ(b.intake_url, "https://i.example.org");
  EXPECT_EQ(a.proxy, "");  // "" at console level: back to the environment.
  EXPECT_EQ(b.proxy, "http://p:1");
}

TEST_F(ConfigTest, StreamsNotMentionedTakeTheirDefault) {
  auto r = Parse(OneConsole(R"(, "streams": {"alerts": {"enabled": true}})"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  const ConsoleConfig& c = r->consoles.at(0);
  EXPECT_TRUE(StreamOf(c, "activities").enabled);
  EXPECT_TRUE(StreamOf(c, "threats").enabled);
  EXPECT_TRUE(StreamOf(c, "alerts").enabled);
}

TEST_F(ConfigTest, HttpLoopbackAccepted) {
  for (const std::string url : {"http://127.0.0.1:8080", "http://127.9.8.7", "http://localhost:1",
                                "http://[::1]:8443/", "HTTP://LocalHost:8080/web/api/v2.1"}) {
    auto r = Parse(Replace(OneConsole(R"(, "intake_url": "http://127.0.0.1:9000/")"),
                           "usea1.sentinelone.net", url));
    ASSERT_TRUE(r.ok()) << url << ": " << r.status().message();
    EXPECT_EQ(r->consoles[0].intake_url, "http://127.0.0.1:9000");
  }
  auto r = Parse(R"({"consoles": [{"name": "sim", "url": "http://127.0.0.1:8080",
      "api_token": "t", "intake_key": "k"}]})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->consoles[0].url, "http://127.0.0.1:8080");
}

TEST_F(ConfigTest, BareHostnameNormalised) {
  auto r = Parse(R"({"consoles": [
      {"name": "a", "url": "usea1.sentinelone.net", "api_token": "t", "intake_key": "k"},
      {"name": "b", "url": "https://USEA1.sentinelone.net/", "api_token": "t", "intake_key": "k"},
      {"name": "c", "url": "https://x.sentinelone.net/web/api/v2.1", "api_token": "t",
       "intake_key": "k", "intake_url": "intake.sekoia.io"}]})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->consoles[0].url, "https://usea1.sentinelone.net");
  EXPECT_EQ(r->consoles[1].url, "https://usea1.sentinelone.net");
  EXPECT_EQ(r->consoles[2].url, "https://x.sentinelone.net");
  EXPECT_EQ(r->consoles[2].intake_url, "https://intake.sekoia.io");
}

TEST_F(ConfigTest, CommentsAccepted) {
  auto r = Parse(R"(// leading comment
    {
      /* block
         comment */
      "log": {"level": "warn"},  // trailing comment
      "consoles": [{"name": "eu", "url": "eu.example", // the console
                    "api_token": "t", "intake_key": "k"}]
    })");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->log.level, "warn");
}

TEST_F(ConfigTest, InvalidJsonNamesLineAndColumn) {
  const std::string msg = ErrorOf("{\n  \"log\": {\"level\": \"info\"},\n  \"consoles\": [}\n}");
  EXPECT_THAT(msg, HasSubstr("test.json: line 3, column 16: invalid JSON"));
  EXPECT_THAT(ErrorOf("{\"a\": 1,}"), HasSubstr("line 1, column 9"));
  EXPECT_THAT(ErrorOf(""), HasSubstr("invalid JSON"));
  EXPECT_THAT(ErrorOf("{\"consoles\": [\n"), HasSubstr("line 2"));
}

TEST_F(ConfigTest, ReportsSeveralErrorsAtOnce) {
  const std::string msg = ErrorOf(OneConsole(R"(, "page_size": 0, "pol_interval_seconds": 5)",
                                             R"(, "log": {"level": "loud"})"));
  EXPECT_THAT(msg, HasSubstr("test.json: consoles[0].page_size: must be an integer"));
  EXPECT_THAT(msg, HasSubstr("test.json: consoles[0].pol_interval_seconds: unknown key"));
  EXPECT_THAT(msg, HasSubstr("test.json: log.level: must be one of"));
}

TEST_F(ConfigTest, UnknownKeyAtEveryLevel) {
  EXPECT_THAT(ErrorOf(OneConsole("", R"(, "extra": 1)")),
              HasSubstr("test.json: extra: unknown key"));
  EXPECT_THAT(ErrorOf(OneConsole("", R"(, "log": {"colour": true})")),
              HasSubstr("log.colour: unknown key"));
  EXPECT_THAT(ErrorOf(OneConsole("", R"(, "metrics": {"port": 1})")),
              HasSubstr("metrics.port: unknown key"));
  EXPECT_THAT(ErrorOf(OneConsole("", R"(, "defaults": {"page": 1})")),
              HasSubstr("defaults.page: unknown key"));
  EXPECT_THAT(
      ErrorOf(OneConsole(R"(, "streams": {"threats": {"enabeld": true}})")),
      HasSubstr(R"(consoles[0].streams.threats.enabeld: unknown key (did you mean "enabled"?))"));
  EXPECT_THAT(
      ErrorOf(OneConsole(R"(, "streams": {"threats": {"requests_per_second": 2}})")),
      HasSubstr("consoles[0].streams.threats.requests_per_second: unknown key; "
                "\"requests_per_second\" can be set in defaults or per console, not per stream"));
  // A stream may have its own intake, so an invalid one is a value error.
  EXPECT_THAT(ErrorOf(OneConsole(R"(, "streams": {"threats": {"intake_url": "http://x.example"}})")),
              HasSubstr("consoles[0].streams.threats.intake_url: "));
}

TEST_F(ConfigTest, UnreadableTokenFile) {
  const std::string missing = dir_.Join("no-such-token");
  std::string msg =
      ErrorOf(Replace(OneConsole(), "\"tok-literal\"", "{\"file\": \"" + missing + "\"}"));
  EXPECT_THAT(msg, HasSubstr("test.json: consoles[0].api_token: cannot read file " + missing +
                             ": No such file or directory (console \"eu\")"));
  msg = ErrorOf(Replace(OneConsole(), "\"tok-literal\"", "{\"file\": \"" + dir_.path() + "\"}"));
  EXPECT_THAT(msg, HasSubstr("consoles[0].api_token: cannot read file " + dir_.path()));
  dir_.Write("empty-token", "\n \n");
  msg = ErrorOf(Replace(OneConsole(), "\"tok-literal\"", R"({"file": "empty-token"})"));
  EXPECT_THAT(msg,
              HasSubstr("consoles[0].api_token: file " + dir_.Join("empty-token") + " is empty"));
}

TEST_F(ConfigTest, MissingEnvVar) {
  env_.Unset("S1C_TEST_MISSING");
  env_.Set("S1C_TEST_EMPTY", "  ");
  std::string msg =
      ErrorOf(Replace(OneConsole(), "\"key-literal\"", R"({"env": "S1C_TEST_MISSING"})"));
  EXPECT_THAT(msg, HasSubstr("test.json: consoles[0].intake_key: environment variable "
                             "S1C_TEST_MISSING is not set or empty (console \"eu\")"));
  msg = ErrorOf(Replace(OneConsole(), "\"key-literal\"", R"({"env": "S1C_TEST_EMPTY"})"));
  EXPECT_THAT(msg, HasSubstr("environment variable S1C_TEST_EMPTY is not set or empty"));
}

TEST_F(ConfigTest, RelativeSecretFileUsesCredentialsDirectory) {
  TempDir creds;
  creds.Write("api-token", "from-credentials-dir\n");
  dir_.Write("api-token", "from-config-dir\n");
  const std::string text = Replace(OneConsole(), "\"tok-literal\"", R"({"file": "api-token"})");
  {
    auto r = Parse(text);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->consoles[0].api_token.value, dir_.Join("api-token"));
    EXPECT_EQ(*ResolveSecret(r->consoles[0].api_token), "from-config-dir");
  }
  env_.Set("CREDENTIALS_DIRECTORY", creds.path());
  auto r = Parse(text);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->consoles[0].api_token.value, creds.Join("api-token"));
  EXPECT_EQ(r->consoles[0].api_token.Describe(), "file " + creds.Join("api-token"));
  EXPECT_EQ(*ResolveSecret(r->consoles[0].api_token), "from-credentials-dir");
}

TEST_F(ConfigTest, RelativeStateDirResolvesAgainstBaseDir) {
  auto r = Parse(OneConsole("", R"(, "state_dir": "state/../var")"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->state_dir, dir_.Join("var"));
}

TEST_F(ConfigTest, DisabledStreamWithSettingsWarns) {
  auto r = Parse(OneConsole(R"(, "streams": {"alerts": {"page_size": 10}})"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_THAT(r->warnings[0], HasSubstr("consoles[0].streams.alerts: settings are given but the "
                                        "stream is disabled"));
}

// ---- Broken configs: each names the exact JSON path and says what to do. ----

struct BrokenCase {
  const char* name;
  std::string text;
  std::string path;  // "test.json: <path>: " must appear.
  std::string hint;
};

std::string WithConsole(const std::string& console) { return R"({"consoles": [)" + console + "]}"; }

const std::string kGood = R"("name": "eu", "api_token": "t", "intake_key": "k")";

std::vector<BrokenCase> BrokenCases() {
  return {
      {"MissingUrl", WithConsole("{" + kGood + "}"), "consoles[0].url",
       "required key is missing; the console address"},
      {"MissingApiToken", WithConsole(R"({"name": "eu", "url": "x.example", "intake_key": "k"})"),
       "consoles[0].api_token", "required key is missing"},
      {"MissingName", WithConsole(R"({"url": "x.example", "api_token": "t", "intake_key": "k"})"),
       "consoles[0].name", "required key is missing"},
      {"WrongTypePageSize", OneConsole("", R"(, "defaults": {"page_size": "1000"})"),
       "defaults.page_size", "must be an integer between 1 and 1000, got \"1000\""},
      {"WrongTypeLog", OneConsole("", R"(, "log": "info")"), "log",
       "must be an object ({...}), got a string"},
      {"WrongTypeGzip", OneConsole(R"(, "intake_gzip": "yes")"), "consoles[0].intake_gzip",
       "must be true or false"},
      {"WrongTypeConsoles", R"({"consoles": {"name": "eu"}})", "consoles", "must be an array"},
      {"FloatPollInterval", OneConsole(R"(, "poll_interval_seconds": 1.5)"),
       "consoles[0].poll_interval_seconds", "must be an integer between 1 and 86400, got 1.5"},
      {"UnknownKeySuggestion", OneConsole(R"(, "api_tokn": "x")"), "consoles[0].api_tokn",
       "unknown key (did you mean \"api_token\"?)"},
      {"UnknownTopLevelKey", OneConsole("", R"(, "stat_dir": "/x")"), "stat_dir",
       "did you mean \"state_dir\"?"},
      {"TypoOfKeyFromAnotherLevel", OneConsole("", R"(, "pagesize": 10)"), "pagesize",
       "unknown key (did you mean \"page_size\"?); \"page_size\" goes in defaults or in a console"},
      {"MisplacedEnabled", OneConsole(R"(, "enabled": true)"), "consoles[0].enabled",
       "is set per stream"},
      {"MisplacedApiTokenInDefaults", OneConsole("", R"(, "defaults": {"api_token": "x"})"),
       "defaults.api_token", "is set per console"},
      {"BadUrlScheme", WithConsole(R"({"url": "ftp://x.example", )" + kGood + "}"),
       "consoles[0].url", "unsupported scheme \"ftp://\"; use https://"},
      {"HttpNonLoopback", WithConsole(R"({"url": "http://x.example", )" + kGood + "}"),
       "consoles[0].url", "plain http:// is only allowed for loopback hosts; use https://"},
      {"HttpNonLoopbackIntake", OneConsole(R"(, "intake_url": "http://intake.sekoia.io")"),
       "consoles[0].intake_url", "plain http:// is only allowed for loopback hosts"},
      {"UrlWithUserinfo", WithConsole(R"({"url": "https://u:p@x.example", )" + kGood + "}"),
       "consoles[0].url", "must not contain credentials"},
      {"UrlWithQuery", WithConsole(R"({"url": "https://x.example/?a=1", )" + kGood + "}"),
       "consoles[0].url", "must not contain a query"},
      {"UrlWithPath", WithConsole(R"({"url": "https://x.example/web", )" + kGood + "}"),
       "consoles[0].url", "give the console address only"},
      {"UrlBadPort", WithConsole(R"({"url": "https://x.example:99999", )" + kGood + "}"),
       "consoles[0].url", "invalid port \"99999\""},
      {"UrlEmptyHost", WithConsole(R"({"url": "https://:443", )" + kGood + "}"), "consoles[0].url",
       "the host is empty"},
      {"IntakeUrlWithBatch",
       OneConsole("", R"(, "defaults": {"intake_url": "https://intake.sekoia.io/batch"})"),
       "defaults.intake_url", "the collector appends /batch"},
      {"DuplicateConsoleNames",
       WithConsole(R"({"url": "a.example", )" + kGood + R"(}, {"url": "b.example", )" + kGood +
                   "}"),
       "consoles[1].name", "duplicate console name \"eu\", also used by consoles[0]"},
      {"BadConsoleName",
       WithConsole(
           R"({"name": "eu prod", "url": "a.example", "api_token": "t", "intake_key": "k"})"),
       "consoles[0].name", "must be 1 to 64 characters from A-Z a-z 0-9 _ . -"},
      {"DotDotConsoleName",
       WithConsole(R"({"name": "..", "url": "a.example", "api_token": "t", "intake_key": "k"})"),
       "consoles[0].name", "not only dots"},
      {"LongConsoleName",
       WithConsole(R"({"name": ")" + std::string(65, 'a') +
                   R"(", "url": "a.example", "api_token": "t", "intake_key": "k"})"),
       "consoles[0].name", "1 to 64 characters"},
      {"PageSizeZero", OneConsole(R"(, "streams": {"threats": {"page_size": 0}})"),
       "consoles[0].streams.threats.page_size", "must be an integer between 1 and 1000, got 0"},
      {"PageSize1001", OneConsole(R"(, "page_size": 1001)"), "consoles[0].page_size",
       "must be an integer between 1 and 1000, got 1001"},
      {"LookbackNegative", OneConsole(R"(, "lookback_seconds": -1)"),
       "consoles[0].lookback_seconds", "between 0 and 86400"},
      {"RequestsPerSecondZero", OneConsole("", R"(, "defaults": {"requests_per_second": 0})"),
       "defaults.requests_per_second", "must be a number greater than 0 and at most 1000"},
      {"BadStartFrom", OneConsole(R"(, "streams": {"activities": {"start_from": "yesterday"}})"),
       "consoles[0].streams.activities.start_from", "is neither an ISO-8601 time"},
      {"StartFromTooLarge", OneConsole(R"(, "start_from": "99999999999d")"),
       "consoles[0].start_from", "is too large"},
      {"UnknownStream", OneConsole(R"(, "streams": {"threat": {"enabled": true}})"),
       "consoles[0].streams.threat",
       "unknown stream (did you mean \"threats\"?); known streams: activities, threats, alerts"},
      {"StreamNotObject", OneConsole(R"(, "streams": {"threats": true})"),
       "consoles[0].streams.threats", "must be an object such as {\"enabled\": true}"},
      {"NoConsoles", R"({"consoles": []})", "consoles", "at least one console is required"},
      {"ConsolesMissing", R"({"log": {"level": "info"}})", "consoles", "required key is missing"},
      {"NoEnabledStream",
       OneConsole(
           R"(, "streams": {"activities": {"enabled": false}, "threats": {"enabled": false}})"),
       "consoles[0].streams",
       "no stream is enabled; enable at least one of activities, threats, alerts"},
      {"BadLogLevel", OneConsole("", R"(, "log": {"level": "verbose"})"), "log.level",
       "must be one of trace, debug, info, warn, error, got \"verbose\""},
      {"BadLogFormat", OneConsole("", R"(, "log": {"format": "xml"})"), "log.format",
       "must be one of text, json"},
      {"BadMetricsPort", OneConsole("", R"(, "metrics": {"listen": "127.0.0.1:70000"})"),
       "metrics.listen", "between 0 and 65535"},
      {"MetricsNoHost", OneConsole("", R"(, "metrics": {"listen": ":9464"})"), "metrics.listen",
       "the host is empty"},
      {"SecretTwoKeys", Replace(OneConsole(), "\"tok-literal\"", R"({"env": "A", "file": "b"})"),
       "consoles[0].api_token", "exactly one of \"env\" or \"file\""},
      {"SecretKeyTypo", Replace(OneConsole(), "\"tok-literal\"", R"({"evn": "A"})"),
       "consoles[0].api_token.evn", "did you mean \"env\"?"},
      {"SecretWrongType", Replace(OneConsole(), "\"tok-literal\"", "42"), "consoles[0].api_token",
       "must be a string, {\"env\": NAME} or {\"file\": PATH}, got an integer"},
      {"SecretBadEnvName", Replace(OneConsole(), "\"key-literal\"", R"({"env": "1-BAD"})"),
       "consoles[0].intake_key.env", "must be an environment variable name"},
      {"EmptyLiteralSecret", Replace(OneConsole(), "\"key-literal\"", "\" \""),
       "consoles[0].intake_key", "the inline value is empty"},
      {"SiteIdNumber", OneConsole(R"(, "site_ids": [123])"), "consoles[0].site_ids[0]",
       "must be a string of digits (quote ids"},
      {"AccountIdLetters", OneConsole(R"(, "account_ids": ["12", "abc"])"),
       "consoles[0].account_ids[1]", "must be a string of digits"},
      {"ProxyBadScheme", OneConsole(R"(, "proxy": "ftp://proxy:21")"), "consoles[0].proxy",
       "unsupported proxy scheme"},
      {"CaFileMissing", OneConsole(R"(, "ca_file": "/nonexistent/ca.pem")"), "consoles[0].ca_file",
       "cannot read /nonexistent/ca.pem: No such file or directory"},
      {"DuplicateJsonKey", OneConsole(R"(, "page_size": 10, "page_size": 20)"),
       "consoles[0].page_size", "duplicate key"},
      {"TopLevelNotObject", R"([1, 2])", "(top level)", "must be a JSON object"},
      {"NullValue", OneConsole(R"(, "proxy": null)"), "consoles[0].proxy",
       "must be a string, got null"},
  };
}

void PrintTo(const BrokenCase& c, std::ostream* os) { *os << c.name; }

class BrokenConfigTest : public ConfigTest, public ::testing::WithParamInterface<BrokenCase> {};

TEST_P(BrokenConfigTest, NamesPathAndHint) {
  const BrokenCase& c = GetParam();
  const std::string msg = ErrorOf(c.text);
  EXPECT_THAT(msg, HasSubstr("test.json: " + c.path + ": ")) << c.text;
  EXPECT_THAT(msg, HasSubstr(c.hint)) << c.text;
}

INSTANTIATE_TEST_SUITE_P(All, BrokenConfigTest, ::testing::ValuesIn(BrokenCases()),
                         [](const ::testing::TestParamInfo<BrokenCase>& info) {
                           return std::string(info.param.name);
                         });

// ---- Secrets never leak into messages. ----

TEST_F(ConfigTest, SecretValueNeverInAnyErrorMessage) {
  const std::string secret = "SuperSecretValue0123456789abcdefSuperSecretValue0123456789abcdef42";
  const std::vector<std::string> texts = {
      // Valid secret, other errors around it.
      Replace(OneConsole(R"(, "page_size": 0)"), "tok-literal", secret),
      // Secret pasted where a name or a path is expected.
      Replace(OneConsole(), "\"tok-literal\"", R"({"env": ")" + secret + R"("})"),
      Replace(OneConsole(), "\"tok-literal\"", R"({"file": ")" + secret + R"("})"),
      Replace(OneConsole(), "\"tok-literal\"", R"({")" + secret + R"(": "x"})"),
      Replace(OneConsole(), "\"tok-literal\"", R"({"env": "A", "value": ")" + secret + R"("})"),
      // Wrong types holding the secret.
      Replace(OneConsole(), "\"tok-literal\"", "[\"" + secret + "\"]"),
      Replace(OneConsole(), "\"tok-literal\"", "{\"literal\": \"" + secret + "\"}"),
      // Secret with an inner line break (JSON-escaped).
      Replace(OneConsole(), "tok-literal", secret + "\\n" + secret),
      // Misspelled key holding the secret, or the secret used as a key.
      OneConsole(R"(, "api_tokn": ")" + secret + "\""),
      OneConsole(", \"" + secret + "\": 1"),
      OneConsole(", \"" + secret + "\": 1, \"" + secret + "\": 2"),
      // Invalid JSON: unterminated string, raw control character, bad escape.
      R"({"consoles": [{"api_token": ")" + secret,
      "{\"consoles\": [{\"api_token\": \"" + secret + "\n\"}]}",
      R"({"consoles": [{"api_token": ")" + secret + R"(\q"}]})",
      R"({"consoles": [{"api_token": ")" + secret + R"(" "x"}]})",
  };
  for (const std::string& text : texts) {
    const std::string msg = ErrorOf(text);
    EXPECT_THAT(msg, Not(HasSubstr("SuperSecret"))) << msg;
    EXPECT_THAT(msg, Not(HasSubstr("0123456789abcdef"))) << msg;
  }
}

TEST_F(ConfigTest, SecretFromFileNeverInErrorOrWarning) {
  const std::string secret = "file-secret-9f8e7d6c";
  const std::string path = dir_.Write("tok", secret + "\nsecond line\n", 0644);
  const std::string msg = ErrorOf(Replace(OneConsole(), "\"tok-literal\"", R"({"file": "tok"})"));
  EXPECT_THAT(msg,
              HasSubstr("consoles[0].api_token: file " + path + " contains a control character"));
  EXPECT_THAT(msg, Not(HasSubstr(secret)));
}

// ---- LoadConfigFile ----

TEST_F(ConfigTest, LoadConfigFileNamesUnreadableFile) {
  const std::string missing = dir_.Join("missing.json");
  auto r = LoadConfigFile(missing, kStreams);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr(missing));
  EXPECT_THAT(r.status().message(), HasSubstr("No such file or directory"));
}

TEST_F(ConfigTest, LoadConfigFileUsesItsDirectoryAndName) {
  dir_.Write("conf/token", "t0k\n");
  const std::string path =
      dir_.Write("conf/c.json", Replace(OneConsole("", R"(, "state_dir": "state")"),
                                        "\"tok-literal\"", R"({"file": "token"})"));
  auto r = LoadConfigFile(path, kStreams);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->source, path);
  EXPECT_EQ(r->state_dir, dir_.Join("conf/state"));
  EXPECT_EQ(r->consoles[0].api_token.value, dir_.Join("conf/token"));
  EXPECT_TRUE(r->warnings.empty()) << r->warnings[0];

  const std::string broken = dir_.Write("conf/broken.json", R"({"consoles": 1})");
  auto b = LoadConfigFile(broken, kStreams);
  ASSERT_FALSE(b.ok());
  EXPECT_THAT(b.status().message(), HasSubstr(broken + ": consoles: must be an array"));
}

TEST_F(ConfigTest, FilePermissionWarnings) {
  // A secret file readable by others.
  const std::string token = dir_.Write("token", "t0k\n", 0644);
  const std::string with_file =
      dir_.Write("a.json", Replace(OneConsole(), "\"tok-literal\"", R"({"file": "token"})"), 0600);
  auto r = LoadConfigFile(with_file, kStreams);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_THAT(r->warnings[0],
              HasSubstr(token + " is readable by other users; run: chmod 600 " + token));

  // A config holding an inline secret, readable by others.
  const std::string literal = dir_.Write("b.json", OneConsole(), 0644);
  r = LoadConfigFile(literal, kStreams);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_THAT(r->warnings[0], AllOf(HasSubstr(literal + " is readable by other users"),
                                    HasSubstr("consoles[0].api_token, consoles[0].intake_key"),
                                    HasSubstr("chmod 600 " + literal),
                                    Not(HasSubstr("tok-literal")), Not(HasSubstr("key-literal"))));

  // Same files locked down: no warning.
  ::chmod(token.c_str(), 0600);
  ::chmod(literal.c_str(), 0600);
  EXPECT_TRUE(LoadConfigFile(with_file, kStreams)->warnings.empty());
  EXPECT_TRUE(LoadConfigFile(literal, kStreams)->warnings.empty());
}

// ---- Stream-level intakes, graphql settings, inventory defaults ----

TEST_F(ConfigTest, StreamMayHaveItsOwnIntake) {
  auto r = ParseWithKinds(OneConsole(R"(, "streams": {
      "activities": {"enabled": true},
      "unified_alerts": {"enabled": true, "intake_key": "alerts-key",
                         "intake_url": "https://intake.fra2.sekoia.io/api/v1/intake-http/"}})"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  const ConsoleConfig& c = r->consoles[0];
  const StreamConfig& activities = StreamOf(c, "activities");
  EXPECT_FALSE(activities.own_intake_key);
  EXPECT_EQ(*ResolveSecret(activities.intake_key), "key-literal");
  EXPECT_EQ(activities.intake_url, "https://intake.sekoia.io");
  const StreamConfig& uam = StreamOf(c, "unified_alerts");
  EXPECT_TRUE(uam.own_intake_key);
  EXPECT_EQ(*ResolveSecret(uam.intake_key), "alerts-key");
  EXPECT_EQ(uam.intake_url, "https://intake.fra2.sekoia.io/api/v1/intake-http");
  // A console-level intake_url reaches streams without their own.
  auto moved = ParseWithKinds(OneConsole(R"(, "intake_url": "https://intake.usa1.sekoia.io")"));
  ASSERT_TRUE(moved.ok()) << moved.status().message();
  EXPECT_EQ(StreamOf(moved->consoles[0], "threats").intake_url, "https://intake.usa1.sekoia.io");
}

TEST_F(ConfigTest, ConsoleIntakeKeyNeededOnlyWhenAStreamHasNone) {
  const std::string no_console_key = R"({"consoles": [{"name": "eu", "url": "usea1.sentinelone.net",
      "api_token": "tok", "streams": {"activities": {"intake_key": "a-key"},
                                      "threats": {"enabled": false}%s}}]})";
  auto with = [&](const std::string& extra) {
    std::string text = no_console_key;
    return text.replace(text.find("%s"), 2, extra);
  };
  EXPECT_TRUE(ParseWithKinds(with("")).ok());
  EXPECT_THAT(ErrorWithKinds(with(R"(, "agents": {"enabled": true})")),
              HasSubstr("consoles[0].intake_key: required key is missing"));
  EXPECT_THAT(ErrorWithKinds(with(R"(, "agents": {"enabled": true, "intake_key": {"env": 7}})")),
              HasSubstr("consoles[0].streams.agents.intake_key.env: must be the name"));
  // Not in defaults: a hint names both places it may go.
  EXPECT_THAT(ErrorWithKinds(OneConsole("", R"(, "defaults": {"intake_key": "k"})")),
              HasSubstr("\"intake_key\" is set per console (consoles[i].intake_key) or per "
                        "stream (consoles[i].streams.<stream>.intake_key)"));
}

TEST_F(ConfigTest, GraphqlSettings) {
  const std::string query = dir_.Write("queries/uam.graphql", "query Q { alerts { totalCount } }\n");
  auto r = ParseWithKinds(OneConsole(R"(, "streams": {"unified_alerts": {"enabled": true,
      "query_file": "queries/uam.graphql", "detection_products": ["Identity", "EDR"]}})"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  const StreamConfig& uam = StreamOf(r->consoles[0], "unified_alerts");
  EXPECT_EQ(uam.query_file, query);
  EXPECT_EQ(uam.graphql_query, "query Q { alerts { totalCount } }\n");
  EXPECT_EQ(uam.detection_products, (std::vector<std::string>{"Identity", "EDR"}));
  // Without them: the built-in query and every product.
  auto plain = ParseWithKinds(OneConsole(R"(, "streams": {"unified_alerts": {"enabled": true}})"));
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(StreamOf(plain->consoles[0], "unified_alerts").graphql_query.empty());
  EXPECT_TRUE(StreamOf(plain->consoles[0], "unified_alerts").detection_products.empty());
}

TEST_F(ConfigTest, GraphqlSettingsErrors) {
  dir_.Write("empty.graphql", " \n");
  const auto uam = [](const std::string& settings) {
    return OneConsole(R"(, "streams": {"unified_alerts": {"enabled": true, )" + settings + "}}");
  };
  EXPECT_THAT(ErrorWithKinds(uam(R"("query_file": "nope.graphql")")),
              AllOf(HasSubstr("consoles[0].streams.unified_alerts.query_file: "),
                    HasSubstr("nope.graphql"), HasSubstr("omit query_file")));
  EXPECT_THAT(ErrorWithKinds(uam(R"("query_file": "empty.graphql")")),
              HasSubstr("empty.graphql is empty"));
  EXPECT_THAT(ErrorWithKinds(uam(R"("detection_products": "Identity")")),
              HasSubstr("detection_products: must be a list of product names"));
  EXPECT_THAT(ErrorWithKinds(uam(R"("detection_products": ["EDR", ""])")),
              HasSubstr("detection_products[1]: must be a non-empty product name"));
  // Only graphql streams have them.
  EXPECT_THAT(
      ErrorWithKinds(OneConsole(R"(, "streams": {"threats": {"detection_products": ["EDR"]}})")),
      HasSubstr("consoles[0].streams.threats.detection_products: applies only to graphql streams "
                "(unified_alerts), not to threats"));
  // At console level, a hint says where they go.
  EXPECT_THAT(ErrorWithKinds(OneConsole(R"(, "query_file": "x.graphql")")),
              HasSubstr("\"query_file\" is set per stream"));
}

TEST_F(ConfigTest, InventoriesHaveTheirOwnDefaults) {
  auto r = ParseWithKinds(OneConsole(
      R"(, "poll_interval_seconds": 20, "start_from": "7d",
         "streams": {"agents": {"enabled": true}})",
      R"(, "defaults": {"poll_interval_seconds": 45})"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  const ConsoleConfig& c = r->consoles[0];
  // The whole inventory, slowly: defaults and the console do not apply...
  EXPECT_EQ(StreamOf(c, "agents").poll_interval_seconds, 300);
  EXPECT_EQ(StreamOf(c, "agents").start_from, "1970-01-01T00:00:00Z");
  EXPECT_EQ(StreamOf(c, "activities").poll_interval_seconds, 20);
  EXPECT_EQ(StreamOf(c, "activities").start_from, "7d");
  // ...the stream's own settings do.
  auto own = ParseWithKinds(OneConsole(
      R"(, "streams": {"agents": {"enabled": true, "poll_interval_seconds": 600,
                                  "start_from": "30d"}})"));
  ASSERT_TRUE(own.ok()) << own.status().message();
  EXPECT_EQ(StreamOf(own->consoles[0], "agents").poll_interval_seconds, 600);
  EXPECT_EQ(StreamOf(own->consoles[0], "agents").start_from, "30d");
}

TEST_F(ConfigTest, ScopingDoesNotReachGraphqlStreamsWarns) {
  auto r = ParseWithKinds(OneConsole(
      R"(, "site_ids": ["123"], "streams": {"unified_alerts": {"enabled": true}})"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_THAT(r->warnings[0], AllOf(HasSubstr("consoles[0].streams.unified_alerts"),
                                    HasSubstr("do not scope this stream")));
}

TEST_F(ConfigTest, ExampleConfigLoads) {
  TempDir creds;
  creds.Write("eu-intake-key", "eu-intake-key-value\n");
  creds.Write("eu-inventory-intake-key", "eu-inventory-key-value\n");
  creds.Write("us-lab-api-token", "us-lab-token-value\n");
  env_.Set("CREDENTIALS_DIRECTORY", creds.path());
  env_.Set("S1_TOKEN_EU", "eu-token-value");
  env_.Set("SEKOIA_INTAKE_KEY_US", "us-intake-key-value");
  env_.Set("SEKOIA_KEY_S1_ALERTS", "alerts-key-value");
  auto r = LoadConfigFile(S1C_EXAMPLE_CONFIG, kStreamsWithKinds);
  ASSERT_TRUE(r.ok()) << r.status().message();
  for (const std::string& w : r->warnings) ADD_FAILURE() << "unexpected warning: " << w;
  ASSERT_EQ(r->consoles.size(), 2u);
  const ConsoleConfig& eu = r->consoles[0];
  EXPECT_EQ(eu.name, "eu-prod");
  EXPECT_EQ(*ResolveSecret(eu.api_token), "eu-token-value");
  EXPECT_EQ(*ResolveSecret(eu.intake_key), "eu-intake-key-value");
  EXPECT_TRUE(StreamOf(eu, "activities").enabled);
  EXPECT_TRUE(StreamOf(eu, "threats").enabled);
  EXPECT_FALSE(StreamOf(eu, "alerts").enabled);
  EXPECT_FALSE(StreamOf(eu, "threats").own_intake_key);
  EXPECT_EQ(*ResolveSecret(StreamOf(eu, "threats").intake_key), "eu-intake-key-value");
  // unified_alerts and the inventories send to intakes of their own.
  const StreamConfig& uam = StreamOf(eu, "unified_alerts");
  EXPECT_TRUE(uam.enabled);
  EXPECT_TRUE(uam.own_intake_key);
  EXPECT_EQ(*ResolveSecret(uam.intake_key), "alerts-key-value");
  EXPECT_EQ(uam.intake_url, "https://intake.sekoia.io");
  EXPECT_TRUE(uam.graphql_query.empty());
  EXPECT_TRUE(uam.detection_products.empty());
  for (const char* name : {"agents", "groups"}) {
    const StreamConfig& inventory = StreamOf(eu, name);
    EXPECT_TRUE(inventory.enabled) << name;
    EXPECT_TRUE(inventory.own_intake_key) << name;
    EXPECT_EQ(*ResolveSecret(inventory.intake_key), "eu-inventory-key-value") << name;
    EXPECT_EQ(inventory.start_from, "1970-01-01T00:00:00Z") << name;
  }
  EXPECT_EQ(StreamOf(eu, "agents").poll_interval_seconds, 300);
  EXPECT_EQ(StreamOf(eu, "groups").poll_interval_seconds, 3600);
  const ConsoleConfig& us = r->consoles[1];
  EXPECT_EQ(us.url, "https://usea1-lab.sentinelone.net");
  EXPECT_EQ(*ResolveSecret(us.api_token), "us-lab-token-value");
  EXPECT_EQ(*ResolveSecret(us.intake_key), "us-intake-key-value");
  EXPECT_FALSE(us.intake_gzip);
  EXPECT_EQ(us.site_ids, (std::vector<std::string>{"1234567890123456789"}));
}

}  // namespace
}  // namespace s1c::config
