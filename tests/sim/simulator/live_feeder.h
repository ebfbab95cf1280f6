// LiveFeeder: keeps appending rows, as a busy console does (live mode).
#pragma once

#include <cstdint>
#include <vector>

#include "common/rng.h"
#include "s1c/core/clock.h"
#include "s1c/core/stop_token.h"
#include "simulator/event_generator.h"
#include "simulator/event_store.h"
#include "simulator/sim_stats.h"

namespace s1c::sim {

struct LiveOptions {
  double rate_per_second = 0;   // Rows per second per live stream.
  int64_t late_ms = 0;          // Late rows become visible this long after their time...
  double late_fraction = 0;     // ...and this fraction of rows is late.
  uint64_t seed = 1;            // For the late/burst draws.
  double duration_seconds = 0;  // Stop adding rows after this long (0 = until shut down).
};

// Owns nothing; the generator is used only by this feeder once it runs.
// Run() blocks; all other access goes through the thread-safe stores.
class LiveFeeder {
 public:
  // `stores` are the streams that gain rows.
  LiveFeeder(LiveOptions options, EventGenerator& generator, std::vector<EventStore*> stores,
             SimStats& stats, Clock& clock)
      : options_(options),
        generator_(generator),
        stores_(std::move(stores)),
        stats_(stats),
        clock_(clock),
        rng_(options.seed ^ 0x4c495645ull) {}

  // Appends rows at the configured rate until `stop` is requested, or until
  // a bounded live phase is over and every row it added is visible, late
  // ones included (then sets SimStats::live_finished).
  void Run(const StopToken& stop);

 private:
  void Emit(size_t stream, int64_t count);

  LiveOptions options_;
  EventGenerator& generator_;
  std::vector<EventStore*> stores_;
  SimStats& stats_;
  Clock& clock_;
  Rng rng_;
  int64_t last_visible_us_ = 0;  // When the last row added so far becomes visible.
};

}  // namespace s1c::sim
