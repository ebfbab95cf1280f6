#include "state_table.h"

#include <map>
#include <utility>
#include <vector>

#include "backfill_range.h"
#include "command_text.h"
#include "s1c/core/iso_time.h"
#include "s1c/s1/streams.h"

namespace s1c::app {
namespace {

constexpr double kMicrosPerSecond = 1e6;

const config::ConsoleConfig* FindConsole(const config::Config& c, const std::string& name) {
  for (const auto& console : c.consoles) {
    if (console.name == name) return &console;
  }
  return nullptr;
}

const config::StreamConfig* FindStreamConfig(const config::ConsoleConfig* c,
                                             const std::string& name) {
  if (c == nullptr) return nullptr;
  for (const auto& s : c->streams) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

}  // namespace

std::string FormatStateTable(const state::StateListing& listing, const config::Config& config,
                             int64_t now_us) {
  using Row = std::vector<std::string>;
  std::map<std::pair<std::string, std::string>, Row> rows;
  for (const auto& e : listing.entries) {
    const state::Checkpoint& cp = e.checkpoint;
    const config::ConsoleConfig* console = FindConsole(config, e.console);
    std::string lag = "-";
    std::string note;
    if (const auto backfill = ParseBackfillStateName(e.name)) {
      if (cp.watermark_us >= backfill->to_us) {
        note = "backfill done";
      } else {
        note = "backfill unfinished, " +
               FormatDuration(static_cast<double>(backfill->to_us - cp.watermark_us) /
                              kMicrosPerSecond) +
               " of its range left (run it again to resume)";
      }
    } else {
      lag = FormatDuration(static_cast<double>(now_us - cp.watermark_us) / kMicrosPerSecond);
      const config::StreamConfig* stream = FindStreamConfig(console, e.name);
      if (console == nullptr) {
        note = "console not in the configuration";
      } else if (stream == nullptr) {
        note = "not a stream this build knows";
      } else if (!stream->enabled) {
        note = "stream disabled";
      }
    }
    if (console == nullptr && note.find("configuration") == std::string::npos) {
      note += std::string(note.empty() ? "" : "; ") + "console not in the configuration";
    }
    rows[{e.console, e.name}] = {e.console,
                                 e.name,
                                 cp.watermark,
                                 lag,
                                 std::to_string(cp.boundary_keys.size()),
                                 std::to_string(cp.events_done),
                                 cp.updated_at.empty() ? "-" : cp.updated_at,
                                 note};
  }
  for (const auto& e : listing.errors) {
    rows[{e.console, e.name}] = {e.console, e.name, "unreadable", "-",
                                 "-",       "-",    "-",          "see the error below"};
  }
  for (const auto& console : config.consoles) {
    for (const auto& s : console.streams) {
      if (!s.enabled || rows.count({console.name, s.name}) > 0) continue;
      rows[{console.name, s.name}] = {
          console.name, s.name,
          "-",          "-",
          "-",          "-",
          "-",          "no checkpoint yet (starts from start_from " + s.start_from + ")"};
    }
  }
  std::vector<Row> table = {{"CONSOLE", "CHECKPOINT", "WATERMARK", "LAG", "BOUNDARY_KEYS",
                             "EVENTS_DONE", "UPDATED_AT", "NOTE"}};
  for (auto& [key, row] : rows) table.push_back(std::move(row));
  if (table.size() == 1) return "No checkpoints and no enabled streams.\n";
  return FormatTable(table);
}

}  // namespace s1c::app
