// A "host:port" address to listen on (metrics.listen): the one parser, used
// by the config check and by the status server that binds it.
#pragma once

#include <string>
#include <string_view>

#include "s1c/core/status.h"

namespace s1c {

struct ListenAddress {
  std::string host;  // As written; an IPv6 literal without its brackets.
  int port = 0;      // 0: an ephemeral port.
};

// Parses "127.0.0.1:9464", "[::1]:9464", "localhost:80", "0.0.0.0:0". The
// host is required (":9464" is refused rather than guessed: loopback only,
// or every interface?). Returns kInvalidArgument saying what is wrong and
// what to write.
Result<ListenAddress> ParseListenAddress(std::string_view text);

}  // namespace s1c
