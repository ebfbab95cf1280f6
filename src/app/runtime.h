// Runtime: the concrete objects for a loaded config, built in one place
// (style.md: only src/app constructs concrete classes). Owns, per console,
// the API transport and client, the intake transport and forwarder; shared
// by all consoles, the clock, the state store and the dead-letter file.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "s1c/config/config.h"
#include "s1c/core/clock.h"
#include "s1c/core/stop_token.h"
#include "s1c/http/transport.h"
#include "s1c/intake/dead_letter.h"
#include "s1c/intake/forwarder.h"
#include "s1c/pipeline/poller.h"
#include "s1c/s1/client.h"
#include "s1c/state/state_store.h"

namespace s1c::app {

inline constexpr const char* kUserAgent = "s1-collector/" S1C_VERSION;
// How often a draining stream writes its checkpoint (always also at the end
// of a drain and before any retry wait). See pipeline::PollerOptions.
inline constexpr std::chrono::milliseconds kCommitInterval{1000};

struct ConsoleRuntime {
  const config::ConsoleConfig* config = nullptr;
  std::unique_ptr<http::HttpTransport> api_transport;
  std::unique_ptr<http::HttpTransport> intake_transport;
  std::unique_ptr<s1::S1Client> client;
  std::unique_ptr<intake::Forwarder> forwarder;
};

// Wraps each transport the Runtime builds (run_command.cc counts requests
// for /metrics with it). `target` is "api" or "intake".
using TransportWrapper = std::function<std::unique_ptr<http::HttpTransport>(
    std::unique_ptr<http::HttpTransport> inner, const std::string& console, const char* target)>;

class Runtime {
 public:
  Runtime(const config::Config& config, StopToken stop, const TransportWrapper& wrap = {});

  Clock& clock() { return clock_; }
  state::StateStore& store() { return *store_; }
  intake::DeadLetter& dead_letter() { return *dead_letter_; }
  std::vector<ConsoleRuntime>& consoles() { return consoles_; }
  // REQUIRES: a console named `name` exists; returns nullptr otherwise.
  ConsoleRuntime* FindConsole(const std::string& name);

  // Poller options for one stream of one console, from the config.
  static pipeline::PollerOptions PollerOptionsFor(const config::ConsoleConfig& console,
                                                  const config::StreamConfig& stream);

 private:
  const config::Config& config_;
  SystemClock clock_;
  std::unique_ptr<state::StateStore> store_;
  std::unique_ptr<intake::DeadLetter> dead_letter_;
  std::vector<ConsoleRuntime> consoles_;
};

// The stream names and defaults the config layer validates against.
std::vector<config::KnownStream> KnownStreams();

// Loads the config, logging each warning. On error logs it and returns nullopt.
std::optional<config::Config> LoadConfigOrLog(const std::string& path);

}  // namespace s1c::app
