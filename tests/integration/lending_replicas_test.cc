// Two lending replicas on one PostgreSQL database repay the same loans at once
// (issue 11, point 5): their group-commit transactions must never deadlock each
// other. Clients record repayments through both replicas for a few seconds;
// PostgreSQL's own deadlock counter for the database (pg_stat_database) must not
// move, every call is answered, every acknowledged repayment is stored exactly
// once, each loan's events follow its repayments in order, and the books balance.
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
#include "cercles/lending/v1/events.pb.h"
#include "common/storage/database.h"
#include "gtest/gtest.h"
#include "tests/integration/lending_fixture.h"

// This test reads and writes the deprecated string fields on purpose: they keep
// answering as in 0.1.0 beside the enums that replace them.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace cercles::testing {
namespace {

namespace lv1 = cercles::lending::v1;

constexpr int kClientsPerReplica = 12;
constexpr absl::Duration kLoad = absl::Seconds(4);
constexpr char kReplica[] = "lending-2";

class LendingReplicasTest : public LendingFixture {
 protected:
  // The deadlocks PostgreSQL has detected in the lending database so far. A
  // backend reports its counters when its transaction ends and it idles, or
  // when it exits: read after the replicas' connections closed.
  int64_t Deadlocks() {
    auto db = storage::Database::Open(suite_->DatabaseUrl("lending"));
    EXPECT_TRUE(db.ok()) << db.status();
    if (!db.ok()) return -1;
    int64_t deadlocks = -1;
    absl::Status read = storage::RunInTransaction(
        **db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
          absl::StatusOr<storage::Rows> rows =
              tx.Query("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()");
          if (!rows.ok()) return rows.status();
          if (rows->size() != 1) return absl::InternalError("no pg_stat_database row");
          deadlocks = (*rows)[0].Int(0);
          return absl::OkStatus();
        });
    EXPECT_TRUE(read.ok()) << read;
    return deadlocks;
  }

  // Stops both replicas (their backends report their statistics as they end)
  // and starts the first one again for the checks.
  void StopReplicas() {
    EXPECT_TRUE(suite_->TerminateService(kReplica, absl::Seconds(20)).has_value());
    EXPECT_TRUE(suite_->TerminateService("lending", absl::Seconds(20)).has_value());
    absl::Status restarted = suite_->StartService("lending");
    ASSERT_TRUE(restarted.ok()) << restarted;
  }

  // One client on one replica: repayments of 1 to 7 cents (no loan closes) on
  // the loans in turn, request ids "replica-<client>-<n>", until `stop`.
  void Client(int client, const std::string& replica, const std::vector<std::string>& loans,
              const std::atomic<bool>& stop) {
    auto stub = lv1::LendingService::NewStub(suite_->StaffChannel(replica));
    for (int n = 0; !stop; ++n) {
      lv1::RecordRepaymentRequest request;
      request.set_request_id(absl::StrCat("replica-", client, "-", n));
      request.set_loan(loans[(client + n) % loans.size()]);
      *request.mutable_amount() = Cad(1 + n % 7);
      request.set_reference(request.request_id());
      lv1::RecordRepaymentResponse response;
      auto context = Context(TestCredentials().advisor_token, absl::Seconds(30));
      grpc::Status status = stub->RecordRepayment(context.get(), request, &response);
      std::lock_guard<std::mutex> lock(mu_);
      if (!status.ok()) {
        failures_.push_back(absl::StrCat(request.request_id(), " on ", replica, ": ",
                                         status.error_code(), " ", status.error_message()));
        continue;
      }
      acknowledged_[request.request_id()] = {request.loan(), response.repayment().name(),
                                             request.amount().minor_units()};
    }
  }

  std::mutex mu_;
  std::map<std::string, AcknowledgedRepayment> acknowledged_;  // by request_id
  std::vector<std::string> failures_;
};

