// What happens to a disbursed loan, through the real processes on each engine:
// repayments (interest then principal, oldest instalment first, prepayment,
// payoff), refused repayments that change nothing, reversals, request_id
// replays, guarantee calls and guarantors' payments, write-offs; the journal and
// the trial balance agree with the loans after each story.
#include <atomic>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "common/api/closed_set.h"
#include "common/api/money.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/lending_fixture.h"
#include "tests/support/status_matchers.h"

// This test reads and writes the deprecated string fields on purpose: they keep
// answering as in 0.1.0 beside the enums that replace them.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace cercles::testing {
namespace {

namespace lv1 = cercles::lending::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class RepaymentsTest : public LendingFixture {
 protected:
  void SetUp() override {
    LendingFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    circle_ = Circle("Boulangeres", 5, &members_);
  }

  lv1::RecordRepaymentRequest Payment(const std::string& request_id, const std::string& loan,
                                      int64_t cents) {
    lv1::RecordRepaymentRequest request;
    request.set_request_id(request_id);
    request.set_loan(loan);
    *request.mutable_amount() = Cad(cents);
    return request;
  }

  grpc::Status Pay(const lv1::RecordRepaymentRequest& request,
                   lv1::RecordRepaymentResponse* response = nullptr,
                   grpc::ClientContext* context = nullptr) {
    lv1::RecordRepaymentResponse own_response;
    auto own_context = Bob();
    return lending_->RecordRepayment(context != nullptr ? context : own_context.get(), request,
                                     response != nullptr ? response : &own_response);
  }

  grpc::Status Reverse(const std::string& request_id, const std::string& repayment,
                       lv1::ReverseRepaymentResponse* response = nullptr,
                       grpc::ClientContext* context = nullptr) {
    lv1::ReverseRepaymentRequest request;
    request.set_request_id(request_id);
    request.set_repayment(repayment);
    request.set_reason("Chèque sans provision");
    lv1::ReverseRepaymentResponse own_response;
    auto own_context = Admin();
    return lending_->ReverseRepayment(context != nullptr ? context : own_context.get(), request,
                                      response != nullptr ? response : &own_response);
  }

