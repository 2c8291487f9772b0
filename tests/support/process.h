// Test helpers for running real programs (our services, redis-server) as child
// processes, picking free ports and making scratch folders.
#ifndef CERCLES_TESTS_SUPPORT_PROCESS_H_
#define CERCLES_TESTS_SUPPORT_PROCESS_H_

#include <netinet/in.h>
#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace cercles::testing {

// A TCP port on 127.0.0.1 that was free a moment ago, drawn at random below the
// kernel's ephemeral range (so no outgoing connection takes it meanwhile).
// Another picker may still take it before the caller binds it; callers that
// start servers should retry on failure. 0 when none was found.
int FreePort();

// 127.0.0.1:port as a socket address (port 0: any free port when bound).
sockaddr_in LoopbackAddress(int port);

// Creates a fresh directory "<$TMPDIR or /tmp>/<prefix>XXXXXX" and returns its
// path; "" on failure. The caller removes it.
std::string MakeTempDir(const std::string& prefix);

// True once something accepts TCP connections on 127.0.0.1:port.
bool WaitForTcpPort(int port, absl::Duration timeout);

class Process {
 public:
  struct Options {
    // argv[0] is the program: a path, or a bare name looked up on $PATH.
    std::vector<std::string> argv;
    // Added to (or overriding) the inherited environment.
    std::vector<std::pair<std::string, std::string>> env;
    // stdout and stderr are appended to this file; empty inherits the test's.
    std::string log_path;
    // Empty keeps the current directory.
    std::string working_dir;
  };

  // Starts the child in its own process group. Fails if the program cannot be
  // executed (missing, not executable) or the log file cannot be opened.
  static absl::StatusOr<std::unique_ptr<Process>> Start(Options options);

  // Kills (SIGKILL, whole process group) and reaps the child if still running.
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  const Options& options() const { return options_; }

  // Sends `signal` to the child; false if it has already been reaped or kill fails.
  bool Signal(int signal);
  // The exit code, or 128+N if killed by signal N; nullopt if still running after
  // `timeout`. Once reaped, returns the same value immediately on every call.
  std::optional<int> Wait(absl::Duration timeout);
  // False once the child has exited (reaps it if so).
  bool Running();
  // Everything written to log_path so far ("" if none).
  std::string ReadLog() const;

 private:
  Process(Options options, pid_t pid) : options_(std::move(options)), pid_(pid) {}
  // Non-blocking reap; true if the child has exited (exit_code_ is then set).
  bool TryReap();

  const Options options_;
  const pid_t pid_;
  std::optional<int> exit_code_;
};

}  // namespace cercles::testing

#endif  // CERCLES_TESTS_SUPPORT_PROCESS_H_
