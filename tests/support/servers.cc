#include "tests/support/servers.h"

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace cercles::testing {
namespace {

std::string FindRedisServer() {
  const char* path = std::getenv("PATH");
  if (path != nullptr) {
    std::string dirs = path;
    size_t start = 0;
    while (start <= dirs.size()) {
      size_t end = dirs.find(':', start);
      if (end == std::string::npos) end = dirs.size();
      if (end > start) {
        std::string candidate = dirs.substr(start, end - start) + "/redis-server";
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
      }
      start = end + 1;
    }
  }
  if (::access("/usr/bin/redis-server", X_OK) == 0) return "/usr/bin/redis-server";
  return "";
}

// TCP accept alone is not readiness: Redis binds before it finishes starting, and a
// paused server still completes handshakes. A PONG proves it serves commands.
bool RedisAnswersPing(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::send(fd, "PING\r\n", 6, MSG_NOSIGNAL) == 6) {
    pollfd pfd{fd, POLLIN, 0};
    char buf[16] = {};
    if (::poll(&pfd, 1, 500) == 1 && ::recv(fd, buf, sizeof(buf) - 1, 0) > 0) {
      // A server that wants a password answers NOAUTH: it serves commands too.
      ok = absl::StartsWith(buf, "+PONG") || absl::StartsWith(buf, "-NOAUTH");
    }
  }
  ::close(fd);
  return ok;
}

}  // namespace

// ---------------------------------------------------------------------------
// RedisServer

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start(const std::string& requirepass) {
  const std::string binary = FindRedisServer();
  if (binary.empty()) {
    return absl::NotFoundError("redis-server not found on PATH nor at /usr/bin/redis-server");
  }
  const std::string dir = MakeTempDir("cercles-redis-");
  if (dir.empty()) return absl::InternalError("RedisServer: cannot create a temporary folder");
  std::unique_ptr<RedisServer> server(new RedisServer(binary, dir, requirepass));
  // FreePort is racy (another test may grab the port first): try a few.
  absl::Status status;
  for (int attempt = 0; attempt < 5; ++attempt) {
    const int port = FreePort();
    if (port == 0) continue;
    status = server->Launch(port);
    if (status.ok()) return server;
  }
  return status;
}

