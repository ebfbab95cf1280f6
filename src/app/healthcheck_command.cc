#include "healthcheck_command.h"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "exit_codes.h"
#include "runtime.h"
#include "s1c/core/text.h"
#include "s1c/http/curl_transport.h"

namespace s1c::app {

CLI::App* AddHealthcheckCommand(CLI::App& cli, HealthcheckOptions& options) {
  auto* cmd = cli.add_subcommand(
      "healthcheck",
      "Ask a running collector's /healthz (metrics.listen must be set); exit 0 when healthy");
  cmd->add_option("--url", options.url, "Health endpoint of the running daemon")
      ->capture_default_str();
  cmd->add_option("--timeout", options.timeout_seconds, "Seconds before giving up")
      ->capture_default_str()
      ->check(CLI::Range(1, 300));
  return cmd;
}

int RunHealthcheck(const HealthcheckOptions& options, StopSource stop) {
  if (options.url.rfind("http://", 0) != 0 && options.url.rfind("https://", 0) != 0) {
    spdlog::error("Health check URL must start with http:// or https://. url={}",
                  Excerpt(options.url, 200));
    return kExitFailure;
  }
  http::CurlOptions curl;
  curl.user_agent = kUserAgent;
  curl.connect_timeout = std::chrono::seconds(std::min(options.timeout_seconds, 2));
  curl.max_response_bytes = 1u << 20;
  auto transport = http::MakeCurlTransport(curl, stop.token());
  http::Request request;
  request.url = options.url;
  request.timeout = std::chrono::seconds(options.timeout_seconds);
  Result<http::Response> response = transport->Send(request);
  if (!response.ok()) {
    spdlog::error("Health check failed: no answer. error=\"{}\"", response.status().ToString());
    return kExitFailure;
  }
  std::fwrite(response->body.data(), 1, response->body.size(), stdout);
  if (!response->body.empty() && response->body.back() != '\n') std::fputc('\n', stdout);
  std::fflush(stdout);
  if (response->status != 200) {
    spdlog::error("Health check failed. status={}", response->status);
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace s1c::app
