// One storage interface over SQLite (embedded default) and PostgreSQL (scale-out).
//
// SQL is written once with `?` placeholders; the PostgreSQL engine rewrites them to
// `$1..$n`. Schema text may use the dialect tokens below, replaced at migration time:
//   {{SERIAL_PK}}  SQLite "INTEGER PRIMARY KEY AUTOINCREMENT", PostgreSQL "BIGSERIAL PRIMARY KEY"
//   {{BLOB}}       SQLite "BLOB", PostgreSQL "BYTEA"
// Integers are 64-bit (use BIGINT columns), text is UTF-8, times are INTEGER micros.
//
// Errors: a unique-constraint violation is ALREADY_EXISTS; a busy database, a lock
// timeout, a deadlock or a serialization failure is ABORTED (retry the transaction);
// a lost connection is UNAVAILABLE; everything else INTERNAL. Messages never contain
// parameter values (they may be personal data).
#ifndef CERCLES_COMMON_STORAGE_DATABASE_H_
#define CERCLES_COMMON_STORAGE_DATABASE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace cercles::storage {

enum class Engine { kSqlite, kPostgres };

// Binary bytes (a serialized protobuf, a hash). Distinct from text on purpose.
struct Blob {
  std::string bytes;
};

struct Null {};

using Value = std::variant<Null, int64_t, std::string, Blob>;

// One result row. Column accessors take the 0-based column index; a NULL reads as
// 0 / "" (use IsNull to tell).
class Row {
 public:
  explicit Row(std::vector<std::optional<std::string>> cells) : cells_(std::move(cells)) {}
  size_t size() const { return cells_.size(); }
  bool IsNull(size_t i) const { return !cells_.at(i).has_value(); }
  int64_t Int(size_t i) const;
  const std::string& Text(size_t i) const;
  // Blob and text cells are both returned as their raw bytes.
  const std::string& Bytes(size_t i) const { return Text(i); }

 private:
  std::vector<std::optional<std::string>> cells_;
};

using Rows = std::vector<Row>;

enum class TxMode {
  kRead,   // read-only snapshot
  kWrite,  // takes the write lock up front on SQLite (BEGIN IMMEDIATE)
};

// A transaction on one pooled connection. Rolled back on destruction unless
// Commit() succeeded. Not thread-safe: one thread uses it at a time.
// After a failed Query/Exec the transaction is failed on both engines (as
// PostgreSQL does): later calls and Commit return that error's code, and
// nothing is committed. It must end before its Database is destroyed.
class Transaction {
 public:
  // Statements kept for the end of the transaction (see Deferred<T>()): Flush
  // runs them just before COMMIT, in the transaction, after everything else it
  // did. What is added after a savepoint is dropped by a rollback to it.
  class DeferredWork {
   public:
    virtual ~DeferredWork() = default;
    // Runs what was kept, in `tx`, once, just before COMMIT.
    virtual absl::Status Flush(Transaction& tx) = 0;
    // How much has been kept so far, and dropping what was kept after `mark`.
    virtual size_t Mark() const = 0;
    virtual void Truncate(size_t mark) = 0;
  };

  virtual ~Transaction() = default;
  virtual absl::StatusOr<Rows> Query(std::string_view sql,
                                     const std::vector<Value>& params = {}) = 0;
  // Returns the number of rows changed.
  virtual absl::StatusOr<int64_t> Exec(std::string_view sql,
                                       const std::vector<Value>& params = {}) = 0;
  // Flushes the deferred work (in the order each kind was first used), then
  // COMMITs. A failed flush commits nothing: the transaction is rolled back and
  // Commit returns the flush's error.
  absl::Status Commit();
  virtual Engine engine() const = 0;
  // Serialises this transaction with every other one that takes the same lock id
  // until it ends (pg_advisory_xact_lock; a no-op on SQLite where writers are
  // already serialised by BEGIN IMMEDIATE).
  virtual absl::Status LockExclusive(int64_t lock_id) = 0;

  // Savepoints (SQL SAVEPOINT): nested scopes inside the transaction, so that one
  // part can fail without losing the rest (GroupCommitter runs each write of a
  // batch in one). `name` is an SQL identifier: [A-Za-z_][A-Za-z0-9_]*, at most 63
  // characters; a name may be reused (the innermost one is meant).
  //
  // RollbackToSavepoint undoes everything done since Savepoint(name), deferred
  // work included, keeps the savepoint, and makes a transaction that failed
  // since then usable again (the only way out of the failed state other than
  // ending the transaction). ReleaseSavepoint keeps the changes and forgets the
  // savepoint and those made after it. FAILED_PRECONDITION for an unknown name
  // or an ended transaction.
  absl::Status Savepoint(const std::string& name);
  absl::Status RollbackToSavepoint(const std::string& name);
  absl::Status ReleaseSavepoint(const std::string& name);

