// A database's schema against the migrations a binary knows: the check every
// Migrate() makes (a schema newer than the binary is refused, naming both
// versions), and a check that applies nothing, for processes that wait for a
// migrate job (--wait_for_schema) instead of migrating themselves.
#ifndef CERCLES_COMMON_STORAGE_SCHEMA_H_
#define CERCLES_COMMON_STORAGE_SCHEMA_H_

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/storage/database.h"

namespace cercles::storage {

// The versions of `component` recorded in db (table schema_migrations_<component>),
// in order; none when the table does not exist yet.
absl::StatusOr<std::vector<int64_t>> AppliedMigrations(Database& db, std::string_view component);

// FAILED_PRECONDITION when the database records a migration of `component`
// newer than the last one of `known` ("... at version 7, newer than this
// binary knows (version 5) ..."): an older binary would run on a schema it was
// not written for. OK otherwise.
absl::Status RefuseNewerSchema(std::string_view component, const std::vector<Migration>& known,
                               int64_t newest_applied);

// Runs `migrate` (a service's function calling db.Migrate for each of its
// components) against a view of db that applies nothing. OK when every
// component is exactly at the binary's version; UNAVAILABLE naming the first
// one behind (its version and the binary's) while migrations are pending;
// FAILED_PRECONDITION when one is newer (RefuseNewerSchema).
absl::Status CheckSchema(Database& db, const std::function<absl::Status(Database&)>& migrate);

// A consistent copy of a SQLite database (SQLite's online backup API: the
// service may keep serving and writing meanwhile) at `destination`, written to
// a temporary file beside it, checked (PRAGMA integrity_check) and renamed, so
// that a file at `destination` is always a whole backup. database_url is a
// "sqlite://" URL; anything else is INVALID_ARGUMENT (PostgreSQL: pg_dump).
absl::Status BackupSqlite(const std::string& database_url, const std::string& destination);

}  // namespace cercles::storage

#endif  // CERCLES_COMMON_STORAGE_SCHEMA_H_
