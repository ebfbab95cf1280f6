// Integration-test harness: runs the real binaries (s1-collector,
// s1-simulator, intake-sink) as child processes on 127.0.0.1, and reads what
// they produced. Paths of the binaries come from CMake.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace s1c::it {

// A child process with stdout+stderr captured to a file and stdin from
// /dev/null (never a terminal, whatever runs the tests). Killed (SIGKILL)
// on destruction if still running.
class Process {
 public:
  Process(std::vector<std::string> argv, std::filesystem::path log_file,
          std::map<std::string, std::string> extra_env = {});
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  void Signal(int sig);
  // Waits for exit up to `timeout`; returns the exit status (128+signal when
  // killed by a signal), or nullopt on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  bool Running();
  std::string Output() const;  // Everything it printed so far.
  const std::filesystem::path& log_file() const { return log_file_; }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::filesystem::path log_file_;
};

// A unique empty directory under the test temp dir, removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A server started with --port 0 --port-file; waits until the port is known.
class Server {
 public:
  Server(const std::string& binary, std::vector<std::string> args, const std::filesystem::path& dir,
         const std::string& name);
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  Process& process() { return *process_; }

 private:
  std::unique_ptr<Process> process_;
  int port_ = 0;
};

// Plain HTTP to 127.0.0.1. Returns the body; fails the test on a non-2xx status.
std::string HttpGet(int port, const std::string& path);
void HttpPost(int port, const std::string& path, const std::string& body);
void HttpDelete(int port, const std::string& path);

std::string ReadFile(const std::filesystem::path& p);
void WriteFile(const std::filesystem::path& p, const std::string& content);
std::vector<std::string> ReadLines(const std::filesystem::path& p);  // Missing file = empty.
std::vector<std::string> Lines(std::string_view text);               // Without empty lines.

// Paths of the built binaries.
std::string CollectorBinary();
std::string SimulatorBinary();
std::string SinkBinary();

// Polls `done` every 50 ms until true or `timeout`; returns its last value.
bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout);

// The port of a running collector's metrics server, from its log line
// "Metrics server listening. address=127.0.0.1:PORT" (metrics.listen
// 127.0.0.1:0); 0 when it exits or a minute passes without one.
int MetricsPort(Process& collector);

// Redaction checks (docs/security.md). Returns "<where>: <secret>" for every
// secret found in `text`, in order; empty when none is there.
std::vector<std::string> FindSecrets(std::string_view text, const std::vector<std::string>& secrets,
                                     const std::string& where = "text");
// Scans each path (a file, or every regular file under a directory; missing
// paths are skipped) for the secrets, and fails the test naming the file and the secret for each hit.
void ExpectNoSecrets(const std::vector<std::filesystem::path>& paths,
                     const std::vector<std::string>& secrets);

// What arrived compared with what the console has, as multisets of exact
// event bytes: every expected event must arrive exactly once, unaltered.
struct Comparison {
  size_t expected = 0;
  size_t received = 0;
  size_t missing = 0;     // Expected but never received.
  size_t duplicates = 0;  // Received more than once (counted beyond the first).
  size_t unexpected = 0;  // Received but never served: altered bytes or invented events.
};
Comparison CompareEvents(const std::vector<std::string>& expected,
                         const std::vector<std::string>& received);

// Whether the simulator's bounded live phase (--live-seconds) has added its
// last row and every row it added is visible: from then on SimCorpus is final.
bool SimLiveFinished(Server& sim);
// Waits up to `timeout` until SimLiveFinished holds for every one of `sims`.
bool WaitForSimsLiveFinished(const std::vector<Server*>& sims, std::chrono::milliseconds timeout);
// Every event the simulator currently serves for `stream` (its /_sim/corpus), exact bytes.
std::vector<std::string> SimCorpus(Server& sim, const std::string& stream);
// The events of SimCorpus(sim, stream) whose time at `time_pointer` (a JSON
// pointer, "/createdAt") is in [from, to). Times written in one format (the
// API's for the stream) compare as strings like times.
std::vector<std::string> SimCorpusIn(Server& sim, const std::string& stream,
                                     const std::string& time_pointer, const std::string& from,
                                     const std::string& to);

