// A rolling restart under load (issue 13, item 4): two replicas of membership
// and two of lending on one PostgreSQL, clients calling both services through a
// channel that knows both replicas of each (as a Kubernetes Service would), and
// each of the four processes stopped (SIGTERM, drained) and started again in
// turn. No client may see INTERNAL, UNKNOWN, DATA_LOSS or DEADLINE_EXCEEDED: a
// call a draining replica could not serve is answered UNAVAILABLE, which the
// channel's retry policy retries on the other replica, and none may see
// CANCELLED: a draining replica answers NOT_SERVING to the channels' health
// watch and closes its door only once calls have stopped arriving (gRPC answers
// CANCELLED to a call that reaches a server already shut down, grpc/grpc#41785).
// Every repayment refused that way is stored once when sent again with its
// request_id, and the books balance.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/server/server.h"
#include "gtest/gtest.h"
#include "tests/integration/lending_fixture.h"

namespace cercles::testing {
namespace {

namespace lv1 = cercles::lending::v1;
namespace mv1 = cercles::membership::v1;

constexpr int kClients = 8;

class RollingRestartTest : public LendingFixture {
 protected:
  // Both replicas of `service` (round_robin over the healthy ones, as every
  // channel MakeChannel opens).
  std::shared_ptr<grpc::Channel> BothReplicas(const std::string& service) {
    server::ChannelOptions options;
    options.address = absl::StrCat("ipv4:127.0.0.1:", suite_->Port(service),
                                   ",127.0.0.1:", suite_->Port(service + "-2"));
    options.tls.ca = TestCredentials().ca;
    options.server_name_override = service;
    auto channel = server::MakeChannel(options);
    EXPECT_TRUE(channel.ok()) << channel.status();
    return channel.ok() ? *channel : nullptr;
  }

  void Record(const grpc::Status& status, const std::string& what) {
    std::lock_guard<std::mutex> lock(mu_);
    ++codes_[status.error_code()];
    if (!status.ok() && status.error_code() != grpc::StatusCode::UNAVAILABLE) {
      unexpected_.push_back(
          absl::StrCat(what, ": ", status.error_code(), " ", status.error_message()));
    }
  }

  // One client: a repayment of 1 cent, the circle's eligibility (lending asks
  // membership) and the circle itself, in turn, until `stop`.
  void Client(int client, const std::vector<std::string>& loans, const std::string& circle,
              const std::atomic<bool>& stop) {
    auto lending = lv1::LendingService::NewStub(lending_channel_);
    auto membership = mv1::MembershipService::NewStub(membership_channel_);
    for (int n = 0; !stop; ++n) {
      switch (n % 3) {
        case 0: {
          lv1::RecordRepaymentRequest request;
          request.set_request_id(absl::StrCat("rolling-", client, "-", n));
          request.set_loan(loans[(client + n) % loans.size()]);
          *request.mutable_amount() = Cad(1);
          request.set_reference(request.request_id());
          lv1::RecordRepaymentResponse response;
          grpc::Status status =
              lending->RecordRepayment(Bob(absl::Seconds(30)).get(), request, &response);
          Record(status, request.request_id());
          std::lock_guard<std::mutex> lock(mu_);
          if (status.ok()) {
            acknowledged_[request.request_id()] = {request.loan(), response.repayment().name(), 1};
          } else {
            unanswered_.push_back(request);
          }
          break;
        }
        case 1: {
          lv1::GetCircleEligibilityRequest request;
          request.set_circle(circle);
          lv1::GetCircleEligibilityResponse response;
          Record(lending->GetCircleEligibility(Bob(absl::Seconds(30)).get(), request, &response),
                 "GetCircleEligibility");
          break;
        }
        default: {
          mv1::GetCircleRequest request;
          request.set_name(circle);
          mv1::GetCircleResponse response;
          Record(membership->GetCircle(Bob(absl::Seconds(30)).get(), request, &response),
                 "GetCircle");
        }
      }
    }
  }

