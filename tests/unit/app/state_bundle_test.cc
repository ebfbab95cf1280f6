// State bundles (state export/import): a round trip moves every checkpoint
// of the chosen consoles and nothing else; an import never overwrites a
// newer or unreadable checkpoint unless forced, and a refused import writes
// nothing at all.
#include "state_bundle.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "mem_state_store.h"
#include "s1c/state/file_state_store.h"

namespace s1c::app {
namespace {

state::Checkpoint At(const std::string& watermark, int64_t watermark_us, int64_t done = 7) {
  state::Checkpoint cp;
  cp.watermark = watermark;
  cp.watermark_us = watermark_us;
  cp.boundary_keys = {"id-1", "id-2@" + watermark};
  cp.updated_at = "2026-03-01T00:00:00.000000Z";
  cp.events_done = done;
  return cp;
}

// 2026-03-01T10:00:00Z and one minute later.
const state::Checkpoint kOlder = At("2026-03-01T10:00:00.000000Z", 1772359200000000);
const state::Checkpoint kNewer = At("2026-03-01T10:01:00.000000Z", 1772359260000000);

class StateBundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The late-event sweep's keys of eu/activities (design.md section 4).
    seen_.Add("id-1", kNewer.watermark_us - 1000);
    seen_.Add("id-2", kNewer.watermark_us);
    ASSERT_TRUE(source_.Commit("eu", "activities", kNewer, &seen_).ok());
    ASSERT_TRUE(source_.Commit("eu", "threats", kOlder, nullptr).ok());
    ASSERT_TRUE(source_
                    .Commit("eu", "backfill-activities-20260101T000000Z-20260201T000000Z", kOlder,
                            nullptr)
                    .ok());
    ASSERT_TRUE(source_.Commit("us", "activities", kOlder, nullptr).ok());
    ASSERT_TRUE(source_.Commit("apac", "activities", kOlder, nullptr).ok());
  }

  StateBundle Export(const std::vector<std::string>& consoles) {
    Result<StateBundle> bundle =
        CollectBundle(source_, consoles, "/var/lib/s1-collector", "2026-03-01T11:00:00.000000Z");
    EXPECT_TRUE(bundle.ok()) << bundle.status().message();
    // Through the text, as between two hosts.
    Result<StateBundle> decoded = DecodeBundle(EncodeBundle(*bundle), "bundle.json");
    EXPECT_TRUE(decoded.ok()) << decoded.status().message();
    return *decoded;
  }

  state::SeenKeys seen_;
  testing::MemStateStore source_;
  testing::MemStateStore target_;
};

TEST_F(StateBundleTest, RoundTripMovesEveryCheckpointOfTheChosenConsolesOnly) {
  const StateBundle bundle = Export({"eu", "us", "gone"});
  EXPECT_EQ(bundle.consoles, (std::vector<std::string>{"eu", "us", "gone"}));
  EXPECT_EQ(bundle.source, "/var/lib/s1-collector");
  ASSERT_EQ(bundle.entries.size(), 4u);  // eu: 2 streams and a backfill; us: 1. apac stays.

  const std::vector<ImportStep> steps = PlanImport(target_, bundle, /*force=*/false);
  ASSERT_EQ(steps.size(), 4u);
  for (const ImportStep& s : steps) EXPECT_EQ(s.action, ImportAction::kCreate) << s.name;
  ASSERT_TRUE(ApplyImport(target_, bundle, steps).ok());

  Result<state::StateListing> moved = target_.List();
  ASSERT_TRUE(moved.ok());
  ASSERT_EQ(moved->entries.size(), 4u);
  for (const state::StateEntry& e : moved->entries) {
    EXPECT_NE(e.console, "apac");
    Result<std::optional<state::Checkpoint>> original = source_.Load(e.console, e.name);
    ASSERT_TRUE(original.ok() && original->has_value());
    // Field for field, as the store itself writes it.
    EXPECT_EQ(state::EncodeCheckpoint(e.checkpoint), state::EncodeCheckpoint(**original))
        << e.console << "/" << e.name;
  }
  // The seen keys came along: the sweep on the new host does not send the
  // last lookback window again.
  Result<std::optional<state::SeenKeys>> seen =
      target_.LoadSeen("eu", "activities", state::SeenKeys::kDefaultMaxKeys);
  ASSERT_TRUE(seen.ok() && seen->has_value());
  EXPECT_EQ((*seen)->Encode(), seen_.Encode());
  EXPECT_TRUE((*seen)->Contains("id-2", kNewer.watermark_us));
  EXPECT_FALSE(target_.LoadSeen("us", "activities", 10)->has_value());

  // The same bundle again: nothing to write.
  for (const ImportStep& s : PlanImport(target_, bundle, false)) {
    EXPECT_EQ(s.action, ImportAction::kUnchanged) << s.name;
  }
}

