#include "common/idempotency/idempotency.h"

#include <google/protobuf/struct.pb.h>

#include "common/util/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace cercles::idempotency {
namespace {

// Any message will do: Struct stands in for a CreateXRequest / XResponse pair.
using CreateCircleRequest = google::protobuf::Struct;
using CreateCircleResponse = google::protobuf::Struct;
using ::cercles::testing::StatusIs;

class IdempotencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::Database::Open("sqlite::memory:");
    ASSERT_TRUE(db.ok());
    db_ = *std::move(db);
    ASSERT_TRUE(db_->Migrate("idempotency", {IdempotencyMigration(1)}).ok());
    ASSERT_TRUE(
        db_->Migrate("t", {{1, "things", "CREATE TABLE things (name TEXT NOT NULL)"}}).ok());
  }

  absl::StatusOr<Outcome> Create(const std::string& id, const std::string& name,
                                 CreateCircleResponse* response, bool fail = false) {
    CreateCircleRequest request;
    (*request.mutable_fields())["request_id"].set_string_value(id);
    (*request.mutable_fields())["display_name"].set_string_value(name);
    return idempotency::Run(
        *db_, "test.Create", id, request, response, [&](storage::Transaction& tx) {
          ++bodies_;
          CERCLES_RETURN_IF_ERROR(tx.Exec("INSERT INTO things (name) VALUES (?)", {name}).status());
          if (fail) return absl::FailedPreconditionError("rule broken");
          (*response->mutable_fields())["name"].set_string_value("circles/" +
                                                                 std::to_string(bodies_));
          return absl::OkStatus();
        });
  }

  size_t Things() {
    auto tx = db_->Begin(storage::TxMode::kRead);
    return (*tx)->Query("SELECT name FROM things")->size();
  }

  std::unique_ptr<storage::Database> db_;
  int bodies_ = 0;
};

TEST_F(IdempotencyTest, RetryReturnsTheFirstResponseWithoutRunningAgain) {
  CreateCircleResponse first, second;
  auto a = Create("req-1", "Cercle", &first);
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->replayed);
  auto b = Create("req-1", "Cercle", &second);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->replayed);
  EXPECT_EQ(first.SerializeAsString(), second.SerializeAsString());
  EXPECT_EQ(bodies_, 1);
  EXPECT_EQ(Things(), 1u);
}

TEST_F(IdempotencyTest, SameIdWithAnotherRequestIsRefused) {
  CreateCircleResponse response;
  ASSERT_TRUE(Create("req-1", "Cercle", &response).ok());
  auto conflict = Create("req-1", "Autre", &response);
  EXPECT_THAT(conflict.status(), StatusIs(absl::StatusCode::kAlreadyExists,
                                          ::testing::HasSubstr("different request")));
  EXPECT_EQ(Things(), 1u);
}

TEST_F(IdempotencyTest, AFailedBodyLeavesNothingAndMayBeRetried) {
  CreateCircleResponse response;
  auto failed = Create("req-2", "Cercle", &response, /*fail=*/true);
  EXPECT_THAT(failed.status(), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(Things(), 0u);  // the insert before the failure was rolled back
  auto retried = Create("req-2", "Cercle", &response);
  ASSERT_TRUE(retried.ok());
  EXPECT_FALSE(retried->replayed);
  EXPECT_EQ(Things(), 1u);
}

TEST_F(IdempotencyTest, RequestIdIsValidated) {
  CreateCircleResponse response;
  EXPECT_THAT(Create("", "x", &response).status().message(), ::testing::HasSubstr("request_id"));
  EXPECT_THAT(Create("has space", "x", &response).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Create(std::string(129, 'a'), "x", &response).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(ValidateRequestId("2026-11-27:import.line-42_A").ok());
  EXPECT_EQ(Things(), 0u);
}

}  // namespace
}  // namespace cercles::idempotency
