#include "shard.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <climits>

#include "s1c/core/text.h"

namespace s1c::app {
namespace {

constexpr std::string_view kShardForm = "I/N (0 <= I < N) or auto/N";

// A whole decimal number of at most 9 digits (no sign, no spaces).
std::optional<int> ParseSmallNumber(std::string_view text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;  // from_chars would take a leading '-'.
  }
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string ShardText(const Shard& shard) {
  return std::to_string(shard.index) + "/" + std::to_string(shard.count);
}

int32_t JumpConsistentHash(uint64_t key, int32_t buckets) {
  // The reference code of the paper, section 3 (doubles included, so that
  // results match every other implementation of it).
  int64_t b = -1;
  int64_t j = 0;
  while (j < buckets) {
    b = j;
    key = key * 2862933555777941757ULL + 1;
    j = static_cast<int64_t>(static_cast<double>(b + 1) * (static_cast<double>(1LL << 31) /
                                                           static_cast<double>((key >> 33) + 1)));
  }
  return static_cast<int32_t>(b);
}

uint64_t ConsoleKey(std::string_view console_name) {
  uint64_t hash = 14695981039346656037ULL;  // FNV-1a 64-bit offset basis.
  for (const char c : console_name) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;  // FNV 64-bit prime.
  }
  return hash;
}

int ShardOf(std::string_view console_name, int count) {
  return JumpConsistentHash(ConsoleKey(console_name), count);
}

Result<int> OrdinalFromHostname(std::string_view hostname) {
  const std::string_view host = hostname.substr(0, hostname.find('.'));
  const size_t dash = host.rfind('-');
  const std::optional<int> ordinal =
      dash == std::string_view::npos ? std::nullopt : ParseSmallNumber(host.substr(dash + 1));
  if (!ordinal) {
    return InvalidArgument(
        "--shard auto/N takes the shard index from the hostname's trailing -<ordinal>, as a "
        "StatefulSet names its pods (s1-collector-0, s1-collector-1, ...), but the hostname \"" +
        std::string(hostname) + "\" has none; give the index instead: --shard I/N");
  }
  return *ordinal;
}

Result<Shard> ParseShard(std::string_view spec, std::string_view hostname) {
  const size_t slash = spec.find('/');
  if (slash == std::string_view::npos) {
    return InvalidArgument("--shard \"" + std::string(spec) + "\": expected " +
                           std::string(kShardForm));
  }
  const std::string_view index_text = spec.substr(0, slash);
  const std::optional<int> count = ParseSmallNumber(spec.substr(slash + 1));
  if (!count || *count < 1 || *count > kMaxShards) {
    return InvalidArgument("--shard \"" + std::string(spec) + "\": N must be a number from 1 to " +
                           std::to_string(kMaxShards) + " (expected " + std::string(kShardForm) +
                           ")");
  }
  Shard shard;
  shard.count = *count;
  if (index_text == "auto") {
    Result<int> ordinal = OrdinalFromHostname(hostname);
    if (!ordinal.ok()) return ordinal.status();
    if (*ordinal >= *count) {
      return InvalidArgument("--shard " + std::string(spec) + ": the hostname \"" +
                             std::string(hostname) + "\" gives index " + std::to_string(*ordinal) +
                             ", which is not below " + std::to_string(*count) +
                             "; the StatefulSet's replicas and --shard auto/N must be the same "
                             "number");
    }
    shard.index = *ordinal;
    return shard;
  }
  const std::optional<int> index = ParseSmallNumber(index_text);
  if (!index || *index >= *count) {
    return InvalidArgument("--shard \"" + std::string(spec) + "\": I must be a number from 0 to " +
                           std::to_string(*count - 1) + " (expected " + std::string(kShardForm) +
                           ")");
  }
  shard.index = *index;
  return shard;
}

std::string LocalHostname() {
  char name[HOST_NAME_MAX + 1] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

std::vector<std::string> OwnedConsoles(const config::Config& config, const Shard& shard) {
  std::vector<std::string> owned;
  for (const auto& console : config.consoles) {
    if (ShardOf(console.name, shard.count) == shard.index) owned.push_back(console.name);
  }
  return owned;
}

void KeepOwnedConsoles(config::Config& config, const Shard& shard) {
  std::erase_if(config.consoles, [&shard](const config::ConsoleConfig& c) {
    return ShardOf(c.name, shard.count) != shard.index;
  });
}

Result<std::optional<Shard>> ApplyShardOption(const std::optional<std::string>& spec,
                                              config::Config& config) {
  if (!spec) return std::optional<Shard>();
  Result<Shard> shard = ParseShard(*spec, LocalHostname());
  if (!shard.ok()) return shard.status();
  const size_t total = config.consoles.size();
  KeepOwnedConsoles(config, *shard);
  std::vector<std::string> names;
  for (const auto& c : config.consoles) names.push_back(c.name);
  // An empty shard is legal (fewer consoles than replicas, or an unlucky
  // hash): the process idles and stays healthy, but say so.
  if (names.empty()) {
    spdlog::warn("This shard owns no console; it polls nothing. shard={} consoles_total={}",
                 ShardText(*shard), total);
  } else {
    spdlog::info("Shard selected. shard={} consoles={} consoles_total={} owned={}",
                 ShardText(*shard), names.size(), total, Join(names, ","));
  }
  return std::optional<Shard>(*shard);
}

void RegisterShardMetrics(obs::MetricsRegistry& registry, const Shard& shard, size_t owned) {
  registry
      .AddGauge("s1c_shard_info",
                "Always 1; which shard of how many this process is (run --shard index/count).",
                {"index", "count"})
      .With({std::to_string(shard.index), std::to_string(shard.count)})
      .Set(1);
  registry
      .AddGauge("s1c_shard_consoles_owned",
                "Consoles this process polls: those whose jump hash over count is index.")
      .With({})
      .Set(static_cast<double>(owned));
}

std::vector<ConsoleMove> PlanResize(const std::vector<std::string>& names, int from, int to) {
  std::vector<ConsoleMove> moves;
  for (const std::string& name : names) {
    const int a = ShardOf(name, from);
    const int b = ShardOf(name, to);
    if (a != b) moves.push_back({name, a, b});
  }
  return moves;
}

}  // namespace s1c::app