  // The transaction's deferred work of kind T (a DeferredWork with a default
  // constructor), made on first use: e.g. the outbox keeps a transaction's
  // events there and appends them all at once, last, so that the lock it takes
  // is the last lock the transaction takes (common/events/outbox.h).
  template <typename T>
  T& Deferred() {
    static const char kKind = 0;  // one address per T
    for (const auto& [kind, work] : deferred_) {
      if (kind == &kKind) return static_cast<T&>(*work);
    }
    deferred_.emplace_back(&kKind, std::make_unique<T>());
    return static_cast<T&>(*deferred_.back().second);
  }

 protected:
  // The engine's own COMMIT and savepoint commands, behind the public ones.
  virtual absl::Status CommitNow() = 0;
  virtual absl::Status SavepointNow(const std::string& name) = 0;
  virtual absl::Status RollbackToSavepointNow(const std::string& name) = 0;
  virtual absl::Status ReleaseSavepointNow(const std::string& name) = 0;

 private:
  struct SavepointMarks {
    std::string name;
    std::vector<size_t> marks;  // Mark() of each deferred work made before it
  };
  std::vector<std::pair<const void*, std::unique_ptr<DeferredWork>>> deferred_;
  std::vector<SavepointMarks> savepoint_marks_;  // innermost last
  absl::Status flush_failure_;                   // a failed flush: never COMMIT after it
};

struct Migration {
  int version;       // 1, 2, 3... applied in order, each once
  std::string name;  // short description, recorded
  std::string sql;   // one or more statements separated by ';', dialect tokens allowed
};

struct OpenOptions {
  // Pool size (connections). SQLite: readers; writers are serialised anyway.
  int max_connections = 8;
  // SQLite synchronous=FULL when true (money and acknowledged writes), NORMAL otherwise.
  bool durable_writes = true;
  // How long to wait for a lock (SQLite busy_timeout, PostgreSQL lock_timeout).
  int lock_timeout_ms = 5000;
};

class Database {
 public:
  // url: "sqlite:///abs/path.db", "sqlite://relative/path.db", "sqlite::memory:"
  // (one shared in-memory database), or "postgresql://..." / "postgres://..." (libpq).
  static absl::StatusOr<std::unique_ptr<Database>> Open(const std::string& url,
                                                        const OpenOptions& options = {});
  virtual ~Database() = default;

  virtual absl::StatusOr<std::unique_ptr<Transaction>> Begin(TxMode mode) = 0;
  virtual Engine engine() const = 0;

  // Applies the migrations not yet recorded in table schema_migrations_<component>,
  // each in its own transaction. Safe when several processes start at once on the
  // same PostgreSQL database (an advisory lock serialises them) or SQLite file.
  virtual absl::Status Migrate(std::string_view component,
                               const std::vector<Migration>& migrations) = 0;

  // A redacted description of where the data lives, for logs (no password).
  virtual std::string Describe() const = 0;

  // Makes what committed transactions deleted or overwrote in `tables` unreadable
  // from the database's files, after an erasure of personal data. SQLite
  // (secure_delete is on: freed space is zeroed when written) checkpoints the
  // write-ahead log and truncates it, so no earlier page image stays in the -wal
  // file; `tables` are not needed. PostgreSQL VACUUMs `tables`, so the dead row
  // versions are removed from their pages (what dumps and the server's files
  // show; WAL segments and backups keep them until they are recycled). Outside
  // any transaction. UNAVAILABLE when readers kept the SQLite log from being
  // emptied within the lock timeout (call again).
  virtual absl::Status ReclaimDeleted(const std::vector<std::string>& tables) = 0;
};

// Runs fn in a transaction and commits it; retries the whole transaction up to
// `attempts` times when fn or Commit returns ABORTED. fn's non-OK status rolls back.
absl::Status RunInTransaction(Database& db, TxMode mode,
                              const std::function<absl::Status(Transaction&)>& fn,
                              int attempts = 5);

// Replaces the dialect tokens in schema text for an engine.
std::string ApplyDialect(std::string_view sql, Engine engine);

// "?, ?, ?" for an IN (...) list of n values.
std::string Placeholders(size_t n);

// Inserts one row with `sql`, an INSERT ending in "RETURNING <id column>", and
// returns the new row's id: how every store learns the id of what it created.
// The statement's own error as it is (ALREADY_EXISTS for a unique violation...);
// INTERNAL "<what> insert returned no id" when it returned no single row.
absl::StatusOr<int64_t> InsertReturningId(Transaction& tx, std::string_view sql,
                                          const std::vector<Value>& params, std::string_view what);

}  // namespace cercles::storage

#endif  // CERCLES_COMMON_STORAGE_DATABASE_H_
