// Durability of acknowledged repayments: clients record repayments concurrently
// while the lending process is killed with SIGKILL and restarted, several times.
// A client retries a call that failed for want of the server (UNAVAILABLE, or
// DEADLINE_EXCEEDED while it restarted) with the same request_id until it is
// answered. Afterwards every acknowledged repayment is stored exactly once, no
// repayment exists that was not acknowledged, the loans agree with their
// repayments, and the books balance. The same holds for the lines of meetings'
// collections (RecordCollections, one call for several loans).
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/integration/lending_fixture.h"

namespace cercles::testing {
namespace {

namespace lv1 = cercles::lending::v1;

constexpr int kClients = 16;
constexpr int kKills = 4;

class LendingCrashTest : public LendingFixture {
 protected:
  // A channel of one client's own: after a failure for want of the server the
  // client dials again at once on a new one (gRPC would otherwise wait a second
  // or more, growing, before reconnecting), so that the load really spans the
  // restarts.
  std::unique_ptr<lv1::LendingService::Stub> NewClientStub() {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = ReadTextFile(TestCredentials().ca);
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("lending");
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return lv1::LendingService::NewStub(
        grpc::CreateCustomChannel(suite_->Address("lending"), grpc::SslCredentials(tls), args));
  }

  // One write (RecordRepayment, RecordCollections), retrying with the same
  // request_id while lending is away. OK, or the first answer that is not about
  // lending being away.
  template <typename Request, typename Response>
  grpc::Status CallUntilAnswered(std::unique_ptr<lv1::LendingService::Stub>& stub,
                                 grpc::Status (lv1::LendingService::Stub::*method)(
                                     grpc::ClientContext*, const Request&, Response*),
                                 const Request& request, Response* response, bool* retried,
                                 bool* replayed) {
    const absl::Time give_up = absl::Now() + absl::Seconds(90);
    for (;;) {
      auto context = Context(TestCredentials().advisor_token, absl::Seconds(5));
      grpc::Status status = ((*stub).*method)(context.get(), request, response);
      *replayed = status.ok() && context->GetServerInitialMetadata().count("cercles-replayed") > 0;
      const bool away = status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                        status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
      if (!away || absl::Now() > give_up) return status;
      *retried = true;
      absl::SleepFor(absl::Milliseconds(20));
      stub = NewClientStub();
    }
  }

  // One client: repayments of 1 to 7 cents (no loan closes) on the loans in
  // turn, request ids "crash-<client>-<n>", until `stop`.
  void Client(int client, const std::vector<std::string>& loans, const std::atomic<bool>& stop) {
    std::unique_ptr<lv1::LendingService::Stub> stub = NewClientStub();
    for (int n = 0; !stop; ++n) {
      lv1::RecordRepaymentRequest request;
      request.set_request_id(absl::StrCat("crash-", client, "-", n));
      request.set_loan(loans[(client + n) % loans.size()]);
      *request.mutable_amount() = Cad(1 + n % 7);
      request.set_reference(request.request_id());
      lv1::RecordRepaymentResponse response;
      bool retried = false;
      bool replayed = false;
      grpc::Status status = CallUntilAnswered(stub, &lv1::LendingService::Stub::RecordRepayment,
                                              request, &response, &retried, &replayed);
      std::lock_guard<std::mutex> lock(mu_);
      if (!status.ok()) {
        failures_.push_back(absl::StrCat(request.request_id(), ": ", status.error_code(), " ",
                                         status.error_message()));
        continue;
      }
      acknowledged_[request.request_id()] = {request.loan(), response.repayment().name(),
                                             request.amount().minor_units()};
      if (retried) ++retried_;
      if (replayed) ++replayed_;
    }
  }

  // One treasurer: a meeting's collections of 1 to 7 cents on each loan of one
  // of the two circles in turn (`circles[k]` holds `loans[4k..4k+3]`), request
  // ids "crash-col-<client>-<n>", each line's reference "<request_id>-<line>",
  // until `stop`. Every line of an acknowledged call is an acknowledged repayment.
  void CollectionClient(int client, const std::vector<std::string>& loans,
                        const std::vector<std::string>& circles, const std::atomic<bool>& stop) {
    std::unique_ptr<lv1::LendingService::Stub> stub = NewClientStub();
    for (int n = 0; !stop; ++n) {
      const size_t group = static_cast<size_t>(client + n) % circles.size();
      lv1::RecordCollectionsRequest request;
      request.set_request_id(absl::StrCat("crash-col-", client, "-", n));
      request.set_circle(circles[group]);
      for (size_t i = 0; i < 4; ++i) {
        lv1::CollectionLine* line = request.add_lines();
        line->set_kind(lv1::COLLECTION_KIND_REPAYMENT);
        line->set_loan(loans[4 * group + i]);
        *line->mutable_amount() = Cad(1 + static_cast<int64_t>(n + i) % 7);
        line->set_reference(absl::StrCat(request.request_id(), "-", i));
      }
      lv1::RecordCollectionsResponse response;
      bool retried = false;
      bool replayed = false;
      grpc::Status status = CallUntilAnswered(stub, &lv1::LendingService::Stub::RecordCollections,
                                              request, &response, &retried, &replayed);
      std::lock_guard<std::mutex> lock(mu_);
      if (!status.ok() || response.refused_lines() > 0) {
        failures_.push_back(absl::StrCat(request.request_id(), ": ", status.error_code(), " ",
                                         status.error_message(), response.ShortDebugString()));
        continue;
      }
      for (const lv1::CollectionLineResult& result : response.results()) {
        const lv1::CollectionLine& line = request.lines(result.index());
        acknowledged_[line.reference()] = {line.loan(), result.repayment(),
                                           line.amount().minor_units()};
      }
      if (retried) ++retried_;
      if (replayed) ++replayed_;
    }
  }

