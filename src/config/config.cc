// Config loading and validation. The checker walks the whole document and
// collects every error (up to kMaxErrors) so one run of check-config shows
// everything to fix; each error names its JSON path.
//
// Secrets: no message built here contains a secret's value. Values are
// echoed only for fields that cannot hold one, and secret-shaped fields
// (api_token, intake_key) only ever report their type or their source.
#include "s1c/config/config.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <system_error>

#include "file_read.h"
#include "s1c/config/options.h"
#include "s1c/core/host_port.h"
#include "s1c/core/iso_time.h"
#include "s1c/core/text.h"
#include "url.h"

namespace s1c::config {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

using Keys = std::vector<std::string_view>;

constexpr size_t kMaxErrors = 20;
constexpr size_t kMaxConfigBytes = 16 * 1024 * 1024;
constexpr std::string_view kTopLevel = "(top level)";

// A query file is a page of text; anything bigger is not one.
constexpr size_t kMaxQueryFileBytes = 1024 * 1024;

// The keys allowed at `where`, in table order.
Keys KeysAt(Where where) {
  Keys keys;
  for (const Option& o : Options()) {
    if (o.levels.Has(where)) keys.push_back(o.key);
  }
  return keys;
}

bool Contains(const Keys& keys, std::string_view k) {
  return std::find(keys.begin(), keys.end(), k) != keys.end();
}

// ---- JSON paths ----

bool IsPlainKey(std::string_view k) {
  return !k.empty() && std::all_of(k.begin(), k.end(),
                                   [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

// A string that is probably a pasted secret rather than a name or a path:
// never echo it and refuse it where a name or path is expected.
bool LooksLikeSecret(std::string_view s) {
  return s.size() > 64 && s.find('/') == std::string_view::npos;
}

std::string Child(const std::string& parent, std::string_view key) {
  // An unknown key may be a secret pasted in the wrong place: don't echo it.
  if (LooksLikeSecret(key))
    return parent + "[<a key of " + std::to_string(key.size()) + " characters>]";
  if (!IsPlainKey(key)) return parent + "[\"" + Excerpt(key, 40) + "\"]";
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string Item(const std::string& parent, size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

// ---- Describing values ----

std::string TypeName(const json& v) {
  switch (v.type()) {
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "an integer";
    case json::value_t::number_float:
      return "a number";
    case json::value_t::null:
      return "null";
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    default:
      return "nothing";
  }
}

// Echoes a value that cannot be a secret (never call it on api_token or
// intake_key).
std::string Shown(const json& v) {
  if (v.is_string()) return "\"" + Excerpt(v.get_ref<const std::string&>(), 60) + "\"";
  if (v.is_number() || v.is_boolean() || v.is_null()) return v.dump();
  return TypeName(v);
}

// ---- Suggestions ----

// Optimal string alignment distance (Levenshtein plus adjacent
// transpositions, the commonest typo), case-insensitive.
size_t EditDistance(std::string_view a, std::string_view b) {
  const auto same = [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  };
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (same(a[i - 1], b[j - 1]) ? 0 : 1)});
      if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1])) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// The closest candidate when it is close enough to be a likely typo: a few
// edits away, or the key is a clear prefix ("poll_interval").
std::optional<std::string_view> Suggest(std::string_view key, const Keys& candidates) {
  std::optional<std::string_view> best;
  size_t best_distance = 0;
  const size_t limit = std::max<size_t>(1, std::min<size_t>(3, key.size() / 3));
  for (std::string_view c : candidates) {
    size_t d = EditDistance(key, c);
    if (key.size() >= 4 && c.substr(0, key.size()) == key) d = std::min(d, limit);
    if (d <= limit && (!best || d < best_distance)) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

// Says where a key that is valid elsewhere belongs, or "".
std::string WhereHint(std::string_view key, Where where) {
  const Option* o = FindOption(key);
  if (o == nullptr || o->levels.Has(where)) return "";
  const std::string k = "\"" + std::string(key) + "\"";
  if (o->inherited()) {
    return where == Where::kStream ? k + " can be set in defaults or per console, not per stream"
                                   : k + " goes in defaults or in a console";
  }
  if (o->levels.Has(Where::kConsole) || o->levels.Has(Where::kStream)) {
    std::string places;
    if (o->levels.Has(Where::kConsole))
      places = "per console (consoles[i]." + std::string(key) + ")";
    if (o->levels.Has(Where::kStream)) {
      places += (places.empty() ? "" : " or ") +
                std::string("per stream (consoles[i].streams.<stream>.") + std::string(key) + ")";
    }
    return k + " is set " + places;
  }
  if (o->levels.Has(Where::kTop)) return k + " is a top-level key";
  const std::string dotted = o->DottedName();  // "log.level"
  return k + " belongs in " + dotted.substr(0, dotted.find('.')) + " (" + dotted + ")";
}

// Every key of every level, for suggestions across levels.
const Keys& AllKeys() {
  static const Keys all = [] {
    Keys k;
    for (const Option& o : Options()) k.push_back(o.key);
    return k;
  }();
  return all;
}

bool IsEnvName(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s.front()))) return false;
  return std::all_of(s.begin(), s.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

// ---- Parse errors ----

// "line 3, column 7" for nlohmann's byte count (the 1-based index of the last
// character read, one past the end at end of input).
std::string PositionOf(std::string_view text, size_t byte) {
  const size_t index = std::min(byte == 0 ? 0 : byte - 1, text.size());
  const std::string_view before = text.substr(0, index);
  const size_t line = 1 + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
  const size_t last_newline = before.rfind('\n');
  const size_t column = last_newline == std::string_view::npos ? index + 1 : index - last_newline;
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// nlohmann's message without its id prefix, its own position, and the
// "last read: '...'" excerpt, which could hold part of an inline secret
// (an unterminated string, for example).
std::string CleanParseMessage(std::string what) {
  const size_t bracket = what.find("] ");
  if (what.rfind("[json.exception.", 0) == 0 && bracket != std::string::npos) {
    what.erase(0, bracket + 2);
  }
  if (what.rfind("parse error", 0) == 0) {
    const size_t colon = what.find(": ");
    if (colon != std::string::npos) what.erase(0, colon + 2);
  }
  const size_t last_read = what.find("; last read: '");
  if (last_read != std::string::npos) {
    const size_t expected = what.rfind("; expected ");
    const std::string tail =
        expected != std::string::npos && expected > last_read ? what.substr(expected) : "";
    what = what.substr(0, last_read) + tail;
  }
  return what;
}

// Finds duplicate keys while parsing (nlohmann keeps the last silently, and
// a silently ignored setting is what "unknown keys are errors" forbids).
class DuplicateKeyFinder {
 public:
  bool OnEvent(json::parse_event_t event, const json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        frames_.emplace_back().is_array = false;
        break;
      case json::parse_event_t::array_start:
        frames_.emplace_back().is_array = true;
        break;
      case json::parse_event_t::key: {
        Frame& f = frames_.back();
        f.key = parsed.get<std::string>();
        if (!f.keys.insert(f.key).second) duplicates_.push_back(CurrentPath());
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        frames_.pop_back();
        ElementDone();
        break;
      case json::parse_event_t::value:
        ElementDone();
        break;
    }
    return true;
  }
  const std::vector<std::string>& duplicates() const { return duplicates_; }

 private:
  struct Frame {
    bool is_array = false;
    size_t index = 0;
    std::string key;
    std::set<std::string> keys;
  };
  void ElementDone() {
    if (!frames_.empty() && frames_.back().is_array) ++frames_.back().index;
  }
  std::string CurrentPath() const {
    std::string path;
    for (const Frame& f : frames_) path = f.is_array ? Item(path, f.index) : Child(path, f.key);
    return path;
  }
  std::vector<Frame> frames_;
  std::vector<std::string> duplicates_;
};

// Inherited settings (options "defaults" may hold) by key, checked and
// normalised; a key that is absent inherits.
using Settings = std::map<std::string_view, json>;

// The value of inherited option `o`: the merged setting, else its default.
json ValueOf(const Option& o, const Settings& merged) {
  auto it = merged.find(o.key);
  return it != merged.end() ? it->second : json::parse(o.default_json);
}

// The default of a string option that is not inherited (state_dir, log.level).
std::string DefaultText(std::string_view key, Where where) {
  return json::parse(FindOption(key, where)->default_json).get<std::string>();
}

// Stores `value` in the member `field` of `out`, if the option has one there.
template <typename T>
void Assign(const FieldOf<T>& field, const json& value, T& out) {
  std::visit(
      [&](auto member) {
        if constexpr (!std::is_same_v<decltype(member), std::monostate>) {
          using Value = std::remove_reference_t<decltype(out.*member)>;
          if constexpr (!std::is_same_v<Value, SecretRef>) out.*member = value.get<Value>();
        }
      },
      field);
}

// Fills every inherited setting of `out` that lands in T.
template <typename T>
void ApplySettings(const Settings& merged, T& out) {
  for (const Option& o : Options()) {
    if (!o.inherited()) continue;
    if constexpr (std::is_same_v<T, ConsoleConfig>) {
      Assign(o.console_field, ValueOf(o, merged), out);
    } else {
      Assign(o.stream_field, ValueOf(o, merged), out);
    }
  }
}

class Checker {
 public:
  Checker(std::string_view source, std::string_view base_dir, const std::vector<KnownStream>& known)
      : source_(source), known_(known) {
    std::error_code ec;
    fs::path base = fs::absolute(fs::path(base_dir.empty() ? "." : base_dir), ec);
    base_dir_ = ec ? fs::path(base_dir) : base.lexically_normal();
    const char* creds = std::getenv("CREDENTIALS_DIRECTORY");
    if (creds != nullptr && *creds != '\0') credentials_dir_ = fs::path(creds);
    for (const KnownStream& s : known_) known_names_.push_back(s.name);
  }

  void Error(const std::string& path, std::string message) {
    errors_.push_back(source_ + ": " + (path.empty() ? std::string(kTopLevel) : path) + ": " +
                      message);
  }

  void Check(const json& root) {
    config_.source = source_;
    config_.state_dir = Resolve(base_dir_, DefaultText("state_dir", Where::kTop));
    config_.log.level = DefaultText("level", Where::kLog);
    config_.log.format = DefaultText("format", Where::kLog);
    if (!root.is_object()) {
      Error("", "the configuration must be a JSON object ({...}), got " + TypeName(root));
      return;
    }
    CheckKeys(root, "", Where::kTop);
    if (const json* v = Find(root, "state_dir")) {
      std::string dir;
      if (ReadString(*v, "state_dir", &dir)) config_.state_dir = Resolve(base_dir_, dir);
    }
    if (const json* log = Find(root, "log"); log && ExpectObject(*log, "log")) {
      CheckKeys(*log, "log", Where::kLog);
      ReadEnum(*log, "log", "level", &config_.log.level);
      ReadEnum(*log, "log", "format", &config_.log.format);
    }
    if (const json* m = Find(root, "metrics"); m && ExpectObject(*m, "metrics")) {
      CheckKeys(*m, "metrics", Where::kMetrics);
      std::string listen;
      if (const json* v = Find(*m, "listen");
          v && ReadString(*v, "metrics.listen", &listen, true)) {
        if (Status s = ParseListenAddress(listen).status(); !listen.empty() && !s.ok()) {
          Error("metrics.listen", s.message());
        } else {
          config_.metrics.listen = listen;
        }
      }
    }
    Settings defaults;
    if (const json* d = Find(root, "defaults"); d && ExpectObject(*d, "defaults")) {
      CheckKeys(*d, "defaults", Where::kDefaults);
      ReadSettings(*d, "defaults", Where::kDefaults, &defaults);
    }
    CheckConsoles(root, defaults);
  }

  Result<Config> Finish() {
    if (errors_.empty()) return std::move(config_);
    std::string message;
    for (size_t i = 0; i < errors_.size() && i < kMaxErrors; ++i) {
      if (i > 0) message += "\n";
      message += errors_[i];
    }
    if (errors_.size() > kMaxErrors) {
      message += "\n" + source_ + ": ... and " + std::to_string(errors_.size() - kMaxErrors) +
                 " more errors";
    }
    return InvalidArgument(message);
  }

 private:
  static const json* Find(const json& obj, std::string_view key) {
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }

  static std::string Resolve(const fs::path& base, const std::string& p) {
    fs::path path(p);
    if (path.is_relative()) path = base / path;
    return path.lexically_normal().string();
  }

  bool ExpectObject(const json& v, const std::string& path) {
    if (v.is_object()) return true;
    Error(path, "must be an object ({...}), got " + TypeName(v));
    return false;
  }

  void CheckKeys(const json& obj, const std::string& path, Where where) {
    const Keys allowed = KeysAt(where);
    for (const auto& [key, unused] : obj.items()) {
      if (Contains(allowed, key)) continue;
      std::string hint = WhereHint(key, where);
      if (hint.empty()) {
        if (auto s = Suggest(key, allowed)) {
          hint = "did you mean \"" + std::string(*s) + "\"?";
          Error(Child(path, key), "unknown key (" + hint + ")");
          continue;
        }
        // A typo of a key that belongs at another level ("pagesize" at the top).
        if (auto s = Suggest(key, AllKeys()); s && !Contains(allowed, *s)) {
          Error(Child(path, key),
                "unknown key (did you mean \"" + std::string(*s) + "\"?); " + WhereHint(*s, where));
          continue;
        }
        hint = "expected one of: " + Join(allowed, ", ");
      }
      Error(Child(path, key), "unknown key; " + hint);
    }
  }

  void CheckRequired(const json& obj, const std::string& path, std::string_view key,
                     const std::string& hint) {
    if (!obj.contains(key)) Error(Child(path, key), "required key is missing; " + hint);
  }

  bool ReadString(const json& v, const std::string& path, std::string* out,
                  bool allow_empty = false) {
    if (!v.is_string()) {
      Error(path, "must be a string, got " + TypeName(v));
      return false;
    }
    const auto& s = v.get_ref<const std::string&>();
    if (s.empty() && !allow_empty) {
      Error(path, "must not be empty");
      return false;
    }
    *out = s;
    return true;
  }

  bool ReadInt(const json& v, const std::string& path, int lo, int hi, int* out) {
    bool in_range = false;
    int64_t value = 0;
    if (v.is_number_unsigned()) {
      const uint64_t u = v.get<uint64_t>();
      in_range = u <= static_cast<uint64_t>(hi) && static_cast<int64_t>(u) >= lo;
      value = in_range ? static_cast<int64_t>(u) : 0;
    } else if (v.is_number_integer()) {
      value = v.get<int64_t>();
      in_range = value >= lo && value <= hi;
    }
    if (!in_range) {
      Error(path, "must be an integer between " + std::to_string(lo) + " and " +
                      std::to_string(hi) + ", got " + Shown(v));
      return false;
    }
    *out = static_cast<int>(value);
    return true;
  }

  bool ReadBool(const json& v, const std::string& path, bool* out) {
    if (!v.is_boolean()) {
      Error(path, "must be true or false, got " + Shown(v));
      return false;
    }
    *out = v.get<bool>();
    return true;
  }

  // Reads the enum option `key` of the object at `parent` (`obj`), if set.
  void ReadEnum(const json& obj, std::string_view parent, std::string_view key, std::string* out) {
    const json* v = Find(obj, key);
    if (v == nullptr) return;
    const Option& o = *FindOption(key);
    const Keys options(o.choices.begin(), o.choices.end());
    if (!v->is_string() || !Contains(options, v->get_ref<const std::string&>())) {
      Error(Child(std::string(parent), key),
            "must be one of " + Join(options, ", ") + ", got " + Shown(*v));
      return;
    }
    *out = v->get<std::string>();
  }

  // Reads the inherited settings of `obj`, an object at level `where`, into
  // `out`, checked and normalised; invalid values are reported and left unset.
  void ReadSettings(const json& obj, const std::string& parent, Where where, Settings* out) {
    for (const Option& o : Options()) {
      if (!o.inherited() || !o.levels.Has(where)) continue;
      const json* v = Find(obj, o.key);
      if (v == nullptr) continue;
      if (std::optional<json> value = ReadSetting(o, *v, Child(parent, o.key))) {
        (*out)[o.key] = std::move(*value);
      }
    }
  }

  // One inherited setting's value, checked and normalised, or nullopt after
  // reporting what is wrong.
  std::optional<json> ReadSetting(const Option& o, const json& v, const std::string& path) {
    int i = 0;
    bool b = false;
    std::string s;
    switch (o.type) {
      case ValueType::kInteger:
      case ValueType::kSeconds:
        if (!ReadInt(v, path, static_cast<int>(o.min), static_cast<int>(o.max), &i)) break;
        return i;
      case ValueType::kNumber:
        if (!v.is_number() || v.get<double>() <= o.min || v.get<double>() > o.max) {
          Error(path, "must be a number greater than " + FormatNumber(o.min) + " and at most " +
                          FormatNumber(o.max) + ", got " + Shown(v));
          break;
        }
        return v.get<double>();
      case ValueType::kBool:
        if (!ReadBool(v, path, &b)) break;
        return b;
      case ValueType::kIntakeUrl: {
        if (!ReadString(v, path, &s)) break;
        auto url = NormalizeServiceUrl(s, UrlKind::kIntake);
        if (url.ok()) return *url;
        Error(path, url.status().message());
        break;
      }
      case ValueType::kStartFrom: {
        if (!ReadString(v, path, &s)) break;
        // Only the syntax is checked here; "now" is taken when a stream starts.
        // At most 7 digits keep a duration in days far from int64 overflow.
        const size_t digits = s.find_first_not_of("0123456789");
        if (!ParseIsoTime(s).ok() && (digits == std::string::npos ? s.size() : digits) > 7) {
          Error(path, "duration \"" + Excerpt(s, 40) + "\" is too large");
          break;
        }
        auto parsed = ParseStartFrom(s, 0);
        if (parsed.ok()) return s;
        Error(path, parsed.status().message());
        break;
      }
      case ValueType::kCaFile: {
        if (!ReadString(v, path, &s, /*allow_empty=*/true)) break;
        if (s.empty()) return s;  // Explicitly back to the system store.
        const std::string resolved = Resolve(base_dir_, s);
        if (std::string why = UnreadableReason(resolved); !why.empty()) {
          Error(path, "cannot read " + resolved + ": " + why +
                          "; give a readable PEM file of CA certificates, or omit ca_file to "
                          "use the system store");
          break;
        }
        return resolved;
      }
      case ValueType::kProxy: {
        if (!ReadString(v, path, &s, /*allow_empty=*/true)) break;
        if (s.empty()) return s;  // Explicitly back to the *_proxy environment variables.
        auto proxy = CheckProxyUrl(s);
        if (proxy.ok()) return *proxy;
        Error(path, proxy.status().message());
        break;
      }
      default:
        // A programmer error: a new inherited option of a type read nowhere.
        Error(path, "internal error: no reader for this setting");
        break;
    }
    return std::nullopt;
  }

  void CheckConsoles(const json& root, const Settings& defaults) {
    const json* consoles = Find(root, "consoles");
    if (consoles == nullptr) {
      Error("consoles", "required key is missing; list at least one SentinelOne console");
      return;
    }
    if (!consoles->is_array()) {
      Error("consoles",
            "must be an array of console objects ([{...}]), got " + TypeName(*consoles));
      return;
    }
    if (consoles->empty()) {
      Error("consoles", "at least one console is required");
      return;
    }
    std::map<std::string, size_t> first_index;
    for (size_t i = 0; i < consoles->size(); ++i) {
      std::optional<ConsoleConfig> c = CheckConsole((*consoles)[i], i, defaults);
      if (!c) continue;
      if (!c->name.empty()) {
        auto [it, inserted] = first_index.emplace(c->name, i);
        if (!inserted) {
          Error(Item("consoles", i) + ".name",
                "duplicate console name \"" + c->name + "\", also used by " +
                    Item("consoles", it->second) +
                    "; names must be unique because they name the state files");
        }
      }
      config_.consoles.push_back(std::move(*c));
    }
  }

  std::optional<ConsoleConfig> CheckConsole(const json& c, size_t index, const Settings& defaults) {
    const std::string path = Item("consoles", index);
    if (!c.is_object()) {
      Error(path, "must be an object with name, url, api_token and intake_key, got " + TypeName(c));
      return std::nullopt;
    }
    CheckKeys(c, path, Where::kConsole);
    CheckRequired(c, path, "name", "give the console a short unique name, e.g. \"eu-prod\"");
    CheckRequired(c, path, "url", "the console address, e.g. \"https://usea1.sentinelone.net\"");
    CheckRequired(c, path, "api_token",
                  "a SentinelOne API token: a string, {\"env\": NAME} or {\"file\": PATH}");

    ConsoleConfig out;
    if (const json* v = Find(c, "name")) CheckName(*v, path + ".name", &out.name);
    if (const json* v = Find(c, "url")) {
      std::string s;
      if (ReadString(*v, path + ".url", &s)) {
        auto url = NormalizeServiceUrl(s, UrlKind::kConsole);
        if (url.ok()) {
          out.url = *url;
        } else {
          Error(path + ".url", url.status().message());
        }
      }
    }
    const std::string label = out.name.empty() ? "" : " (console \"" + out.name + "\")";
    if (const json* v = Find(c, "api_token")) {
      CheckSecret(*v, path + ".api_token", label, &out.api_token);
    }
    if (const json* v = Find(c, "intake_key")) {
      CheckSecret(*v, path + ".intake_key", label, &out.intake_key);
    }
    if (const json* v = Find(c, "site_ids")) CheckIds(*v, path + ".site_ids", &out.site_ids);
    if (const json* v = Find(c, "account_ids"))
      CheckIds(*v, path + ".account_ids", &out.account_ids);

    Settings merged = defaults;
    ReadSettings(c, path, Where::kConsole, &merged);
    ApplySettings(merged, out);
    const bool has_intake_key = c.contains("intake_key");
    CheckStreams(Find(c, "streams"), path + ".streams", merged, label, out, &out.streams);
    // The console's key is needed unless every enabled stream has its own.
    const bool every_stream_has_a_key =
        std::all_of(out.streams.begin(), out.streams.end(),
                    [](const StreamConfig& s) { return !s.enabled || s.own_intake_key; });
    if (!has_intake_key && !every_stream_has_a_key) {
      Error(Child(path, "intake_key"),
            "required key is missing; the Sekoia.io intake key: a string, {\"env\": NAME} or "
            "{\"file\": PATH} (or set intake_key on each enabled stream)");
    }
    if (!out.site_ids.empty() || !out.account_ids.empty()) {
      for (const StreamConfig& s : out.streams) {
        if (!s.enabled || !IsGraphql(s.name)) continue;
        AddWarning(path + ".streams." + s.name +
                   ": site_ids and account_ids do not scope this stream (the GraphQL API has no "
                   "such filter); it collects everything the API token can see, so scope the "
                   "token itself if that is too much");
      }
    }
    return out;
  }

  void CheckName(const json& v, const std::string& path, std::string* out) {
    std::string name;
    if (!ReadString(v, path, &name)) return;
    const bool chars_ok = std::all_of(name.begin(), name.end(), [](unsigned char ch) {
      return std::isalnum(ch) || ch == '_' || ch == '.' || ch == '-';
    });
    // "." and ".." would name the state directory itself or its parent.
    const bool only_dots = name.find_first_not_of('.') == std::string::npos;
    if (!chars_ok || name.size() > 64 || only_dots) {
      Error(path, "must be 1 to 64 characters from A-Z a-z 0-9 _ . - (not only dots), got " +
                      Shown(v) + "; it names the state files");
      return;
    }
    *out = name;
  }

  void CheckIds(const json& v, const std::string& path, std::vector<std::string>* out) {
    if (!v.is_array()) {
      Error(path, "must be an array of id strings ([\"123...\"]), got " + TypeName(v));
      return;
    }
    for (size_t i = 0; i < v.size(); ++i) {
      const json& id = v[i];
      const bool ok = id.is_string() && !id.get_ref<const std::string&>().empty() &&
                      std::all_of(id.get_ref<const std::string&>().begin(),
                                  id.get_ref<const std::string&>().end(),
                                  [](unsigned char ch) { return std::isdigit(ch); });
      if (!ok) {
        Error(Item(path, i),
              "must be a string of digits (quote ids: \"1234567890\"), got " + Shown(id));
        continue;
      }
      out->push_back(id.get<std::string>());
    }
  }

  // Never echoes the value: a literal here is a secret, and a wrong-typed or
  // misplaced value may be one too.
  void CheckSecret(const json& v, const std::string& path, const std::string& label,
                   SecretRef* out) {
    static const Keys kSecretKeys = {"env", "file"};
    const std::string forms = "a string, {\"env\": NAME} or {\"file\": PATH}";
    if (v.is_string()) {
      out->kind = SecretRef::Kind::kLiteral;
      out->value = v.get<std::string>();
    } else if (v.is_object()) {
      for (const auto& [key, unused] : v.items()) {
        if (Contains(kSecretKeys, key)) continue;
        // Echo the key only when it is a short typo of env/file: a long one
        // may be the secret pasted in the wrong place.
        if (auto s = Suggest(key, kSecretKeys); s && key.size() <= 8) {
          Error(Child(path, key), "unknown key (did you mean \"" + std::string(*s) + "\"?)");
        } else {
          Error(path, "unknown key in a secret reference; must be " + forms);
        }
        return;
      }
      if (v.size() != 1) {
        Error(path, v.empty() ? "must be " + forms + ", got an empty object"
                              : "give exactly one of \"env\" or \"file\", not both");
        return;
      }
      if (const json* env = Find(v, "env")) {
        const std::string p = path + ".env";
        if (!env->is_string()) {
          Error(p, "must be the name of an environment variable (a string), got " + TypeName(*env));
          return;
        }
        const auto& name = env->get_ref<const std::string&>();
        if (LooksLikeSecret(name) || !IsEnvName(name)) {
          Error(p,
                "must be an environment variable name (letters, digits and _, not starting "
                "with a digit); to give the secret itself, use a plain string");
          return;
        }
        out->kind = SecretRef::Kind::kEnv;
        out->value = name;
      } else {
        const std::string p = path + ".file";
        const json& file = v.at("file");
        if (!file.is_string() || file.get_ref<const std::string&>().empty()) {
          Error(p, "must be a non-empty file path (a string), got " +
                       (file.is_string() ? std::string("an empty string") : TypeName(file)));
          return;
        }
        const auto& name = file.get_ref<const std::string&>();
        if (LooksLikeSecret(name)) {
          Error(p,
                "does not look like a file path; to give the secret itself, use a plain "
                "string");
          return;
        }
        out->kind = SecretRef::Kind::kFile;
        out->value = Resolve(credentials_dir_.empty() ? base_dir_ : credentials_dir_, name);
      }
    } else {
      Error(path, "must be " + forms + ", got " + TypeName(v));
      return;
    }
    // Resolve now so a missing variable or unreadable file fails at load,
    // not at the first request.
    auto resolved = ResolveSecret(*out);
    if (!resolved.ok()) {
      Error(path, resolved.status().message() + label);
      return;
    }
    if (out->kind == SecretRef::Kind::kFile && IsReadableByOthers(out->value)) {
      AddWarning(path + ": " + out->value + " is readable by other users; run: chmod 600 " +
                 out->value);
    }
  }

  bool IsGraphql(const std::string& stream) const {
    for (const KnownStream& k : known_) {
      if (k.name == stream) return k.graphql;
    }
    return false;
  }

  // query_file: the path, resolved, and its text read now so a missing file
  // fails at load, not at the first poll.
  void ReadQueryFile(const json& v, const std::string& path, StreamConfig* out) {
    std::string name;
    if (!ReadString(v, path, &name)) return;
    const std::string resolved = Resolve(base_dir_, name);
    Result<std::string> text = ReadFileLimited(resolved, kMaxQueryFileBytes);
    if (!text.ok()) {
      Error(path, text.status().message() +
                      "; give a readable file holding a GraphQL query, or omit query_file to use "
                      "the built-in query");
      return;
    }
    if (text->find_first_not_of(" \t\r\n") == std::string::npos) {
      Error(path, resolved + " is empty; it must hold the GraphQL query text");
      return;
    }
    out->query_file = resolved;
    out->graphql_query = std::move(text).value();
  }

  void ReadDetectionProducts(const json& v, const std::string& path, StreamConfig* out) {
    const std::string forms = "a list of product names, e.g. [\"Identity\"] or [\"EDR\", \"STAR\"]";
    if (!v.is_array()) {
      Error(path, "must be " + forms + ", got " + TypeName(v));
      return;
    }
    for (size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string() || v[i].get_ref<const std::string&>().empty()) {
        Error(Item(path, i), "must be a non-empty product name (a string), got " + Shown(v[i]));
        continue;
      }
      out->detection_products.push_back(v[i].get<std::string>());
    }
  }

  void CheckStreams(const json* streams, const std::string& path, const Settings& console,
                    const std::string& label, const ConsoleConfig& owner,
                    std::vector<StreamConfig>* out) {
    const size_t errors_before = errors_.size();
    std::map<std::string, const json*> given;
    if (streams != nullptr && ExpectObject(*streams, path)) {
      for (const auto& [key, value] : streams->items()) {
        if (Contains(known_names_, key)) {
          given[key] = &value;
          continue;
        }
        std::string msg = "unknown stream";
        if (auto s = Suggest(key, known_names_))
          msg += " (did you mean \"" + std::string(*s) + "\"?)";
        Error(Child(path, key), msg + "; known streams: " + Join(known_names_, ", "));
      }
    }
    bool any_enabled = false;
    for (const KnownStream& known : known_) {
      StreamConfig s;
      s.name = known.name;
      s.enabled = known.enabled_by_default;
      s.intake_key = owner.intake_key;
      Settings merged = console;
      // The row's own defaults (inventories) win over defaults and console.
      if (known.poll_interval_seconds)
        merged["poll_interval_seconds"] = *known.poll_interval_seconds;
      if (known.start_from) merged["start_from"] = *known.start_from;
      if (known.lookback_seconds) merged["lookback_seconds"] = *known.lookback_seconds;
      auto it = given.find(known.name);
      if (it != given.end()) {
        const std::string spath = Child(path, known.name);
        const json& v = *it->second;
        if (!v.is_object()) {
          Error(spath, "must be an object such as {\"enabled\": true}, got " + TypeName(v));
        } else {
          CheckKeys(v, spath, Where::kStream);
          if (const json* e = Find(v, "enabled")) ReadBool(*e, spath + ".enabled", &s.enabled);
          if (const json* k = Find(v, "intake_key")) {
            s.own_intake_key = true;
            CheckSecret(*k, spath + ".intake_key", label, &s.intake_key);
          }
          for (const Option& o : Options()) {
            const json* g = o.graphql_only ? Find(v, o.key) : nullptr;
            if (g == nullptr) continue;
            const std::string_view key = o.key;
            if (!known.graphql) {
              Error(Child(spath, key), "applies only to graphql streams (" +
                                           Join(GraphqlStreamNames(), ", ") + "), not to " +
                                           known.name);
            } else if (key == "query_file") {
              ReadQueryFile(*g, Child(spath, key), &s);
            } else {
              ReadDetectionProducts(*g, Child(spath, key), &s);
            }
          }
          ReadSettings(v, spath, Where::kStream, &merged);
          if (!s.enabled && v.size() > (v.contains("enabled") ? 1u : 0u)) {
            AddWarning(spath +
                       ": settings are given but the stream is disabled; add "
                       "\"enabled\": true to use them");
          }
        }
      }
      ApplySettings(merged, s);
      any_enabled = any_enabled || s.enabled;
      out->push_back(std::move(s));
    }
    if (!any_enabled && errors_.size() == errors_before) {
      Error(path, "no stream is enabled; enable at least one of " + Join(known_names_, ", ") +
                      ", e.g. \"streams\": {\"" +
                      (known_names_.empty() ? std::string("activities")
                                            : std::string(known_names_.front())) +
                      "\": {\"enabled\": true}}");
    }
  }

  Keys GraphqlStreamNames() const {
    Keys names;
    for (const KnownStream& k : known_) {
      if (k.graphql) names.push_back(k.name);
    }
    return names;
  }

  void AddWarning(std::string w) {
    if (std::find(config_.warnings.begin(), config_.warnings.end(), w) == config_.warnings.end()) {
      config_.warnings.push_back(std::move(w));
    }
  }

  std::string source_;
  const std::vector<KnownStream>& known_;
  Keys known_names_;  // Views into known_.
  fs::path base_dir_;
  fs::path credentials_dir_;
  std::vector<std::string> errors_;
  Config config_;
};

}  // namespace

Result<Config> ParseConfig(std::string_view text, std::string_view source,
                           const std::vector<KnownStream>& streams, std::string_view base_dir) {
  const std::string src(source.empty() ? "config" : source);
  DuplicateKeyFinder duplicates;
  json root;
  try {
    root = json::parse(
        text.data(), text.data() + text.size(),
        [&duplicates](int /*depth*/, json::parse_event_t event, json& parsed) {
          return duplicates.OnEvent(event, parsed);
        },
        /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const json::parse_error& e) {
    return InvalidArgument(src + ": " + PositionOf(text, e.byte) +
                           ": invalid JSON: " + CleanParseMessage(e.what()));
  } catch (const json::exception& e) {
    return InvalidArgument(src + ": invalid JSON: " + CleanParseMessage(e.what()));
  }
  Checker checker(src, base_dir, streams);
  for (const std::string& path : duplicates.duplicates()) {
    checker.Error(path, "duplicate key; each key may appear only once in an object");
  }
  try {
    checker.Check(root);
  } catch (const json::exception& e) {
    // Every access above checks the type first; this is a bug, reported
    // without any value.
    return InvalidArgument(
        src + ": internal error while checking the configuration: " + CleanParseMessage(e.what()));
  }
  return checker.Finish();
}

Result<Config> LoadConfigFile(const std::string& path, const std::vector<KnownStream>& streams) {
  auto text = ReadFileLimited(path, kMaxConfigBytes);
  if (!text.ok()) return InvalidArgument(text.status().message());
  std::error_code ec;
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  const fs::path absolute = fs::absolute(dir, ec);
  auto config = ParseConfig(*text, path, streams, ec ? dir.string() : absolute.string());
  if (!config.ok()) return config;
  config->source = path;
  if (IsReadableByOthers(path)) {
    std::vector<std::string> inline_secrets;
    for (size_t i = 0; i < config->consoles.size(); ++i) {
      const ConsoleConfig& c = config->consoles[i];
      if (c.api_token.kind == SecretRef::Kind::kLiteral) {
        inline_secrets.push_back(Item("consoles", i) + ".api_token");
      }
      if (c.intake_key.kind == SecretRef::Kind::kLiteral) {
        inline_secrets.push_back(Item("consoles", i) + ".intake_key");
      }
      for (const StreamConfig& st : c.streams) {
        if (st.own_intake_key && st.intake_key.kind == SecretRef::Kind::kLiteral) {
          inline_secrets.push_back(Item("consoles", i) + ".streams." + st.name + ".intake_key");
        }
      }
    }
    if (!inline_secrets.empty()) {
      std::string where;
      for (const std::string& s : inline_secrets) where += (where.empty() ? "" : ", ") + s;
      config->warnings.push_back(path + " is readable by other users and holds inline secrets (" +
                                 where + "); run: chmod 600 " + path +
                                 ", or use {\"env\": ...} or {\"file\": ...}");
    }
  }
  return config;
}

}  // namespace s1c::config
