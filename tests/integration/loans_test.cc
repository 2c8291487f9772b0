// A loan from request to schedule through the real processes (membership and
// lending, on each engine): the circle's vote and guarantee, the fund's
// maker-checker decision, disbursement; every rule broken on purpose gets its code
// and a message naming the rule, and changes nothing; request_id replays; a merge
// of circles moves the open request through membership's event stream.
#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cercles/lending/v1/events.pb.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "common/storage/database.h"
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
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

class LoansTest : public LendingFixture {
 protected:
  grpc::Status Remove(const std::string& circle, const std::string& person,
                      mv1::Circle* out = nullptr) {
    mv1::RemoveCircleMemberRequest request;
    request.set_request_id(absl::StrCat("remove-", ++counter_));
    request.set_circle(circle);
    request.set_person(person);
    request.set_reason("moved away");
    mv1::RemoveCircleMemberResponse response;
    grpc::Status status = circles_->RemoveCircleMember(Bob().get(), request, &response);
    if (out != nullptr) *out = response.circle();
    return status;
  }

  lv1::SubmitLoanRequestRequest Request(const std::string& request_id, const std::string& circle,
                                        const std::string& applicant, int64_t amount_cents) {
    lv1::SubmitLoanRequestRequest request;
    request.set_request_id(request_id);
    request.set_circle(circle);
    lv1::Loan* loan = request.mutable_loan();
    loan->set_applicant(applicant);
    loan->mutable_amount()->set_currency_code("CAD");
    loan->mutable_amount()->set_minor_units(amount_cents);
    loan->set_purpose("Une machine à coudre industrielle");
    loan->set_business_plan_summary("Retouches et confection pour le quartier; 12 clientes");
    loan->set_document_reference("plans/2025/couture.pdf");
    loan->set_instalment_count(12);
    loan->set_frequency(lv1::REPAYMENT_FREQUENCY_MONTHLY);
    loan->set_annual_rate_bps(500);
    return request;
  }

  grpc::Status Submit(const lv1::SubmitLoanRequestRequest& request, lv1::Loan* out = nullptr,
                      grpc::ClientContext* context = nullptr) {
    lv1::SubmitLoanRequestResponse response;
    auto own = Bob();
    grpc::Status status =
        lending_->SubmitLoanRequest(context != nullptr ? context : own.get(), request, &response);
    if (out != nullptr) *out = response.loan();
    return status;
  }

  grpc::Status VoteOn(const std::string& loan, const std::string& voter, bool approve,
                      lv1::Loan* out = nullptr) {
    lv1::CastCircleVoteRequest request;
    request.set_request_id(absl::StrCat("vote-", ++counter_));
    request.set_loan(loan);
    request.set_voter(voter);
    request.set_approve(approve);
    request.set_comment(approve ? "Plan solide" : "Trop tôt");
    lv1::CastCircleVoteResponse response;
    grpc::Status status = lending_->CastCircleVote(Bob().get(), request, &response);
    if (out != nullptr) *out = response.loan();
    return status;
  }

  lv1::Loan GetLoan(const std::string& name, grpc::Status* status = nullptr) {
    lv1::GetLoanRequest request;
    request.set_name(name);
    lv1::GetLoanResponse response;
    grpc::Status got = lending_->GetLoan(Admin().get(), request, &response);
    if (status != nullptr) *status = got;
    EXPECT_TRUE(status != nullptr || got.ok()) << got.error_message();
    return response.loan();
  }

  std::vector<lv1::Loan> LoansOf(const std::string& applicant) {
    lv1::ListLoansRequest request;
    request.set_applicant(applicant);
    lv1::ListLoansResponse response;
    grpc::Status status = lending_->ListLoans(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.loans().begin(), response.loans().end()};
  }