  lv1::Loan GetLoan(const std::string& name) {
    lv1::GetLoanRequest request;
    request.set_name(name);
    lv1::GetLoanResponse response;
    grpc::Status status = lending_->GetLoan(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.loan();
  }

  std::vector<lv1::JournalEntry> Entries(const std::string& loan, const std::string& kind) {
    lv1::ListJournalEntriesRequest request;
    request.set_loan(loan);
    request.set_kind(kind);
    lv1::ListJournalEntriesResponse response;
    grpc::Status status = lending_->ListJournalEntries(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.entries().begin(), response.entries().end()};
  }

  // The changes announced for `loan` from its disbursement on, in order, once
  // `count` have been seen.
  std::vector<std::string> LoanChanges(const std::string& loan, size_t count) {
    std::vector<std::string> changes;
    auto context = Context(TestCredentials().admin_token, absl::Seconds(10));
    auto reader = lending_->WatchEvents(context.get(), lv1::WatchEventsRequest());
    lv1::WatchEventsResponse response;
    while (changes.size() < count && reader->Read(&response)) {
      lv1::LoanChanged changed;
      if (!response.event().payload().UnpackTo(&changed) || changed.loan().name() != loan) {
        continue;
      }
      // Both shapes of every change: the enum and its deprecated name.
      EXPECT_EQ(api::EnumText(*lv1::LoanChangeKind_descriptor(), changed.change_kind()),
                changed.change());
      // Both shapes of its amount: the Money and its deprecated int64 twin.
      EXPECT_TRUE(changed.has_amount());
      EXPECT_EQ(changed.amount().minor_units(), changed.amount_minor_units());
      EXPECT_EQ(changed.amount().currency_code(), "CAD");
      if (!changes.empty() || changed.change() == "DISBURSED") changes.push_back(changed.change());
    }
    context->TryCancel();
    reader->Finish();
    return changes;
  }

  // The books agree with the loans: balanced, and the loan portfolio account
  // holds what the active loans still owe in principal (less what their
  // guarantors now owe instead).
  void ExpectBooksMatchLoans() {
    lv1::GetTrialBalanceResponse trial = TrialBalance();
    EXPECT_TRUE(trial.balanced());
    EXPECT_EQ(trial.total_debit().minor_units(), trial.total_credit().minor_units());
    EXPECT_EQ(trial.total_debit().minor_units(), trial.total_debit_minor_units());
    EXPECT_EQ(trial.total_credit().minor_units(), trial.total_credit_minor_units());
    lv1::ListLoansRequest request;
    request.set_page_size(500);
    lv1::ListLoansResponse loans;
    ASSERT_TRUE(lending_->ListLoans(Admin().get(), request, &loans).ok());
    int64_t on_loans = 0;
    for (const lv1::Loan& loan : loans.loans()) {
      if (loan.state() != lv1::LOAN_STATE_ACTIVE) continue;
      on_loans +=
          loan.outstanding_principal().minor_units() - loan.guarantee_called().minor_units();
    }
    EXPECT_EQ(AccountBalance(trial, "LOANS_RECEIVABLE"), on_loans);
  }

  static int64_t Total(const lv1::Loan& loan) {
    return loan.outstanding_principal().minor_units() + loan.outstanding_interest().minor_units();
  }

  std::string circle_;
  std::vector<std::string> members_;
};

TEST_P(RepaymentsTest, RepaymentsPayInterestThenPrincipalOldestInstalmentFirst) {
  // Disbursed 100 days ago: three instalments are due by today.
  const ActiveLoan loan = Disburse(circle_, members_, 0, 50'000, FundToday() - 100);
  ASSERT_FALSE(HasFailure());
  const lv1::Schedule& schedule = loan.schedule;
  // 50000 at 5 %/12: the annuity is 4280.37 cents, the first month's interest
  // 50000 * 0.05 / 12 = 208.33 (see loans_test for the reference values).
  ASSERT_EQ(schedule.instalments(0).interest().minor_units(), 208);
  ASSERT_EQ(schedule.instalments(0).principal().minor_units(), 4'072);
  const absl::CivilDay first_due = FromDate(schedule.instalments(0).due_date());

  // Received on the first due date: instalment 1 is paid in full (interest
  // first), the rest goes to instalment 2 the same way, although it is not due
  // yet: its interest, then its principal.
  const int64_t interest_2 = schedule.instalments(1).interest().minor_units();
  const int64_t principal_2 = schedule.instalments(1).principal().minor_units();
  const int64_t to_principal_2 = 5'000 - 4'280 - interest_2;
  lv1::RecordRepaymentRequest first = Payment("pay-1", loan.name(), 5'000);
  *first.mutable_received_on() = ToDate(first_due);
  first.set_reference("reçu 0001");
  lv1::RecordRepaymentResponse recorded;
  grpc::Status status = Pay(first, &recorded);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const lv1::Repayment r1 = recorded.repayment();
  EXPECT_EQ(r1.name().rfind(loan.name() + "/repayments/", 0), 0u) << r1.name();
  ASSERT_EQ(r1.allocations_size(), 2);
  EXPECT_EQ(r1.allocations(0).instalment_number(), 1);
  EXPECT_EQ(r1.allocations(0).interest().minor_units(), 208);
  EXPECT_EQ(r1.allocations(0).principal().minor_units(), 4'072);
  EXPECT_EQ(r1.allocations(1).instalment_number(), 2);
  EXPECT_EQ(r1.allocations(1).interest().minor_units(), interest_2);
  EXPECT_EQ(r1.allocations(1).principal().minor_units(), to_principal_2);
  EXPECT_EQ(r1.principal().minor_units(), 4'072 + to_principal_2);
  EXPECT_EQ(r1.interest().minor_units(), 208 + interest_2);
  EXPECT_EQ(r1.reference(), "reçu 0001");
  EXPECT_EQ(r1.recorded_by(), "staff:bob");
  EXPECT_GT(r1.journal_entry_id(), 0);
  EXPECT_EQ(recorded.loan().outstanding_principal().minor_units(), 50'000 - 4'072 - to_principal_2);
  EXPECT_EQ(recorded.loan().outstanding_interest().minor_units(),
            schedule.total_interest().minor_units() - 208 - interest_2);
  EXPECT_EQ(recorded.loan().state(), lv1::LOAN_STATE_ACTIVE);

  // Received today: instalments 2 and 3 are due. What is left of instalment 2
  // (its principal only: its interest was paid ahead) first.
  ASSERT_TRUE(Pay(Payment("pay-2", loan.name(), 3'000), &recorded).ok());
  const lv1::Repayment& r2 = recorded.repayment();
  EXPECT_EQ(FromDate(r2.received_on()), FundToday());
  ASSERT_EQ(r2.allocations_size(), 1);
  ASSERT_GT(principal_2 - to_principal_2, 3'000);
  EXPECT_EQ(r2.allocations(0).instalment_number(), 2);
  EXPECT_EQ(r2.allocations(0).interest().minor_units(), 0);
  EXPECT_EQ(r2.allocations(0).principal().minor_units(), 3'000);

  std::vector<lv1::Repayment> listed = Repayments(loan.name(), /*page_size=*/1);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].SerializeAsString(), r1.SerializeAsString());
  EXPECT_EQ(listed[1].name(), r2.name());

  // Each repayment is one entry: cash in, principal off the portfolio, interest
  // to income.
  std::vector<lv1::JournalEntry> entries = Entries(loan.name(), "REPAYMENT");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].id(), r1.journal_entry_id());
  EXPECT_EQ(FromDate(entries[0].effective_date()), first_due);
  std::vector<std::string> lines;
  for (const lv1::JournalLine& line : entries[0].lines()) {
    lines.push_back(absl::StrCat(line.account_name(), " ", line.debit().minor_units(), "/",
                                 line.credit().minor_units()));
    EXPECT_EQ(line.debit().minor_units(), line.debit_minor_units());  // both shapes
    EXPECT_EQ(line.credit().minor_units(), line.credit_minor_units());
  }
  EXPECT_THAT(
      lines, ElementsAre("CASH 5000/0", absl::StrCat("LOANS_RECEIVABLE 0/", 4'072 + to_principal_2),
                         absl::StrCat("INTEREST_INCOME 0/", 208 + interest_2)));
  ExpectBooksMatchLoans();
}

// Issue 12's story through the real process: $1,500 at 8 %, 12 monthly.
TEST_P(RepaymentsTest, PayingAheadIsNeverLateAndReducingPrincipalLowersTheInterest) {
  // A first loan of $1,500 needs a first rung that high.
  lv1::GetFundSettingsResponse current;
  ASSERT_TRUE(
      lending_->GetFundSettings(Admin().get(), lv1::GetFundSettingsRequest(), &current).ok());
  lv1::UpdateFundSettingsRequest update;
  update.set_request_id("ladder-1500");
  update.set_reason("Prêts de 1 500 $ dès le premier");
  *update.mutable_settings() = current.settings();
  // The new shape alone (the deprecated twin cleared).
  update.mutable_settings()->clear_ladder_minor_units();
  update.mutable_settings()->clear_ladder();
  *update.mutable_settings()->add_ladder() = api::ToMoney(150'000, "CAD");
  *update.mutable_settings()->add_ladder() = api::ToMoney(300'000, "");
  lv1::UpdateFundSettingsResponse updated;
  grpc::Status status = lending_->UpdateFundSettings(Admin().get(), update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.settings().prepayment_rule(), lv1::PREPAYMENT_RULE_PAY_NEXT_INSTALMENTS);

  const ActiveLoan loan = Disburse(circle_, members_, 0, 150'000, FundToday() - 100, 800);
  ASSERT_FALSE(HasFailure());
  const lv1::Schedule& schedule = loan.schedule;
  ASSERT_EQ(schedule.instalments(0).principal().minor_units(), 12'048);
  ASSERT_EQ(schedule.instalments(0).interest().minor_units(), 1'000);
  const absl::CivilDay due_1 = FromDate(schedule.instalments(0).due_date());
  const absl::CivilDay due_2 = FromDate(schedule.instalments(1).due_date());
  const absl::CivilDay due_3 = FromDate(schedule.instalments(2).due_date());
  ASSERT_LE(due_3, FundToday());

  // Instalment 1 in full, ten days before it falls due: all of it on instalment 1.
  lv1::RecordRepaymentRequest early = Payment("story-1", loan.name(), 13'048);
  *early.mutable_received_on() = ToDate(due_1 - 10);
  lv1::RecordRepaymentResponse recorded;
  status = Pay(early, &recorded);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(recorded.repayment().allocations_size(), 1);
  EXPECT_EQ(recorded.repayment().allocations(0).instalment_number(), 1);
  EXPECT_EQ(recorded.repayment().allocations(0).principal().minor_units(), 12'048);
  EXPECT_EQ(recorded.repayment().allocations(0).interest().minor_units(), 1'000);

  // Instalment 2 on its due date.
  lv1::RecordRepaymentRequest on_time = Payment("story-2", loan.name(), 13'048);
  *on_time.mutable_received_on() = ToDate(due_2);
  ASSERT_TRUE(Pay(on_time, &recorded).ok());

  // Instalment 1 was cleared on the day it was paid; ten days after instalment 2
  // fell due the loan is current.
  lv1::GetLoanScheduleRequest schedule_request;
  schedule_request.set_loan(loan.name());
  lv1::GetLoanScheduleResponse paid_schedule;
  ASSERT_TRUE(lending_->GetLoanSchedule(Admin().get(), schedule_request, &paid_schedule).ok());
  EXPECT_EQ(FromDate(paid_schedule.schedule().instalments(0).cleared_on()), due_1 - 10);
  EXPECT_EQ(FromDate(paid_schedule.schedule().instalments(1).cleared_on()), due_2);
  lv1::GetLoanRequest get;
  get.set_name(loan.name());
  *get.mutable_as_of() = ToDate(due_2 + 10);
  lv1::GetLoanResponse got;
  ASSERT_TRUE(lending_->GetLoan(Admin().get(), get, &got).ok());
  EXPECT_EQ(got.loan().arrears().days_past_due(), 0);
  EXPECT_EQ(got.loan().arrears().bucket_label(), "CURRENT");
  EXPECT_EQ(got.loan().arrears().amount_in_arrears().minor_units(), 0);

  // A later $50.00 goes to the oldest unpaid interest first: instalment 3's.
  const int64_t interest_3 = schedule.instalments(2).interest().minor_units();
  lv1::RecordRepaymentRequest fifty = Payment("story-3", loan.name(), 5'000);
  *fifty.mutable_received_on() = ToDate(due_2 + 12);
  ASSERT_TRUE(Pay(fifty, &recorded).ok());
  ASSERT_EQ(recorded.repayment().allocations_size(), 1);
  EXPECT_EQ(recorded.repayment().allocations(0).instalment_number(), 3);
  EXPECT_EQ(recorded.repayment().allocations(0).interest().minor_units(), interest_3);
  EXPECT_EQ(recorded.repayment().allocations(0).principal().minor_units(), 5'000 - interest_3);
  ExpectBooksMatchLoans();

  // The fund now reduces principal on a prepayment. $600.00 before instalment 3
  // falls due: what is left of instalment 3, then the principal.
  update.set_request_id("reduce-principal");
  update.set_reason("Réduire le capital sur les remboursements anticipés");
  *update.mutable_settings() = updated.settings();
  update.mutable_settings()->set_prepayment_rule(lv1::PREPAYMENT_RULE_REDUCE_PRINCIPAL);
  status = lending_->UpdateFundSettings(Admin().get(), update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(updated.change().changes_size(), 1);
  EXPECT_EQ(updated.change().changes(0).field(), "prepayment_rule");
  EXPECT_EQ(updated.change().changes(0).new_value(), "REDUCE_PRINCIPAL");

  const int64_t interest_owed_before = recorded.loan().outstanding_interest().minor_units();
  lv1::GetLoanScheduleResponse before_prepayment;
  ASSERT_TRUE(lending_->GetLoanSchedule(Admin().get(), schedule_request, &before_prepayment).ok());
  lv1::RecordRepaymentRequest prepay = Payment("story-4", loan.name(), 60'000);
  *prepay.mutable_received_on() = ToDate(due_3 - 1);
  status = Pay(prepay, &recorded);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const lv1::Repayment prepayment = recorded.repayment();
  ASSERT_EQ(prepayment.allocations_size(), 2);
  EXPECT_EQ(prepayment.allocations(0).instalment_number(), 3);
  EXPECT_EQ(prepayment.allocations(1).instalment_number(), 4);
  EXPECT_EQ(prepayment.allocations(1).interest().minor_units(), 0);
  ASSERT_EQ(prepayment.revised_instalments_size(), 9);  // instalments 4 to 12
  int64_t interest_dropped = 0;
  for (const lv1::InstalmentRevision& revision : prepayment.revised_instalments()) {
    interest_dropped +=
        revision.interest_before().minor_units() - revision.interest_after().minor_units();
  }
  EXPECT_GT(interest_dropped, 0);
  // The interest owed goes down by the interest no longer scheduled (instalment
  // 3's was paid before).
  EXPECT_EQ(recorded.loan().outstanding_interest().minor_units(),
            interest_owed_before - interest_dropped);
  lv1::GetLoanScheduleResponse after_prepayment;
  ASSERT_TRUE(lending_->GetLoanSchedule(Admin().get(), schedule_request, &after_prepayment).ok());
  EXPECT_EQ(after_prepayment.schedule().total_interest().minor_units(),
            before_prepayment.schedule().total_interest().minor_units() - interest_dropped);
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(FromDate(after_prepayment.schedule().instalments(i).due_date()),
              FromDate(before_prepayment.schedule().instalments(i).due_date()));
  }
  // The books: the repayment's entry only (interest is income when received).
  ExpectBooksMatchLoans();
  std::vector<lv1::JournalEntry> entries = Entries(loan.name(), "REPAYMENT");
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries.back().id(), prepayment.journal_entry_id());

  // Reversing the prepayment restores the previous schedule exactly.
  lv1::ReverseRepaymentResponse reversed;
  status = Reverse("story-reverse", prepayment.name(), &reversed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(reversed.loan().outstanding_interest().minor_units(), interest_owed_before);
  lv1::GetLoanScheduleResponse restored;
  ASSERT_TRUE(lending_->GetLoanSchedule(Admin().get(), schedule_request, &restored).ok());
  EXPECT_EQ(restored.SerializeAsString(), before_prepayment.SerializeAsString());
  std::vector<lv1::Repayment> listed = Repayments(loan.name());
  ASSERT_EQ(listed.size(), 4u);
  EXPECT_EQ(listed[3].revised_instalments_size(), 9);  // what it did stays on record
  ExpectBooksMatchLoans();
}

TEST_P(RepaymentsTest, BadRepaymentsGetTheirCodeAndRuleAndChangeNothing) {
  const ActiveLoan loan = Disburse(circle_, members_, 0, 40'000, FundToday() - 40);
  ASSERT_FALSE(HasFailure());
  const int64_t owed = Total(loan.loan);

  lv1::RecordRepaymentResponse response;
  grpc::Status status = Pay(Payment("over", loan.name(), owed + 1));
  EXPECT_THAT(status,
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION,
                       ::testing::AllOf(HasSubstr("overpayments are refused"),
                                        HasSubstr(absl::StrFormat("still owes: %d.%02d CAD",
                                                                  owed / 100, owed % 100)))));

  status = Pay(Payment("zero", loan.name(), 0));
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("amount")));
  lv1::RecordRepaymentRequest dollars = Payment("usd", loan.name(), 100);
  dollars.mutable_amount()->set_currency_code("USD");
  status = Pay(dollars);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("CAD")));

  lv1::RecordRepaymentRequest future = Payment("future", loan.name(), 100);
  *future.mutable_received_on() = ToDate(FundToday() + 1);
  status = Pay(future);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                               ::testing::AllOf(HasSubstr("received_on"), HasSubstr("future"))));
  lv1::RecordRepaymentRequest early = Payment("early", loan.name(), 100);
  *early.mutable_received_on() = ToDate(FundToday() - 41);
  status = Pay(early);
  EXPECT_THAT(status,
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("before the disbursement")));

  status = Pay(Payment("", loan.name(), 100));
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("request_id")));
  status = Pay(Payment("bad-loan", "loans/x", 100));
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT));
  status = Pay(Payment("no-loan", "loans/999999", 100));
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::NOT_FOUND));

  // Another advisor's circle.
  status = Pay(Payment("dora", loan.name(), 100), nullptr, Dora().get());
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::PERMISSION_DENIED));

  // A request not disbursed yet.
  lv1::SubmitLoanRequestRequest submit;
  submit.set_request_id("submit-other");
  submit.set_circle(circle_);
  submit.mutable_loan()->set_applicant(members_[1]);
  *submit.mutable_loan()->mutable_amount() = Cad(10'000);
  submit.mutable_loan()->set_purpose("Stock");
  submit.mutable_loan()->set_business_plan_summary("Vente au marché");
  submit.mutable_loan()->set_instalment_count(6);
  submit.mutable_loan()->set_frequency(lv1::REPAYMENT_FREQUENCY_MONTHLY);
  submit.mutable_loan()->set_annual_rate_bps(500);
  lv1::SubmitLoanRequestResponse submitted;
  ASSERT_TRUE(lending_->SubmitLoanRequest(Bob().get(), submit, &submitted).ok());
  status = Pay(Payment("submitted", submitted.loan().name(), 100));
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("SUBMITTED")));

  EXPECT_TRUE(Repayments(loan.name()).empty());
  EXPECT_EQ(Total(GetLoan(loan.name())), owed);
  EXPECT_TRUE(Entries(loan.name(), "REPAYMENT").empty());
  ExpectBooksMatchLoans();
}

TEST_P(RepaymentsTest, PayoffClosesTheLoanAndReversalsReopenItLatestFirst) {
  const ActiveLoan loan = Disburse(circle_, members_, 0, 30'000, FundToday() - 10);
  ASSERT_FALSE(HasFailure());
  const int64_t owed = Total(loan.loan);

  lv1::RecordRepaymentResponse first, payoff;
  ASSERT_TRUE(Pay(Payment("pay-1", loan.name(), 1'000), &first).ok());
  grpc::Status status = Pay(Payment("pay-2", loan.name(), owed - 1'000), &payoff);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(payoff.loan().state(), lv1::LOAN_STATE_CLOSED_REPAID);
  EXPECT_EQ(Total(payoff.loan()), 0);
  EXPECT_TRUE(payoff.loan().has_close_time());

  status = Pay(Payment("pay-3", loan.name(), 100));
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("CLOSED_REPAID")));

  // Latest first; admins only.
  status = Reverse("reverse-first", first.repayment().name());
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION,
                               ::testing::AllOf(HasSubstr("latest"),
                                                HasSubstr(payoff.repayment().name()))));
  status = Reverse("reverse-bob", payoff.repayment().name(), nullptr, Bob().get());
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::PERMISSION_DENIED));

  lv1::ReverseRepaymentResponse reversed;
  status = Reverse("reverse-payoff", payoff.repayment().name(), &reversed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(reversed.repayment().reversed());
  EXPECT_GT(reversed.repayment().reversal_entry_id(), payoff.repayment().journal_entry_id());
  EXPECT_EQ(reversed.repayment().reversal_reason(), "Chèque sans provision");
  EXPECT_EQ(reversed.loan().state(), lv1::LOAN_STATE_ACTIVE);
  EXPECT_FALSE(reversed.loan().has_close_time());
  EXPECT_EQ(Total(reversed.loan()), owed - 1'000);
  EXPECT_EQ(reversed.loan().outstanding_principal().minor_units(),
            first.loan().outstanding_principal().minor_units());

  // A reversed repayment stays reversed.
  status = Reverse("reverse-again", payoff.repayment().name());
  EXPECT_THAT(status,
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("already reversed")));

  ASSERT_TRUE(Reverse("reverse-first-now", first.repayment().name(), &reversed).ok());
  EXPECT_EQ(Total(reversed.loan()), owed);
  EXPECT_EQ(reversed.loan().outstanding_principal().minor_units(), 30'000);

  std::vector<lv1::JournalEntry> reversals = Entries(loan.name(), "REPAYMENT_REVERSAL");
  ASSERT_EQ(reversals.size(), 2u);
  EXPECT_EQ(reversals[0].reverses_entry_id(), payoff.repayment().journal_entry_id());
  EXPECT_EQ(reversals[1].reverses_entry_id(), first.repayment().journal_entry_id());
  std::vector<lv1::Repayment> listed = Repayments(loan.name());
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_TRUE(listed[0].reversed());
  EXPECT_TRUE(listed[1].reversed());

  // The loan takes repayments again.
  ASSERT_TRUE(Pay(Payment("pay-4", loan.name(), 500)).ok());
  EXPECT_THAT(LoanChanges(loan.name(), 7),
              ElementsAre("DISBURSED", "REPAYMENT_RECORDED", "REPAYMENT_RECORDED", "CLOSED_REPAID",
                          "REPAYMENT_REVERSED", "REPAYMENT_REVERSED", "REPAYMENT_RECORDED"));
  ExpectBooksMatchLoans();
}

TEST_P(RepaymentsTest, AReplayedRequestIdReturnsTheFirstAnswer) {
  const ActiveLoan loan = Disburse(circle_, members_, 0, 20'000, FundToday() - 10);
  ASSERT_FALSE(HasFailure());
  lv1::RecordRepaymentResponse first, again;
  ASSERT_TRUE(Pay(Payment("pay-once", loan.name(), 700), &first).ok());
  auto context = Bob();
  ASSERT_TRUE(Pay(Payment("pay-once", loan.name(), 700), &again, context.get()).ok());
  EXPECT_EQ(again.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(context->GetServerInitialMetadata().count("cercles-replayed"), 1u);

  grpc::Status status = Pay(Payment("pay-once", loan.name(), 800));
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::ALREADY_EXISTS, HasSubstr("pay-once")));

  // The same new request sent by many clients at once (they share a group
  // commit): recorded once, every caller gets that answer.
  constexpr int kClients = 12;
  std::vector<lv1::RecordRepaymentResponse> answers(kClients);
  std::vector<grpc::Status> statuses(kClients);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back(
        [&, i] { statuses[i] = Pay(Payment("pay-race", loan.name(), 300), &answers[i]); });
  }
  for (std::thread& t : clients) t.join();
  for (int i = 0; i < kClients; ++i) {
    ASSERT_TRUE(statuses[i].ok()) << statuses[i].error_message();
    EXPECT_EQ(answers[i].repayment().name(), answers[0].repayment().name());
  }
  EXPECT_EQ(Repayments(loan.name()).size(), 2u);
  EXPECT_EQ(Total(GetLoan(loan.name())), Total(loan.loan) - 1'000);
  ExpectBooksMatchLoans();
}

TEST_P(RepaymentsTest, ACalledGuaranteeIsSharedAmongTheGuarantorsToTheCent) {
  // Disbursed 400 days ago and (nearly) never repaid.
  const ActiveLoan loan = Disburse(circle_, members_, 0, 33'333, FundToday() - 400);
  ASSERT_FALSE(HasFailure());
  const lv1::Instalment& first = loan.schedule.instalments(0);
  const absl::CivilDay first_due = FromDate(first.due_date());
  lv1::RecordRepaymentRequest paid = Payment(
      "pay-1", loan.name(), first.principal().minor_units() + first.interest().minor_units());
  *paid.mutable_received_on() = ToDate(first_due);
  ASSERT_TRUE(Pay(paid).ok());
  const int64_t principal = 33'333 - first.principal().minor_units();
  EXPECT_EQ(GetLoan(loan.name()).outstanding_principal().minor_units(), principal);

  lv1::CallGuaranteeRequest call;
  call.set_request_id("call-early");
  call.set_loan(loan.name());
  // About 30 days after instalment 2 fell due (instalment 1 is paid).
  *call.mutable_call_date() = ToDate(first_due + 61);
  lv1::CallGuaranteeResponse called;
  grpc::Status status = lending_->CallGuarantee(Admin().get(), call, &called);
  EXPECT_THAT(status,
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION,
                       ::testing::AllOf(HasSubstr("days past due"), HasSubstr("from 60 days"))));
  call.set_request_id("call-bob");
  call.clear_call_date();
  status = lending_->CallGuarantee(Bob().get(), call, &called);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::PERMISSION_DENIED));

  call.set_request_id("call");
  status = lending_->CallGuarantee(Admin().get(), call, &called);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(called.call().amount().minor_units(), principal);
  EXPECT_GE(called.call().days_past_due(), 60);
  ASSERT_EQ(called.call().shares_size(), 4);  // the four other members
  int64_t sum = 0;
  for (const lv1::GuarantorShare& share : called.call().shares()) {
    EXPECT_NE(share.guarantor(), members_[0]);
    EXPECT_GE(share.amount().minor_units(), principal / 4);
    EXPECT_LE(share.amount().minor_units(), principal / 4 + 1);
    EXPECT_EQ(share.paid().minor_units(), 0);
    sum += share.amount().minor_units();
  }
  EXPECT_EQ(sum, principal);
  EXPECT_EQ(called.loan().guarantee_called().minor_units(), principal);
  std::vector<lv1::JournalEntry> entries = Entries(loan.name(), "GUARANTEE_CALL");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].id(), called.call().journal_entry_id());
  EXPECT_EQ(entries[0].lines_size(), 5);  // one debit per guarantor, one credit

  call.set_request_id("call-again");
  status = lending_->CallGuarantee(Admin().get(), call, &called);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("already called")));
  status = Pay(Payment("pay-after-call", loan.name(), 100));
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("called")));

  // A guarantor pays part of their share, never more than what remains.
  const lv1::GuarantorShare share = called.call().shares(0);
  lv1::RecordGuarantorPaymentRequest payment;
  payment.set_request_id("guarantor-1");
  payment.set_loan(loan.name());
  payment.set_guarantor(share.guarantor());
  *payment.mutable_amount() = Cad(1'000);
  lv1::RecordGuarantorPaymentResponse after;
  status = lending_->RecordGuarantorPayment(Bob().get(), payment, &after);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(after.call().shares(0).paid().minor_units(), 1'000);
  payment.set_request_id("guarantor-2");
  *payment.mutable_amount() = Cad(share.amount().minor_units());
  status = lending_->RecordGuarantorPayment(Bob().get(), payment, &after);
  EXPECT_THAT(status,
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("exceeds what remains")));
  payment.set_request_id("guarantor-3");
  payment.set_guarantor(members_[0]);
  *payment.mutable_amount() = Cad(100);
  status = lending_->RecordGuarantorPayment(Bob().get(), payment, &after);
  EXPECT_THAT(status,
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("not a guarantor")));

  lv1::GetTrialBalanceResponse trial = TrialBalance();
  EXPECT_EQ(AccountBalance(trial, "GUARANTEE_RECEIVABLE"), principal - 1'000);

  // Written off, nothing is left on the loan's books: no entry; the guarantors
  // still owe their shares.
  lv1::WriteOffLoanRequest write_off;
  write_off.set_request_id("write-off");
  write_off.set_loan(loan.name());
  write_off.set_reason("Entreprise fermée");
  lv1::WriteOffLoanResponse written;
  status = lending_->WriteOffLoan(Admin().get(), write_off, &written);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(written.loan().state(), lv1::LOAN_STATE_WRITTEN_OFF);
  EXPECT_EQ(written.journal_entry_id(), 0);
  payment.set_request_id("guarantor-4");
  payment.set_guarantor(share.guarantor());
  status = lending_->RecordGuarantorPayment(Admin().get(), payment, &after);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(
      LoanChanges(loan.name(), 6),
      ElementsAre("DISBURSED", "REPAYMENT_RECORDED", "GUARANTEE_CALLED",
                  "GUARANTOR_PAYMENT_RECORDED", "WRITTEN_OFF", "GUARANTOR_PAYMENT_RECORDED"));
  ExpectBooksMatchLoans();
}

