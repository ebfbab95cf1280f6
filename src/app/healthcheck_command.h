// `s1-collector healthcheck [--url URL]`: asks a running daemon's /healthz
// and turns the answer into an exit code, for Docker's HEALTHCHECK (the
// runtime image has no curl). Needs metrics.listen set in the daemon's config.
#pragma once

#include <string>

#include "s1c/core/stop_token.h"

namespace CLI {
class App;
}

namespace s1c::app {

struct HealthcheckOptions {
  std::string url = "http://127.0.0.1:9464/healthz";
  int timeout_seconds = 5;  // Whole request, connect included.
};

// Registers the subcommand on `cli`, filling `options`; returns it.
CLI::App* AddHealthcheckCommand(CLI::App& cli, HealthcheckOptions& options);

// Returns 0 when the URL answers 200, else 1. Prints the body (the health
// report, which holds no secret) to stdout, and the reason for a failure
// to the log.
int RunHealthcheck(const HealthcheckOptions& options, StopSource stop);

}  // namespace s1c::app