TEST_F(StateBundleTest, OlderCheckpointHereIsReplaced) {
  ASSERT_TRUE(target_.Commit("eu", "activities", kOlder, nullptr).ok());
  const StateBundle bundle = Export({"eu"});
  const std::vector<ImportStep> steps = PlanImport(target_, bundle, false);
  ASSERT_EQ(steps[0].name, "activities");
  EXPECT_EQ(steps[0].action, ImportAction::kReplace);
  EXPECT_EQ(steps[0].local, kOlder.watermark);
  EXPECT_EQ(steps[0].bundle, kNewer.watermark);
  ASSERT_TRUE(ApplyImport(target_, bundle, steps).ok());
  EXPECT_EQ((*target_.Load("eu", "activities"))->watermark, kNewer.watermark);
}

TEST_F(StateBundleTest, NewerCheckpointHereRefusesTheWholeImport) {
  ASSERT_TRUE(target_.Commit("eu", "threats", kNewer, nullptr).ok());  // The bundle has kOlder.
  const int commits_before = target_.commits();
  const StateBundle bundle = Export({"eu", "us"});
  const std::vector<ImportStep> steps = PlanImport(target_, bundle, /*force=*/false);
  int refused = 0;
  for (const ImportStep& s : steps) {
    if (s.name == "threats") {
      EXPECT_EQ(s.action, ImportAction::kRefuseNewer);
      EXPECT_TRUE(Refused(s.action));
    } else {
      EXPECT_EQ(s.action, ImportAction::kCreate) << s.console << "/" << s.name;
    }
    refused += Refused(s.action) ? 1 : 0;
  }
  EXPECT_EQ(refused, 1);
  const Status st = ApplyImport(target_, bundle, steps);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  // Not even the checkpoints that were new here were written.
  EXPECT_EQ(target_.commits(), commits_before);
  EXPECT_EQ((*target_.Load("eu", "threats"))->watermark, kNewer.watermark);
  EXPECT_FALSE(target_.Load("us", "activities")->has_value());
}

TEST_F(StateBundleTest, ForceOverwritesTheNewerCheckpoint) {
  ASSERT_TRUE(target_.Commit("eu", "threats", kNewer, nullptr).ok());
  const StateBundle bundle = Export({"eu"});
  const std::vector<ImportStep> steps = PlanImport(target_, bundle, /*force=*/true);
  for (const ImportStep& s : steps) {
    if (s.name == "threats") {
      EXPECT_EQ(s.action, ImportAction::kOverwriteNewer);
    }
  }
  ASSERT_TRUE(ApplyImport(target_, bundle, steps).ok());
  EXPECT_EQ((*target_.Load("eu", "threats"))->watermark, kOlder.watermark);
}

TEST_F(StateBundleTest, FailedCommitIsReportedAndCanBeRetried) {
  const StateBundle bundle = Export({"eu"});
  target_.fail_commits = 1;
  std::vector<ImportStep> steps = PlanImport(target_, bundle, false);
  EXPECT_FALSE(ApplyImport(target_, bundle, steps).ok());
  steps = PlanImport(target_, bundle, false);
  ASSERT_TRUE(ApplyImport(target_, bundle, steps).ok());
  EXPECT_EQ(target_.List()->entries.size(), 3u);
}

