// The PostgreSQL engine (libpq): a pool of PGconn, transactions, migrations
// under an advisory lock. A statement's own run is postgres_connection.cc's.
#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/storage/database.h"
#include "common/storage/postgres_connection.h"
#include "common/storage/schema.h"
#include "common/storage/storage_internal.h"

namespace cercles::storage::internal {
namespace {

// How long a replica waits for another one's migrations before giving up.
constexpr auto kMigrationLockPatience = std::chrono::seconds(120);

class PostgresDatabase;

class PostgresTransaction final : public Transaction {
 public:
  // `begin`: the BEGIN that opened it, to open it again (see Run).
  PostgresTransaction(PostgresDatabase* db, PgConn conn, const char* begin)
      : db_(db), conn_(std::move(conn)), begin_(begin) {}
  PostgresTransaction(const PostgresTransaction&) = delete;
  PostgresTransaction& operator=(const PostgresTransaction&) = delete;
  ~PostgresTransaction() override {
    if (conn_ != nullptr) RollbackAndEnd();
  }

  absl::StatusOr<Rows> Query(std::string_view sql, const std::vector<Value>& params) override {
    Rows rows;
    absl::StatusOr<int64_t> changed = Run(sql, params, &rows);
    if (!changed.ok()) return changed.status();
    return rows;
  }

  absl::StatusOr<int64_t> Exec(std::string_view sql, const std::vector<Value>& params) override {
    return Run(sql, params, nullptr);
  }

  absl::Status CommitNow() override;

  Engine engine() const override { return Engine::kPostgres; }

  absl::Status LockExclusive(int64_t lock_id) override {
    return Run("SELECT pg_advisory_xact_lock(?)", {lock_id}, nullptr).status();
  }

  absl::Status SavepointNow(const std::string& name) override {
    if (absl::Status valid = SavepointStack::ValidateName(name); !valid.ok()) return valid;
    if (absl::Status status = RunSimple(absl::StrCat("SAVEPOINT \"", name, "\"")); !status.ok()) {
      return status;
    }
    savepoints_.Push(name);
    return absl::OkStatus();
  }

  absl::Status RollbackToSavepointNow(const std::string& name) override {
    if (conn_ == nullptr) return CheckUsable();
    absl::StatusOr<size_t> index = savepoints_.Find(name);
    if (!index.ok()) return index.status();
    // Allowed in the failed state: that is what it is for.
    absl::Status status =
        ExecSimple(conn_.get(), absl::StrCat("ROLLBACK TO SAVEPOINT \"", name, "\""));
    if (!status.ok()) {
      if (failure_.ok()) failure_ = status;
      return status;
    }
    savepoints_.Truncate(*index + 1);
    // Savepoints can only be made while the transaction is usable, so any
    // failure happened after this one and has just been undone.
    failure_ = absl::OkStatus();
    return absl::OkStatus();
  }

  absl::Status ReleaseSavepointNow(const std::string& name) override {
    if (absl::Status usable = CheckUsable(); !usable.ok()) return usable;
    absl::StatusOr<size_t> index = savepoints_.Find(name);
    if (!index.ok()) return index.status();
    if (absl::Status status = RunSimple(absl::StrCat("RELEASE SAVEPOINT \"", name, "\""));
        !status.ok()) {
      return status;
    }
    savepoints_.Truncate(*index);
    return absl::OkStatus();
  }

