// The one file that includes curl (docs/design.md section 7).
//
// Every transfer of a CurlLoop runs on one thread, in one multi handle: the
// loop's own thread, or in the daemon the scheduler's, which runs the loop
// as its IoLoop whenever no fiber is ready. Its connection cache is shared
// by all the transports made with the loop (a console's streams reuse one
// connection, and the intake's connections serve every console that posts
// to it), and the number of open connections is bounded by the transfers
// in flight plus the idle cache.
// A caller's Send sets up an easy handle, hands it to the loop and waits on
// a fiber::Event: on a fiber only that fiber waits, so a console that takes
// 45 s to answer holds no thread.
//
// The loop polls the sockets libcurl asks it to watch and tells libcurl
// which are ready (curl_multi_socket_action), so TLS can read several
// records from the socket at a time (see OnSslContext and
// HandOverBufferedTls). It wakes at least every 100 ms while transfers run,
// to end those whose stop was requested: libcurl itself calls the progress
// callback only about once a second when a server is silent, too slow for
// the "stop within ~100 ms" promise in curl_transport.h.

#include "s1c/http/curl_transport.h"

#include <curl/curl.h>
#include <isa-l/igzip_lib.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "s1c/core/fiber.h"
#include "s1c/core/io_loop.h"
#include "s1c/core/spare_list.h"
#include "s1c/core/thread_name.h"

#include "curl_error.h"

namespace s1c::http {
namespace internal {

Status CurlErrorToStatus(int curl_code, std::string_view host_view, std::string_view detail_view) {
  const std::string host(host_view);
  const std::string detail(detail_view);
  // On the int: a value outside CURLcode's range must not be cast to it.
  switch (curl_code) {
    case CURLE_OPERATION_TIMEDOUT:
      return Unavailable("request to host " + host + " timed out: " + detail);
    case CURLE_COULDNT_RESOLVE_HOST:
      return Unavailable("could not resolve host " + host + ": " + detail);
    case CURLE_COULDNT_RESOLVE_PROXY:
      return Unavailable("could not resolve the proxy for host " + host + ": " + detail);
    case CURLE_COULDNT_CONNECT:
      return Unavailable("could not connect to host " + host + ": " + detail);
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
    case CURLE_QUIC_CONNECT_ERROR:
    case CURLE_PROXY:
    case CURLE_SSL_SHUTDOWN_FAILED:
      return Unavailable("connection to host " + host + " failed: " + detail);
    // Certificate problems: say so plainly, it is the most common TLS
    // failure behind a corporate proxy or with a private CA (see ca_file).
    case CURLE_PEER_FAILED_VERIFICATION:  // Also CURLE_SSL_CACERT (same value).
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_CRL_BADFILE:
      return Unavailable("TLS certificate verification failed for host " + host + ": " + detail);
    case CURLE_SSL_CACERT_BADFILE:
      return Unavailable("TLS certificate verification failed for host " + host +
                         ": could not load the CA file (check ca_file): " + detail);
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED:
      return Unavailable("TLS handshake with host " + host + " failed: " + detail);
    case CURLE_ABORTED_BY_CALLBACK:
      return Cancelled("request to host " + host + " cancelled: stop requested");
    case CURLE_BAD_CONTENT_ENCODING:
      return Corrupt("could not decode the response body from host " + host + ": " + detail);
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return InvalidArgument("refused URL for host " + host +
                             " (only http and https are allowed): " + detail);
    default:
      return Unavailable("request to host " + host + " failed: " + detail + " (curl error " +
                         std::to_string(curl_code) + ")");
  }
}

}  // namespace internal

namespace {

// Easy handles kept for reuse: setting one up again is cheaper than a new
// one. Connections live in the loop's multi handle, not in these.
constexpr size_t kMaxIdleEasyHandles = 16;
// How long the loop waits at most while transfers run, before checking
// their stop tokens again.
constexpr int kStopCheckMs = 100;
// The loop's wait when nothing runs: a new transfer wakes it at once.
constexpr int kIdleWaitMs = 60000;

// How much a TLS connection reads from its socket at a time: about four
// full records, so a page arrives in a quarter of the reads (libcurl 7.88
// still polls the socket once per record, asking whether more is pending).
// The price: before each record OpenSSL moves what is left in the buffer
// to its start (payload alignment), ~1.5 records copied per record. A
// one-record buffer copies little but reads twice as often; measured even
// (bench/README.md, "Tried after the malloc thresholds").
constexpr int kTlsReadAheadBytes = 64 * 1024;

// The least room a gzip body is inflated into at a time, when the body's
// buffer has no more spare capacity than that.
constexpr size_t kInflateChunk = 64 * 1024;

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return Lower(x) == Lower(y); });
}

