#include "gzip.h"

#include <isa-l/igzip_lib.h>

#include <climits>

namespace s1c::intake::internal {

// Level 1's hash tables and token buffer: uninitialized, igzip sets what it uses.
GzipCompressor::GzipCompressor()
    : stream_(new isal_zstream), level_buf_(new uint8_t[ISAL_DEF_LVL1_DEFAULT]) {}

GzipCompressor::~GzipCompressor() = default;

Status GzipCompressor::Compress(std::string_view in, std::string& out) {
  if (in.size() > UINT32_MAX / 2) return Internal("request body too large to compress");
  isal_zstream& zs = *stream_;
  isal_deflate_init(&zs);
  zs.gzip_flag = IGZIP_GZIP;
  zs.level = 1;
  zs.level_buf = level_buf_.get();
  zs.level_buf_size = ISAL_DEF_LVL1_DEFAULT;
  zs.end_of_stream = 1;
  zs.flush = NO_FLUSH;
  // Incompressible input grows by a few bytes per 64 KiB stored block, plus
  // the header and trailer: this bound lets one call finish the stream. The
  // output is written in place, not first zeroed by a resize (a whole body's
  // worth per call), and clear() keeps the old bytes from being copied over
  // if the buffer has to grow.
  zs.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uint32_t>(in.size());
  int rc = COMP_OK;
  out.clear();
  out.resize_and_overwrite(in.size() + in.size() / 64 + 1024, [&](char* buf, size_t size) {
    zs.next_out = reinterpret_cast<uint8_t*>(buf);
    zs.avail_out = static_cast<uint32_t>(size);
    rc = isal_deflate(&zs);
    return rc == COMP_OK ? static_cast<size_t>(zs.total_out) : 0;
  });
  if (rc != COMP_OK || zs.internal_state.state != ZSTATE_END) {
    return Internal("gzip compression failed (igzip code " + std::to_string(rc) + ")");
  }
  return Status::Ok();
}

}  // namespace s1c::intake::internal
