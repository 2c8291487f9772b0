// Rescheduling with maker-checker, through the real processes on each engine: one member
// of the fund's staff requests, the same one may not approve or reject, another does; the
// new schedule's amounts against reference_schedules.py (RESCHEDULE_CASES); arrears
// before and after; the journal untouched and the trial balance balanced; every call
// replayed by its request_id; approvals racing repayments on the same loan lose or double
// nothing; a rejection leaves the loan as it was.
#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/lending_fixture.h"
#include "tests/support/status_matchers.h"

// Clears the settings' deprecated int64 ladder on purpose (see SetUp).
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace cercles::testing {
namespace {

namespace lv1 = cercles::lending::v1;
using ::testing::HasSubstr;

// Principal and interest of one instalment.
struct Amounts {
  int64_t principal;
  int64_t interest;
};

// $1,200.00 at 8 % over 12 months, instalment 1 paid in full, 2 and 3 late, rescheduled
// over 6 (no grace) or 8 (one month of grace on principal and on interest) monthly
// instalments: tests/unit/services/lending/reference_schedules.py, RESCHEDULE_CASES.
constexpr int64_t kPrincipal = 120'000;
constexpr int32_t kRateBps = 800;
constexpr Amounts kInstalment1 = {9'639, 800};
constexpr int64_t kRescheduledPrincipal = 110'361;
constexpr int64_t kCarriedInterest = 1'407;
const std::vector<Amounts> kSixNew = {{18089, 2143}, {18210, 615}, {18331, 494},
                                      {18453, 372},  {18576, 249}, {18702, 125}};
const std::vector<Amounts> kEightNewWithGrace = {{0, 0},       {15453, 2248}, {15556, 738},
                                                 {15660, 634}, {15764, 530},  {15869, 425},
                                                 {15975, 319}, {16084, 213}};

class ReschedulesTest : public LendingFixture {
 protected:
  void SetUp() override {
    LendingFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    circle_ = Circle("Couturieres", 5, &members_);
    // A first loan of $1,200 needs a first rung that high.
    lv1::GetFundSettingsResponse current;
    ASSERT_THAT(lending_->GetFundSettings(Admin().get(), lv1::GetFundSettingsRequest(), &current),
                IsOk());
    lv1::UpdateFundSettingsRequest update;
    update.set_request_id("ladder-1200");
    update.set_reason("Prêts de 1 200 $ dès le premier");
    *update.mutable_settings() = current.settings();
    // The ladder in its Money shape; the deprecated int64 copy read back with
    // the settings is cleared, or the two would disagree.
    update.mutable_settings()->clear_ladder_minor_units();
    update.mutable_settings()->clear_ladder();
    *update.mutable_settings()->add_ladder() = Cad(kPrincipal);
    *update.mutable_settings()->add_ladder() = Cad(2 * kPrincipal);
    lv1::UpdateFundSettingsResponse updated;
    ASSERT_THAT(lending_->UpdateFundSettings(Admin().get(), update, &updated), IsOk());
  }

  // members_[applicant]'s loan of kPrincipal at kRateBps, disbursed 100 days ago (three
  // instalments due), instalment 1 paid in full today.
  ActiveLoan LateLoan(size_t applicant) {
    ActiveLoan loan =
        Disburse(circle_, members_, applicant, kPrincipal, FundToday() - 100, kRateBps);
    EXPECT_EQ(loan.schedule.instalments(0).principal().minor_units(), kInstalment1.principal);
    EXPECT_EQ(loan.schedule.instalments(0).interest().minor_units(), kInstalment1.interest);
    EXPECT_THAT(Pay(absl::StrCat("pay-first-", applicant), loan.name(),
                    kInstalment1.principal + kInstalment1.interest),
                IsOk());
    return loan;
  }

  grpc::Status Pay(const std::string& request_id, const std::string& loan, int64_t cents,
                   lv1::RecordRepaymentResponse* response = nullptr) {
    lv1::RecordRepaymentRequest request;
    request.set_request_id(request_id);
    request.set_loan(loan);
    *request.mutable_amount() = Cad(cents);
    request.set_reference(request_id);
    lv1::RecordRepaymentResponse own;
    return lending_->RecordRepayment(Bob().get(), request, response != nullptr ? response : &own);
  }

  static absl::CivilDay FirstDue() { return FundToday() + 10; }

  static lv1::RequestRescheduleRequest Terms(const std::string& request_id, const std::string& loan,
                                             int32_t count, int32_t grace_on_principal = 0,
                                             int32_t grace_on_interest = 0,
                                             absl::CivilDay first_due = FirstDue()) {
    lv1::RequestRescheduleRequest request;
    request.set_request_id(request_id);
    request.set_loan(loan);
    lv1::LoanReschedule* r = request.mutable_reschedule();
    r->set_instalment_count(count);
    r->set_frequency(lv1::REPAYMENT_FREQUENCY_MONTHLY);
    r->set_grace_on_principal_instalments(grace_on_principal);
    r->set_grace_on_interest_instalments(grace_on_interest);
    *r->mutable_first_due_date() = ToDate(first_due);
    r->set_reason("Saison creuse: les commandes reprennent en mars");
    return request;
  }

  grpc::Status Request(const lv1::RequestRescheduleRequest& request,
                       lv1::RequestRescheduleResponse* response,
                       std::unique_ptr<grpc::ClientContext> context = Bob()) {
    return lending_->RequestReschedule(context.get(), request, response);
  }

  grpc::Status Approve(const std::string& request_id, const std::string& reschedule,
                       std::unique_ptr<grpc::ClientContext> context,
                       lv1::ApproveRescheduleResponse* response) {
    lv1::ApproveRescheduleRequest request;
    request.set_request_id(request_id);
    request.set_reschedule(reschedule);
    return lending_->ApproveReschedule(context.get(), request, response);
  }

  grpc::Status Reject(const std::string& request_id, const std::string& reschedule,
                      std::unique_ptr<grpc::ClientContext> context,
                      lv1::RejectRescheduleResponse* response) {
    lv1::RejectRescheduleRequest request;
    request.set_request_id(request_id);
    request.set_reschedule(reschedule);
    request.set_reason("Le cercle préfère attendre la prochaine rencontre");
    return lending_->RejectReschedule(context.get(), request, response);
  }

  lv1::Loan GetLoan(const std::string& name) {
    lv1::GetLoanRequest request;
    request.set_name(name);
    lv1::GetLoanResponse response;
    EXPECT_THAT(lending_->GetLoan(Admin().get(), request, &response), IsOk());
    return response.loan();
  }

  lv1::Schedule GetSchedule(const std::string& name) {
    lv1::GetLoanScheduleRequest request;
    request.set_loan(name);
    lv1::GetLoanScheduleResponse response;
    EXPECT_THAT(lending_->GetLoanSchedule(Admin().get(), request, &response), IsOk());
    return response.schedule();
  }

  size_t JournalEntries() {
    lv1::ListJournalEntriesRequest request;
    request.set_page_size(1000);
    lv1::ListJournalEntriesResponse response;
    EXPECT_THAT(lending_->ListJournalEntries(Admin().get(), request, &response), IsOk());
    return static_cast<size_t>(response.entries_size());
  }

  // Balanced, and the loan portfolio account holds the active loans' principal.
  void ExpectBooksMatchLoans() {
    lv1::GetTrialBalanceResponse trial = TrialBalance();
    EXPECT_TRUE(trial.balanced());
    EXPECT_EQ(trial.total_debit().minor_units(), trial.total_credit().minor_units());
    lv1::ListLoansRequest request;
    request.set_page_size(500);
    lv1::ListLoansResponse loans;
    ASSERT_THAT(lending_->ListLoans(Admin().get(), request, &loans), IsOk());
    int64_t on_loans = 0;
    for (const lv1::Loan& loan : loans.loans()) {
      if (loan.state() == lv1::LOAN_STATE_ACTIVE) {
        on_loans += loan.outstanding_principal().minor_units();
      }
    }
    EXPECT_EQ(AccountBalance(trial, "LOANS_RECEIVABLE"), on_loans);
  }

  // The new instalments (after the kept instalment 1) are `expected`, monthly from
  // FirstDue(), nothing paid on them.
  static void ExpectNewInstalments(const lv1::Schedule& schedule,
                                   const std::vector<Amounts>& expected) {
    ASSERT_EQ(schedule.instalments_size(), static_cast<int>(expected.size()) + 1);
    const lv1::Instalment& kept = schedule.instalments(0);
    EXPECT_EQ(kept.principal().minor_units(), kInstalment1.principal);
    EXPECT_EQ(kept.interest().minor_units(), kInstalment1.interest);
    EXPECT_EQ(kept.principal_paid().minor_units(), kInstalment1.principal);
    int64_t principal = kInstalment1.principal;
    for (size_t i = 0; i < expected.size(); ++i) {
      const lv1::Instalment& in = schedule.instalments(static_cast<int>(i) + 1);
      EXPECT_EQ(in.number(), static_cast<int>(i) + 2);
      EXPECT_EQ(in.principal().minor_units(), expected[i].principal) << "instalment " << i + 2;
      EXPECT_EQ(in.interest().minor_units(), expected[i].interest) << "instalment " << i + 2;
      EXPECT_EQ(in.principal_paid().minor_units() + in.interest_paid().minor_units(), 0);
      const absl::CivilDay first = FirstDue();
      const absl::CivilDay due(first.year(), first.month() + static_cast<int>(i), first.day());
      if (first.day() <= 28) {
        EXPECT_EQ(FromDate(in.due_date()), due) << "instalment " << i + 2;
      }
      principal += in.principal().minor_units();
    }
    EXPECT_EQ(principal, kPrincipal);
  }

  // Whether lending announced `kind` for `loan` within a few seconds.
  bool Announced(const std::string& loan, lv1::LoanChangeKind kind) {
    auto context = Context(TestCredentials().admin_token, absl::Seconds(10));
    auto reader = lending_->WatchEvents(context.get(), lv1::WatchEventsRequest());
    lv1::WatchEventsResponse response;
    bool seen = false;
    while (!seen && reader->Read(&response)) {
      lv1::LoanChanged changed;
      seen = response.event().payload().UnpackTo(&changed) && changed.loan().name() == loan &&
             changed.change_kind() == kind;
    }
    context->TryCancel();
    reader->Finish();
    return seen;
  }

  std::string circle_;
  std::vector<std::string> members_;
};

TEST_P(ReschedulesTest, ASecondStaffMemberApprovesAndTheRestIsRescheduled) {
  const ActiveLoan loan = LateLoan(0);
  ASSERT_FALSE(HasFailure());
  const lv1::Loan late = GetLoan(loan.name());
  EXPECT_GT(late.arrears().days_past_due(), 0);
  EXPECT_EQ(late.arrears().amount_in_arrears().minor_units(),
            loan.schedule.instalments(1).total().minor_units() +
                loan.schedule.instalments(2).total().minor_units());
  const size_t entries_before = JournalEntries();

  // Bob asks; a replay answers the first request; a second request waits.
  lv1::RequestRescheduleResponse requested, replayed;
  const lv1::RequestRescheduleRequest ask = Terms("ask-1", loan.name(), 6);
  ASSERT_THAT(Request(ask, &requested), IsOk());
  EXPECT_EQ(requested.reschedule().state(), lv1::RESCHEDULE_STATE_PENDING);
  EXPECT_EQ(requested.reschedule().requested_by(), "staff:bob");
  ASSERT_THAT(Request(ask, &replayed), IsOk());
  EXPECT_EQ(replayed.SerializeAsString(), requested.SerializeAsString());
  lv1::RequestRescheduleResponse second;
  EXPECT_THAT(Request(Terms("ask-2", loan.name(), 4), &second, Admin()),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("pending reschedule")));
  const std::string name = requested.reschedule().name();

  // Repayments go on while it waits.
  EXPECT_THAT(Pay("pay-while-pending", loan.name(), 100), IsOk());
  lv1::ReverseRepaymentRequest undo;
  undo.set_request_id("undo-while-pending");
  undo.set_repayment(absl::StrCat(loan.name(), "/repayments/2"));
  undo.set_reason("Saisie en double");
  lv1::ReverseRepaymentResponse undone;
  ASSERT_THAT(lending_->ReverseRepayment(Admin().get(), undo, &undone), IsOk());

  // Maker-checker: Bob may not approve his own request.
  lv1::ApproveRescheduleResponse approved;
  EXPECT_THAT(Approve("approve-by-bob", name, Bob(), &approved),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED, HasSubstr("another member")));
  EXPECT_EQ(GetSchedule(loan.name()).instalments_size(), 12);

  ASSERT_THAT(Approve("approve-1", name, Admin(), &approved), IsOk());
  EXPECT_EQ(approved.reschedule().state(), lv1::RESCHEDULE_STATE_APPROVED);
  EXPECT_EQ(approved.reschedule().decided_by(), "staff:alice");
  EXPECT_EQ(approved.reschedule().rescheduled_principal().minor_units(), kRescheduledPrincipal);
  EXPECT_EQ(approved.reschedule().carried_interest().minor_units(), kCarriedInterest);
  EXPECT_EQ(approved.reschedule().schedule_version(), 2);
  EXPECT_EQ(approved.reschedule().replaced_schedule().instalments_size(), 12);
  ExpectNewInstalments(approved.schedule(), kSixNew);
  ExpectNewInstalments(GetSchedule(loan.name()), kSixNew);
  EXPECT_EQ(approved.loan().instalment_count(), 7);
  EXPECT_EQ(approved.loan().outstanding_principal().minor_units(), kRescheduledPrincipal);

  // Arrears follow the new schedule: nothing is due before FirstDue().
  const lv1::Loan current = GetLoan(loan.name());
  EXPECT_EQ(current.arrears().days_past_due(), 0);
  EXPECT_EQ(current.arrears().amount_in_arrears().minor_units(), 0);

  // The journal is untouched (interest is income when received): only the two
  // repayments and the reversal since; the books balance.
  EXPECT_EQ(JournalEntries(), entries_before + 2);
  ExpectBooksMatchLoans();
  EXPECT_TRUE(Announced(loan.name(), lv1::LOAN_CHANGE_KIND_RESCHEDULED));

  // A replay answers the first approval and changes nothing.
  lv1::ApproveRescheduleResponse again;
  lv1::ApproveRescheduleRequest replay;
  replay.set_request_id("approve-1");
  replay.set_reschedule(name);
  auto context = Admin();
  ASSERT_THAT(lending_->ApproveReschedule(context.get(), replay, &again), IsOk());
  EXPECT_EQ(context->GetServerInitialMetadata().count("cercles-replayed"), 1u);
  EXPECT_EQ(again.SerializeAsString(), approved.SerializeAsString());
  EXPECT_EQ(GetSchedule(loan.name()).SerializeAsString(), approved.schedule().SerializeAsString());
  // Decided: neither approved nor rejected again.
  lv1::RejectRescheduleResponse rejected;
  EXPECT_THAT(Reject("reject-late", name, Bob(), &rejected),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("already decided")));

  // The history: the replaced schedule is kept.
  lv1::ListReschedulesRequest list;
  list.set_loan(loan.name());
  lv1::ListReschedulesResponse listed;
  ASSERT_THAT(lending_->ListReschedules(Bob().get(), list, &listed), IsOk());
  ASSERT_EQ(listed.reschedules_size(), 1);
  EXPECT_EQ(listed.reschedules(0).replaced_schedule().SerializeAsString(),
            approved.reschedule().replaced_schedule().SerializeAsString());

  // The new instalment 2 is paid as scheduled; the repayment before the reschedule can
  // no longer be reversed.
  EXPECT_THAT(Pay("pay-new-2", loan.name(), kSixNew[0].principal + kSixNew[0].interest), IsOk());
  EXPECT_TRUE(GetSchedule(loan.name()).instalments(1).has_cleared_on());
  undo.set_request_id("undo-before-reschedule");
  undo.set_repayment(absl::StrCat(loan.name(), "/repayments/1"));
  EXPECT_THAT(lending_->ReverseRepayment(Admin().get(), undo, &undone),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION));
  ExpectBooksMatchLoans();
}