TEST_P(LendingReplicasTest, ReplicasRepayingTheSameLoansNeverDeadlock) {
  std::vector<std::string> loans;
  std::map<std::string, int64_t> owed_before;
  EightActiveLoans("Replica-A", "Replica-B", &loans, &owed_before);
  ASSERT_FALSE(HasFailure());
  absl::Status started = suite_->StartReplica("lending", kReplica);
  ASSERT_TRUE(started.ok()) << started;
  const int64_t deadlocks_before = Deadlocks();
  ASSERT_GE(deadlocks_before, 0);

  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int c = 0; c < 2 * kClientsPerReplica; ++c) {
    const std::string replica = c % 2 == 0 ? "lending" : kReplica;
    clients.emplace_back([&, c, replica] { Client(c, replica, loans, stop); });
  }
  const absl::Time load_start = absl::Now();
  absl::SleepFor(kLoad);
  stop = true;
  for (std::thread& t : clients) t.join();
  const absl::Duration load = absl::Now() - load_start;
  StopReplicas();
  const int64_t deadlocks = Deadlocks() - deadlocks_before;

  std::cout << acknowledged_.size() << " repayments acknowledged by two replicas on "
            << loans.size() << " loans in " << absl::FormatDuration(load) << " ("
            << static_cast<int64_t>(acknowledged_.size() / absl::ToDoubleSeconds(load)) << "/s), "
            << failures_.size() << " failed; PostgreSQL deadlocks: " << deadlocks << "\n";
  EXPECT_EQ(deadlocks, 0);
  EXPECT_TRUE(failures_.empty()) << failures_.size() << " calls failed, first: " << failures_[0];
  EXPECT_GT(acknowledged_.size(), 0u);

  ExpectStoredExactlyOnce(loans, owed_before, acknowledged_);

  // The outbox holds one REPAYMENT_RECORDED event per acknowledged repayment,
  // and in sequence order each loan's events follow its repayments' order (the
  // order the loan's lock gave them) with what is owed going down.
  auto db = storage::Database::Open(suite_->DatabaseUrl("lending"));
  ASSERT_TRUE(db.ok()) << db.status();
  size_t recorded = 0;
  std::map<std::string, std::pair<int64_t, int64_t>> last;  // loan -> (repayment id, owed)
  absl::Status read = storage::RunInTransaction(
      **db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
        absl::StatusOr<storage::Rows> rows =
            tx.Query("SELECT payload FROM outbox WHERE type = ? ORDER BY sequence",
                     {lv1::LoanChanged::descriptor()->full_name()});
        if (!rows.ok()) return rows.status();
        for (const storage::Row& row : *rows) {
          lv1::LoanChanged event;
          if (!event.ParseFromString(row.Bytes(0))) return absl::DataLossError("bad payload");
          if (event.change() != "REPAYMENT_RECORDED") continue;
          ++recorded;
          const std::string& name = event.repayment().name();
          const int64_t id = std::stoll(name.substr(name.rfind('/') + 1));
          const int64_t owed = event.loan().outstanding_principal().minor_units() +
                               event.loan().outstanding_interest().minor_units();
          auto [it, first] = last.try_emplace(event.loan().name(), id, owed);
          if (!first) {
            EXPECT_GT(id, it->second.first) << name << " after repayment " << it->second.first;
            EXPECT_LT(owed, it->second.second) << name;
            it->second = {id, owed};
          }
        }
        return absl::OkStatus();
      });
  ASSERT_TRUE(read.ok()) << read;
  EXPECT_EQ(recorded, acknowledged_.size());

  lv1::GetTrialBalanceResponse trial = TrialBalance();
  EXPECT_TRUE(trial.balanced());
  EXPECT_EQ(trial.total_debit().minor_units(), trial.total_credit().minor_units());
}

// PostgreSQL only: on SQLite writers are serialised by the file's lock, and a
// second process on the same file adds nothing to test here.
INSTANTIATE_TEST_SUITE_P(Engines, LendingReplicasTest, ::testing::Values(Engine::kPostgres),
                         EngineParamName);

}  // namespace
}  // namespace cercles::testing
