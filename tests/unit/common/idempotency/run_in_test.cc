// idempotency::RunIn inside group-committed writes, on every engine: the record
// shares its write's savepoint, and replays are answered even within one batch.
#include <google/protobuf/struct.pb.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/idempotency/idempotency.h"
#include "common/storage/group_commit.h"
#include "common/util/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "tests/unit/common/storage/engines.h"

namespace cercles::idempotency {
namespace {

using ::cercles::testing::StatusIs;
using storage::GroupCommitter;
using storage::testing::IsOk;
using ::testing::HasSubstr;
using Message = google::protobuf::Struct;

class RunInTest : public storage::testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(IsOk(db().Migrate("idempotency", {IdempotencyMigration(1)})));
    ASSERT_TRUE(IsOk(db().Migrate(
        "t", {{1, "things", "CREATE TABLE things (id BIGINT PRIMARY KEY, name TEXT NOT NULL)"}})));
    // One batch at a time: RunAsOneBatch builds the batches these tests need.
    GroupCommitter::Options options;
    options.concurrent_batches = 1;
    committer_ = std::make_unique<GroupCommitter>(db(), options);
  }

  void TearDown() override {
    committer_.reset();
    EngineTest::TearDown();
  }

  struct Call {
    std::string request_id;
    std::string name;
    bool fail = false;
    Message response;
    absl::StatusOr<Outcome> outcome = absl::UnknownError("not run");
  };
  static Call MakeCall(const std::string& request_id, const std::string& name, bool fail = false) {
    Call call;
    call.request_id = request_id;
    call.name = name;
    call.fail = fail;
    return call;
  }

  // The write of one call: inserts a thing and answers with its id.
  GroupCommitter::Write WriteOf(Call& call) {
    return [this, &call](storage::Transaction& tx) -> absl::Status {
      Message request;
      (*request.mutable_fields())["name"].set_string_value(call.name);
      CERCLES_ASSIGN_OR_RETURN(Key key, MakeKey("test.Create", call.request_id, request));
      call.outcome = RunIn(tx, key, &call.response, [&](storage::Transaction& tx) -> absl::Status {
        const int64_t id = ++bodies_;
        CERCLES_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO things (id, name) VALUES (?, ?)", {id, call.name}).status());
        if (call.fail) return absl::FailedPreconditionError("rule broken");
        (*call.response.mutable_fields())["id"].set_number_value(static_cast<double>(id));
        return absl::OkStatus();
      });
      return call.outcome.status();
    };
  }

  // Runs the calls as one batch, in order (see GroupCommitTest).
  void RunAsOneBatch(std::vector<Call>& calls) {
    absl::Notification holding, release;
    std::thread holder([&] {
      EXPECT_TRUE(IsOk(committer_->Run([&](storage::Transaction&) {
        holding.Notify();
        release.WaitForNotification();
        return absl::OkStatus();
      })));
    });
    holding.WaitForNotification();
    std::vector<GroupCommitter::Write> writes;
    for (Call& call : calls) writes.push_back(WriteOf(call));
    std::vector<std::thread> threads;
    for (size_t i = 0; i < calls.size(); ++i) {
      threads.emplace_back([&, i] { committer_->Run(writes[i]).IgnoreError(); });
      while (committer_->queued() < i + 1) absl::SleepFor(absl::Microseconds(200));
    }
    release.Notify();
    holder.join();
    for (std::thread& t : threads) t.join();
  }

  int64_t Things() { return ReadInt("SELECT COUNT(*) FROM things"); }
  int64_t Keys() { return ReadInt("SELECT COUNT(*) FROM idempotency_keys"); }

  std::unique_ptr<GroupCommitter> committer_;
  std::atomic<int64_t> bodies_{0};
};

INSTANTIATE_TEST_SUITE_P(Engines, RunInTest, storage::testing::AllBackends(),
                         storage::testing::BackendName);

