// Network follows lending's event stream (a second subscriber with its own
// durable cursor): loan statistics per fund and region, PAR30 as of the
// request's date. The first test replaces the lending process by a stand-in
// that speaks lending's proto on the same address with lending's certificate
// (mTLS, as network expects), so it chooses sequences and dates freely and
// shows network tolerating a lending without the stream (it retries with
// backoff until one answers); the second goes through the real lending
// process end to end, a reschedule approved in lending included.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "cercles/lending/v1/events.pb.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/lending_fixture.h"
#include "tests/integration/network_fixtures.h"
#include "tests/support/status_matchers.h"

// This test reads and writes the deprecated string fields on purpose: they keep
// answering as in 0.1.0 beside the enums that replace them.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace cercles::testing {
namespace {

namespace lv1 = cercles::lending::v1;
using ::testing::ElementsAre;

// Serves WatchEvents from an in-memory outbox; remembers every after_sequence asked.
class LendingStandIn final : public lv1::LendingService::Service {
 public:
  void Append(const google::protobuf::Message& payload, const std::string& fund) {
    absl::MutexLock lock(&mu_);
    cercles::common::v1::Event& e = events_.emplace_back();
    e.set_sequence(static_cast<int64_t>(events_.size()) * 10);  // gaps are allowed
    e.set_fund_id(fund);
    e.set_type(payload.GetDescriptor()->full_name());
    e.set_subject("loans/x");
    e.mutable_payload()->PackFrom(payload);
  }
  std::vector<int64_t> asked() {
    absl::MutexLock lock(&mu_);
    return asked_;
  }
  void Stop() { stopping_ = true; }

