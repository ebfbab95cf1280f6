#include "state_move_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "command_text.h"
#include "exit_codes.h"
#include "s1c/core/clock.h"
#include "s1c/core/files.h"
#include "s1c/core/iso_time.h"
#include "s1c/core/text.h"
#include "s1c/state/file_state_store.h"
#include "state_bundle.h"

namespace s1c::app {
namespace {

// A bundle holds checkpoints, each at most 64 MiB (the state store's own
// limit) and in practice a few KiB: this is far above any real one.
constexpr size_t kMaxBundleBytes = size_t{256} << 20;

std::string StateDirOf(const config::Config& config, const StateOptions& o) {
  return o.state_dir.empty() ? config.state_dir : o.state_dir;
}

bool InConfig(const config::Config& config, const std::string& console) {
  return std::any_of(config.consoles.begin(), config.consoles.end(),
                     [&console](const config::ConsoleConfig& c) { return c.name == console; });
}

Result<std::string> ReadStdin() {
  std::string text;
  char buffer[64 * 1024];
  while (true) {
    const size_t n = std::fread(buffer, 1, sizeof buffer, stdin);
    text.append(buffer, n);
    if (text.size() > kMaxBundleBytes) {
      return InvalidArgument("standard input is larger than " +
                             std::to_string(kMaxBundleBytes >> 20) + " MiB: not a state bundle");
    }
    if (n < sizeof buffer) break;
  }
  if (std::ferror(stdin)) return IoError("cannot read standard input");
  return text;
}

}  // namespace

void AddStateMoveCommands(CLI::App& state, StateOptions& o) {
  auto* plan = state.add_subcommand(
      "plan",
      "Show which consoles change shard when the shard count changes, and how to move them");
  plan->add_option("-c,--config", o.config_path, "Configuration file")->required();
  plan->add_option("--from", o.from, "Shard count now (the N of --shard I/N)")
      ->required()
      ->check(CLI::Range(1, kMaxShards));
  plan->add_option("--to", o.to, "Shard count after the resize")
      ->required()
      ->check(CLI::Range(1, kMaxShards));
  plan->add_flag("--json", o.json, "Print the moves as JSON");
  plan->callback([&o] { o.action = StateOptions::Action::kPlan; });

  auto* exp = state.add_subcommand(
      "export", "Write the checkpoints of some consoles (every stream and backfill) as one bundle");
  exp->add_option("-c,--config", o.config_path, "Configuration file")->required();
  exp->add_option("--console", o.consoles, "A console to export (repeat for more)")->required();
  exp->add_option("--state-dir", o.state_dir,
                  "Read this state directory instead of the config's state_dir");
  exp->add_option("-o,--output", o.file, "Write the bundle to this file instead of stdout");
  exp->callback([&o] { o.action = StateOptions::Action::kExport; });

  auto* imp = state.add_subcommand(
      "import", "Write the checkpoints of a bundle (from state export) into the state_dir");
  imp->add_option("-c,--config", o.config_path, "Configuration file")->required();
  imp->add_option("--state-dir", o.state_dir,
                  "Write into this state directory instead of the config's state_dir");
  imp->add_option("-i,--input", o.file, "Read the bundle from this file instead of stdin");
  imp->add_flag("--force", o.force,
                "Overwrite checkpoints here that are newer than the bundle's or unreadable, and "
                "accept consoles the config does not have");
  imp->add_flag("--dry-run", o.dry_run, "Say what would be written; write nothing");
  imp->callback([&o] { o.action = StateOptions::Action::kImport; });
}

int RunStateExport(const config::Config& config, const StateOptions& o) {
  const std::string dir = StateDirOf(config, o);
  for (const std::string& console : o.consoles) {
    std::error_code ec;
    if (!InConfig(config, console) &&
        !std::filesystem::is_directory(std::filesystem::path(dir) / console, ec)) {
      std::fprintf(stderr,
                   "Unknown console \"%s\": it is not in %s and has no checkpoints in %s.\n",
                   console.c_str(), o.config_path.c_str(), dir.c_str());
      return kExitConfig;
    }
  }
  std::vector<std::string> consoles = o.consoles;
  std::sort(consoles.begin(), consoles.end());
  consoles.erase(std::unique(consoles.begin(), consoles.end()), consoles.end());

  SystemClock clock;
  state::FileStateStore store(dir);
  Result<StateBundle> bundle =
      CollectBundle(store, consoles, dir, FormatIsoTime(clock.NowMicros()));
  if (!bundle.ok()) {
    std::fprintf(stderr,
                 "Nothing exported. %s\nRepair or reset them first (s1-collector state show -c %s "
                 "lists them).\n",
                 bundle.status().message().c_str(), ShellQuote(o.config_path).c_str());
    return kExitFailure;
  }
  const std::string text = EncodeBundle(*bundle);
  if (o.file.empty() || o.file == "-") {
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() ||
        std::fflush(stdout) != 0) {
      std::fprintf(stderr, "Export failed: cannot write standard output.\n");
      return kExitFailure;
    }
  } else {
    files::PosixFileSystem fs;
    if (Status st = files::WriteFileAtomically(fs, o.file, text); !st.ok()) {
      std::fprintf(stderr, "Export failed: %s\n", st.message().c_str());
      return kExitFailure;
    }
  }

