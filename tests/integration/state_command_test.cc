// `s1-collector state show|reset`: lists what a run left, resets one
// checkpoint only with confirmation, and reports a corrupt file clearly.
#include <gtest/gtest.h>

#include <sstream>

#include "harness.h"

namespace s1c::it {
namespace {

using nlohmann::json;

constexpr char kToken[] = "tok-state-3c4d";
constexpr char kKey[] = "intake-key-state-8e9f";

std::string LineWith(const std::string& text, const std::string& a, const std::string& b) {
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);) {
    if (line.find(a) != std::string::npos && line.find(b) != std::string::npos) return line;
  }
  return "";
}

class StateCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Server& sim =
        f_.StartSimulator({"--token", kToken, "--seed", "5", "--activities", "800", "--threats",
                           "40", "--start", "2026-01-01T00:00:00Z", "--span-seconds", "3600"});
    Server& sink = f_.StartSink({std::string(kKey) + "=one"});
    config_ = f_.WriteConfig(json{{"state_dir", state().string()},
                                  {"defaults", {{"start_from", "2025-12-31T00:00:00Z"}}},
                                  {"consoles", json::array({{{"name", "one"},
                                                             {"url", sim.url()},
                                                             {"api_token", kToken},
                                                             {"intake_key", kKey},
                                                             {"intake_url", sink.url()}}})}})
                  .string();
    const RunResult run = f_.Run({"run", "--once", "-c", config_}, "run.log");
    ASSERT_EQ(run.status, 0) << run.output;
  }
  std::filesystem::path state() const { return f_.state_dir(); }
  // A backfill of `stream` over [from, to), which must succeed.
  void Backfill(const std::string& stream, const std::string& from, const std::string& to) const {
    const RunResult backfill = f_.Run({"backfill", "-c", config_, "--console", "one", "--stream",
                                       stream, "--from", from, "--to", to},
                                      "backfill.log");
    ASSERT_EQ(backfill.status, 0) << backfill.output;
  }

  Fixture f_;
  std::string config_;
};

TEST_F(StateCommandTest, ShowListsTheCheckpointsOfARunAndABackfill) {
  ASSERT_NO_FATAL_FAILURE(Backfill("activities", "2026-01-01T00:00:00Z", "2026-01-01T00:30:00Z"));

  const RunResult show = f_.Run({"state", "show", "-c", config_}, "show.log");
  ASSERT_EQ(show.status, 0) << show.output;
  const json activities = json::parse(ReadFile(state() / "one" / "activities.json"));
  const std::string a = LineWith(show.output, "one ", " activities ");
  ASSERT_FALSE(a.empty()) << show.output;
  EXPECT_NE(a.find(activities["watermark"].get<std::string>()), std::string::npos) << a;
  EXPECT_NE(a.find(" " + std::to_string(activities["events_done"].get<int64_t>()) + " "),
            std::string::npos)
      << a;
  EXPECT_NE(a.find(activities["updated_at"].get<std::string>()), std::string::npos) << a;
  EXPECT_NE(a.find("d"), std::string::npos)
      << "lag (now - watermark) of a 2026-01-01 watermark is days: " << a;
  EXPECT_FALSE(LineWith(show.output, "one ", " threats ").empty()) << show.output;
  const std::string b = LineWith(
      show.output, "backfill-activities-20260101T000000Z-20260101T003000Z", "backfill done");
  EXPECT_FALSE(b.empty()) << show.output;
  for (const char* column : {"CONSOLE", "CHECKPOINT", "WATERMARK", "LAG", "BOUNDARY_KEYS",
                             "EVENTS_DONE", "UPDATED_AT"}) {
    EXPECT_NE(show.output.find(column), std::string::npos) << column;
  }
}

