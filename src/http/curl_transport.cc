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
// The loop wakes at least every 100 ms while transfers run, to end those
// whose stop was requested: libcurl itself calls the progress callback only
// about once a second when a server is silent, too slow for the "stop
// within ~100 ms" promise in curl_transport.h.

#include "s1c/http/curl_transport.h"

#include <curl/curl.h>
#include <isa-l/igzip_lib.h>

#include <algorithm>
#include <atomic>
#include <bit>
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
  explicit CurlLoop(CurlLoopOptions options) : multi_(curl_multi_init()) {
    if (multi_ != nullptr && options.max_idle_connections > 0) {
      curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, options.max_idle_connections);
    }
    if (options.own_thread) thread_ = std::thread([this] { Loop(); });
  }
  CurlLoop(const CurlLoop&) = delete;
  CurlLoop& operator=(const CurlLoop&) = delete;

  ~CurlLoop() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      quit_ = true;
    }
    if (thread_.joinable()) {
      if (multi_ != nullptr) curl_multi_wakeup(multi_);
      thread_.join();
    }
    for (CURL* easy : idle_easy_.TakeAll()) curl_easy_cleanup(easy);
    if (multi_ != nullptr) curl_multi_cleanup(multi_);
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
    if (multi_ == nullptr) {
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
    if (max_wait.count() <= 0) {
      Step(/*always_perform=*/true);
      return;
    }
    // Nothing moved on the sockets since the last Step unless transfers
    // were added: then only the poll tells what to do.
    if (Step(/*always_perform=*/false)) return;
    const int timeout =
        static_cast<int>(active_.empty() ? std::min<int64_t>(max_wait.count(), INT32_MAX)
                                         : std::min<int64_t>(max_wait.count(), kStopCheckMs));
    if (multi_ != nullptr) curl_multi_poll(multi_, nullptr, 0, timeout, nullptr);
    Step(/*always_perform=*/true);
  }

  void Wake() override {
    // The driving thread is not in curl_multi_poll while it runs this: it
    // looks at the loop again before it next waits.
    if (multi_ == nullptr || std::this_thread::get_id() == driver_.load(std::memory_order_relaxed))
      return;
    curl_multi_wakeup(multi_);
  }

  bool HasWork() override {
    if (!active_.empty()) return true;
    std::lock_guard<std::mutex> lock(mu_);
    return !submitted_.empty();
  }

 private:
  // The loop's own thread, when it has one.
  void Loop() {
    driver_.store(std::this_thread::get_id(), std::memory_order_relaxed);
    if (multi_ == nullptr) return;
    while (true) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (quit_ && submitted_.empty() && active_.empty()) return;
      }
      Step(/*always_perform=*/true);
      curl_multi_poll(multi_, nullptr, 0, active_.empty() ? kIdleWaitMs : kStopCheckMs, nullptr);
    }
  }

  // Starts the transfers submitted, moves every transfer on as far as its
  // sockets allow (if some were started or `always_perform`), and ends
  // those done or stopped. Returns whether any ended.
  bool Step(bool always_perform) {
    if (multi_ == nullptr) return false;
    bool ended = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      added_.swap(submitted_);
    }
    for (Job* job : added_) {
      const CURLMcode mc = curl_multi_add_handle(multi_, job->easy);
      if (mc != CURLM_OK) {
        job->multi_error = mc;
        job->done.Set();
        ended = true;
        continue;
      }
      active_.emplace(job->easy, job);
    }
    const bool started = !added_.empty();
    added_.clear();
    if (active_.empty()) return ended;
    CURLMcode mc = CURLM_OK;
    if (always_perform || started) {
      int running = 0;
      mc = curl_multi_perform(multi_, &running);
    }
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      auto it = active_.find(msg->easy_handle);
      if (it == active_.end()) continue;
      it->second->result = msg->data.result;
      it->second->finished = true;
      End(it);
      ended = true;
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
      ended = true;
    }
    return ended;
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
