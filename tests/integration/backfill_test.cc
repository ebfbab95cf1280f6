// `s1-collector backfill`: a closed range arrives exactly (intake, NDJSON
// file, stdout), an interrupted backfill resumes where it stopped, a dry
// run writes nothing, and the daemon's checkpoints are never touched.
#include <gtest/gtest.h>
#include <signal.h>

#include "harness.h"

namespace s1c::it {
namespace {

using nlohmann::json;

constexpr char kToken[] = "tok-backfill-5e6f";
constexpr char kKey[] = "intake-key-backfill-1a2b";
constexpr int kPageSize = 500;

// The simulator's rows of `stream` whose time (createdAt for activities,
// threatInfo.updatedAt for threats) is in [from, to).
std::vector<std::string> CorpusIn(Server& sim, const std::string& stream, const std::string& from,
                                  const std::string& to) {
  return SimCorpusIn(sim, stream, stream == "threats" ? "/threatInfo/updatedAt" : "/createdAt",
                     from, to);
}

// The shared fixture with one console, "one": 12,000 activities and 300
// threats over 2026-01-01 (and `sim_flags`), read in pages of kPageSize,
// delivered to sink label "one".
class OneConsole : public Fixture {
 public:
  explicit OneConsole(std::vector<std::string> sim_flags = {}) {
    std::vector<std::string> flags{
        "--token",        kToken,      "--seed", "21",      "--activities",
        "12000",          "--threats", "300",    "--start", "2026-01-01T00:00:00Z",
        "--span-seconds", "86400"};
    flags.insert(flags.end(), sim_flags.begin(), sim_flags.end());
    sim = &StartSimulator(flags);
    sink = &StartSink({std::string(kKey) + "=one"});
    config = WriteConfig(
        {{"state_dir", state_dir().string()},
         {"defaults", {{"start_from", "2025-12-31T00:00:00Z"}, {"page_size", kPageSize}}},
         {"consoles", json::array({{{"name", "one"},
                                    {"url", sim->url()},
                                    {"api_token", kToken},
                                    {"intake_key", kKey},
                                    {"intake_url", sink->url()},
                                    // Fast enough for tests, still through the bucket.
                                    {"requests_per_second", 50}}})}});
  }