TEST_F(StateCommandTest, ResetNeedsConfirmationAndRemovesOnlyThatCheckpoint) {
  const auto threats = state() / "one" / "threats.json";
  const auto activities = state() / "one" / "activities.json";
  ASSERT_TRUE(std::filesystem::exists(threats));

  // Not a terminal and no --yes: refused, nothing removed.
  const RunResult refused = f_.Run(
      {"state", "reset", "-c", config_, "--console", "one", "--stream", "threats"}, "refused.log");
  EXPECT_EQ(refused.status, 1) << refused.output;
  EXPECT_NE(refused.output.find("--yes"), std::string::npos) << refused.output;
  EXPECT_TRUE(std::filesystem::exists(threats));

  const RunResult reset =
      f_.Run({"state", "reset", "-c", config_, "--console", "one", "--stream", "threats", "--yes"},
             "reset.log");
  EXPECT_EQ(reset.status, 0) << reset.output;
  EXPECT_NE(reset.output.find("Checkpoint reset"), std::string::npos) << reset.output;
  EXPECT_FALSE(std::filesystem::exists(threats));
  EXPECT_TRUE(std::filesystem::exists(activities));

  const RunResult show = f_.Run({"state", "show", "-c", config_}, "show.log");
  EXPECT_NE(LineWith(show.output, " threats ", "no checkpoint yet").find("no checkpoint yet"),
            std::string::npos)
      << show.output;

  // A backfill checkpoint by --name.
  ASSERT_NO_FATAL_FAILURE(Backfill("threats", "2026-01-01T00:00:00Z", "2026-01-01T00:10:00Z"));
  const std::string name = "backfill-threats-20260101T000000Z-20260101T001000Z";
  ASSERT_TRUE(std::filesystem::exists(state() / "one" / (name + ".json")));
  const RunResult by_name = f_.Run(
      {"state", "reset", "-c", config_, "--console", "one", "--name", name, "-y"}, "by-name.log");
  EXPECT_EQ(by_name.status, 0) << by_name.output;
  EXPECT_FALSE(std::filesystem::exists(state() / "one" / (name + ".json")));

  // Unknown names are refused rather than "reset".
  const RunResult unknown =
      f_.Run({"state", "reset", "-c", config_, "--console", "one", "--stream", "threatz", "--yes"},
             "unknown.log");
  EXPECT_EQ(unknown.status, 78) << unknown.output;
}

TEST_F(StateCommandTest, ACorruptFileIsListedAsAnErrorNamingTheFileAndTheFix) {
  const auto threats = state() / "one" / "threats.json";
  WriteFile(threats, "{\"version\":1,\"watermark\":");  // Truncated.
  const RunResult show = f_.Run({"state", "show", "-c", config_}, "show.log");
  EXPECT_EQ(show.status, 1) << show.output;
  // The others are still listed.
  EXPECT_FALSE(LineWith(show.output, "one ", " activities ").empty()) << show.output;
  const std::string error = LineWith(show.output, "ERROR", threats.string());
  EXPECT_NE(error.find("corrupt"), std::string::npos) << show.output;
  EXPECT_NE(show.output.find("s1-collector state reset -c " + config_ +
                             " --console one --stream threats"),
            std::string::npos)
      << show.output;

  // And the fix works.
  const RunResult reset =
      f_.Run({"state", "reset", "-c", config_, "--console", "one", "--stream", "threats", "--yes"},
             "reset.log");
  EXPECT_EQ(reset.status, 0) << reset.output;
  EXPECT_EQ(f_.Run({"state", "show", "-c", config_}, "show-2.log").status, 0);
}

// The daemon on a corrupt checkpoint: that stream says so once, with the
// file and the command that resets it (config included), and stops; the
// other streams deliver. A run --once fails.
TEST_F(StateCommandTest, TheDaemonReportsACorruptCheckpointOnceAndCarriesOn) {
  const auto threats = state() / "one" / "threats.json";
  WriteFile(threats, "{\"version\":1,\"watermark\":");  // Truncated.
  const RunResult once = f_.Run({"run", "--once", "-c", config_}, "once.log");
  EXPECT_EQ(once.status, 1) << once.output;
  const std::string line = LineWith(once.output, "Checkpoint unreadable", "stream=threats");
  EXPECT_NE(line.find(threats.string()), std::string::npos) << once.output;
  EXPECT_NE(line.find("s1-collector state reset -c " + config_ + " --console one --stream threats"),
            std::string::npos)
      << once.output;
  // Reported once, not retried as if the API had sent a bad page.
  size_t reports = 0;
  for (size_t at = once.output.find("Checkpoint unreadable"); at != std::string::npos;
       at = once.output.find("Checkpoint unreadable", at + 1)) {
    ++reports;
  }
  EXPECT_EQ(reports, 1u) << once.output;
  EXPECT_EQ(once.output.find("Poll failed. console=one stream=threats"), std::string::npos)
      << once.output;
  // The file is left as it was, for a human to look at.
  EXPECT_EQ(ReadFile(threats), "{\"version\":1,\"watermark\":");
}

}  // namespace
}  // namespace s1c::it
