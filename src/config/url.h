// URL and address checks for the config layer (private to src/config).
//
// The rules follow docs/design.md section 9: https:// everywhere, http:// only
// for loopback hosts (what the simulator and tests use), a bare hostname
// means https://, and nothing that would smuggle credentials or surprises
// into a request line (user:pass@, ?query, #fragment).
#pragma once

#include <string>
#include <string_view>

#include "s1c/core/status.h"

namespace s1c::config {

enum class UrlKind {
  kConsole,  // Result is "scheme://host[:port]"; a trailing /web/api/v2.1 is dropped.
  kIntake,   // Result keeps its path (e.g. /api/v1/intake-http), minus a trailing '/'.
};

// Normalises a console or intake URL. Returns kInvalidArgument with a
// message that says what is wrong and what to write instead; the message
// never repeats a URL that holds credentials.
Result<std::string> NormalizeServiceUrl(std::string_view text, UrlKind kind);

// Checks a proxy URL such as "http://proxy.corp:3128" or
// "socks5h://127.0.0.1:1080". The value may hold proxy credentials, so
// messages never repeat it. Returns the URL unchanged when valid.
Result<std::string> CheckProxyUrl(std::string_view text);

// True for 127.0.0.0/8, ::1 (with or without brackets) and "localhost".
// `host` is lower-case.
bool IsLoopbackHost(std::string_view host);

}  // namespace s1c::config
