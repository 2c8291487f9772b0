// The SQLite engine (C API): a pool of connections to one file (WAL) or to one
// private shared-cache in-memory database.
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/storage/database.h"
#include "common/storage/schema.h"
#include "common/storage/sqlite_connection.h"
#include "common/storage/storage_internal.h"

namespace cercles::storage::internal {
namespace {

// In-process writer (and, for in-memory databases, reader) exclusion. For a file,
// WAL lets readers run beside the writer and SQLite serialises writers itself, but
// it does so by polling in the busy handler; queueing this process's writers here
// instead wakes the next one as soon as the lock is free. A shared-cache in-memory
// database reports conflicts as SQLITE_LOCKED at once, without a busy handler, so
// there readers must also wait for the writer.
class Gate {
 public:
  enum class Hold { kNone, kShared, kExclusive };

  bool Acquire(Hold hold, absl::Duration wait) {
    if (hold == Hold::kNone) return true;
    absl::MutexLock lock(&mu_);
    if (hold == Hold::kExclusive) {
      ++writers_waiting_;
      const bool ok =
          mu_.AwaitWithTimeout(absl::Condition(
                                   +[](Gate* g) { return !g->writer_ && g->readers_ == 0; }, this),
                               wait);
      --writers_waiting_;
      if (ok) writer_ = true;
      return ok;
    }
    // Readers let waiting writers go first so that a stream of readers cannot
    // starve them.
    const bool ok = mu_.AwaitWithTimeout(
        absl::Condition(
            +[](Gate* g) { return !g->writer_ && g->writers_waiting_ == 0; }, this),
        wait);
    if (ok) ++readers_;
    return ok;
  }

  void Release(Hold hold) {
    if (hold == Hold::kNone) return;
    absl::MutexLock lock(&mu_);
    if (hold == Hold::kExclusive) {
      writer_ = false;
    } else {
      --readers_;
    }
  }

 private:
  absl::Mutex mu_;
  bool writer_ ABSL_GUARDED_BY(mu_) = false;
  int readers_ ABSL_GUARDED_BY(mu_) = 0;
  int writers_waiting_ ABSL_GUARDED_BY(mu_) = 0;
};

class SqliteTransaction;

class SqliteDatabase final : public EngineDatabase {
 public:
  SqliteDatabase(std::string filename, std::string description, bool in_memory,
                 const OpenOptions& options)
      : filename_(std::move(filename)),
        description_(std::move(description)),
        in_memory_(in_memory),
        options_(options),
        pool_(
            options.max_connections, [this] { return Connect(); },
            [](const SqliteConn&) { return true; }) {}

  // Opens the first connection so that a bad path fails at startup, and switches
  // a file database to WAL (a persistent property of the file).
  absl::Status Init();

  absl::StatusOr<std::unique_ptr<Transaction>> Begin(TxMode mode) override;
  Engine engine() const override { return Engine::kSqlite; }
  absl::Status Migrate(std::string_view component,
                       const std::vector<Migration>& migrations) override;
  std::string Describe() const override { return description_; }
  absl::Status ReclaimDeleted(const std::vector<std::string>& tables) override;
  StatementStats statement_stats() const override { return counters_.Snapshot(); }
  PoolStats pool_stats() const override { return pool_.stats(); }

  // Gives back what a transaction held.
  void Return(std::unique_ptr<SqliteConn> conn, Gate::Hold hold) {
    pool_.Release(std::move(conn));
    gate_.Release(hold);
  }

 private:
  absl::StatusOr<std::unique_ptr<SqliteConn>> Connect();

  const std::string filename_;
  const std::string description_;
  const bool in_memory_;
  const OpenOptions options_;
  Gate gate_;
  StatementCounters counters_;  // before pool_: its connections count here
  ConnectionPool<SqliteConn> pool_;
  // An in-memory database lives as long as one connection to it is open; this
  // one is never lent out, so the data survives the pool dropping connections.
  std::unique_ptr<SqliteConn> keeper_;
};

class SqliteTransaction final : public Transaction {
 public:
  SqliteTransaction(SqliteDatabase* db, std::unique_ptr<SqliteConn> conn, Gate::Hold hold)
      : db_(db), conn_(std::move(conn)), hold_(hold) {}
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;