TEST_P(RepaymentsTest, ALoanIsWrittenOffOnlyPastTheSettingsDays) {
  const ActiveLoan loan = Disburse(circle_, members_, 1, 20'000, FundToday() - 400);
  ASSERT_FALSE(HasFailure());
  const absl::CivilDay first_due = FromDate(loan.schedule.instalments(0).due_date());
  lv1::WriteOffLoanRequest request;
  request.set_request_id("write-off-early");
  request.set_loan(loan.name());
  request.set_reason("Entreprise fermée");
  *request.mutable_write_off_date() = ToDate(first_due + 100);
  lv1::WriteOffLoanResponse written;
  grpc::Status status = lending_->WriteOffLoan(Admin().get(), request, &written);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION,
                               ::testing::AllOf(HasSubstr("100 days past due"),
                                                HasSubstr("from 180 days"))));
  request.clear_write_off_date();
  request.set_request_id("write-off-bob");
  status = lending_->WriteOffLoan(Bob().get(), request, &written);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::PERMISSION_DENIED));
  request.set_request_id("write-off-no-reason");
  request.clear_reason();
  status = lending_->WriteOffLoan(Admin().get(), request, &written);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("reason")));
  EXPECT_EQ(GetLoan(loan.name()).state(), lv1::LOAN_STATE_ACTIVE);

  request.set_request_id("write-off");
  request.set_reason("Entreprise fermée");
  status = lending_->WriteOffLoan(Admin().get(), request, &written);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(written.loan().state(), lv1::LOAN_STATE_WRITTEN_OFF);
  EXPECT_EQ(written.loan().state_reason(), "Entreprise fermée");
  EXPECT_GT(written.journal_entry_id(), 0);
  EXPECT_EQ(AccountBalance(TrialBalance(), "WRITE_OFF_EXPENSE"), 20'000);

  request.set_request_id("write-off-again");
  status = lending_->WriteOffLoan(Admin().get(), request, &written);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("WRITTEN_OFF")));
  status = Pay(Payment("pay-written-off", loan.name(), 100));
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("WRITTEN_OFF")));
  EXPECT_THAT(LoanChanges(loan.name(), 2), ElementsAre("DISBURSED", "WRITTEN_OFF"));
  ExpectBooksMatchLoans();
}

