// s1-collector: pulls SentinelOne logs and forwards them to a Sekoia.io intake.
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>

#include "backfill_command.h"
#include "check_config_command.h"
#include "exit_codes.h"
#include "healthcheck_command.h"
#include "malloc_tuning.h"
#include "run_command.h"
#include "s1c/http/curl_transport.h"
#include "s1c/obs/logging.h"
#include "signals.h"
#include "state_command.h"

int main(int argc, char** argv) {
  using namespace s1c;
  app::TuneMalloc();  // First: before any thread or buffer exists.
  // API tokens and intake keys are in this process's memory: a crash must not
  // write them to a core file (the systemd unit also sets LimitCORE=0).
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
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
  run_cmd->add_option("--shard", run.shard,
                      "Poll only the consoles of shard I of N: I/N, or auto/N taking I from the "
                      "hostname's trailing -<ordinal> (a StatefulSet pod)");

  app::HealthcheckOptions healthcheck;
  auto* healthcheck_cmd = app::AddHealthcheckCommand(cli, healthcheck);

  app::BackfillOptions backfill;
  auto* backfill_cmd = app::AddBackfillCommand(cli, backfill);
  app::CheckConfigOptions check_config;
  auto* check_config_cmd = app::AddCheckConfigCommand(cli, check_config);
  app::StateOptions state;
  auto* state_cmd = app::AddStateCommand(cli, state);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = cli.exit(e);
    return code == 0 ? app::kExitOk : app::kExitConfig;
  }
  // Given on the command line, they win over the config file's "log" (run applies it).
  if (cli.count("--log-level") > 0) run.log_level = log_level;
  if (cli.count("--log-format") > 0) run.log_format = log_format;
  if (auto st = obs::SetupLogging({log_level, log_format}); !st.ok()) {
    spdlog::error("Bad command line. {}", st.message());
    return app::kExitConfig;
  }

  StopSource stop;
  app::HangupRelay hangup;
  app::SignalWatcher signals(stop, [&hangup] { hangup.Fire(); });
  if (*run_cmd) return app::RunDaemon(run, stop, hangup);
  if (*backfill_cmd) return app::RunBackfill(backfill, stop);
  if (*check_config_cmd) return app::RunCheckConfig(check_config, stop);
  if (*state_cmd) return app::RunStateCommand(state, stop);
  if (*healthcheck_cmd) return app::RunHealthcheck(healthcheck, stop);
  return app::kExitFailure;
}
