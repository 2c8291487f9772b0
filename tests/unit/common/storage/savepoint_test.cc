// Savepoints behave the same on every engine, including the way out of a failed
// transaction that group commit relies on.
#include <memory>
#include <string>
#include <vector>

#include "common/storage/database.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "tests/unit/common/storage/engines.h"

namespace cercles::storage {
namespace {

using ::cercles::testing::StatusIs;
using testing::Backend;
using testing::IsOk;

class SavepointTest : public testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(IsOk(db().Migrate(
        "test", {{1, "items", "CREATE TABLE items (id BIGINT PRIMARY KEY, s TEXT NOT NULL)"}})));
  }

  std::unique_ptr<Transaction> BeginWrite() {
    absl::StatusOr<std::unique_ptr<Transaction>> tx = db().Begin(TxMode::kWrite);
    EXPECT_TRUE(IsOk(tx));
    return tx.ok() ? std::move(*tx) : nullptr;
  }

  static absl::Status Insert(Transaction& tx, int64_t id) {
    return tx.Exec("INSERT INTO items (id, s) VALUES (?, ?)", {id, std::to_string(id)}).status();
  }

  int64_t Items() { return ReadInt("SELECT COUNT(*) FROM items"); }
  int64_t Has(int64_t id) { return ReadInt("SELECT COUNT(*) FROM items WHERE id = ?", {id}); }
};

INSTANTIATE_TEST_SUITE_P(Engines, SavepointTest, testing::AllBackends(), testing::BackendName);

// Deferred work for the tests: ids kept during the transaction, inserted into
// items by its COMMIT.
class DeferredItems final : public Transaction::DeferredWork {
 public:
  void Add(int64_t id) { ids_.push_back(id); }
  absl::Status Flush(Transaction& tx) override {
    for (int64_t id : ids_) {
      absl::Status inserted =
          tx.Exec("INSERT INTO items (id, s) VALUES (?, ?)", {id, "deferred"}).status();
      if (!inserted.ok()) return inserted;
    }
    return absl::OkStatus();
  }
  size_t Mark() const override { return ids_.size(); }
  void Truncate(size_t mark) override {
    if (mark < ids_.size()) ids_.resize(mark);
  }

 private:
  std::vector<int64_t> ids_;
};

TEST_P(SavepointTest, DeferredWorkRunsAtCommitWithoutWhatARollbackUndid) {
  auto tx = BeginWrite();
  ASSERT_NE(tx, nullptr);
  tx->Deferred<DeferredItems>().Add(1);
  ASSERT_TRUE(IsOk(tx->Savepoint("a")));
  tx->Deferred<DeferredItems>().Add(2);
  ASSERT_TRUE(IsOk(tx->Savepoint("b")));
  tx->Deferred<DeferredItems>().Add(3);
  ASSERT_TRUE(IsOk(tx->RollbackToSavepoint("a")));  // drops 2 and 3
  tx->Deferred<DeferredItems>().Add(4);
  ASSERT_TRUE(IsOk(tx->Savepoint("c")));
  tx->Deferred<DeferredItems>().Add(5);
  ASSERT_TRUE(IsOk(tx->ReleaseSavepoint("c")));  // keeps 5
  ASSERT_TRUE(IsOk(Insert(*tx, 6)));
  ASSERT_TRUE(IsOk(tx->Commit()));
  EXPECT_EQ(Items(), 4);
  EXPECT_EQ(Has(1), 1);
  EXPECT_EQ(Has(4), 1);
  EXPECT_EQ(Has(5), 1);
  EXPECT_EQ(Has(6), 1);
}

TEST_P(SavepointTest, DeferredWorkFirstUsedAfterASavepointIsDroppedByARollbackToIt) {
  auto tx = BeginWrite();
  ASSERT_NE(tx, nullptr);
  ASSERT_TRUE(IsOk(tx->Savepoint("a")));
  tx->Deferred<DeferredItems>().Add(1);
  ASSERT_TRUE(IsOk(tx->RollbackToSavepoint("a")));
  ASSERT_TRUE(IsOk(Insert(*tx, 2)));
  ASSERT_TRUE(IsOk(tx->Commit()));
  EXPECT_EQ(Items(), 1);
  EXPECT_EQ(Has(2), 1);
}

