// Console sharding (docs/design.md section 8a): N collector processes (a
// Kubernetes StatefulSet's replicas) read one config, and process I of N
// polls only the consoles whose jump consistent hash of the console name
// over N buckets is I. No coordination: while every process is given the
// same N, each console is polled by exactly one of them.
//
// The hash is part of the on-disk contract: a console's checkpoints live on
// the replica that owns it, so changing ShardOf() would silently move
// consoles away from their checkpoints. tests/unit/app/shard_test.cc pins its
// output for known names.
//
// Pure functions except LocalHostname(); thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "s1c/config/config.h"
#include "s1c/core/status.h"
#include "s1c/obs/metrics.h"

namespace s1c::app {

// Shard counts above this are refused (a typo, not a fleet).
inline constexpr int kMaxShards = 10000;

// This process's share: shard `index` of `count` (0 <= index < count).
struct Shard {
  int index = 0;
  int count = 1;
};

// "1/3".
std::string ShardText(const Shard& shard);

// Jump consistent hash (Lamping & Veach, "A Fast, Minimal Memory,
// Consistent Hash Algorithm", 2014), exactly as the paper's reference code:
// the bucket of `key` among `buckets` (>= 1). Going from n to n+1 buckets
// moves a key only to the new bucket n, and about 1/(n+1) of the keys move.
int32_t JumpConsistentHash(uint64_t key, int32_t buckets);

// The 64-bit key of a console name: FNV-1a (64-bit) of its bytes.
uint64_t ConsoleKey(std::string_view console_name);

// The shard that owns `console_name` among `count` shards:
// JumpConsistentHash(ConsoleKey(console_name), count). REQUIRES: count >= 1.
int ShardOf(std::string_view console_name, int count);

// The StatefulSet ordinal in a hostname: the digits after its last '-'
// ("s1-collector-2" -> 2). A domain part ("s1-collector-2.svc.local") is
// ignored. kInvalidArgument naming the hostname when it has no such suffix.
Result<int> OrdinalFromHostname(std::string_view hostname);

// Parses --shard: "I/N" (0 <= I < N <= kMaxShards) or "auto/N", where I is
// the ordinal of `hostname` (OrdinalFromHostname) and must be below N.
// kInvalidArgument with what is wrong and the expected form otherwise.
Result<Shard> ParseShard(std::string_view spec, std::string_view hostname);

// This machine's hostname (gethostname), "" when it cannot be read.
std::string LocalHostname();

// The names of `config`'s consoles that `shard` owns, in config order.
std::vector<std::string> OwnedConsoles(const config::Config& config, const Shard& shard);

// Removes from `config` every console that `shard` does not own.
void KeepOwnedConsoles(config::Config& config, const Shard& shard);

// For `run` and `check-config`: with no spec, does nothing and returns
// nullopt. Otherwise parses it (auto from LocalHostname()), keeps only the
// owned consoles in `config` and returns the shard. Errors are the
// kInvalidArgument of ParseShard.
Result<std::optional<Shard>> ApplyShardOption(const std::optional<std::string>& spec,
                                              config::Config& config);

// Registers s1c_shard_info{index,count} (always 1) and
// s1c_shard_consoles_owned (how many consoles this process polls).
void RegisterShardMetrics(obs::MetricsRegistry& registry, const Shard& shard, size_t owned);

// A console that changes owner when the shard count goes from `from` to `to`.
struct ConsoleMove {
  std::string console;
  int from_shard = 0;
  int to_shard = 0;
};

// Every console of `names` whose owner differs between `from` and `to`
// shards, in the order given. REQUIRES: from, to >= 1.
std::vector<ConsoleMove> PlanResize(const std::vector<std::string>& names, int from, int to);

}  // namespace s1c::app