 private:
  absl::Status CheckUsable() const {
    if (conn_ == nullptr) {
      return absl::FailedPreconditionError("transaction already committed or rolled back");
    }
    if (!failure_.ok()) {
      // The server refuses everything but ROLLBACK after an error.
      return absl::Status(failure_.code(),
                          absl::StrCat("transaction already failed: ", failure_.message()));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<int64_t> Run(std::string_view sql, const std::vector<Value>& params, Rows* rows) {
    if (absl::Status usable = CheckUsable(); !usable.ok()) return usable;
    bool plan_changed = false;
    absl::StatusOr<int64_t> result = ExecParams(conn_.get(), sql, params, rows, &plan_changed);
    if (plan_changed && !started_) {
      // Another connection changed a table under a statement this one kept
      // prepared. Nothing has happened in this transaction yet, so it can be
      // opened again and the statement prepared afresh, without the caller
      // retrying (later in a transaction, it is ABORTED: retry the transaction).
      absl::Status reopened = ExecSimple(conn_.get(), "ROLLBACK");
      if (reopened.ok()) reopened = ExecSimple(conn_.get(), begin_);
      result = reopened.ok() ? ExecParams(conn_.get(), sql, params, rows) : reopened;
    }
    started_ = true;
    if (!result.ok()) failure_ = result.status();
    return result;
  }

  // Parameterless SQL of our own (savepoint commands), failing the transaction
  // like any statement.
  absl::Status RunSimple(const std::string& sql) {
    if (absl::Status usable = CheckUsable(); !usable.ok()) return usable;
    started_ = true;
    absl::Status status = ExecSimple(conn_.get(), sql);
    if (!status.ok()) failure_ = status;
    return status;
  }

  void RollbackAndEnd();
  void End();

  PostgresDatabase* const db_;
  PgConn conn_;  // null once committed or rolled back
  const char* const begin_;
  bool started_ = false;  // whether anything ran since BEGIN
  absl::Status failure_;
  SavepointStack savepoints_;
};

class PostgresDatabase final : public EngineDatabase {
 public:
  PostgresDatabase(std::string url, const OpenOptions& options)
      : url_(std::move(url)),
        options_(options),
        pool_(
            options.max_connections, [this] { return Connect(); },
            [](const PGconn& conn) { return Healthy(conn); }) {}

  // Parses the URL, connects once (to fail fast at startup) and keeps that
  // connection in the pool.
  absl::Status Init();

  absl::StatusOr<std::unique_ptr<Transaction>> Begin(TxMode mode) override;
  Engine engine() const override { return Engine::kPostgres; }
  absl::Status Migrate(std::string_view component,
                       const std::vector<Migration>& migrations) override;
  std::string Describe() const override { return description_; }
  absl::Status ReclaimDeleted(const std::vector<std::string>& tables) override;
  StatementStats statement_stats() const override { return counters_.Snapshot(); }
  PoolStats pool_stats() const override { return pool_.stats(); }

  // Takes back a connection; one that is broken or still inside a transaction
  // is closed instead of reused.
  void Return(PgConn conn) {
    if (conn != nullptr && (!Healthy(*conn) || PQtransactionStatus(conn.get()) != PQTRANS_IDLE)) {
      conn.reset();
    }
    pool_.Release(std::move(conn));
  }

 private:
  absl::StatusOr<PgConn> Connect();
  absl::Status MigrateLocked(PGconn* conn, std::string_view component,
                             const std::vector<Migration>& migrations);

  const std::string url_;
  const OpenOptions options_;
  std::string description_;     // set by Init, constant afterwards
  StatementCounters counters_;  // before pool_: its connections count here
  ConnectionPool<PGconn, PgConnCloser> pool_;
};

void PostgresTransaction::RollbackAndEnd() {
  if (Healthy(*conn_) && PQtransactionStatus(conn_.get()) != PQTRANS_IDLE) {
    // A failed ROLLBACK leaves the connection in a transaction; Return drops it.
    ExecSimple(conn_.get(), "ROLLBACK").IgnoreError();
  }
  End();
}

void PostgresTransaction::End() { db_->Return(std::move(conn_)); }

absl::Status PostgresTransaction::CommitNow() {
  if (absl::Status usable = CheckUsable(); !usable.ok()) {
    if (conn_ != nullptr) RollbackAndEnd();
    return usable;
  }
  PgResult result(PQexec(conn_.get(), "COMMIT"));
  absl::Status status;
  if (!Succeeded(result.get())) {
    status = PgError(conn_.get(), result.get(), "COMMIT");
  } else if (std::string_view(PQcmdStatus(result.get())) != "COMMIT") {
    // The server answers ROLLBACK to COMMIT when the transaction had failed.
    status = absl::InternalError("postgresql: the server rolled the transaction back on COMMIT");
  }
  result.reset();
  if (status.ok()) {
    End();
  } else {
    RollbackAndEnd();
  }
  return status;
}

absl::StatusOr<PgConn> PostgresDatabase::Connect() {
  PgConn conn(PQconnectdb(url_.c_str()));
  if (conn == nullptr) return absl::ResourceExhaustedError("postgresql: out of memory");
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    // libpq's message names the host and user, never the password.
    return absl::UnavailableError(absl::StrCat("postgresql: cannot connect to ", description_, ": ",
                                               FirstLine(PQerrorMessage(conn.get()))));
  }
  if (!EnablePreparedStatements(conn.get(), &counters_)) {
    return absl::ResourceExhaustedError("postgresql: cannot attach the prepared-statement cache");
  }
  // Notices (e.g. "relation already exists, skipping") would go to stderr.
  PQsetNoticeProcessor(
      conn.get(), [](void*, const char*) {}, nullptr);
  absl::Status status = ExecSimple(
      conn.get(), absl::StrCat("SET lock_timeout = ", std::max(options_.lock_timeout_ms, 0)));
  if (!status.ok()) return status;
  return conn;
}

absl::Status PostgresDatabase::Init() {
  // Describe from the parsed URL first (for connection errors), then from the
  // live connection, which also knows the defaults libpq filled in.
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url_.c_str(), &error);
  if (parsed == nullptr) {
    PQfreemem(error);
    // libpq's message may quote the URL, password included.
    return absl::InvalidArgumentError("database_url is not a valid PostgreSQL connection URI");
  }
  std::string user, host, port, dbname;
  for (PQconninfoOption* option = parsed; option->keyword != nullptr; ++option) {
    const std::string_view keyword = option->keyword;
    const std::string value = option->val == nullptr ? "" : option->val;
    if (keyword == "user") user = value;
    if (keyword == "host") host = value;
    if (keyword == "port") port = value;
    if (keyword == "dbname") dbname = value;
  }
  PQconninfoFree(parsed);
  auto describe = [](std::string_view user, std::string_view host, std::string_view port,
                     std::string_view dbname) {
    return absl::StrCat("postgresql://", ToAbsl(user), user.empty() ? "" : "@", ToAbsl(host),
                        port.empty() ? "" : ":", ToAbsl(port), "/", ToAbsl(dbname));
  };
  description_ = describe(user, host, port, dbname);
  absl::StatusOr<PgConn> first = Connect();
  if (!first.ok()) return first.status();
  PGconn* conn = first->get();
  description_ = describe(PQuser(conn), PQhost(conn), PQport(conn), PQdb(conn));
  pool_.AddIdle(std::move(*first));
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Transaction>> PostgresDatabase::Begin(TxMode mode) {
  const char* const begin = mode == TxMode::kWrite
                                ? "BEGIN ISOLATION LEVEL READ COMMITTED"
                                : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
  absl::Status status;
  // An idle pooled connection may have died without libpq noticing (server
  // restart); its BEGIN then fails as UNAVAILABLE and one fresh try is enough.
  for (int attempt = 0; attempt < 2; ++attempt) {
    absl::StatusOr<PgConn> conn = pool_.Acquire(LockWait(options_));
    if (!conn.ok()) return conn.status();
    status = ExecSimple(conn->get(), begin);
    if (status.ok()) return std::make_unique<PostgresTransaction>(this, std::move(*conn), begin);
    Return(std::move(*conn));
    if (!absl::IsUnavailable(status)) break;
  }
  return status;
}

absl::Status PostgresDatabase::ReclaimDeleted(const std::vector<std::string>& tables) {
  if (tables.empty()) return absl::OkStatus();
  for (const std::string& table : tables) {
    // Table names come from the service's code, never from a request.
    for (char c : table) {
      if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
        return absl::InvalidArgumentError(absl::StrCat("not a table name: ", table));
      }
    }
  }
  absl::StatusOr<PgConn> conn = pool_.Acquire(LockWait(options_));
  if (!conn.ok()) return conn.status();
  // VACUUM runs outside a transaction block: the connection is idle here.
  absl::Status status =
      ExecSimple(conn->get(), absl::StrCat("VACUUM ", absl::StrJoin(tables, ", ")));
  Return(std::move(*conn));
  return status;
}

absl::Status PostgresDatabase::Migrate(std::string_view component,
                                       const std::vector<Migration>& migrations) {
  if (absl::Status valid = ValidateMigrations(component, migrations); !valid.ok()) return valid;
  // A dedicated connection: the session-level advisory lock must be held across
  // several transactions, and closing the connection releases it on any path.
  absl::StatusOr<PgConn> conn = Connect();
  if (!conn.ok()) return conn.status();
  const int64_t key = StableHash(absl::StrCat("cercles.schema_migrations.", ToAbsl(component)));
  const auto give_up = std::chrono::steady_clock::now() + kMigrationLockPatience;
  for (;;) {
    // lock_timeout bounds each wait; another replica may legitimately take
    // longer than that to migrate, so keep waiting up to the patience limit.
    absl::StatusOr<int64_t> locked =
        ExecParams(conn->get(), "SELECT pg_advisory_lock(?)", {key}, nullptr);
    if (locked.ok()) break;
    if (!absl::IsAborted(locked.status()) || std::chrono::steady_clock::now() > give_up) {
      return locked.status();
    }
  }
  absl::Status status = MigrateLocked(conn->get(), component, migrations);
  if (Healthy(**conn)) {
    if (PQtransactionStatus(conn->get()) != PQTRANS_IDLE) {
      ExecSimple(conn->get(), "ROLLBACK").IgnoreError();
    }
    ExecParams(conn->get(), "SELECT pg_advisory_unlock(?)", {key}, nullptr).IgnoreError();
  }
  return status;
}

absl::Status PostgresDatabase::MigrateLocked(PGconn* conn, std::string_view component,
                                             const std::vector<Migration>& migrations) {
  const std::string table = MigrationsTable(component);
  absl::Status status =
      ExecSimple(conn, absl::StrCat("CREATE TABLE IF NOT EXISTS ", table,
                                    " (version BIGINT PRIMARY KEY, name TEXT NOT NULL,"
                                    " applied_at_us BIGINT NOT NULL)"));
  if (!status.ok()) return status;
  Rows applied;
  absl::StatusOr<int64_t> read =
      ExecParams(conn, absl::StrCat("SELECT version FROM ", table), {}, &applied);
  if (!read.ok()) return read.status();
  std::vector<int64_t> done;
  for (const Row& row : applied) done.push_back(row.Int(0));
  const int64_t newest = done.empty() ? 0 : *std::max_element(done.begin(), done.end());
  if (absl::Status newer = RefuseNewerSchema(component, migrations, newest); !newer.ok()) {
    return newer;
  }
  for (const Migration& migration : migrations) {
    // The advisory lock keeps other migrators out, so the list read above is
    // still current.
    if (std::find(done.begin(), done.end(), migration.version) != done.end()) continue;
    status = ExecSimple(conn, "BEGIN");
    if (!status.ok()) return status;
    // PQexec runs several ';'-separated statements inside our transaction.
    status = ExecSimple(conn, ApplyDialect(migration.sql, Engine::kPostgres));
    if (!status.ok()) {
      ExecSimple(conn, "ROLLBACK").IgnoreError();
      return absl::Status(status.code(),
                          absl::StrCat("migration ", ToAbsl(component), " v", migration.version,
                                       " (", migration.name, ") failed: ", status.message()));
    }
    absl::StatusOr<int64_t> recorded = ExecParams(
        conn,
        absl::StrCat("INSERT INTO ", table, " (version, name, applied_at_us) VALUES (?, ?, ?)"),
        {int64_t{migration.version}, migration.name, NowMicros()}, nullptr);
    if (!recorded.ok()) {
      ExecSimple(conn, "ROLLBACK").IgnoreError();
      return recorded.status();
    }
    PgResult commit(PQexec(conn, "COMMIT"));
    if (!Succeeded(commit.get())) return PgError(conn, commit.get(), "COMMIT");
    if (std::string_view(PQcmdStatus(commit.get())) != "COMMIT") {
      return absl::InternalError(absl::StrCat("postgresql: migration ", ToAbsl(component), " v",
                                              migration.version, " was rolled back on COMMIT"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> OpenPostgres(const std::string& url,
                                                       const OpenOptions& options) {
  auto db = std::make_unique<PostgresDatabase>(url, options);
  if (absl::Status status = db->Init(); !status.ok()) return status;
  return db;
}

}  // namespace cercles::storage::internal
