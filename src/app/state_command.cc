#include "state_command.h"

#include <poll.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <map>

#include "backfill_range.h"
#include "command_text.h"
#include "exit_codes.h"
#include "runtime.h"
#include "s1c/core/iso_time.h"
#include "s1c/core/text.h"
#include "s1c/state/file_state_store.h"
#include "state_move_command.h"
#include "state_table.h"

namespace s1c::app {
namespace {

constexpr int kMaxAnswerBytes = 64;

enum class Answer { kYes, kNo, kStopped };

// Reads one line from stdin (a terminal), giving up when a stop is requested
// (signals are consumed by the watcher thread, so a blocking read would not
// notice Ctrl-C).
Answer ReadYes(const StopToken& stop) {
  std::string line;
  while (!stop.StopRequested()) {
    struct pollfd p {
      STDIN_FILENO, POLLIN, 0
    };
    const int rc = ::poll(&p, 1, 200);
    if (rc < 0 && errno != EINTR) return Answer::kNo;
    if (rc <= 0) continue;
    char c;
    const ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n <= 0 || c == '\n') break;
    if (line.size() < kMaxAnswerBytes) line.push_back(c);
  }
  if (stop.StopRequested()) return Answer::kStopped;
  line = ToLower(line);
  return line == "y" || line == "yes" ? Answer::kYes : Answer::kNo;
}

int Show(const config::Config& config, const StateOptions& o) {
  state::FileStateStore files(config.state_dir);
  Result<state::StateListing> listing = files.List();
  if (!listing.ok()) {
    std::fprintf(stderr, "Cannot list the checkpoints: %s\n", listing.status().message().c_str());
    return kExitFailure;
  }
  SystemClock clock;
  std::printf("Checkpoints in %s (now %s)\n\n", config.state_dir.c_str(),
              FormatIsoTime(clock.NowMicros()).c_str());
  std::fputs(FormatStateTable(*listing, config, clock.NowMicros()).c_str(), stdout);
  if (listing->errors.empty()) return kExitOk;
  std::printf(
      "\n%zu checkpoint file(s) cannot be read; the collector stops on them until they are "
      "fixed or reset:\n",
      listing->errors.size());
  for (const auto& e : listing->errors) {
    std::printf("  ERROR %s/%s: %s\n", e.console.c_str(), e.name.c_str(),
                e.error.message().c_str());
    std::printf("        reset it with: %s\n", StateResetCommand(o.config_path, e.console, e.name,
                                                                 s1::FindStream(e.name) != nullptr)
                                                   .c_str());
  }
  return kExitFailure;
}

int Reset(const config::Config& config, const StateOptions& o, const StopToken& stop) {
  if (o.stream.empty() == o.name.empty()) {
    std::fprintf(stderr, "Give exactly one of --stream STREAM or --name CHECKPOINT.\n");
    return kExitConfig;
  }
  const std::string name = o.stream.empty() ? o.name : o.stream;
  state::FileStateStore files(config.state_dir);
  const config::ConsoleConfig* console = nullptr;
  for (const auto& c : config.consoles) {
    if (c.name == o.console) console = &c;
  }
  std::error_code ec;
  const bool console_dir =
      std::filesystem::is_directory(std::filesystem::path(config.state_dir) / o.console, ec);
  if (console == nullptr && !console_dir) {
    std::fprintf(stderr, "Unknown console \"%s\": it is not in %s and has no checkpoints.\n",
                 o.console.c_str(), o.config_path.c_str());
    return kExitConfig;
  }
  const std::filesystem::path path = files.PathFor(o.console, name);
  const bool exists = std::filesystem::exists(path, ec);
  const bool known_stream = s1::FindStream(name) != nullptr;
  if (!exists && !known_stream && !ParseBackfillStateName(name)) {
    std::fprintf(stderr,
                 "No checkpoint \"%s\" for console \"%s\" (streams are activities, threats and "
                 "alerts; `s1-collector state show -c %s` lists the others).\n",
                 name.c_str(), o.console.c_str(), ShellQuote(o.config_path).c_str());
    return kExitConfig;
  }

  Result<std::optional<state::Checkpoint>> current = files.Load(o.console, name);
  std::string what;
  if (!current.ok()) {
    what = "unreadable: " + current.status().message();
  } else if (!current->has_value()) {
    std::printf("Nothing to reset: there is no checkpoint at %s.\n", path.c_str());
    return kExitOk;
  } else {
    const state::Checkpoint& cp = **current;
    what = "watermark " + cp.watermark + ", " + std::to_string(cp.events_done) +
           " events delivered, updated " + (cp.updated_at.empty() ? "?" : cp.updated_at);
  }

  std::string next;
  if (const auto backfill = ParseBackfillStateName(name)) {
    next = "a backfill of that range starts again from its beginning (" +
           FormatIsoTime(backfill->from_us) + ")";
  } else if (console != nullptr) {
    std::string start_from = "24h";
    for (const auto& s : console->streams) {
      if (s.name == name) start_from = s.start_from;
    }
    next = "the collector starts this stream again from start_from (" + start_from +
           "): events after it are sent again, events before it are not";
  } else {
    next = "the checkpoint is gone for good";
  }

  std::fprintf(stderr, "Checkpoint %s/%s at %s\n  (%s)\nAfter a reset %s.\n", o.console.c_str(),
               name.c_str(), path.c_str(), what.c_str(), next.c_str());
  if (!o.yes) {
    if (::isatty(STDIN_FILENO) != 1) {
      std::fprintf(stderr,
                   "Refusing to reset without confirmation: stdin is not a terminal. Add --yes "
                   "to reset it.\n");
      return kExitFailure;
    }
    std::fprintf(stderr,
                 "Stop the collector first (a running one would write its checkpoint back).\n"
                 "Reset it? [y/N] ");
    std::fflush(stderr);
    const Answer answer = ReadYes(stop);
    if (answer != Answer::kYes) {
      std::fprintf(stderr, "%sNot reset.\n", answer == Answer::kStopped ? "\n" : "");
      return kExitFailure;
    }
  }
  if (Status st = files.Reset(o.console, name); !st.ok()) {
    std::fprintf(stderr, "Reset failed: %s\n", st.message().c_str());
    return kExitFailure;
  }
  std::printf("Checkpoint reset: %s/%s (%s removed).\n", o.console.c_str(), name.c_str(),
              path.c_str());
  return kExitOk;
}

}  // namespace