  // The arguments of `backfill` on `console` with `extra`.
  std::vector<std::string> Backfill(std::vector<std::string> extra,
                                    const std::string& console = "one") const {
    std::vector<std::string> args{"backfill", "-c", config.string(), "--console", console};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  std::vector<std::string> Delivered() const { return Received("one"); }

  Server* sim = nullptr;
  Server* sink = nullptr;
  std::filesystem::path config;
};

void ExpectNoSecrets(const std::string& output) {
  EXPECT_EQ(output.find(kToken), std::string::npos) << "token leaked:\n" << output;
  EXPECT_EQ(output.find(kKey), std::string::npos) << "intake key leaked:\n" << output;
}

TEST(BackfillTest, ClosedRangeArrivesExactlyAndTheDaemonCheckpointIsUntouched) {
  OneConsole f;
  // A daemon checkpoint for activities exists (its bytes and mtime must not
  // change); none exists for threats (none may appear).
  const auto daemon_cp = f.state_dir() / "one" / "activities.json";
  std::filesystem::create_directories(daemon_cp.parent_path());
  const std::string daemon_text =
      "{\"version\":1,\"watermark\":\"2026-01-01T03:00:00.000000Z\",\"boundary_keys\":[],"
      "\"updated_at\":\"2026-01-01T03:00:01.000000Z\",\"events_done\":7}\n";
  WriteFile(daemon_cp, daemon_text);
  const auto mtime = std::filesystem::last_write_time(daemon_cp);

  const std::string from = "2026-01-01T06:00:00.000000Z", to = "2026-01-01T18:00:00.000000Z";
  const RunResult r =
      f.Run(f.Backfill({"--stream", "activities", "--from", "2026-01-01T06:00:00Z", "--to", to}),
            "backfill-1.log");
  ASSERT_EQ(r.status, 0) << r.output;
  const auto expected = CorpusIn(*f.sim, "activities", from, to);
  ASSERT_GT(expected.size(), 5000u);
  const Comparison c = CompareEvents(expected, f.Delivered());
  EXPECT_EQ(c.missing, 0u);
  EXPECT_EQ(c.duplicates, 0u);
  EXPECT_EQ(c.unexpected, 0u) << "events outside the range, or altered bytes";
  EXPECT_NE(r.output.find("Backfill complete."), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("events=" + std::to_string(expected.size()) + " "), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("delivered_to=\"intake " + f.sink->url() + "\""), std::string::npos)
      << r.output;

  // Threats by threatInfo.updatedAt, into the same intake.
  const RunResult t = f.Run(
      f.Backfill({"--stream", "threats", "--from", "2026-01-01", "--to", "2026-01-01T12:00:00Z"}),
      "backfill-threats.log");
  ASSERT_EQ(t.status, 0) << t.output;
  auto all_expected = expected;
  const auto threats =
      CorpusIn(*f.sim, "threats", "2026-01-01T00:00:00.000000Z", "2026-01-01T12:00:00.000000Z");
  ASSERT_GT(threats.size(), 10u);
  all_expected.insert(all_expected.end(), threats.begin(), threats.end());
  const Comparison ct = CompareEvents(all_expected, f.Delivered());
  EXPECT_EQ(ct.missing + ct.duplicates + ct.unexpected, 0u);

  // Running a finished range again sends nothing.
  const RunResult again =
      f.Run(f.Backfill({"--stream", "activities", "--from", from, "--to", to}), "backfill-2.log");
  EXPECT_EQ(again.status, 0) << again.output;
  EXPECT_NE(again.output.find("already complete"), std::string::npos) << again.output;
  EXPECT_EQ(f.Delivered().size(), all_expected.size());

  EXPECT_EQ(ReadFile(daemon_cp), daemon_text);
  EXPECT_EQ(std::filesystem::last_write_time(daemon_cp), mtime);
  EXPECT_FALSE(std::filesystem::exists(f.state_dir() / "one" / "threats.json"));
  EXPECT_TRUE(std::filesystem::exists(
      f.state_dir() / "one" / "backfill-activities-20260101T060000Z-20260101T180000Z.json"));
  for (const auto& out : {r.output, t.output, again.output}) ExpectNoSecrets(out);
}

TEST(BackfillTest, InterruptedBackfillResumesWhereItStoppedWithTheSameRange) {
  // Slow pages so the SIGTERM lands mid-way.
  OneConsole f({"--fault", "slow:1:delay_ms=150,streams=activities"});
  // No --to: the end is "now", fixed at the first start and reused on resume.
  const auto argv =
      f.Backfill({"--stream", "activities", "--from", "2026-01-01", "--progress-interval", "1"});
  {
    auto p = f.Start(argv, "backfill-1.log");
    // Mid-way, and after at least one progress line.
    ASSERT_TRUE(WaitFor(
        [&] {
          return !p->Running() || (f.Delivered().size() >= 2000 &&
                                   p->Output().find("Backfill progress.") != std::string::npos);
        },
        std::chrono::minutes(2)));
    p->Signal(SIGTERM);
    const auto status = p->Wait(std::chrono::seconds(10));
    ASSERT_TRUE(status.has_value()) << "did not stop within 10 s";
    const std::string out = p->Output();
    EXPECT_EQ(*status, 1) << out;
    EXPECT_NE(out.find("Backfill interrupted."), std::string::npos) << out;
    EXPECT_NE(out.find("resume with: s1-collector backfill -c"), std::string::npos) << out;
    EXPECT_NE(out.find("Backfill progress."), std::string::npos) << out;
    ExpectNoSecrets(out);
  }
  const size_t after_first = f.Delivered().size();
  ASSERT_GT(after_first, 0u);
  ASSERT_LT(after_first, 12000u) << "the stop came too late to test a resume";

  const RunResult r = f.Run(argv, "backfill-2.log");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("to_source=\"fixed at the first start\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("events_done_before="), std::string::npos);
  EXPECT_EQ(r.output.find("events_done_before=0 "), std::string::npos) << "did not resume:\n"
                                                                       << r.output;

  const auto expected = SimCorpus(*f.sim, "activities");
  ASSERT_EQ(expected.size(), 12000u);
  const Comparison c = CompareEvents(expected, f.Delivered());
  std::printf("[ backfill ] first run=%zu total=%zu missing=%zu duplicates=%zu unexpected=%zu\n",
              after_first, c.received, c.missing, c.duplicates, c.unexpected);
  EXPECT_EQ(c.missing, 0u);
  EXPECT_LE(c.duplicates, static_cast<size_t>(kPageSize))
      << "more duplicates than one page in flight";
  EXPECT_EQ(c.unexpected, 0u);
  EXPECT_FALSE(std::filesystem::exists(f.state_dir() / "one" / "activities.json"));
}

TEST(BackfillTest, NdjsonOutputIsTheSourceBytesAndResumesByAppending) {
  OneConsole f({"--fault", "slow:1:delay_ms=150,streams=activities"});
  const auto out_file = f.path() / "out.ndjson";
  const std::string from = "2026-01-01T00:00:00.000000Z", to = "2026-01-01T20:00:00.000000Z";
  const auto argv = f.Backfill(
      {"--stream", "activities", "--from", from, "--to", to, "--output", out_file.string()});
  {
    auto p = f.Start(argv, "backfill-1.log");
    ASSERT_TRUE(WaitFor([&] { return ReadLines(out_file).size() >= 1500 || !p->Running(); },
                        std::chrono::minutes(2)));
    p->Signal(SIGINT);
    ASSERT_EQ(p->Wait(std::chrono::seconds(10)).value_or(-1), 1) << p->Output();
  }
  const RunResult r = f.Run(argv, "backfill-2.log");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("delivered_to=\"file " + out_file.string() + "\""), std::string::npos)
      << r.output;

  const auto expected = CorpusIn(*f.sim, "activities", from, to);
  const std::string bytes = ReadFile(out_file);
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(bytes.back(), '\n');
  const Comparison c = CompareEvents(expected, Lines(bytes));
  EXPECT_EQ(c.missing, 0u);
  EXPECT_EQ(c.duplicates, 0u)
      << "a clean stop re-sends nothing: the file is synced before each commit";
  EXPECT_EQ(c.unexpected, 0u) << "bytes differ from the API's";
  // Nothing went to the intake.
  EXPECT_FALSE(std::filesystem::exists(f.ReceivedFile("one")));
}

TEST(BackfillTest, StdoutGetsOnlyEventsAndADryRunWritesNothing) {
  OneConsole f;
  const std::string from = "2026-01-01T10:00:00.000000Z", to = "2026-01-01T11:00:00.000000Z";
  const auto expected = CorpusIn(*f.sim, "activities", from, to);
  ASSERT_GT(expected.size(), 100u);

  // A dry run first: it counts, delivers nothing and writes no checkpoint.
  const RunResult dry = f.Run(
      f.Backfill({"--stream", "activities", "--from", from, "--to", to, "--dry-run"}), "dry.log");
  ASSERT_EQ(dry.status, 0) << dry.output;
  EXPECT_NE(dry.output.find("Dry run complete"), std::string::npos) << dry.output;
  EXPECT_NE(dry.output.find("events=" + std::to_string(expected.size()) + " "), std::string::npos)
      << dry.output;
  EXPECT_FALSE(std::filesystem::exists(f.state_dir())) << "a dry run wrote to the state directory";
  EXPECT_FALSE(std::filesystem::exists(f.ReceivedFile("one")));

  // --output -: stdout carries the events and nothing else.
  const auto stdout_file = f.path() / "stdout.ndjson";
  const auto stderr_file = f.path() / "stderr.log";
  std::string command = "exec '" + CollectorBinary() + "'";
  for (const auto& a :
       f.Backfill({"--stream", "activities", "--from", from, "--to", to, "--output", "-"})) {
    command += " '" + a + "'";
  }
  command += " > '" + stdout_file.string() + "' 2> '" + stderr_file.string() + "'";
  const RunResult r = RunToEnd({"/bin/sh", "-c", command}, f.path() / "sh.log");
  ASSERT_EQ(r.status, 0) << ReadFile(stderr_file);
  const Comparison c = CompareEvents(expected, ReadLines(stdout_file));
  EXPECT_EQ(c.missing + c.duplicates + c.unexpected, 0u) << ReadFile(stderr_file);
  EXPECT_NE(ReadFile(stderr_file).find("delivered_to=\"stdout\""), std::string::npos)
      << ReadFile(stderr_file);
}

TEST(BackfillTest, TransientApiErrorsAreRetried) {
  OneConsole f;
  HttpPost(f.sim->port(), "/_sim/fault",
           R"({"mode":"error_503","count":2,"streams":["activities"]})");
  const std::string from = "2026-01-01T00:00:00.000000Z", to = "2026-01-01T04:00:00.000000Z";
  const RunResult r =
      f.Run(f.Backfill({"--stream", "activities", "--from", from, "--to", to}), "backfill.log");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("Backfill request failed; retrying."), std::string::npos) << r.output;
  const Comparison c = CompareEvents(CorpusIn(*f.sim, "activities", from, to), f.Delivered());
  EXPECT_EQ(c.missing + c.duplicates + c.unexpected, 0u);
}

TEST(BackfillTest, BadArgumentsExit78) {
  OneConsole f;
  struct Case {
    std::vector<std::string> args;
    std::string expect;
    std::string console = "one";
  };
  const std::vector<Case> cases = {
      {{"--stream", "activities", "--from", "2026-01-01"}, "Unknown console", "nope"},
      {{"--stream", "activitees", "--from", "2026-01-01"}, "Unknown stream"},
      {{"--stream", "activities", "--from", "24h"}, "give an absolute time"},
      {{"--stream", "activities", "--from", "2026-01-02", "--to", "2026-01-01"},
       "is not before --to"},
      {{"--stream", "activities", "--from", "2026-01-01", "--to", "2999-01-01"},
       "is in the future"},
  };
  int i = 0;
  for (const auto& c : cases) {
    auto argv = f.Backfill(c.args, c.console);
    const RunResult r = f.Run(argv, "bad-" + std::to_string(i++) + ".log");
    EXPECT_EQ(r.status, 78) << r.output;
    EXPECT_NE(r.output.find(c.expect), std::string::npos) << r.output;
  }
  EXPECT_FALSE(std::filesystem::exists(f.state_dir()));
}

}  // namespace
}  // namespace s1c::it
