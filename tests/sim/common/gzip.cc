#include "common/gzip.h"

#include <isa-l/igzip_lib.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

namespace s1c::sim {

std::string GzipFast(std::string_view in) {
  // Level 1 needs a scratch buffer; one per thread, reused.
  thread_local std::vector<uint8_t> level_buf(ISAL_DEF_LVL1_DEFAULT);
  std::string out;
  // Incompressible input grows a little; stored blocks cost 5 bytes per 64 KiB.
  out.resize(in.size() + in.size() / 64 + 1024);
  isal_zstream s;
  isal_deflate_init(&s);
  s.gzip_flag = IGZIP_GZIP;
  s.level = 1;
  s.level_buf = level_buf.data();
  s.level_buf_size = static_cast<uint32_t>(level_buf.size());
  s.end_of_stream = 1;
  s.flush = NO_FLUSH;
  s.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(in.data()));
  s.avail_in = static_cast<uint32_t>(in.size());
  s.next_out = reinterpret_cast<uint8_t*>(out.data());
  s.avail_out = static_cast<uint32_t>(out.size());
  if (isal_deflate(&s) != COMP_OK || s.internal_state.state != ZSTATE_END) {
    throw std::runtime_error("isal_deflate failed");
  }
  out.resize(s.total_out);
  return out;
}

bool AcceptsGzip(std::string_view accept_encoding) {
  // Enough for test clients: "gzip", "gzip, deflate", "br;q=1, gzip;q=0.5".
  // An explicit "gzip;q=0" is honoured as a refusal.
  const size_t at = accept_encoding.find("gzip");
  if (at == std::string_view::npos) return false;
  std::string_view rest = accept_encoding.substr(at + 4);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  return !(rest.starts_with(";q=0") && !rest.starts_with(";q=0."));
}

}  // namespace s1c::sim