// The checkpoint file, if any, still holds the start point `watermark`
// (CollectorConfig's start_from): no event was acknowledged.
void ExpectNothingCommitted(const std::filesystem::path& checkpoint,
                            const std::string& watermark = "2025-12-31T00:00:00.000000Z");

// A console entry of the collector's JSON config pointing at `sim` and `sink`,
// with activities and threats enabled.
nlohmann::json ConsoleConfig(const std::string& name, const Server& sim, nlohmann::json token,
                             nlohmann::json intake_key, const Server& sink);
// A whole config: state under `state_dir`, start_from before the simulator's
// default corpus, 1 s poll interval, and `extra_defaults` merged into "defaults".
nlohmann::json CollectorConfig(const std::filesystem::path& state_dir, nlohmann::json consoles,
                               nlohmann::json extra_defaults = nlohmann::json::object());

// How a command run to its end went.
struct RunResult {
  int status = -1;     // Exit status (128+signal when killed); -1: it did not finish in time.
  std::string output;  // Everything it printed (stdout and stderr): its whole log file.
};

// Runs `argv` to its end, appending its output to `log`. A run that takes
// longer than `timeout` fails the test and is killed.
RunResult RunToEnd(const std::vector<std::string>& argv, const std::filesystem::path& log,
                   std::map<std::string, std::string> env = {},
                   std::chrono::milliseconds timeout = std::chrono::minutes(5));

// The shared fixture of the integration tests: one temp dir holding the
// simulated consoles, the intake sink, the collector's config, its state
// and every log (kept when the test fails), and the ways to run the real
// collector against them. Names (`name`, `log`) are files in that dir.
// Owns the servers it starts and stops them when destroyed; a test holds
// the collector processes it starts. Not thread-safe.
class Fixture {
 public:
  const std::filesystem::path& path() const { return dir_.path(); }
  std::filesystem::path state_dir() const { return path() / "state"; }

  // Starts s1-simulator with `args` (its log: <name>.log).
  Server& StartSimulator(std::vector<std::string> args, const std::string& name = "sim");
  // Starts the intake sink (one a fixture) accepting each "key=label" of
  // `keys`, writing what a label receives to sink/<label>.ndjson (Received);
  // `extra` is appended to its arguments.
  Server& StartSink(const std::vector<std::string>& keys, std::vector<std::string> extra = {});

  // Writes `text` to <name>, readable by its owner only, as a config or a
  // token file holding a secret must be. Returns its path.
  std::filesystem::path WriteOwnerOnly(const std::string& text, const std::string& name) const;
  // Writes the collector's config (WriteOwnerOnly, indented). Returns its path.
  std::filesystem::path WriteConfig(const nlohmann::json& config,
                                    const std::string& name = "config.json") const;

  // Runs `s1-collector <args>` to its end (RunToEnd).
  RunResult Run(std::vector<std::string> args, const std::string& log,
                std::map<std::string, std::string> env = {}) const;
  // `s1-collector run --once -c <config>`.
  RunResult RunOnce(const std::filesystem::path& config, const std::string& log,
                    std::map<std::string, std::string> env = {}) const;
  // Starts `s1-collector <args>` and returns at once.
  std::unique_ptr<Process> Start(std::vector<std::string> args, const std::string& log,
                                 std::map<std::string, std::string> env = {}) const;
  // Starts the daemon, `s1-collector run -c <config>`.
  std::unique_ptr<Process> StartDaemon(const std::filesystem::path& config, const std::string& log,
                                       std::map<std::string, std::string> env = {}) const;

  // What the sink has received for `label` so far, one event a line.
  std::filesystem::path ReceivedFile(const std::string& label) const;
  std::vector<std::string> Received(const std::string& label) const;
  // The log file `log`, as written so far.
  std::string Log(const std::string& log) const { return ReadFile(path() / log); }

 private:
  TempDir dir_;  // First: outlives the servers that write into it.
  std::vector<std::unique_ptr<Server>> servers_;
};

}  // namespace s1c::it