TEST_P(RunInTest, AReplayInTheSameBatchGetsTheFirstAnswer) {
  std::vector<Call> calls(3);
  calls[0] = MakeCall("req-1", "Cercle");
  calls[1] = MakeCall("req-2", "Autre");
  calls[2] = MakeCall("req-1", "Cercle");
  RunAsOneBatch(calls);
  ASSERT_TRUE(IsOk(calls[0].outcome));
  ASSERT_TRUE(IsOk(calls[2].outcome));
  EXPECT_FALSE(calls[0].outcome->replayed);
  EXPECT_TRUE(calls[2].outcome->replayed);
  EXPECT_EQ(calls[2].response.SerializeAsString(), calls[0].response.SerializeAsString());
  EXPECT_EQ(bodies_, 2);
  EXPECT_EQ(Things(), 2);
  EXPECT_EQ(Keys(), 2);
}

TEST_P(RunInTest, TheSameIdForAnotherRequestInTheSameBatchIsRefused) {
  std::vector<Call> calls(2);
  calls[0] = MakeCall("req-1", "Cercle");
  calls[1] = MakeCall("req-1", "Autre");
  RunAsOneBatch(calls);
  ASSERT_TRUE(IsOk(calls[0].outcome));
  EXPECT_THAT(calls[1].outcome.status(),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("different request")));
  EXPECT_EQ(Things(), 1);
}

TEST_P(RunInTest, AFailedWriteLeavesNoRecordAndItsIdMayBeUsedAgain) {
  std::vector<Call> calls(3);
  calls[0] = MakeCall("req-1", "Cercle", /*fail=*/true);
  calls[1] = MakeCall("req-2", "Autre");
  calls[2] = MakeCall("req-1", "Cercle");  // the retry of the failed call
  RunAsOneBatch(calls);
  EXPECT_THAT(calls[0].outcome.status(), StatusIs(absl::StatusCode::kFailedPrecondition));
  ASSERT_TRUE(IsOk(calls[1].outcome));
  ASSERT_TRUE(IsOk(calls[2].outcome));
  EXPECT_FALSE(calls[2].outcome->replayed);
  EXPECT_EQ(Things(), 2);
  EXPECT_EQ(Keys(), 2);
}

TEST_P(RunInTest, AReplayInALaterBatchGetsTheFirstAnswer) {
  Call first = MakeCall("req-1", "Cercle");
  Call again = MakeCall("req-1", "Cercle");
  ASSERT_TRUE(IsOk(committer_->Run(WriteOf(first))));
  ASSERT_TRUE(IsOk(committer_->Run(WriteOf(again))));
  EXPECT_TRUE(again.outcome->replayed);
  EXPECT_EQ(again.response.SerializeAsString(), first.response.SerializeAsString());
  EXPECT_EQ(Things(), 1);
}

TEST_P(RunInTest, TwoProcessesRacingOnOneIdRecordItOnce) {
  if (GetParam() == storage::testing::Backend::kSqliteMemory) {
    GTEST_SKIP() << "an in-memory database cannot be opened twice";
  }
  // A second Database object stands for another replica with its own committer.
  absl::StatusOr<std::unique_ptr<storage::Database>> other_db = storage::Database::Open(url_);
  ASSERT_TRUE(IsOk(other_db));
  GroupCommitter other(**other_db);
  constexpr int kIds = 30;
  std::vector<Call> mine(kIds), theirs(kIds);
  for (int i = 0; i < kIds; ++i) {
    mine[i] = MakeCall("req-" + std::to_string(i), "Cercle " + std::to_string(i));
    theirs[i] = mine[i];
  }
  std::thread a([&] {
    for (Call& call : mine) EXPECT_TRUE(IsOk(committer_->Run(WriteOf(call))));
  });
  std::thread b([&] {
    for (Call& call : theirs) EXPECT_TRUE(IsOk(other.Run(WriteOf(call))));
  });
  a.join();
  b.join();
  EXPECT_EQ(Things(), kIds);
  for (int i = 0; i < kIds; ++i) {
    ASSERT_TRUE(mine[i].outcome.ok() && theirs[i].outcome.ok());
    EXPECT_NE(mine[i].outcome->replayed, theirs[i].outcome->replayed);
    EXPECT_EQ(mine[i].response.SerializeAsString(), theirs[i].response.SerializeAsString());
  }
}

}  // namespace
}  // namespace cercles::idempotency