TEST(StateBundleDecodeTest, RefusesWhatIsNotABundleOfThisVersion) {
  const std::string good =
      R"({"format":"s1-collector-state-bundle","version":1,"consoles":["eu"],"checkpoints":[]})";
  ASSERT_TRUE(DecodeBundle(good, "b.json").ok());
  const std::vector<std::string> bad = {
      "",
      "[]",
      R"({"version":1,"consoles":[],"checkpoints":[]})",
      R"({"format":"s1-collector-state-bundle","version":2,"consoles":[],"checkpoints":[]})",
      R"({"format":"s1-collector-state-bundle","version":1,"checkpoints":[]})",
      R"({"format":"s1-collector-state-bundle","version":1,"consoles":["eu"],"checkpoints":[)"
      R"({"console":"us","name":"activities","checkpoint":{"version":1,"watermark":)"
      R"("2026-03-01T10:00:00Z","boundary_keys":[]}}]})",
      R"({"format":"s1-collector-state-bundle","version":1,"consoles":["eu"],"checkpoints":[)"
      R"({"console":"eu","name":"activities","checkpoint":{"version":1,"watermark":"yesterday",)"
      R"("boundary_keys":[]}}]})",
      R"({"format":7,"version":1,"consoles":[],"checkpoints":[]})",
  };
  for (const std::string& text : bad) {
    Result<StateBundle> b = DecodeBundle(text, "b.json");
    ASSERT_FALSE(b.ok()) << text;
    EXPECT_EQ(b.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(b.status().message().find("b.json"), std::string::npos) << b.status().message();
  }
}

// On the real file store: an unreadable checkpoint is never exported (it
// would be left behind silently), and never overwritten by an import
// unless forced.
class StateBundleFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("s1c-bundle-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Corrupt(const std::string& console, const std::string& name) {
    std::filesystem::create_directories(dir_ / console);
    std::ofstream(dir_ / console / (name + ".json")) << "{\"version\":1,\"waterm";
  }
  std::filesystem::path dir_;
};

TEST_F(StateBundleFileTest, UnreadableCheckpointFailsTheExportNamingTheFile) {
  state::FileStateStore store(dir_);
  ASSERT_TRUE(store.Commit("eu", "activities", kOlder, nullptr).ok());
  ASSERT_TRUE(store.Commit("us", "activities", kOlder, nullptr).ok());
  Corrupt("eu", "threats");
  Result<StateBundle> bundle = CollectBundle(store, {"eu"}, dir_.string(), "now");
  ASSERT_FALSE(bundle.ok());
  EXPECT_NE(bundle.status().message().find("threats.json"), std::string::npos)
      << bundle.status().message();
  // Another console's broken file does not stop this one.
  EXPECT_TRUE(CollectBundle(store, {"us"}, dir_.string(), "now").ok());
}

TEST_F(StateBundleFileTest, UnreadableCheckpointHereIsRefusedUnlessForced) {
  state::FileStateStore store(dir_);
  Corrupt("eu", "activities");
  StateBundle bundle;
  bundle.consoles = {"eu"};
  bundle.entries.push_back({"eu", "activities", kNewer, std::nullopt});
  std::vector<ImportStep> steps = PlanImport(store, bundle, false);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].action, ImportAction::kRefuseUnreadable);
  EXPECT_NE(steps[0].local.find("corrupt"), std::string::npos) << steps[0].local;
  EXPECT_FALSE(ApplyImport(store, bundle, steps).ok());

  steps = PlanImport(store, bundle, true);
  EXPECT_EQ(steps[0].action, ImportAction::kOverwriteUnreadable);
  ASSERT_TRUE(ApplyImport(store, bundle, steps).ok());
  EXPECT_EQ((*store.Load("eu", "activities"))->watermark, kNewer.watermark);
}

}  // namespace
}  // namespace s1c::app