TEST_P(SavepointTest, AFailedFlushCommitsNothing) {
  auto tx = BeginWrite();
  ASSERT_NE(tx, nullptr);
  ASSERT_TRUE(IsOk(Insert(*tx, 1)));
  tx->Deferred<DeferredItems>().Add(1);  // a duplicate: the flush fails
  EXPECT_THAT(tx->Commit(), StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(tx->Commit(), StatusIs(absl::StatusCode::kAlreadyExists));
  tx.reset();
  EXPECT_EQ(Items(), 0);

  tx = BeginWrite();
  ASSERT_NE(tx, nullptr);
  tx->Deferred<DeferredItems>().Add(2);
  tx.reset();  // never committed: nothing flushed
  EXPECT_EQ(Items(), 0);
}

TEST_P(SavepointTest, RollbackUndoesOnlyWhatFollowedTheSavepoint) {
  auto tx = BeginWrite();
  ASSERT_NE(tx, nullptr);
  ASSERT_TRUE(IsOk(Insert(*tx, 1)));
  ASSERT_TRUE(IsOk(tx->Savepoint("a")));
  ASSERT_TRUE(IsOk(Insert(*tx, 2)));
  ASSERT_TRUE(IsOk(tx->RollbackToSavepoint("a")));
  // The savepoint stays after a rollback to it: use it again.
  ASSERT_TRUE(IsOk(Insert(*tx, 3)));
  ASSERT_TRUE(IsOk(tx->RollbackToSavepoint("a")));
  ASSERT_TRUE(IsOk(Insert(*tx, 4)));
  ASSERT_TRUE(IsOk(tx->ReleaseSavepoint("a")));
  ASSERT_TRUE(IsOk(tx->Commit()));
  EXPECT_EQ(Items(), 2);
  EXPECT_EQ(Has(1), 1);
  EXPECT_EQ(Has(4), 1);
}

TEST_P(SavepointTest, RollbackMakesAFailedTransactionUsableAgain) {
  auto tx = BeginWrite();
  ASSERT_NE(tx, nullptr);
  ASSERT_TRUE(IsOk(Insert(*tx, 1)));
  ASSERT_TRUE(IsOk(tx->Savepoint("w")));
  ASSERT_TRUE(IsOk(Insert(*tx, 2)));
  absl::Status duplicate = Insert(*tx, 1);
  EXPECT_THAT(duplicate, StatusIs(absl::StatusCode::kAlreadyExists));
  // Failed: everything but leaving the failure is refused, on both engines.
  EXPECT_THAT(tx->Query("SELECT 1").status(), StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(tx->Savepoint("x"), StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(tx->ReleaseSavepoint("w"), StatusIs(absl::StatusCode::kAlreadyExists));

  ASSERT_TRUE(IsOk(tx->RollbackToSavepoint("w")));
  ASSERT_TRUE(IsOk(tx->ReleaseSavepoint("w")));
  ASSERT_TRUE(IsOk(Insert(*tx, 3)));
  ASSERT_TRUE(IsOk(tx->Commit()));
  EXPECT_EQ(Items(), 2);
  EXPECT_EQ(Has(1), 1);
  EXPECT_EQ(Has(2), 0);
  EXPECT_EQ(Has(3), 1);
}

TEST_P(SavepointTest, AFailureWithoutRollbackStillFailsTheCommit) {
  auto tx = BeginWrite();
  ASSERT_NE(tx, nullptr);
  ASSERT_TRUE(IsOk(Insert(*tx, 1)));
  ASSERT_TRUE(IsOk(tx->Savepoint("w")));
  EXPECT_THAT(tx->Exec("INSERT INTO no_such_table (id) VALUES (1)"),
              StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(tx->Commit(), StatusIs(absl::StatusCode::kInternal));
  EXPECT_EQ(Items(), 0);
}

TEST_P(SavepointTest, NestedSavepointsRollBackAndReleaseTogether) {
  auto tx = BeginWrite();
  ASSERT_NE(tx, nullptr);
  ASSERT_TRUE(IsOk(tx->Savepoint("outer")));
  ASSERT_TRUE(IsOk(Insert(*tx, 1)));
  ASSERT_TRUE(IsOk(tx->Savepoint("inner")));
  ASSERT_TRUE(IsOk(Insert(*tx, 2)));
  // Back to the outer one forgets the inner one.
  ASSERT_TRUE(IsOk(tx->RollbackToSavepoint("outer")));
  EXPECT_THAT(tx->RollbackToSavepoint("inner"), StatusIs(absl::StatusCode::kFailedPrecondition));
  ASSERT_TRUE(IsOk(Insert(*tx, 3)));
  ASSERT_TRUE(IsOk(tx->Savepoint("inner")));
  ASSERT_TRUE(IsOk(Insert(*tx, 4)));
  // Releasing the outer one releases the inner one and keeps both's changes.
  ASSERT_TRUE(IsOk(tx->ReleaseSavepoint("outer")));
  EXPECT_THAT(tx->ReleaseSavepoint("inner"), StatusIs(absl::StatusCode::kFailedPrecondition));
  ASSERT_TRUE(IsOk(tx->Commit()));
  EXPECT_EQ(Items(), 2);
  EXPECT_EQ(Has(3), 1);
  EXPECT_EQ(Has(4), 1);
}

TEST_P(SavepointTest, TheInnermostOfTwoSavepointsWithOneNameIsMeant) {
  auto tx = BeginWrite();
  ASSERT_NE(tx, nullptr);
  ASSERT_TRUE(IsOk(tx->Savepoint("s")));
  ASSERT_TRUE(IsOk(Insert(*tx, 1)));
  ASSERT_TRUE(IsOk(tx->Savepoint("s")));
  ASSERT_TRUE(IsOk(Insert(*tx, 2)));
  ASSERT_TRUE(IsOk(tx->RollbackToSavepoint("s")));  // undoes 2 only
  ASSERT_TRUE(IsOk(tx->ReleaseSavepoint("s")));     // the inner one
  ASSERT_TRUE(IsOk(tx->RollbackToSavepoint("s")));  // the outer one: undoes 1
  ASSERT_TRUE(IsOk(tx->Commit()));
  EXPECT_EQ(Items(), 0);
}

TEST_P(SavepointTest, BadOrUnknownNamesAreRefusedWithoutFailingTheTransaction) {
  auto tx = BeginWrite();
  ASSERT_NE(tx, nullptr);
  for (const std::string& name :
       std::vector<std::string>{"", "1a", "a b", "a;DROP TABLE items", std::string(64, 'a')}) {
    EXPECT_THAT(tx->Savepoint(name), StatusIs(absl::StatusCode::kInvalidArgument)) << name;
  }
  EXPECT_THAT(tx->RollbackToSavepoint("never"), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(tx->ReleaseSavepoint("never"), StatusIs(absl::StatusCode::kFailedPrecondition));
  ASSERT_TRUE(IsOk(tx->Savepoint(std::string(63, 'b'))));
  ASSERT_TRUE(IsOk(Insert(*tx, 1)));
  ASSERT_TRUE(IsOk(tx->Commit()));
  EXPECT_EQ(Items(), 1);
}

TEST_P(SavepointTest, EndedTransactionsRefuseSavepoints) {
  auto tx = BeginWrite();
  ASSERT_NE(tx, nullptr);
  ASSERT_TRUE(IsOk(tx->Savepoint("s")));
  ASSERT_TRUE(IsOk(tx->Commit()));
  EXPECT_THAT(tx->Savepoint("t"), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(tx->RollbackToSavepoint("s"), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(tx->ReleaseSavepoint("s"), StatusIs(absl::StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace cercles::storage
