#include "s1c/config/options.h"

#include <array>

namespace s1c::config {
namespace {

constexpr std::array<std::string_view, 5> kLogLevels = {"trace", "debug", "info", "warn", "error"};
constexpr std::array<std::string_view, 2> kLogFormats = {"text", "json"};

constexpr Levels kShared = Where::kDefaults | Where::kConsole;
constexpr Levels kPerStream = kShared | Where::kStream;

// Rows are built with these so each states only what it has.
struct Row {
  Option o;
  Row(std::string_view key, Levels levels, ValueType type, std::string_view help) {
    o.key = key;
    o.levels = levels;
    o.type = type;
    o.help = help;
  }
  Row(std::string_view key, Where where, ValueType type, std::string_view help)
      : Row(key, Levels{static_cast<unsigned>(where)}, type, help) {}
  Row& Range(double min, double max) {
    o.min = min;
    o.max = max;
    return *this;
  }
  Row& Choices(std::span<const std::string_view> choices) {
    o.choices = choices;
    return *this;
  }
  Row& GraphqlOnly() {
    o.graphql_only = true;
    return *this;
  }
  Row& Default(std::string_view json) {
    o.default_json = json;
    return *this;
  }
  Row& Note(std::string_view note) {
    o.default_note = note;
    return *this;
  }
  Row& Console(FieldOf<ConsoleConfig> field) {
    o.console_field = field;
    return *this;
  }
  Row& Stream(FieldOf<StreamConfig> field) {
    o.stream_field = field;
    return *this;
  }
  operator Option() const { return o; }
};

using V = ValueType;
using C = ConsoleConfig;
using S = StreamConfig;

const std::vector<Option> kOptions = {
    // Top level, log, metrics.
    Row("state_dir", Where::kTop, V::kPath, "Directory for checkpoints and the dead-letter file.")
        .Default(R"("/var/lib/s1-collector")"),
    Row("log", Where::kTop, V::kObject, "Logging: level and format.").Note("see its keys"),
    Row("level", Where::kLog, V::kEnum, "Least severe log level written.")
        .Choices(kLogLevels)
        .Default(R"("info")"),
    Row("format", Where::kLog, V::kEnum, "text (human-readable lines) or json (one object a line).")
        .Choices(kLogFormats)
        .Default(R"("text")"),
    Row("metrics", Where::kTop, V::kObject, "The /metrics and /healthz server.").Note("off"),
    Row("listen", Where::kMetrics, V::kListen, "host:port of the /metrics and /healthz server.")
        .Note("off"),
    Row("defaults", Where::kTop, V::kObject, "Shared settings for every console.").Default("{}"),
    Row("consoles", Where::kTop, V::kConsoles, "One object per SentinelOne console.")
        .Note("required"),
    // Console keys.
    Row("name", Where::kConsole, V::kName, "Unique console name; it names the state files.")
        .Note("required"),
    Row("url", Where::kConsole, V::kConsoleUrl, "The console address.")
        .Note("required")
        .Console(&C::url),
    Row("api_token", Where::kConsole, V::kSecret, "SentinelOne API token.")
        .Note("required")
        .Console(&C::api_token),
    Row("intake_key", Where::kConsole | Where::kStream, V::kSecret, "Sekoia.io intake key.")
        .Note("required, unless every enabled stream has its own")
        .Console(&C::intake_key)
        .Stream(&S::intake_key),
    Row("site_ids", Where::kConsole, V::kIdList, "Limits the rest streams to these sites.")
        .Default("[]")
        .Note("all the token can see")
        .Console(&C::site_ids),
    Row("account_ids", Where::kConsole, V::kIdList, "Limits the rest streams to these accounts.")
        .Default("[]")
        .Note("all the token can see")
        .Console(&C::account_ids),
    Row("streams", Where::kConsole, V::kObject, "Per-stream settings, keyed by stream name.")
        .Note("see below"),
    // Shared settings (inherited defaults -> console [-> stream]).
    Row("intake_url", kPerStream, V::kIntakeUrl, "Sekoia.io intake base URL.")
        .Default(R"("https://intake.sekoia.io")")
        .Console(&C::intake_url)
        .Stream(&S::intake_url),
    Row("intake_gzip", kShared, V::kBool, "Gzip the bodies sent to the intake.")
        .Default("true")
        .Console(&C::intake_gzip),
    Row("requests_per_second", kShared, V::kNumber, "API request budget of one console.")
        .Range(0, 1000)
        .Default("10")
        .Console(&C::requests_per_second),
    Row("ca_file", kShared, V::kCaFile, "PEM file of CA certificates to trust.")
        .Default(R"("")")
        .Note("system store")
        .Console(&C::ca_file),
    Row("proxy", kShared, V::kProxy, "Proxy URL for the console and its intakes.")
        .Default(R"("")")
        .Note("from the environment")
        .Console(&C::proxy),
    Row("max_response_mib", kShared, V::kInteger, "Largest API response body read, in MiB.")
        .Range(1, 1024)
        .Default("64")
        .Console(&C::max_response_mib),
    Row("poll_interval_seconds", kPerStream, V::kSeconds, "Wait between polls once caught up.")
        .Range(1, 86400)
        .Default("30")
        .Stream(&S::poll_interval_seconds),
    Row("page_size", kPerStream, V::kInteger, "Events per API page.")
        .Range(1, 1000)
        .Default("1000")
        .Stream(&S::page_size),
    Row("start_from", kPerStream, V::kStartFrom, "Where a stream without a checkpoint starts.")
        .Default(R"("24h")")
        .Stream(&S::start_from),
    Row("lookback_seconds", kPerStream, V::kSeconds, "How late an event may be indexed.")
        .Range(0, 86400)
        .Default("300")
        .Stream(&S::lookback_seconds),
    // Stream keys.
    Row("enabled", Where::kStream, V::kBool, "Whether this console collects this stream.")
        .Note("per stream, see below")
        .Stream(&S::enabled),
    Row("query_file", Where::kStream, V::kQueryFile, "GraphQL query to send (graphql streams).")
        .GraphqlOnly()
        .Note("the built-in query")
        .Stream(&S::query_file),
    Row("detection_products", Where::kStream, V::kNameList,
        "Collect only these detection products (graphql streams).")
        .Default("[]")
        .GraphqlOnly()
        .Note("every product")
        .Stream(&S::detection_products),
};

}  // namespace

std::string Option::DottedName() const {
  if (levels.Has(Where::kLog)) return "log." + std::string(key);
  if (levels.Has(Where::kMetrics)) return "metrics." + std::string(key);
  return std::string(key);
}

std::string_view Option::TypeName() const {
  switch (type) {
    case ValueType::kObject:
      return "object";
    case ValueType::kConsoles:
      return "array";
    case ValueType::kInteger:
    case ValueType::kSeconds:
      return "integer";
    case ValueType::kNumber:
      return "number";
    case ValueType::kBool:
      return "boolean";
    case ValueType::kSecret:
      return "secret";
    case ValueType::kIdList:
    case ValueType::kNameList:
      return "array of strings";
    default:
      return "string";
  }
}

std::string Option::DocDefault() const {
  if (!default_note.empty()) return "*(" + std::string(default_note) + ")*";
  std::string_view v = default_json;
  // A JSON string is shown without its quotes.
  if (v.size() >= 2 && v.front() == '"') v = v.substr(1, v.size() - 2);
  return "`" + std::string(v) + "`";
}

std::span<const Option> Options() { return kOptions; }

const Option* FindOption(std::string_view key, Where where) {
  const Option* o = FindOption(key);
  return o != nullptr && o->levels.Has(where) ? o : nullptr;
}

const Option* FindOption(std::string_view key) {
  for (const Option& o : kOptions) {
    if (o.key == key) return &o;
  }
  return nullptr;
}

std::string LevelsText(Levels levels) {
  static constexpr std::pair<Where, std::string_view> kNames[] = {
      {Where::kTop, "top"},           {Where::kLog, "log"},         {Where::kMetrics, "metrics"},
      {Where::kDefaults, "defaults"}, {Where::kConsole, "console"}, {Where::kStream, "stream"}};
  std::string out;
  for (const auto& [where, name] : kNames) {
    if (!levels.Has(where)) continue;
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

}  // namespace s1c::config