TEST_P(ReschedulesTest, GraceOnPrincipalAndInterestFollowTheReferenceTables) {
  const ActiveLoan loan = LateLoan(1);
  ASSERT_FALSE(HasFailure());
  lv1::RequestRescheduleResponse requested;
  ASSERT_THAT(Request(Terms("ask-grace", loan.name(), 8, 1, 1), &requested, Admin()), IsOk());
  lv1::ApproveRescheduleResponse approved;
  ASSERT_THAT(Approve("approve-grace", requested.reschedule().name(), Bob(), &approved), IsOk());
  ExpectNewInstalments(approved.schedule(), kEightNewWithGrace);
  EXPECT_EQ(approved.loan().grace_on_principal_instalments(), 1);
  ExpectBooksMatchLoans();
}

TEST_P(ReschedulesTest, ARejectionLeavesTheLoanUnchanged) {
  const ActiveLoan loan = LateLoan(2);
  ASSERT_FALSE(HasFailure());
  const lv1::Schedule before = GetSchedule(loan.name());
  const lv1::Loan loan_before = GetLoan(loan.name());
  lv1::RequestRescheduleResponse requested;
  ASSERT_THAT(Request(Terms("ask-reject", loan.name(), 6), &requested, Admin()), IsOk());
  lv1::RejectRescheduleResponse rejected, replayed;
  EXPECT_THAT(Reject("reject-by-admin", requested.reschedule().name(), Admin(), &rejected),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));
  ASSERT_THAT(Reject("reject-1", requested.reschedule().name(), Bob(), &rejected), IsOk());
  ASSERT_THAT(Reject("reject-1", requested.reschedule().name(), Bob(), &replayed), IsOk());
  EXPECT_EQ(replayed.SerializeAsString(), rejected.SerializeAsString());
  EXPECT_EQ(rejected.reschedule().state(), lv1::RESCHEDULE_STATE_REJECTED);
  EXPECT_EQ(GetSchedule(loan.name()).SerializeAsString(), before.SerializeAsString());
  const lv1::Loan after = GetLoan(loan.name());
  EXPECT_EQ(after.outstanding_principal().minor_units(),
            loan_before.outstanding_principal().minor_units());
  EXPECT_EQ(after.arrears().days_past_due(), loan_before.arrears().days_past_due());
  // Nothing pending any more: a new request is taken.
  EXPECT_THAT(Request(Terms("ask-after-reject", loan.name(), 6), &requested), IsOk());
  ExpectBooksMatchLoans();
}

