// `s1-collector check-config`: broken configs exit 78 naming the JSON path;
// the summary never shows a secret; --online tells a revoked token, a
// missing permission and a near token expiry apart.
#include <gtest/gtest.h>

#include <ctime>
#include <sstream>

#include "harness.h"

namespace s1c::it {
namespace {

using nlohmann::json;

constexpr char kToken[] = "tok-check-config-7a1b";
constexpr char kKey[] = "intake-key-check-9c2d";

// Whether one line of `text` holds every one of `parts`.
bool HasLineWith(const std::string& text, const std::vector<std::string>& parts) {
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);) {
    bool all = true;
    for (const std::string& p : parts) all = all && line.find(p) != std::string::npos;
    if (all) return true;
  }
  return false;
}

json ValidConsole(const std::string& name) {
  return json{{"name", name},
              {"url", "http://127.0.0.1:1"},
              {"api_token", kToken},
              {"intake_key", kKey},
              {"intake_url", "http://127.0.0.1:2"}};
}

std::string Iso(std::time_t t) {
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

TEST(CheckConfigTest, BrokenConfigsExit78NamingTheJsonPath) {
  Fixture f;
  auto base = [&] {
    return json{{"state_dir", f.state_dir().string()},
                {"consoles", json::array({ValidConsole("a")})}};
  };
  struct Case {
    std::string name;
    std::string text;
    std::string expect;  // Must appear in the output.
  };
  std::vector<Case> cases;
  {
    json c = base();
    c["consoles"][0].erase("url");
    cases.push_back({"missing-key", c.dump(), "consoles[0].url: required key is missing"});
  }
  {
    json c = base();
    c["defaults"] = {{"page_size", "big"}};
    cases.push_back({"wrong-type", c.dump(), "defaults.page_size: must be an integer"});
  }
  {
    json c = base();
    c["state_dri"] = "/tmp";
    cases.push_back({"unknown-key", c.dump(), "state_dri: unknown key"});
  }
  {
    json c = base();
    c["consoles"][0]["url"] = "https://exa mple.com";
    cases.push_back({"bad-url", c.dump(), "consoles[0].url:"});
  }
  {
    json c = base();
    c["consoles"][0]["api_token"] = {{"file", (f.path() / "no-such-token").string()}};
    cases.push_back({"unreadable-token-file", c.dump(), "consoles[0].api_token: cannot read file"});
  }
  {
    json c = base();
    c["consoles"].push_back(ValidConsole("a"));
    cases.push_back({"duplicate-console", c.dump(), "consoles[1].name: duplicate console name"});
  }
  {
    json c = base();
    c["consoles"][0]["url"] = "http://sentinelone.example.com";
    cases.push_back({"http-not-loopback", c.dump(),
                     "consoles[0].url: plain http:// is only allowed for loopback"});
  }
  {
    json c = base();
    c["consoles"][0]["streams"] = {
        {"activities", {{"enabled", true}, {"start_from", "yesterday"}}}};
    cases.push_back({"bad-start-from", c.dump(), "consoles[0].streams.activities.start_from:"});
  }
  {
    json c = base();
    c["consoles"][0]["page_size"] = 5000;
    cases.push_back({"page-size-out-of-range", c.dump(),
                     "consoles[0].page_size: must be an integer between 1 and 1000"});
  }
  {
    json c = base();
    c["consoles"][0]["streams"] = {{"activites", {{"enabled", true}}}};
    cases.push_back({"unknown-stream", c.dump(), "consoles[0].streams.activites: unknown stream"});
  }
  cases.push_back({"invalid-json", "{\"state_dir\": \"/tmp\", \"consoles\": [ {\"name\": \"a\",}",
                   "invalid JSON"});
  {
    json c = base();
    c["consoles"] = json::array();
    cases.push_back({"no-consoles", c.dump(), "consoles: at least one console is required"});
  }
  ASSERT_GE(cases.size(), 12u);
  for (const Case& c : cases) {
    const auto path = f.WriteOwnerOnly(c.text, c.name + ".json");
    const RunResult r = f.Run({"check-config", "-c", path.string()}, c.name + ".log");
    EXPECT_EQ(r.status, 78) << c.name << ": " << r.output;
    EXPECT_NE(r.output.find(c.expect), std::string::npos) << c.name << ": " << r.output;
    EXPECT_NE(r.output.find(path.string()), std::string::npos)
        << c.name << ": the file is not named";
    EXPECT_EQ(r.output.find(kToken), std::string::npos) << c.name << ": token leaked";
    EXPECT_EQ(r.output.find(kKey), std::string::npos) << c.name << ": intake key leaked";
  }
}

TEST(CheckConfigTest, ValidConfigPrintsASummaryWithoutSecrets) {
  Fixture f;
  const auto token_b = f.WriteOwnerOnly(std::string(kToken) + "-b\n", "token-b");
  json second = ValidConsole("second");
  second["api_token"] = {{"file", token_b.string()}};
  second["intake_key"] = {{"env", "S1C_IT_CHECK_KEY"}};
  second["proxy"] = "http://proxyuser:proxy-pa55word@127.0.0.1:3128";
  second["streams"] = {
      {"alerts", {{"enabled", true}, {"page_size", 200}, {"poll_interval_seconds", 90}}}};
  const auto path = f.WriteConfig({{"state_dir", f.state_dir().string()},
                                   {"defaults", {{"start_from", "7d"}}},
                                   {"consoles", json::array({ValidConsole("first"), second})}});
  const RunResult r = f.Run({"check-config", "-c", path.string()}, "check.log",
                            {{"S1C_IT_CHECK_KEY", std::string(kKey) + "-b"}});
  ASSERT_EQ(r.status, 0) << r.output;
  for (const char* expected :
       {"is valid", "console \"first\"", "console \"second\"", "http://127.0.0.1:1",
        "*** (inline value)", "*** (env S1C_IT_CHECK_KEY, set on the console)", "token-b)", "http://***@127.0.0.1:3128",
        "alerts          rest     yes", "90s", "200", "7d", "Activity Page.view", "Custom Alerts.view",
        "state_dir"}) {
    EXPECT_NE(r.output.find(expected), std::string::npos) << expected << "\n" << r.output;
  }
  EXPECT_EQ(r.output.find(kToken), std::string::npos) << "token leaked:\n" << r.output;
  EXPECT_EQ(r.output.find(kKey), std::string::npos) << "intake key leaked:\n" << r.output;
  EXPECT_EQ(r.output.find("proxy-pa55word"), std::string::npos) << "proxy password leaked:\n"
                                                                << r.output;
}

TEST(CheckConfigTest, OnlineTellsRevokedTokensMissingPermissionsAndExpiryApart) {
  Fixture f;
  const std::string soon = Iso(std::time(nullptr) + 5 * 86400);
  Server& sim_good =
      f.StartSimulator({"--token", kToken, "--activities", "50", "--threats", "5"}, "sim-good");
  Server& sim_denied = f.StartSimulator({"--token", kToken, "--deny-stream", "threats",
                                         "--token-expires-at", soon, "--activities", "50"},
                                        "sim-denied");
  Server& sim_revoked = f.StartSimulator({"--token", "some-other-token"}, "sim-revoked");
  Server& sink = f.StartSink({std::string(kKey) + "=ok"});
  auto console = [&](const std::string& name, const Server& sim, const std::string& key) {
    return json{
        {"name", name},
        {"url", sim.url()},
        {"api_token", kToken},
        {"intake_key", key},
        {"intake_url", sink.url()},
        {"streams", {{"activities", {{"enabled", true}}}, {"threats", {{"enabled", true}}}}}};
  };

  // All good: exit 0.
  const auto good = f.WriteConfig({{"state_dir", f.state_dir().string()},
                                   {"consoles", json::array({console("good", sim_good, kKey)})}},
                                  "good.json");
  const RunResult ok = f.Run({"check-config", "-c", good.string(), "--online"}, "good.log");
  EXPECT_EQ(ok.status, 0) << ok.output;
  EXPECT_NE(ok.output.find("ok    API reachable and token accepted"), std::string::npos)
      << ok.output;
  EXPECT_NE(ok.output.find("ok    token expires on"), std::string::npos) << ok.output;
  EXPECT_NE(ok.output.find("ok    activities: readable, permission Activity Page.view present"),
            std::string::npos);
  EXPECT_NE(ok.output.find("ok    threats: readable, permission Threats.view present"),
            std::string::npos);
  EXPECT_NE(ok.output.find("ok    intake key accepted"), std::string::npos) << ok.output;
  EXPECT_NE(ok.output.find("0 failed"), std::string::npos);

  // Three consoles, three different problems: exit 1.
  const auto mixed = f.WriteConfig(
      {{"state_dir", f.state_dir().string()},
       {"consoles",
        json::array({console("denied", sim_denied, kKey), console("revoked", sim_revoked, kKey),
                     console("badkey", sim_good, std::string(kKey) + "-wrong")})}},
      "mixed.json");
  const RunResult r = f.Run({"check-config", "-c", mixed.string(), "--online"}, "mixed.log");
  EXPECT_EQ(r.status, 1) << r.output;
  const std::string& out = r.output;
  const size_t denied = out.find("console \"denied\" (");
  const size_t revoked = out.find("console \"revoked\" (");
  const size_t badkey = out.find("console \"badkey\" (");
  ASSERT_NE(denied, std::string::npos) << out;
  ASSERT_NE(revoked, std::string::npos) << out;
  ASSERT_NE(badkey, std::string::npos) << out;
  const std::string denied_part = out.substr(denied, revoked - denied);
  const std::string revoked_part = out.substr(revoked, badkey - revoked);
  const std::string badkey_part = out.substr(badkey);

  // Missing permission: 403 naming Threats.view; activities fine; expiry in 5 days warned.
  EXPECT_NE(denied_part.find("ok    API reachable and token accepted"), std::string::npos)
      << denied_part;
  EXPECT_NE(denied_part.find("ok    activities: readable"), std::string::npos) << denied_part;
  EXPECT_NE(denied_part.find("FAIL  threats: HTTP 403, permission Threats.view missing"),
            std::string::npos)
      << denied_part;
  EXPECT_NE(denied_part.find("WARN  token expires on " + soon.substr(0, 10)), std::string::npos)
      << denied_part;
  EXPECT_NE(denied_part.find("ok    intake key accepted"), std::string::npos) << denied_part;

  // Revoked token: 401 everywhere, named as such.
  EXPECT_NE(revoked_part.find("FAIL  API reachable but the token was rejected (HTTP 401"),
            std::string::npos)
      << revoked_part;
  EXPECT_NE(revoked_part.find("FAIL  activities: HTTP 401"), std::string::npos) << revoked_part;
  EXPECT_NE(revoked_part.find("FAIL  threats: HTTP 401"), std::string::npos) << revoked_part;

  // Wrong intake key: the sink's 401.
  EXPECT_NE(badkey_part.find("ok    API reachable"), std::string::npos) << badkey_part;
  EXPECT_NE(badkey_part.find("FAIL  intake key rejected"), std::string::npos) << badkey_part;

  EXPECT_EQ(out.find(kToken), std::string::npos) << "token leaked:\n" << out;
  EXPECT_EQ(out.find(kKey), std::string::npos) << "intake key leaked:\n" << out;
}

// Every stream kind is checked online with the permission it needs, each
// stream's intake is shown with where its key comes from, and each distinct
// intake is tested once however many consoles and streams send there.
TEST(CheckConfigTest, EveryStreamKindAndEachDistinctIntakeOnce) {
  Fixture f;
  Server& sim = f.StartSimulator({"--token", kToken, "--activities", "20", "--threats", "3",
                                  "--unified-alerts", "7", "--agents", "4", "--groups", "2",
                                  "--deny-stream", "alerts"});
  const std::string alerts_key = std::string(kKey) + "-uam";
  const std::string inventory_key = std::string(kKey) + "-inv";
  Server& sink =
      f.StartSink({std::string(kKey) + "=events", alerts_key + "=uam", inventory_key + "=inv"});
  auto console = [&](const std::string& name) {
    return json{{"name", name},
                {"url", sim.url()},
                {"api_token", kToken},
                {"intake_key", kKey},
                {"intake_url", sink.url()},
                {"streams",
                 {{"alerts", {{"enabled", true}}},
                  {"unified_alerts", {{"enabled", true}, {"intake_key", alerts_key}}},
                  {"agents", {{"enabled", true}, {"intake_key", inventory_key}}},
                  {"groups", {{"enabled", true}, {"intake_key", inventory_key}}}}}};
  };
  const auto config = f.WriteConfig({{"state_dir", f.state_dir().string()},
                                     {"defaults", {{"start_from", "2025-12-31T00:00:00Z"}}},
                                     {"consoles", json::array({console("one"), console("two")})}},
                                    "all.json");
  const RunResult r = f.Run({"check-config", "-c", config.string(), "--online"}, "all.log");
  EXPECT_EQ(r.status, 1) << r.output;  // The alerts stream is denied.
  const std::string& out = r.output;
  // The summary: where each stream's events go, and whence its key.
  EXPECT_TRUE(HasLineWith(out, {"activities, threats, alerts  ", sink.url(),
                                "*** (inline value, set on the console)"}))
      << out;
  EXPECT_TRUE(HasLineWith(out, {"unified_alerts  ", sink.url(), "set on the stream"})) << out;
  EXPECT_TRUE(HasLineWith(out, {"agents, groups  ", sink.url(), "set on the stream"})) << out;
  EXPECT_TRUE(HasLineWith(out, {"unified_alerts  ", "graphql", "yes"})) << out;

  const size_t two = out.find("console \"two\" (");
  ASSERT_NE(two, std::string::npos) << out;
  const std::string one_part = out.substr(0, two);
  const std::string two_part = out.substr(two);
  EXPECT_TRUE(HasLineWith(one_part, {"ok    unified_alerts: readable, permission Alerts.view "
                                     "(Unified Alert Management) present; ",
                                     " events since start_from"}))
      << one_part;
  EXPECT_EQ(one_part.find("unified_alerts: readable, permission Alerts.view (Unified Alert "
                          "Management) present; 0 events"),
            std::string::npos)
      << one_part;
  EXPECT_NE(one_part.find("ok    agents: readable, permission Endpoints.view present"),
            std::string::npos)
      << one_part;
  EXPECT_NE(one_part.find("ok    groups: readable, permission Groups.view present"),
            std::string::npos)
      << one_part;
  EXPECT_NE(one_part.find("FAIL  alerts: HTTP 403, permission Custom Alerts.view missing"),
            std::string::npos)
      << one_part;
  EXPECT_NE(one_part.find("no Custom Rules"), std::string::npos) << one_part;
  // Three intakes, each tested once, in the first console...
  EXPECT_NE(one_part.find("ok    intake key accepted (POST " + sink.url() +
                          "/batch with an empty batch: HTTP 200) [streams: activities, threats, "
                          "alerts]"),
            std::string::npos)
      << one_part;
  EXPECT_NE(one_part.find("[streams: unified_alerts]"), std::string::npos) << one_part;
  EXPECT_NE(one_part.find("[streams: agents, groups]"), std::string::npos) << one_part;
  // ...and not again for the second.
  EXPECT_EQ(two_part.find("intake key accepted"), std::string::npos) << two_part;
  EXPECT_NE(two_part.find("checked above, console \"one\" [streams: agents, groups]"),
            std::string::npos)
      << two_part;
  const json stats = json::parse(HttpGet(sink.port(), "/_sink/stats"));
  EXPECT_EQ(stats["batches"], 3) << stats.dump();
  for (const std::string& secret : {std::string(kToken), std::string(kKey)}) {
    EXPECT_EQ(out.find(secret), std::string::npos) << "secret leaked:\n" << out;
  }
}

}  // namespace
}  // namespace s1c::it
