#include "simulator/graphql_schema.h"

#include <algorithm>
#include <optional>
#include <span>

namespace s1c::sim {
namespace {

struct Name {
  std::string_view text;
  SourceLocation at;
};

bool NameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool NameChar(char c) { return NameStart(c) || (c >= '0' && c <= '9'); }

// The names of `query` that could be fields, in text order, and where the
// first "{" is. Variables ($first), comments (# ...) and string literals
// ("..." or """...""") are skipped; GraphQL line terminators are \n, \r\n, \r.
struct Scan {
  std::vector<Name> names;
  std::optional<size_t> first_brace_name;  // Index in `names` of the first name after "{".
  bool has_brace = false;
};

Scan ScanNames(std::string_view q) {
  Scan scan;
  SourceLocation at;
  size_t i = 0;
  auto advance = [&](size_t n) {
    for (size_t end = std::min(i + n, q.size()); i < end; ++i) {
      if (q[i] == '\n' || (q[i] == '\r' && (i + 1 >= q.size() || q[i + 1] != '\n'))) {
        ++at.line;
        at.column = 1;
      } else {
        ++at.column;
      }
    }
  };
  while (i < q.size()) {
    const char c = q[i];
    if (c == '#') {
      while (i < q.size() && q[i] != '\n' && q[i] != '\r') advance(1);
    } else if (q.substr(i, 3) == "\"\"\"") {
      const size_t end = q.find("\"\"\"", i + 3);
      advance(end == std::string_view::npos ? q.size() - i : end + 3 - i);
    } else if (c == '"') {
      advance(1);
      while (i < q.size() && q[i] != '"' && q[i] != '\n') advance(q[i] == '\\' ? 2 : 1);
      advance(1);
    } else if (c == '$') {
      advance(1);
      while (i < q.size() && NameChar(q[i])) advance(1);
    } else if (NameStart(c)) {
      size_t n = 0;
      while (i + n < q.size() && NameChar(q[i + n])) ++n;
      if (scan.has_brace && !scan.first_brace_name) scan.first_brace_name = scan.names.size();
      scan.names.push_back({q.substr(i, n), at});
      advance(n);
    } else {
      if (c == '{') scan.has_brace = true;
      advance(1);
    }
  }
  return scan;
}

GraphqlError NotOn(std::string_view field, std::string_view type, SourceLocation at) {
  return {
      "Cannot query field \"" + std::string(field) + "\" on type \"" + std::string(type) + "\".",
      std::string(kGraphqlValidationFailed), at};
}

}  // namespace

std::vector<GraphqlError> ValidateAlertsQuery(std::string_view query,
                                              const std::vector<std::string>& missing_fields) {
  const Scan scan = ScanNames(query);
  if (!scan.has_brace) {
    return {{"Syntax Error: Expected \"{\", found <EOF>.", std::string(kGraphqlParseFailed),
             std::nullopt}};
  }
  if (!scan.first_brace_name) {
    return {{"Syntax Error: Expected Name, found \"}\".", std::string(kGraphqlParseFailed),
             std::nullopt}};
  }
  // Names before the first "{" are the operation's name and its variables'
  // types, not fields.
  const auto selected = std::span<const Name>(scan.names).subspan(*scan.first_brace_name);
  std::vector<GraphqlError> errors;
  const bool selects_alerts = std::any_of(selected.begin(), selected.end(),
                                          [](const Name& n) { return n.text == "alerts"; });
  if (!selects_alerts) errors.push_back(NotOn(selected[0].text, "Query", selected[0].at));
  for (const Name& n : selected) {
    if (std::find(missing_fields.begin(), missing_fields.end(), n.text) != missing_fields.end()) {
      errors.push_back(NotOn(n.text, "Alert", n.at));
    }
  }
  return errors;
}

}  // namespace s1c::sim