TEST_P(ReschedulesTest, APendingRequestIsCancelledWhenTheLoanIsRepaid) {
  const ActiveLoan loan = LateLoan(4);
  ASSERT_FALSE(HasFailure());
  lv1::RequestRescheduleResponse requested;
  ASSERT_THAT(Request(Terms("ask-then-repay", loan.name(), 6), &requested, Admin()), IsOk());
  const std::string name = requested.reschedule().name();
  int64_t owed = 0;
  const lv1::Schedule schedule = GetSchedule(loan.name());
  for (const lv1::Instalment& in : schedule.instalments()) {
    owed += in.principal().minor_units() + in.interest().minor_units() -
            in.principal_paid().minor_units() - in.interest_paid().minor_units();
  }
  lv1::RecordRepaymentResponse paid;
  ASSERT_THAT(Pay("repay-all", loan.name(), owed, &paid), IsOk());
  EXPECT_EQ(paid.loan().state(), lv1::LOAN_STATE_CLOSED_REPAID);

  // Cancelled in the closing transaction: no longer pending, decided by nobody.
  lv1::ListReschedulesRequest list;
  list.set_loan(loan.name());
  lv1::ListReschedulesResponse listed;
  ASSERT_THAT(lending_->ListReschedules(Bob().get(), list, &listed), IsOk());
  ASSERT_EQ(listed.reschedules_size(), 1);
  EXPECT_EQ(listed.reschedules(0).state(), lv1::RESCHEDULE_STATE_CANCELLED);
  EXPECT_TRUE(listed.reschedules(0).decided_by().empty());
  EXPECT_TRUE(listed.reschedules(0).has_decide_time());
  EXPECT_TRUE(Announced(loan.name(), lv1::LOAN_CHANGE_KIND_RESCHEDULE_CANCELLED));
  lv1::ApproveRescheduleResponse approved;
  EXPECT_THAT(Approve("approve-cancelled", name, Bob(), &approved),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("already decided")));
  ExpectBooksMatchLoans();
}

