#include "command_text.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace s1c::app {

std::string ShellQuote(std::string_view arg) {
  const bool plain = !arg.empty() && std::all_of(arg.begin(), arg.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '/' || c == ':' ||
           c == '=' || c == '+' || c == ',' || c == '@';
  });
  if (plain) return std::string(arg);
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  out += "'";
  return out;
}

std::string ShellCommand(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out.push_back(' ');
    out += ShellQuote(a);
  }
  return out;
}

std::string StateResetCommand(const std::string& config_path, const std::string& console,
                              const std::string& name, bool is_stream) {
  return ShellCommand({"s1-collector", "state", "reset", "-c", config_path, "--console", console,
                       is_stream ? "--stream" : "--name", name});
}

std::string FormatDuration(double seconds) {
  if (!std::isfinite(seconds)) return "?";
  if (seconds < 0) return "-" + FormatDuration(-seconds);
  char buf[64];
  if (seconds < 60) {
    std::snprintf(buf, sizeof buf, "%.1fs", std::floor(seconds * 10) / 10);
    return buf;
  }
  const auto total = static_cast<int64_t>(seconds);
  const int64_t d = total / 86400;
  const int64_t h = (total % 86400) / 3600;
  const int64_t m = (total % 3600) / 60;
  const int64_t s = total % 60;
  if (d > 0) {
    std::snprintf(buf, sizeof buf, "%lldd%02lldh", static_cast<long long>(d),
                  static_cast<long long>(h));
  } else if (h > 0) {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", static_cast<long long>(h),
                  static_cast<long long>(m));
  } else {
    std::snprintf(buf, sizeof buf, "%lldm%02llds", static_cast<long long>(m),
                  static_cast<long long>(s));
  }
  return buf;
}

std::string PadRight(std::string_view text, size_t width) {
  std::string out(text.substr(0, width));
  out.append(width - out.size(), ' ');
  return out;
}

std::string FormatTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line += "  ";
      line += i + 1 < row.size() ? PadRight(row[i], widths[i]) : row[i];
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string MaskUrlCredentials(std::string_view url) {
  const size_t scheme = url.find("://");
  const size_t host_start = scheme == std::string_view::npos ? 0 : scheme + 3;
  const size_t path = url.find_first_of("/?#", host_start);
  const std::string_view authority = url.substr(
      host_start, path == std::string_view::npos ? std::string_view::npos : path - host_start);
  const size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, host_start)) + "***" + std::string(url.substr(host_start + at));
}

}  // namespace s1c::app
