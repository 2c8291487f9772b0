// A fund with active loans, set up through the public RPCs of real processes
// (membership: advisors, a training, people, circles; lending: request, the
// circle's votes, the fund's approval, disbursement), for the tests of what
// happens to a loan once disbursed. Header-only: every integration test binary
// links the same suite library.
#ifndef CERCLES_TESTS_INTEGRATION_LENDING_FIXTURE_H_
#define CERCLES_TESTS_INTEGRATION_LENDING_FIXTURE_H_

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cercles/lending/v1/events.pb.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "cercles/membership/v1/trainings.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/integration/membership_fixtures.h"
#include "tests/integration/suite.h"
#include "tests/support/servers.h"

namespace cercles::testing {

inline cercles::common::v1::Date ToDate(absl::CivilDay day) {
  cercles::common::v1::Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

inline absl::CivilDay FromDate(const cercles::common::v1::Date& d) {
  return absl::CivilDay(d.year(), d.month(), d.day());
}

// Today as lending sees it (the fund's time zone).
inline absl::CivilDay FundToday() {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone("America/Toronto", &zone)) zone = absl::UTCTimeZone();
  return absl::ToCivilDay(absl::Now(), zone);
}

// "Today" in membership and network: UTC. From 00:00 to 04:00-05:00 UTC it is
// the day after lending's; a meeting recorded today in membership is dated so.
inline absl::CivilDay MembershipToday() {
  return absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
}

inline cercles::common::v1::Money Cad(int64_t cents) {
  cercles::common::v1::Money money;
  money.set_currency_code("CAD");
  money.set_minor_units(cents);
  return money;
}

// One disbursed loan and its schedule.
struct ActiveLoan {
  cercles::lending::v1::Loan loan;
  cercles::lending::v1::Schedule schedule;
  std::string name() const { return loan.name(); }
};

class LendingFixture : public EngineSuiteTest {
 protected:
  void SetUp() override {
    EngineSuiteTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    Prepare();
  }

  // The stubs of suite_'s services.
  void BindStubs() {
    auto channel = suite_->StaffChannel("membership");
    circles_ = cercles::membership::v1::MembershipService::NewStub(channel);
    people_ = cercles::membership::v1::PeopleService::NewStub(channel);
    trainings_ = cercles::membership::v1::TrainingService::NewStub(channel);
    lending_ = cercles::lending::v1::LendingService::NewStub(suite_->StaffChannel("lending"));
  }

