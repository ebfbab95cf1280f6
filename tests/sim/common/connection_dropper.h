// Hanging up on a client without answering, for "drop" faults.
//
// cpp-httplib 0.11 gives handlers no access to their socket, so the socket
// is found by its port pair among the process's descriptors and shut down;
// httplib's own response write then fails and it closes the descriptor as
// usual (no double close).
#pragma once

#include <httplib.h>

namespace s1c::sim {

// Shuts down both directions of the connection `req` arrived on. The client
// sees the connection closed with no response (curl: "Empty reply from
// server"). Returns false if the socket was not found.
bool ShutdownConnection(const httplib::Request& req);

// Shuts down the read side of every accepted connection on `local_port`, so
// worker threads idling in keep-alive waits see end-of-stream at once instead
// of after the keep-alive timeout. Answers being written still go out. For a
// prompt exit after the listening socket is closed.
void ShutdownReadsOnPort(int local_port);

}  // namespace s1c::sim
