#include "tests/support/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <random>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

extern char** environ;

namespace cercles::testing {
namespace {

// FreePort draws from here up to the ephemeral range.
constexpr int kFirstPickedPort = 10000;

// The first port of the kernel's ephemeral range (/proc/sys/net/ipv4/
// ip_local_port_range; 32768 when unreadable). Clients' outgoing connections
// take their local port from that range, so a port picked there may be taken by
// any connection of any test between the pick and the server's bind.
int EphemeralLow() {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 0;
  if (!(range >> low) || low <= kFirstPickedPort) return 32768;
  return low;
}

// execv does not search $PATH; resolving here also lets a missing program be
// reported as a clean error instead of a child that exits 127.
std::string ResolveProgram(const std::string& program) {
  if (program.find('/') != std::string::npos) {
    return ::access(program.c_str(), X_OK) == 0 ? program : "";
  }
  const char* path = std::getenv("PATH");
  for (absl::string_view dir : absl::StrSplit(path != nullptr ? path : "/usr/bin:/bin", ':')) {
    if (dir.empty()) continue;
    std::string candidate = absl::StrCat(dir, "/", program);
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return "";
}

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

sockaddr_in LoopbackAddress(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return addr;
}

int FreePort() {
  // Below the ephemeral range, where nothing is handed out without asking:
  // only another picker can take the port, and with ~20,000 ports to draw from
  // two picks meeting is rare. A port nothing is bound to (not even in
  // TIME_WAIT: no SO_REUSEADDR) is returned.
  static const int ephemeral_low = EphemeralLow();
  thread_local std::mt19937 engine(std::random_device{}());
  std::uniform_int_distribution<int> pick(kFirstPickedPort, ephemeral_low - 1);
  for (int attempt = 0; attempt < 200; ++attempt) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return 0;
    const int port = pick(engine);
    sockaddr_in addr = LoopbackAddress(port);
    const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    ::close(fd);
    if (bound) return port;
  }
  return 0;
}

std::string MakeTempDir(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string base = (tmp != nullptr && *tmp != '\0') ? tmp : "/tmp";
  std::string templ = absl::StrCat(base, "/", prefix, "XXXXXX");
  if (::mkdtemp(templ.data()) == nullptr) return "";
  return templ;
}

bool WaitForTcpPort(int port, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0) {
      sockaddr_in addr = LoopbackAddress(port);
      const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
      ::close(fd);
      if (ok) return true;
    }
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(20));
  }
}

absl::StatusOr<std::unique_ptr<Process>> Process::Start(Options options) {
  if (options.argv.empty()) return absl::InvalidArgumentError("Process: empty argv");
  const std::string program = ResolveProgram(options.argv[0]);
  if (program.empty()) {
    return absl::NotFoundError(absl::StrCat("Process: cannot execute \"", options.argv[0],
                                            "\" (not found on PATH ", "or not executable)"));
  }

  // Everything the child needs is built before fork: after fork in a
  // multithreaded parent only async-signal-safe calls are allowed (no malloc).
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    absl::string_view entry = *e;
    const size_t eq = entry.find('=');
    if (eq == absl::string_view::npos) continue;
    env[std::string(entry.substr(0, eq))] = std::string(entry.substr(eq + 1));
  }
  for (const auto& [name, value] : options.env) env[name] = value;
  std::vector<std::string> env_strings;
  env_strings.reserve(env.size());
  for (const auto& [name, value] : env) env_strings.push_back(absl::StrCat(name, "=", value));
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_strings = options.argv;
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  int log_fd = -1;
  if (!options.log_path.empty()) {
    log_fd = ::open(options.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) {
      return absl::InternalError(
          absl::StrCat("Process: cannot open log ", options.log_path, ": ", std::strerror(errno)));
    }
  }
  // The child reports a failed chdir/exec through this pipe; a successful exec
  // closes it (O_CLOEXEC) and the parent reads EOF.
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    if (log_fd >= 0) ::close(log_fd);
    return absl::InternalError(absl::StrCat("Process: pipe: ", std::strerror(errno)));
  }

  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    ::close(report[0]);
    ::close(report[1]);
    if (log_fd >= 0) ::close(log_fd);
    return absl::InternalError(absl::StrCat("Process: fork: ", std::strerror(err)));
  }
  if (pid == 0) {
    // Child: async-signal-safe calls only.
    ::setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    if (log_fd >= 0) {
      ::dup2(log_fd, STDOUT_FILENO);
      ::dup2(log_fd, STDERR_FILENO);
    }
    int err = 0;
    if (!options.working_dir.empty() && ::chdir(options.working_dir.c_str()) != 0) {
      err = errno;
    } else {
      // Don't leak the test's sockets and files into the child: a child holding a
      // listening socket would keep a "stopped" server's port busy.
      const int keep = report[1];
      if (keep > 3) ::close_range(3, static_cast<unsigned>(keep) - 1, 0);
      ::close_range(static_cast<unsigned>(keep) + 1, ~0U, 0);
      ::execve(program.c_str(), argv.data(), envp.data());
      err = errno;
    }
    ssize_t ignored = ::write(report[1], &err, sizeof(err));
    (void)ignored;
    ::_exit(127);
  }

  // Parent. Also set the group here so it holds before either side proceeds.
  ::setpgid(pid, pid);
  ::close(report[1]);
  if (log_fd >= 0) ::close(log_fd);
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(report[0], &child_errno, sizeof(child_errno));
  } while (n < 0 && errno == EINTR);
  ::close(report[0]);
  if (n == static_cast<ssize_t>(sizeof(child_errno))) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return absl::FailedPreconditionError(
        absl::StrCat("Process: cannot start ", program, (options.working_dir.empty() ? "" : " in "),
                     options.working_dir, ": ", std::strerror(child_errno)));
  }
  return std::unique_ptr<Process>(new Process(std::move(options), pid));
}

Process::~Process() {
  if (exit_code_.has_value() || TryReap()) return;
  // The whole group: services may have spawned helpers of their own.
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

bool Process::TryReap() {
  if (exit_code_.has_value()) return true;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    exit_code_ = DecodeWaitStatus(status);
    return true;
  }
  if (r < 0) {
    exit_code_ = -1;  // not our child any more (reaped elsewhere): treat as gone
    return true;
  }
  return false;
}

bool Process::Signal(int signal) {
  if (exit_code_.has_value()) return false;
  return ::kill(pid_, signal) == 0;
}

std::optional<int> Process::Wait(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!TryReap()) {
    if (absl::Now() >= deadline) return std::nullopt;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return exit_code_;
}

bool Process::Running() { return !TryReap(); }

std::string Process::ReadLog() const {
  if (options_.log_path.empty()) return "";
  std::ifstream in(options_.log_path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace cercles::testing