std::string_view Trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() &&
         (v.back() == ' ' || v.back() == '\t' || v.back() == '\r' || v.back() == '\n')) {
    v.remove_suffix(1);
  }
  return v;
}

// "host" or "host:port" for messages. Only these URL parts are ever shown:
// user info and query strings stay out of logs.
std::string HostForMessages(const std::string& url) {
  std::string out = "(unparsable URL)";
  CURLU* u = curl_url();
  if (u == nullptr) return out;
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK) {
    char* host = nullptr;
    if (curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host != nullptr) {
      out = host;
      char* port = nullptr;
      if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK && port != nullptr) {
        out += ':';
        out += port;
      }
      curl_free(port);
    }
    curl_free(host);
  }
  curl_url_cleanup(u);
  return out;
}

// How the body of a transfer is decoded. kSelf: the caller accepts exactly
// gzip, which this file decodes with ISA-L (igzip) as the bytes arrive: about
// 5x cheaper than libcurl's zlib inflate, which was the largest single CPU
// cost of a backfill. Other Accept-Encoding values are left to libcurl.
enum class Coding { kNone, kSelf, kSelfIdentity, kSelfGzip };

// State shared with the callbacks of one transfer.
struct Transfer {
  size_t max_body_bytes = 0;
  const StopToken* stop = nullptr;
  Response response;
  bool body_too_large = false;
  bool stopped = false;
  Coding coding = Coding::kNone;
  // gzip decoding state (~90 KB): allocated only for a gzip body and freed
  // with the transfer, so idle handle pairs (one or two per console and
  // transport) hold no decoder memory.
  std::unique_ptr<inflate_state> inflater;
  std::string bad_coding;  // Why a body could not be decoded.
};

bool AppendBody(Transfer* t, const char* data, size_t len) {
  if (len > t->max_body_bytes - std::min(t->max_body_bytes, t->response.body.size())) {
    t->body_too_large = true;
    return false;
  }
  t->response.body.append(data, len);
  return true;
}

