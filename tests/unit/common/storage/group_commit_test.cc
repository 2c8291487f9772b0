// GroupCommitter on every engine: batching, each write's own outcome, failures
// of the shared transaction, retries, and no answer before the COMMIT.
#include "common/storage/group_commit.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "tests/unit/common/storage/engines.h"

namespace cercles::storage {
namespace {

using ::cercles::testing::StatusIs;
using ::testing::HasSubstr;
using testing::IsOk;
using ::testing::Not;

class GroupCommitTest : public testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(IsOk(db().Migrate(
        "test", {{1, "items", "CREATE TABLE items (id BIGINT PRIMARY KEY, s TEXT NOT NULL)"},
                 {2, "counter",
                  "CREATE TABLE counter (id BIGINT PRIMARY KEY, n BIGINT NOT NULL);"
                  "INSERT INTO counter (id, n) VALUES (1, 0)"},
                 // A deferred foreign key is checked at COMMIT: the way to make a
                 // COMMIT fail on both engines.
                 {3, "deferred",
                  "CREATE TABLE parents (id BIGINT PRIMARY KEY);"
                  "CREATE TABLE children (id BIGINT PRIMARY KEY, parent_id BIGINT NOT NULL"
                  " REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED)"}})));
  }

  static absl::Status Insert(Transaction& tx, int64_t id) {
    return tx.Exec("INSERT INTO items (id, s) VALUES (?, ?)", {id, std::to_string(id)}).status();
  }

  // The shapes of batches these tests build (RunAsOneBatch) need one batch at
  // a time, as on SQLite; on PostgreSQL, by default, several run at once.
  static GroupCommitter::Options OneBatchAtATime() {
    GroupCommitter::Options options;
    options.concurrent_batches = 1;
    return options;
  }

  int64_t Has(int64_t id) { return ReadInt("SELECT COUNT(*) FROM items WHERE id = ?", {id}); }
  int64_t Items() { return ReadInt("SELECT COUNT(*) FROM items"); }

  // Makes the next batch hold exactly `writes`: a first write holds the leader
  // inside its transaction until the others have all queued behind it, so they
  // run together, in order, in the following transaction. Returns each write's
  // status.
  // `holder_id` is the item the holding write inserts.
  std::vector<absl::Status> RunAsOneBatch(GroupCommitter& committer,
                                          const std::vector<GroupCommitter::Write>& writes,
                                          int64_t holder_id = 1'000'000) {
    absl::Notification holding, release;
    std::thread holder([&] {
      EXPECT_TRUE(IsOk(committer.Run([&](Transaction& tx) {
        if (!holding.HasBeenNotified()) holding.Notify();
        release.WaitForNotification();
        return Insert(tx, holder_id);
      })));
    });
    holding.WaitForNotification();
    std::vector<absl::Status> results(writes.size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < writes.size(); ++i) {
      threads.emplace_back([&, i] { results[i] = committer.Run(writes[i]); });
      // One at a time, so that the batch runs them in this order.
      while (committer.queued() < i + 1) absl::SleepFor(absl::Microseconds(200));
    }
    release.Notify();
    holder.join();
    for (std::thread& t : threads) t.join();
    return results;
  }
};

INSTANTIATE_TEST_SUITE_P(Engines, GroupCommitTest, testing::AllBackends(), testing::BackendName);

TEST_P(GroupCommitTest, ALoneWriteCommitsInItsOwnTransaction) {
  GroupCommitter committer(db(), OneBatchAtATime());
  ASSERT_TRUE(IsOk(committer.Run([](Transaction& tx) { return Insert(tx, 1); })));
  EXPECT_EQ(Has(1), 1);
  const GroupCommitter::Stats stats = committer.stats();
  EXPECT_EQ(stats.writes, 1);
  EXPECT_EQ(stats.transactions, 1);
  EXPECT_EQ(stats.largest_batch, 1);
}

