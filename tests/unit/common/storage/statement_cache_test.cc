// Both engines keep statements prepared per connection (SQLite's statement
// cache, PostgreSQL's prepared statements): what runs through them must behave
// exactly as freshly parsed SQL, whatever happened to the connection before.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/storage/database.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "tests/unit/common/storage/engines.h"

namespace cercles::storage {
namespace {

using ::cercles::testing::StatusIs;
using testing::IsOk;

class StatementCacheTest : public testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // One connection: every statement below reuses what the previous ones left.
    OpenOptions options;
    options.max_connections = 1;
    absl::StatusOr<std::unique_ptr<Database>> single = Database::Open(url_, options);
    ASSERT_TRUE(IsOk(single));
    single_ = std::move(*single);
    ASSERT_TRUE(IsOk(single_->Migrate(
        "test", {{1, "items", "CREATE TABLE items (id BIGINT PRIMARY KEY, s TEXT NOT NULL)"}})));
  }

  void TearDown() override {
    single_.reset();
    EngineTest::TearDown();
  }

  absl::Status Insert(int64_t id) {
    return RunInTransaction(*single_, TxMode::kWrite, [&](Transaction& tx) {
      return tx.Exec("INSERT INTO items (id, s) VALUES (?, ?)", {id, std::to_string(id)}).status();
    });
  }

  std::unique_ptr<Database> single_;
};

INSTANTIATE_TEST_SUITE_P(Engines, StatementCacheTest, testing::AllBackends(), testing::BackendName);

TEST_P(StatementCacheTest, StatementsPreparedInARolledBackTransactionStillWork) {
  {
    absl::StatusOr<std::unique_ptr<Transaction>> tx = single_->Begin(TxMode::kWrite);
    ASSERT_TRUE(IsOk(tx));
    ASSERT_TRUE(IsOk((*tx)->Exec("INSERT INTO items (id, s) VALUES (?, ?)", {int64_t{1}, "a"})));
  }  // rolled back
  ASSERT_TRUE(IsOk(Insert(1)));
  ASSERT_TRUE(IsOk(Insert(2)));
  EXPECT_THAT(Insert(2), StatusIs(absl::StatusCode::kAlreadyExists));
  ASSERT_TRUE(IsOk(Insert(3)));  // the failure left the statement usable
  absl::StatusOr<std::unique_ptr<Transaction>> read = single_->Begin(TxMode::kRead);
  ASSERT_TRUE(IsOk(read));
  absl::StatusOr<Rows> rows = (*read)->Query("SELECT COUNT(*) FROM items");
  ASSERT_TRUE(IsOk(rows));
  EXPECT_EQ((*rows)[0].Int(0), 3);
}

TEST_P(StatementCacheTest, ManyDistinctStatementsKeepWorking) {
  // More distinct statements than any cache keeps (IN lists of every length).
  for (int n = 1; n <= 300; ++n) {
    std::string sql = "SELECT COUNT(*) FROM items WHERE id IN (?";
    std::vector<Value> params = {int64_t{0}};
    for (int i = 1; i < n; ++i) {
      sql += ", ?";
      params.emplace_back(int64_t{i});
    }
    sql += ")";
    ASSERT_TRUE(IsOk(RunInTransaction(*single_, TxMode::kRead, [&](Transaction& tx) {
      return tx.Query(sql, params).status();
    }))) << n;
  }
  ASSERT_TRUE(IsOk(Insert(7)));
}

TEST_P(StatementCacheTest, ATableChangedUnderAStatementIsRetriedNotBroken) {
  auto select_all = [&]() -> absl::StatusOr<size_t> {
    size_t columns = 0;
    absl::Status status = RunInTransaction(*single_, TxMode::kRead, [&](Transaction& tx) {
      absl::StatusOr<Rows> rows = tx.Query("SELECT * FROM items WHERE id = ?", {int64_t{5}});
      if (!rows.ok()) return rows.status();
      columns = rows->empty() ? 0 : (*rows)[0].size();
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    return columns;
  };
  ASSERT_TRUE(IsOk(Insert(5)));
  absl::StatusOr<size_t> before = select_all();
  ASSERT_TRUE(IsOk(before));
  EXPECT_EQ(*before, 2u);
  // Another process's migration, on another connection (an in-memory
  // database has only this object's).
  Database& migrator = GetParam() == testing::Backend::kSqliteMemory ? *single_ : db();
  ASSERT_TRUE(IsOk(RunInTransaction(migrator, TxMode::kWrite, [](Transaction& tx) {
    return tx.Exec("ALTER TABLE items ADD COLUMN note TEXT").status();
  })));
  absl::StatusOr<size_t> after = select_all();
  ASSERT_TRUE(IsOk(after));
  EXPECT_EQ(*after, 3u);
}

}  // namespace
}  // namespace cercles::storage
