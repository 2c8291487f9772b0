// Engine-independent parts of the storage interface: Row accessors, dialect
// tokens, the retry loop and the URL dispatch.
#include "common/storage/database.h"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/storage/statement_stats.h"
#include "common/storage/storage_internal.h"

namespace cercles::storage {
namespace {

using internal::ToAbsl;

constexpr std::string_view kSqliteMemoryUrl = "sqlite::memory:";
constexpr std::string_view kSqlitePrefix = "sqlite://";
constexpr size_t kSqlExcerptChars = 60;

}  // namespace

int64_t Row::Int(size_t i) const {
  const std::optional<std::string>& cell = cells_.at(i);
  if (!cell.has_value() || cell->empty()) return 0;
  // strtoll needs a NUL-terminated string; std::string provides one, and an
  // embedded NUL stops the parse early, which the full-length check rejects.
  const char* begin = cell->c_str();
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(begin, &end, 10);
  if (errno != 0 || end != begin + cell->size()) return 0;
  return static_cast<int64_t>(value);
}

const std::string& Row::Text(size_t i) const {
  static const std::string* const kEmpty = new std::string();
  const std::optional<std::string>& cell = cells_.at(i);
  return cell.has_value() ? *cell : *kEmpty;
}

absl::Status Transaction::Commit() {
  if (!flush_failure_.ok()) return flush_failure_;
  for (auto& [kind, work] : deferred_) {
    if (absl::Status flushed = work->Flush(*this); !flushed.ok()) {
      deferred_.clear();
      flush_failure_ = flushed;
      // Nothing is committed: the engine rolls back a failed transaction on
      // COMMIT, and one that did not fail is rolled back when it is destroyed.
      return flushed;
    }
  }
  deferred_.clear();
  savepoint_marks_.clear();
  return CommitNow();
}

absl::Status Transaction::Savepoint(const std::string& name) {
  absl::Status status = SavepointNow(name);
  if (!status.ok()) return status;
  SavepointMarks& added = savepoint_marks_.emplace_back();
  added.name = name;
  for (const auto& [kind, work] : deferred_) added.marks.push_back(work->Mark());
  return absl::OkStatus();
}

absl::Status Transaction::RollbackToSavepoint(const std::string& name) {
  absl::Status status = RollbackToSavepointNow(name);
  if (!status.ok()) return status;
  // The engine found it, so it is here too: the innermost of that name.
  size_t index = savepoint_marks_.size();
  while (index > 0 && savepoint_marks_[index - 1].name != name) --index;
  if (index == 0) return absl::InternalError("savepoint marks out of step with the engine");
  const SavepointMarks& kept = savepoint_marks_[index - 1];
  for (size_t i = 0; i < deferred_.size(); ++i) {
    deferred_[i].second->Truncate(i < kept.marks.size() ? kept.marks[i] : 0);
  }
  savepoint_marks_.resize(index);
  return absl::OkStatus();
}

absl::Status Transaction::ReleaseSavepoint(const std::string& name) {
  absl::Status status = ReleaseSavepointNow(name);
  if (!status.ok()) return status;
  size_t index = savepoint_marks_.size();
  while (index > 0 && savepoint_marks_[index - 1].name != name) --index;
  if (index > 0) savepoint_marks_.resize(index - 1);
  return absl::OkStatus();
}

std::string Placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

absl::StatusOr<int64_t> InsertReturningId(Transaction& tx, std::string_view sql,
                                          const std::vector<Value>& params, std::string_view what) {
  absl::StatusOr<Rows> rows = tx.Query(sql, params);
  if (!rows.ok()) return rows.status();
  if (rows->size() != 1) {
    return absl::InternalError(absl::StrCat(ToAbsl(what), " insert returned no id"));
  }
  return (*rows)[0].Int(0);
}

std::string ApplyDialect(std::string_view sql, Engine engine) {
  if (engine == Engine::kSqlite) {
    return absl::StrReplaceAll(ToAbsl(sql), {{"{{SERIAL_PK}}", "INTEGER PRIMARY KEY AUTOINCREMENT"},
                                             {"{{BLOB}}", "BLOB"}});
  }
  return absl::StrReplaceAll(ToAbsl(sql),
                             {{"{{SERIAL_PK}}", "BIGSERIAL PRIMARY KEY"}, {"{{BLOB}}", "BYTEA"}});
}

absl::Status RunInTransaction(Database& db, TxMode mode,
                              const std::function<absl::Status(Transaction&)>& fn, int attempts) {
  if (attempts < 1) attempts = 1;
  absl::Status status;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    if (attempt > 1) {
      // A short, growing pause lets the transaction we collided with finish.
      std::this_thread::sleep_for(std::chrono::milliseconds(5 * (attempt - 1)));
    }
    absl::StatusOr<std::unique_ptr<Transaction>> tx = db.Begin(mode);
    if (!tx.ok()) {
      status = tx.status();
    } else {
      status = fn(**tx);
      if (status.ok()) status = (*tx)->Commit();
      // Destroying an uncommitted transaction rolls it back and frees the
      // connection before we sleep or return.
      tx->reset();
    }
    if (status.ok() || !absl::IsAborted(status)) return status;
  }
  return status;
}

