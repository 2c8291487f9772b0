// Real backing servers for tests: a private redis-server per test, and scratch
// PostgreSQL databases on a server named by CERCLES_TEST_POSTGRES_URL.
#ifndef CERCLES_TESTS_SUPPORT_SERVERS_H_
#define CERCLES_TESTS_SUPPORT_SERVERS_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tests/support/process.h"

namespace cercles::testing {

// A redis-server on 127.0.0.1 with no persistence, its files in a temporary folder
// that is removed with the object.
class RedisServer {
 public:
  // Uses redis-server from $PATH, else /usr/bin/redis-server; returns once the
  // server answers PING. A non-empty `requirepass` makes it refuse every
  // command but AUTH until that password is given (redis `requirepass`).
  static absl::StatusOr<std::unique_ptr<RedisServer>> Start(const std::string& requirepass = "");
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  int port() const { return port_; }
  std::string url() const;  // "redis://127.0.0.1:<port>"
  // SIGTERM and wait (SIGKILL after a few seconds); resumes a paused server first.
  void Stop();
  // Stops if running, then starts again on the same port (data is lost).
  absl::Status Restart();
  // SIGSTOP/SIGCONT: a paused server accepts TCP connections (the kernel completes
  // the handshake) but never answers, like a hung Redis.
  void Pause();
  void Resume();
  bool running() const { return process_ != nullptr; }
  // The server's log (stdout+stderr), for failure messages.
  std::string ReadLog() const;

 private:
  RedisServer(std::string binary, std::string dir, std::string requirepass)
      : binary_(std::move(binary)), dir_(std::move(dir)), requirepass_(std::move(requirepass)) {}
  absl::Status Launch(int port);

  const std::string binary_;
  const std::string dir_;
  const std::string requirepass_;
  int port_ = 0;
  bool paused_ = false;
  std::unique_ptr<Process> process_;
};

// CERCLES_TEST_POSTGRES_URL (e.g. "postgresql://postgres@127.0.0.1:5432/postgres"),
// or "" when unset: tests that need PostgreSQL should GTEST_SKIP() then.
std::string PostgresBaseUrlFromEnv();

// Creates database "<prefix>_<pid>_<counter>" (lowercased; characters outside
// [a-z0-9_] become '_') via base_url and returns base_url pointing at it. Works
// with URI ("postgresql://...") and keyword ("host=... dbname=...") forms. A
// non-empty `template_db` makes it a copy of that database (CREATE DATABASE ...
// TEMPLATE), which nobody may be connected to.
absl::StatusOr<std::string> CreatePostgresDatabase(const std::string& base_url,
                                                   const std::string& prefix,
                                                   const std::string& template_db = "");

// The name of a database on base_url's server that `service_binary
// --migrate_only` has migrated: made once per server and build of the binary
// (named by a hash of its path, size and time), then copied by every test that
// starts that service on PostgreSQL, so a test does not run every migration of
// three services (~0.75 s of the server's CPU per test). The migrations
// themselves still run, on that first database of each build, and on every
// SQLite one. Two processes making it at once each migrate a database of
// their own; the first renamed into place wins.
absl::StatusOr<std::string> MigratedPostgresTemplate(const std::string& base_url,
                                                     const std::string& service_binary);

// DROP DATABASE IF EXISTS ... WITH (FORCE), connecting via base_url. Accepts a URL
// or conninfo returned by CreatePostgresDatabase, or a bare database name. Errors
// are printed to stderr and otherwise ignored (meant for cleanup paths).
void DropPostgresDatabase(const std::string& base_url, const std::string& url_or_name);

}  // namespace cercles::testing

#endif  // CERCLES_TESTS_SUPPORT_SERVERS_H_
