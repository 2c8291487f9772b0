// Both engines keep statements prepared per connection (SQLite's statement
// cache, PostgreSQL's prepared statements): what runs through them must behave
// exactly as freshly parsed SQL, whatever happened to the connection before, and
// a statement run again on a connection is not parsed again (StatementStatsOf).
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/storage/database.h"
#include "common/storage/statement_stats.h"
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
    // Each kind of transaction once, committed and rolled back, so that the
    // engine's own statements (BEGIN, COMMIT, ROLLBACK, SQLite's PRAGMA
    // query_only) are prepared before a test counts what its statements prepare.
    {
      absl::StatusOr<std::unique_ptr<Transaction>> rolled_back = single_->Begin(TxMode::kWrite);
      ASSERT_TRUE(IsOk(rolled_back));
      ASSERT_TRUE(IsOk((*rolled_back)->Query("SELECT 1")));
    }
    for (TxMode mode : {TxMode::kRead, TxMode::kWrite, TxMode::kRead}) {
      ASSERT_TRUE(IsOk(RunInTransaction(
          *single_, mode, [](Transaction& tx) { return tx.Query("SELECT 1").status(); })));
    }
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

  // Runs `sql` in a read transaction of its own on the single connection and
  // returns its first column's integers.
  absl::StatusOr<std::vector<int64_t>> QueryInts(const std::string& sql,
                                                 const std::vector<Value>& params = {}) {
    std::vector<int64_t> out;
    absl::Status status = RunInTransaction(*single_, TxMode::kRead, [&](Transaction& tx) {
      out.clear();
      absl::StatusOr<Rows> rows = tx.Query(sql, params);
      if (!rows.ok()) return rows.status();
      for (const Row& row : *rows) out.push_back(row.Int(0));
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    return out;
  }

  // The prepared count's growth while `fn` runs.
  template <typename Fn>
  int64_t PreparedBy(Fn fn) {
    const int64_t before = StatementStatsOf(*single_).prepared;
    fn();
    return StatementStatsOf(*single_).prepared - before;
  }

  std::unique_ptr<Database> single_;
};

using Ints = std::vector<int64_t>;

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

TEST_P(StatementCacheTest, TheSecondRunOfAStatementIsACacheHit) {
  for (int64_t id : {1, 2, 3}) ASSERT_TRUE(IsOk(Insert(id)));
  const std::string sql = "SELECT id FROM items WHERE id >= ? ORDER BY id";
  EXPECT_EQ(PreparedBy([&] { EXPECT_EQ(*QueryInts(sql, {int64_t{2}}), (Ints{2, 3})); }), 1);
  const StatementStats before = StatementStatsOf(*single_);
  // Other parameters, the same statement: not parsed again, and the answer is
  // the one for the new parameters.
  EXPECT_EQ(*QueryInts(sql, {int64_t{3}}), (Ints{3}));
  EXPECT_EQ(*QueryInts(sql, {int64_t{1}}), (Ints{1, 2, 3}));
  const StatementStats after = StatementStatsOf(*single_);
  EXPECT_EQ(after.prepared, before.prepared);
  EXPECT_GE(after.reused, before.reused + 2);
  // Inserts too, with their own values each time.
  EXPECT_EQ(PreparedBy([&] { ASSERT_TRUE(IsOk(Insert(4))); }), 0);
  EXPECT_EQ(*QueryInts("SELECT COUNT(*) FROM items"), (Ints{4}));
}

TEST_P(StatementCacheTest, AFailedRunLeavesTheStatementCachedAndCorrect) {
  ASSERT_TRUE(IsOk(Insert(1)));
  EXPECT_EQ(PreparedBy([&] {
              EXPECT_THAT(Insert(1), StatusIs(absl::StatusCode::kAlreadyExists));
              ASSERT_TRUE(IsOk(Insert(2)));
            }),
            0);
  // A statement that fails at run time (a division by zero on PostgreSQL,
  // a NULL on SQLite) in the middle of a transaction, then the same one with
  // parameters that work.
  const std::string sql = "SELECT 10 / ? FROM items WHERE id = ?";
  if (engine() == Engine::kPostgres) {
    EXPECT_FALSE(QueryInts(sql, {int64_t{0}, int64_t{1}}).ok());
  } else {
    EXPECT_EQ(*QueryInts(sql, {int64_t{0}, int64_t{1}}), (Ints{0}));  // NULL reads as 0
  }
  EXPECT_EQ(PreparedBy([&] {
              EXPECT_EQ(*QueryInts(sql, {int64_t{5}, int64_t{2}}), (Ints{2}));
            }),
            0);
}

TEST_P(StatementCacheTest, ARolledBackTransactionLeavesItsStatementsCachedAndCorrect) {
  const std::string count = "SELECT COUNT(*) FROM items WHERE id < ?";
  {
    absl::StatusOr<std::unique_ptr<Transaction>> tx = single_->Begin(TxMode::kWrite);
    ASSERT_TRUE(IsOk(tx));
    ASSERT_TRUE(IsOk((*tx)->Exec("INSERT INTO items (id, s) VALUES (?, ?)", {int64_t{1}, "a"})));
    absl::StatusOr<Rows> rows = (*tx)->Query(count, {int64_t{10}});
    ASSERT_TRUE(IsOk(rows));
    EXPECT_EQ((*rows)[0].Int(0), 1);
  }  // rolled back
  EXPECT_EQ(PreparedBy([&] {
              EXPECT_EQ(*QueryInts(count, {int64_t{10}}), (Ints{0}));
              ASSERT_TRUE(IsOk(Insert(1)));
              EXPECT_EQ(*QueryInts(count, {int64_t{10}}), (Ints{1}));
            }),
            0);
}

TEST_P(StatementCacheTest, ASchemaChangeOnTheSameConnectionIsSeenByCachedStatements) {
  ASSERT_TRUE(IsOk(Insert(1)));
  const std::string select_all = "SELECT * FROM items WHERE id = ?";
  auto columns = [&](Transaction& tx) -> size_t {
    absl::StatusOr<Rows> rows = tx.Query(select_all, {int64_t{1}});
    EXPECT_TRUE(IsOk(rows));
    return rows.ok() && !rows->empty() ? (*rows)[0].size() : 0;
  };
  absl::StatusOr<std::unique_ptr<Transaction>> tx = single_->Begin(TxMode::kWrite);
  ASSERT_TRUE(IsOk(tx));
  EXPECT_EQ(columns(**tx), 2u);
  // DDL is not cached, and later in the same transaction the cached SELECT *
  // returns the new column.
  const int64_t uncached = StatementStatsOf(*single_).uncached;
  ASSERT_TRUE(IsOk((*tx)->Exec("ALTER TABLE items ADD COLUMN note TEXT")));
  EXPECT_EQ(StatementStatsOf(*single_).uncached, uncached + 1);
  EXPECT_EQ(columns(**tx), 3u);
  ASSERT_TRUE(IsOk((*tx)->Commit()));
  // A migration, then a new transaction on the same connection.
  ASSERT_TRUE(IsOk(single_->Migrate(
      "test", {{1, "items", "CREATE TABLE items (id BIGINT PRIMARY KEY, s TEXT NOT NULL)"},
               {2, "rank", "ALTER TABLE items ADD COLUMN rank BIGINT NOT NULL DEFAULT 7"}})));
  absl::StatusOr<std::unique_ptr<Transaction>> read = single_->Begin(TxMode::kRead);
  ASSERT_TRUE(IsOk(read));
  absl::StatusOr<Rows> rows = (*read)->Query(select_all, {int64_t{1}});
  ASSERT_TRUE(IsOk(rows));
  ASSERT_EQ(rows->size(), 1u);
  ASSERT_EQ((*rows)[0].size(), 4u);
  EXPECT_EQ((*rows)[0].Int(3), 7);
}

TEST_P(StatementCacheTest, AStatementKeptAcrossAnotherConnectionsSchemaChangeRunsFirstTime) {
  ASSERT_TRUE(IsOk(Insert(5)));
  const std::string select_all = "SELECT * FROM items WHERE id = ?";
  ASSERT_EQ(*QueryInts(select_all, {int64_t{5}}), (Ints{5}));
  Database& migrator = GetParam() == testing::Backend::kSqliteMemory ? *single_ : db();
  ASSERT_TRUE(IsOk(RunInTransaction(migrator, TxMode::kWrite, [](Transaction& tx) {
    return tx.Exec("ALTER TABLE items ADD COLUMN note TEXT").status();
  })));
  // Not through RunInTransaction: the first statement of a transaction is not
  // turned into a retry when its table changed shape.
  absl::StatusOr<std::unique_ptr<Transaction>> tx = single_->Begin(TxMode::kRead);
  ASSERT_TRUE(IsOk(tx));
  absl::StatusOr<Rows> rows = (*tx)->Query(select_all, {int64_t{5}});
  ASSERT_TRUE(IsOk(rows));
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].size(), 3u);
  EXPECT_TRUE(IsOk((*tx)->Commit()));
}

