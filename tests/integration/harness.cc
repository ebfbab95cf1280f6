#include "harness.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

namespace s1c::it {

Process::Process(std::vector<std::string> argv, std::filesystem::path log_file,
                 std::map<std::string, std::string> extra_env)
    : log_file_(std::move(log_file)) {
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  // Build the environment before fork: only async-signal-safe calls after it.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  for (const auto& [k, v] : extra_env) env_strings.push_back(k + "=" + v);
  std::vector<char*> env;
  for (auto& e : env_strings) env.push_back(e.data());
  env.push_back(nullptr);
  const int fd = open(log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot open " + log_file_.string());
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) throw std::runtime_error("cannot open /dev/null");
  pid_ = fork();
  if (pid_ == 0) {
    dup2(null_fd, STDIN_FILENO);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    // Tests block no signals; make sure the child starts with a clean mask.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(args[0], args.data(), env.data());
    _exit(127);
  }
  close(fd);
  close(null_fd);
  if (pid_ < 0) throw std::runtime_error("fork failed");
}

Process::~Process() {
  if (Running()) {
    kill(pid_, SIGKILL);
    Wait(std::chrono::seconds(5));
  }
}

void Process::Signal(int sig) {
  if (!status_) kill(pid_, sig);
}

std::optional<int> Process::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!status_) {
    int raw = 0;
    const pid_t r = waitpid(pid_, &raw, WNOHANG);
    if (r == pid_) {
      status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return status_;
}

bool Process::Running() { return !Wait(std::chrono::milliseconds(0)).has_value(); }

std::string Process::Output() const { return ReadFile(log_file_); }

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::path(::testing::TempDir()) /
          ("s1c-it-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  // Keep the directory of a failed test for a post-mortem.
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(path_, ec);
}

Server::Server(const std::string& binary, std::vector<std::string> args,
               const std::filesystem::path& dir, const std::string& name) {
  const auto port_file = dir / (name + ".port");
  std::vector<std::string> argv{binary, "--port", "0", "--port-file", port_file.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  process_ = std::make_unique<Process>(argv, dir / (name + ".log"));
  const bool up =
      WaitFor([&] { return std::filesystem::exists(port_file) || !process_->Running(); },
              std::chrono::seconds(30));
  if (!up || !std::filesystem::exists(port_file)) {
    throw std::runtime_error(name + " did not start: " + process_->Output());
  }
  port_ = std::stoi(ReadFile(port_file));
}

namespace {
httplib::Client Client(int port) {
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(60, 0);
  return c;
}
}  // namespace

std::string HttpGet(int port, const std::string& path) {
  auto c = Client(port);
  auto res = c.Get(path.c_str());
  if (!res || res->status / 100 != 2) {
    ADD_FAILURE() << "GET " << path
                  << " failed: " << (res ? std::to_string(res->status) : "no reply");
    return "";
  }
  return res->body;
}

void HttpPost(int port, const std::string& path, const std::string& body) {
  auto c = Client(port);
  auto res = c.Post(path.c_str(), body, "application/json");
  if (!res || res->status / 100 != 2) {
    ADD_FAILURE() << "POST " << path << " failed: " << (res ? res->body : "no reply");
  }
}

void HttpDelete(int port, const std::string& path) {
  auto c = Client(port);
  auto res = c.Delete(path.c_str());
  if (!res || res->status / 100 != 2) ADD_FAILURE() << "DELETE " << path << " failed";
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::filesystem::path& p, const std::string& content) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << content;
}

std::vector<std::string> ReadLines(const std::filesystem::path& p) { return Lines(ReadFile(p)); }

std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    const size_t end = std::min(text.find('\n'), text.size());
    if (end > 0) lines.emplace_back(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return lines;
}

std::string CollectorBinary() { return S1C_COLLECTOR_BIN; }
std::string SimulatorBinary() { return S1C_SIMULATOR_BIN; }
std::string SinkBinary() { return S1C_SINK_BIN; }

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

int MetricsPort(Process& collector) {
  int port = 0;
  WaitFor(
      [&] {
        std::smatch m;
        const std::string out = collector.Output();
        if (std::regex_search(out, m, std::regex("address=127\\.0\\.0\\.1:([0-9]+)"))) {
          port = std::stoi(m[1]);
        }
        return port != 0 || !collector.Running();
      },
      std::chrono::seconds(60));
  return port;
}

Comparison CompareEvents(const std::vector<std::string>& expected,
                         const std::vector<std::string>& received) {
  std::map<std::string, int> want;
  for (const auto& e : expected) ++want[e];
  std::map<std::string, int> got;
  for (const auto& e : received) ++got[e];
  Comparison c;
  c.expected = expected.size();
  c.received = received.size();
  for (const auto& [event, n] : want) {
    auto it = got.find(event);
    const int g = it == got.end() ? 0 : it->second;
    if (g < n) c.missing += n - g;
    if (g > n) c.duplicates += g - n;
  }
  for (const auto& [event, n] : got) {
    if (!want.count(event)) c.unexpected += n;
  }
  return c;
}

bool SimLiveFinished(Server& sim) {
  return nlohmann::json::parse(HttpGet(sim.port(), "/_sim/stats")).at("live_finished").get<bool>();
}

bool WaitForSimsLiveFinished(const std::vector<Server*>& sims, std::chrono::milliseconds timeout) {
  return WaitFor(
      [&] {
        return std::all_of(sims.begin(), sims.end(), [](Server* s) { return SimLiveFinished(*s); });
      },
      timeout);
}

std::vector<std::string> SimCorpus(Server& sim, const std::string& stream) {
  return Lines(HttpGet(sim.port(), "/_sim/corpus?stream=" + stream));
}

std::vector<std::string> SimCorpusIn(Server& sim, const std::string& stream,
                                     const std::string& time_pointer, const std::string& from,
                                     const std::string& to) {
  const nlohmann::json::json_pointer at(time_pointer);
  std::vector<std::string> in_range;
  for (std::string& line : SimCorpus(sim, stream)) {
    const std::string t = nlohmann::json::parse(line).at(at).get<std::string>();
    if (t >= from && t < to) in_range.push_back(std::move(line));
  }
  return in_range;
}

void ExpectNothingCommitted(const std::filesystem::path& checkpoint, const std::string& watermark) {
  if (!std::filesystem::exists(checkpoint)) return;
  const nlohmann::json cp = nlohmann::json::parse(ReadFile(checkpoint));
  EXPECT_EQ(cp.value("watermark", ""), watermark) << cp.dump();
  EXPECT_EQ(cp.value("events_done", -1), 0) << cp.dump();
}

nlohmann::json ConsoleConfig(const std::string& name, const Server& sim, nlohmann::json token,
                             nlohmann::json intake_key, const Server& sink) {
  return nlohmann::json{
      {"name", name},
      {"url", sim.url()},
      {"api_token", std::move(token)},
      {"intake_key", std::move(intake_key)},
      {"intake_url", sink.url()},
      {"streams", {{"activities", {{"enabled", true}}}, {"threats", {{"enabled", true}}}}}};
}

nlohmann::json CollectorConfig(const std::filesystem::path& state_dir, nlohmann::json consoles,
                               nlohmann::json extra_defaults) {
  nlohmann::json defaults = {{"start_from", "2025-12-31T00:00:00Z"}, {"poll_interval_seconds", 1}};
  defaults.update(extra_defaults);
  return nlohmann::json{{"state_dir", state_dir.string()},
                        {"defaults", std::move(defaults)},
                        {"consoles", std::move(consoles)}};
}

RunResult RunToEnd(const std::vector<std::string>& argv, const std::filesystem::path& log,
                   std::map<std::string, std::string> env, std::chrono::milliseconds timeout) {
  Process p(argv, log, std::move(env));
  const std::optional<int> status = p.Wait(timeout);
  RunResult r;
  r.status = status.value_or(-1);
  r.output = p.Output();
  EXPECT_TRUE(status.has_value()) << argv.front() << " did not finish within " << timeout.count()
                                  << " ms:\n"
                                  << r.output;
  return r;
}

Server& Fixture::StartSimulator(std::vector<std::string> args, const std::string& name) {
  servers_.push_back(std::make_unique<Server>(SimulatorBinary(), std::move(args), path(), name));
  return *servers_.back();
}

Server& Fixture::StartSink(const std::vector<std::string>& keys, std::vector<std::string> extra) {
  std::vector<std::string> args;
  for (const std::string& key : keys) args.insert(args.end(), {"--key", key});
  args.insert(args.end(), {"--out-dir", (path() / "sink").string()});
  args.insert(args.end(), extra.begin(), extra.end());
  servers_.push_back(std::make_unique<Server>(SinkBinary(), std::move(args), path(), "sink"));
  return *servers_.back();
}

std::filesystem::path Fixture::WriteConfig(const nlohmann::json& config,
                                           const std::string& name) const {
  return WriteOwnerOnly(config.dump(2), name);
}

std::filesystem::path Fixture::WriteOwnerOnly(const std::string& text,
                                              const std::string& name) const {
  const std::filesystem::path file = path() / name;
  WriteFile(file, text);
  std::filesystem::permissions(
      file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return file;
}

RunResult Fixture::Run(std::vector<std::string> args, const std::string& log,
                       std::map<std::string, std::string> env) const {
  args.insert(args.begin(), CollectorBinary());
  return RunToEnd(args, path() / log, std::move(env));
}

RunResult Fixture::RunOnce(const std::filesystem::path& config, const std::string& log,
                           std::map<std::string, std::string> env) const {
  return Run({"run", "--once", "-c", config.string()}, log, std::move(env));
}

std::unique_ptr<Process> Fixture::Start(std::vector<std::string> args, const std::string& log,
                                        std::map<std::string, std::string> env) const {
  args.insert(args.begin(), CollectorBinary());
  return std::make_unique<Process>(std::move(args), path() / log, std::move(env));
}

std::unique_ptr<Process> Fixture::StartDaemon(const std::filesystem::path& config,
                                              const std::string& log,
                                              std::map<std::string, std::string> env) const {
  return Start({"run", "-c", config.string()}, log, std::move(env));
}

std::filesystem::path Fixture::ReceivedFile(const std::string& label) const {
  return path() / "sink" / (label + ".ndjson");
}

std::vector<std::string> Fixture::Received(const std::string& label) const {
  return ReadLines(ReceivedFile(label));
}

std::vector<std::string> FindSecrets(std::string_view text, const std::vector<std::string>& secrets,
                                     const std::string& where) {
  std::vector<std::string> found;
  for (const std::string& secret : secrets) {
    if (!secret.empty() && text.find(secret) != std::string_view::npos) {
      found.push_back(where + ": " + secret);
    }
  }
  return found;
}

void ExpectNoSecrets(const std::vector<std::filesystem::path>& paths,
                     const std::vector<std::string>& secrets) {
  std::vector<std::filesystem::path> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(p, ec)) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
    } else if (std::filesystem::exists(p, ec)) {
      files.push_back(p);
    }  // A path that was never created holds no secret.
  }
  for (const auto& f : files) {
    for (const std::string& hit : FindSecrets(ReadFile(f), secrets, f.string())) {
      ADD_FAILURE() << "secret leaked: " << hit;
    }
  }
}

}  // namespace s1c::it
