// deploy/monitoring/ against a running daemon: every metric the alert rules
// and the Grafana dashboard query, and every label they match or group by,
// is one the daemon really exports. The daemon runs every stream against the
// simulator and the intake sink until each has finished a cycle, so every
// per-stream series exists; /metrics is scraped once. Whether each alert
// fires when it should is promtool's job (tests/monitoring).
#include <gtest/gtest.h>

#include <csignal>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "harness.h"

namespace s1c::it {
namespace {

using nlohmann::json;

const std::filesystem::path kMonitoringDir = S1C_MONITORING_DIR;
const std::filesystem::path kRules = kMonitoringDir / "s1-collector.rules.yml";
const std::filesystem::path kDashboard = kMonitoringDir / "s1-collector.dashboard.json";

// Series Prometheus makes itself for every target, and the labels it adds.
const std::set<std::string> kPrometheusMetrics = {"up"};
const std::set<std::string> kPrometheusLabels = {"instance", "job"};
// PromQL words that look like metric names but are not: operators, and the
// aggregations, which may be followed by "by (...)" rather than "(".
const std::set<std::string> kPromqlWords = {"and",    "or",    "unless",  "bool",         "offset",
                                            "inf",    "nan",   "sum",     "min",          "max",
                                            "avg",    "group", "count",   "count_values", "stddev",
                                            "stdvar", "topk",  "bottomk", "quantile"};

// A PromQL expression, and where it was found (for failure messages).
struct Query {
  std::string where;
  std::string expr;
};

// What one expression uses.
struct Uses {
  std::set<std::string> metrics;
  std::set<std::string> labels;
};

// A small lexer, enough for the expressions in deploy/monitoring/: metric
// names are the identifiers not followed by "(" (functions and aggregations
// are) and outside strings, ranges and label lists; label names are the keys
// in {...} matchers and the names in by/without/on/ignoring (...) lists.
Uses ParsePromql(const std::string& e) {
  Uses uses;
  auto is_start = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; };
  auto is_part = [&](char c) {
    return is_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == ':';
  };
  size_t i = 0;
  auto skip_space = [&] {
    while (i < e.size() && std::isspace(static_cast<unsigned char>(e[i]))) ++i;
  };
  auto read_ident = [&] {
    const size_t start = i;
    while (i < e.size() && is_part(e[i])) ++i;
    return e.substr(start, i - start);
  };
  auto skip_string = [&] {
    const char quote = e[i++];
    while (i < e.size() && e[i] != quote) i += e[i] == '\\' ? 2 : 1;
    ++i;
  };
  while (i < e.size()) {
    const char c = e[i];
    if (c == '"' || c == '\'' || c == '`') {
      skip_string();
    } else if (c == '[') {  // A range or subquery duration.
      while (i < e.size() && e[i] != ']') ++i;
      ++i;
    } else if (c == '{') {  // Matchers: label op "value", ...
      ++i;
      while (i < e.size() && e[i] != '}') {
        skip_space();
        if (i < e.size() && is_start(e[i])) uses.labels.insert(read_ident());
        while (i < e.size() && e[i] != ',' && e[i] != '}') {
          if (e[i] == '"' || e[i] == '\'' || e[i] == '`') {
            skip_string();
          } else {
            ++i;
          }
        }
        if (i < e.size() && e[i] == ',') ++i;
      }
      ++i;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {  // 14, 86400, 1e3, 5m
      while (i < e.size() && (is_part(e[i]) || e[i] == '.')) ++i;
    } else if (is_start(c)) {
      const std::string word = read_ident();
      skip_space();
      if (word == "by" || word == "without" || word == "on" || word == "ignoring" ||
          word == "group_left" || word == "group_right") {
        if (i < e.size() && e[i] == '(') {
          ++i;
          while (i < e.size() && e[i] != ')') {
            skip_space();
            if (i < e.size() && is_start(e[i])) {
              uses.labels.insert(read_ident());
            } else {
              ++i;
            }
          }
          ++i;
        }
      } else if (i < e.size() && e[i] == '(') {
        // A function or aggregation: its arguments are read as they come.
      } else if (!kPromqlWords.contains(word)) {
        uses.metrics.insert(word);
      }
    } else {
      ++i;
    }
  }
  return uses;
}

// The expr: values of the rules file, single-line or block scalars (| or >).
std::vector<Query> RuleQueries(const std::filesystem::path& file) {
  std::vector<Query> out;
  std::istringstream in(ReadFile(file));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  const std::regex expr_line(R"(^(\s*)expr:\s*(.*)$)");
  std::string alert;
  for (size_t n = 0; n < lines.size(); ++n) {
    std::smatch m;
    if (std::regex_search(lines[n], m, std::regex(R"(-\s+alert:\s*(\S+))"))) alert = m[1];
    if (!std::regex_match(lines[n], m, expr_line)) continue;
    std::string value = m[2];
    if (value == "|" || value == ">" || value == "|-" || value == ">-") {
      value.clear();
      const size_t indent = m[1].length();
      while (n + 1 < lines.size()) {
        const std::string& next = lines[n + 1];
        const size_t first = next.find_first_not_of(' ');
        if (first != std::string::npos && first <= indent) break;
        value += next + "\n";
        ++n;
      }
    }
    out.push_back({file.filename().string() + " alert " + alert, value});
  }
  return out;
}

// Every query of the dashboard: panel targets, and the metric selectors of
// the template variables (label_values(<selector>, <label>)).
std::vector<Query> DashboardQueries(const std::filesystem::path& file) {
  std::vector<Query> out;
  const json dashboard = json::parse(ReadFile(file));
  std::function<void(const json&)> panels = [&](const json& list) {
    for (const json& panel : list) {
      for (const json& target : panel.value("targets", json::array())) {
        out.push_back(
            {"dashboard panel \"" + panel.value("title", "") + "\"", target.value("expr", "")});
      }
      panels(panel.value("panels", json::array()));
    }
  };
  panels(dashboard.at("panels"));
  const std::regex label_values(R"(^label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\)$)");
  for (const json& var : dashboard.at("templating").at("list")) {
    if (var.value("type", "") != "query") continue;
    const std::string q = var.at("query").is_string() ? var.at("query").get<std::string>()
                                                      : var.at("query").value("query", "");
    std::smatch m;
    const std::string where = "dashboard variable $" + var.value("name", "");
    if (std::regex_match(q, m, label_values)) {
      out.push_back({where, m[1].str() + " by (" + m[2].str() + ")"});
    } else {
      out.push_back({where, q});
    }
  }
  return out;
}

// What /metrics exports: family names (from # TYPE lines, so a family with
// no series yet counts) with their types, and every label name of each.
struct Exported {
  std::map<std::string, std::string> types;
  std::map<std::string, std::set<std::string>> labels;