  grpc::Status WatchEvents(grpc::ServerContext* context, const lv1::WatchEventsRequest* request,
                           grpc::ServerWriter<lv1::WatchEventsResponse>* writer) override {
    int64_t cursor = request->after_sequence();
    {
      absl::MutexLock lock(&mu_);
      asked_.push_back(cursor);
    }
    while (!context->IsCancelled() && !stopping_) {
      std::vector<cercles::common::v1::Event> next;
      {
        absl::MutexLock lock(&mu_);
        for (const auto& e : events_) {
          if (e.sequence() > cursor) next.push_back(e);
        }
      }
      for (const auto& e : next) {
        lv1::WatchEventsResponse response;
        *response.mutable_event() = e;
        if (!writer->Write(response)) return grpc::Status::CANCELLED;
        cursor = e.sequence();
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "stand-in stopping");
  }

 private:
  absl::Mutex mu_;
  std::vector<cercles::common::v1::Event> events_ ABSL_GUARDED_BY(mu_);
  std::vector<int64_t> asked_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> stopping_{false};
};

std::unique_ptr<grpc::Server> ServeStandIn(LendingStandIn* service, int port) {
  const Credentials& c = TestCredentials();
  grpc::SslServerCredentialsOptions tls(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  tls.pem_root_certs = ReadTextFile(c.ca);
  tls.pem_key_cert_pairs.push_back(
      {ReadTextFile(c.Key("lending")), ReadTextFile(c.Cert("lending"))});
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::StrCat("127.0.0.1:", port), grpc::SslServerCredentials(tls));
  builder.RegisterService(service);
  return builder.BuildAndStart();
}

lv1::LoanChanged Loan(int64_t id, const std::string& circle, lv1::LoanState state,
                      int64_t outstanding, std::optional<absl::CivilDay> oldest_due) {
  lv1::LoanChanged e;
  lv1::Loan* loan = e.mutable_loan();
  loan->set_name(absl::StrCat("loans/", id));
  loan->set_circle(circle);
  loan->set_state(state);
  loan->mutable_amount()->set_currency_code("CAD");
  loan->mutable_amount()->set_minor_units(200000);
  loan->mutable_outstanding_principal()->set_currency_code("CAD");
  loan->mutable_outstanding_principal()->set_minor_units(outstanding);
  if (oldest_due.has_value()) {
    auto* d = loan->mutable_arrears()->mutable_oldest_unpaid_due_date();
    d->set_year(static_cast<int32_t>(oldest_due->year()));
    d->set_month(oldest_due->month());
    d->set_day(oldest_due->day());
  }
  e.set_change("DISBURSED");
  return e;
}

class NetworkLendingTest : public NetworkSuiteTest {
 protected:
  nv1::GetNetworkStatsResponse Stats(std::optional<absl::CivilDay> as_of = std::nullopt) {
    nv1::GetNetworkStatsRequest request;
    request.set_by_region(true);
    if (as_of.has_value()) {
      request.mutable_as_of()->set_year(static_cast<int32_t>(as_of->year()));
      request.mutable_as_of()->set_month(as_of->month());
      request.mutable_as_of()->set_day(as_of->day());
    }
    nv1::GetNetworkStatsResponse response;
    grpc::Status status = network_->GetNetworkStats(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }
};

TEST_P(NetworkLendingTest, LoanStatisticsFromLendingsStreamWithADurableCursor) {
  CreateAdvisor("bob");
  mv1::Circle a =
      CircleWithMembers("Bouffe Rosemont", {{mv1::CHARACTERISTIC_KIND_REGION, "Rosemont"}}, 4);
  mv1::Circle b = CircleWithMembers("Sans région", {}, 4);
  WaitForNetwork(a);
  WaitForNetwork(b);
  // Network has been retrying against a lending without the stream since it started.
  suite_->KillService("lending");
  LendingStandIn lending;
  std::unique_ptr<grpc::Server> server = ServeStandIn(&lending, suite_->Port("lending"));
  ASSERT_NE(server, nullptr);

  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  lending.Append(Loan(1, a.name(), lv1::LOAN_STATE_ACTIVE, 100000, today - 40), Fund());
  lending.Append(Loan(2, a.name(), lv1::LOAN_STATE_ACTIVE, 50000, std::nullopt), Fund());
  lending.Append(Loan(3, b.name(), lv1::LOAN_STATE_ACTIVE, 25000, today - 10), Fund());
  lending.Append(Loan(4, a.name(), lv1::LOAN_STATE_CLOSED_REPAID, 0, std::nullopt), Fund());
  lending.Append(Loan(5, b.name(), lv1::LOAN_STATE_WRITTEN_OFF, 0, std::nullopt), Fund());
  nv1::GetNetworkStatsResponse stats;
  ASSERT_TRUE(Eventually(
      [&] {
        stats = Stats();
        return stats.funds_size() == 1 && stats.funds(0).loans_written_off() == 1;
      },
      absl::Seconds(30)))
      << stats.DebugString() << suite_->Log("network");
  const nv1::NetworkStats& fund = stats.funds(0);
  EXPECT_EQ(fund.active_loans(), 3);
  EXPECT_EQ(fund.outstanding_principal().minor_units(), 175000);
  EXPECT_EQ(fund.outstanding_principal().currency_code(), "CAD");
  EXPECT_EQ(fund.principal_at_risk_30().minor_units(), 100000);
  EXPECT_EQ(fund.par30_bps(), 5714);  // 100,000 / 175,000
  EXPECT_EQ(fund.repayment_rate_bps(), 5000);
  ASSERT_EQ(stats.regions_size(), 2);
  EXPECT_EQ(stats.regions(0).region(), "(none)");
  EXPECT_EQ(stats.regions(0).par30_bps(), 0);
  EXPECT_EQ(stats.regions(1).region(), "Rosemont");
  EXPECT_EQ(stats.regions(1).par30_bps(), 6667);
  // Days past due are counted to the request's date.
  EXPECT_EQ(Stats(today - 10).funds(0).principal_at_risk_30().minor_units(), 0);
  EXPECT_EQ(Stats(today + 25).funds(0).principal_at_risk_30().minor_units(), 125000);

  // Restarted, network resumes after the last event it applied.
  suite_->KillService("network");
  ASSERT_TRUE(suite_->StartService("network").ok());
  lending.Append(Loan(2, a.name(), lv1::LOAN_STATE_CLOSED_REPAID, 0, std::nullopt), Fund());
  ASSERT_TRUE(Eventually([&] { return Stats().funds(0).loans_repaid() == 2; }, absl::Seconds(30)))
      << suite_->Log("network");
  EXPECT_EQ(Stats().funds(0).active_loans(), 2);
  EXPECT_EQ(Stats().funds(0).repayment_rate_bps(), 6667);
  std::vector<int64_t> asked = lending.asked();
  ASSERT_GE(asked.size(), 2u);
  EXPECT_EQ(asked.front(), 0);
  EXPECT_EQ(asked.back(), 50);  // the fifth event's sequence: nothing applied twice
  lending.Stop();
  server->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
}

// End to end with the real lending process: loans requested, voted, approved
// and disbursed through lending's API reach network's statistics by lending's
// own event stream.
class NetworkRealLendingTest : public LendingFixture {};

TEST_P(NetworkRealLendingTest, DisbursedLoansReachTheNetworksStatistics) {
  std::vector<std::string> members;
  const std::string circle = Circle("Boulangers", 5, &members);
  const absl::CivilDay today = FundToday();
  // Disbursed three months ago, nothing repaid: late since its first instalment.
  ActiveLoan late = Disburse(circle, members, 0, 50000, today - 90);
  ActiveLoan current = Disburse(circle, members, 1, 40000, today);
  auto network = nv1::NetworkService::NewStub(suite_->StaffChannel("network"));
  nv1::GetNetworkStatsResponse stats;
  // Whether network's statistics (one fund) come to satisfy `ready` within 30 s.
  auto stats_until = [&](auto ready) {
    return Eventually(
        [&] {
          stats.Clear();
          return network->GetNetworkStats(Admin().get(), nv1::GetNetworkStatsRequest(), &stats)
                     .ok() &&
                 stats.funds_size() == 1 && ready(stats.funds(0));
        },
        absl::Seconds(30));
  };
  ASSERT_TRUE(stats_until([](const nv1::NetworkStats& f) { return f.active_loans() == 2; }))
      << stats.DebugString() << suite_->Log("network");
  const nv1::NetworkStats& fund = stats.funds(0);
  EXPECT_EQ(fund.outstanding_principal().minor_units(),
            late.loan.outstanding_principal().minor_units() +
                current.loan.outstanding_principal().minor_units());
  EXPECT_EQ(fund.principal_at_risk_30().minor_units(),
            late.loan.outstanding_principal().minor_units());
  EXPECT_EQ(fund.members(), 5);

  // A reschedule approved in lending is counted by network (its RESCHEDULED event).
  EXPECT_EQ(fund.loans_rescheduled(), 0);
  lv1::RequestRescheduleRequest ask;
  ask.set_request_id("network-reschedule");
  ask.set_loan(late.name());
  lv1::LoanReschedule* terms = ask.mutable_reschedule();
  terms->set_instalment_count(6);
  terms->set_frequency(lv1::REPAYMENT_FREQUENCY_MONTHLY);
  *terms->mutable_first_due_date() = ToDate(today + 10);
  terms->set_reason("Saison creuse");
  lv1::RequestRescheduleResponse asked;
  ASSERT_THAT(lending_->RequestReschedule(Bob().get(), ask, &asked), IsOk());
  lv1::ApproveRescheduleRequest approve;
  approve.set_request_id("network-approve");
  approve.set_reschedule(asked.reschedule().name());
  lv1::ApproveRescheduleResponse approved;
  ASSERT_THAT(lending_->ApproveReschedule(Admin().get(), approve, &approved), IsOk());
  ASSERT_TRUE(stats_until([](const nv1::NetworkStats& f) { return f.reschedules() == 1; }))
      << stats.DebugString() << suite_->Log("network");
  EXPECT_EQ(stats.funds(0).loans_rescheduled(), 1);
  EXPECT_EQ(stats.funds(0).active_loans(), 2);
}

INSTANTIATE_TEST_SUITE_P(Engines, NetworkRealLendingTest, AllEngines(), EngineParamName);

INSTANTIATE_TEST_SUITE_P(Engines, NetworkLendingTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
