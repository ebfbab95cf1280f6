#include "common/fault_rules.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

namespace s1c::sim {
namespace {

using json = nlohmann::json;

std::string JoinModes(const std::vector<std::string>& modes) {
  std::string out;
  for (const auto& m : modes) out += (out.empty() ? "" : ", ") + m;
  return out;
}

Result<int64_t> NonNegativeInt(const json& value, const char* key) {
  if (!value.is_number_integer() || value.get<int64_t>() < 0) {
    return InvalidArgument(std::string(key) + ": must be a non-negative integer");
  }
  return value.get<int64_t>();
}

// Both forms end up here, so the flag and the JSON body accept the same things.
Result<FaultRule> RuleFromJson(const json& obj, const std::vector<std::string>& allowed_modes,
                               std::chrono::steady_clock::time_point now) {
  if (!obj.is_object()) return InvalidArgument("fault rule: expected a JSON object");
  FaultRule rule;
  for (const auto& [key, value] : obj.items()) {
    if (key == "mode") {
      if (!value.is_string()) return InvalidArgument("mode: must be a string");
      rule.mode = value.get<std::string>();
    } else if (key == "probability") {
      if (!value.is_number() || value.get<double>() < 0 || value.get<double>() > 1) {
        return InvalidArgument("probability: must be a number between 0 and 1");
      }
      rule.probability = value.get<double>();
    } else if (key == "count") {
      if (value.is_null()) continue;
      auto n = NonNegativeInt(value, "count");
      if (!n.ok()) return n.status();
      rule.remaining = *n;
    } else if (key == "streams") {
      if (!value.is_array()) return InvalidArgument("streams: must be an array of strings");
      for (const auto& s : value) {
        if (!s.is_string()) return InvalidArgument("streams: must be an array of strings");
        rule.streams.push_back(s.get<std::string>());
      }
    } else if (key == "delay_ms") {
      auto n = NonNegativeInt(value, "delay_ms");
      if (!n.ok()) return n.status();
      rule.delay = std::chrono::milliseconds(*n);
    } else if (key == "retry_after_seconds") {
      auto n = NonNegativeInt(value, "retry_after_seconds");
      if (!n.ok()) return n.status();
      rule.retry_after_seconds = static_cast<int>(*n);
    } else if (key == "duration_ms") {
      auto n = NonNegativeInt(value, "duration_ms");
      if (!n.ok()) return n.status();
      rule.expires_at = now + std::chrono::milliseconds(*n);
    } else {
      return InvalidArgument("unknown fault rule key \"" + key + "\"");
    }
  }
  if (rule.mode.empty())
    return InvalidArgument("mode: required (one of " + JoinModes(allowed_modes) + ")");
  if (std::find(allowed_modes.begin(), allowed_modes.end(), rule.mode) == allowed_modes.end()) {
    return InvalidArgument("mode: unknown mode \"" + rule.mode + "\" (one of " +
                           JoinModes(allowed_modes) + ")");
  }
  return rule;
}

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t begin = 0;
  while (true) {
    size_t end = text.find(sep, begin);
    parts.push_back(text.substr(begin, end == std::string_view::npos ? end : end - begin));
    if (end == std::string_view::npos) return parts;
    begin = end + 1;
  }
}

}  // namespace

Result<FaultRule> ParseFaultRuleJson(std::string_view body,
                                     const std::vector<std::string>& allowed_modes,
                                     std::chrono::steady_clock::time_point now) {
  json obj = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (obj.is_discarded()) return InvalidArgument("fault rule: body is not valid JSON");
  return RuleFromJson(obj, allowed_modes, now);
}

Result<FaultRule> ParseFaultFlag(std::string_view flag,
                                 const std::vector<std::string>& allowed_modes,
                                 std::chrono::steady_clock::time_point now) {
  const std::string where = "--fault " + std::string(flag) + ": ";
  size_t first = flag.find(':');
  json obj = json::object();
  obj["mode"] = std::string(flag.substr(0, first));
  if (first != std::string_view::npos) {
    std::string_view rest = flag.substr(first + 1);
    size_t second = rest.find(':');
    std::string prob(rest.substr(0, second));
    char* end = nullptr;
    double p = std::strtod(prob.c_str(), &end);
    if (prob.empty() || end != prob.c_str() + prob.size()) {
      return InvalidArgument(where + "probability must be a number between 0 and 1");
    }
    obj["probability"] = p;
    if (second != std::string_view::npos) {
      for (std::string_view kv : Split(rest.substr(second + 1), ',')) {
        size_t eq = kv.find('=');
        if (eq == std::string_view::npos) return InvalidArgument(where + "expected key=value");
        std::string key(kv.substr(0, eq));
        std::string_view value = kv.substr(eq + 1);
        if (key == "streams") {
          json names = json::array();
          for (std::string_view s : Split(value, '+')) names.push_back(std::string(s));
          obj[key] = names;
          continue;
        }
        int64_t n = 0;
        auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec != std::errc() || ptr != value.data() + value.size()) {
          return InvalidArgument(where + key + " must be an integer");
        }
        obj[key] = n;
      }
    }
  }
  auto rule = RuleFromJson(obj, allowed_modes, now);
  if (!rule.ok()) return rule.status().Annotate("--fault " + std::string(flag));
  return rule;
}

void FaultSet::Add(FaultRule rule) {
  std::lock_guard<std::mutex> lock(mu_);
  rules_.push_back(std::move(rule));
}

void FaultSet::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  rules_.clear();
}

void FaultSet::DropExpiredLocked(std::chrono::steady_clock::time_point now) {
  std::erase_if(rules_, [now](const FaultRule& r) {
    return (r.remaining && *r.remaining <= 0) || (r.expires_at && *r.expires_at <= now);
  });
}

std::optional<FaultRule> FaultSet::Pick(std::string_view scope,
                                        std::chrono::steady_clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  DropExpiredLocked(now);
  for (auto& rule : rules_) {
    if (!rule.streams.empty() &&
        std::find(rule.streams.begin(), rule.streams.end(), scope) == rule.streams.end()) {
      continue;
    }
    // Draw even when probability is 1 so the sequence of draws, and so which
    // requests fail, depends only on the seed and the request order.
    if (!(rng_.Unit() < rule.probability)) continue;
    FaultRule hit = rule;
    if (rule.remaining) --*rule.remaining;
    DropExpiredLocked(now);
    return hit;
  }
  return std::nullopt;
}

std::string FaultSet::ToJson(std::chrono::steady_clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  DropExpiredLocked(now);
  json out = json::array();
  for (const auto& r : rules_) {
    json j = {{"mode", r.mode},
              {"probability", r.probability},
              {"count", r.remaining ? json(*r.remaining) : json(nullptr)},
              {"streams", r.streams},
              {"delay_ms", r.delay.count()}};
    if (r.retry_after_seconds) j["retry_after_seconds"] = *r.retry_after_seconds;
    if (r.expires_at) {
      j["remaining_ms"] =
          std::chrono::duration_cast<std::chrono::milliseconds>(*r.expires_at - now).count();
    }
    out.push_back(std::move(j));
  }
  return out.dump();
}

}  // namespace s1c::sim