  bool Has(const std::string& name) const {
    if (types.contains(name)) return true;
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const std::string s = suffix;
      if (name.size() > s.size() && name.ends_with(s)) {
        auto it = types.find(name.substr(0, name.size() - s.size()));
        if (it != types.end() && it->second == "histogram") return true;
      }
    }
    return false;
  }
};

Exported ParseExposition(const std::string& text) {
  Exported out;
  std::istringstream in(text);
  const std::regex type_line(R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)$)");
  const std::regex sample(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? \S+$)");
  const std::regex label(R"(([a-zA-Z_][a-zA-Z0-9_]*)=\"(?:[^\"\\]|\\.)*\")");
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_match(line, m, type_line)) {
      out.types[m[1]] = m[2];
    } else if (std::regex_match(line, m, sample)) {
      const std::string labels = m[3];
      std::set<std::string>& names = out.labels[m[1]];
      for (auto it = std::sregex_iterator(labels.begin(), labels.end(), label);
           it != std::sregex_iterator(); ++it) {
        names.insert((*it)[1]);
      }
    }
  }
  return out;
}

TEST(MonitoringTest, LexerFindsMetricsAndLabels) {
  const Uses u = ParsePromql(
      "sum by (job, console) (rate(a_total{code=~\"4..\", code!~\"408|429\"}[10m])) > 0\n"
      "and on (instance) b_seconds - time() < 14 * 86400 unless c{x=\"}{\"} offset 5m");
  EXPECT_EQ(u.metrics, (std::set<std::string>{"a_total", "b_seconds", "c"}));
  EXPECT_EQ(u.labels, (std::set<std::string>{"job", "console", "code", "instance", "x"}));
}

