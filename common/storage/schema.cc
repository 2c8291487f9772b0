#include "common/storage/schema.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/storage/storage_internal.h"

namespace cercles::storage {
namespace {

using internal::ToAbsl;

int64_t NewestKnown(const std::vector<Migration>& known) {
  return known.empty() ? 0 : known.back().version;
}

// A Database whose Migrate() compares instead of applying; everything else
// goes to the real one (CheckSchema only lives for one call).
class SchemaCheckView : public Database {
 public:
  explicit SchemaCheckView(Database& db) : db_(db) {}

  absl::StatusOr<std::unique_ptr<Transaction>> Begin(TxMode mode) override {
    return db_.Begin(mode);
  }
  Engine engine() const override { return db_.engine(); }
  std::string Describe() const override { return db_.Describe(); }
  absl::Status ReclaimDeleted(const std::vector<std::string>& tables) override {
    return db_.ReclaimDeleted(tables);
  }

  absl::Status Migrate(std::string_view component,
                       const std::vector<Migration>& migrations) override {
    if (absl::Status valid = internal::ValidateMigrations(component, migrations); !valid.ok()) {
      return valid;
    }
    absl::StatusOr<std::vector<int64_t>> applied = AppliedMigrations(db_, component);
    if (!applied.ok()) return applied.status();
    const int64_t newest = applied->empty() ? 0 : applied->back();
    if (absl::Status newer = RefuseNewerSchema(component, migrations, newest); !newer.ok()) {
      return newer;
    }
    for (const Migration& migration : migrations) {
      if (!std::binary_search(applied->begin(), applied->end(), int64_t{migration.version})) {
        return absl::UnavailableError(absl::StrCat(
            "schema ", ToAbsl(component), " is at version ", newest, ", this binary needs version ",
            NewestKnown(migrations), " (migration ", migration.version, " ", migration.name,
            " is not applied): waiting for the migrate job (--migrate_only)"));
      }
    }
    return absl::OkStatus();
  }

 private:
  Database& db_;
};

}  // namespace

absl::StatusOr<std::vector<int64_t>> AppliedMigrations(Database& db, std::string_view component) {
  const std::string table = internal::MigrationsTable(component);
  absl::StatusOr<std::unique_ptr<Transaction>> tx = db.Begin(TxMode::kRead);
  if (!tx.ok()) return tx.status();
  const char* exists_sql =
      db.engine() == Engine::kSqlite
          ? "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
          : "SELECT 1 FROM pg_catalog.pg_tables WHERE tablename = ? AND schemaname = "
            "current_schema()";
  absl::StatusOr<Rows> exists = (*tx)->Query(exists_sql, {table});
  if (!exists.ok()) return exists.status();
  std::vector<int64_t> versions;
  if (!exists->empty()) {
    absl::StatusOr<Rows> rows =
        (*tx)->Query(absl::StrCat("SELECT version FROM ", table, " ORDER BY version"));
    if (!rows.ok()) return rows.status();
    for (const Row& row : *rows) versions.push_back(row.Int(0));
  }
  if (absl::Status done = (*tx)->Commit(); !done.ok()) return done;
  return versions;
}

absl::Status RefuseNewerSchema(std::string_view component, const std::vector<Migration>& known,
                               int64_t newest_applied) {
  if (newest_applied <= NewestKnown(known)) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "the database's schema ", ToAbsl(component), " is at version ", newest_applied,
      ", newer than this binary knows (version ", NewestKnown(known),
      "): run the release that migrated it (or a newer one), or restore the backup taken "
      "before the upgrade"));
}

absl::Status CheckSchema(Database& db, const std::function<absl::Status(Database&)>& migrate) {
  SchemaCheckView view(db);
  return migrate(view);
}

absl::Status BackupSqlite(const std::string& database_url, const std::string& destination) {
  constexpr std::string_view kPrefix = "sqlite://";
  if (!absl::StartsWith(database_url, ToAbsl(kPrefix)) || database_url == "sqlite::memory:") {
    return absl::InvalidArgumentError(
        "--backup_to copies a SQLite database file (sqlite://...); back up PostgreSQL with "
        "pg_dump");
  }
  const std::string source = database_url.substr(kPrefix.size());
  if (destination.empty()) return absl::InvalidArgumentError("--backup_to needs a file path");
  std::error_code error;
  const std::filesystem::path parent = std::filesystem::path(destination).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("backup: cannot create ", parent.string(), ": ", error.message()));
  }
  const std::string partial = destination + ".partial";
  std::filesystem::remove(partial, error);

  auto close = [](sqlite3* db) { sqlite3_close_v2(db); };
  sqlite3* raw = nullptr;
  // Read-only, and never created: a missing database is an error, not an empty backup.
  int rc = sqlite3_open_v2(source.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, decltype(close)> from(raw, close);
  if (rc != SQLITE_OK) {
    return absl::UnavailableError(absl::StrCat("backup: cannot open ", source, ": ",
                                               raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(from.get(), 5000);
  raw = nullptr;
  rc = sqlite3_open_v2(partial.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  std::unique_ptr<sqlite3, decltype(close)> to(raw, close);
  if (rc != SQLITE_OK) {
    return absl::UnavailableError(absl::StrCat("backup: cannot create ", partial, ": ",
                                               raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_backup* backup = sqlite3_backup_init(to.get(), "main", from.get(), "main");
  if (backup == nullptr) {
    return absl::InternalError(absl::StrCat("backup: ", sqlite3_errmsg(to.get())));
  }
  // All pages in one step: a consistent snapshot (WAL: writers go on meanwhile).
  do {
    rc = sqlite3_backup_step(backup, -1);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(50);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    return absl::InternalError(absl::StrCat("backup of ", source, " failed: ", sqlite3_errstr(rc)));
  }
  std::string integrity;
  auto collect = [](void* out, int, char** values, char**) {
    *static_cast<std::string*>(out) += values[0] != nullptr ? values[0] : "";
    return 0;
  };
  rc = sqlite3_exec(to.get(), "PRAGMA integrity_check", collect, &integrity, nullptr);
  to.reset();
  if (rc != SQLITE_OK || integrity != "ok") {
    return absl::DataLossError(
        absl::StrCat("backup: the copy of ", source, " fails its integrity check: ", integrity));
  }
  std::filesystem::rename(partial, destination, error);
  if (error) {
    return absl::UnavailableError(absl::StrCat("backup: cannot rename ", partial, " to ",
                                               destination, ": ", error.message()));
  }
  return absl::OkStatus();
}

}  // namespace cercles::storage