// Feeds one chunk of a gzip body to the inflater, which writes straight into
// the body's spare capacity: no scratch copy, and no zero fill by a resize.
// At most one byte past max_body_bytes is produced, to tell "at the limit"
// from "over it".
bool InflateChunk(Transfer* t, const char* data, size_t len) {
  inflate_state& st = *t->inflater;
  std::string& body = t->response.body;
  st.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(data));
  st.avail_in = static_cast<uint32_t>(len);
  while (st.block_state != ISAL_BLOCK_FINISH) {
    const size_t used = body.size();
    const size_t room = std::min(std::max(kInflateChunk, body.capacity() - used),
                                 std::min<size_t>(t->max_body_bytes - used, UINT32_MAX - 1) + 1);
    int rc = ISAL_DECOMP_OK;
    size_t produced = 0;
    body.resize_and_overwrite(used + room, [&](char* buf, size_t) {
      st.next_out = reinterpret_cast<uint8_t*>(buf + used);
      st.avail_out = static_cast<uint32_t>(room);
      rc = isal_inflate(&st);
      produced = room - st.avail_out;
      return used + produced;
    });
    if (rc != ISAL_DECOMP_OK) {
      t->bad_coding =
          rc == ISAL_INCORRECT_CHECKSUM ? "gzip checksum mismatch" : "invalid gzip data";
      return false;
    }
    if (body.size() > t->max_body_bytes) {
      t->body_too_large = true;
      return false;
    }
    // Done with this chunk once the input is used up and the output did not fill up.
    if (st.avail_in == 0 && produced < room) break;
  }
  // Bytes after the end of the gzip member are ignored, as libcurl does.
  return true;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * count;
  if (t->coding == Coding::kSelf) {
    // The headers are complete by the first body byte.
    const std::string* value = t->response.FindHeader("content-encoding");
    const std::string coding = value == nullptr ? "" : *value;
    // Room for the whole body up front (JSON pages inflate about 6-7x), so a
    // 1 MB page is not copied over and over while its buffer doubles.
    size_t expected = 0;
    if (const std::string* length = t->response.FindHeader("content-length")) {
      expected = std::strtoull(length->c_str(), nullptr, 10);
    }
    if (coding.empty() || EqualsIgnoreCase(coding, "identity")) {
      t->coding = Coding::kSelfIdentity;
    } else if (EqualsIgnoreCase(coding, "gzip") || EqualsIgnoreCase(coding, "x-gzip")) {
      t->coding = Coding::kSelfGzip;
      // Not value-initialized: isal_inflate_init sets what it needs.
      t->inflater.reset(new inflate_state);
      isal_inflate_init(t->inflater.get());
      t->inflater->crc_flag = ISAL_GZIP;
      expected = expected > SIZE_MAX / 8 ? SIZE_MAX : expected * 8;
    } else {
      t->bad_coding = "unsupported content encoding \"" + coding.substr(0, 40) + "\"";
      return CURL_WRITEFUNC_ERROR;
    }
    t->response.body.reserve(std::min(std::bit_ceil(expected), t->max_body_bytes));
  }
  if (t->coding == Coding::kSelfGzip)
    return InflateChunk(t, data, len) ? len : CURL_WRITEFUNC_ERROR;
  return AppendBody(t, data, len) ? len : CURL_WRITEFUNC_ERROR;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * count;
  std::string_view line(data, len);
  auto& headers = t->response.headers;
  // A new status line starts a new header block (after 100 Continue or a
  // proxy's CONNECT reply): keep only the final response's headers.
  if (line.starts_with("HTTP/")) {
    headers.clear();
    return len;
  }
  if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
    // Obsolete line folding (RFC 9112 section 5.2): continue the last value.
    const std::string_view more = Trim(line);
    if (!headers.empty() && !more.empty()) {
      headers.back().value += ' ';
      headers.back().value += more;
    }
    return len;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return len;  // Blank line ending the block.
  Header h;
  h.name.reserve(colon);
  for (char c : Trim(line.substr(0, colon))) h.name.push_back(Lower(c));
  h.value = std::string(Trim(line.substr(colon + 1)));
  headers.push_back(std::move(h));
  return len;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->stop->StopRequested()) {
    t->stopped = true;
    return 1;  // Aborts with CURLE_ABORTED_BY_CALLBACK.
  }
  return 0;
}

// Called by libcurl for each new TLS connection (its own SSL_CTX). Reads
// ahead (see kTlsReadAheadBytes); CurlLoop hands libcurl the records left
// in the buffer. Buffers are freed while empty, so idle connections hold
// none (as many as the consoles, and the cache keeps them open).
CURLcode OnSslContext(CURL*, void* ssl_ctx, void*) {
  auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  SSL_CTX_set_read_ahead(ctx, 1);
  SSL_CTX_set_default_read_buffer_len(ctx, kTlsReadAheadBytes);
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  return CURLE_OK;
}

