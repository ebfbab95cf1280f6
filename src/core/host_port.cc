#include "s1c/core/host_port.h"

#include <algorithm>
#include <cctype>

#include "s1c/core/text.h"

namespace s1c {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

Result<HostPort> SplitHostPort(std::string_view authority, bool port_required, int min_port) {
  HostPort out;
  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return InvalidArgument("IPv6 address has no closing ']'");
    const std::string_view inner = authority.substr(1, close - 1);
    if (inner.empty() || !std::all_of(inner.begin(), inner.end(), [](unsigned char c) {
          return std::isxdigit(c) || c == ':' || c == '.';
        })) {
      return InvalidArgument("invalid IPv6 address in brackets");
    }
    out.host = ToLower(authority.substr(0, close + 1));
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return InvalidArgument("unexpected text after the IPv6 address");
      has_port = true;
      port_text = rest.substr(1);
    }
  } else {
    const size_t colon = authority.find(':');
    if (colon != std::string_view::npos &&
        authority.find(':', colon + 1) != std::string_view::npos) {
      return InvalidArgument("an IPv6 address must be written in brackets, e.g. [::1]:8080");
    }
    const std::string_view host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      has_port = true;
      port_text = authority.substr(colon + 1);
    }
    if (host.empty()) return InvalidArgument("the host is empty");
    const bool valid = std::all_of(host.begin(), host.end(), [](unsigned char c) {
      return std::isalnum(c) || c == '-' || c == '.' || c == '_';
    });
    if (!valid || host.front() == '.' || host.front() == '-' ||
        host.find("..") != std::string_view::npos) {
      return InvalidArgument("\"" + std::string(host.substr(0, 80)) +
                             "\" is not a valid host name");
    }
    out.host = ToLower(host);
  }
  if (has_port) {
    if (!AllDigits(port_text) || port_text.size() > 5 ||
        std::stoi(std::string(port_text)) < min_port || std::stoi(std::string(port_text)) > 65535) {
      return InvalidArgument("invalid port \"" + std::string(port_text.substr(0, 16)) +
                             "\"; expected a number between " + std::to_string(min_port) +
                             " and 65535");
    }
    out.port = std::string(port_text);
  } else if (port_required) {
    return InvalidArgument("the port is missing; expected host:port, e.g. 127.0.0.1:9464");
  }
  return out;
}

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  if (std::any_of(text.begin(), text.end(),
                  [](unsigned char c) { return c <= 0x20 || c == 0x7f; })) {
    return InvalidArgument("must not contain spaces or control characters");
  }
  if (text.find('/') != std::string_view::npos) {
    return InvalidArgument("must be host:port without a scheme or path, e.g. 127.0.0.1:9464");
  }
  // ":9464" (and not "::1:9464", an IPv6 address without brackets).
  if (text.starts_with(':') && text.find(':', 1) == std::string_view::npos) {
    return InvalidArgument(
        "the host is empty; write 127.0.0.1:PORT (this machine only) or 0.0.0.0:PORT (every "
        "interface)");
  }
  Result<HostPort> split = SplitHostPort(text, /*port_required=*/true, /*min_port=*/0);
  if (!split.ok()) return split.status();
  ListenAddress out;
  out.host = split->host;
  if (out.host.starts_with('[')) out.host = out.host.substr(1, out.host.size() - 2);
  out.port = std::stoi(split->port);
  return out;
}

}  // namespace s1c
