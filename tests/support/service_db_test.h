// A service's migrated database per test on each engine, for unit tests of its
// stores: SQLite in memory, and PostgreSQL when CERCLES_TEST_POSTGRES_URL names a
// server where the test may create databases (a fresh one per test, dropped
// afterwards; skipped when the variable is unset). A service's fixture derives
// from it and says how to migrate:
//
//   class LendingDbTest : public testing::ServiceDbTest {
//    protected:
//     LendingDbTest() : ServiceDbTest("lending_loans", MigrateLending) {}
//   };
#ifndef CERCLES_TESTS_SUPPORT_SERVICE_DB_TEST_H_
#define CERCLES_TESTS_SUPPORT_SERVICE_DB_TEST_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "common/storage/database.h"
#include "gtest/gtest.h"
#include "tests/support/servers.h"

namespace cercles::testing {

enum class DbEngine { kSqlite, kPostgres };

inline std::string DbEngineName(const ::testing::TestParamInfo<DbEngine>& info) {
  return info.param == DbEngine::kSqlite ? "Sqlite" : "Postgres";
}

class ServiceDbTest : public ::testing::TestWithParam<DbEngine> {
 protected:
  using Migrate = std::function<absl::Status(storage::Database&)>;

  // `database_prefix` names the PostgreSQL databases the tests create.
  ServiceDbTest(std::string database_prefix, Migrate migrate)
      : prefix_(std::move(database_prefix)), migrate_(std::move(migrate)) {}

  void SetUp() override {
    std::string url = "sqlite::memory:";
    if (GetParam() == DbEngine::kPostgres) {
      base_url_ = PostgresBaseUrlFromEnv();
      if (base_url_.empty()) {
        GTEST_SKIP() << "CERCLES_TEST_POSTGRES_URL is not set; skipping the PostgreSQL instance";
      }
      auto created = CreatePostgresDatabase(base_url_, prefix_);
      ASSERT_TRUE(created.ok()) << created.status();
      url = pg_url_ = *created;
    }
    auto db = storage::Database::Open(url);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    const absl::Status migrated = migrate_(*db_);
    ASSERT_TRUE(migrated.ok()) << migrated;
  }

  void TearDown() override {
    db_.reset();
    if (!pg_url_.empty()) DropPostgresDatabase(base_url_, pg_url_);
  }

  absl::Status Write(const std::function<absl::Status(storage::Transaction&)>& fn) {
    return storage::RunInTransaction(*db_, storage::TxMode::kWrite, fn);
  }
  absl::Status Read(const std::function<absl::Status(storage::Transaction&)>& fn) {
    return storage::RunInTransaction(*db_, storage::TxMode::kRead, fn);
  }

  std::unique_ptr<storage::Database> db_;

 private:
  const std::string prefix_;
  const Migrate migrate_;
  std::string base_url_;
  std::string pg_url_;
};

}  // namespace cercles::testing

#endif  // CERCLES_TESTS_SUPPORT_SERVICE_DB_TEST_H_