// Collects the first failing curl_easy_setopt so option setting reads as a
// list instead of a ladder of ifs.
class OptionSetter {
 public:
  explicit OptionSetter(CURL* easy) : easy_(easy) {}
  template <typename T>
  void Set(CURLoption option, T value) {
    if (rc_ == CURLE_OK) rc_ = curl_easy_setopt(easy_, option, value);
  }
  CURLcode rc() const { return rc_; }

 private:
  CURL* easy_;
  CURLcode rc_ = CURLE_OK;
};

// A transfer handed to the loop. Lives on the caller's stack (a fiber's or
// a thread's) until `done` is set; the loop writes the outcome fields first.
struct Job {
  CURL* easy = nullptr;
  Transfer* transfer = nullptr;
  CURLcode result = CURLE_OK;
  CURLMcode multi_error = CURLM_OK;
  bool finished = false;  // libcurl reported the transfer done (with `result`).
  fiber::Event done;
};

}  // namespace

class CurlLoop final : public IoLoop {
 public:
  explicit CurlLoop(CurlLoopOptions options)
      : multi_(curl_multi_init()), wake_fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (multi_ != nullptr) {
      if (options.max_idle_connections > 0) {
        curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, options.max_idle_connections);
      }
      curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlLoop::OnSocket);
      curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, static_cast<void*>(this));
      curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlLoop::OnTimer);
      curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, static_cast<void*>(this));
    }
    if (options.own_thread) thread_ = NamedThread("s1c-http", [this] { Loop(); });
  }
  CurlLoop(const CurlLoop&) = delete;
  CurlLoop& operator=(const CurlLoop&) = delete;

  ~CurlLoop() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      quit_ = true;
    }
    if (thread_.joinable()) {
      WakeDriver();
      thread_.join();
    }
    for (CURL* easy : idle_easy_.TakeAll()) curl_easy_cleanup(easy);
    if (multi_ != nullptr) curl_multi_cleanup(multi_);
    if (wake_fd_ >= 0) close(wake_fd_);
  }

  CURL* AcquireEasy() {
    if (std::optional<CURL*> easy = idle_easy_.Take()) return *easy;
    return curl_easy_init();
  }

  void ReleaseEasy(CURL* easy) {
    // Drops the pointers into the caller's frame (error buffer, header list, body).
    curl_easy_reset(easy);
    if (std::optional<CURL*> extra = idle_easy_.Give(easy)) curl_easy_cleanup(*extra);
  }

  // Runs `job` on the loop and waits for it to end.
  void Perform(Job& job) {
    if (!Usable()) {
      job.multi_error = CURLM_OUT_OF_MEMORY;
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      submitted_.push_back(&job);
    }
    Wake();
    job.done.Wait();
  }

  // IoLoop, for a loop made without a thread of its own.
  void RunFor(std::chrono::milliseconds max_wait) override {
    driver_.store(std::this_thread::get_id(), std::memory_order_relaxed);
    Step(static_cast<int>(std::clamp<int64_t>(max_wait.count(), 0, INT32_MAX)));
  }

  void Wake() override {
    // The driving thread is not in poll while it runs this: it looks at the
    // loop again before it next waits.
    if (std::this_thread::get_id() == driver_.load(std::memory_order_relaxed)) return;
    WakeDriver();
  }

  bool HasWork() override {
    if (!active_.empty()) return true;
    std::lock_guard<std::mutex> lock(mu_);
    return !submitted_.empty();
  }

 private:
  // What libcurl asked to watch on one socket (CURLMOPT_SOCKETFUNCTION).
  struct Watch {
    short events = 0;
    CURL* easy = nullptr;  // The transfer the socket was last set up for.
  };

  bool Usable() const { return multi_ != nullptr && wake_fd_ >= 0; }

  void WakeDriver() {
    if (wake_fd_ < 0) return;
    const uint64_t one = 1;
    // A full counter already wakes the driver: nothing to do on EAGAIN.
    [[maybe_unused]] const ssize_t n = write(wake_fd_, &one, sizeof one);
  }

  static int OnSocket(CURL* easy, curl_socket_t fd, int what, void* self, void*) {
    auto& sockets = static_cast<CurlLoop*>(self)->sockets_;
    if (what == CURL_POLL_REMOVE) {
      sockets.erase(fd);
      return 0;
    }
    short events = 0;
    if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) events |= POLLIN;
    if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) events |= POLLOUT;
    sockets[fd] = Watch{events, easy};
    return 0;
  }

  static int OnTimer(CURLM*, long timeout_ms, void* self) {
    auto* loop = static_cast<CurlLoop*>(self);
    if (timeout_ms < 0) {
      loop->timer_.reset();
    } else {
      loop->timer_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    }
    return 0;
  }

  // The loop's own thread, when it has one.
  void Loop() {
    driver_.store(std::this_thread::get_id(), std::memory_order_relaxed);
    if (!Usable()) return;
    while (true) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (quit_ && submitted_.empty() && active_.empty()) return;
      }
      Step(kIdleWaitMs);
    }
  }

  // Starts the transfers submitted, waits up to `max_wait_ms` (less while
  // transfers run, or when libcurl's timer says so) for their sockets,
  // hands libcurl what happened, and ends the transfers done or stopped.
  void Step(int max_wait_ms) {
    if (!Usable()) return;
    // A transfer that could not start has ended: its caller may be ready.
    const bool start_failed = StartSubmitted();
    WaitForSockets(start_failed ? 0 : max_wait_ms);
    CURLMcode mc = CURLM_OK;
    for (const auto& [fd, bits] : ready_) {
      int running = 0;
      if (mc == CURLM_OK) mc = curl_multi_socket_action(multi_, fd, bits, &running);
    }
    if (mc == CURLM_OK && timer_ && *timer_ <= std::chrono::steady_clock::now()) {
      timer_.reset();
      int running = 0;
      mc = curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
    }
    if (mc == CURLM_OK) mc = HandOverBufferedTls();
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      auto it = active_.find(msg->easy_handle);
      if (it == active_.end()) continue;
      it->second->result = msg->data.result;
      it->second->finished = true;
      End(it);
    }
    // Transfers whose stop was requested, and all of them if the multi
    // handle itself failed, end now. Removing an unfinished transfer
    // closes its connection; a finished one stays in the cache.
    for (auto it = active_.begin(); it != active_.end();) {
      Transfer& t = *it->second->transfer;
      if (mc != CURLM_OK) {
        it->second->multi_error = mc;
      } else if (t.stop->StopRequested()) {
        t.stopped = true;
      } else {
        ++it;
        continue;
      }
      it = End(it);
    }
  }

  // Hands the submitted transfers to libcurl, which then sets its timer to
  // start them at once. Returns whether any failed to start (and ended).
  bool StartSubmitted() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      added_.swap(submitted_);
    }
    bool failed = false;
    for (Job* job : added_) {
      const CURLMcode mc = curl_multi_add_handle(multi_, job->easy);
      if (mc != CURLM_OK) {
        job->multi_error = mc;
        job->done.Set();
        failed = true;
        continue;
      }
      active_.emplace(job->easy, job);
    }
    added_.clear();
    return failed;
  }

  // Fills ready_ with the sockets poll found ready (and drains the wake fd).
  void WaitForSockets(int max_wait_ms) {
    int timeout = max_wait_ms;
    if (!active_.empty()) timeout = std::min(timeout, kStopCheckMs);
    if (timer_) {
      const auto left =
          std::chrono::ceil<std::chrono::milliseconds>(*timer_ - std::chrono::steady_clock::now());
      timeout = static_cast<int>(std::clamp<int64_t>(left.count(), 0, timeout));
    }
    polls_.clear();
    polls_.push_back(pollfd{wake_fd_, POLLIN, 0});
    for (const auto& [fd, watch] : sockets_) polls_.push_back(pollfd{fd, watch.events, 0});
    ready_.clear();
    if (poll(polls_.data(), polls_.size(), timeout) > 0) {
      if (polls_[0].revents != 0) {
        uint64_t count = 0;
        [[maybe_unused]] const ssize_t n = read(wake_fd_, &count, sizeof count);
      }
      for (size_t i = 1; i < polls_.size(); ++i) {
        const short revents = polls_[i].revents;
        if (revents == 0) continue;
        int bits = 0;
        if ((revents & (POLLIN | POLLHUP)) != 0) bits |= CURL_CSELECT_IN;
        if ((revents & POLLOUT) != 0) bits |= CURL_CSELECT_OUT;
        if ((revents & (POLLERR | POLLNVAL)) != 0) bits |= CURL_CSELECT_ERR;
        ready_.emplace_back(polls_[i].fd, bits);
      }
    }
  }

  // TLS reads ahead (see OnSslContext), so records can wait in a
  // connection's TLS buffer while its socket has nothing more to read: poll
  // would not report them, and libcurl reads one record per call. Hands
  // libcurl such records until none is left, without waiting in poll.
  // Every running transfer's socket is looked at, not only those poll
  // reported: libcurl also reads when its timer runs a transfer. A transfer
  // that takes nothing from a hand-over gets no more, so one that stopped
  // reading cannot make the loop spin: it is tried again when the loop next
  // wakes.
  CURLMcode HandOverBufferedTls() {
    CURLMcode mc = CURLM_OK;
    watched_.clear();
    for (const auto& [fd, watch] : sockets_) watched_.push_back(fd);
    // socket_action may change sockets_: hence the copy.
    for (const curl_socket_t fd : watched_) {
      while (mc == CURLM_OK) {
        const auto watch = sockets_.find(fd);
        if (watch == sockets_.end() || !active_.contains(watch->second.easy)) break;
        CURL* easy = watch->second.easy;
        const curl_tlssessioninfo* tls = nullptr;
        if (curl_easy_getinfo(easy, CURLINFO_TLS_SSL_PTR, &tls) != CURLE_OK || tls == nullptr ||
            tls->backend != CURLSSLBACKEND_OPENSSL || tls->internals == nullptr ||
            SSL_has_pending(static_cast<SSL*>(tls->internals)) == 0) {
          break;
        }
        const curl_off_t before = BytesReceived(easy);
        int running = 0;
        mc = curl_multi_socket_action(multi_, fd, CURL_CSELECT_IN, &running);
        if (BytesReceived(easy) == before) break;
      }
    }
    return mc;
  }

  static curl_off_t BytesReceived(CURL* easy) {
    curl_off_t body = 0;
    long headers = 0;
    curl_easy_getinfo(easy, CURLINFO_SIZE_DOWNLOAD_T, &body);
    curl_easy_getinfo(easy, CURLINFO_HEADER_SIZE, &headers);
    return body + headers;
  }

  using Active = std::unordered_map<CURL*, Job*>;
  Active::iterator End(Active::iterator it) {
    Job* job = it->second;
    curl_multi_remove_handle(multi_, job->easy);
    it = active_.erase(it);
    job->done.Set();  // Last: the caller's frame may be gone after it.
    return it;
  }

  CURLM* const multi_;
  // Written to wake the driving thread from poll (Wake, new transfers).
  const int wake_fd_;
  std::thread thread_;  // Only with options.own_thread.
  // The thread that runs the loop: its own, or the host's that calls RunFor.
  std::atomic<std::thread::id> driver_{};
  std::mutex mu_;
  bool quit_ = false;            // Guarded by mu_.
  std::vector<Job*> submitted_;  // Guarded by mu_.
  SpareList<CURL*> idle_easy_{kMaxIdleEasyHandles};
  // The driving thread's only.
  std::vector<Job*> added_;
  Active active_;
  std::unordered_map<curl_socket_t, Watch> sockets_;
  std::optional<std::chrono::steady_clock::time_point> timer_;  // libcurl's.
  std::vector<pollfd> polls_;
  std::vector<std::pair<curl_socket_t, int>> ready_;  // Socket, CURL_CSELECT_* bits.
  std::vector<curl_socket_t> watched_;
};