  std::fprintf(stderr, "Exported %zu checkpoint(s) of %zu console(s) from %s%s%s.\n",
               bundle->entries.size(), consoles.size(), dir.c_str(),
               o.file.empty() || o.file == "-" ? "" : " to ", o.file == "-" ? "" : o.file.c_str());
  for (const std::string& console : consoles) {
    std::vector<std::string> names;
    for (const BundleEntry& e : bundle->entries) {
      if (e.console == console) names.push_back(e.name + " (" + e.checkpoint.watermark + ")");
    }
    std::fprintf(stderr, "  %s: %s\n", console.c_str(),
                 names.empty() ? "no checkpoints (it starts from start_from wherever it runs next)"
                               : Join(names, ", ").c_str());
  }
  std::fprintf(stderr,
               "The collector on this state directory must stay stopped until the import is "
               "done and the replicas restart with the new shard count.\n");
  return kExitOk;
}

int RunStateImport(const config::Config& config, const StateOptions& o) {
  const bool from_stdin = o.file.empty() || o.file == "-";
  if (from_stdin && ::isatty(STDIN_FILENO) == 1) {
    std::fprintf(stderr,
                 "Reading a bundle from the terminal: give it with < bundle.json or --input "
                 "bundle.json.\n");
    return kExitConfig;
  }
  Result<std::string> text =
      from_stdin ? ReadStdin() : files::ReadWholeFile(o.file, kMaxBundleBytes);
  if (!text.ok()) {
    std::fprintf(stderr, "Nothing imported: %s\n", text.status().message().c_str());
    return kExitConfig;
  }
  Result<StateBundle> bundle = DecodeBundle(*text, from_stdin ? "standard input" : o.file);
  if (!bundle.ok()) {
    std::fprintf(stderr, "Nothing imported: %s\n", bundle.status().message().c_str());
    return kExitConfig;
  }
  std::vector<std::string> unknown;
  for (const std::string& console : bundle->consoles) {
    if (!InConfig(config, console)) unknown.push_back(console);
  }
  if (!unknown.empty() && !o.force) {
    std::fprintf(stderr,
                 "Nothing imported: the bundle holds console(s) %s, which %s does not have (a "
                 "bundle for another config?). --force imports them anyway.\n",
                 Join(unknown, ", ").c_str(), o.config_path.c_str());
    return kExitConfig;
  }

  const std::string dir = StateDirOf(config, o);
  state::FileStateStore store(dir);
  const std::vector<ImportStep> steps = PlanImport(store, *bundle, o.force);
  std::printf("Bundle exported %s from %s: %zu checkpoint(s) of %zu console(s). Into %s:\n\n",
              bundle->exported_at.empty() ? "?" : bundle->exported_at.c_str(),
              bundle->source.empty() ? "?" : bundle->source.c_str(), bundle->entries.size(),
              bundle->consoles.size(), dir.c_str());
  std::vector<std::vector<std::string>> rows = {{"  CHECKPOINT", "ACTION", "HERE", "BUNDLE"}};
  size_t refused = 0, writes = 0;
  for (const ImportStep& s : steps) {
    rows.push_back({"  " + s.console + "/" + s.name, ImportActionName(s.action),
                    s.local.empty() ? "-" : s.local, s.bundle});
    refused += Refused(s.action) ? 1 : 0;
    writes += Writes(s.action) ? 1 : 0;
  }
  if (steps.empty()) rows.push_back({"  (none)", "", "", ""});
  std::fputs(FormatTable(rows).c_str(), stdout);
  for (const std::string& console : bundle->consoles) {
    const bool has = std::any_of(bundle->entries.begin(), bundle->entries.end(),
                                 [&console](const BundleEntry& e) { return e.console == console; });
    if (!has)
      std::printf("  %s: no checkpoints in the bundle (starts from start_from)\n", console.c_str());
  }
  std::fflush(stdout);
  if (refused > 0) {
    std::fprintf(stderr,
                 "\nNothing imported: %zu checkpoint(s) here are newer than the bundle's, or "
                 "unreadable. Importing would move them back (their events would be sent again): "
                 "check that the bundle is the latest export from the console's old shard and goes "
                 "to its new one. --force overwrites them.\n",
                 refused);
    return kExitFailure;
  }
  if (o.dry_run) {
    std::printf("\nDry run: %zu checkpoint(s) would be written; nothing was.\n", writes);
    return kExitOk;
  }
  if (Status st = ApplyImport(store, *bundle, steps); !st.ok()) {
    std::fprintf(stderr,
                 "\nImport failed: %s\nThe checkpoints before it are written; run the same "
                 "import again to finish it.\n",
                 st.message().c_str());
    return kExitFailure;
  }
  std::printf("\nImported %zu checkpoint(s) into %s (%zu unchanged).\n", writes, dir.c_str(),
              steps.size() - writes);
  return kExitOk;
}

