// intake-sink: a Sekoia.io intake double that records what it accepts.
// See sink_server.h for the routes and README.md in this directory for the flags.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "common/fault_rules.h"
#include "common/server_runner.h"
#include "s1c/core/clock.h"
#include "s1c/core/stop_token.h"
#include "sink/ndjson_writer.h"
#include "sink/sink_server.h"

namespace s1c::sim {
namespace {

struct Flags {
  ListenOptions listen;
  std::vector<std::string> keys;
  std::string out_dir;
  std::vector<std::string> faults;
  uint64_t seed = 1;
  size_t max_event_bytes = 250000;
  bool discard = false;
};

int Fail(const std::string& message) {
  std::fprintf(stderr, "intake-sink: %s\n", message.c_str());
  return 2;
}

int Run(const Flags& f) {
  SinkOptions options;
  options.seed = f.seed;
  options.max_event_bytes = f.max_event_bytes;
  options.discard = f.discard;
  for (const std::string& spec : f.keys) {
    const size_t eq = spec.find('=');
    const std::string key = spec.substr(0, eq);
    const std::string label = eq == std::string::npos ? key : spec.substr(eq + 1);
    if (key.empty()) return Fail("--key: the key is empty");
    if (!IsValidLabel(label)) {
      return Fail("--key: label must match [A-Za-z0-9_.-]+ (use --key KEY=LABEL for other keys)");
    }
    options.labels_by_key[key] = label;
  }
  std::error_code ec;
  std::filesystem::create_directories(f.out_dir, ec);
  if (ec) return Fail("--out-dir " + f.out_dir + ": " + ec.message());

  SystemClock clock;
  FaultSet faults(f.seed);
  for (const auto& flag : f.faults) {
    auto rule = ParseFaultFlag(flag, SinkFaultModes(), clock.MonotonicNow());
    if (!rule.ok()) return Fail(rule.status().message());
    faults.Add(std::move(*rule));
  }
  auto server = MakeServer(f.listen);
  if (!server.ok()) return Fail(server.status().message());

  StopSource stop;
  NdjsonWriter writer(f.out_dir);
  SinkServer sink(options, writer, faults, clock, stop.token());
  sink.Register(**server);
  Status served = ServeUntilSignalled(**server, f.listen, [&] { stop.RequestStop(); });
  if (!served.ok()) {
    std::fprintf(stderr, "intake-sink: %s\n", served.message().c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace s1c::sim

int main(int argc, char** argv) {
  s1c::sim::BlockTerminationSignals();
  CLI::App app{"intake-sink: a Sekoia.io intake double for tests (127.0.0.1 only)"};
  s1c::sim::Flags f;
  app.add_option("--port", f.listen.port, "TCP port on 127.0.0.1 (0 = pick a free one)")
      ->capture_default_str();
  app.add_option("--port-file", f.listen.port_file, "Also write the bound port to this file");
  app.add_option("--tls-cert", f.listen.tls_cert, "PEM certificate: serve HTTPS (with --tls-key)");
  app.add_option("--tls-key", f.listen.tls_key, "PEM private key for --tls-cert");
  app.add_flag("--verbose", f.listen.verbose, "Log one line per request to stderr");
  app.add_option("--key", f.keys,
                 "Accepted intake key, KEY[=LABEL] (repeatable); events go to OUT/LABEL.ndjson")
      ->required();
  app.add_option("--out-dir", f.out_dir, "Directory for the <label>.ndjson files")->required();
  app.add_option(
      "--fault", f.faults,
      "Fault rule MODE[:PROBABILITY[:key=value,...]] (repeatable); modes: outage, error_500, "
      "rate_limit, slow, drop");
  app.add_option("--seed", f.seed, "Seed of fault draws and event ids")->capture_default_str();
  app.add_option("--max-event-bytes", f.max_event_bytes,
                 "Refuse (413) a batch holding an event larger than this (0 = no limit)")
      ->capture_default_str();
  app.add_flag(
      "--discard", f.discard,
      "Count accepted events without writing them (benchmarks); nothing goes to --out-dir");
  app.add_option("--threads", f.listen.threads, "Request worker threads")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return s1c::sim::Run(f);
}
