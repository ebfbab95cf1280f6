// The configuration schema as one table: every key of the file, where it may
// be set, its type and range, its default and a line of help. The loader
// derives from it the keys allowed at each level, the "did you mean" and
// "where does it go" hints, and the defaults -> console -> stream overlay;
// check-config derives its summary, and a test checks docs/configuration.md
// against it. A new option, or an option allowed at one more level, is one row.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "s1c/config/config.h"

namespace s1c::config {

// The places a key may appear in the file.
enum class Where : unsigned {
  kTop = 1 << 0,       // The top level.
  kLog = 1 << 1,       // "log": {...}
  kMetrics = 1 << 2,   // "metrics": {...}
  kDefaults = 1 << 3,  // "defaults": {...}
  kConsole = 1 << 4,   // consoles[i]
  kStream = 1 << 5,    // consoles[i].streams.<stream>
};

// A set of Where.
struct Levels {
  unsigned bits = 0;
  constexpr bool Has(Where w) const { return (bits & static_cast<unsigned>(w)) != 0; }
};
constexpr Levels operator|(Levels a, Where b) { return {a.bits | static_cast<unsigned>(b)}; }
constexpr Levels operator|(Where a, Where b) { return Levels{static_cast<unsigned>(a)} | b; }

// What a value is, which decides how it is checked, normalised and shown.
enum class ValueType {
  kObject,      // A nested object (log, metrics, defaults, streams).
  kConsoles,    // The array of console objects.
  kPath,        // A file or directory path, relative to the config file.
  kEnum,        // One of `choices`.
  kListen,      // "host:port" of a local listening socket.
  kName,        // A console name.
  kConsoleUrl,  // A SentinelOne console address.
  kIntakeUrl,   // A Sekoia.io intake base URL.
  kInteger,     // An integer in [min, max].
  kSeconds,     // An integer number of seconds in [min, max].
  kNumber,      // A number in (min, max].
  kBool,
  kStartFrom,  // An ISO-8601 time or a duration back from now.
  kCaFile,     // A readable PEM file, or "" for the system store.
  kProxy,      // A proxy URL, or "" for the environment.
  kSecret,     // A string, {"env": NAME} or {"file": PATH}.
  kIdList,     // An array of digit strings.
  kNameList,   // An array of non-empty strings.
  kQueryFile,  // A readable, non-empty text file.
};

// Where a value lands in a parsed console or stream: a member of one of
// these types, or nothing (the loader fills such values by hand).
template <typename T>
using FieldOf = std::variant<std::monostate, int T::*, double T::*, bool T::*, std::string T::*,
                             SecretRef T::*, std::vector<std::string> T::*>;

struct Option {
  std::string_view key;
  Levels levels;
  ValueType type;
  double min = 0;  // Range for kInteger, kSeconds, kNumber.
  double max = 0;
  std::span<const std::string_view> choices;  // For kEnum.
  bool graphql_only = false;                  // Only graphql streams may set it.
  // The value used when the key is unset, as JSON; "" when it has none
  // (required, or absent means off).
  std::string_view default_json;
  // Says what an unset or empty value means where a literal can't ("system
  // store"); shown instead of default_json in the docs and the summary.
  std::string_view default_note;
  std::string_view help;
  FieldOf<ConsoleConfig> console_field;
  FieldOf<StreamConfig> stream_field;

  // A setting "defaults" may hold: it is inherited defaults -> console -> stream.
  bool inherited() const { return levels.Has(Where::kDefaults); }
  // "log.level" for keys of a nested object, else the key.
  std::string DottedName() const;
  // "integer", "array of strings"...: as docs/configuration.md words it.
  std::string_view TypeName() const;
  // The default as the docs show it: "`30`", "`24h`" or "*(system store)*".
  std::string DocDefault() const;
};

// Every option, in the order of docs/configuration.md.
std::span<const Option> Options();

// The option `key` where it is allowed at `where`, or nullptr.
const Option* FindOption(std::string_view key, Where where);
// The option `key` at whatever level it is allowed (keys are unique), or nullptr.
const Option* FindOption(std::string_view key);

// "defaults, console, stream": the levels in the docs' words.
std::string LevelsText(Levels levels);

}  // namespace s1c::config
