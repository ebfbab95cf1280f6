#include "state_table.h"

#include <gtest/gtest.h>

#include <sstream>

#include "s1c/core/iso_time.h"

namespace s1c::app {
namespace {

const int64_t kNow = ParseIsoTime("2026-01-02T00:00:00Z").value();

state::Checkpoint At(const char* watermark, int64_t done, std::vector<std::string> boundary = {}) {
  state::Checkpoint cp;
  cp.watermark = watermark;
  cp.watermark_us = ParseIsoTime(watermark).value();
  cp.events_done = done;
  cp.boundary_keys = std::move(boundary);
  cp.updated_at = "2026-01-01T23:59:00.000000Z";
  return cp;
}

config::Config Config() {
  config::Config c;
  config::ConsoleConfig one;
  one.name = "one";
  for (const char* s : {"activities", "threats", "alerts"}) {
    config::StreamConfig sc;
    sc.name = s;
    sc.enabled = std::string(s) != "alerts";
    one.streams.push_back(sc);
  }
  c.consoles.push_back(one);
  return c;
}

// The line of the table for console "one", checkpoint `name`.
std::string Line(const std::string& table, const std::string& name) {
  std::stringstream ss(table);
  for (std::string line; std::getline(ss, line);) {
    if (line.starts_with("one ") && line.find(" " + name + " ") != std::string::npos) return line;
  }
  return "";
}

TEST(FormatStateTableTest, StreamsBackfillsGapsAndErrors) {
  state::StateListing listing;
  listing.entries.push_back(
      {"one", "activities", At("2026-01-01T21:00:00.000000Z", 1234, {"a", "b"})});
  listing.entries.push_back({"one", "backfill-activities-20251201T000000Z-20251202T000000Z",
                             At("2025-12-02T00:00:00.000000Z", 500)});
  listing.entries.push_back({"one", "backfill-threats-20251201T000000Z-20251202T000000Z",
                             At("2025-12-01T18:00:00.000000Z", 7)});
  listing.entries.push_back({"old", "activities", At("2026-01-01T00:00:00.000000Z", 1)});
  listing.errors.push_back({"one", "alerts", "/s/one/alerts.json", Corrupt("bad")});
  const std::string t = FormatStateTable(listing, Config(), kNow);

  EXPECT_EQ(t.substr(0, t.find('\n')).find("CONSOLE"), 0u) << t;
  const std::string activities = Line(t, "activities");
  EXPECT_NE(activities.find("2026-01-01T21:00:00.000000Z"), std::string::npos);
  EXPECT_NE(activities.find("3h00m"), std::string::npos) << activities;  // Lag.
  EXPECT_NE(activities.find(" 2 "), std::string::npos);                  // Boundary keys.
  EXPECT_NE(activities.find("1234"), std::string::npos);
  EXPECT_NE(activities.find("2026-01-01T23:59:00.000000Z"), std::string::npos);

  EXPECT_NE(Line(t, "backfill-activities-20251201T000000Z-20251202T000000Z").find("backfill done"),
            std::string::npos);
  EXPECT_NE(
      Line(t, "backfill-threats-20251201T000000Z-20251202T000000Z").find("6h00m of its range left"),
      std::string::npos)
      << t;
  EXPECT_NE(Line(t, "threats").find("no checkpoint yet"), std::string::npos) << t;
  EXPECT_NE(Line(t, "alerts").find("unreadable"), std::string::npos) << t;
  EXPECT_NE(t.find("old  "), std::string::npos);
  EXPECT_NE(t.find("console not in the configuration"), std::string::npos) << t;
}

TEST(FormatStateTableTest, NothingAtAll) {
  EXPECT_EQ(FormatStateTable({}, config::Config{}, kNow),
            "No checkpoints and no enabled streams.\n");
}

}  // namespace
}  // namespace s1c::app
