// A strict little parser of the Prometheus text exposition format 0.0.4, for
// tests: every non-comment line must be `name{label="value",...} value`,
// every sample's family must have a TYPE line before it, label values must
// use only the \\ \" \n escapes, and no series may appear twice. Used by the
// obs unit tests and by tests/integration/metrics_test.cc.
#pragma once

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace s1c::testing {

struct PromSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct PromParse {
  std::string error;  // Empty when the text is valid; else "line N: why".
  std::vector<PromSample> samples;
  std::map<std::string, std::string> types;  // Family name -> counter|gauge|...
  std::map<std::string, std::string> help;

  bool ok() const { return error.empty(); }

  // The value of the series `name` with exactly `labels`, if present.
  std::optional<double> Value(const std::string& name,
                              const std::map<std::string, std::string>& labels = {}) const {
    for (const auto& s : samples) {
      if (s.name == name && s.labels == labels) return s.value;
    }
    return std::nullopt;
  }
  // The sum over every series of `name` whose labels include `match`.
  double Sum(const std::string& name, const std::map<std::string, std::string>& match = {}) const {
    double total = 0;
    for (const auto& s : samples) {
      if (s.name != name) continue;
      bool all = true;
      for (const auto& [k, v] : match) {
        auto it = s.labels.find(k);
        all = all && it != s.labels.end() && it->second == v;
      }
      if (all) total += s.value;
    }
    return total;
  }
};

namespace prom_detail {

inline bool IsNameStart(char c, bool colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
}
inline bool IsNameChar(char c, bool colon) {
  return IsNameStart(c, colon) || (c >= '0' && c <= '9');
}

inline size_t ReadName(const std::string& s, size_t i, bool colon, std::string* out) {
  const size_t start = i;
  if (i >= s.size() || !IsNameStart(s[i], colon)) return std::string::npos;
  while (i < s.size() && IsNameChar(s[i], colon)) ++i;
  *out = s.substr(start, i - start);
  return i;
}

inline bool ParseValue(const std::string& text, double* out) {
  if (text == "NaN") return *out = NAN, true;
  if (text == "+Inf") return *out = INFINITY, true;
  if (text == "-Inf") return *out = -INFINITY, true;
  if (text.empty()) return false;
  char* end = nullptr;
  *out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

}  // namespace prom_detail

inline PromParse ParsePrometheusText(const std::string& text) {
  using namespace prom_detail;
  PromParse r;
  std::set<std::string> seen_series;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  auto fail = [&](const std::string& why) {
    r.error = "line " + std::to_string(n) + ": " + why + ": " + line;
    return r;
  };
  if (!text.empty() && text.back() != '\n') {
    r.error = "the text does not end with a newline";
    return r;
  }
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::istringstream c(line);
      std::string hash, kind, name;
      c >> hash >> kind >> name;
      if (kind == "TYPE") {
        std::string type;
        c >> type;
        if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary" &&
            type != "untyped") {
          return fail("unknown TYPE");
        }
        if (r.types.count(name)) return fail("second TYPE line for " + name);
        r.types[name] = type;
      } else if (kind == "HELP") {
        r.help[name] = line.size() > 8 + name.size() ? line.substr(8 + name.size()) : "";
      }
      continue;
    }
    PromSample s;
    size_t i = ReadName(line, 0, /*colon=*/true, &s.name);
    if (i == std::string::npos) return fail("bad metric name");
    // A histogram's samples are <family>_bucket, _sum and _count.
    std::string family = s.name;
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const std::string base =
          s.name.substr(0, s.name.size() - std::min(s.name.size(), std::strlen(suffix)));
      if (s.name.ends_with(suffix) && r.types.count(base) && r.types.at(base) == "histogram")
        family = base;
    }
    if (!r.types.count(family)) return fail("sample before its TYPE line");
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        std::string label;
        i = ReadName(line, i, /*colon=*/false, &label);
        if (i == std::string::npos) return fail("bad label name");
        if (i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"')
          return fail("expected =\"");
        i += 2;
        std::string value;
        bool closed = false;
        while (i < line.size()) {
          const char c = line[i++];
          if (c == '"') {
            closed = true;
            break;
          }
          if (c == '\\') {
            if (i >= line.size()) return fail("dangling backslash");
            const char e = line[i++];
            if (e == '\\')
              value += '\\';
            else if (e == '"')
              value += '"';
            else if (e == 'n')
              value += '\n';
            else
              return fail("bad escape in a label value");
          } else {
            value += c;
          }
        }
        if (!closed) return fail("unterminated label value");
        if (s.labels.count(label)) return fail("label " + label + " twice");
        s.labels[label] = value;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size()) return fail("unterminated label set");
      ++i;  // '}'
    }
    if (i >= line.size() || line[i] != ' ') return fail("expected one space before the value");
    ++i;
    std::string rest = line.substr(i);
    const size_t space = rest.find(' ');  // An optional timestamp may follow.
    if (!ParseValue(rest.substr(0, space), &s.value)) return fail("bad value");
    std::string key = s.name;
    for (const auto& [k, v] : s.labels) key += "\x1f" + k + "\x1e" + v;
    if (!seen_series.insert(key).second) return fail("series repeated");
    r.samples.push_back(std::move(s));
  }
  return r;
}

}  // namespace s1c::testing