TEST_P(RepaymentsTest, GraceAndToleranceAgreeInTheScheduleTheLoanAndThePortfolio) {
  // The fund's defaults: two instalments of interest only, and an arrears tolerance of
  // $5.00; a first loan of $1,500 needs a first rung that high.
  lv1::GetFundSettingsResponse current;
  ASSERT_TRUE(
      lending_->GetFundSettings(Admin().get(), lv1::GetFundSettingsRequest(), &current).ok());
  lv1::UpdateFundSettingsRequest update;
  update.set_request_id("grace-1");
  update.set_reason("Deux mois pour démarrer");
  *update.mutable_settings() = current.settings();
  // The deprecated shape alone (the Money fields cleared): still accepted.
  update.mutable_settings()->clear_ladder();
  update.mutable_settings()->clear_ladder_minor_units();
  update.mutable_settings()->add_ladder_minor_units(150'000);
  update.mutable_settings()->add_ladder_minor_units(300'000);
  update.mutable_settings()->set_default_grace_on_principal_instalments(2);
  update.mutable_settings()->clear_arrears_tolerance();
  update.mutable_settings()->set_arrears_tolerance_minor_units(500);
  lv1::UpdateFundSettingsResponse updated;
  grpc::Status status = lending_->UpdateFundSettings(Admin().get(), update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.settings().default_grace_on_principal_instalments(), 2);
  EXPECT_EQ(updated.settings().arrears_tolerance_minor_units(), 500);  // both shapes filled
  EXPECT_EQ(updated.settings().arrears_tolerance().minor_units(), 500);
  EXPECT_EQ(updated.settings().arrears_tolerance().currency_code(), "CAD");
  ASSERT_EQ(updated.settings().ladder_size(), 2);
  EXPECT_EQ(updated.settings().ladder(1).minor_units(), 300'000);

  // The request sets no grace: the fund's defaults are stored on the loan.
  const ActiveLoan loan = Disburse(circle_, members_, 0, 150'000, FundToday() - 100, 800);
  ASSERT_FALSE(HasFailure());
  EXPECT_TRUE(loan.loan.has_grace_on_principal_instalments());
  EXPECT_EQ(loan.loan.grace_on_principal_instalments(), 2);
  EXPECT_TRUE(loan.loan.has_grace_on_interest_instalments());
  EXPECT_EQ(loan.loan.grace_on_interest_instalments(), 0);

  // The schedule of the reference table 1500_at_8pct_12_monthly_2_principal_grace
  // (schedule_test): interest only twice, then 15555 a month.
  const lv1::Schedule& schedule = loan.schedule;
  ASSERT_EQ(schedule.instalments_size(), 12);
  for (int i : {0, 1}) {
    EXPECT_EQ(schedule.instalments(i).principal().minor_units(), 0);
    EXPECT_EQ(schedule.instalments(i).interest().minor_units(), 1'000);
  }
  EXPECT_EQ(schedule.instalments(2).principal().minor_units(), 14'555);
  EXPECT_EQ(schedule.instalments(2).interest().minor_units(), 1'000);
  EXPECT_EQ(schedule.instalments(11).total().minor_units(), 15'559);
  EXPECT_EQ(schedule.total_interest().minor_units(), 7'554);
  EXPECT_EQ(schedule.regular_payment().minor_units(), 15'555);
  const absl::CivilDay due_1 = FromDate(schedule.instalments(0).due_date());
  const absl::CivilDay due_2 = FromDate(schedule.instalments(1).due_date());
  const absl::CivilDay due_3 = FromDate(schedule.instalments(2).due_date());
  ASSERT_LT(due_3, FundToday());
  ASSERT_GE(FromDate(schedule.instalments(3).due_date()), FundToday());

  // The interest-only instalments on time; instalment 3 short by $4.99.
  const std::vector<std::pair<absl::CivilDay, int64_t>> payments = {
      {due_1, 1'000}, {due_2, 1'000}, {due_3, 15'555 - 499}};
  for (size_t i = 0; i < payments.size(); ++i) {
    lv1::RecordRepaymentRequest payment =
        Payment(absl::StrCat("grace-pay-", i), loan.name(), payments[i].second);
    *payment.mutable_received_on() = ToDate(payments[i].first);
    status = Pay(payment);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // Short by less than the tolerance: current in GetLoan and in the portfolio report.
  auto expect_late = [&](bool late) {
    const lv1::Loan got = GetLoan(loan.name());
    EXPECT_EQ(got.arrears().days_past_due(), late ? FundToday() - due_3 : 0);
    EXPECT_EQ(got.arrears().amount_in_arrears().minor_units(), late ? 499 : 0);
    EXPECT_EQ(got.arrears().bucket_label(), late ? "1-30" : "CURRENT");
    // What the network counts days past due from agrees.
    EXPECT_EQ(FromDate(got.next_unpaid_due_date()),
              late ? due_3 : FromDate(schedule.instalments(3).due_date()));
    lv1::GetPortfolioReportResponse report;
    grpc::Status got_report =
        lending_->GetPortfolioReport(Admin().get(), lv1::GetPortfolioReportRequest(), &report);
    ASSERT_TRUE(got_report.ok()) << got_report.error_message();
    ASSERT_EQ(report.by_circle_size(), 1);
    const lv1::PortfolioFigures& figures = report.by_circle(0);
    EXPECT_EQ(figures.group(), circle_);
    EXPECT_EQ(figures.active_loans(), 1);
    EXPECT_EQ(figures.par30_principal().minor_units(), 0);
    EXPECT_THAT(figures.loans_per_bucket(),
                late ? ElementsAre(0, 1, 0, 0, 0) : ElementsAre(1, 0, 0, 0, 0));
  };
  {
    SCOPED_TRACE("tolerance 5.00, short by 4.99");
    expect_late(false);
  }

  // The same shortfall with a tolerance of $4.99: late, in both.
  *update.mutable_settings() = updated.settings();
  update.set_request_id("grace-2");
  // One shape changed, the other left as read: they disagree, refused.
  update.mutable_settings()->set_arrears_tolerance_minor_units(499);
  status = lending_->UpdateFundSettings(Admin().get(), update, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "settings.arrears_tolerance.minor_units (500) and "
            "settings.arrears_tolerance_minor_units (499) disagree: set one of them, or both to "
            "the same amount");
  update.set_request_id("grace-2b");
  update.mutable_settings()->mutable_arrears_tolerance()->set_minor_units(499);  // both, equal
  status = lending_->UpdateFundSettings(Admin().get(), update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  {
    SCOPED_TRACE("tolerance 4.99, short by 4.99");
    expect_late(true);
  }
  ExpectBooksMatchLoans();
}

INSTANTIATE_TEST_SUITE_P(Engines, RepaymentsTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
