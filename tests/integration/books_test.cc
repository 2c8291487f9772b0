// The fund's books through the real processes (membership and lending, on each
// engine): capital contributions and the trial balance, the journal listing with
// its filters and pages, and the portfolio report of a small fund whose figures
// are worked out by hand below (0 % loans, so every amount is a round number);
// then the same through cerclesctl.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cercles/lending/v1/events.pb.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "cercles/membership/v1/trainings.grpc.pb.h"
#include "common/api/closed_set.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/lending_fixture.h"
#include "tests/support/status_matchers.h"

// This test reads and writes the deprecated string fields on purpose: they keep
// answering as in 0.1.0 beside the enums that replace them.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace cercles::testing {
namespace {

namespace mv1 = cercles::membership::v1;
namespace lv1 = cercles::lending::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

cercles::common::v1::Date Day(int year, int month, int day) {
  cercles::common::v1::Date d;
  d.set_year(year);
  d.set_month(month);
  d.set_day(day);
  return d;
}

// One loan of the small fund: who, how much, over how many months, when.
struct LoanPlan {
  int64_t cents;
  int instalments;
  cercles::common::v1::Date disbursed, first_due;
};

// The fixture's fund (advisors Bob and Dora known to lending, a training) with
// the circles and loans of each test.
class BooksTest : public LendingFixture {
 protected:
  // The portfolio gauges every second, for PortfolioGaugesFollowTheReport.
  std::optional<Suite::Options> SuiteOptions() const override {
    std::optional<Suite::Options> options = LendingFixture::SuiteOptions();
    options->extra_flags["lending"].push_back("--portfolio_metrics_interval_s=1");
    return options;
  }

  std::unique_ptr<grpc::ClientContext> As(const std::string& token) { return Context(token); }

  grpc::Status Contribute(const std::string& request_id, int64_t cents,
                          const cercles::common::v1::Date& date, lv1::JournalEntry* out = nullptr,
                          const std::string& contributor = "Fondation du Grand Montréal") {
    lv1::RecordCapitalContributionRequest request;
    request.set_request_id(request_id);
    *request.mutable_amount() = Cad(cents);
    request.set_contributor(contributor);
    *request.mutable_effective_date() = date;
    lv1::RecordCapitalContributionResponse response;
    grpc::Status status = lending_->RecordCapitalContribution(Admin().get(), request, &response);
    if (out != nullptr) *out = response.entry();
    return status;
  }

