// service::RunWrite, the one write path of every service, on every engine: the
// RPC comes from the request's type (never a string), the request_id from the
// request, a replay runs nothing and the after-commit hook only runs for a
// first write.
#include "common/service/write.h"

#include <grpcpp/server_context.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "cercles/network/v1/partners.grpc.pb.h"
#include "common/auth/auth.h"
#include "common/events/outbox.h"
#include "common/idempotency/idempotency.h"
#include "common/storage/group_commit.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/common/storage/engines.h"

namespace cercles::service {
namespace {

using storage::testing::IsOk;
using ::testing::HasSubstr;
namespace nv1 = cercles::network::v1;

class RunWriteTest : public storage::testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(IsOk(db().Migrate("idempotency", {idempotency::IdempotencyMigration(1)})));
    ASSERT_TRUE(IsOk(db().Migrate(
        "t", {{1, "things", "CREATE TABLE things (id BIGINT PRIMARY KEY, name TEXT NOT NULL)"}})));
    authorizer_.AddService(google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
        nv1::PartnerService::service_full_name()));
    committer_ = std::make_unique<storage::GroupCommitter>(db());
    context_.db = &db();
    context_.authorizer = &authorizer_;
    context_.notifier = &notifier_;
    context_.clock = &clock_;
    context_.fund_id = "fund-test";
    context_.committer = committer_.get();
    context_.after_commit = [this] { ++hooks_; };
  }

  void TearDown() override {
    committer_.reset();
    EngineTest::TearDown();
  }

  static nv1::CreatePartnerRequest Request(const std::string& request_id, const std::string& name) {
    nv1::CreatePartnerRequest request;
    request.set_request_id(request_id);
    request.mutable_partner()->set_display_name(name);
    return request;
  }

  // Inserts one thing named after the request and answers with it.
  absl::Status Write(const nv1::CreatePartnerRequest& request, nv1::CreatePartnerResponse* response,
                     absl::string_view owner = {}) {
    grpc::ServerContext call;
    return RunWrite(
        context_, &call, request, response,
        [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
          ++runs_;
          EXPECT_EQ(now, clock_.Now());
          const int64_t id = runs_;
          CERCLES_RETURN_IF_ERROR(tx.Exec("INSERT INTO things (id, name) VALUES (?, ?)",
                                          {id, request.partner().display_name()})
                                      .status());
          response->mutable_partner()->set_name(absl::StrCat("partners/", id));
          return absl::OkStatus();
        },
        owner);
  }

  int64_t Things() { return ReadInt("SELECT COUNT(*) FROM things"); }

  auth::Authenticator authenticator_{auth::TokenStore(), {}};
  auth::Authorizer authorizer_{&authenticator_};
  events::EventNotifier notifier_;
  FakeClock clock_{absl::FromUnixSeconds(1'765'000'000)};
  std::unique_ptr<storage::GroupCommitter> committer_;
  ServiceContext context_;
  int runs_ = 0;
  int hooks_ = 0;
};

TEST_P(RunWriteTest, KeysByTheRpcOfTheRequestTypeAndItsRequestId) {
  absl::StatusOr<idempotency::Key> key = WriteKey(authorizer_, Request("r-1", "SAJE"));
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->method, "cercles.network.v1.PartnerService.CreatePartner");
  EXPECT_EQ(key->request_id, "r-1");
  key = WriteKey(authorizer_, Request("r-1", "SAJE"), "fund-b");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->request_id, "fund-b:r-1");
}

