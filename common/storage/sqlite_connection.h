// A SQLite connection's statements, for the SQLite engine (sqlite_database.cc):
// errors as statuses, statements prepared once and kept per connection, and the
// engine's own fixed statements run from that cache.
#ifndef CERCLES_COMMON_STORAGE_SQLITE_CONNECTION_H_
#define CERCLES_COMMON_STORAGE_SQLITE_CONNECTION_H_

#include <sqlite3.h>

#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/storage/storage_internal.h"

namespace cercles::storage::internal {

// An error from SQLite as a status, by what a client can do about it: a unique
// key violation is ALREADY_EXISTS; busy or locked ABORTED (the write path
// retries it); a full disk or no memory RESOURCE_EXHAUSTED; a file that cannot
// be opened, read or written UNAVAILABLE; a corrupt file DATA_LOSS; anything
// else INTERNAL. The message names the statement.
absl::Status SqliteError(int code, std::string_view message, std::string_view sql);

// The error of the last call on `db`. SQLite messages name tables and columns,
// never bound values.
absl::Status LastError(sqlite3* db, std::string_view sql);

// Runs `sql` (one or more statements, no parameters) unprepared.
absl::Status ExecSql(sqlite3* db, const std::string& sql);

// A statement ready to step: one of the connection's cached statements (left
// reset and unbound when this goes), or one prepared for this run only
// (finalized when this goes). Empty for SQL holding no statement (a comment).
class PreparedStatement {
 public:
  PreparedStatement() = default;
  PreparedStatement(sqlite3_stmt* stmt, bool cached) : stmt_(stmt), cached_(cached) {}
  PreparedStatement(PreparedStatement&& other) noexcept
      : stmt_(std::exchange(other.stmt_, nullptr)), cached_(other.cached_) {}
  PreparedStatement& operator=(PreparedStatement&&) = delete;
  ~PreparedStatement() {
    if (stmt_ == nullptr) return;
    if (cached_) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    } else {
      sqlite3_finalize(stmt_);
    }
  }

  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  bool cached_ = false;
};

// One pooled connection and its prepared statements.
class SqliteConn {
 public:
  SqliteConn(sqlite3* db, StatementCounters* counters) : db_(db), counters_(counters) {}
  SqliteConn(const SqliteConn&) = delete;
  SqliteConn& operator=(const SqliteConn&) = delete;
  ~SqliteConn() {
    for (sqlite3_stmt* stmt : stmts_.TakeAll()) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  sqlite3* db() const { return db_; }

  // Prepares `sql`, or takes it from the cache (cacheable statements, and
  // `always_cache` for the engine's own fixed transaction-control texts). More
  // than one statement is rejected so that both engines accept the same SQL.
  // A cached statement survives schema changes: sqlite3_step prepares it again
  // when the schema it was prepared against changed.
  absl::StatusOr<PreparedStatement> Prepare(std::string_view sql, bool always_cache = false);

  // Runs one of the engine's own parameterless statements (BEGIN, COMMIT,
  // SAVEPOINT "w3", PRAGMA query_only...), kept prepared like the callers' SQL:
  // every transaction runs two of them.
  absl::Status Exec(const std::string& sql);

  // Whether the connection is in PRAGMA query_only mode (kRead transactions).
  bool query_only = false;

 private:
  sqlite3* const db_;
  StatementCounters* const counters_;  // the Database's, which outlives its connections
  StatementLru<sqlite3_stmt*> stmts_{kStatementCacheCapacity};
};

}  // namespace cercles::storage::internal

#endif  // CERCLES_COMMON_STORAGE_SQLITE_CONNECTION_H_