TEST_P(ReschedulesTest, EveryFieldIsValidatedWithItsRule) {
  const ActiveLoan loan = LateLoan(3);
  ASSERT_FALSE(HasFailure());
  lv1::RequestRescheduleResponse response;
  struct Case {
    std::string what;
    lv1::RequestRescheduleRequest request;
    grpc::StatusCode code;
    std::string message;
  };
  std::vector<Case> cases;
  auto add = [&](const std::string& what, grpc::StatusCode code, const std::string& message,
                 auto change) {
    lv1::RequestRescheduleRequest request = Terms("bad-" + what, loan.name(), 6);
    change(request);
    cases.push_back({what, request, code, message});
  };
  using R = lv1::RequestRescheduleRequest;
  add("frequency", grpc::StatusCode::INVALID_ARGUMENT, "reschedule.frequency",
      [](R& r) { r.mutable_reschedule()->clear_frequency(); });
  add("count", grpc::StatusCode::INVALID_ARGUMENT, "reschedule.instalment_count must lie in",
      [](R& r) { r.mutable_reschedule()->set_instalment_count(0); });
  add("grace", grpc::StatusCode::INVALID_ARGUMENT,
      "reschedule.grace_on_principal_instalments must lie in 0..5",
      [](R& r) { r.mutable_reschedule()->set_grace_on_principal_instalments(6); });
  add("reason", grpc::StatusCode::INVALID_ARGUMENT, "reschedule.reason",
      [](R& r) { r.mutable_reschedule()->set_reason(""); });
  add("long-reason", grpc::StatusCode::INVALID_ARGUMENT, "reschedule.reason",
      [](R& r) { r.mutable_reschedule()->set_reason(std::string(501, 'x')); });
  add("no-date", grpc::StatusCode::INVALID_ARGUMENT, "reschedule.first_due_date is required",
      [](R& r) { r.mutable_reschedule()->clear_first_due_date(); });
  add("past", grpc::StatusCode::FAILED_PRECONDITION, "reschedule.first_due_date",
      [](R& r) { *r.mutable_reschedule()->mutable_first_due_date() = ToDate(FundToday() - 1); });
  add("loan", grpc::StatusCode::INVALID_ARGUMENT, "loan", [](R& r) { r.set_loan("loans/zero"); });
  add("request-id", grpc::StatusCode::INVALID_ARGUMENT, "request_id",
      [](R& r) { r.set_request_id(""); });
  for (const Case& c : cases) {
    EXPECT_THAT(Request(c.request, &response), StatusIs(c.code, HasSubstr(c.message))) << c.what;
  }
  lv1::ApproveRescheduleResponse approved;
  EXPECT_THAT(Approve("approve-bad", "loans/1/schedules/1", Admin(), &approved),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("reschedule")));
  EXPECT_THAT(
      Approve("approve-none", absl::StrCat(loan.name(), "/reschedules/999"), Admin(), &approved),
      StatusIs(grpc::StatusCode::NOT_FOUND));
  lv1::ListReschedulesRequest list;
  list.set_loan(loan.name());
  lv1::ListReschedulesResponse listed;
  ASSERT_THAT(lending_->ListReschedules(Admin().get(), list, &listed), IsOk());
  EXPECT_EQ(listed.reschedules_size(), 0);
}

