// A libpq connection's statements: the handles, errors as statuses, `?`
// placeholders rewritten to `$n`, parameters sent as text except blobs
// (binary bytea), and each connection's cache of prepared statements.
#include "common/storage/postgres_connection.h"

#include <libpq-events.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace cercles::storage::internal {
namespace {

// Type oids from pg_type.h (not installed with libpq's client headers).
constexpr Oid kInt8Oid = 20;
constexpr Oid kByteaOid = 17;

// Rewrites `?` to `$1..$n`, leaving alone string literals ('...', E'...' with
// backslash escapes), quoted identifiers and comments.
std::string RewritePlaceholders(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  *count = 0;
  size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      const bool backslash_escapes = c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e');
      size_t j = i + 1;
      while (j < sql.size()) {
        if (backslash_escapes && sql[j] == '\\') {
          j += 2;
          continue;
        }
        if (sql[j] == c) {
          if (j + 1 < sql.size() && sql[j + 1] == c) {  // doubled quote
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      j = std::min(j + 1, sql.size());
      out.append(sql.substr(i, j - i));
      i = j;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t j = sql.find('\n', i);
      j = j == std::string_view::npos ? sql.size() : j;
      out.append(sql.substr(i, j - i));
      i = j;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      size_t j = sql.find("*/", i + 2);
      j = j == std::string_view::npos ? sql.size() : j + 2;
      out.append(sql.substr(i, j - i));
      i = j;
    } else if (c == '?') {
      absl::StrAppend(&out, "$", ++*count);
      ++i;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return out;
}

// Prepared statements, per connection: each distinct statement (SQL and
// parameter types) is parsed and planned once per connection instead of on
// every call, which is most of the server's work for the short statements the
// services run. The cache lives with the connection (libpq instance data, freed
// when it closes); prepared statements outlive transactions, so a rollback
// leaves them usable. At most kStatementCacheCapacity per connection, the least
// recently used one deallocated for a new one.
struct PreparedStatements {
  explicit PreparedStatements(StatementCounters* counters) : counters(counters) {}
  StatementCounters* const counters;  // the Database's, which outlives its connections
  // "rewritten SQL\ntype oids" -> the server-side name it is prepared under.
  StatementLru<std::string> names{kStatementCacheCapacity};
  uint64_t next_id = 0;  // names are never reused on a connection
  // Names dropped from the cache but not yet deallocated on the server: sent
  // together, kStaleBatch at a time, before a statement is next prepared (in a
  // usable transaction), rather than one round trip each.
  std::vector<std::string> stale;
};

// How many dropped names wait before one DEALLOCATE round trip frees them.
constexpr size_t kStaleBatch = 16;

int PreparedEvents(PGEventId event, void* info, void* pass_through) {
  if (event == PGEVT_CONNDESTROY) {
    auto* destroy = static_cast<PGEventConnDestroy*>(info);
    delete static_cast<PreparedStatements*>(PQinstanceData(destroy->conn, PreparedEvents));
  }
  return 1;  // success, for every event
}

PreparedStatements* CacheOf(PGconn* conn) {
  return static_cast<PreparedStatements*>(PQinstanceData(conn, PreparedEvents));
}

// Deallocates the stale names of `cache` once a batch of them has gathered.
absl::Status FlushStale(PGconn* conn, PreparedStatements* cache) {
  if (cache->stale.size() < kStaleBatch) return absl::OkStatus();
  // Nothing cached: one command frees everything, whatever the count.
  std::string sql = cache->names.size() == 0 ? "DEALLOCATE ALL" : "";
  if (sql.empty()) {
    for (const std::string& name : cache->stale) absl::StrAppend(&sql, "DEALLOCATE ", name, ";");
  }
  absl::Status status = ExecSimple(conn, sql);
  if (status.ok()) cache->stale.clear();
  return status;
}

// The name under which `rewritten` with these parameter types is prepared on
// `conn` (preparing it first when needed), or "" to run it unprepared: SQL that
// is not a plain query or change (see ClassifyStatement).
absl::StatusOr<std::string> PreparedName(PGconn* conn, const std::string& rewritten,
                                         const std::vector<Oid>& types, std::string_view sql,
                                         StatementKind kind, std::string* key) {
  PreparedStatements* cache = CacheOf(conn);
  if (cache == nullptr) return std::string();
  if (kind != StatementKind::kCacheable) {
    cache->counters->uncached.fetch_add(1, std::memory_order_relaxed);
    return std::string();
  }
  *key = rewritten;
  for (Oid type : types) absl::StrAppend(key, "\n", type);
  if (const std::string* name = cache->names.Find(*key)) {
    cache->counters->reused.fetch_add(1, std::memory_order_relaxed);
    return *name;
  }
  if (absl::Status flushed = FlushStale(conn, cache); !flushed.ok()) {
    return flushed;
  }
  std::string name = absl::StrCat("cercles_", cache->next_id++);
  PgResult prepared(PQprepare(conn, name.c_str(), rewritten.c_str(), static_cast<int>(types.size()),
                              types.data()));
  if (!Succeeded(prepared.get())) return PgError(conn, prepared.get(), sql);
  cache->counters->prepared.fetch_add(1, std::memory_order_relaxed);
  if (std::optional<std::string> evicted = cache->names.Insert(*key, name)) {
    cache->stale.push_back(*std::move(evicted));
    cache->counters->evicted.fetch_add(1, std::memory_order_relaxed);
  }
  return name;
}

// After a schema change on this connection: what is prepared may now return
// other columns (PostgreSQL then refuses to run it: "cached plan must not change
// result type"), so every statement is prepared afresh when next used.
void ForgetPreparedStatements(PGconn* conn) {
  PreparedStatements* cache = CacheOf(conn);
  if (cache == nullptr) return;
  for (std::string& name : cache->names.TakeAll()) cache->stale.push_back(std::move(name));
}

}  // namespace

std::string FirstLine(const char* text) {
  std::string_view view = text == nullptr ? "" : text;
  return std::string(view.substr(0, view.find('\n')));
}

bool Healthy(const PGconn& conn) { return PQstatus(&conn) == CONNECTION_OK; }

// Maps a failed command to a status. Only the primary message is used: the
// DETAIL of a unique violation, for one, quotes the conflicting values.
absl::Status PgError(PGconn* conn, const PGresult* result, std::string_view sql) {
  const std::string where = sql.empty() ? "" : absl::StrCat(" in: ", SqlExcerpt(sql));
  const char* state_field =
      result == nullptr ? nullptr : PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const std::string state = state_field == nullptr ? "" : state_field;
  if (PQstatus(conn) != CONNECTION_OK || result == nullptr || absl::StartsWith(state, "08") ||
      absl::StartsWith(state, "57P")) {
    // 57P01..57P03: the server is shutting down or restarting.
    const char* message = result != nullptr ? PQresultErrorMessage(result) : "";
    if (message == nullptr || *message == '\0') message = PQerrorMessage(conn);
    return absl::UnavailableError(
        absl::StrCat("postgresql: connection lost: ", FirstLine(message), where));
  }
  std::string message;
  if (absl::StartsWith(state, "22")) {
    // Data exceptions ("invalid input syntax for type bigint: ...") quote the
    // offending value, which may be a parameter.
    message = "invalid data value";
  } else {
    const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    message = primary != nullptr ? primary : FirstLine(PQresultErrorMessage(result));
  }
  const std::string text = absl::StrCat("postgresql: ", message, " (SQLSTATE ", state, ")", where);
  if (state == "23505") return absl::AlreadyExistsError(text);
  // Serialization failure, deadlock, lock_timeout.
  if (state == "40001" || state == "40P01" || state == "55P03") return absl::AbortedError(text);
  // Class 53, insufficient resources: disk full (53100), out of memory (53200),
  // too many connections (53300), configuration limit (53400).
  if (absl::StartsWith(state, "53")) {
    return absl::ResourceExhaustedError(absl::StrCat(
        text, ": the database server is out of resources, nothing was written; retry"));
  }
  // Class 58, system error (an I/O error on the server's files).
  if (absl::StartsWith(state, "58")) {
    return absl::UnavailableError(
        absl::StrCat(text, ": the database server cannot do it now; retry"));
  }
  if (state == "XX001" || state == "XX002") return absl::DataLossError(text);  // corrupted
  return absl::InternalError(text);
}

bool Succeeded(const PGresult* result) {
  const ExecStatusType status = PQresultStatus(result);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

// Runs parameterless SQL (possibly several statements).
absl::Status ExecSimple(PGconn* conn, const std::string& sql) {
  PgResult result(PQexec(conn, sql.c_str()));
  if (!Succeeded(result.get())) return PgError(conn, result.get(), sql);
  return absl::OkStatus();
}

// A stable 64-bit FNV-1a hash: the advisory lock key must be the same in every
// process and build, which std::hash does not promise.
int64_t StableHash(std::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return static_cast<int64_t>(hash);
}

// Gives a new connection its (empty) cache of prepared statements.
bool EnablePreparedStatements(PGconn* conn, StatementCounters* counters) {
  if (PQregisterEventProc(conn, PreparedEvents, "cercles-prepared", nullptr) == 0) return false;
  return PQsetInstanceData(conn, PreparedEvents, new PreparedStatements(counters)) != 0;
}

// Runs one statement with parameters; fills `rows` (when not null) and returns
// the number of rows changed.
//
// `plan_changed` (when not null) is set when the server refused a prepared
// statement because a table changed shape under it (SQLSTATE 0A000, "cached
// plan must not change result type"): the statement is forgotten, so running
// it again (in a new transaction: this one failed) prepares it afresh.
absl::StatusOr<int64_t> ExecParams(PGconn* conn, std::string_view sql,
                                   const std::vector<Value>& params, Rows* rows,
                                   bool* plan_changed) {
  int placeholders = 0;
  const std::string rewritten = RewritePlaceholders(sql, &placeholders);
  if (placeholders != static_cast<int>(params.size())) {
    return absl::InvalidArgumentError(absl::StrCat("postgresql: statement has ", placeholders,
                                                   " placeholders but ", params.size(),
                                                   " parameters were given in: ", SqlExcerpt(sql)));
  }
  const size_t n = params.size();
  std::vector<std::string> numbers(n);  // text of int64 parameters, kept alive
  std::vector<const char*> values(n, nullptr);
  std::vector<int> lengths(n, 0);
  std::vector<int> formats(n, 0);
  std::vector<Oid> types(n, 0);  // 0: let the server infer from context
  for (size_t i = 0; i < n; ++i) {
    const Value& value = params[i];
    if (const int64_t* number = std::get_if<int64_t>(&value)) {
      numbers[i] = std::to_string(*number);
      values[i] = numbers[i].c_str();
      types[i] = kInt8Oid;  // so that "? + 1" or "COALESCE(x, ?)" type-check
    } else if (const std::string* text = std::get_if<std::string>(&value)) {
      // Text parameters are NUL-terminated for libpq: an embedded NUL would
      // silently cut the value.
      if (text->find('\0') != std::string::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat("postgresql: text parameter ", i + 1,
                         " contains a NUL byte (use Blob) in: ", SqlExcerpt(sql)));
      }
      values[i] = text->c_str();
    } else if (const Blob* blob = std::get_if<Blob>(&value)) {
      if (blob->bytes.size() > static_cast<size_t>(INT32_MAX)) {
        return absl::InvalidArgumentError(absl::StrCat("postgresql: blob parameter ", i + 1,
                                                       " is too large in: ", SqlExcerpt(sql)));
      }
      values[i] = blob->bytes.data();  // never null: an empty blob is not NULL
      lengths[i] = static_cast<int>(blob->bytes.size());
      formats[i] = 1;
      types[i] = kByteaOid;
    }
  }
  const StatementKind kind = ClassifyStatement(sql);
  std::string key;
  absl::StatusOr<std::string> name = PreparedName(conn, rewritten, types, sql, kind, &key);
  if (!name.ok()) return name.status();
  PgResult result(name->empty() ? PQexecParams(conn, rewritten.c_str(), static_cast<int>(n),
                                               types.data(), values.data(), lengths.data(),
                                               formats.data(), /*resultFormat=*/0)
                                : PQexecPrepared(conn, name->c_str(), static_cast<int>(n),
                                                 values.data(), lengths.data(), formats.data(),
                                                 /*resultFormat=*/0));
  if (!Succeeded(result.get())) {
    const char* state = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
    if (!name->empty() && state != nullptr && std::string_view(state) == "0A000") {
      // A migration changed a table under the prepared statement.
      PreparedStatements* cache = CacheOf(conn);
      if (std::optional<std::string> stale = cache->names.Remove(key)) {
        cache->stale.push_back(*std::move(stale));
      }
      if (plan_changed != nullptr) *plan_changed = true;
      return absl::AbortedError(absl::StrCat(
          "postgresql: a table changed under a prepared statement; retry in: ", SqlExcerpt(sql)));
    }
    return PgError(conn, result.get(), sql);
  }
  if (kind == StatementKind::kSchema) ForgetPreparedStatements(conn);
  if (rows != nullptr) {
    const int row_count = PQntuples(result.get());
    const int columns = PQnfields(result.get());
    rows->reserve(rows->size() + row_count);
    for (int r = 0; r < row_count; ++r) {
      std::vector<std::optional<std::string>> cells;
      cells.reserve(columns);
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(result.get(), r, c)) {
          cells.emplace_back(std::nullopt);
          continue;
        }
        const char* text = PQgetvalue(result.get(), r, c);
        if (PQftype(result.get(), c) != kByteaOid) {
          cells.emplace_back(std::string(text, PQgetlength(result.get(), r, c)));
          continue;
        }
        // bytea comes back as "\x..." text; Row::Bytes promises the raw bytes.
        size_t size = 0;
        unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &size);
        if (raw == nullptr) {
          return absl::InternalError(
              absl::StrCat("postgresql: cannot decode a bytea cell in: ", SqlExcerpt(sql)));
        }
        cells.emplace_back(std::string(reinterpret_cast<const char*>(raw), size));
        PQfreemem(raw);
      }
      rows->emplace_back(std::move(cells));
    }
  }
  // PQcmdTuples also counts the rows a SELECT returned; those changed nothing.
  if (absl::StartsWith(PQcmdStatus(result.get()), "SELECT")) return 0;
  const char* changed = PQcmdTuples(result.get());
  return changed == nullptr || *changed == '\0' ? 0 : std::strtoll(changed, nullptr, 10);
}

}  // namespace cercles::storage::internal