absl::Status RedisServer::Launch(int port) {
  Process::Options options;
  options.argv = {binary_,  "--save",    "",       "--appendonly",       "no",
                  "--bind", "127.0.0.1", "--port", std::to_string(port), "--dir",
                  dir_};
  if (!requirepass_.empty()) {
    options.argv.push_back("--requirepass");
    options.argv.push_back(requirepass_);
  }
  options.log_path = dir_ + "/redis.log";
  options.working_dir = dir_;
  absl::StatusOr<std::unique_ptr<Process>> process = Process::Start(std::move(options));
  if (!process.ok()) return process.status();
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!RedisAnswersPing(port)) {
    if (!(*process)->Running() || absl::Now() >= deadline) {
      const std::string log = (*process)->ReadLog();
      process->reset();  // kills it if it is still there
      return absl::UnavailableError(
          absl::StrCat("redis-server did not start on port ", port, "; log:\n", log));
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  port_ = port;
  paused_ = false;
  process_ = std::move(*process);
  return absl::OkStatus();
}

RedisServer::~RedisServer() {
  Stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string RedisServer::url() const { return absl::StrCat("redis://127.0.0.1:", port_); }

void RedisServer::Stop() {
  if (process_ == nullptr) return;
  Resume();  // a stopped process would not act on SIGTERM
  process_->Signal(SIGTERM);
  if (!process_->Wait(absl::Seconds(5)).has_value()) {
    process_->Signal(SIGKILL);
    process_->Wait(absl::Seconds(5));
  }
  process_.reset();
}

absl::Status RedisServer::Restart() {
  const int port = port_;
  Stop();
  // The old socket may linger briefly; Redis sets SO_REUSEADDR, but allow a retry.
  absl::Status status;
  for (int attempt = 0; attempt < 3; ++attempt) {
    status = Launch(port);
    if (status.ok()) return status;
    absl::SleepFor(absl::Milliseconds(200));
  }
  return status;
}

void RedisServer::Pause() {
  if (process_ == nullptr || paused_) return;
  paused_ = process_->Signal(SIGSTOP);
}

void RedisServer::Resume() {
  if (process_ == nullptr || !paused_) return;
  process_->Signal(SIGCONT);
  paused_ = false;
}

std::string RedisServer::ReadLog() const { return process_ != nullptr ? process_->ReadLog() : ""; }

// ---------------------------------------------------------------------------
// PostgreSQL

namespace {

struct PgConnDeleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
using PgConn = std::unique_ptr<PGconn, PgConnDeleter>;

absl::StatusOr<PgConn> Connect(const std::string& url) {
  PgConn conn(PQconnectdb(url.c_str()));
  if (conn == nullptr || PQstatus(conn.get()) != CONNECTION_OK) {
    return absl::UnavailableError(absl::StrCat(
        "cannot connect to PostgreSQL: ", conn ? PQerrorMessage(conn.get()) : "out of memory"));
  }
  // IF EXISTS and friends emit NOTICEs that would only clutter test output.
  PQsetNoticeProcessor(
      conn.get(), [](void*, const char*) {}, nullptr);
  return conn;
}

// Returns the SQLSTATE of a failed command, "" on success; *error gets the message.
std::string Exec(PGconn* conn, const std::string& sql, std::string* error) {
  PGresult* result = PQexec(conn, sql.c_str());
  std::string sqlstate;
  if (PQresultStatus(result) != PGRES_COMMAND_OK && PQresultStatus(result) != PGRES_TUPLES_OK) {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    sqlstate = state != nullptr ? state : "XX000";
    *error = PQerrorMessage(conn);
  }
  PQclear(result);
  return sqlstate;
}

std::string QuoteIdentifier(PGconn* conn, const std::string& name) {
  char* quoted = PQescapeIdentifier(conn, name.data(), name.size());
  if (quoted == nullptr) return "";
  std::string out = quoted;
  PQfreemem(quoted);
  return out;
}

// base_url with its database replaced by `name`.
std::string WithDatabase(const std::string& base_url, const std::string& name) {
  const size_t scheme_end = base_url.find("://");
  if (scheme_end == std::string::npos) {
    // Keyword form: libpq lets a later keyword override an earlier one.
    return absl::StrCat(base_url, " dbname=", name);
  }
  const size_t authority = scheme_end + 3;
  const size_t path = base_url.find_first_of("/?", authority);
  if (path == std::string::npos) return absl::StrCat(base_url, "/", name);
  const size_t query = base_url.find('?', path);
  return absl::StrCat(base_url.substr(0, path), "/", name,
                      query == std::string::npos ? "" : base_url.substr(query));
}

// The database a URL or conninfo names; a bare name is returned as is.
std::string DatabaseName(const std::string& url_or_name) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url_or_name.c_str(), &error);
  if (error != nullptr) PQfreemem(error);
  if (options == nullptr) return url_or_name;
  std::string name;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (std::string(o->keyword) == "dbname" && o->val != nullptr) name = o->val;
  }
  PQconninfoFree(options);
  return name;
}

}  // namespace

std::string PostgresBaseUrlFromEnv() {
  const char* url = std::getenv("CERCLES_TEST_POSTGRES_URL");
  return url != nullptr ? url : "";
}