TEST_P(ReschedulesTest, ApprovalsRacingRepaymentsLoseAndDoubleNothing) {
  constexpr int kLoans = 3;
  constexpr int kPayers = 6;
  std::vector<ActiveLoan> loans;
  std::vector<std::string> reschedules;
  for (int i = 0; i < kLoans; ++i) {
    loans.push_back(Disburse(circle_, members_, static_cast<size_t>(i), kPrincipal,
                             FundToday() - 20, kRateBps));
    lv1::RequestRescheduleResponse requested;
    // After instalment 1 (due in about 10 days), which the racing repayments may pay.
    ASSERT_THAT(
        Request(Terms(absl::StrCat("race-ask-", i), loans.back().name(), 9, 0, 0, FundToday() + 45),
                &requested),
        IsOk());
    reschedules.push_back(requested.reschedule().name());
  }
  ASSERT_FALSE(HasFailure());
  std::atomic<int> acknowledged{0};
  std::atomic<int64_t> acknowledged_cents{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kLoans; ++i) {
    threads.emplace_back([&, i] {
      lv1::ApproveRescheduleResponse approved;
      EXPECT_THAT(Approve(absl::StrCat("race-approve-", i), reschedules[i], Admin(), &approved),
                  IsOk());
    });
    for (int p = 0; p < kPayers; ++p) {
      threads.emplace_back([&, i, p] {
        const int64_t cents = 1'000 + p;
        if (Pay(absl::StrCat("race-pay-", i, "-", p), loans[i].name(), cents).ok()) {
          ++acknowledged;
          acknowledged_cents += cents;
        }
      });
    }
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(acknowledged.load(), kLoans * kPayers);
  int64_t paid_on_schedules = 0;
  for (const ActiveLoan& loan : loans) {
    const lv1::Schedule schedule = GetSchedule(loan.name());
    int64_t principal = 0;
    for (const lv1::Instalment& in : schedule.instalments()) {
      principal += in.principal().minor_units();
      paid_on_schedules += in.principal_paid().minor_units() + in.interest_paid().minor_units();
    }
    EXPECT_EQ(principal, kPrincipal) << loan.name();
    EXPECT_EQ(Repayments(loan.name()).size(), static_cast<size_t>(kPayers)) << loan.name();
  }
  EXPECT_EQ(paid_on_schedules, acknowledged_cents.load());
  ExpectBooksMatchLoans();
}

INSTANTIATE_TEST_SUITE_P(Engines, ReschedulesTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
