#include "common/connection_dropper.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cstdlib>

namespace s1c::sim {
namespace {

int PortOf(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(addr).sin_port);
  if (addr.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6&>(addr).sin6_port);
  return -1;
}

// The local and peer ports of a connected socket; false for anything else.
bool PortsOf(int fd, int* local_port, int* peer_port) {
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return false;
  sockaddr_storage local{};
  sockaddr_storage peer{};
  socklen_t local_len = sizeof(local);
  socklen_t peer_len = sizeof(peer);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) != 0) return false;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0) return false;
  *local_port = PortOf(local);
  *peer_port = PortOf(peer);
  return true;
}

// Calls visit(fd, local_port, peer_port) for each connected socket of this
// process until it returns false.
template <typename Visit>
void ForEachConnection(Visit visit) {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return;
  while (dirent* entry = readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == dirfd(dir)) continue;
    int local_port = -1;
    int peer_port = -1;
    if (!PortsOf(static_cast<int>(fd), &local_port, &peer_port)) continue;
    if (!visit(static_cast<int>(fd), local_port, peer_port)) break;
  }
  closedir(dir);
}

}  // namespace

bool ShutdownConnection(const httplib::Request& req) {
  bool found = false;
  ForEachConnection([&](int fd, int local_port, int peer_port) {
    if (local_port != req.local_port || peer_port != req.remote_port) return true;
    shutdown(fd, SHUT_RDWR);
    found = true;
    return false;
  });
  return found;
}

void ShutdownReadsOnPort(int local_port) {
  ForEachConnection([&](int fd, int port, int /*peer_port*/) {
    if (port == local_port) shutdown(fd, SHUT_RD);
    return true;
  });
}

}  // namespace s1c::sim