CLI::App* AddStateCommand(CLI::App& cli, StateOptions& o) {
  auto* state = cli.add_subcommand(
      "state", "Show, reset, export or import checkpoints; plan a change of the shard count");
  state->require_subcommand(1);
  auto* show = state->add_subcommand("show", "List every checkpoint with its watermark and lag");
  show->add_option("-c,--config", o.config_path, "Configuration file")->required();
  show->callback([&o] { o.action = StateOptions::Action::kShow; });

  auto* reset = state->add_subcommand(
      "reset", "Delete one checkpoint so its stream (or backfill) starts again");
  reset->add_option("-c,--config", o.config_path, "Configuration file")->required();
  reset->add_option("--console", o.console, "Console name")->required();
  auto* stream = reset->add_option("--stream", o.stream, "Stream whose checkpoint to reset");
  auto* name =
      reset->add_option("--name", o.name, "Checkpoint name, e.g. a backfill's (see state show)");
  stream->excludes(name);
  reset->add_flag("-y,--yes", o.yes, "Do not ask (required when stdin is not a terminal)");
  reset->callback([&o] { o.action = StateOptions::Action::kReset; });
  AddStateMoveCommands(*state, o);
  return state;
}

int RunStateCommand(const StateOptions& o, StopSource stop) {
  auto config = LoadConfigOrLog(o.config_path);
  if (!config) return kExitConfig;
  switch (o.action) {
    case StateOptions::Action::kShow:
      return Show(*config, o);
    case StateOptions::Action::kReset:
      return Reset(*config, o, stop.token());
    case StateOptions::Action::kExport:
      return RunStateExport(*config, o);
    case StateOptions::Action::kImport:
      return RunStateImport(*config, o);
    case StateOptions::Action::kPlan:
      return RunStatePlan(*config, o);
    case StateOptions::Action::kNone:
      break;
  }
  return kExitConfig;
}

}  // namespace s1c::app