  std::unique_ptr<grpc::ClientContext> Bob(absl::Duration timeout) {
    return Context(TestCredentials().advisor_token, timeout);
  }

  std::shared_ptr<grpc::Channel> lending_channel_, membership_channel_;
  std::mutex mu_;
  std::map<grpc::StatusCode, int> codes_;
  std::vector<std::string> unexpected_;
  std::map<std::string, AcknowledgedRepayment> acknowledged_;
  std::vector<lv1::RecordRepaymentRequest> unanswered_;
};

TEST_P(RollingRestartTest, ClientsSeeNoInternalErrorWhileEveryReplicaRestarts) {
  std::vector<std::string> loans;
  std::map<std::string, int64_t> owed_before;
  EightActiveLoans("Rolling-A", "Rolling-B", &loans, &owed_before);
  ASSERT_FALSE(HasFailure());
  lv1::GetLoanRequest get;
  get.set_name(loans[0]);
  lv1::GetLoanResponse got;
  ASSERT_TRUE(lending_->GetLoan(Admin().get(), get, &got).ok());
  const std::string circle = got.loan().circle();
  for (const char* service : {"membership", "lending"}) {
    absl::Status started = suite_->StartReplica(service, absl::StrCat(service, "-2"));
    ASSERT_TRUE(started.ok()) << started;
  }
  lending_channel_ = BothReplicas("lending");
  membership_channel_ = BothReplicas("membership");

  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] { Client(c, loans, circle, stop); });
  }
  const absl::Time start = absl::Now();
  absl::SleepFor(absl::Milliseconds(500));
  for (const char* name : {"membership", "membership-2", "lending", "lending-2"}) {
    std::optional<int> exit_code = suite_->TerminateService(name, absl::Seconds(20));
    EXPECT_EQ(exit_code, 0) << name << "\n" << suite_->Log(name);
    absl::Status restarted = suite_->StartService(name);
    ASSERT_TRUE(restarted.ok()) << name << ": " << restarted;
    absl::SleepFor(absl::Milliseconds(300));  // load on the restarted replica too
  }
  absl::SleepFor(absl::Milliseconds(500));
  stop = true;
  for (std::thread& t : clients) t.join();
  const absl::Duration elapsed = absl::Now() - start;

  int calls = 0;
  for (const auto& [code, count] : codes_) calls += count;
  std::cout << calls << " calls in " << absl::FormatDuration(elapsed)
            << " across four restarts: " << codes_[grpc::StatusCode::OK] << " OK, "
            << codes_[grpc::StatusCode::UNAVAILABLE] << " UNAVAILABLE, "
            << codes_[grpc::StatusCode::CANCELLED] << " CANCELLED, " << unexpected_.size()
            << " other\n";
  EXPECT_TRUE(unexpected_.empty()) << unexpected_.size() << " calls, first: " << unexpected_[0];
  EXPECT_GT(codes_[grpc::StatusCode::OK], 0);

  // What was refused UNAVAILABLE is sent again, with its request_id: stored once.
  auto lending = lv1::LendingService::NewStub(suite_->StaffChannel("lending"));
  for (const lv1::RecordRepaymentRequest& request : unanswered_) {
    lv1::RecordRepaymentResponse response;
    grpc::Status status =
        lending->RecordRepayment(Bob(absl::Seconds(30)).get(), request, &response);
    ASSERT_TRUE(status.ok()) << request.request_id() << ": " << status.error_message();
    acknowledged_[request.request_id()] = {request.loan(), response.repayment().name(), 1};
  }
  ExpectStoredExactlyOnce(loans, owed_before, acknowledged_);
  lv1::GetTrialBalanceResponse trial = TrialBalance();
  EXPECT_TRUE(trial.balanced());
}

// PostgreSQL only: replicas share one database server.
INSTANTIATE_TEST_SUITE_P(Engines, RollingRestartTest, ::testing::Values(Engine::kPostgres),
                         EngineParamName);

}  // namespace
}  // namespace cercles::testing
