// SimServer: the HTTP face of the simulated SentinelOne console.
//
// Routes (v2.1, docs/design.md sections 3 and 5):
//   GET  /web/api/v2.1/activities | threats | cloud-detection/alerts | agents | groups
//        list pages ("ApiToken" auth)
//   POST /web/api/v2.1/unifiedalerts/graphql   alerts connection pages ("Bearer" auth)
//   GET  /web/api/v2.1/system/status | system/info
//   POST /web/api/v2.1/users/api-token-details
// Control routes for tests (no auth):
//   GET /_sim/corpus?stream=S   NDJSON of the rows visible now, exact bytes
//   GET /_sim/stats             request/event/fault counts
//   GET|POST|DELETE /_sim/fault list, add, clear fault rules
#pragma once

#include <httplib.h>

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "common/fault_rules.h"
#include "s1c/core/clock.h"
#include "s1c/core/stop_token.h"
#include "simulator/api_auth.h"
#include "simulator/event_store.h"
#include "simulator/page_pacer.h"
#include "simulator/sim_stats.h"

namespace s1c::sim {

// The fault modes the simulator knows (see README / --help).
const std::vector<std::string>& SimFaultModes();

struct SimServerOptions {
  std::set<std::string> denied_streams;  // Stream names answered with 403.
  int64_t token_expires_at_us = 0;       // Reported by users/api-token-details.
  // Alert fields the GraphQL schema lacks: a query naming one fails validation.
  std::vector<std::string> missing_alert_fields;
  // List pages (REST lists and GraphQL) answered per second over all
  // connections; 0 = as fast as they are asked for.
  double pages_per_second = 0;
  // false: API answers are never compressed, whatever the client accepts.
  bool gzip = true;
};

// One store per stream, indexed by StreamKind.
using StreamStores = std::array<EventStore*, kStreamCount>;

// Borrows everything it is given; all must outlive the server. Handlers run
// on httplib's worker threads; the shared pieces are thread-safe.
class SimServer {
 public:
  SimServer(SimServerOptions options, StreamStores stores, const TokenAuth& auth, FaultSet& faults,
            SimStats& stats, Clock& clock, StopToken stop);

  // Installs the routes on `server`.
  void Register(httplib::Server& server);

 private:
  using Handler = std::function<int64_t(const httplib::Request&, httplib::Response&)>;

  // Runs faults, auth (in the scheme of the scope's stream) and permission
  // checks around `handle`, which fills `res` and returns the number of
  // events it put in the body.
  void ServeApi(const std::string& scope, const httplib::Request& req, httplib::Response& res,
                const Handler& handle);
  // Answers with `fault` and returns true, or returns false when the request
  // goes on (after a "slow" delay, or for faults applied to the answer).
  bool AnswerWithFault(const FaultRule& fault, httplib::Response& res);
  // Gzips a large JSON answer when the client accepts gzip.
  static void MaybeGzip(const httplib::Request& req, httplib::Response& res);
  // Makes sure httplib sends `res` as it is, never compressed (gzip off).
  static void KeepUncompressed(httplib::Response& res);
  // Sleeps until the pacer's next slot (--pages-per-second), or until stop.
  void WaitForPageSlot();
  // Damages a finished answer for "drop" and "truncated".
  static void DamageAnswer(const FaultRule& fault, httplib::Response& res);

  int64_t ListEvents(EventStore& store, const httplib::Request& req, httplib::Response& res);
  // The GraphQL alerts query; errors are HTTP 200 with an "errors" array.
  int64_t GraphqlAlerts(EventStore& store, const httplib::Request& req, httplib::Response& res);
  void TokenDetails(const httplib::Request& req, httplib::Response& res);
  void Corpus(const httplib::Request& req, httplib::Response& res);
  void Stats(httplib::Response& res);
  void Fault(const httplib::Request& req, httplib::Response& res);

  SimServerOptions options_;
  StreamStores stores_;
  const TokenAuth& auth_;
  FaultSet& faults_;
  SimStats& stats_;
  Clock& clock_;
  StopToken stop_;
  PagePacer pacer_;
};

}  // namespace s1c::sim