TEST_P(GroupCommitTest, ALoneFailingWriteLeavesNothing) {
  GroupCommitter committer(db(), OneBatchAtATime());
  absl::Status status = committer.Run([](Transaction& tx) -> absl::Status {
    if (absl::Status inserted = Insert(tx, 1); !inserted.ok()) return inserted;
    return absl::FailedPreconditionError("rule broken");
  });
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(Items(), 0);
  EXPECT_EQ(committer.stats().transactions, 0);  // nothing to commit
}

TEST_P(GroupCommitTest, OnPostgresANewBatchRunsWhileAnotherHoldsItsTransaction) {
  GroupCommitter committer(db());  // the engine's default
  absl::Notification holding, release, second_done;
  std::thread holder([&] {
    EXPECT_TRUE(IsOk(committer.Run([&](Transaction& tx) {
      if (!holding.HasBeenNotified()) holding.Notify();
      release.WaitForNotification();
      return Insert(tx, 1);
    })));
  });
  holding.WaitForNotification();
  std::thread second([&] {
    EXPECT_TRUE(IsOk(committer.Run([](Transaction& tx) { return Insert(tx, 2); })));
    second_done.Notify();
  });
  if (db().engine() == Engine::kPostgres) {
    // Committed on its own connection, before the first batch's COMMIT.
    EXPECT_TRUE(second_done.WaitForNotificationWithTimeout(absl::Seconds(20)));
    EXPECT_EQ(Has(2), 1);
    EXPECT_EQ(Has(1), 0);
  } else {
    // One writer: the second batch waits for the first.
    EXPECT_FALSE(second_done.WaitForNotificationWithTimeout(absl::Milliseconds(300)));
  }
  release.Notify();
  holder.join();
  second.join();
  EXPECT_EQ(Items(), 2);
  EXPECT_EQ(committer.stats().writes, 2);
}

TEST_P(GroupCommitTest, QueuedWritesShareOneTransaction) {
  GroupCommitter committer(db(), OneBatchAtATime());
  std::vector<GroupCommitter::Write> writes;
  for (int64_t id = 1; id <= 10; ++id) {
    writes.push_back([id](Transaction& tx) { return Insert(tx, id); });
  }
  for (const absl::Status& status : RunAsOneBatch(committer, writes)) EXPECT_TRUE(IsOk(status));
  EXPECT_EQ(Items(), 11);
  const GroupCommitter::Stats stats = committer.stats();
  EXPECT_EQ(stats.writes, 11);
  EXPECT_EQ(stats.transactions, 2);  // the holder's, then one for the ten
  EXPECT_EQ(stats.largest_batch, 10);
}

TEST_P(GroupCommitTest, BatchesNeverExceedMaxBatch) {
  GroupCommitter::Options options = OneBatchAtATime();
  options.max_batch = 4;
  GroupCommitter committer(db(), options);
  std::vector<GroupCommitter::Write> writes;
  for (int64_t id = 1; id <= 10; ++id) {
    writes.push_back([id](Transaction& tx) { return Insert(tx, id); });
  }
  for (const absl::Status& status : RunAsOneBatch(committer, writes)) EXPECT_TRUE(IsOk(status));
  EXPECT_EQ(Items(), 11);
  EXPECT_EQ(committer.stats().largest_batch, 4);
  EXPECT_EQ(committer.stats().transactions, 4);  // 1 + 4 + 4 + 2
}