  ~SqliteTransaction() override {
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

  absl::Status CommitNow() override {
    if (absl::Status usable = CheckUsable(); !usable.ok()) {
      if (conn_ != nullptr) RollbackAndEnd();
      return usable;
    }
    absl::Status status = conn_->Exec("COMMIT");
    if (!status.ok()) {
      // A failed COMMIT (e.g. SQLITE_BUSY) leaves the transaction open.
      RollbackAndEnd();
      return status;
    }
    End();
    return absl::OkStatus();
  }

  Engine engine() const override { return Engine::kSqlite; }

  // Writers are already serialised by BEGIN IMMEDIATE.
  absl::Status LockExclusive(int64_t lock_id) override { return CheckUsable(); }

  absl::Status SavepointNow(const std::string& name) override {
    if (absl::Status valid = SavepointStack::ValidateName(name); !valid.ok()) return valid;
    if (absl::Status usable = CheckUsable(); !usable.ok()) return usable;
    absl::Status status = conn_->Exec(absl::StrCat("SAVEPOINT \"", name, "\""));
    RecordFailure(status);
    if (status.ok()) savepoints_.Push(name);
    return status;
  }

  absl::Status RollbackToSavepointNow(const std::string& name) override {
    if (conn_ == nullptr) return CheckUsable();
    absl::StatusOr<size_t> index = savepoints_.Find(name);
    if (!index.ok()) return index.status();
    if (sqlite3_get_autocommit(conn_->db()) != 0) {
      // Some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM) make SQLite roll
      // the whole transaction back: no savepoint is left to return to.
      absl::Status gone = absl::InternalError(
          "sqlite: the transaction was rolled back by an earlier error; no savepoint is left");
      RecordFailure(gone);
      return gone;
    }
    absl::Status status = conn_->Exec(absl::StrCat("ROLLBACK TO SAVEPOINT \"", name, "\""));
    if (!status.ok()) {
      RecordFailure(status);
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
    absl::Status status = conn_->Exec(absl::StrCat("RELEASE SAVEPOINT \"", name, "\""));
    RecordFailure(status);
    if (status.ok()) savepoints_.Truncate(*index);
    return status;
  }

  // Runs several ';'-separated statements (a migration).
  absl::Status ExecScript(const std::string& sql) {
    if (absl::Status usable = CheckUsable(); !usable.ok()) return usable;
    absl::Status status = ExecSql(conn_->db(), sql);
    RecordFailure(status);
    return status;
  }

 private:
  // A failed statement fails the whole transaction, as on PostgreSQL (where the
  // server refuses anything but ROLLBACK afterwards): code that works on one
  // engine then works on the other, and SQLite may itself have rolled back
  // after errors such as SQLITE_BUSY or SQLITE_FULL.
  void RecordFailure(const absl::Status& status) {
    if (!status.ok() && failure_.ok()) failure_ = status;
  }

  absl::Status CheckUsable() const {
    if (conn_ == nullptr) {
      return absl::FailedPreconditionError("transaction already committed or rolled back");
    }
    if (!failure_.ok()) {
      return absl::Status(failure_.code(),
                          absl::StrCat("transaction already failed: ", failure_.message()));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<int64_t> Run(std::string_view sql, const std::vector<Value>& params, Rows* rows) {
    if (absl::Status usable = CheckUsable(); !usable.ok()) return usable;
    absl::StatusOr<int64_t> result = Step(sql, params, rows);
    RecordFailure(result.status());
    return result;
  }

  absl::StatusOr<int64_t> Step(std::string_view sql, const std::vector<Value>& params, Rows* rows) {
    sqlite3* db = conn_->db();
    // A cached statement is left reset and unbound whatever happens.
    absl::StatusOr<PreparedStatement> prepared = conn_->Prepare(sql);
    if (!prepared.ok()) return prepared.status();
    sqlite3_stmt* stmt = prepared->get();
    if (stmt == nullptr) {
      if (!params.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("sqlite: parameters given for empty SQL: ", SqlExcerpt(sql)));
      }
      return 0;
    }

    if (sqlite3_bind_parameter_count(stmt) != static_cast<int>(params.size())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "sqlite: statement has ", sqlite3_bind_parameter_count(stmt), " placeholders but ",
          params.size(), " parameters were given in: ", SqlExcerpt(sql)));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      const Value& value = params[i];
      int rc = SQLITE_OK;
      // SQLITE_STATIC: `params` outlives the statement's use, which ends in
      // this call.
      if (std::holds_alternative<Null>(value)) {
        rc = sqlite3_bind_null(stmt, index);
      } else if (const int64_t* n = std::get_if<int64_t>(&value)) {
        rc = sqlite3_bind_int64(stmt, index, *n);
      } else if (const std::string* s = std::get_if<std::string>(&value)) {
        if (s->find('\0') != std::string::npos) {
          // PostgreSQL text cannot hold NUL; refuse it here too.
          return absl::InvalidArgumentError(
              absl::StrCat("sqlite: text parameter ", index,
                           " contains a NUL byte (use Blob) in: ", SqlExcerpt(sql)));
        }
        rc = sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
      } else {
        // data() is never null, so an empty Blob binds a zero-length blob, not NULL.
        const std::string& bytes = std::get<Blob>(value).bytes;
        rc = sqlite3_bind_blob64(stmt, index, bytes.data(), bytes.size(), SQLITE_STATIC);
      }
      if (rc != SQLITE_OK) return LastError(db, sql);
    }

    const int64_t total_before = sqlite3_total_changes64(db);
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return LastError(db, sql);
      if (rows == nullptr) continue;
      // Read after the step: a cached statement is prepared again by the step
      // when the schema changed, and "SELECT *" may then have more columns.
      const int columns = sqlite3_column_count(stmt);
      std::vector<std::optional<std::string>> cells;
      cells.reserve(columns);
      for (int c = 0; c < columns; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_NULL:
            cells.emplace_back(std::nullopt);
            break;
          case SQLITE_INTEGER:
            cells.emplace_back(std::to_string(sqlite3_column_int64(stmt, c)));
            break;
          default: {
            // Text, blob and float (rendered as text by SQLite) as raw bytes;
            // a zero-length value comes back as a null pointer.
            const void* data = sqlite3_column_blob(stmt, c);
            const int size = sqlite3_column_bytes(stmt, c);
            cells.emplace_back(data == nullptr ? std::string()
                                               : std::string(static_cast<const char*>(data),
                                                             static_cast<size_t>(size)));
            break;
          }
        }
      }
      rows->emplace_back(std::move(cells));
    }
    // sqlite3_changes64 keeps the count of the last INSERT/UPDATE/DELETE, so a
    // statement that changed nothing (a SELECT, DDL) must not report it.
    if (sqlite3_total_changes64(db) == total_before) return 0;
    return sqlite3_changes64(db);
  }