  // Runs `client(c, stop)` for kClients clients while lending is killed with
  // SIGKILL and restarted kKills times; checks the load ran across the kills.
  void RunUnderKills(const std::function<void(int, const std::atomic<bool>&)>& client) {
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&, c] { client(c, stop); });
    }
    size_t acknowledged_before_kill = 0;
    for (int kill = 0; kill < kKills; ++kill) {
      absl::SleepFor(absl::Milliseconds(1500));
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (kill == 0) acknowledged_before_kill = acknowledged_.size();
      }
      suite_->KillService("lending");
      absl::SleepFor(absl::Milliseconds(100));
      absl::Status restarted = suite_->StartService("lending");
      ASSERT_TRUE(restarted.ok()) << restarted;
    }
    absl::SleepFor(absl::Milliseconds(1500));
    stop = true;
    for (std::thread& t : clients) t.join();

    EXPECT_TRUE(failures_.empty()) << failures_.size() << " calls failed, first: " << failures_[0];
    // The load really ran across the kills, and some calls were cut by them.
    EXPECT_GT(acknowledged_before_kill, 0u);
    EXPECT_GT(acknowledged_.size(), acknowledged_before_kill);
    EXPECT_GT(retried_, 0);
    std::cout << acknowledged_.size() << " repayments acknowledged, " << retried_
              << " calls answered after a retry across a kill, " << replayed_
              << " of those answered as replays (committed before the kill)\n";
  }

  std::mutex mu_;
  std::map<std::string, AcknowledgedRepayment> acknowledged_;  // by request_id
  std::vector<std::string> failures_;
  int retried_ = 0;
  int replayed_ = 0;  // answered from the stored first answer: committed before a kill
};

TEST_P(LendingCrashTest, EveryAcknowledgedRepaymentSurvivesKillsExactlyOnce) {
  std::vector<std::string> loans;
  std::map<std::string, int64_t> owed_before;
  EightActiveLoans("Crash-A", "Crash-B", &loans, &owed_before);
  ASSERT_FALSE(HasFailure());

  RunUnderKills([&](int c, const std::atomic<bool>& stop) { Client(c, loans, stop); });

  ExpectStoredExactlyOnce(loans, owed_before, acknowledged_);

  lv1::GetTrialBalanceResponse trial = TrialBalance();
  EXPECT_TRUE(trial.balanced());
  EXPECT_EQ(trial.total_debit().minor_units(), trial.total_credit().minor_units());
}

// The same for meetings' collections: every line of an acknowledged
// RecordCollections call is stored exactly once, nothing else is.
TEST_P(LendingCrashTest, EveryAcknowledgedCollectionLineSurvivesKillsExactlyOnce) {
  std::vector<std::string> loans;
  std::map<std::string, int64_t> owed_before;
  EightActiveLoans("Crash-C", "Crash-D", &loans, &owed_before);
  ASSERT_FALSE(HasFailure());
  std::vector<std::string> circles;
  for (size_t k : {0u, 4u}) {
    lv1::GetLoanRequest get;
    get.set_name(loans[k]);
    lv1::GetLoanResponse got;
    ASSERT_TRUE(lending_->GetLoan(Admin().get(), get, &got).ok());
    circles.push_back(got.loan().circle());
  }

  RunUnderKills(
      [&](int c, const std::atomic<bool>& stop) { CollectionClient(c, loans, circles, stop); });

  ExpectStoredExactlyOnce(loans, owed_before, acknowledged_);
  lv1::GetTrialBalanceResponse trial = TrialBalance();
  EXPECT_TRUE(trial.balanced());
  EXPECT_EQ(trial.total_debit().minor_units(), trial.total_credit().minor_units());
}

INSTANTIATE_TEST_SUITE_P(Engines, LendingCrashTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
