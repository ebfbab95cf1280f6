// The collector's configuration (docs/design.md section 9): loaded from one JSON
// file (// and /* */ comments allowed), validated completely, with every
// error naming the JSON path (e.g. "consoles[1].streams.threats.page_size").
// Unknown keys are errors. Per-console values override "defaults";
// per-stream values override both. The schema (keys, levels, types, ranges,
// defaults) is the option table in s1c/config/options.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "s1c/core/secret.h"
#include "s1c/core/status.h"

namespace s1c::config {

// Where a secret comes from: a literal string, {"env": NAME} or {"file": PATH}.
// A relative file path is resolved against $CREDENTIALS_DIRECTORY when set
// (systemd LoadCredential), else against the config file's directory.
struct SecretRef {
  enum class Kind { kLiteral, kEnv, kFile };
  Kind kind = Kind::kLiteral;
  std::string value;  // The literal, the variable name, or the resolved path.
  // "env S1_TOKEN_EU", "file /run/credentials/x", "inline value": never the secret.
  std::string Describe() const;
};

// Reads the secret now: env lookups and file reads happen on every call (so
// rotations are picked up); surrounding whitespace and a trailing newline are
// trimmed. Errors name the source, never the value.
Result<std::string> ResolveSecret(const SecretRef& ref);
SecretProvider MakeSecretProvider(SecretRef ref);

struct StreamConfig {
  std::string name;  // A row of the stream table.
  // Each value below is set by the loader; the defaults, ranges and meaning
  // of every option are in the option table (s1c/config/options.h).
  bool enabled = false;
  int poll_interval_seconds = 0;
  int page_size = 0;
  std::string start_from;  // ISO-8601 time or a duration back from now.
  int lookback_seconds = 0;
  // Where this stream's events go: its own intake_key / intake_url when set
  // on the stream, else the console's (and for the URL, defaults').
  SecretRef intake_key;
  bool own_intake_key = false;  // intake_key was set on the stream itself.
  std::string intake_url;       // Normalised, no trailing slash.
  // graphql streams only.
  std::string query_file;                       // Resolved path; empty = the built-in query.
  std::string graphql_query;                    // Its text, read when the config is loaded.
  std::vector<std::string> detection_products;  // Empty = every product.
};

struct ConsoleConfig {
  std::string name;  // [A-Za-z0-9_.-]+, unique.
  std::string url;   // Normalised "https://host[:port]" (or http:// for loopback).
  SecretRef api_token;
  SecretRef intake_key;      // The console's; a stream may have its own (StreamConfig).
  std::string intake_url;    // Normalised, no trailing slash.
  std::string ca_file;       // Empty = system store.
  std::string proxy;         // Empty = environment.
  int max_response_mib = 0;  // Larger API response bodies are refused.
  std::vector<std::string> site_ids;
  std::vector<std::string> account_ids;
  double requests_per_second = 0;
  bool intake_gzip = false;
  std::vector<StreamConfig> streams;  // Every known stream, enabled or not, table order.
};

struct LogConfig {
  std::string level;   // trace|debug|info|warn|error
  std::string format;  // text|json
};

struct MetricsConfig {
  std::string listen;  // "host:port"; empty = off.
};

struct Config {
  std::string source;  // The file it was loaded from.
  std::string state_dir;
  LogConfig log;
  MetricsConfig metrics;
  std::vector<ConsoleConfig> consoles;
  std::vector<std::string> warnings;  // Non-fatal findings (e.g. a world-readable secret file).
};

// What the config layer needs to know of each stream (from the s1 stream table).
struct KnownStream {
  std::string name;
  bool enabled_by_default = false;
  bool graphql = false;  // query_file and detection_products apply to it.
  // The row's own defaults (inventories): they win over "defaults" and the
  // console, and only the stream's own settings override them.
  std::optional<int> poll_interval_seconds;
  std::optional<std::string> start_from;
  std::optional<int> lookback_seconds;
};

// Parses and validates. `source` names the file in messages; relative paths
// in the config resolve against `base_dir`. Returns kInvalidArgument with
// "<source>: <json.path>: <what is wrong and what to do>".
Result<Config> ParseConfig(std::string_view text, std::string_view source,
                           const std::vector<KnownStream>& streams,
                           std::string_view base_dir = ".");

// Reads the file and calls ParseConfig.
Result<Config> LoadConfigFile(const std::string& path, const std::vector<KnownStream>& streams);

}  // namespace s1c::config