TEST_P(GroupCommitTest, AFailingWriteGetsItsOwnErrorAndTheOthersCommit) {
  GroupCommitter committer(db(), OneBatchAtATime());
  const std::vector<GroupCommitter::Write> writes = {
      [](Transaction& tx) { return Insert(tx, 1); },
      // Changes something, then refuses: its change must go.
      [](Transaction& tx) -> absl::Status {
        if (absl::Status inserted = Insert(tx, 2); !inserted.ok()) return inserted;
        return absl::FailedPreconditionError("rule broken");
      },
      [](Transaction& tx) { return Insert(tx, 3); },
      // A failed statement fails the shared transaction until its savepoint
      // is rolled back.
      [](Transaction& tx) -> absl::Status {
        if (absl::Status inserted = Insert(tx, 4); !inserted.ok()) return inserted;
        return Insert(tx, 1);  // duplicate of the first write's row
      },
      [](Transaction& tx) { return Insert(tx, 5); },
  };
  std::vector<absl::Status> results = RunAsOneBatch(committer, writes);
  EXPECT_TRUE(IsOk(results[0]));
  EXPECT_THAT(results[1], StatusIs(absl::StatusCode::kFailedPrecondition, "rule broken"));
  EXPECT_TRUE(IsOk(results[2]));
  EXPECT_THAT(results[3], StatusIs(absl::StatusCode::kAlreadyExists)) << results[3];
  EXPECT_TRUE(IsOk(results[4]));
  EXPECT_EQ(Has(1), 1);
  EXPECT_EQ(Has(2), 0);
  EXPECT_EQ(Has(3), 1);
  EXPECT_EQ(Has(4), 0);
  EXPECT_EQ(Has(5), 1);
  EXPECT_EQ(committer.stats().transactions, 2);
}

TEST_P(GroupCommitTest, AFailedCommitFailsEveryWriteOfTheBatch) {
  GroupCommitter committer(db(), OneBatchAtATime());
  const std::vector<GroupCommitter::Write> writes = {
      [](Transaction& tx) { return Insert(tx, 1); },
      // Passes its savepoint; its missing parent is only found at COMMIT.
      [](Transaction& tx) {
        return tx.Exec("INSERT INTO children (id, parent_id) VALUES (1, 42)").status();
      },
      [](Transaction&) { return absl::InvalidArgumentError("bad input"); },
      [](Transaction& tx) { return Insert(tx, 2); },
  };
  std::vector<absl::Status> results = RunAsOneBatch(committer, writes);
  ASSERT_THAT(results[0], StatusIs(absl::StatusCode::kInternal));
  for (const absl::Status& status : results) {
    EXPECT_EQ(status, results[0]);  // one error for all, even the one that failed alone
  }
  EXPECT_NE(results[0].code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Has(1), 0);
  EXPECT_EQ(Has(2), 0);
  EXPECT_EQ(ReadInt("SELECT COUNT(*) FROM children"), 0);
  EXPECT_EQ(Has(1'000'000), 1);  // the holder's own transaction was not involved
  EXPECT_EQ(committer.stats().commit_failures, 1);

  // The committer goes on.
  ASSERT_TRUE(IsOk(committer.Run([](Transaction& tx) { return Insert(tx, 3); })));
  EXPECT_EQ(Has(3), 1);
}

TEST_P(GroupCommitTest, AnAbortedWriteRunsAgainInALaterTransaction) {
  GroupCommitter committer(db(), OneBatchAtATime());
  int runs = 0;
  const std::vector<GroupCommitter::Write> writes = {
      [](Transaction& tx) { return Insert(tx, 1); },
      [&runs](Transaction& tx) -> absl::Status {
        if (absl::Status inserted = Insert(tx, 2); !inserted.ok()) return inserted;
        return ++runs < 3 ? absl::AbortedError("conflict") : absl::OkStatus();
      },
      [](Transaction& tx) { return Insert(tx, 3); },
  };
  for (const absl::Status& status : RunAsOneBatch(committer, writes)) EXPECT_TRUE(IsOk(status));
  EXPECT_EQ(runs, 3);
  EXPECT_EQ(Items(), 4);
  EXPECT_EQ(committer.stats().retries, 2);
  EXPECT_EQ(committer.stats().writes, 4);
}