TEST_P(StatementCacheTest, TheCacheIsBoundedAndDropsTheLeastRecentlyUsed) {
  for (int64_t id = 0; id < 10; ++id) ASSERT_TRUE(IsOk(Insert(id)));
  const std::string hot = "SELECT COUNT(*) FROM items WHERE id < ?";
  ASSERT_EQ(*QueryInts(hot, {int64_t{3}}), (Ints{3}));
  const StatementStats before = StatementStatsOf(*single_);
  // 400 distinct statements (more than a connection keeps), each right, with
  // the hot statement used between them: it stays cached throughout.
  constexpr int kDistinct = 400;
  for (int n = 1; n <= kDistinct; ++n) {
    const std::string sql = absl::StrCat("SELECT COUNT(*) + ", n, " FROM items WHERE id < ?");
    ASSERT_EQ(*QueryInts(sql, {int64_t{n % 10}}), (Ints{n % 10 + n})) << n;
    ASSERT_EQ(*QueryInts(hot, {int64_t{n % 10}}), (Ints{n % 10})) << n;
  }
  const StatementStats after = StatementStatsOf(*single_);
  EXPECT_EQ(after.prepared - before.prepared, kDistinct);  // the hot one never again
  EXPECT_GE(after.evicted - before.evicted, kDistinct - 256);
  // The most recent distinct statement is still kept; the first one was dropped.
  EXPECT_EQ(PreparedBy([&] {
              EXPECT_EQ(*QueryInts(absl::StrCat("SELECT COUNT(*) + ", kDistinct,
                                                " FROM items WHERE id < ?"),
                                   {int64_t{2}}),
                        (Ints{2 + kDistinct}));
            }),
            0);
  EXPECT_EQ(PreparedBy([&] {
              EXPECT_EQ(*QueryInts("SELECT COUNT(*) + 1 FROM items WHERE id < ?", {int64_t{2}}),
                        (Ints{3}));
            }),
            1);
  if (engine() == Engine::kPostgres) {
    // What the server keeps for this connection is bounded too: evicted
    // statements are deallocated (a few at a time).
    std::vector<int64_t> kept = *QueryInts("SELECT COUNT(*) FROM pg_prepared_statements");
    ASSERT_EQ(kept.size(), 1u);
    EXPECT_LE(kept[0], 256 + 16);
    EXPECT_GE(kept[0], 100);
  }
}