  void RollbackAndEnd() {
    if (sqlite3_get_autocommit(conn_->db()) == 0) {
      // Rolling back only fails when the connection is unusable; the pool then
      // must not reuse it.
      if (!conn_->Exec("ROLLBACK").ok() && sqlite3_get_autocommit(conn_->db()) == 0) {
        conn_.reset();
      }
    }
    End();
  }

  void End() {
    db_->Return(std::move(conn_), hold_);
    conn_ = nullptr;
  }

  SqliteDatabase* const db_;
  std::unique_ptr<SqliteConn> conn_;  // null once committed or rolled back
  const Gate::Hold hold_;
  absl::Status failure_;  // the first failed statement
  SavepointStack savepoints_;
};

absl::StatusOr<std::unique_ptr<SqliteConn>> SqliteDatabase::Connect() {
  sqlite3* raw = nullptr;
  // NOMUTEX: the pool lends a connection to one thread at a time.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (in_memory_) flags |= SQLITE_OPEN_URI;
  const int rc = sqlite3_open_v2(filename_.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close_v2(raw);
    return absl::UnavailableError(
        absl::StrCat("sqlite: cannot open ", description_, ": ", message));
  }
  auto conn = std::make_unique<SqliteConn>(raw, &counters_);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options_.lock_timeout_ms > 0 ? options_.lock_timeout_ms : INT_MAX);
  // temp_store = MEMORY keeps savepoints' undo records (the statement journal)
  // in memory: on a file, every page a savepoint touches is first copied there
  // with a write(2), which dominated group-committed writes (one savepoint each).
  absl::Status status =
      ExecSql(raw, absl::StrCat("PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = ON; "
                                "PRAGMA secure_delete = ON; "
                                "PRAGMA synchronous = ",
                                options_.durable_writes ? "FULL" : "NORMAL", ";"));
  if (!status.ok()) return status;
  return conn;
}