TEST_P(GroupCommitTest, AnAlwaysAbortedWriteGivesUpAfterTheAttempts) {
  GroupCommitter::Options options = OneBatchAtATime();
  options.attempts = 3;
  GroupCommitter committer(db(), options);
  int runs = 0;
  absl::Status alone = committer.Run([&runs](Transaction&) {
    ++runs;
    return absl::AbortedError("conflict");
  });
  EXPECT_THAT(alone, StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ(runs, 3);

  runs = 0;
  const std::vector<GroupCommitter::Write> writes = {
      [&runs](Transaction&) {
        ++runs;
        return absl::AbortedError("conflict");
      },
      [](Transaction& tx) { return Insert(tx, 1); },
  };
  std::vector<absl::Status> results = RunAsOneBatch(committer, writes);
  EXPECT_THAT(results[0], StatusIs(absl::StatusCode::kAborted));
  EXPECT_TRUE(IsOk(results[1]));
  EXPECT_EQ(runs, 3);
  EXPECT_EQ(Has(1), 1);
}

TEST_P(GroupCommitTest, NoCallerIsAnsweredBeforeItsBatchCommits) {
  GroupCommitter committer(db(), OneBatchAtATime());
  std::atomic<int> answered{0};
  std::atomic<int> answered_before_last_write{-1};
  std::vector<GroupCommitter::Write> writes;
  constexpr int kWrites = 8;
  for (int64_t id = 1; id <= kWrites; ++id) {
    writes.push_back([&, id](Transaction& tx) -> absl::Status {
      if (id == kWrites) {
        // Give an early answer every chance to escape before the COMMIT.
        absl::SleepFor(absl::Milliseconds(100));
        answered_before_last_write = answered.load();
      }
      return Insert(tx, id);
    });
  }
  // Each caller checks, from a fresh read transaction, that its row is
  // committed the moment it is answered.
  std::vector<int64_t> visible(kWrites, -1);
  absl::Notification holding, release;
  std::thread holder([&] {
    EXPECT_TRUE(IsOk(committer.Run([&](Transaction& tx) {
      holding.Notify();
      release.WaitForNotification();
      return Insert(tx, 1'000'000);
    })));
  });
  holding.WaitForNotification();
  std::vector<std::thread> threads;
  for (int i = 0; i < kWrites; ++i) {
    threads.emplace_back([&, i] {
      absl::Status status = committer.Run(writes[i]);
      ++answered;
      EXPECT_TRUE(IsOk(status));
      visible[i] = ReadInt("SELECT COUNT(*) FROM items WHERE id = ?", {int64_t{i + 1}});
    });
  }
  while (committer.queued() < kWrites) absl::SleepFor(absl::Milliseconds(1));
  release.Notify();
  holder.join();
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(answered_before_last_write.load(), 0);
  for (int i = 0; i < kWrites; ++i) EXPECT_EQ(visible[i], 1) << "write " << i + 1;
}

TEST_P(GroupCommitTest, ManyThreadsCommitEveryWriteExactlyOnce) {
  GroupCommitter committer(db(), OneBatchAtATime());
  constexpr int kThreads = 16;
  constexpr int kWritesPerThread = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        const int64_t id = int64_t{t} * 1000 + i;
        // Every third write is refused after changing things: none of it may
        // leak into the batch it shared.
        const bool refuse = i % 3 == 2;
        absl::Status status = committer.Run([&](Transaction& tx) -> absl::Status {
          if (absl::Status inserted = Insert(tx, id); !inserted.ok()) return inserted;
          absl::Status bumped = tx.Exec("UPDATE counter SET n = n + 1 WHERE id = 1").status();
          if (!bumped.ok()) return bumped;
          return refuse ? absl::FailedPreconditionError("refused") : absl::OkStatus();
        });
        if (status.ok() == refuse) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  const int64_t kept = kThreads * (kWritesPerThread - kWritesPerThread / 3);
  EXPECT_EQ(Items(), kept);
  EXPECT_EQ(ReadInt("SELECT n FROM counter WHERE id = 1"), kept);
  const GroupCommitter::Stats stats = committer.stats();
  EXPECT_EQ(stats.writes, kThreads * kWritesPerThread);
  EXPECT_EQ(stats.commit_failures, 0);
  EXPECT_LE(stats.largest_batch, kThreads);
}

TEST_P(GroupCommitTest, OtherTransactionsStillGetTheirTurn) {
  // Writers outside the committer (event consumers, migrations) share the
  // database with it.
  GroupCommitter committer(db(), OneBatchAtATime());
  std::atomic<bool> stop{false};
  std::atomic<int64_t> outside_writes{0};
  std::thread outsider([&] {
    while (!stop) {
      EXPECT_TRUE(IsOk(Write("UPDATE counter SET n = n + 1 WHERE id = 1")));
      ++outside_writes;
    }
  });
  // The batches start once the outsider is writing, so the two take turns (on
  // a quiet machine 100 writes could otherwise be over before it starts).
  while (outside_writes.load() == 0) std::this_thread::yield();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int64_t i = 0; i < 25; ++i) {
        EXPECT_TRUE(IsOk(committer.Run([&](Transaction& tx) { return Insert(tx, t * 100 + i); })));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  stop = true;
  outsider.join();
  EXPECT_EQ(Items(), 100);
  EXPECT_GT(ReadInt("SELECT n FROM counter WHERE id = 1"), 0);
}

TEST_P(GroupCommitTest, BatchesLockingRowsInOppositeOrdersNeverDeadlock) {
  if (GetParam() != testing::Backend::kPostgres) {
    GTEST_SKIP() << "row locks: PostgreSQL (SQLite serialises writers)";
  }
  ASSERT_TRUE(IsOk(RunInTransaction(db(), TxMode::kWrite, [](Transaction& tx) -> absl::Status {
    if (absl::Status one = Insert(tx, 1); !one.ok()) return one;
    return Insert(tx, 2);
  })));
  // Two committers, as two replicas have: each runs one batch whose first write
  // locks one row and waits until the other batch's first write has locked the
  // other row, and whose second write then locks the row the other holds.
  GroupCommitter a(db(), OneBatchAtATime()), b(db(), OneBatchAtATime());
  absl::Notification a_locked, b_locked;
  absl::Mutex mu;
  std::vector<std::string> errors;
  auto lock = [&](Transaction& tx, int64_t id, const std::string& by) -> absl::Status {
    absl::Status status = tx.Query("SELECT id FROM items WHERE id = ? FOR UPDATE", {id}).status();
    if (status.ok()) {
      status = tx.Exec("UPDATE items SET s = ? WHERE id = ?", {by, id}).status();
    }
    if (!status.ok()) {
      absl::MutexLock hold(&mu);
      errors.push_back(std::string(status.message()));
    }
    return status;
  };
  auto first = [&](int64_t id, const std::string& by, absl::Notification& mine,
                   absl::Notification& theirs) -> GroupCommitter::Write {
    return [&, id, by](Transaction& tx) -> absl::Status {
      if (absl::Status locked = lock(tx, id, by); !locked.ok()) return locked;
      if (!mine.HasBeenNotified()) mine.Notify();
      theirs.WaitForNotificationWithTimeout(absl::Seconds(10));
      return absl::OkStatus();
    };
  };
  std::vector<absl::Status> a_results, b_results;
  std::thread a_thread([&] {
    a_results = RunAsOneBatch(
        a, {first(1, "a", a_locked, b_locked), [&](Transaction& tx) { return lock(tx, 2, "a"); }},
        1'000'001);
  });
  std::thread b_thread([&] {
    b_results = RunAsOneBatch(
        b, {first(2, "b", b_locked, a_locked), [&](Transaction& tx) { return lock(tx, 1, "b"); }},
        1'000'002);
  });
  a_thread.join();
  b_thread.join();
  for (const absl::Status& status : a_results) EXPECT_TRUE(IsOk(status));
  for (const absl::Status& status : b_results) EXPECT_TRUE(IsOk(status));
  // The later writes gave up their lock and ran again; nobody was chosen by
  // PostgreSQL as a deadlock's victim.
  for (const std::string& error : errors) EXPECT_THAT(error, Not(HasSubstr("deadlock"))) << error;
  EXPECT_EQ(Items(), 4);
}

}  // namespace
}  // namespace cercles::storage
