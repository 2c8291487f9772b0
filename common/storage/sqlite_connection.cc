// A SQLite connection's statements (sqlite_connection.h).
#include "common/storage/sqlite_connection.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace cercles::storage::internal {

absl::Status SqliteError(int code, std::string_view message, std::string_view sql) {
  std::string text = absl::StrCat("sqlite: ", ToAbsl(message), " (code ", code, ")");
  if (!sql.empty()) absl::StrAppend(&text, " in: ", SqlExcerpt(sql));
  switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_ROWID:
      return absl::AlreadyExistsError(text);
    default:
      break;
  }
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::AbortedError(text);
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(
          absl::StrCat(text, ": the disk is full, nothing was written; retry once space is freed"));
    case SQLITE_NOMEM:
      return absl::ResourceExhaustedError(
          absl::StrCat(text, ": out of memory, nothing was written; retry"));
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
      return absl::UnavailableError(
          absl::StrCat(text, ": the database file cannot be read or written now; retry"));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(text);
    default:
      return absl::InternalError(text);
  }
}

absl::Status LastError(sqlite3* db, std::string_view sql) {
  return SqliteError(sqlite3_extended_errcode(db), sqlite3_errmsg(db), sql);
}

absl::Status ExecSql(sqlite3* db, const std::string& sql) {
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return LastError(db, sql);
  }
  return absl::OkStatus();
}

absl::StatusOr<PreparedStatement> SqliteConn::Prepare(std::string_view sql, bool always_cache) {
  // Only cacheable SQL is ever cached, so look first and classify on a miss.
  if (sqlite3_stmt** found = stmts_.Find(sql)) {
    counters_->reused.fetch_add(1, std::memory_order_relaxed);
    return PreparedStatement(*found, /*cached=*/true);
  }
  const bool cache = always_cache || ClassifyStatement(sql) == StatementKind::kCacheable;
  std::string key(sql);
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  if (sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()),
                         cache ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, &tail) != SQLITE_OK) {
    return LastError(db_, sql);
  }
  if (tail != nullptr && !absl::StripAsciiWhitespace(absl::string_view(tail)).empty()) {
    // Whatever follows may be only a comment; only a real statement is an error.
    sqlite3_stmt* next = nullptr;
    const int rc = sqlite3_prepare_v2(db_, tail, -1, &next, nullptr);
    sqlite3_finalize(next);
    if (rc != SQLITE_OK || next != nullptr) {
      sqlite3_finalize(stmt);
      return absl::InvalidArgumentError(
          absl::StrCat("sqlite: one statement per call expected in: ", SqlExcerpt(sql)));
    }
  }
  if (stmt == nullptr) return PreparedStatement();
  if (!cache) {
    counters_->uncached.fetch_add(1, std::memory_order_relaxed);
    return PreparedStatement(stmt, /*cached=*/false);
  }
  counters_->prepared.fetch_add(1, std::memory_order_relaxed);
  if (std::optional<sqlite3_stmt*> evicted = stmts_.Insert(std::move(key), stmt)) {
    sqlite3_finalize(*evicted);
    counters_->evicted.fetch_add(1, std::memory_order_relaxed);
  }
  return PreparedStatement(stmt, /*cached=*/true);
}

absl::Status SqliteConn::Exec(const std::string& sql) {
  absl::StatusOr<PreparedStatement> stmt = Prepare(sql, /*always_cache=*/true);
  if (!stmt.ok()) return stmt.status();
  if (stmt->get() == nullptr) return absl::OkStatus();
  for (;;) {
    const int rc = sqlite3_step(stmt->get());
    if (rc == SQLITE_DONE) return absl::OkStatus();
    if (rc != SQLITE_ROW) return LastError(db_, sql);
  }
}

}  // namespace cercles::storage::internal