TEST_P(StatementCacheTest, StatementsThatAreNotCachedStillWork) {
  const StatementStats before = StatementStatsOf(*single_);
  ASSERT_TRUE(IsOk(RunInTransaction(*single_, TxMode::kWrite, [](Transaction& tx) {
    return tx.Exec("CREATE TABLE other (id BIGINT PRIMARY KEY)").status();
  })));
  ASSERT_TRUE(IsOk(RunInTransaction(*single_, TxMode::kWrite, [](Transaction& tx) {
    return tx.Exec("  -- a comment first\n  INSERT INTO other (id) VALUES (?)", {int64_t{4}})
        .status();
  })));
  EXPECT_EQ(*QueryInts("SELECT id FROM other"), (Ints{4}));
  // Several statements in one call are refused, cached or not, as before.
  absl::StatusOr<std::unique_ptr<Transaction>> tx = single_->Begin(TxMode::kWrite);
  ASSERT_TRUE(IsOk(tx));
  EXPECT_FALSE((*tx)->Exec("DELETE FROM other; DELETE FROM items").ok());
  tx->reset();
  EXPECT_EQ(*QueryInts("SELECT COUNT(*) FROM other"), (Ints{1}));
  ASSERT_TRUE(IsOk(RunInTransaction(*single_, TxMode::kWrite, [](Transaction& tx) {
    return tx.Exec("DROP TABLE other").status();
  })));
  const StatementStats after = StatementStatsOf(*single_);
  EXPECT_GE(after.uncached - before.uncached, 2);
}

// The pool's figures (the cercles_db_pool_* metrics): connections in use and
// idle, and a caller that waits for the only connection is counted.
TEST_P(StatementCacheTest, PoolStatsCountConnectionsInUseIdleAndWaits) {
  PoolStats stats = PoolStatsOf(*single_);
  EXPECT_EQ(stats.max_connections, 1);
  EXPECT_EQ(stats.in_use, 0);
  EXPECT_EQ(stats.idle, 1);
  EXPECT_EQ(stats.waiting, 0);
  const int64_t waits = stats.waits;

  absl::StatusOr<std::unique_ptr<Transaction>> held = single_->Begin(TxMode::kRead);
  ASSERT_TRUE(IsOk(held));
  stats = PoolStatsOf(*single_);
  EXPECT_EQ(stats.in_use, 1);
  EXPECT_EQ(stats.idle, 0);

  std::thread second([&] {
    EXPECT_TRUE(IsOk(RunInTransaction(
        *single_, TxMode::kRead, [](Transaction& tx) { return tx.Query("SELECT 1").status(); })));
  });
  const absl::Time until = absl::Now() + absl::Seconds(5);
  while (PoolStatsOf(*single_).waiting == 0 && absl::Now() < until) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  EXPECT_EQ(PoolStatsOf(*single_).waiting, 1);
  absl::SleepFor(absl::Milliseconds(5));
  held->reset();
  second.join();
  stats = PoolStatsOf(*single_);
  EXPECT_EQ(stats.waiting, 0);
  EXPECT_EQ(stats.waits, waits + 1);
  EXPECT_GT(stats.wait_seconds, 0);
  EXPECT_EQ(stats.in_use, 0);
  EXPECT_EQ(stats.idle, 1);
}

}  // namespace
}  // namespace cercles::storage
