// "host:port" parsing, one way for every place that reads one: the
// authority of a console, intake or proxy URL, and metrics.listen (the config
// check and the status server that binds it).
#pragma once

#include <string>
#include <string_view>

#include "s1c/core/status.h"

namespace s1c {

struct HostPort {
  std::string host;  // Lower-case; an IPv6 literal keeps its brackets.
  std::string port;  // Digits, or empty when absent.
};

// Parses "host[:port]" or "[v6][:port]". The host must be a valid name or
// address; a port, when present (or `port_required`), must be in
// [min_port, 65535]. Returns kInvalidArgument saying what is wrong.
Result<HostPort> SplitHostPort(std::string_view authority, bool port_required, int min_port);

struct ListenAddress {
  std::string host;  // Lower-case; an IPv6 literal without its brackets.
  int port = 0;      // 0: an ephemeral port.
};

// Parses "127.0.0.1:9464", "[::1]:9464", "localhost:80", "0.0.0.0:0". The
// host is required (":9464" is refused rather than guessed: loopback only,
// or every interface?). Returns kInvalidArgument saying what is wrong and
// what to write.
Result<ListenAddress> ParseListenAddress(std::string_view text);

}  // namespace s1c