absl::StatusOr<std::string> CreatePostgresDatabase(const std::string& base_url,
                                                   const std::string& prefix,
                                                   const std::string& template_db) {
  static std::atomic<int> counter{0};
  absl::StatusOr<PgConn> conn = Connect(base_url);
  if (!conn.ok()) return conn.status();

  std::string clean;
  for (char c : prefix.substr(0, 40)) {  // identifiers are at most 63 bytes
    const unsigned char u = static_cast<unsigned char>(c);
    clean += (std::isalnum(u) != 0 || c == '_') ? static_cast<char>(std::tolower(u)) : '_';
  }
  if (clean.empty()) clean = "cercles_test";

  // FILE_COPY (PostgreSQL 15+) copies the template's files: with the test
  // server's fsync off, ~5 times cheaper than the default, which writes every
  // page of the template through the WAL.
  std::string options = PQserverVersion(conn->get()) >= 150000 ? " STRATEGY FILE_COPY" : "";
  if (!template_db.empty()) {
    options = absl::StrCat(" TEMPLATE ", QuoteIdentifier(conn->get(), template_db), options);
  }
  std::string error;
  // Leftovers from an earlier run with the same pid are possible: skip past them.
  for (int attempt = 0; attempt < 20; ++attempt) {
    const std::string name = absl::StrCat(clean, "_", ::getpid(), "_", counter.fetch_add(1));
    const std::string sqlstate =
        Exec(conn->get(),
             absl::StrCat("CREATE DATABASE ", QuoteIdentifier(conn->get(), name), options), &error);
    if (sqlstate.empty()) return WithDatabase(base_url, name);
    if (sqlstate != "42P04") break;  // duplicate_database
  }
  return absl::InternalError(absl::StrCat("CREATE DATABASE failed: ", error));
}

absl::StatusOr<std::string> MigratedPostgresTemplate(const std::string& base_url,
                                                     const std::string& service_binary) {
  std::error_code fs_error;
  const auto size = std::filesystem::file_size(service_binary, fs_error);
  if (fs_error) return absl::NotFoundError(absl::StrCat(service_binary, ": ", fs_error.message()));
  const auto time = std::filesystem::last_write_time(service_binary, fs_error);
  const size_t key = std::hash<std::string>{}(
      absl::StrCat(service_binary, "\n", size, "\n", time.time_since_epoch().count()));
  const std::string name = absl::StrCat("cercles_tmpl_", absl::Hex(key, absl::kZeroPad16));

  absl::StatusOr<PgConn> conn = Connect(base_url);
  if (!conn.ok()) return conn.status();
  const std::string exists_sql =
      absl::StrCat("SELECT 1 FROM pg_database WHERE datname = '", name, "'");
  auto exists = [&]() {
    PGresult* result = PQexec(conn->get(), exists_sql.c_str());
    const bool found = PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1;
    PQclear(result);
    return found;
  };
  if (exists()) return name;

  absl::StatusOr<std::string> fresh = CreatePostgresDatabase(base_url, "cercles_tmpl_making");
  if (!fresh.ok()) return fresh.status();
  const std::string command = absl::StrCat(
      "'", service_binary, "' --migrate_only '--database_url=", *fresh, "' >/dev/null 2>&1");
  if (std::system(command.c_str()) != 0) {
    DropPostgresDatabase(base_url, *fresh);
    return absl::InternalError(absl::StrCat(service_binary, " --migrate_only failed"));
  }
  std::string error;
  const std::string sqlstate =
      Exec(conn->get(),
           absl::StrCat("ALTER DATABASE ", QuoteIdentifier(conn->get(), DatabaseName(*fresh)),
                        " RENAME TO ", QuoteIdentifier(conn->get(), name)),
           &error);
  if (!sqlstate.empty()) {
    // 42P04: another process made it first; ours is not needed.
    DropPostgresDatabase(base_url, *fresh);
    if (sqlstate != "42P04" || !exists()) {
      return absl::InternalError(absl::StrCat("cannot name the migrated template: ", error));
    }
  }
  return name;
}

void DropPostgresDatabase(const std::string& base_url, const std::string& url_or_name) {
  const std::string name = DatabaseName(url_or_name);
  if (name.empty()) return;
  absl::StatusOr<PgConn> conn = Connect(base_url);
  if (!conn.ok()) {
    std::fprintf(stderr, "DropPostgresDatabase(%s): %s\n", name.c_str(),
                 std::string(conn.status().message()).c_str());
    return;
  }
  std::string error;
  const std::string sql =
      absl::StrCat("DROP DATABASE IF EXISTS ", QuoteIdentifier(conn->get(), name), " WITH (FORCE)");
  if (!Exec(conn->get(), sql, &error).empty()) {
    std::fprintf(stderr, "DropPostgresDatabase(%s): %s\n", name.c_str(), error.c_str());
  }
}

}  // namespace cercles::testing