  // BindStubs, then what every test starts from in suite_'s fund: the
  // advisors bob and dora (known to lending) and a training (training_).
  // Once per suite (a test with several funds swaps suite_ and calls it again).
  void Prepare() {
    BindStubs();
    CreateAdvisor("bob");
    CreateAdvisor("dora");

    cercles::membership::v1::CreateTrainingRequest training;
    training.set_request_id("training-1");
    training.mutable_training()->set_display_name("Cohorte");
    *training.mutable_training()->mutable_start_date() = ToDate(FundToday() - 500);
    *training.mutable_training()->mutable_end_date() = ToDate(FundToday() - 450);
    cercles::membership::v1::CreateTrainingResponse created;
    grpc::Status status = trainings_->CreateTraining(Admin().get(), training, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
    training_ = created.training().name();
    // Lending learns the advisors from membership's events.
    ASSERT_TRUE(Eventually(
        [&] {
          cercles::lending::v1::ListLoansResponse listed;
          return lending_->ListLoans(Bob().get(), cercles::lending::v1::ListLoansRequest(), &listed)
                     .ok() &&
                 lending_
                     ->ListLoans(Dora().get(), cercles::lending::v1::ListLoansRequest(), &listed)
                     .ok();
        },
        absl::Seconds(15)));
  }

  void CreateAdvisor(const std::string& token_name) {
    cercles::membership::v1::CreateAdvisorRequest request;
    request.set_request_id("advisor-" + token_name);
    request.mutable_advisor()->set_display_name(token_name);
    request.mutable_advisor()->set_email(token_name + "@fonds.example");
    request.mutable_advisor()->set_principal_name(token_name);
    cercles::membership::v1::CreateAdvisorResponse response;
    grpc::Status status = circles_->CreateAdvisor(Admin().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // An ACTIVE circle of Bob's with `count` new trained members. `name` becomes
  // part of request ids: letters, digits and dashes only.
  std::string Circle(const std::string& name, int count, std::vector<std::string>* members) {
    cercles::membership::v1::CreateCircleRequest create;
    create.set_request_id(absl::StrCat("circle-", ++counter_));
    create.mutable_circle()->set_display_name(name);
    cercles::membership::v1::CreateCircleResponse created;
    grpc::Status status = circles_->CreateCircle(Bob().get(), create, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    const std::string circle = created.circle().name();
    for (int i = 0; i < count; ++i) {
      NewPerson person;
      person.given_name = absl::StrCat(name, "-", i);
      members->push_back(CreatePersonInTraining(*people_, *trainings_,
                                                TestCredentials().admin_token, training_,
                                                ToDate(FundToday() - 450), person));
      cercles::membership::v1::AddCircleMemberRequest add;
      add.set_request_id(absl::StrCat("add-", ++counter_));
      add.set_circle(circle);
      add.set_person(members->back());
      add.set_reason("founder");
      cercles::membership::v1::AddCircleMemberResponse added;
      status = circles_->AddCircleMember(Bob().get(), add, &added);
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    cercles::membership::v1::ActivateCircleRequest activate;
    activate.set_request_id(absl::StrCat("activate-", ++counter_));
    activate.set_name(circle);
    cercles::membership::v1::ActivateCircleResponse activated;
    status = circles_->ActivateCircle(Bob().get(), activate, &activated);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return circle;
  }

  // members[applicant]'s loan of `amount_cents` at 5 % (or `annual_rate_bps`)
  // over 12 months, approved by three other members and the admin, disbursed on
  // `disbursed_on` with the first instalment due a month later. Failures are
  // test failures.
  ActiveLoan Disburse(const std::string& circle, const std::vector<std::string>& members,
                      size_t applicant, int64_t amount_cents, absl::CivilDay disbursed_on,
                      int32_t annual_rate_bps = 500) {
    namespace lv1 = cercles::lending::v1;
    ActiveLoan out;
    const std::string tag = absl::StrCat("loan-", ++counter_);
    lv1::SubmitLoanRequestRequest submit;
    submit.set_request_id(tag + "-submit");
    submit.set_circle(circle);
    lv1::Loan* loan = submit.mutable_loan();
    loan->set_applicant(members[applicant]);
    *loan->mutable_amount() = Cad(amount_cents);
    loan->set_purpose("Un four à pain");
    loan->set_business_plan_summary("Boulangerie de quartier; 40 clients par jour");
    loan->set_instalment_count(12);
    loan->set_frequency(lv1::REPAYMENT_FREQUENCY_MONTHLY);
    loan->set_annual_rate_bps(annual_rate_bps);
    lv1::SubmitLoanRequestResponse submitted;
    grpc::Status status = lending_->SubmitLoanRequest(Bob().get(), submit, &submitted);
    EXPECT_TRUE(status.ok()) << status.error_message();
    const std::string name = submitted.loan().name();
    int votes = 0;
    for (size_t i = 0; i < members.size() && votes < 3; ++i) {
      if (i == applicant) continue;
      lv1::CastCircleVoteRequest vote;
      vote.set_request_id(absl::StrCat(tag, "-vote-", i));
      vote.set_loan(name);
      vote.set_voter(members[i]);
      vote.set_approve(true);
      lv1::CastCircleVoteResponse voted;
      status = lending_->CastCircleVote(Bob().get(), vote, &voted);
      EXPECT_TRUE(status.ok()) << status.error_message();
      ++votes;
    }
    lv1::ApproveLoanRequest approve;
    approve.set_request_id(tag + "-approve");
    approve.set_loan(name);
    lv1::ApproveLoanResponse approved;
    status = lending_->ApproveLoan(Admin().get(), approve, &approved);
    EXPECT_TRUE(status.ok()) << status.error_message();
    lv1::DisburseLoanRequest disburse;
    disburse.set_request_id(tag + "-disburse");
    disburse.set_loan(name);
    *disburse.mutable_disbursement_date() = ToDate(disbursed_on);
    *disburse.mutable_first_due_date() = ToDate(absl::CivilDay(
        disbursed_on.year(), disbursed_on.month() + 1, std::min(disbursed_on.day(), 28)));
    lv1::DisburseLoanResponse disbursed;
    status = lending_->DisburseLoan(Admin().get(), disburse, &disbursed);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(disbursed.loan().state(), lv1::LOAN_STATE_ACTIVE);
    out.loan = disbursed.loan();
    out.schedule = disbursed.schedule();
    return out;
  }

  cercles::lending::v1::GetTrialBalanceResponse TrialBalance() {
    cercles::lending::v1::GetTrialBalanceResponse response;
    grpc::Status status = lending_->GetTrialBalance(
        Admin().get(), cercles::lending::v1::GetTrialBalanceRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // The balance of one account of the trial balance (-1 when absent).
  static int64_t AccountBalance(const cercles::lending::v1::GetTrialBalanceResponse& trial,
                                const std::string& account_name) {
    for (const auto& account : trial.accounts()) {
      if (account.account_name() == account_name) return account.balance().minor_units();
    }
    return -1;
  }

  // Every repayment of a loan, through ListRepayments' pages of `page_size`.
  std::vector<cercles::lending::v1::Repayment> Repayments(const std::string& loan,
                                                          int page_size = 500) {
    std::vector<cercles::lending::v1::Repayment> out;
    cercles::lending::v1::ListRepaymentsRequest request;
    request.set_loan(loan);
    request.set_page_size(page_size);
    for (;;) {
      cercles::lending::v1::ListRepaymentsResponse page;
      grpc::Status status = lending_->ListRepayments(Admin().get(), request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) return out;
      out.insert(out.end(), page.repayments().begin(), page.repayments().end());
      if (page.next_page_token().empty()) return out;
      request.set_page_token(page.next_page_token());
    }
  }

  // Eight ACTIVE loans of 400.00 disbursed 20 days ago, four in each of two new
  // circles named `circle_a` and `circle_b`; their names in `loans` and what
  // each owes (principal + interest) in `owed`.
  void EightActiveLoans(const char* circle_a, const char* circle_b, std::vector<std::string>* loans,
                        std::map<std::string, int64_t>* owed) {
    for (const char* name : {circle_a, circle_b}) {
      std::vector<std::string> members;
      const std::string circle = Circle(name, 5, &members);
      for (size_t applicant = 0; applicant < 4; ++applicant) {
        ActiveLoan loan = Disburse(circle, members, applicant, 40'000, FundToday() - 20);
        loans->push_back(loan.name());
        (*owed)[loan.name()] = loan.loan.outstanding_principal().minor_units() +
                               loan.loan.outstanding_interest().minor_units();
      }
    }
  }

  // A repayment the service acknowledged (by its request_id in the maps below).
  struct AcknowledgedRepayment {
    std::string loan;
    std::string repayment;  // its name
    int64_t amount_cents = 0;
  };

  // What the tests that repay under faults check afterwards: every acknowledged
  // repayment is stored exactly once (its reference is its request_id), nothing
  // else is stored, and each loan's outstanding amounts moved by exactly what
  // was stored (`owed_before`: principal + interest by loan, before the load).
  void ExpectStoredExactlyOnce(const std::vector<std::string>& loans,
                               const std::map<std::string, int64_t>& owed_before,
                               const std::map<std::string, AcknowledgedRepayment>& acknowledged) {
    std::map<std::string, int> stored;  // by reference (= request_id)
    for (const std::string& loan : loans) {
      int64_t repaid = 0;
      for (const cercles::lending::v1::Repayment& repayment : Repayments(loan)) {
        ++stored[repayment.reference()];
        auto it = acknowledged.find(repayment.reference());
        if (it == acknowledged.end()) {
          ADD_FAILURE() << repayment.name() << " (" << repayment.reference()
                        << ") was stored but never acknowledged";
          continue;
        }
        EXPECT_EQ(it->second.repayment, repayment.name());
        EXPECT_EQ(it->second.loan, loan);
        EXPECT_EQ(repayment.amount().minor_units(), it->second.amount_cents);
        repaid += repayment.amount().minor_units();
      }
      cercles::lending::v1::GetLoanRequest get;
      get.set_name(loan);
      cercles::lending::v1::GetLoanResponse got;
      ASSERT_TRUE(lending_->GetLoan(Admin().get(), get, &got).ok());
      EXPECT_EQ(got.loan().outstanding_principal().minor_units() +
                    got.loan().outstanding_interest().minor_units(),
                owed_before.at(loan) - repaid)
          << loan;
    }
    for (const auto& [request_id, ack] : acknowledged) {
      EXPECT_EQ(stored[request_id], 1) << request_id << " (" << ack.repayment << ")";
    }
    EXPECT_EQ(stored.size(), acknowledged.size());
  }

  std::unique_ptr<cercles::membership::v1::MembershipService::Stub> circles_;
  std::unique_ptr<cercles::membership::v1::PeopleService::Stub> people_;
  std::unique_ptr<cercles::membership::v1::TrainingService::Stub> trainings_;
  std::unique_ptr<cercles::lending::v1::LendingService::Stub> lending_;
  std::string training_;
  int counter_ = 0;
};

}  // namespace cercles::testing

#endif  // CERCLES_TESTS_INTEGRATION_LENDING_FIXTURE_H_
