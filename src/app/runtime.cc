#include "runtime.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include "s1c/http/curl_transport.h"

namespace s1c::app {
namespace {

// Largest intake reply read (docs/security.md); an error page is far smaller.
constexpr size_t kMaxIntakeResponseBytes = size_t{4} << 20;
// How long a checkpoint commit may wait for others to share its group of
// writes (state::GroupWriter), when others are coming. 1,000 consoles x 3
// streams with a live row a second each: 24.6% of a core with no window,
// 17.0% with 50 ms, 15.3% with 200 ms (67 MB and 126 descriptors against 56
// and 57, as more streams wait at once). A poll is late by this much at most.
constexpr std::chrono::milliseconds kCommitGroupWindow{50};

}  // namespace

std::vector<config::KnownStream> KnownStreams() {
  std::vector<config::KnownStream> out;
  for (const auto& spec : s1::AllStreams()) {
    config::KnownStream known;
    known.name = spec.name;
    known.enabled_by_default = spec.enabled_by_default;
    known.graphql = spec.kind == s1::StreamKind::kGraphql;
    if (spec.default_poll_interval_seconds > 0) {
      known.poll_interval_seconds = spec.default_poll_interval_seconds;
    }
    if (!spec.default_start_from.empty()) known.start_from = std::string(spec.default_start_from);
    known.lookback_seconds = spec.default_lookback_seconds;
    out.push_back(std::move(known));
  }
  return out;
}

namespace {

// Where `stream` sends, with no streams listed yet.
IntakeDestination DestinationOf(const config::StreamConfig& stream) {
  return {stream.intake_url, stream.intake_key, stream.own_intake_key, {}};
}

}  // namespace

bool SameIntake(const IntakeDestination& a, const IntakeDestination& b) {
  return a.url == b.url && a.key.kind == b.key.kind && a.key.value == b.key.value;
}

std::vector<IntakeDestination> IntakeDestinations(const config::ConsoleConfig& console) {
  std::vector<IntakeDestination> out;
  for (const auto& stream : console.streams) {
    IntakeDestination here = DestinationOf(stream);
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const IntakeDestination& d) { return SameIntake(here, d); });
    if (it == out.end()) it = out.insert(out.end(), std::move(here));
    if (stream.enabled) it->streams.push_back(stream.name);
  }
  return out;
}

IntakeRuntime& ConsoleRuntime::IntakeFor(const config::StreamConfig& stream) {
  const IntakeDestination wanted = DestinationOf(stream);
  for (IntakeRuntime& intake : intakes) {
    if (SameIntake(wanted, intake.destination)) return intake;
  }
  // Runtime made one for every stream of the console: anything else is a bug.
  std::abort();
}

std::optional<config::Config> LoadConfigOrLog(const std::string& path) {
  auto loaded = config::LoadConfigFile(path, KnownStreams());
  if (!loaded.ok()) {
    spdlog::error("Configuration is invalid. {}", loaded.status().message());
    return std::nullopt;
  }
  for (const auto& warning : loaded->warnings) spdlog::warn("Configuration warning. {}", warning);
  return std::move(loaded).value();
}

Runtime::Runtime(const config::Config& config, StopToken stop, const TransportWrapper& wrap,
                 TransferThread transfer_thread)
    : config_(config) {
  store_ = std::make_unique<state::FileStateStore>(config.state_dir, kCommitGroupWindow);
  dead_letter_ = std::make_unique<intake::DeadLetter>(std::filesystem::path(config.state_dir) /
                                                      "dead-letter.ndjson");
  consoles_.reserve(config.consoles.size());
  // Every transfer of the process runs on one libcurl loop, so connections
  // are shared across consoles and streams, and an idle one is kept per
  // console (its API) and per intake it posts to.
  http::CurlLoopOptions loop_options;
  loop_options.max_idle_connections = static_cast<long>(2 * config.consoles.size() + 8);
  loop_options.own_thread = transfer_thread == TransferThread::kLoopsOwn;
  curl_loop_ = http::MakeCurlLoop(loop_options);
  if (!loop_options.own_thread) io_loop_ = &http::AsIoLoop(*curl_loop_);
  // One bell per intake URL, whatever the console or key: an intake that
  // is back for one is back for all.
  std::map<std::string, std::shared_ptr<RecoveryBell>> intake_bells;
  for (const auto& console : config.consoles) {
    ConsoleRuntime rt;
    rt.config = &console;
    http::CurlOptions api_options;
    api_options.ca_file = console.ca_file;
    api_options.proxy = console.proxy;
    api_options.user_agent = kUserAgent;
    // A console (or anything posing as one) cannot make us buffer more than this.
    api_options.max_response_bytes = static_cast<size_t>(console.max_response_mib) << 20;
    rt.api_transport = http::MakeCurlTransport(api_options, stop, curl_loop_);
    http::CurlOptions intake_options = api_options;
    // The intake answers {"event_ids":[...]}: ~40 bytes per event, 5000 events a batch.
    intake_options.max_response_bytes = kMaxIntakeResponseBytes;
    rt.intake_transport = http::MakeCurlTransport(intake_options, stop, curl_loop_);
    if (wrap) {
      rt.api_transport = wrap(std::move(rt.api_transport), console.name, "api");
      rt.intake_transport = wrap(std::move(rt.intake_transport), console.name, "intake");
    }

    s1::ConsoleApi api;
    api.base_url = console.url;
    api.site_ids = console.site_ids;
    api.account_ids = console.account_ids;
    api.user_agent = kUserAgent;
    rt.client = std::make_unique<s1::S1Client>(*rt.api_transport, clock_, std::move(api),
                                               config::MakeSecretProvider(console.api_token));

    for (IntakeDestination& destination : IntakeDestinations(console)) {
      intake::ForwarderOptions fwd;
      fwd.console = console.name;
      fwd.intake_url = destination.url;
      fwd.gzip = console.intake_gzip;
      fwd.user_agent = kUserAgent;
      std::shared_ptr<RecoveryBell>& bell = intake_bells[destination.url];
      if (!bell) bell = std::make_shared<RecoveryBell>();
      fwd.recovery = bell;
      IntakeRuntime intake;
      intake.forwarder = std::make_unique<intake::Forwarder>(
          *rt.intake_transport, clock_, std::move(fwd),
          config::MakeSecretProvider(destination.key), *dead_letter_);
      intake.destination = std::move(destination);
      rt.intakes.push_back(std::move(intake));
    }
    consoles_.push_back(std::move(rt));
  }
}

ConsoleRuntime* Runtime::FindConsole(const std::string& name) {
  for (auto& c : consoles_) {
    if (c.config->name == name) return &c;
  }
  return nullptr;
}

std::shared_ptr<const s1::StreamParams> Runtime::StreamParamsFor(
    const config::StreamConfig& stream) {
  if (stream.graphql_query.empty() && stream.detection_products.empty()) return nullptr;
  auto params = std::make_shared<s1::StreamParams>();
  params->graphql_query = stream.graphql_query;
  params->detection_products = stream.detection_products;
  return params;
}

}  // namespace s1c::app
