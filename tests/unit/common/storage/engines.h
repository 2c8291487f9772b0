// A test fixture that runs the same test on every storage engine: SQLite in
// memory, SQLite on a file, and PostgreSQL when CERCLES_TEST_POSTGRES_URL names a
// server where the test may create databases (a fresh one per test, dropped
// afterwards; skipped when the variable is unset).
#ifndef CERCLES_TESTS_UNIT_COMMON_STORAGE_ENGINES_H_
#define CERCLES_TESTS_UNIT_COMMON_STORAGE_ENGINES_H_

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/storage/database.h"
#include "gtest/gtest.h"
#include "tests/support/servers.h"

namespace cercles::storage::testing {

enum class Backend { kSqliteMemory, kSqliteFile, kPostgres };

inline std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  switch (info.param) {
    case Backend::kSqliteMemory:
      return "SqliteMemory";
    case Backend::kSqliteFile:
      return "SqliteFile";
    case Backend::kPostgres:
      return "Postgres";
  }
  return "Unknown";
}

inline auto AllBackends() {
  return ::testing::Values(Backend::kSqliteMemory, Backend::kSqliteFile, Backend::kPostgres);
}

inline ::testing::AssertionResult IsOk(const absl::Status& status) {
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << status;
}
template <typename T>
::testing::AssertionResult IsOk(const absl::StatusOr<T>& status_or) {
  return IsOk(status_or.status());
}

// Derived fixtures call EngineTest::SetUp() first and return when
// IsSkipped() or HasFatalFailure().
class EngineTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    switch (GetParam()) {
      case Backend::kSqliteMemory:
        url_ = "sqlite::memory:";
        break;
      case Backend::kSqliteFile: {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "cercles_engine_test_XXXXXX").string();
        ASSERT_NE(mkdtemp(pattern.data()), nullptr);
        temp_dir_ = pattern;
        url_ = "sqlite://" + temp_dir_ + "/test.db";
        break;
      }
      case Backend::kPostgres: {
        admin_url_ = cercles::testing::PostgresBaseUrlFromEnv();
        if (admin_url_.empty()) {
          GTEST_SKIP() << "CERCLES_TEST_POSTGRES_URL is not set; skipping PostgreSQL";
        }
        absl::StatusOr<std::string> created =
            cercles::testing::CreatePostgresDatabase(admin_url_, "cercles_engine_test");
        ASSERT_TRUE(IsOk(created));
        url_ = *created;
        break;
      }
    }
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(url_);
    ASSERT_TRUE(IsOk(db));
    db_ = std::move(*db);
  }

  void TearDown() override {
    db_.reset();  // its connections must be closed before the database is dropped
    if (GetParam() == Backend::kPostgres && !url_.empty()) {
      cercles::testing::DropPostgresDatabase(admin_url_, url_);
    }
    if (!temp_dir_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(temp_dir_, ignored);
    }
  }

  Database& db() { return *db_; }
  Engine engine() const {
    return GetParam() == Backend::kPostgres ? Engine::kPostgres : Engine::kSqlite;
  }

  absl::Status Write(std::string_view sql, const std::vector<Value>& params = {}) {
    return RunInTransaction(db(), TxMode::kWrite,
                            [&](Transaction& tx) { return tx.Exec(sql, params).status(); });
  }

  // Reads one integer (a COUNT...) in a read transaction: what is committed.
  int64_t ReadInt(std::string_view sql, const std::vector<Value>& params = {}) {
    absl::StatusOr<std::unique_ptr<Transaction>> tx = db().Begin(TxMode::kRead);
    EXPECT_TRUE(IsOk(tx));
    if (!tx.ok()) return -1;
    absl::StatusOr<Rows> rows = (*tx)->Query(sql, params);
    EXPECT_TRUE(IsOk(rows)) << sql;
    if (!rows.ok() || rows->size() != 1) return -1;
    return (*rows)[0].Int(0);
  }

  std::string url_;

 private:
  std::string admin_url_;
  std::string temp_dir_;
  std::unique_ptr<Database> db_;
};

}  // namespace cercles::storage::testing

#endif  // CERCLES_TESTS_UNIT_COMMON_STORAGE_ENGINES_H_
