#include "url.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "s1c/core/host_port.h"
#include "s1c/core/text.h"

namespace s1c::config {
namespace {

bool HasSpaceOrControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7f; });
}

bool AllDigits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool IsIpv4Loopback(std::string_view host) {
  std::array<int, 4> octets{};
  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    size_t end = host.find('.', pos);
    if (i == 3) end = host.size();
    if (end == std::string_view::npos) return false;
    const std::string_view part = host.substr(pos, end - pos);
    if (!AllDigits(part) || part.size() > 3) return false;
    octets[i] = std::stoi(std::string(part));
    if (octets[i] > 255) return false;
    pos = end + 1;
  }
  return octets[0] == 127;
}

struct SplitUrl {
  std::string scheme;
  std::string_view authority;
  std::string_view path;  // Starts with '/' or is empty.
};

// Splits "scheme://authority/path". Rejects queries, fragments, blanks and
// control characters. `default_scheme` applies to a bare "host[:port]".
Result<SplitUrl> Split(std::string_view text, std::string_view default_scheme) {
  if (text.empty()) return InvalidArgument("must not be empty");
  if (HasSpaceOrControl(text))
    return InvalidArgument("must not contain spaces or control characters");
  SplitUrl out;
  std::string_view rest = text;
  const size_t sep = text.find("://");
  if (sep != std::string_view::npos) {
    out.scheme = ToLower(text.substr(0, sep));
    rest = text.substr(sep + 3);
  } else if (!default_scheme.empty()) {
    out.scheme = std::string(default_scheme);
  } else {
    return InvalidArgument("must start with a scheme such as http://");
  }
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return InvalidArgument("must not contain a query (?...) or a fragment (#...)");
  }
  const size_t slash = rest.find('/');
  out.authority = rest.substr(0, slash);
  out.path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  return out;
}

constexpr std::string_view kApiSuffix = "/web/api/v2.1";

}  // namespace

bool IsLoopbackHost(std::string_view host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || IsIpv4Loopback(host);
}

Result<std::string> NormalizeServiceUrl(std::string_view text, UrlKind kind) {
  auto split = Split(text, "https");
  if (!split.ok()) return split.status();
  SplitUrl& u = *split;
  if (u.scheme != "https" && u.scheme != "http") {
    return InvalidArgument("unsupported scheme \"" + u.scheme.substr(0, 16) +
                           "://\"; use https://");
  }
  if (u.authority.find('@') != std::string_view::npos) {
    // Do not repeat the URL: the part before '@' is a credential.
    return InvalidArgument(
        "must not contain credentials (user:password@host); secrets go in api_token and "
        "intake_key");
  }
  auto hp = SplitHostPort(u.authority, /*port_required=*/false, /*min_port=*/1);
  if (!hp.ok()) return hp.status();
  if (u.scheme == "http" && !IsLoopbackHost(hp->host)) {
    return InvalidArgument("plain http:// is only allowed for loopback hosts; use https://");
  }
  std::string path(u.path);
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (kind == UrlKind::kConsole) {
    if (path.size() >= kApiSuffix.size() &&
        ToLower(path.substr(path.size() - kApiSuffix.size())) == kApiSuffix) {
      path.erase(path.size() - kApiSuffix.size());
      while (!path.empty() && path.back() == '/') path.pop_back();
    }
    if (!path.empty()) {
      return InvalidArgument("unexpected path \"" + path.substr(0, 80) +
                             "\"; give the console address only, e.g. "
                             "https://usea1.sentinelone.net");
    }
  } else {
    constexpr std::string_view kBatch = "/batch";
    if (path.size() >= kBatch.size() && path.substr(path.size() - kBatch.size()) == kBatch) {
      return InvalidArgument(
          "ends with /batch; give the intake base URL (e.g. https://intake.sekoia.io), the "
          "collector appends /batch");
    }
  }
  std::string out = u.scheme + "://" + hp->host;
  if (!hp->port.empty()) out += ":" + hp->port;
  return out + path;
}

Result<std::string> CheckProxyUrl(std::string_view text) {
  auto split = Split(text, "");
  if (!split.ok()) return split.status();
  static constexpr std::array<std::string_view, 6> kSchemes = {"http",    "https",  "socks4",
                                                               "socks4a", "socks5", "socks5h"};
  if (std::find(kSchemes.begin(), kSchemes.end(), split->scheme) == kSchemes.end()) {
    return InvalidArgument(
        "unsupported proxy scheme; use http://, https://, socks4://, socks4a://, socks5:// or "
        "socks5h://");
  }
  std::string_view authority = split->authority;
  // Proxy credentials (user:pass@) are allowed: curl passes them to the proxy.
  const size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority = authority.substr(at + 1);
  auto hp = SplitHostPort(authority, /*port_required=*/false, /*min_port=*/1);
  if (!hp.ok()) return hp.status();
  if (!split->path.empty() && split->path != "/") {
    return InvalidArgument("a proxy URL must not have a path");
  }
  return std::string(text);
}

}  // namespace s1c::config