  lv1::GetTrialBalanceResponse TrialBalance(const cercles::common::v1::Date& as_of) {
    lv1::GetTrialBalanceRequest request;
    *request.mutable_as_of() = as_of;
    lv1::GetTrialBalanceResponse response;
    grpc::Status status = lending_->GetTrialBalance(Bob().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // Balance of one account of a trial balance, by code.
  static int64_t Balance(const lv1::GetTrialBalanceResponse& report, const std::string& code) {
    for (const auto& account : report.accounts()) {
      if (account.account() == code) return account.balance().minor_units();
    }
    ADD_FAILURE() << "no account " << code;
    return 0;
  }

  std::vector<int64_t> EntryIds(const lv1::ListJournalEntriesRequest& request,
                                std::string* next = nullptr, grpc::Status* status = nullptr) {
    lv1::ListJournalEntriesResponse response;
    grpc::Status result = lending_->ListJournalEntries(Admin().get(), request, &response);
    if (status != nullptr) *status = result;
    EXPECT_TRUE(status != nullptr || result.ok()) << result.error_message();
    if (next != nullptr) *next = response.next_page_token();
    std::vector<int64_t> ids;
    for (const auto& entry : response.entries()) ids.push_back(entry.id());
    return ids;
  }

  // ---- A small fund: two circles, one of Bob's, one of Dora's ----

  // An active circle of five trained members, created by the advisor `token`
  // (so it is theirs); returns the members.
  std::vector<std::string> ActiveCircle(const std::string& name, const std::string& token,
                                        std::string* circle) {
    mv1::CreateCircleRequest create;
    create.set_request_id("circle-" + name);
    create.mutable_circle()->set_display_name(name);
    mv1::CreateCircleResponse created;
    grpc::Status status = circles_->CreateCircle(As(token).get(), create, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    *circle = created.circle().name();
    std::vector<std::string> members;
    for (int i = 0; i < 5; ++i) {
      NewPerson person;
      person.given_name = absl::StrCat(name, i);
      members.push_back(CreatePersonInTraining(*people_, *trainings_, TestCredentials().admin_token,
                                               training_, ToDate(FundToday() - 450), person));
      mv1::AddCircleMemberRequest add;
      add.set_request_id(absl::StrCat("add-", name, i));
      add.set_circle(*circle);
      add.set_person(members.back());
      add.set_reason("founder");
      mv1::AddCircleMemberResponse added;
      status = circles_->AddCircleMember(As(token).get(), add, &added);
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    mv1::ActivateCircleRequest activate;
    activate.set_request_id("activate-" + name);
    activate.set_name(*circle);
    mv1::ActivateCircleResponse activated;
    status = circles_->ActivateCircle(As(token).get(), activate, &activated);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return members;
  }

  // Submitted by the circle's advisor, approved by three other members and by the
  // admin (maker-checker); returns the loan's name, APPROVED.
  std::string ApprovedLoan(const std::string& circle, const std::vector<std::string>& members,
                           int applicant, const std::string& token, const LoanPlan& plan) {
    const std::string tag = absl::StrCat(circle, "-", applicant);
    lv1::SubmitLoanRequestRequest submit;
    submit.set_request_id(absl::StrCat("submit-", tag));
    for (char& c : *submit.mutable_request_id()) c = c == '/' ? '.' : c;
    submit.set_circle(circle);
    lv1::Loan* loan = submit.mutable_loan();
    loan->set_applicant(members[applicant]);
    *loan->mutable_amount() = Cad(plan.cents);
    loan->set_purpose("Équipement de départ");
    loan->set_business_plan_summary("Traiteur de quartier; 20 clients réguliers");
    loan->set_instalment_count(plan.instalments);
    loan->set_frequency(lv1::REPAYMENT_FREQUENCY_MONTHLY);
    loan->set_annual_rate_bps(0);
    lv1::SubmitLoanRequestResponse submitted;
    grpc::Status status = lending_->SubmitLoanRequest(As(token).get(), submit, &submitted);
    EXPECT_TRUE(status.ok()) << status.error_message();
    const std::string name = submitted.loan().name();
    int votes = 0;
    for (int i = 0; i < static_cast<int>(members.size()) && votes < 3; ++i) {
      if (i == applicant) continue;
      lv1::CastCircleVoteRequest vote;
      vote.set_request_id(absl::StrCat("vote-", ++counter_));
      vote.set_loan(name);
      vote.set_voter(members[i]);
      vote.set_approve(true);
      lv1::CastCircleVoteResponse voted;
      status = lending_->CastCircleVote(As(token).get(), vote, &voted);
      EXPECT_TRUE(status.ok()) << status.error_message();
      ++votes;
    }
    lv1::ApproveLoanRequest approve;
    approve.set_request_id(absl::StrCat("approve-", ++counter_));
    approve.set_loan(name);
    lv1::ApproveLoanResponse approved;
    status = lending_->ApproveLoan(Admin().get(), approve, &approved);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(approved.loan().state(), lv1::LOAN_STATE_APPROVED);
    return name;
  }

  void Disburse(const std::string& loan, const LoanPlan& plan) {
    lv1::DisburseLoanRequest request;
    request.set_request_id(absl::StrCat("disburse-", ++counter_));
    request.set_loan(loan);
    *request.mutable_disbursement_date() = plan.disbursed;
    *request.mutable_first_due_date() = plan.first_due;
    lv1::DisburseLoanResponse response;
    grpc::Status status = lending_->DisburseLoan(Admin().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  void Repay(const std::string& loan, int64_t cents, const cercles::common::v1::Date& on) {
    lv1::RecordRepaymentRequest request;
    request.set_request_id(absl::StrCat("repay-", ++counter_));
    request.set_loan(loan);
    *request.mutable_amount() = Cad(cents);
    *request.mutable_received_on() = on;
    lv1::RecordRepaymentResponse response;
    grpc::Status status = lending_->RecordRepayment(Admin().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // The fund of the portfolio test, as of 2025-06-15 (every loan at 0 %):
  //  circle A (Bob's):
  //   L1 $500 in 4 monthly instalments of $125 due Feb 6 .. May 6, 2025; $250
  //      repaid on Mar 6: instalment 3 (Apr 6) unpaid, 70 days late on Jun 15
  //      (61-90, PAR30); $250 outstanding; $500 fell due, $250 repaid.
  //   L2 $400 in 4 of $100 due Apr 3 .. Jul 3; $300 repaid on Jun 1 (the third
  //      instalment early): current; $100 outstanding; $300 fell due and repaid.
  //  circle B (Dora's):
  //   L3 $300 in 3 of $100 due Feb 10 .. Apr 10; repaid in full on Apr 10.
  //   L4 $200 in 2 of $100 due Nov 1 and Dec 1, 2024; nothing repaid; written
  //      off on Jun 1, 2025 (212 days past due): $200 fell due, $200 written off.
  void BuildSmallFund() {
    ASSERT_TRUE(Contribute("capital-1", 10'000'000, Day(2024, 9, 1)).ok());

    const std::string bob = TestCredentials().advisor_token;
    const std::string dora = TestCredentials().other_advisor_token;
    const std::vector<std::string> a = ActiveCircle("A", bob, &circle_a_);
    const std::vector<std::string> b = ActiveCircle("B", dora, &circle_b_);
    const LoanPlan l1{50'000, 4, Day(2025, 1, 6), Day(2025, 2, 6)};
    const LoanPlan l2{40'000, 4, Day(2025, 3, 3), Day(2025, 4, 3)};
    const LoanPlan l3{30'000, 3, Day(2025, 1, 10), Day(2025, 2, 10)};
    const LoanPlan l4{20'000, 2, Day(2024, 10, 1), Day(2024, 11, 1)};
    // Every request is decided before any money leaves: nobody is in arrears yet.
    loans_ = {ApprovedLoan(circle_a_, a, 0, bob, l1), ApprovedLoan(circle_a_, a, 1, bob, l2),
              ApprovedLoan(circle_b_, b, 0, dora, l3), ApprovedLoan(circle_b_, b, 1, dora, l4)};
    ASSERT_NO_FATAL_FAILURE(Disburse(loans_[0], l1));
    ASSERT_NO_FATAL_FAILURE(Disburse(loans_[1], l2));
    ASSERT_NO_FATAL_FAILURE(Disburse(loans_[2], l3));
    ASSERT_NO_FATAL_FAILURE(Disburse(loans_[3], l4));
    ASSERT_NO_FATAL_FAILURE(Repay(loans_[0], 25'000, Day(2025, 3, 6)));
    ASSERT_NO_FATAL_FAILURE(Repay(loans_[1], 30'000, Day(2025, 6, 1)));
    ASSERT_NO_FATAL_FAILURE(Repay(loans_[2], 30'000, Day(2025, 4, 10)));
    lv1::WriteOffLoanRequest write_off;
    write_off.set_request_id("write-off-1");
    write_off.set_loan(loans_[3]);
    write_off.set_reason("Entreprise fermée, emprunteuse injoignable");
    *write_off.mutable_write_off_date() = Day(2025, 6, 1);
    lv1::WriteOffLoanResponse written_off;
    grpc::Status status = lending_->WriteOffLoan(Admin().get(), write_off, &written_off);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // The advisor lending recorded for a loan ("advisors/{id}").
  std::string AdvisorOf(const std::string& loan) {
    lv1::GetLoanRequest request;
    request.set_name(loan);
    lv1::GetLoanResponse response;
    EXPECT_TRUE(lending_->GetLoan(Admin().get(), request, &response).ok());
    return response.loan().advisor();
  }

  lv1::GetPortfolioReportResponse Portfolio(grpc::ClientContext* context) {
    lv1::GetPortfolioReportRequest request;
    *request.mutable_as_of() = Day(2025, 6, 15);
    lv1::GetPortfolioReportResponse response;
    grpc::Status status = lending_->GetPortfolioReport(context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  std::string circle_a_, circle_b_;
  std::vector<std::string> loans_;
};

TEST_P(BooksTest, CapitalContributionAndABalancedTrialBalance) {
  lv1::GetTrialBalanceResponse empty = TrialBalance(Day(2025, 12, 31));
  std::vector<std::string> codes;
  for (const auto& account : empty.accounts()) codes.push_back(account.account());
  EXPECT_THAT(codes, ElementsAre("1000", "1100", "1110", "1200", "2000", "3000", "4000", "4100",
                                 "4200", "5000"));
  EXPECT_EQ(empty.currency(), "CAD");
  EXPECT_TRUE(empty.balanced());
  EXPECT_EQ(empty.total_debit_minor_units(), 0);

  lv1::JournalEntry entry;
  grpc::Status status = Contribute("capital-1", 25'000'000, Day(2025, 1, 15), &entry);
  ASSERT_TRUE(status.ok()) << status.error_message() << suite_->Log("lending");
  EXPECT_EQ(entry.kind(), "CAPITAL_CONTRIBUTION");
  EXPECT_EQ(entry.entry_kind(), lv1::JOURNAL_ENTRY_KIND_CAPITAL_CONTRIBUTION);
  EXPECT_EQ(entry.description(), "Capital contribution from Fondation du Grand Montréal");
  EXPECT_EQ(entry.posted_by(), "staff:alice");
  ASSERT_EQ(entry.lines_size(), 2);
  EXPECT_EQ(entry.lines(0).account(), "1000");
  EXPECT_EQ(entry.lines(0).account_name(), "CASH");
  EXPECT_EQ(entry.lines(0).debit().minor_units(), 25'000'000);
  EXPECT_EQ(entry.lines(0).debit().currency_code(), "CAD");
  EXPECT_EQ(entry.lines(0).debit_minor_units(), 25'000'000);  // and its deprecated twin
  EXPECT_EQ(entry.lines(0).credit().minor_units(), 0);
  EXPECT_EQ(entry.lines(1).account(), "3000");
  EXPECT_EQ(entry.lines(1).credit().minor_units(), 25'000'000);
  EXPECT_EQ(entry.lines(1).credit_minor_units(), 25'000'000);

  // Replayed: the same entry, nothing posted twice; another amount: refused.
  lv1::JournalEntry again;
  ASSERT_TRUE(Contribute("capital-1", 25'000'000, Day(2025, 1, 15), &again).ok());
  EXPECT_EQ(again.id(), entry.id());
  EXPECT_EQ(Contribute("capital-1", 1'000, Day(2025, 1, 15)).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  // Bad contributions change nothing.
  EXPECT_THAT(Contribute("bad-1", 0, Day(2025, 1, 15)),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(Contribute("bad-2", 100, Day(2025, 1, 15), nullptr, " "),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT));
  status = Contribute("bad-3", 100, Day(2999, 1, 1));
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                               HasSubstr("effective_date must not be after today")));
  lv1::RecordCapitalContributionRequest usd;
  usd.set_request_id("bad-4");
  *usd.mutable_amount() = Cad(100);
  usd.mutable_amount()->set_currency_code("USD");
  usd.set_contributor("x");
  lv1::RecordCapitalContributionResponse ignored;
  EXPECT_THAT(lending_->RecordCapitalContribution(Admin().get(), usd, &ignored),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT));
  usd.set_request_id("bad-5");  // advisors may not
  *usd.mutable_amount() = Cad(100);
  EXPECT_THAT(lending_->RecordCapitalContribution(Bob().get(), usd, &ignored),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));

  ASSERT_TRUE(Contribute("capital-2", 5'000'000, Day(2025, 3, 1)).ok());
  lv1::GetTrialBalanceResponse report = TrialBalance(Day(2025, 12, 31));
  EXPECT_TRUE(report.balanced());
  EXPECT_EQ(report.total_debit().minor_units(), 30'000'000);
  EXPECT_EQ(report.total_credit().minor_units(), 30'000'000);
  EXPECT_EQ(report.total_debit_minor_units(), 30'000'000);  // the deprecated twins too
  EXPECT_EQ(report.total_credit_minor_units(), 30'000'000);
  for (const lv1::AccountBalance& account : report.accounts()) {
    EXPECT_EQ(account.debit().minor_units(), account.debit_minor_units()) << account.account();
    EXPECT_EQ(account.credit().minor_units(), account.credit_minor_units()) << account.account();
    EXPECT_EQ(account.balance().minor_units(), account.balance_minor_units()) << account.account();
    EXPECT_EQ(account.balance().currency_code(), "CAD");
  }
  EXPECT_EQ(Balance(report, "1000"), 30'000'000);
  EXPECT_EQ(Balance(report, "3000"), 30'000'000);
  EXPECT_EQ(report.accounts(0).account_type(), "ASSET");
  EXPECT_EQ(report.accounts(5).account_type(), "EQUITY");
  // Both shapes of the account type, for every account of the chart.
  for (const lv1::AccountBalance& account : report.accounts()) {
    EXPECT_NE(account.type(), lv1::ACCOUNT_TYPE_UNSPECIFIED) << account.account();
    EXPECT_EQ(account.account_type(), api::EnumText(*lv1::AccountType_descriptor(), account.type()))
        << account.account();
  }
  EXPECT_EQ(report.as_of().year(), 2025);
  // As of a date between the two: only the first.
  EXPECT_EQ(Balance(TrialBalance(Day(2025, 2, 1)), "1000"), 25'000'000);
  EXPECT_EQ(TrialBalance(Day(2025, 1, 14)).total_debit_minor_units(), 0);
  // Unset: today, which is after both.
  lv1::GetTrialBalanceResponse today;
  ASSERT_TRUE(lending_->GetTrialBalance(Admin().get(), lv1::GetTrialBalanceRequest(), &today).ok());
  EXPECT_EQ(today.total_debit_minor_units(), 30'000'000);

  // Each contribution is an event (once, however often it was replayed).
  std::vector<lv1::CapitalContributed> contributed;
  {
    auto context = Context(TestCredentials().admin_token, absl::Seconds(10));
    auto reader = lending_->WatchEvents(context.get(), lv1::WatchEventsRequest());
    lv1::WatchEventsResponse event;
    while (contributed.size() < 2 && reader->Read(&event)) {
      if (event.event().type() != "cercles.lending.v1.CapitalContributed") continue;
      contributed.emplace_back();
      ASSERT_TRUE(event.event().payload().UnpackTo(&contributed.back()));
      EXPECT_EQ(event.event().subject(),
                absl::StrCat("journalEntries/", contributed.back().entry().id()));
    }
    context->TryCancel();
    reader->Finish();
  }
  ASSERT_EQ(contributed.size(), 2u);
  EXPECT_EQ(contributed[0].entry().id(), entry.id());
  EXPECT_EQ(contributed[0].contributor(), "Fondation du Grand Montréal");
  EXPECT_EQ(contributed[1].entry().lines(0).debit_minor_units(), 5'000'000);

  // cerclesctl: the table with its totals and the verdict.
  CtlResult ctl = RunCerclesctl(*suite_, "lending", TestCredentials().admin_token,
                                {"lending", "trial-balance", "--as-of", "2025-12-31"}, work_dir());
  ASSERT_EQ(ctl.code, 0) << ctl.err;
  EXPECT_THAT(ctl.out, HasSubstr("Trial balance as of 2025-12-31 (CAD)\n"));
  EXPECT_THAT(ctl.out, HasSubstr("1000      CASH                   ASSET       300,000.00   0.00"));
  EXPECT_THAT(ctl.out, HasSubstr("TOTAL                                        300,000.00   "
                                 "300,000.00"));
  EXPECT_THAT(ctl.out, HasSubstr("\nBALANCED\n"));
  ctl = RunCerclesctl(*suite_, "lending", TestCredentials().admin_token,
                      {"lending", "capital", "contribute", "--amount", "1,234.56", "--contributor",
                       "Caisse d'économie solidaire", "--date", "2025-04-01"},
                      work_dir());
  ASSERT_EQ(ctl.code, 0) << ctl.err;
  EXPECT_THAT(ctl.out, HasSubstr("CAPITAL_CONTRIBUTION   1000 CASH           1,234.56"));
  EXPECT_EQ(Balance(TrialBalance(Day(2025, 12, 31)), "3000"), 30'123'456);
}

TEST_P(BooksTest, JournalListingFiltersAndPages) {
  for (int month = 1; month <= 5; ++month) {
    ASSERT_TRUE(
        Contribute(absl::StrCat("capital-", month), month * 100'000, Day(2025, month, 10)).ok());
  }
  lv1::ListJournalEntriesRequest request;
  EXPECT_THAT(EntryIds(request), ElementsAre(1, 2, 3, 4, 5));

  request.set_page_size(2);
  std::string next;
  EXPECT_THAT(EntryIds(request, &next), ElementsAre(1, 2));
  request.set_page_token(next);
  EXPECT_THAT(EntryIds(request, &next), ElementsAre(3, 4));
  request.set_page_token(next);
  EXPECT_THAT(EntryIds(request, &next), ElementsAre(5));
  EXPECT_TRUE(next.empty());

  lv1::ListJournalEntriesRequest dated;
  *dated.mutable_from_date() = Day(2025, 2, 10);
  *dated.mutable_to_date() = Day(2025, 4, 9);
  EXPECT_THAT(EntryIds(dated), ElementsAre(2, 3));
  dated.set_kind("CAPITAL_CONTRIBUTION");
  EXPECT_THAT(EntryIds(dated), ElementsAre(2, 3));
  dated.set_kind("DISBURSEMENT");
  EXPECT_TRUE(EntryIds(dated).empty());
  // The enum filters alike, and wins over the deprecated string only when they
  // agree.
  lv1::ListJournalEntriesRequest by_enum;
  *by_enum.mutable_from_date() = Day(2025, 2, 10);
  *by_enum.mutable_to_date() = Day(2025, 4, 9);
  by_enum.set_entry_kind(lv1::JOURNAL_ENTRY_KIND_CAPITAL_CONTRIBUTION);
  EXPECT_THAT(EntryIds(by_enum), ElementsAre(2, 3));
  by_enum.set_kind("CAPITAL_CONTRIBUTION");
  EXPECT_THAT(EntryIds(by_enum), ElementsAre(2, 3));
  by_enum.set_entry_kind(lv1::JOURNAL_ENTRY_KIND_DISBURSEMENT);
  by_enum.clear_kind();
  EXPECT_TRUE(EntryIds(by_enum).empty());
  {
    grpc::Status mismatch;
    by_enum.set_kind("CAPITAL_CONTRIBUTION");
    EntryIds(by_enum, nullptr, &mismatch);
    EXPECT_THAT(mismatch, StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                                   HasSubstr("kind \"CAPITAL_CONTRIBUTION\" and entry_kind "
                                             "JOURNAL_ENTRY_KIND_DISBURSEMENT disagree")));
  }
  lv1::ListJournalEntriesRequest by_loan;
  by_loan.set_loan("loans/1");
  EXPECT_TRUE(EntryIds(by_loan).empty());

  // Wrong filters are refused, naming the rule.
  grpc::Status status;
  lv1::ListJournalEntriesRequest bad;
  bad.set_kind("LOAN");
  EntryIds(bad, nullptr, &status);
  EXPECT_THAT(
      status,
      StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
               HasSubstr("kind \"LOAN\" is not a journal entry kind; one of CAPITAL_CONTRIBUTION, "
                         "DISBURSEMENT, REPAYMENT")));
  bad = lv1::ListJournalEntriesRequest();
  bad.set_page_size(1001);
  EntryIds(bad, nullptr, &status);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                               HasSubstr("page_size must be from 0 (default 100) to 1000")));
  bad.set_page_size(1000);
  bad.set_page_token("garbage");
  EntryIds(bad, nullptr, &status);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT));
  bad = lv1::ListJournalEntriesRequest();
  bad.set_party("bob");
  EntryIds(bad, nullptr, &status);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("party must be")));
  bad = lv1::ListJournalEntriesRequest();
  *bad.mutable_from_date() = Day(2025, 5, 1);
  *bad.mutable_to_date() = Day(2025, 4, 1);
  EntryIds(bad, nullptr, &status);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT));
  *bad.mutable_to_date() = Day(2025, 2, 30);
  EntryIds(bad, nullptr, &status);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT));

  CtlResult ctl =
      RunCerclesctl(*suite_, "lending", TestCredentials().advisor_token,
                    {"lending", "journal", "--from", "2025-03-01", "--page-size", "1"}, work_dir());
  ASSERT_EQ(ctl.code, 0) << ctl.err;
  EXPECT_THAT(ctl.out, HasSubstr("3    2025-03-10   CAPITAL_CONTRIBUTION   1000 CASH"));
  EXPECT_THAT(ctl.out, HasSubstr("\nnext page: "));
  ctl = RunCerclesctl(*suite_, "lending", TestCredentials().advisor_token,
                      {"--output", "json", "lending", "journal", "--from", "2025-03-01",
                       "--page-size", "1", "--all"},
                      work_dir());
  ASSERT_EQ(ctl.code, 0) << ctl.err;
  EXPECT_THAT(ctl.out, HasSubstr("\"id\":\"5\""));
  ctl = RunCerclesctl(*suite_, "lending", TestCredentials().advisor_token,
                      {"lending", "journal", "--kind", "nope"}, work_dir());
  EXPECT_EQ(ctl.code, 1);
  EXPECT_THAT(ctl.err, HasSubstr("cerclesctl: INVALID_ARGUMENT: kind \"nope\""));
}

TEST_P(BooksTest, PortfolioReportOfASmallFund) {
  ASSERT_NO_FATAL_FAILURE(BuildSmallFund());
  lv1::GetPortfolioReportResponse report = Portfolio(Admin().get());
  EXPECT_EQ(report.as_of().year(), 2025);
  EXPECT_THAT(report.bucket_labels(), ElementsAre("CURRENT", "1-30", "31-60", "61-90", "90+"));

  const lv1::PortfolioFigures& fund = report.fund();
  EXPECT_EQ(fund.group(), "fund");
  EXPECT_EQ(fund.active_loans(), 2);                              // L1, L2
  EXPECT_EQ(fund.outstanding_principal().minor_units(), 35'000);  // 25000 + 10000
  EXPECT_EQ(fund.outstanding_principal().currency_code(), "CAD");
  EXPECT_EQ(fund.par30_principal().minor_units(), 25'000);  // L1
  EXPECT_EQ(fund.par30_bps(), 7143);                        // 25000 / 35000 = 71.43 %
  // Repaid 25000 + 30000 + 30000 + 0 = 85000 of 50000 + 30000 + 30000 + 20000 =
  // 130000 that fell due: 65.38 %.
  EXPECT_EQ(fund.repayment_rate_bps(), 6538);
  EXPECT_THAT(fund.loans_per_bucket(), ElementsAre(1, 0, 0, 1, 0));
  EXPECT_EQ(fund.closed_repaid_loans(), 1);  // L3
  EXPECT_EQ(fund.written_off_loans(), 1);    // L4
  EXPECT_EQ(fund.written_off_principal().minor_units(), 20'000);

  ASSERT_EQ(report.by_circle_size(), 2);
  const lv1::PortfolioFigures& a = report.by_circle(0);
  EXPECT_EQ(a.group(), circle_a_);
  EXPECT_EQ(a.active_loans(), 2);
  EXPECT_EQ(a.par30_bps(), 7143);
  EXPECT_EQ(a.repayment_rate_bps(), 6875);  // 55000 / 80000
  const lv1::PortfolioFigures& b = report.by_circle(1);
  EXPECT_EQ(b.group(), circle_b_);
  EXPECT_EQ(b.active_loans(), 0);
  EXPECT_EQ(b.outstanding_principal().minor_units(), 0);
  EXPECT_EQ(b.par30_bps(), 0);
  EXPECT_EQ(b.repayment_rate_bps(), 6000);  // 30000 / 50000
  EXPECT_EQ(b.closed_repaid_loans(), 1);
  EXPECT_EQ(b.written_off_principal().minor_units(), 20'000);

  const std::string bob = AdvisorOf(loans_[0]), dora = AdvisorOf(loans_[3]);
  ASSERT_NE(bob, dora);
  ASSERT_EQ(report.by_advisor_size(), 2);
  EXPECT_EQ(report.by_advisor(0).group(), bob);
  EXPECT_EQ(report.by_advisor(0).outstanding_principal().minor_units(), 35'000);
  EXPECT_EQ(report.by_advisor(1).group(), dora);
  EXPECT_EQ(report.by_advisor(1).written_off_loans(), 1);

  // An advisor sees only their circles: Bob's fund is circle A.
  lv1::GetPortfolioReportResponse bobs = Portfolio(Bob().get());
  EXPECT_EQ(bobs.fund().outstanding_principal().minor_units(), 35'000);
  EXPECT_EQ(bobs.fund().repayment_rate_bps(), 6875);
  EXPECT_EQ(bobs.fund().written_off_loans(), 0);
  ASSERT_EQ(bobs.by_circle_size(), 1);
  EXPECT_EQ(bobs.by_circle(0).group(), circle_a_);
  ASSERT_EQ(bobs.by_advisor_size(), 1);
  EXPECT_EQ(bobs.by_advisor(0).group(), bob);

  // On Jan 20, 2025 L2 was not yet disbursed and L1 was current; of what had
  // fallen due ($200 of L4, counted in its state of today: written off) nothing
  // was repaid.
  lv1::GetPortfolioReportRequest early;
  *early.mutable_as_of() = Day(2025, 1, 20);
  lv1::GetPortfolioReportResponse january;
  ASSERT_TRUE(lending_->GetPortfolioReport(Admin().get(), early, &january).ok());
  EXPECT_EQ(january.fund().active_loans(), 1);  // L1 (L2 disbursed later)
  EXPECT_EQ(january.fund().repayment_rate_bps(), 0);
  EXPECT_THAT(january.fund().loans_per_bucket(), ElementsAre(1, 0, 0, 0, 0));

  // The books agree: what borrowers owe is the loans receivable balance, and
  // the journal balances.
  lv1::GetTrialBalanceResponse books = TrialBalance(Day(2025, 6, 15));
  EXPECT_TRUE(books.balanced());
  EXPECT_EQ(Balance(books, "1100"), 35'000);
  EXPECT_EQ(Balance(books, "5000"), 20'000);
  // Cash: 100000.00 contributed - 1400.00 lent + 850.00 repaid.
  EXPECT_EQ(Balance(books, "1000"), 10'000'000 - 140'000 + 85'000);
  lv1::ListJournalEntriesRequest disbursements;
  disbursements.set_kind("DISBURSEMENT");
  EXPECT_EQ(EntryIds(disbursements).size(), 4u);
  lv1::ListJournalEntriesRequest of_l1;
  of_l1.set_loan(loans_[0]);
  EXPECT_EQ(EntryIds(of_l1).size(), 2u);  // disbursement, repayment

  // cerclesctl's report: the fund line, a line per circle and per advisor.
  CtlResult ctl = RunCerclesctl(*suite_, "lending", TestCredentials().admin_token,
                                {"lending", "portfolio", "--as-of", "2025-06-15"}, work_dir());
  ASSERT_EQ(ctl.code, 0) << ctl.err;
  EXPECT_THAT(ctl.out, HasSubstr("Portfolio as of 2025-06-15 (amounts in CAD"));
  EXPECT_THAT(ctl.out, HasSubstr("GROUP        ACTIVE   OUTSTANDING   PAR30    PAR30 %   "
                                 "REPAYMENT RATE   CURRENT   1-30   31-60   61-90   90+   REPAID"));
  EXPECT_THAT(ctl.out, HasSubstr("fund         2        350.00        250.00   71.43%    65.38%"
                                 "           1         0      0       1       0     1        1"
                                 "             200.00\n"));
  EXPECT_THAT(ctl.out, HasSubstr(dora));
  ctl = RunCerclesctl(*suite_, "lending", TestCredentials().admin_token,
                      {"lending", "loans", "schedule", loans_[0]}, work_dir());
  ASSERT_EQ(ctl.code, 0) << ctl.err;
  EXPECT_THAT(ctl.out, HasSubstr("\n4       2025-05-06   125.00      0.00       125.00   0.00  "
                                 "          0.00     -\nTOTAL                500.00      0.00 "
                                 "      500.00                   250.00"));
}

// The dashboard's "loans at risk": lending's gauges are the fund line of the
// portfolio report as of today, computed in the background (not per scrape).
TEST_P(BooksTest, PortfolioGaugesFollowTheReport) {
  ASSERT_NO_FATAL_FAILURE(BuildSmallFund());
  lv1::GetPortfolioReportResponse today;  // no as_of: today, as the gauges
  ASSERT_TRUE(
      lending_->GetPortfolioReport(Admin().get(), lv1::GetPortfolioReportRequest(), &today).ok());
  const lv1::PortfolioFigures& fund = today.fund();
  ASSERT_EQ(fund.active_loans(), 2);
  std::string metrics;
  const bool refreshed = Eventually(
      [&] {
        metrics = ScrapeMetrics(suite_->Log("lending"));
        return MetricValue(metrics, "cercles_portfolio_active_loans") == fund.active_loans() &&
               MetricValue(metrics, "cercles_portfolio_written_off_loans") ==
                   fund.written_off_loans();
      },
      absl::Seconds(30));
  ASSERT_TRUE(refreshed) << metrics;
  EXPECT_EQ(MetricValue(metrics, "cercles_portfolio_outstanding_principal_minor_units"),
            fund.outstanding_principal().minor_units());
  EXPECT_EQ(MetricValue(metrics, "cercles_portfolio_at_risk_30_principal_minor_units"),
            fund.par30_principal().minor_units());
  EXPECT_DOUBLE_EQ(MetricValue(metrics, "cercles_portfolio_at_risk_30_ratio"),
                   fund.par30_bps() / 10000.0);
  EXPECT_DOUBLE_EQ(MetricValue(metrics, "cercles_portfolio_repayment_rate_ratio"),
                   fund.repayment_rate_bps() / 10000.0);
  const char* buckets[] = {"current", "first", "second", "third", "beyond"};
  ASSERT_EQ(fund.loans_per_bucket_size(), 5);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(
        MetricValue(metrics, absl::StrCat("cercles_portfolio_active_loans_by_arrears{bucket=\"",
                                          buckets[i], "\"}")),
        fund.loans_per_bucket(i))
        << buckets[i];
  }
  EXPECT_GT(MetricValue(metrics, "cercles_portfolio_refreshed_timestamp_seconds"), 0);
  EXPECT_EQ(MetricValue(metrics, "cercles_portfolio_refresh_failures_total"), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, BooksTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