StatementStats StatementStatsOf(const Database& db) {
  const auto* engine = dynamic_cast<const internal::EngineDatabase*>(&db);
  return engine != nullptr ? engine->statement_stats() : StatementStats();
}

PoolStats PoolStatsOf(const Database& db) {
  const auto* engine = dynamic_cast<const internal::EngineDatabase*>(&db);
  return engine != nullptr ? engine->pool_stats() : PoolStats();
}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const std::string& url,
                                                         const OpenOptions& options) {
  if (options.max_connections < 1) {
    return absl::InvalidArgumentError("max_connections must be at least 1");
  }
  if (url == kSqliteMemoryUrl) {
    return internal::OpenSqlite("", /*in_memory=*/true, options);
  }
  if (absl::StartsWith(url, ToAbsl(kSqlitePrefix))) {
    // "sqlite:///abs/path" keeps its leading slash; "sqlite://rel/path" is relative.
    std::string path = url.substr(kSqlitePrefix.size());
    if (path.empty() || path.back() == '/') {
      return absl::InvalidArgumentError("database_url sqlite:// must name a database file");
    }
    return internal::OpenSqlite(path, /*in_memory=*/false, options);
  }
  if (absl::StartsWith(url, "postgresql://") || absl::StartsWith(url, "postgres://")) {
    return internal::OpenPostgres(url, options);
  }
  // The URL itself is not echoed: it may carry a password.
  return absl::InvalidArgumentError(
      "database_url must start with sqlite:// or postgresql:// (or be sqlite::memory:)");
}

namespace internal {

std::string SqlExcerpt(std::string_view sql) {
  std::string out;
  bool pending_space = false;
  for (char c : absl::StripAsciiWhitespace(ToAbsl(sql))) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      pending_space = true;
      continue;
    }
    if (out.size() >= kSqlExcerptChars) {
      out += "...";
      return out;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

StatementKind ClassifyStatement(std::string_view sql) {
  size_t i = 0;
  for (;;) {  // skip whitespace and comments
    while (i < sql.size() && absl::ascii_isspace(static_cast<unsigned char>(sql[i]))) ++i;
    if (sql.substr(i, 2) == "--") {
      const size_t end = sql.find('\n', i);
      i = end == std::string_view::npos ? sql.size() : end + 1;
    } else if (sql.substr(i, 2) == "/*") {
      const size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else {
      break;
    }
  }
  size_t end = i;
  while (end < sql.size() && absl::ascii_isalpha(static_cast<unsigned char>(sql[end]))) ++end;
  const absl::string_view keyword = ToAbsl(sql.substr(i, end - i));
  auto is = [keyword](absl::string_view word) { return absl::EqualsIgnoreCase(keyword, word); };
  if (is("SELECT") || is("INSERT") || is("UPDATE") || is("DELETE") || is("WITH") || is("VALUES")) {
    return StatementKind::kCacheable;
  }
  if (is("CREATE") || is("ALTER") || is("DROP") || is("TRUNCATE") || is("COMMENT") ||
      is("REINDEX")) {
    return StatementKind::kSchema;
  }
  return StatementKind::kOther;
}

absl::Status ValidateMigrations(std::string_view component,
                                const std::vector<Migration>& migrations) {
  if (component.empty()) {
    return absl::InvalidArgumentError("migration component must not be empty");
  }
  for (char c : component) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) {
      return absl::InvalidArgumentError(
          absl::StrCat("migration component '", ToAbsl(component), "' must match [a-z_]+"));
    }
  }
  int previous = 0;
  for (const Migration& m : migrations) {
    if (m.version <= previous) {
      return absl::InvalidArgumentError(
          absl::StrCat("migrations of '", ToAbsl(component),
                       "' must have positive, strictly increasing versions (", m.version, " after ",
                       previous, ")"));
    }
    previous = m.version;
  }
  return absl::OkStatus();
}

std::string MigrationsTable(std::string_view component) {
  return absl::StrCat("schema_migrations_", ToAbsl(component));
}

absl::Status SavepointStack::ValidateName(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 63 &&
            !absl::ascii_isdigit(static_cast<unsigned char>(name[0]));
  for (char c : name) ok = ok && (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (!ok) {
    return absl::InvalidArgumentError(
        "savepoint name must be an identifier: [A-Za-z_][A-Za-z0-9_]*, at most 63 characters");
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> SavepointStack::Find(const std::string& name) const {
  for (size_t i = names_.size(); i > 0; --i) {
    if (names_[i - 1] == name) return i - 1;
  }
  return absl::FailedPreconditionError(absl::StrCat("no open savepoint named ", name));
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace internal
}  // namespace cercles::storage
