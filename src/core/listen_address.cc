#include "s1c/core/listen_address.h"

#include <algorithm>
#include <cctype>

namespace s1c {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  if (std::any_of(text.begin(), text.end(),
                  [](unsigned char c) { return c <= 0x20 || c == 0x7f; })) {
    return InvalidArgument("must not contain spaces or control characters");
  }
  if (text.find('/') != std::string_view::npos) {
    return InvalidArgument("must be host:port without a scheme or path, e.g. 127.0.0.1:9464");
  }
  ListenAddress out;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return InvalidArgument("IPv6 address has no closing ']'");
    const std::string_view inner = text.substr(1, close - 1);
    if (inner.empty() || !std::all_of(inner.begin(), inner.end(), [](unsigned char c) {
          return std::isxdigit(c) || c == ':' || c == '.';
        })) {
      return InvalidArgument("invalid IPv6 address in brackets");
    }
    const std::string_view rest = text.substr(close + 1);
    if (rest.empty()) return InvalidArgument("the port is missing; expected [::1]:9464");
    if (rest.front() != ':') return InvalidArgument("unexpected text after the IPv6 address");
    out.host = std::string(inner);
    port = rest.substr(1);
  } else {
    const size_t colon = text.find(':');
    if (colon == std::string_view::npos) {
      return InvalidArgument("the port is missing; expected host:port, e.g. 127.0.0.1:9464");
    }
    if (text.find(':', colon + 1) != std::string_view::npos) {
      return InvalidArgument("an IPv6 address must be written in brackets, e.g. [::1]:9464");
    }
    out.host = std::string(text.substr(0, colon));
    if (out.host.empty()) {
      return InvalidArgument(
          "the host is empty; write 127.0.0.1:PORT (this machine only) or 0.0.0.0:PORT (every "
          "interface)");
    }
    const bool valid = std::all_of(out.host.begin(), out.host.end(), [](unsigned char c) {
      return std::isalnum(c) || c == '-' || c == '.' || c == '_';
    });
    if (!valid || out.host.front() == '.' || out.host.front() == '-') {
      return InvalidArgument("\"" + out.host.substr(0, 80) + "\" is not a valid host name");
    }
    port = text.substr(colon + 1);
  }
  if (!AllDigits(port) || port.size() > 5 || std::stoi(std::string(port)) > 65535) {
    return InvalidArgument("invalid port \"" + std::string(port.substr(0, 16)) +
                           "\"; expected a number between 0 and 65535");
  }
  out.port = std::stoi(std::string(port));
  return out;
}

}  // namespace s1c