absl::Status SqliteDatabase::Init() {
  if (sqlite3_threadsafe() == 0) {
    return absl::FailedPreconditionError("sqlite: library built without thread support");
  }
  absl::StatusOr<std::unique_ptr<SqliteConn>> first = Connect();
  if (!first.ok()) return first.status();
  if (in_memory_) {
    keeper_ = std::move(*first);
    return absl::OkStatus();
  }
  // Switching to WAL needs a moment of exclusive access, which another process
  // opening the same new file may hold; it does not always go through the busy
  // handler, so retry here for up to the lock timeout.
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(std::max(options_.lock_timeout_ms, 1000));
  for (;;) {
    absl::Status status = ExecSql((*first)->db(), "PRAGMA journal_mode = WAL");
    if (status.ok()) break;
    if (!absl::IsAborted(status) || std::chrono::steady_clock::now() > deadline) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pool_.AddIdle(std::move(*first));
  return absl::OkStatus();
}

absl::Status SqliteDatabase::ReclaimDeleted(const std::vector<std::string>& /*tables*/) {
  if (in_memory_) return absl::OkStatus();
  // The write gate keeps this process's writers out while the log is emptied;
  // readers still on an older snapshot make TRUNCATE wait (busy timeout) or fail.
  if (!gate_.Acquire(Gate::Hold::kExclusive, LockWait(options_))) {
    return absl::UnavailableError(
        absl::StrCat("sqlite: timed out waiting for the write lock of ", description_));
  }
  absl::StatusOr<std::unique_ptr<SqliteConn>> conn = pool_.Acquire(LockWait(options_));
  if (!conn.ok()) {
    gate_.Release(Gate::Hold::kExclusive);
    return conn.status();
  }
  int log_frames = -1;
  int checkpointed = -1;
  const int rc = sqlite3_wal_checkpoint_v2((*conn)->db(), nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                           &log_frames, &checkpointed);
  Return(std::move(*conn), Gate::Hold::kExclusive);
  if (rc != SQLITE_OK) {
    return absl::UnavailableError(absl::StrCat("sqlite: the write-ahead log of ", description_,
                                               " could not be emptied (", sqlite3_errstr(rc),
                                               "): readers still use it; try again"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Transaction>> SqliteDatabase::Begin(TxMode mode) {
  const Gate::Hold hold = mode == TxMode::kWrite ? Gate::Hold::kExclusive
                          : in_memory_           ? Gate::Hold::kShared
                                                 : Gate::Hold::kNone;
  if (!gate_.Acquire(hold, LockWait(options_))) {
    return absl::AbortedError(
        absl::StrCat("sqlite: timed out waiting for the write lock of ", description_));
  }
  absl::StatusOr<std::unique_ptr<SqliteConn>> conn = pool_.Acquire(LockWait(options_));
  if (!conn.ok()) {
    gate_.Release(hold);
    return conn.status();
  }
  absl::Status status;
  // query_only makes a write in a kRead transaction fail, as READ ONLY does on
  // PostgreSQL, so the mistake shows up on either engine.
  const bool read_only = mode == TxMode::kRead;
  if ((*conn)->query_only != read_only) {
    status = (*conn)->Exec(read_only ? "PRAGMA query_only = ON" : "PRAGMA query_only = OFF");
    if (status.ok()) (*conn)->query_only = read_only;
  }
  if (status.ok()) status = (*conn)->Exec(read_only ? "BEGIN" : "BEGIN IMMEDIATE");
  if (!status.ok()) {
    Return(std::move(*conn), hold);
    return status;
  }
  return std::make_unique<SqliteTransaction>(this, std::move(*conn), hold);
}

absl::Status SqliteDatabase::Migrate(std::string_view component,
                                     const std::vector<Migration>& migrations) {
  if (absl::Status valid = ValidateMigrations(component, migrations); !valid.ok()) return valid;
  const std::string table = MigrationsTable(component);
  absl::Status status = RunInTransaction(*this, TxMode::kWrite, [&](Transaction& tx) {
    return tx
        .Exec(absl::StrCat("CREATE TABLE IF NOT EXISTS ", table,
                           " (version BIGINT PRIMARY KEY, name TEXT NOT NULL,"
                           " applied_at_us BIGINT NOT NULL)"))
        .status();
  });
  if (!status.ok()) return status;
  absl::StatusOr<std::vector<int64_t>> applied = AppliedMigrations(*this, component);
  if (!applied.ok()) return applied.status();
  if (absl::Status newer =
          RefuseNewerSchema(component, migrations, applied->empty() ? 0 : applied->back());
      !newer.ok()) {
    return newer;
  }
  for (const Migration& migration : migrations) {
    // BEGIN IMMEDIATE serialises this with any other process migrating the same
    // file; the version is checked again inside, after the lock is held.
    status = RunInTransaction(*this, TxMode::kWrite, [&](Transaction& tx) -> absl::Status {
      absl::StatusOr<Rows> applied =
          tx.Query(absl::StrCat("SELECT 1 FROM ", table, " WHERE version = ?"),
                   {int64_t{migration.version}});
      if (!applied.ok()) return applied.status();
      if (!applied->empty()) return absl::OkStatus();
      absl::Status script = static_cast<SqliteTransaction&>(tx).ExecScript(
          ApplyDialect(migration.sql, Engine::kSqlite));
      if (!script.ok()) {
        return absl::Status(script.code(),
                            absl::StrCat("migration ", ToAbsl(component), " v", migration.version,
                                         " (", migration.name, ") failed: ", script.message()));
      }
      return tx
          .Exec(absl::StrCat("INSERT INTO ", table,
                             " (version, name, applied_at_us) VALUES (?, ?, ?)"),
                {int64_t{migration.version}, migration.name, NowMicros()})
          .status();
    });
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> OpenSqlite(const std::string& path, bool in_memory,
                                                     const OpenOptions& options) {
  std::string filename;
  std::string description;
  if (in_memory) {
    // A unique name gives each Database object its own database, shared by its
    // pooled connections through the shared cache.
    static std::atomic<uint64_t> counter{0};
    filename = absl::StrCat("file:cercles_mem_", getpid(), "_", counter.fetch_add(1),
                            "?mode=memory&cache=shared");
    description = "sqlite::memory:";
  } else {
    std::error_code error;
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, error);
    if (error) {
      return absl::UnavailableError(
          absl::StrCat("sqlite: cannot create directory ", parent.string(), ": ", error.message()));
    }
    // Without SQLITE_OPEN_URI a name starting with "file:" could still be read as
    // a URI if SQLite was built with SQLITE_USE_URI; "./" keeps it a path.
    filename = absl::StartsWith(path, "file:") ? absl::StrCat("./", path) : path;
    description = absl::StrCat("sqlite:", path);
  }
  auto db = std::make_unique<SqliteDatabase>(std::move(filename), std::move(description), in_memory,
                                             options);
  if (absl::Status status = db->Init(); !status.ok()) return status;
  return db;
}

}  // namespace cercles::storage::internal