  // Reads the settings, lets `change` edit them, writes them back as the admin.
  void ChangeSettings(const std::string& request_id,
                      const std::function<void(lv1::FundSettings*)>& change) {
    lv1::GetFundSettingsResponse current;
    ASSERT_TRUE(
        lending_->GetFundSettings(Admin().get(), lv1::GetFundSettingsRequest(), &current).ok());
    lv1::UpdateFundSettingsRequest update;
    update.set_request_id(request_id);
    *update.mutable_settings() = current.settings();
    change(update.mutable_settings());
    update.set_reason("Décision du conseil");
    lv1::UpdateFundSettingsResponse updated;
    grpc::Status status = lending_->UpdateFundSettings(Admin().get(), update, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  grpc::Status CloseVote(const std::string& loan, lv1::Loan* out = nullptr) {
    lv1::CloseCircleVoteRequest close;
    close.set_request_id(absl::StrCat("close-", ++counter_));
    close.set_loan(loan);
    lv1::CloseCircleVoteResponse closed;
    grpc::Status status = lending_->CloseCircleVote(Bob().get(), close, &closed);
    if (out != nullptr) *out = closed.loan();
    return status;
  }

  grpc::Status Approve(const std::string& loan, lv1::Loan* out = nullptr) {
    lv1::ApproveLoanRequest approve;
    approve.set_request_id(absl::StrCat("approve-", ++counter_));
    approve.set_loan(loan);
    lv1::ApproveLoanResponse approved;
    grpc::Status status = lending_->ApproveLoan(Admin().get(), approve, &approved);
    if (out != nullptr) *out = approved.loan();
    return status;
  }

  // The LoanChanged events of lending's stream, in order, as "loan change".
  std::vector<lv1::LoanChanged> LoanEvents(size_t at_least) {
    std::vector<lv1::LoanChanged> out;
    auto context = Admin();
    lv1::WatchEventsRequest request;
    auto reader = lending_->WatchEvents(context.get(), request);
    lv1::WatchEventsResponse response;
    while (out.size() < at_least && reader->Read(&response)) {
      lv1::LoanChanged changed;
      if (response.event().payload().UnpackTo(&changed)) out.push_back(changed);
    }
    context->TryCancel();
    reader->Finish();
    return out;
  }
};

TEST_P(LoansTest, FromRequestThroughVoteGuaranteeAndApprovalToSchedule) {
  std::vector<std::string> members;
  const std::string circle = Circle("Couture", 5, &members);
  const std::string applicant = members[0];

  lv1::Loan loan;
  grpc::Status status = Submit(Request("submit-1", circle, applicant, 50'000), &loan);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(loan.state(), lv1::LOAN_STATE_SUBMITTED);
  EXPECT_EQ(loan.circle(), circle);
  EXPECT_EQ(loan.ceiling().minor_units(), 50'000);  // the ladder's first rung
  EXPECT_EQ(loan.submitted_by(), "staff:bob");
  EXPECT_FALSE(loan.advisor().empty());
  EXPECT_EQ(loan.vote_tally().eligible_voters(), 4);
  EXPECT_EQ(loan.vote_tally().outcome(), "PENDING");
  EXPECT_EQ(loan.vote_tally().vote_outcome(), lv1::VOTE_OUTCOME_PENDING);

  // Four other members: the quorum (more than half) is 3 votes.
  ASSERT_TRUE(VoteOn(loan.name(), members[1], true, &loan).ok());
  ASSERT_TRUE(VoteOn(loan.name(), members[2], true, &loan).ok());
  EXPECT_EQ(loan.state(), lv1::LOAN_STATE_SUBMITTED);
  ASSERT_TRUE(VoteOn(loan.name(), members[3], true, &loan).ok());
  EXPECT_EQ(loan.state(), lv1::LOAN_STATE_CIRCLE_APPROVED);
  EXPECT_EQ(loan.vote_tally().outcome(), "CIRCLE_APPROVED");
  EXPECT_EQ(loan.vote_tally().vote_outcome(), lv1::VOTE_OUTCOME_CIRCLE_APPROVED);
  EXPECT_EQ(loan.votes_size(), 3);
  EXPECT_EQ(loan.votes(0).recorded_by(), "staff:bob");
  // Up to the threshold, the circle guarantees jointly: every other member.
  EXPECT_EQ(loan.guarantee_kind(), lv1::GUARANTEE_KIND_CIRCLE_GUARANTEE);
  std::vector<std::string> others(members.begin() + 1, members.end());
  std::sort(others.begin(), others.end());
  EXPECT_THAT(loan.guarantors(), ElementsAreArray(others));

  // Maker-checker: Bob submitted it, so Bob may not approve it.
  lv1::ApproveLoanRequest approve;
  approve.set_request_id("approve-1");
  approve.set_loan(loan.name());
  lv1::ApproveLoanResponse approved;
  status = lending_->ApproveLoan(Bob().get(), approve, &approved);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::PERMISSION_DENIED, HasSubstr("submitted")));
  EXPECT_EQ(GetLoan(loan.name()).state(), lv1::LOAN_STATE_CIRCLE_APPROVED);
  approve.set_request_id("approve-2");
  status = lending_->ApproveLoan(Admin().get(), approve, &approved);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(approved.loan().state(), lv1::LOAN_STATE_APPROVED);
  EXPECT_EQ(approved.loan().decided_by(), "staff:alice");

  // Disbursement fixes the schedule: $500 at 5 % over 12 months.
  lv1::DisburseLoanRequest disburse;
  disburse.set_request_id("disburse-1");
  disburse.set_loan(loan.name());
  *disburse.mutable_disbursement_date() = ToDate(absl::CivilDay(2025, 11, 3));
  *disburse.mutable_first_due_date() = ToDate(absl::CivilDay(2025, 11, 3));
  lv1::DisburseLoanResponse disbursed;
  status = lending_->DisburseLoan(Admin().get(), disburse, &disbursed);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("first_due_date")));
  *disburse.mutable_first_due_date() = ToDate(absl::CivilDay(2025, 12, 3));
  status = lending_->DisburseLoan(Admin().get(), disburse, &disbursed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(disbursed.loan().state(), lv1::LOAN_STATE_ACTIVE);
  EXPECT_EQ(disbursed.loan().outstanding_principal().minor_units(), 50'000);
  const lv1::Schedule& schedule = disbursed.schedule();
  ASSERT_EQ(schedule.instalments_size(), 12);
  // The annuity 50000 * r / (1 - (1 + r)^-12) with r = 0.05 / 12 is 4280.374... cents
  // (computed outside the code with exact fractions), rounded half up.
  EXPECT_EQ(schedule.regular_payment().minor_units(), 4280);
  EXPECT_EQ(schedule.instalments(0).interest().minor_units(), 208);  // 50000 * r = 208.33
  int64_t principal = 0;
  for (const auto& instalment : schedule.instalments()) {
    principal += instalment.principal().minor_units();
  }
  EXPECT_EQ(principal, 50'000);
  EXPECT_EQ(schedule.instalments(11).due_date().month(), 11);
  EXPECT_EQ(schedule.instalments(11).balance_after().minor_units(), 0);
  EXPECT_EQ(disbursed.loan().outstanding_interest().minor_units(),
            schedule.total_interest().minor_units());

  lv1::GetLoanScheduleRequest get_schedule;
  get_schedule.set_loan(loan.name());
  lv1::GetLoanScheduleResponse stored;
  ASSERT_TRUE(lending_->GetLoanSchedule(Bob().get(), get_schedule, &stored).ok());
  EXPECT_EQ(stored.schedule().SerializeAsString(), schedule.SerializeAsString());

  lv1::GetLoanRequest as_of;
  as_of.set_name(loan.name());
  *as_of.mutable_as_of() = ToDate(absl::CivilDay(2026, 1, 13));  // first instalment 41 days late
  lv1::GetLoanResponse late;
  ASSERT_TRUE(lending_->GetLoan(Bob().get(), as_of, &late).ok());
  EXPECT_EQ(late.loan().arrears().days_past_due(), 41);
  EXPECT_EQ(late.loan().arrears().bucket_label(), "31-60");
  // The oldest unpaid instalment, whatever the date asked: what the events carry
  // so that network can count days past due to any later date.
  EXPECT_EQ(late.loan().next_unpaid_due_date().SerializeAsString(),
            schedule.instalments(0).due_date().SerializeAsString());

  // Another advisor sees neither the loan nor its schedule.
  grpc::Status denied = lending_->GetLoanSchedule(Dora().get(), get_schedule, &stored);
  EXPECT_THAT(denied, StatusIs(grpc::StatusCode::PERMISSION_DENIED,
                               HasSubstr("staff:dora is not the advisor of " + circle)));
  lv1::ListLoansResponse listed;
  ASSERT_TRUE(lending_->ListLoans(Dora().get(), lv1::ListLoansRequest(), &listed).ok());
  EXPECT_EQ(listed.loans_size(), 0);

  // Every change is an event, with the business plan redacted.
  std::vector<lv1::LoanChanged> events = LoanEvents(7);
  std::vector<std::string> changes;
  std::vector<lv1::LoanChangeKind> change_kinds;
  for (const auto& e : events) {
    changes.push_back(e.change());
    change_kinds.push_back(e.change_kind());
    EXPECT_TRUE(e.loan().business_plan_summary().empty());
  }
  EXPECT_THAT(changes, ElementsAre("SUBMITTED", "VOTE_CAST", "VOTE_CAST", "VOTE_CAST",
                                   "CIRCLE_APPROVED", "APPROVED", "DISBURSED"));
  EXPECT_THAT(change_kinds,
              ElementsAre(lv1::LOAN_CHANGE_KIND_SUBMITTED, lv1::LOAN_CHANGE_KIND_VOTE_CAST,
                          lv1::LOAN_CHANGE_KIND_VOTE_CAST, lv1::LOAN_CHANGE_KIND_VOTE_CAST,
                          lv1::LOAN_CHANGE_KIND_CIRCLE_APPROVED, lv1::LOAN_CHANGE_KIND_APPROVED,
                          lv1::LOAN_CHANGE_KIND_DISBURSED));
  EXPECT_EQ(events.back().amount().minor_units(), 50'000);
  EXPECT_EQ(events.back().amount().currency_code(), "CAD");
  EXPECT_EQ(events.back().amount_minor_units(), 50'000);  // and its deprecated twin

  // The disbursement's journal entry committed with it: Dr loans / Cr cash.
  auto db = storage::Database::Open(suite_->DatabaseUrl("lending"));
  ASSERT_TRUE(db.ok()) << db.status();
  auto tx = (*db)->Begin(storage::TxMode::kRead);
  ASSERT_TRUE(tx.ok()) << tx.status();
  auto lines = (*tx)->Query(
      "SELECT e.kind, l.account, l.debit_cents, l.credit_cents FROM journal_entries e "
      "JOIN journal_lines l ON l.entry_id = e.id WHERE l.loan = ? OR e.kind = ? "
      "ORDER BY l.line_no",
      {loan.name(), std::string("DISBURSEMENT")});
  ASSERT_TRUE(lines.ok()) << lines.status();
  ASSERT_EQ(lines->size(), 2u);
  EXPECT_EQ((*lines)[0].Text(0), "DISBURSEMENT");
  EXPECT_EQ((*lines)[0].Text(1), "1100");  // loans receivable, debited
  EXPECT_EQ((*lines)[0].Int(2), 50'000);
  EXPECT_EQ((*lines)[1].Text(1), "1000");  // cash, credited
  EXPECT_EQ((*lines)[1].Int(3), 50'000);
}

TEST_P(LoansTest, SettingsAreChangedByAdminsAndEveryChangeIsRecorded) {
  lv1::GetFundSettingsResponse current;
  ASSERT_TRUE(lending_->GetFundSettings(Bob().get(), lv1::GetFundSettingsRequest(), &current).ok());
  EXPECT_EQ(current.settings().currency(), "CAD");
  // Every amount in both shapes: the Money and its deprecated int64 twin.
  EXPECT_EQ(current.settings().guarantee_threshold().minor_units(), 200'000);
  EXPECT_EQ(current.settings().guarantee_threshold().currency_code(), "CAD");
  EXPECT_EQ(current.settings().guarantee_threshold_minor_units(), 200'000);
  EXPECT_THAT(current.settings().ladder_minor_units(),
              ElementsAre(50'000, 100'000, 200'000, 500'000));
  ASSERT_EQ(current.settings().ladder_size(), 4);
  EXPECT_EQ(current.settings().ladder(3).minor_units(), 500'000);

  lv1::UpdateFundSettingsRequest update;
  update.set_request_id("settings-1");
  *update.mutable_settings() = current.settings();
  // Both shapes, equal.
  update.mutable_settings()->set_guarantee_threshold_minor_units(40'000);
  update.mutable_settings()->mutable_guarantee_threshold()->set_minor_units(40'000);
  update.set_reason("Seuil abaissé par le conseil");
  lv1::UpdateFundSettingsResponse updated;
  grpc::Status status = lending_->UpdateFundSettings(Bob().get(), update, &updated);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::PERMISSION_DENIED));  // admins only
  update.mutable_settings()->clear_ladder_minor_units();
  update.mutable_settings()->add_ladder_minor_units(50'000);
  update.mutable_settings()->add_ladder_minor_units(50'000);
  status = lending_->UpdateFundSettings(Admin().get(), update, &updated);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                               HasSubstr("settings.ladder (50000, 100000, 200000, 500000) and "
                                         "settings.ladder_minor_units (50000, 50000) disagree")));
  update.mutable_settings()->clear_ladder();  // the int64 shape alone: its rule, by API path
  status = lending_->UpdateFundSettings(Admin().get(), update, &updated);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                               HasSubstr("settings.ladder[1].minor_units must exceed "
                                         "ladder[0].minor_units (50000), got 50000")));
  update.set_reason("");
  *update.mutable_settings()->mutable_ladder_minor_units() =
      current.settings().ladder_minor_units();
  *update.mutable_settings()->mutable_ladder() = current.settings().ladder();
  status = lending_->UpdateFundSettings(Admin().get(), update, &updated);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("reason")));
  lv1::ListFundSettingsChangesResponse history;
  ASSERT_TRUE(
      lending_
          ->ListFundSettingsChanges(Admin().get(), lv1::ListFundSettingsChangesRequest(), &history)
          .ok());
  EXPECT_EQ(history.changes_size(), 0);  // nothing refused was recorded

  update.set_reason("Seuil abaissé par le conseil");
  status = lending_->UpdateFundSettings(Admin().get(), update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.settings().guarantee_threshold_minor_units(), 40'000);
  EXPECT_EQ(updated.settings().guarantee_threshold().minor_units(), 40'000);
  ASSERT_EQ(updated.change().changes_size(), 1);
  EXPECT_EQ(updated.change().changes(0).field(), "guarantee_threshold_minor_units");
  EXPECT_EQ(updated.change().changes(0).old_value(), "200000");
  EXPECT_EQ(updated.change().changes(0).new_value(), "40000");
  EXPECT_EQ(updated.change().actor(), "staff:alice");

  update.set_request_id("settings-2");  // the same settings again: nothing changes
  ASSERT_TRUE(lending_->UpdateFundSettings(Admin().get(), update, &updated).ok());
  EXPECT_EQ(updated.change().changes_size(), 0);
  update.set_request_id("settings-3");
  update.mutable_settings()->set_on_time_tolerance_days(3);
  ASSERT_TRUE(lending_->UpdateFundSettings(Admin().get(), update, &updated).ok());

  lv1::ListFundSettingsChangesRequest page;
  page.set_page_size(1);
  ASSERT_TRUE(lending_->ListFundSettingsChanges(Bob().get(), page, &history).ok());
  ASSERT_EQ(history.changes_size(), 1);
  EXPECT_EQ(history.changes(0).changes(0).field(), "on_time_tolerance_days");  // newest first
  ASSERT_FALSE(history.next_page_token().empty());
  page.set_page_token(history.next_page_token());
  ASSERT_TRUE(lending_->ListFundSettingsChanges(Bob().get(), page, &history).ok());
  ASSERT_EQ(history.changes_size(), 1);
  EXPECT_EQ(history.changes(0).changes(0).field(), "guarantee_threshold_minor_units");
  EXPECT_EQ(history.changes(0).reason(), "Seuil abaissé par le conseil");
  EXPECT_TRUE(history.next_page_token().empty());

  // Above the new threshold the borrower alone answers for the loan.
  std::vector<std::string> members;
  const std::string circle = Circle("Seuil", 4, &members);
  lv1::Loan loan;
  ASSERT_TRUE(Submit(Request("submit-big", circle, members[0], 50'000), &loan).ok());
  // Three other members: two approvals out of three decide it.
  for (int i = 1; i < 3; ++i) ASSERT_TRUE(VoteOn(loan.name(), members[i], true, &loan).ok());
  EXPECT_EQ(loan.state(), lv1::LOAN_STATE_CIRCLE_APPROVED);
  EXPECT_EQ(loan.guarantee_kind(), lv1::GUARANTEE_KIND_INDIVIDUAL_RESPONSIBILITY);
  EXPECT_EQ(loan.guarantors_size(), 0);
}

TEST_P(LoansTest, ClosingWithoutQuorumRejectsAndRequestsCanBeWithdrawnOrRefused) {
  std::vector<std::string> members;
  const std::string circle = Circle("Fermeture", 5, &members);
  lv1::Loan loan;
  ASSERT_TRUE(Submit(Request("submit-c1", circle, members[0], 50'000), &loan).ok());
  ASSERT_TRUE(VoteOn(loan.name(), members[1], true).ok());
  lv1::CloseCircleVoteRequest close;
  close.set_request_id("close-1");
  close.set_loan(loan.name());
  lv1::CloseCircleVoteResponse closed;
  ASSERT_TRUE(lending_->CloseCircleVote(Bob().get(), close, &closed).ok());
  EXPECT_EQ(closed.loan().state(), lv1::LOAN_STATE_CIRCLE_REJECTED);
  EXPECT_THAT(closed.loan().state_reason(), HasSubstr("quorum"));
  EXPECT_TRUE(closed.loan().has_close_time());
  grpc::Status status = VoteOn(loan.name(), members[2], true);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("is over")));

  // Rejected, so a new request may be made; the applicant withdraws it.
  ASSERT_TRUE(Submit(Request("submit-c2", circle, members[0], 50'000), &loan).ok());
  lv1::WithdrawLoanRequest withdraw;
  withdraw.set_request_id("withdraw-1");
  withdraw.set_loan(loan.name());
  withdraw.set_reason("Financement trouvé ailleurs");
  lv1::WithdrawLoanResponse withdrawn;
  ASSERT_TRUE(lending_->WithdrawLoan(Bob().get(), withdraw, &withdrawn).ok());
  EXPECT_EQ(withdrawn.loan().state(), lv1::LOAN_STATE_WITHDRAWN);
  withdraw.set_request_id("withdraw-2");
  status = lending_->WithdrawLoan(Bob().get(), withdraw, &withdrawn);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION));

  // The fund refuses a circle-approved request.
  ASSERT_TRUE(Submit(Request("submit-c3", circle, members[0], 50'000), &loan).ok());
  for (int i = 1; i < 4; ++i) ASSERT_TRUE(VoteOn(loan.name(), members[i], true).ok());
  lv1::RejectLoanRequest reject;
  reject.set_request_id("reject-1");
  reject.set_loan(loan.name());
  reject.set_reason("Plan de trésorerie incomplet");
  lv1::RejectLoanResponse rejected;
  ASSERT_TRUE(lending_->RejectLoan(Admin().get(), reject, &rejected).ok());
  EXPECT_EQ(rejected.loan().state(), lv1::LOAN_STATE_REJECTED);
  EXPECT_EQ(rejected.loan().state_reason(), "Plan de trésorerie incomplet");

  // A member who leaves with an open request sees it withdrawn (membership's events).
  ASSERT_TRUE(Submit(Request("submit-c4", circle, members[4], 50'000), &loan).ok());
  ASSERT_TRUE(Remove(circle, members[4]).ok());
  EXPECT_TRUE(Eventually([&] { return GetLoan(loan.name()).state() == lv1::LOAN_STATE_WITHDRAWN; },
                         absl::Seconds(15)));
  EXPECT_THAT(GetLoan(loan.name()).state_reason(), HasSubstr("left " + circle));

  // The schedule a request would have, stored nowhere.
  lv1::PreviewScheduleRequest preview;
  preview.mutable_amount()->set_minor_units(100'000);
  preview.set_annual_rate_bps(0);
  preview.set_instalment_count(3);
  preview.set_frequency(lv1::REPAYMENT_FREQUENCY_WEEKLY);
  *preview.mutable_first_due_date() = ToDate(absl::CivilDay(2026, 2, 27));
  lv1::PreviewScheduleResponse previewed;
  ASSERT_TRUE(lending_->PreviewSchedule(Bob().get(), preview, &previewed).ok());
  ASSERT_EQ(previewed.schedule().instalments_size(), 3);
  EXPECT_EQ(previewed.schedule().instalments(0).principal().minor_units(), 33'333);
  EXPECT_EQ(previewed.schedule().instalments(2).principal().minor_units(), 33'334);
  EXPECT_EQ(previewed.schedule().instalments(2).due_date().month(), 3);
  EXPECT_EQ(previewed.schedule().instalments(2).due_date().day(), 13);
}

TEST_P(LoansTest, BadInputGetsItsCodeAndRuleAndChangesNothing) {
  std::vector<std::string> members;
  const std::string circle = Circle("Verdun", 4, &members);
  std::vector<std::string> outsiders;
  const std::string other_circle = Circle("Ailleurs", 4, &outsiders);
  const std::string applicant = members[0];

  // Over the ceiling of a first loan.
  grpc::Status status = Submit(Request("too-much", circle, applicant, 60'000));
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("ceiling")));
  EXPECT_TRUE(LoansOf(applicant).empty());

  // A person of another circle cannot ask through this one; validate_only
  // reports every broken rule and stores nothing.
  lv1::SubmitLoanRequestRequest both = Request("", circle, outsiders[0], 60'000);
  both.set_validate_only(true);
  status = Submit(both);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION,
                               ::testing::AllOf(HasSubstr("is not a current member of " + circle),
                                                HasSubstr("ceiling"))));
  EXPECT_TRUE(LoansOf(outsiders[0]).empty());

  // A replayed request_id returns the first answer; another request with it is refused.
  lv1::Loan first;
  ASSERT_TRUE(Submit(Request("submit-a", circle, applicant, 40'000), &first).ok());
  lv1::Loan again;
  auto replay_context = Bob();
  ASSERT_TRUE(
      Submit(Request("submit-a", circle, applicant, 40'000), &again, replay_context.get()).ok());
  EXPECT_EQ(again.name(), first.name());
  auto replayed = replay_context->GetServerInitialMetadata().find("cercles-replayed");
  ASSERT_NE(replayed, replay_context->GetServerInitialMetadata().end());
  status = Submit(Request("submit-a", circle, applicant, 45'000));
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::ALREADY_EXISTS));
  EXPECT_EQ(LoansOf(applicant).size(), 1u);

  // One open request per person.
  status = Submit(Request("submit-b", circle, applicant, 30'000));
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("open")));
  EXPECT_EQ(LoansOf(applicant).size(), 1u);

  // Votes: not by the applicant, not by a non-member, once each.
  status = VoteOn(first.name(), applicant, true);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("applicant")));
  status = VoteOn(first.name(), outsiders[1], true);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr(outsiders[1])));
  ASSERT_TRUE(VoteOn(first.name(), members[1], false).ok());
  status = VoteOn(first.name(), members[1], true);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("already voted")));
  lv1::Loan now = GetLoan(first.name());
  EXPECT_EQ(now.votes_size(), 1);
  EXPECT_FALSE(now.votes(0).approve());
  EXPECT_EQ(now.state(), lv1::LOAN_STATE_SUBMITTED);

  // The fund decides only once the circle has.
  lv1::ApproveLoanRequest approve;
  approve.set_request_id("approve-early");
  approve.set_loan(first.name());
  lv1::ApproveLoanResponse approved;
  status = lending_->ApproveLoan(Admin().get(), approve, &approved);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_EQ(GetLoan(first.name()).state(), lv1::LOAN_STATE_SUBMITTED);

  // Another advisor may not act on Bob's circle's loan.
  lv1::CastCircleVoteRequest vote;
  vote.set_request_id("vote-dora");
  vote.set_loan(first.name());
  vote.set_voter(members[2]);
  vote.set_approve(true);
  lv1::CastCircleVoteResponse voted;
  status = lending_->CastCircleVote(Dora().get(), vote, &voted);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_EQ(GetLoan(first.name()).votes_size(), 1);

  // An UNDER_STRENGTH circle brings no requests.
  mv1::Circle removed;
  ASSERT_TRUE(Remove(other_circle, outsiders[3], &removed).ok());
  ASSERT_EQ(removed.status(), mv1::CIRCLE_STATUS_UNDER_STRENGTH);
  status = Submit(Request("submit-under", other_circle, outsiders[0], 30'000));
  EXPECT_THAT(status,
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("below 4 members")));
  EXPECT_TRUE(LoansOf(outsiders[0]).empty());
}

TEST_P(LoansTest, ActiveLoansPerPersonAreAFundSettingCheckedAtSubmissionAndDisbursement) {
  std::vector<std::string> members;
  const std::string circle = Circle("Parpersonne", 5, &members);
  const std::string applicant = members[0];
  const ActiveLoan first = Disburse(circle, members, 0, 50'000, FundToday() - 10);
  ASSERT_FALSE(HasFailure());

  // One active loan per person by default: a second request is refused, naming the
  // setting and the active loan.
  grpc::Status status = Submit(Request("second-1", circle, applicant, 40'000));
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION,
                               ::testing::AllOf(HasSubstr("max_active_loans_per_person allows 1"),
                                                HasSubstr("(" + first.name() + ")"))));
  EXPECT_EQ(LoansOf(applicant).size(), 1u);

  // The setting is validated with its rule named, then set to 2: a second loan may be
  // requested, at the same rung (the first loan is not closed, so no ladder step).
  lv1::GetFundSettingsResponse current;
  ASSERT_TRUE(
      lending_->GetFundSettings(Admin().get(), lv1::GetFundSettingsRequest(), &current).ok());
  EXPECT_EQ(current.settings().max_active_loans_per_person(), 1);
  EXPECT_EQ(current.settings().circle_guarantors(), lv1::CIRCLE_GUARANTORS_WHOLE_CIRCLE);
  lv1::UpdateFundSettingsRequest bad;
  bad.set_request_id("settings-bad");
  *bad.mutable_settings() = current.settings();
  bad.mutable_settings()->set_max_active_loans_per_person(-1);
  bad.set_reason("essai");
  lv1::UpdateFundSettingsResponse refused;
  status = lending_->UpdateFundSettings(Admin().get(), bad, &refused);
  EXPECT_THAT(status,
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                       HasSubstr("settings.max_active_loans_per_person must lie in 1..10")));
  ChangeSettings("settings-two",
                 [](lv1::FundSettings* s) { s->set_max_active_loans_per_person(2); });
  lv1::Loan second;
  status = Submit(Request("second-2", circle, applicant, 40'000), &second);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(second.ceiling().minor_units(), 50'000);
  for (int i = 1; i < 4; ++i) ASSERT_TRUE(VoteOn(second.name(), members[i], true).ok());
  ASSERT_TRUE(Approve(second.name()).ok());

  // Lowered back to 1 before the money leaves: the disbursement is refused too.
  ChangeSettings("settings-one",
                 [](lv1::FundSettings* s) { s->set_max_active_loans_per_person(1); });
  lv1::DisburseLoanRequest disburse;
  disburse.set_request_id("disburse-second");
  disburse.set_loan(second.name());
  *disburse.mutable_first_due_date() = ToDate(FundToday() + 30);
  lv1::DisburseLoanResponse disbursed;
  status = lending_->DisburseLoan(Admin().get(), disburse, &disbursed);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION,
                               ::testing::AllOf(HasSubstr("max_active_loans_per_person"),
                                                HasSubstr(first.name()))));
  EXPECT_EQ(GetLoan(second.name()).state(), lv1::LOAN_STATE_APPROVED);
  lv1::WithdrawLoanRequest withdraw;
  withdraw.set_request_id("withdraw-second");
  withdraw.set_loan(second.name());
  withdraw.set_reason("Un seul prêt à la fois");
  lv1::WithdrawLoanResponse withdrawn;
  ASSERT_TRUE(lending_->WithdrawLoan(Bob().get(), withdraw, &withdrawn).ok());

  // Once the first loan is closed (repaid early, so on time), a new one may be
  // requested, one rung up the ladder.
  lv1::RecordRepaymentRequest payoff;
  payoff.set_request_id("payoff-first");
  payoff.set_loan(first.name());
  *payoff.mutable_amount() = Cad(first.loan.outstanding_principal().minor_units() +
                                 first.loan.outstanding_interest().minor_units());
  lv1::RecordRepaymentResponse paid;
  status = lending_->RecordRepayment(Bob().get(), payoff, &paid);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(paid.loan().state(), lv1::LOAN_STATE_CLOSED_REPAID);
  lv1::Loan third;
  status = Submit(Request("second-3", circle, applicant, 90'000), &third);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(third.ceiling().minor_units(), 100'000);
}

TEST_P(LoansTest, EveryMemberVotesUntilTheVoteClosesAndNoVotersMayBeLeftOutOfTheGuarantee) {
  std::vector<std::string> members;
  const std::string circle = Circle("Voix", 6, &members);
  std::vector<std::string> others(members.begin() + 1, members.end());
  std::sort(others.begin(), others.end());

  // Five other members: three yes decide it (more than half of all five).
  lv1::Loan loan;
  ASSERT_TRUE(Submit(Request("voice-1", circle, members[0], 50'000), &loan).ok());
  for (int i = 1; i < 4; ++i) ASSERT_TRUE(VoteOn(loan.name(), members[i], true, &loan).ok());
  EXPECT_EQ(loan.state(), lv1::LOAN_STATE_CIRCLE_APPROVED);
  EXPECT_TRUE(loan.vote_tally().accepting_votes());
  // The fourth still votes (no), and is recorded; the outcome stands, and by default
  // the whole circle guarantees.
  grpc::Status status = VoteOn(loan.name(), members[4], false, &loan);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(loan.state(), lv1::LOAN_STATE_CIRCLE_APPROVED);
  EXPECT_EQ(loan.votes_size(), 4);
  EXPECT_EQ(loan.votes(3).voter(), members[4]);
  EXPECT_FALSE(loan.votes(3).approve());
  EXPECT_EQ(loan.vote_tally().votes_cast(), 4);
  EXPECT_EQ(loan.vote_tally().rejections(), 1);
  EXPECT_EQ(loan.vote_tally().outcome(), "CIRCLE_APPROVED");
  EXPECT_THAT(loan.guarantors(), ElementsAreArray(others));
  // The fifth too; then the meeting closes the vote, as decided.
  ASSERT_TRUE(VoteOn(loan.name(), members[5], true, &loan).ok());
  EXPECT_EQ(loan.votes_size(), 5);
  status = CloseVote(loan.name(), &loan);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(loan.state(), lv1::LOAN_STATE_CIRCLE_APPROVED);
  EXPECT_FALSE(loan.vote_tally().accepting_votes());
  EXPECT_EQ(GetLoan(loan.name()).votes_size(), 5);
  EXPECT_THAT(CloseVote(loan.name()),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("is over")));

  // Rejected early, the others still vote; once the meeting closed it, no one does.
  lv1::Loan rejected;
  ASSERT_TRUE(Submit(Request("voice-2", circle, members[1], 50'000), &rejected).ok());
  for (int i : {0, 2, 3}) ASSERT_TRUE(VoteOn(rejected.name(), members[i], false, &rejected).ok());
  EXPECT_EQ(rejected.state(), lv1::LOAN_STATE_CIRCLE_REJECTED);
  ASSERT_TRUE(VoteOn(rejected.name(), members[4], true, &rejected).ok());
  EXPECT_EQ(rejected.state(), lv1::LOAN_STATE_CIRCLE_REJECTED);
  EXPECT_EQ(rejected.votes_size(), 4);
  ASSERT_TRUE(CloseVote(rejected.name()).ok());
  EXPECT_THAT(VoteOn(rejected.name(), members[5], true),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION,
                       HasSubstr("its vote was closed at the meeting")));

  // With the setting off, a member who votes no, before or after the decision, is
  // not a guarantor; one who has not voted is. The fund's decision closes the vote.
  ChangeSettings("settings-no-voters", [](lv1::FundSettings* s) {
    s->set_circle_guarantors(lv1::CIRCLE_GUARANTORS_EXCEPT_NO_VOTERS);
  });
  lv1::Loan third;
  ASSERT_TRUE(Submit(Request("voice-3", circle, members[2], 50'000), &third).ok());
  ASSERT_TRUE(VoteOn(third.name(), members[0], false, &third).ok());
  for (int i : {1, 3, 4}) ASSERT_TRUE(VoteOn(third.name(), members[i], true, &third).ok());
  EXPECT_EQ(third.state(), lv1::LOAN_STATE_CIRCLE_APPROVED);
  EXPECT_THAT(third.guarantors(),
              ::testing::UnorderedElementsAre(members[1], members[3], members[4], members[5]));
  ASSERT_TRUE(VoteOn(third.name(), members[5], false, &third).ok());
  EXPECT_THAT(third.guarantors(),
              ::testing::UnorderedElementsAre(members[1], members[3], members[4]));
  EXPECT_EQ(third.votes_size(), 5);
  EXPECT_EQ(GetLoan(third.name()).guarantors_size(), 3);

  lv1::Loan fourth;
  ASSERT_TRUE(Submit(Request("voice-4", circle, members[3], 50'000), &fourth).ok());
  for (int i : {0, 1, 2}) ASSERT_TRUE(VoteOn(fourth.name(), members[i], true, &fourth).ok());
  ASSERT_EQ(fourth.state(), lv1::LOAN_STATE_CIRCLE_APPROVED);
  ASSERT_TRUE(Approve(fourth.name(), &fourth).ok());
  EXPECT_FALSE(fourth.vote_tally().accepting_votes());
  EXPECT_THAT(
      VoteOn(fourth.name(), members[4], false),
      StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("is over: the loan is APPROVED")));
  // members[4] and members[5] did not vote: they guarantee with the yes-voters.
  EXPECT_EQ(GetLoan(fourth.name()).guarantors_size(), 5);

  // The events say what changed, each late vote and the guarantee included.
  std::vector<std::string> changes;
  for (const auto& e : LoanEvents(29)) {
    if (e.loan().name() == third.name()) changes.push_back(e.change());
  }
  EXPECT_THAT(changes, ElementsAre("SUBMITTED", "VOTE_CAST", "VOTE_CAST", "VOTE_CAST", "VOTE_CAST",
                                   "CIRCLE_APPROVED", "VOTE_CAST", "GUARANTORS_CHANGED"));
}

TEST_P(LoansTest, MergedCirclesTakeTheirOpenRequestsAlong) {
  std::vector<std::string> a_members, b_members;
  const std::string a = Circle("CercleA", 4, &a_members);
  const std::string b = Circle("CercleB", 4, &b_members);
  mv1::Circle under;
  ASSERT_TRUE(Remove(b, b_members[3], &under).ok());  // 3 left: A and B make 7
  ASSERT_EQ(under.status(), mv1::CIRCLE_STATUS_UNDER_STRENGTH);
  lv1::Loan loan;
  ASSERT_TRUE(Submit(Request("submit-merge", a, a_members[0], 50'000), &loan).ok());

  mv1::MergeCirclesRequest merge;
  merge.set_request_id("merge-ab");
  merge.add_circles(a);
  merge.add_circles(b);
  merge.set_display_name("Cercle AB");
  mv1::MergeCirclesResponse merged;
  grpc::Status status = circles_->MergeCircles(Bob().get(), merge, &merged);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const std::string ab = merged.circle().name();

  EXPECT_TRUE(Eventually([&] { return GetLoan(loan.name()).circle() == ab; }, absl::Seconds(15)));
  lv1::Loan moved = GetLoan(loan.name());
  EXPECT_EQ(moved.original_circle(), a);
  EXPECT_EQ(moved.state(), lv1::LOAN_STATE_SUBMITTED);
  lv1::ListLoansRequest by_circle;
  by_circle.set_circle(ab);
  lv1::ListLoansResponse listed;
  ASSERT_TRUE(lending_->ListLoans(Bob().get(), by_circle, &listed).ok());
  ASSERT_EQ(listed.loans_size(), 1);
  EXPECT_EQ(listed.loans(0).name(), loan.name());

  // The vote goes on in the merged circle.
  lv1::Loan voted;
  status = VoteOn(loan.name(), a_members[1], true, &voted);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(voted.votes_size(), 1);
}

INSTANTIATE_TEST_SUITE_P(Engines, LoansTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
