// s1-collector: pulls SentinelOne logs and forwards them to a Sekoia.io intake.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "exit_codes.h"
#include "run_command.h"
#include "s1c/http/curl_transport.h"
#include "s1c/obs/logging.h"
#include "signals.h"

int main(int argc, char** argv) {
  using namespace s1c;
  app::SignalWatcher::BlockSignals();
  http::GlobalInitCurl();

  CLI::App cli{"s1-collector: pull SentinelOne logs and forward them to a Sekoia.io intake"};
  cli.set_version_flag("--version", std::string("s1-collector ") + S1C_VERSION);
  cli.require_subcommand(1);
  std::string log_level = "info";
  std::string log_format = "text";
  cli.add_option("--log-level", log_level, "trace, debug, info, warn or error")->capture_default_str();
  cli.add_option("--log-format", log_format, "text or json")->capture_default_str();

  app::RunOptions run;
  auto* run_cmd = cli.add_subcommand("run", "Run the collector daemon (foreground)");
  run_cmd->add_option("-c,--config", run.config_path, "Configuration file")->required();
  run_cmd->add_flag("--once", run.once, "Drain every stream until caught up, then exit");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = cli.exit(e);
    return code == 0 ? app::kExitOk : app::kExitConfig;
  }
  if (auto st = obs::SetupLogging({log_level, log_format}); !st.ok()) {
    spdlog::error("Bad command line. {}", st.message());
    return app::kExitConfig;
  }

  StopSource stop;
  app::SignalWatcher signals(stop, [] {
    spdlog::info("SIGHUP received; secrets are re-read from their env/file sources on every use.");
  });
  if (*run_cmd) return app::RunDaemon(run, stop);
  return app::kExitFailure;
}
