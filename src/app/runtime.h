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
#include "s1c/core/io_loop.h"
#include "s1c/core/stop_token.h"
#include "s1c/http/curl_transport.h"
#include "s1c/http/transport.h"
#include "s1c/intake/dead_letter.h"
#include "s1c/intake/forwarder.h"
#include "s1c/pipeline/poller.h"
#include "s1c/s1/client.h"
#include "s1c/state/file_state_store.h"

namespace s1c::app {

inline constexpr const char* kUserAgent = "s1-collector/" S1C_VERSION;
// How often a draining stream writes its checkpoint (always also at the end
// of a drain and before any retry wait). See pipeline::PollerOptions.
inline constexpr std::chrono::milliseconds kCommitInterval{1000};

// One destination of a console's events: an intake URL and key, and the
// enabled streams that send there (docs/design.md section 3: a stream may have
// its own intake).
struct IntakeDestination {
  std::string url;
  config::SecretRef key;
  bool key_from_stream = false;      // The key is set on the streams, not the console.
  std::vector<std::string> streams;  // Enabled streams sending here, table order.
};

// The distinct destinations of a console's streams, in the order the streams
// first name them; disabled streams count (a backfill may use one), but are
// not listed in `streams`.
std::vector<IntakeDestination> IntakeDestinations(const config::ConsoleConfig& console);

// Whether two destinations are one intake: the same URL and the same key
// source (kind and value; the value only ever compared, never shown).
bool SameIntake(const IntakeDestination& a, const IntakeDestination& b);

// A destination and its forwarder. Streams sending there share it.
struct IntakeRuntime {
  IntakeDestination destination;
  std::unique_ptr<intake::Forwarder> forwarder;
};

struct ConsoleRuntime {
  const config::ConsoleConfig* config = nullptr;
  std::unique_ptr<http::HttpTransport> api_transport;
  std::unique_ptr<http::HttpTransport> intake_transport;
  std::unique_ptr<s1::S1Client> client;
  // One per IntakeDestinations(*config).
  std::vector<IntakeRuntime> intakes;

  // The intake of stream `stream` (an enabled one or not).
  IntakeRuntime& IntakeFor(const config::StreamConfig& stream);
};

// Wraps each transport the Runtime builds (run_command.cc counts requests
// for /metrics with it). `target` is "api" or "intake".
using TransportWrapper = std::function<std::unique_ptr<http::HttpTransport>(
    std::unique_ptr<http::HttpTransport> inner, const std::string& console, const char* target)>;

// Who runs the one curl loop that carries every transfer.
enum class TransferThread {
  kLoopsOwn,   // A thread of its own (commands whose callers are plain threads).
  kScheduler,  // The scheduler's thread, as its IoLoop (io_loop()): the daemon.
};

class Runtime {
 public:
  Runtime(const config::Config& config, StopToken stop, const TransportWrapper& wrap = {},
          TransferThread transfer_thread = TransferThread::kLoopsOwn);

  Clock& clock() { return clock_; }
  // The curl loop for the scheduler to run; null unless made with
  // TransferThread::kScheduler.
  IoLoop* io_loop() { return io_loop_; }
  state::FileStateStore& store() { return *store_; }
  intake::DeadLetter& dead_letter() { return *dead_letter_; }
  std::vector<ConsoleRuntime>& consoles() { return consoles_; }
  // REQUIRES: a console named `name` exists; returns nullptr otherwise.
  ConsoleRuntime* FindConsole(const std::string& name);

  // The stream's own request settings (query_file, detection_products);
  // null when it has none.
  static std::shared_ptr<const s1::StreamParams> StreamParamsFor(
      const config::StreamConfig& stream);

 private:
  const config::Config& config_;
  SystemClock clock_;
  // Before consoles_: their transports use it until they are gone.
  std::shared_ptr<http::CurlLoop> curl_loop_;
  IoLoop* io_loop_ = nullptr;  // *curl_loop_, when the scheduler runs it.
  std::unique_ptr<state::FileStateStore> store_;
  std::unique_ptr<intake::DeadLetter> dead_letter_;
  std::vector<ConsoleRuntime> consoles_;
};

// The stream names and defaults the config layer validates against.
std::vector<config::KnownStream> KnownStreams();

// Loads the config, logging each warning. On error logs it and returns nullopt.
std::optional<config::Config> LoadConfigOrLog(const std::string& path);

}  // namespace s1c::app