TEST(MonitoringTest, EveryMetricAndLabelInRulesAndDashboardIsExported) {
  std::vector<Query> queries = RuleQueries(kRules);
  ASSERT_GE(queries.size(), 7u) << "no alert rules found in " << kRules;
  const std::vector<Query> dashboard = DashboardQueries(kDashboard);
  ASSERT_GE(dashboard.size(), 10u) << "no panel queries found in " << kDashboard;
  queries.insert(queries.end(), dashboard.begin(), dashboard.end());

  // Every stream on, so that every {console, stream} series appears; a token
  // with an expiry, so that the expiry gauge has a series; one 503, so that
  // the poll error counter has one (and its "reason" label shows).
  TempDir dir;
  Server sim(SimulatorBinary(),
             {"--token",
              "monitoring-it-token",
              "--seed",
              "3",
              "--activities",
              "300",
              "--threats",
              "40",
              "--alerts",
              "20",
              "--unified-alerts",
              "20",
              "--agents",
              "20",
              "--groups",
              "5",
              "--token-expires-at",
              "2030-01-01T00:00:00Z",
              "--fault",
              "error_503:1:count=1,streams=groups"},
             dir.path(), "sim");
  Server sink(SinkBinary(),
              {"--key", "monitoring-it-key=lab", "--out-dir", (dir.path() / "sink").string()},
              dir.path(), "sink");
  json console = ConsoleConfig("lab", sim, "monitoring-it-token", "monitoring-it-key", sink);
  for (const char* stream : {"alerts", "unified_alerts", "agents", "groups"}) {
    console["streams"][stream] = {{"enabled", true}};
  }
  json config = CollectorConfig(dir.path() / "state", json::array({console}));
  config["metrics"] = {{"listen", "127.0.0.1:0"}};
  WriteFile(dir.path() / "config.json", config.dump(2));
  Process collector({CollectorBinary(), "run", "-c", (dir.path() / "config.json").string()},
                    dir.path() / "collector.log");
  const int port = MetricsPort(collector);
  ASSERT_NE(port, 0) << collector.Output();

  std::string text;
  const bool every_stream_cycled = WaitFor(
      [&] {
        text = HttpGet(port, "/metrics");
        int streams = 0;
        bool poll_error = false;
        std::istringstream in(text);
        for (std::string line; std::getline(in, line);) {
          streams += line.starts_with("s1c_last_success_timestamp_seconds{") ? 1 : 0;
          poll_error = poll_error || line.starts_with("s1c_poll_errors_total{");
        }
        return streams == 6 && poll_error;
      },
      std::chrono::seconds(60));
  ASSERT_TRUE(every_stream_cycled) << "not every stream finished a cycle after a poll error:\n"
                                   << text << "\n"
                                   << collector.Output();
  collector.Signal(SIGTERM);
  EXPECT_EQ(collector.Wait(std::chrono::seconds(30)), 0) << collector.Output();

  const Exported exported = ParseExposition(text);
  std::set<std::string> all_labels = kPrometheusLabels;
  for (const auto& [name, labels] : exported.labels)
    all_labels.insert(labels.begin(), labels.end());

  std::set<std::string> used;
  for (const Query& q : queries) {
    ASSERT_FALSE(q.expr.empty()) << q.where << " has an empty query";
    const Uses uses = ParsePromql(q.expr);
    EXPECT_FALSE(uses.metrics.empty()) << q.where << " queries no metric: " << q.expr;
    for (const std::string& metric : uses.metrics) {
      used.insert(metric);
      EXPECT_TRUE(exported.Has(metric) || kPrometheusMetrics.contains(metric))
          << q.where << " uses " << metric << ", which the daemon does not export:\n"
          << q.expr;
    }
    for (const std::string& label : uses.labels) {
      EXPECT_TRUE(all_labels.contains(label))
          << q.where << " uses the label " << label << ", which no exported series has:\n"
          << q.expr;
    }
  }
  // The rest of the text (annotations, descriptions) names metrics too.
  const std::regex s1c_name("s1c_[a-z0-9_]+");
  for (const auto& file : {kRules, kDashboard}) {
    const std::string content = ReadFile(file);
    for (auto it = std::sregex_iterator(content.begin(), content.end(), s1c_name);
         it != std::sregex_iterator(); ++it) {
      EXPECT_TRUE(exported.Has(it->str()))
          << file << " names " << it->str() << ", which the daemon does not export";
    }
  }
  // What the issue asks the rules and the dashboard to watch.
  for (const char* metric :
       {"s1c_stream_up", "s1c_last_success_timestamp_seconds", "s1c_poll_interval_seconds",
        "s1c_checkpoint_lag_seconds", "s1c_intake_requests_total", "s1c_api_requests_total",
        "s1c_api_token_expiry_timestamp_seconds", "s1c_events_dead_lettered_total",
        "s1c_events_forwarded_total"}) {
    EXPECT_TRUE(used.contains(metric)) << metric << " is used by no rule or panel";
  }
}

}  // namespace
}  // namespace s1c::it