std::string FormatResizePlan(const std::vector<ConsoleMove>& moves, size_t total, int from, int to,
                             const std::string& config_path) {
  std::string out = "From " + std::to_string(from) + " to " + std::to_string(to) + " shards, " +
                    std::to_string(moves.size()) + " of " + std::to_string(total) +
                    " consoles change shard (jump consistent hash of the console name).\n";
  if (moves.empty()) {
    return out + "Nothing to move: stop the replicas and start them again with --shard I/" +
           std::to_string(to) + ".\n";
  }
  std::vector<std::vector<std::string>> rows = {{"  CONSOLE", "FROM", "TO"}};
  std::map<std::pair<int, int>, std::vector<std::string>> pairs;
  for (const ConsoleMove& m : moves) {
    rows.push_back({"  " + m.console, std::to_string(m.from_shard), std::to_string(m.to_shard)});
    pairs[{m.from_shard, m.to_shard}].push_back(m.console);
  }
  out += "\n" + FormatTable(rows);
  out +=
      "\nWith every replica stopped: for each group below, export on the replica of the old "
      "shard (its state_dir), import on the replica of the new one; then start " +
      std::to_string(to) + " replicas with --shard I/" + std::to_string(to) + ".\n";
  for (const auto& [pair, consoles] : pairs) {
    const std::string file =
        "move-" + std::to_string(pair.first) + "-to-" + std::to_string(pair.second) + ".json";
    std::vector<std::string> exp = {"s1-collector", "state", "export", "-c", config_path};
    for (const std::string& c : consoles) {
      exp.push_back("--console");
      exp.push_back(c);
    }
    out += "\n  shard " + std::to_string(pair.first) + " -> shard " + std::to_string(pair.second) +
           ": " + Join(consoles, ", ") + "\n";
    out += "    on shard " + std::to_string(pair.first) + ": " + ShellCommand(exp) + " > " + file +
           "\n";
    out += "    on shard " + std::to_string(pair.second) + ": " +
           ShellCommand({"s1-collector", "state", "import", "-c", config_path}) + " < " + file +
           "\n";
  }
  return out;
}

std::string FormatResizePlanJson(const std::vector<ConsoleMove>& moves, size_t total, int from,
                                 int to) {
  nlohmann::ordered_json doc = {{"from", from}, {"to", to}, {"consoles", total}};
  doc["moves"] = nlohmann::ordered_json::array();
  for (const ConsoleMove& m : moves) {
    doc["moves"].push_back({{"console", m.console}, {"from", m.from_shard}, {"to", m.to_shard}});
  }
  return doc.dump() + "\n";
}

int RunStatePlan(const config::Config& config, const StateOptions& o) {
  std::vector<std::string> names;
  for (const config::ConsoleConfig& c : config.consoles) names.push_back(c.name);
  const std::vector<ConsoleMove> moves = PlanResize(names, o.from, o.to);
  const std::string text = o.json
                               ? FormatResizePlanJson(moves, names.size(), o.from, o.to)
                               : FormatResizePlan(moves, names.size(), o.from, o.to, o.config_path);
  std::fputs(text.c_str(), stdout);
  return kExitOk;
}

}  // namespace s1c::app