TEST_P(RunWriteTest, AReplayRunsNothingAndAnswersTheFirstResponse) {
  const uint64_t version = notifier_.version();
  nv1::CreatePartnerResponse first;
  ASSERT_TRUE(IsOk(Write(Request("r-1", "SAJE"), &first)));
  EXPECT_EQ(first.partner().name(), "partners/1");
  EXPECT_EQ(hooks_, 1);
  EXPECT_GT(notifier_.version(), version);

  const uint64_t after_first = notifier_.version();
  nv1::CreatePartnerResponse again;
  ASSERT_TRUE(IsOk(Write(Request("r-1", "SAJE"), &again)));
  EXPECT_EQ(again.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(runs_, 1);
  EXPECT_EQ(hooks_, 1) << "a replay changed nothing: no after-commit hook";
  EXPECT_EQ(notifier_.version(), after_first);
  EXPECT_EQ(Things(), 1);

  absl::Status other = Write(Request("r-1", "CDEC"), &again);
  EXPECT_EQ(other.code(), absl::StatusCode::kAlreadyExists) << other;
  EXPECT_EQ(Things(), 1);
}

TEST_P(RunWriteTest, IdsChosenByAnotherFundAreRecordedUnderIt) {
  nv1::CreatePartnerResponse a, b;
  ASSERT_TRUE(IsOk(Write(Request("r-1", "SAJE"), &a, "fund-a")));
  ASSERT_TRUE(IsOk(Write(Request("r-1", "SAJE"), &b, "fund-b")));
  EXPECT_EQ(runs_, 2);
  EXPECT_EQ(Things(), 2);
}

TEST_P(RunWriteTest, AFailedChangeLeavesNothingAndCanBeRetried) {
  grpc::ServerContext call;
  nv1::CreatePartnerResponse response;
  absl::Status failed = RunWrite(
      context_, &call, Request("r-1", "SAJE"), &response,
      [&](storage::Transaction& tx, absl::Time) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO things (id, name) VALUES (?, ?)", {int64_t{9}, "x"}).status());
        return absl::FailedPreconditionError("partner: refused");
      });
  EXPECT_EQ(failed.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Things(), 0);
  EXPECT_EQ(hooks_, 0);
  ASSERT_TRUE(IsOk(Write(Request("r-1", "SAJE"), &response)));
  EXPECT_EQ(Things(), 1);
}

// A change that stays in conflict through every retry (a lock held too long, a
// row changed under it each time) ends UNAVAILABLE, which gRPC retry policies
// retry, having written nothing; the same request then goes through.
TEST_P(RunWriteTest, AWriteStillInConflictAfterItsRetriesIsUnavailableAndWritesNothing) {
  grpc::ServerContext call;
  nv1::CreatePartnerResponse response;
  int attempts = 0;
  absl::Status failed = RunWrite(
      context_, &call, Request("r-1", "SAJE"), &response,
      [&](storage::Transaction& tx, absl::Time) -> absl::Status {
        ++attempts;
        CERCLES_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO things (id, name) VALUES (?, ?)", {int64_t{9}, "x"}).status());
        return absl::AbortedError("things: changed meanwhile");
      });
  EXPECT_EQ(failed.code(), absl::StatusCode::kUnavailable) << failed;
  EXPECT_THAT(std::string(failed.message()), ::testing::HasSubstr("things: changed meanwhile"));
  EXPECT_THAT(std::string(failed.message()), ::testing::HasSubstr("send the same request again"));
  EXPECT_GT(attempts, 1) << "the write path retries ABORTED before giving up";
  EXPECT_EQ(Things(), 0);
  EXPECT_EQ(hooks_, 0);
  ASSERT_TRUE(IsOk(Write(Request("r-1", "SAJE"), &response)));
  EXPECT_EQ(Things(), 1);
}

TEST_P(RunWriteTest, BadRequestIdsAndUnregisteredRequestsAreRefused) {
  nv1::CreatePartnerResponse response;
  absl::Status bad = Write(Request("", "SAJE"), &response);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument) << bad;
  EXPECT_THAT(std::string(bad.message()), HasSubstr("request_id"));

  grpc::ServerContext call;
  nv1::ListPartnersResponse unregistered;  // no RPC takes it as its request
  absl::Status status =
      RunWrite(context_, &call, unregistered, &response,
               [](storage::Transaction&, absl::Time) { return absl::OkStatus(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  EXPECT_EQ(runs_, 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, RunWriteTest, storage::testing::AllBackends(),
                         storage::testing::BackendName);

}  // namespace
}  // namespace cercles::service