IoLoop& AsIoLoop(CurlLoop& loop) { return loop; }

namespace {

// HttpTransport over libcurl: sets each request up on the caller's side and
// hands it to a CurlLoop, its own or one shared with other transports.
// Thread-safe.
class CurlTransport final : public HttpTransport {
 public:
  CurlTransport(CurlOptions options, StopToken stop, std::shared_ptr<CurlLoop> loop)
      : options_(std::move(options)), stop_(std::move(stop)), loop_(std::move(loop)) {}

  Result<Response> Send(const Request& request) override {
    if (stop_.StopRequested()) {
      return Cancelled("request to host " + HostForMessages(request.url) +
                       " cancelled: stop requested");
    }
    Job job;
    job.easy = loop_->AcquireEasy();
    if (job.easy == nullptr) return Internal("could not create a libcurl handle (out of memory?)");
    Result<Response> result = Perform(job, request);
    loop_->ReleaseEasy(job.easy);
    return result;
  }

 private:
  Result<Response> Perform(Job& job, const Request& request) {
    const std::string host = HostForMessages(request.url);
    CURL* easy = job.easy;

    Transfer transfer;
    transfer.max_body_bytes = options_.max_response_bytes;
    transfer.stop = &stop_;
    char errbuf[CURL_ERROR_SIZE] = {};

    Slist headers;
    std::string accept_encoding;
    for (const Header& header : request.headers) {
      if (EqualsIgnoreCase(header.name, "Accept-Encoding")) {
        // Hand the caller's codings to libcurl (CURLOPT_ACCEPT_ENCODING below)
        // so it decodes the body. Not "" (every coding libcurl knows): that
        // offers brotli, which some servers then compress at a slow maximum
        // quality; gzip is cheap on both ends.
        accept_encoding = header.value;
        if (!EqualsIgnoreCase(Trim(header.value), "gzip")) continue;
        // Exactly gzip: sent as given and decoded here (see Coding).
        transfer.coding = Coding::kSelf;
        accept_encoding.clear();
      }
      // "Name;" is libcurl's spelling of a header with an empty value.
      const std::string line =
          header.value.empty() ? header.name + ";" : header.name + ": " + header.value;
      curl_slist* appended = curl_slist_append(headers.get(), line.c_str());
      if (appended == nullptr) return Internal("could not build request headers (out of memory?)");
      headers.release();
      headers.reset(appended);
    }
    // No "Expect: 100-continue" on large POSTs: it costs a round trip, and up
    // to a second with servers that ignore it.
    {
      curl_slist* appended = curl_slist_append(headers.get(), "Expect:");
      if (appended == nullptr) return Internal("could not build request headers (out of memory?)");
      headers.release();
      headers.reset(appended);
    }

    OptionSetter o(easy);
    o.Set(CURLOPT_URL, request.url.c_str());
    o.Set(CURLOPT_ERRORBUFFER, errbuf);
    o.Set(CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85.0
    o.Set(CURLOPT_PROTOCOLS_STR, "http,https");
    o.Set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    o.Set(CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    o.Set(CURLOPT_REDIR_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    o.Set(CURLOPT_FOLLOWLOCATION, 0L);
    o.Set(CURLOPT_SSL_VERIFYPEER, 1L);
    o.Set(CURLOPT_SSL_VERIFYHOST, 2L);
    o.Set(CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
    // HTTP/1.1 even where the server offers HTTP/2 (libcurl's default over
    // TLS): behind the same front, HTTP/2 cost a third more CPU per event
    // (docs/architecture.md, "Connections"), and it is what the tests run.
    o.Set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
    o.Set(CURLOPT_SSL_CTX_FUNCTION, &OnSslContext);
    if (!options_.ca_file.empty()) o.Set(CURLOPT_CAINFO, options_.ca_file.c_str());
    if (!options_.proxy.empty()) o.Set(CURLOPT_PROXY, options_.proxy.c_str());
    o.Set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
    o.Set(CURLOPT_TCP_KEEPALIVE, 1L);
    o.Set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
    o.Set(CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    if (!options_.user_agent.empty()) o.Set(CURLOPT_USERAGENT, options_.user_agent.c_str());
    if (!accept_encoding.empty()) o.Set(CURLOPT_ACCEPT_ENCODING, accept_encoding.c_str());
    if (transfer.coding == Coding::kSelf) o.Set(CURLOPT_HTTP_CONTENT_DECODING, 0L);
    o.Set(CURLOPT_HTTPHEADER, headers.get());

    const bool has_body = !request.body.empty();
    if (request.method == "GET" && !has_body) {
      o.Set(CURLOPT_HTTPGET, 1L);
    } else if (request.method == "HEAD") {
      o.Set(CURLOPT_NOBODY, 1L);
    } else {
      if (request.method == "POST" || has_body) {
        o.Set(CURLOPT_POST, 1L);
        o.Set(CURLOPT_POSTFIELDS, request.body.data());
        o.Set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      }
      if (request.method != "POST") o.Set(CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }

    o.Set(CURLOPT_WRITEFUNCTION, &OnBody);
    o.Set(CURLOPT_WRITEDATA, static_cast<void*>(&transfer));
    o.Set(CURLOPT_HEADERFUNCTION, &OnHeader);
    o.Set(CURLOPT_HEADERDATA, static_cast<void*>(&transfer));
    o.Set(CURLOPT_XFERINFOFUNCTION, &OnProgress);
    o.Set(CURLOPT_XFERINFODATA, static_cast<void*>(&transfer));
    o.Set(CURLOPT_NOPROGRESS, 0L);
    if (o.rc() != CURLE_OK) {
      return Internal(std::string("could not configure libcurl: ") + curl_easy_strerror(o.rc()));
    }

    job.transfer = &transfer;
    loop_->Perform(job);
    const CURLMcode mc = job.multi_error;
    const CURLcode result = job.result;
    const bool done = job.finished;
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);

    if (transfer.stopped) {
      return Cancelled("request to host " + host + " cancelled: stop requested");
    }
    if (transfer.body_too_large) {
      return Corrupt("response body exceeds " + std::to_string(options_.max_response_bytes) +
                     " bytes (from host " + host + ")");
    }
    if (!transfer.bad_coding.empty()) {
      return Corrupt("could not decode the response body from host " + host + ": " +
                     transfer.bad_coding);
    }
    if (mc != CURLM_OK) {
      return Unavailable("request to host " + host + " failed: " + curl_multi_strerror(mc));
    }
    if (!done) return Internal("libcurl ended a transfer to host " + host + " without a result");
    if (result != CURLE_OK) {
      const std::string detail = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(result);
      return internal::CurlErrorToStatus(result, host, detail);
    }
    if (transfer.coding == Coding::kSelfGzip &&
        transfer.inflater->block_state != ISAL_BLOCK_FINISH) {
      return Corrupt("could not decode the response body from host " + host +
                     ": the gzip data ends early");
    }
    transfer.response.status = status;
    return std::move(transfer.response);
  }

  const CurlOptions options_;
  const StopToken stop_;
  const std::shared_ptr<CurlLoop> loop_;
};

}  // namespace

std::shared_ptr<CurlLoop> MakeCurlLoop(CurlLoopOptions options) {
  return std::make_shared<CurlLoop>(options);
}

std::unique_ptr<HttpTransport> MakeCurlTransport(CurlOptions options, StopToken stop,
                                                 std::shared_ptr<CurlLoop> loop) {
  if (!loop) loop = MakeCurlLoop({});
  return std::make_unique<CurlTransport>(std::move(options), std::move(stop), std::move(loop));
}

void GlobalInitCurl() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace s1c::http
