// A libpq connection's statements, for the PostgreSQL engine
// (postgres_database.cc): handles, errors as statuses, one statement run with
// `?` placeholders and each connection's cache of prepared statements.
#ifndef CERCLES_COMMON_STORAGE_POSTGRES_CONNECTION_H_
#define CERCLES_COMMON_STORAGE_POSTGRES_CONNECTION_H_

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/storage/database.h"
#include "common/storage/storage_internal.h"

namespace cercles::storage::internal {

struct PgConnCloser {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
using PgConn = std::unique_ptr<PGconn, PgConnCloser>;

struct PgResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, PgResultClearer>;

// The first line of a libpq message.
std::string FirstLine(const char* text);
bool Healthy(const PGconn& conn);
// Maps a failed command to a status. Only the primary message is used: the
// DETAIL of a unique violation, for one, quotes the conflicting values.
absl::Status PgError(PGconn* conn, const PGresult* result, std::string_view sql);
bool Succeeded(const PGresult* result);
// Runs SQL without parameters (transaction control, DDL, several statements).
absl::Status ExecSimple(PGconn* conn, const std::string& sql);
// A stable 64-bit FNV-1a hash: the advisory lock key must be the same in every
// process and build, which std::hash does not promise.
int64_t StableHash(std::string_view text);
// Gives a new connection its (empty) cache of prepared statements, counted in
// `counters` (which must outlive the connection).
bool EnablePreparedStatements(PGconn* conn, StatementCounters* counters);
// Runs one statement with parameters; fills `rows` (when not null) and returns
// the number of rows changed. `plan_changed` (when not null) is set when the
// server refused a prepared statement because a table changed shape under it
// (SQLSTATE 0A000): the statement is forgotten, so running it again (in a new
// transaction: this one failed) prepares it afresh.
absl::StatusOr<int64_t> ExecParams(PGconn* conn, std::string_view sql,
                                   const std::vector<Value>& params, Rows* rows,
                                   bool* plan_changed = nullptr);

}  // namespace cercles::storage::internal

#endif  // CERCLES_COMMON_STORAGE_POSTGRES_CONNECTION_H_
