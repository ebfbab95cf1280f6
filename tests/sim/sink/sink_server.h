// SinkServer: the HTTP face of the simulated Sekoia.io intake.
//
// Routes:
//   POST /batch, /api/v1/intake-http/batch, /plain/batch   accept a batch
//   GET  /_sink/stats                                     counts
//   GET|POST|DELETE /_sink/fault                          list, add, clear fault rules
#pragma once

#include <httplib.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "common/counters.h"
#include "common/fault_rules.h"
#include "common/rng.h"
#include "s1c/core/clock.h"
#include "s1c/core/stop_token.h"
#include "sink/ndjson_writer.h"

namespace s1c::sim {

// The fault modes the sink knows.
const std::vector<std::string>& SinkFaultModes();

struct SinkOptions {
  std::map<std::string, std::string> labels_by_key;  // Intake key -> output label.
  size_t max_body_bytes = 10 * 1024 * 1024;          // Decoded; above it: 413.
  size_t max_event_bytes = 250000;                   // Per event; above it: 413. 0 = no limit.
  uint64_t seed = 1;                                 // For event ids.
  bool discard = false;  // Count accepted events but write nothing (benchmarks).
};

// Borrows the writer, fault set, clock; all must outlive it. Thread-safe.
class SinkServer {
 public:
  SinkServer(SinkOptions options, NdjsonWriter& writer, FaultSet& faults, Clock& clock,
             StopToken stop);

  void Register(httplib::Server& server);

 private:
  void Batch(const httplib::Request& req, httplib::Response& res,
             const httplib::ContentReader& reader);
  // Answers with `fault` and returns true, or returns false when the batch
  // goes on (after a "slow" delay).
  bool AnswerWithFault(const FaultRule& fault, const httplib::Request& req, httplib::Response& res);
  // Decodes, validates and records a batch; fills `res`.
  void Accept(const httplib::Request& req, std::string body, httplib::Response& res);
  // Counts an accepted batch of `events` and answers 200 with their ids.
  void Accepted(bool gzip, const std::string& label, int64_t events, httplib::Response& res);
  void Stats(httplib::Response& res);
  void Fault(const httplib::Request& req, httplib::Response& res);

  SinkOptions options_;
  NdjsonWriter& writer_;
  FaultSet& faults_;
  Clock& clock_;
  StopToken stop_;

  std::mutex mu_;  // Guards the counters below and rng_.
  Rng rng_;
  int64_t batches_ = 0;
  int64_t events_ = 0;
  int64_t bytes_received_ = 0;
  int64_t bytes_decoded_ = 0;  // The same bodies after Content-Encoding was undone.
  int64_t gzip_batches_ = 0;
  int64_t rejected_ = 0;
  CounterRow by_label_;
  CounterRow status_counts_;
  CounterRow faults_injected_;
};

}  // namespace s1c::sim
