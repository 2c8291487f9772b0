// The schema against the binary's migrations (common/storage/schema.h): a
// newer schema refused with both versions named, the check that applies
// nothing (--wait_for_schema), and SQLite's online backup (--backup_to).
#include "common/storage/schema.h"

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/common/storage/engines.h"

namespace cercles::storage::testing {
namespace {

using ::testing::HasSubstr;

std::vector<Migration> Widgets(int versions) {
  std::vector<Migration> migrations = {
      {1, "create", "CREATE TABLE widgets (id BIGINT PRIMARY KEY, name TEXT)"},
      {2, "colour", "ALTER TABLE widgets ADD COLUMN colour TEXT"},
      {3, "size", "ALTER TABLE widgets ADD COLUMN size BIGINT"}};
  migrations.resize(versions);
  return migrations;
}

auto MigrateWidgets(int versions) {
  return [versions](Database& db) { return db.Migrate("widgets", Widgets(versions)); };
}

class SchemaTest : public EngineTest {};

TEST_P(SchemaTest, CheckAppliesNothingAndNamesBothVersions) {
  absl::Status pending = CheckSchema(db(), MigrateWidgets(2));
  EXPECT_TRUE(absl::IsUnavailable(pending)) << pending;
  EXPECT_THAT(std::string(pending.message()),
              HasSubstr("schema widgets is at version 0, this binary needs version 2"));
  absl::StatusOr<std::vector<int64_t>> applied = AppliedMigrations(db(), "widgets");
  ASSERT_TRUE(IsOk(applied));
  EXPECT_TRUE(applied->empty());

  ASSERT_TRUE(IsOk(db().Migrate("widgets", Widgets(1))));
  pending = CheckSchema(db(), MigrateWidgets(2));
  EXPECT_TRUE(absl::IsUnavailable(pending)) << pending;
  EXPECT_THAT(std::string(pending.message()),
              HasSubstr("at version 1, this binary needs version 2"));

  ASSERT_TRUE(IsOk(db().Migrate("widgets", Widgets(2))));
  EXPECT_TRUE(IsOk(CheckSchema(db(), MigrateWidgets(2))));
  applied = AppliedMigrations(db(), "widgets");
  ASSERT_TRUE(IsOk(applied));
  EXPECT_EQ(*applied, (std::vector<int64_t>{1, 2}));
}

TEST_P(SchemaTest, NewerSchemaIsRefusedWithBothVersions) {
  ASSERT_TRUE(IsOk(db().Migrate("widgets", Widgets(3))));
  for (const absl::Status& refused :
       {db().Migrate("widgets", Widgets(2)), CheckSchema(db(), MigrateWidgets(2))}) {
    EXPECT_TRUE(absl::IsFailedPrecondition(refused)) << refused;
    EXPECT_THAT(std::string(refused.message()),
                HasSubstr("schema widgets is at version 3, newer than this binary knows "
                          "(version 2)"));
  }
  // The binary that knows every version goes on as before.
  EXPECT_TRUE(IsOk(db().Migrate("widgets", Widgets(3))));
}

TEST_P(SchemaTest, BackupIsAConsistentCopyOfSqliteFiles) {
  ASSERT_TRUE(IsOk(db().Migrate("widgets", Widgets(1))));
  ASSERT_TRUE(IsOk(Write("INSERT INTO widgets (id, name) VALUES (1, 'one'), (2, 'two')")));
  const std::string dir =
      (std::filesystem::temp_directory_path() / absl::StrCat("cercles_backup_", getpid())).string();
  const std::string copy = dir + "/nested/widgets.db";
  absl::Status backed_up = BackupSqlite(url_, copy);
  if (GetParam() != Backend::kSqliteFile) {
    EXPECT_TRUE(absl::IsInvalidArgument(backed_up)) << backed_up;
    EXPECT_FALSE(std::filesystem::exists(copy));
    return;
  }
  ASSERT_TRUE(IsOk(backed_up));
  EXPECT_FALSE(std::filesystem::exists(copy + ".partial"));
  ASSERT_TRUE(IsOk(Write("INSERT INTO widgets (id, name) VALUES (3, 'after')")));
  {
    absl::StatusOr<std::unique_ptr<Database>> restored = Database::Open("sqlite://" + copy);
    ASSERT_TRUE(IsOk(restored));
    absl::StatusOr<std::unique_ptr<Transaction>> tx = (*restored)->Begin(TxMode::kRead);
    ASSERT_TRUE(IsOk(tx));
    absl::StatusOr<Rows> rows = (*tx)->Query("SELECT name FROM widgets ORDER BY id");
    ASSERT_TRUE(IsOk(rows));
    ASSERT_EQ(rows->size(), 2u);
    EXPECT_EQ((*rows)[1].Text(0), "two");
    EXPECT_TRUE(IsOk(CheckSchema(**restored, MigrateWidgets(1))));
  }
  EXPECT_TRUE(absl::IsUnavailable(BackupSqlite("sqlite://" + dir + "/missing.db", dir + "/m.db")));
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Engines, SchemaTest, AllBackends(), BackendName);

}  // namespace
}  // namespace cercles::storage::testing
