#include "check_config_command.h"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <utility>

#include "command_text.h"
#include "exit_codes.h"
#include "online_checks.h"
#include "runtime.h"
#include "s1c/config/options.h"
#include "s1c/core/iso_time.h"
#include "s1c/core/text.h"
#include "shard.h"

namespace s1c::app {
namespace {

// A test batch is tiny; an intake that takes longer is as good as down.
constexpr std::chrono::seconds kIntakeTimeout{30};

// A parsed value as the summary shows it; never a secret's value.
std::string ValueText(const config::Option& o, int v) {
  return std::to_string(v) + (o.type == config::ValueType::kSeconds ? "s" : "");
}
std::string ValueText(const config::Option&, double v) { return FormatNumber(v); }
std::string ValueText(const config::Option&, bool v) { return v ? "on" : "off"; }
std::string ValueText(const config::Option& o, const std::string& v) {
  if (v.empty()) return "(" + std::string(o.default_note) + ")";
  return o.type == config::ValueType::kProxy ? MaskUrlCredentials(v) : v;
}
std::string ValueText(const config::Option&, const config::SecretRef& v) {
  return "*** (" + v.Describe() + ")";
}
std::string ValueText(const config::Option& o, const std::vector<std::string>& v) {
  return v.empty() ? "(" + std::string(o.default_note) + ")" : Join(v, ", ");
}

// The value of option `o` in `owner` (a console or a stream).
template <typename T>
std::string FieldText(const config::Option& o, const T& owner, const config::FieldOf<T>& field) {
  return std::visit(
      [&](auto member) -> std::string {
        if constexpr (std::is_same_v<decltype(member), std::monostate>) {
          return "";
        } else {
          return ValueText(o, owner.*member);
        }
      },
      field);
}

// What the summary shows of each console and stream, from the option table:
// a console's own values as rows; the inherited values that land in a
// stream as columns of the streams table (the intake URL goes in the
// intakes table, beside its key); a graphql stream's own settings below it.
bool IsConsoleRow(const config::Option& o) {
  return o.levels.Has(config::Where::kConsole) && !o.levels.Has(config::Where::kStream) &&
         o.console_field.index() != 0;
}
bool IsStreamColumn(const config::Option& o) {
  return o.inherited() && o.stream_field.index() != 0 && o.type != config::ValueType::kIntakeUrl;
}

// "POLL_INTERVAL" for poll_interval_seconds: the column header.
std::string ColumnHeader(std::string_view key) {
  if (key.ends_with("_seconds")) key.remove_suffix(std::string_view("_seconds").size());
  std::string out(key);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

void PrintSummary(const config::Config& c, std::FILE* out) {
  std::fprintf(out, "Configuration %s is valid.\n\n", c.source.c_str());
  std::vector<std::vector<std::string>> top = {
      {"state_dir", c.state_dir},
      {"",
       "checkpoints in <state_dir>/<console>/<stream>.json, dead letters in "
       "<state_dir>/dead-letter.ndjson"},
      {"log", "level " + c.log.level + ", format " + c.log.format},
      {"metrics", c.metrics.listen.empty() ? "off" : "listen " + c.metrics.listen},
  };
  std::fputs(FormatTable(top).c_str(), out);
  for (const auto& console : c.consoles) {
    std::fprintf(out, "\nconsole \"%s\"\n", console.name.c_str());
    std::vector<std::vector<std::string>> rows;
    for (const config::Option& o : config::Options()) {
      if (IsConsoleRow(o))
        rows.push_back({"  " + std::string(o.key), FieldText(o, console, o.console_field)});
    }
    std::fputs(FormatTable(rows).c_str(), out);
    std::vector<std::vector<std::string>> streams = {{"    STREAM", "KIND", "ENABLED"}};
    for (const config::Option& o : config::Options()) {
      if (IsStreamColumn(o)) streams.front().push_back(ColumnHeader(o.key));
    }
    streams.front().push_back("NEEDS PERMISSION");
    std::vector<std::string> settings;  // graphql settings, shown below the table.
    for (const auto& s : console.streams) {
      const s1::StreamSpec* spec = s1::FindStream(s.name);
      std::vector<std::string>& row = streams.emplace_back();
      row = {"    " + s.name, spec ? std::string(s1::KindName(spec->kind)) : "",
             s.enabled ? "yes" : "no"};
      for (const config::Option& o : config::Options()) {
        if (IsStreamColumn(o)) row.push_back(s.enabled ? FieldText(o, s, o.stream_field) : "-");
      }
      row.push_back(spec ? std::string(spec->permission) : "");
      if (!s.enabled || spec == nullptr || spec->kind != s1::StreamKind::kGraphql) continue;
      std::string line;
      for (const config::Option& o : config::Options()) {
        if (!o.graphql_only) continue;
        line +=
            (line.empty() ? "" : ", ") + std::string(o.key) + " " + FieldText(o, s, o.stream_field);
      }
      settings.push_back("    " + s.name + ": " + line);
    }
    std::fputs("  streams\n", out);
    std::fputs(FormatTable(streams).c_str(), out);
    for (const std::string& line : settings) std::fprintf(out, "%s\n", line.c_str());
    // Where each enabled stream's events go (a stream may have its own intake).
    std::vector<std::vector<std::string>> intakes = {{"    STREAMS", "INTAKE_URL", "INTAKE_KEY"}};
    for (const IntakeDestination& d : IntakeDestinations(console)) {
      if (d.streams.empty()) continue;
      intakes.push_back({"    " + Join(d.streams, ", "), d.url,
                         "*** (" + d.key.Describe() + ", set " +
                             (d.key_from_stream ? "on the stream" : "on the console") + ")"});
    }
    std::fputs("  intakes\n", out);
    std::fputs(FormatTable(intakes).c_str(), out);
  }
  std::fputs("\n", out);
  if (c.warnings.empty()) {
    std::fputs("No warnings.\n", out);
  } else {
    std::fprintf(out, "Warnings (%zu):\n", c.warnings.size());
    for (const auto& w : c.warnings) std::fprintf(out, "  - %s\n", w.c_str());
  }
}

struct Tally {
  int ok = 0, warn = 0, fail = 0;
  void Print(const CheckLine& line, std::FILE* out) {
    (line.level == CheckLevel::kOk ? ok : line.level == CheckLevel::kWarn ? warn : fail) += 1;
    std::fprintf(out, "  %-4s  %s\n", CheckLevelLabel(line.level), line.text.c_str());
    std::fflush(out);
  }
};

int RunOnline(Runtime& runtime, const StopSource& stop, std::FILE* out) {
  Tally tally;
  // Each intake tested so far, and the console it was tested under.
  std::vector<std::pair<IntakeDestination, std::string>> tested;
  for (ConsoleRuntime& rt : runtime.consoles()) {
    if (stop.StopRequested()) break;
    const config::ConsoleConfig& c = *rt.config;
    std::fprintf(out, "\nconsole \"%s\" (%s)\n", c.name.c_str(), c.url.c_str());
    Result<std::string> info = rt.client->GetRaw("system/info", "");
    tally.Print(ApiCheck(info), out);
    if (!info.ok() && Unreachable(info.status())) {
      std::fprintf(out, "  %-4s  %s\n", "-", "token expiry and stream permissions not checked");
    } else {
      tally.Print(ExpiryCheck(rt.client->FetchTokenDetails(), runtime.clock().NowMicros()), out);
      for (const auto& s : c.streams) {
        if (!s.enabled || stop.StopRequested()) continue;
        const s1::StreamSpec* spec = s1::FindStream(s.name);
        if (spec == nullptr) continue;
        s1::PageQuery q;
        auto since = ParseStartFrom(s.start_from, runtime.clock().NowMicros());
        q.since = FormatIsoTime(since.ok() ? *since : runtime.clock().NowMicros());
        q.limit = 1;
        q.params = Runtime::StreamParamsFor(s);
        tally.Print(StreamCheck(*spec, rt.client->FetchPage(*spec, q)), out);
      }
    }
    // Each distinct intake is tested once, however many consoles and streams send there.
    for (const IntakeRuntime& intake : rt.intakes) {
      const IntakeDestination& d = intake.destination;
      if (d.streams.empty() || stop.StopRequested()) continue;
      const std::string streams = " [streams: " + Join(d.streams, ", ") + "]";
      auto seen = std::find_if(tested.begin(), tested.end(),
                               [&](const auto& t) { return SameIntake(t.first, d); });
      if (seen != tested.end()) {
        std::fprintf(out, "  %-4s  %s\n", "-",
                     ("intake " + d.url + " (" + d.key.Describe() + ") checked above, console \"" +
                      seen->second + "\"" + streams)
                         .c_str());
        continue;
      }
      tested.emplace_back(d, c.name);
      CheckLine line = IntakeCheck(intake.forwarder->Probe(kIntakeTimeout));
      line.text += streams;
      tally.Print(line, out);
    }
  }
  std::fprintf(out, "\nOnline checks: %d passed, %d %s, %d failed.\n", tally.ok, tally.warn,
               tally.warn == 1 ? "warning" : "warnings", tally.fail);
  if (stop.StopRequested()) {
    std::fputs("Interrupted before every check ran.\n", out);
    return kExitFailure;
  }
  return tally.fail > 0 ? kExitFailure : kExitOk;
}

}  // namespace

CLI::App* AddCheckConfigCommand(CLI::App& cli, CheckConfigOptions& o) {
  auto* cmd = cli.add_subcommand("check-config",
                                 "Validate the configuration and print a summary; --online also "
                                 "tests every console token and intake key");
  cmd->add_option("-c,--config", o.config_path, "Configuration file")->required();
  cmd->add_flag("--online", o.online,
                "Call each console (system/info, token expiry, one event of each enabled stream) "
                "and post an empty batch to each intake");
  cmd->add_option("--shard", o.shard,
                  "Only the consoles shard I of N owns (as run --shard I/N; auto/N: I from the "
                  "hostname's -<ordinal>)");
  return cmd;
}

int RunCheckConfig(const CheckConfigOptions& o, StopSource stop) {
  auto loaded = config::LoadConfigFile(o.config_path, KnownStreams());
  if (!loaded.ok()) {
    // The loader's message names the file and the JSON path of each error.
    std::fprintf(stderr, "Configuration is invalid.\n%s\n", loaded.status().message().c_str());
    return kExitConfig;
  }
  config::Config& config = *loaded;
  std::optional<Shard> shard;
  size_t total = config.consoles.size();
  if (o.shard) {
    Result<Shard> parsed = ParseShard(*o.shard, LocalHostname());
    if (!parsed.ok()) {
      std::fprintf(stderr, "Bad --shard. %s\n", parsed.status().message().c_str());
      return kExitConfig;
    }
    shard = *parsed;
    KeepOwnedConsoles(config, *shard);
  }
  PrintSummary(config, stdout);
  if (shard) {
    std::vector<std::string> owned;
    for (const auto& c : config.consoles) owned.push_back(c.name);
    std::fprintf(stdout,
                 "\nShard %s owns %zu of %zu consoles (jump consistent hash of the name)%s%s\n",
                 ShardText(*shard).c_str(), owned.size(), total, owned.empty() ? "" : ": ",
                 owned.empty() ? "; it would poll nothing." : Join(owned, ", ").c_str());
  }
  std::fflush(stdout);
  if (!o.online) return kExitOk;
  Runtime runtime(config, stop.token());
  return RunOnline(runtime, stop, stdout);
}

}  // namespace s1c::app
