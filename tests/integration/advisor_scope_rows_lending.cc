// The advisor-scope rows of lending's RPCs (see advisor_scope_test.cc).
#include "tests/integration/advisor_scope_fixture.h"

namespace cercles::testing::advisor_scope {

std::vector<Row> AdvisorScopeTest::LendingRows() {
  std::vector<Row> rows;
  const Expect kRefused = Expect::kRefused, kFiltered = Expect::kFiltered,
               kNotScoped = Expect::kNotScoped;
  lv1::LendingService::Stub* l = lending_.get();
  lv1::FinancingService::Stub* f = financing_.get();
  const std::string b_person = members_b_[1];
  // ---- lending ----
  {
    lv1::GetCircleEligibilityRequest r;
    r.set_circle(circle_b_);
    rows.push_back(MakeRow(kRefused, "B", l, &lv1::LendingService::Stub::GetCircleEligibility, r));
    rows.push_back(MakeRow(kNotScoped, "the fund's settings", l,
                           &lv1::LendingService::Stub::GetFundSettings,
                           lv1::GetFundSettingsRequest(), {}, "the fund's lending rules"));
    rows.push_back(MakeRow(kNotScoped, "settings history", l,
                           &lv1::LendingService::Stub::ListFundSettingsChanges,
                           lv1::ListFundSettingsChangesRequest(), {}, "the fund's rule changes"));
  }
  {
    lv1::SubmitLoanRequestRequest r;
    r.set_request_id("scope-submit");
    r.set_circle(circle_b_);
    r.mutable_loan()->set_applicant(b_person);
    *r.mutable_loan()->mutable_amount() = Cad(20'000);
    r.mutable_loan()->set_purpose("Un comptoir");
    r.mutable_loan()->set_business_plan_summary("Vente au marché");
    r.mutable_loan()->set_instalment_count(6);
    r.mutable_loan()->set_frequency(lv1::REPAYMENT_FREQUENCY_MONTHLY);
    r.mutable_loan()->set_annual_rate_bps(500);
    rows.push_back(
        MakeRow(kRefused, "through B", l, &lv1::LendingService::Stub::SubmitLoanRequest, r));
  }
  {
    lv1::GetLoanRequest r;
    r.set_name(loan_b_);
    rows.push_back(MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::GetLoan, r));
    rows.push_back(MakeRow(kFiltered, "unfiltered", l, &lv1::LendingService::Stub::ListLoans,
                           lv1::ListLoansRequest(), {Quoted(loan_a_)}));
    lv1::ListLoansRequest by_circle;
    by_circle.set_circle(circle_b_);
    rows.push_back(
        MakeRow(kRefused, "circle=B", l, &lv1::LendingService::Stub::ListLoans, by_circle));
    lv1::ListLoansRequest by_applicant;
    by_applicant.set_applicant(members_b_[0]);
    rows.push_back(MakeRow(kFiltered, "applicant=B's member", l,
                           &lv1::LendingService::Stub::ListLoans, by_applicant));
    lv1::ListLoansRequest by_advisor;
    by_advisor.set_advisor(dora_);
    rows.push_back(
        MakeRow(kFiltered, "advisor=Dora", l, &lv1::LendingService::Stub::ListLoans, by_advisor));
  }
  {
    lv1::CastCircleVoteRequest v;
    v.set_request_id("scope-vote");
    v.set_loan(loan_b_);
    v.set_voter(b_person);
    v.set_approve(true);
    rows.push_back(MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::CastCircleVote, v));
    lv1::CloseCircleVoteRequest close;
    close.set_request_id("scope-close");
    close.set_loan(loan_b_);
    rows.push_back(
        MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::CloseCircleVote, close));
    lv1::ApproveLoanRequest approve;
    approve.set_request_id("scope-approve");
    approve.set_loan(loan_b_);
    rows.push_back(
        MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::ApproveLoan, approve));
    lv1::RejectLoanRequest reject;
    reject.set_request_id("scope-reject");
    reject.set_loan(loan_b_);
    reject.set_reason("non");
    rows.push_back(
        MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::RejectLoan, reject));
    lv1::WithdrawLoanRequest withdraw;
    withdraw.set_request_id("scope-withdraw");
    withdraw.set_loan(loan_b_);
    withdraw.set_reason("retrait");
    rows.push_back(
        MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::WithdrawLoan, withdraw));
  }
  {
    lv1::RequestRescheduleRequest request;
    request.set_request_id("scope-reschedule");
    request.set_loan(loan_b_);
    request.mutable_reschedule()->set_instalment_count(6);
    request.mutable_reschedule()->set_frequency(lv1::REPAYMENT_FREQUENCY_MONTHLY);
    *request.mutable_reschedule()->mutable_first_due_date() = ToDate(FundToday() + 30);
    request.mutable_reschedule()->set_reason("Saison creuse");
    rows.push_back(
        MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::RequestReschedule, request));
    lv1::ApproveRescheduleRequest approve;
    approve.set_request_id("scope-reschedule-approve");
    approve.set_reschedule(loan_b_ + "/reschedules/1");
    rows.push_back(
        MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::ApproveReschedule, approve));
    lv1::RejectRescheduleRequest reject;
    reject.set_request_id("scope-reschedule-reject");
    reject.set_reschedule(loan_b_ + "/reschedules/1");
    reject.set_reason("non");
    rows.push_back(
        MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::RejectReschedule, reject));
    lv1::ListReschedulesRequest list;
    list.set_loan(loan_b_);
    rows.push_back(
        MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::ListReschedules, list));
  }
  {
    lv1::GetLoanScheduleRequest r;
    r.set_loan(loan_b_);
    rows.push_back(
        MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::GetLoanSchedule, r));
    lv1::PreviewScheduleRequest preview;
    *preview.mutable_amount() = Cad(100'000);
    preview.set_annual_rate_bps(500);
    preview.set_instalment_count(6);
    preview.set_frequency(lv1::REPAYMENT_FREQUENCY_MONTHLY);
    *preview.mutable_first_due_date() = ToDate(FundToday() + 30);
    rows.push_back(MakeRow(kNotScoped, "terms only", l, &lv1::LendingService::Stub::PreviewSchedule,
                           preview, {}, "arithmetic on the request's terms, no stored data"));
  }
  {
    lv1::RecordRepaymentRequest r;
    r.set_request_id("scope-repay");
    r.set_loan(loan_b_);
    *r.mutable_amount() = Cad(100);
    *r.mutable_received_on() = ToDate(FundToday());
    rows.push_back(
        MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::RecordRepayment, r));
    lv1::ListRepaymentsRequest list;
    list.set_loan(loan_b_);
    rows.push_back(
        MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::ListRepayments, list));
    lv1::RecordGuarantorPaymentRequest g;
    g.set_request_id("scope-guarantor");
    g.set_loan(loan_b_);
    g.set_guarantor(b_person);
    *g.mutable_amount() = Cad(100);
    *g.mutable_received_on() = ToDate(FundToday());
    rows.push_back(
        MakeRow(kRefused, "B's loan", l, &lv1::LendingService::Stub::RecordGuarantorPayment, g));
  }
  {
    lv1::GetCollectionSheetRequest sheet;
    sheet.set_circle(circle_b_);
    rows.push_back(
        MakeRow(kRefused, "B's circle", l, &lv1::LendingService::Stub::GetCollectionSheet, sheet));
    lv1::RecordCollectionsRequest collect;
    collect.set_request_id("scope-collections");
    collect.set_circle(circle_b_);
    lv1::CollectionLine* line = collect.add_lines();
    line->set_kind(lv1::COLLECTION_KIND_REPAYMENT);
    line->set_loan(loan_b_);
    *line->mutable_amount() = Cad(100);
    rows.push_back(
        MakeRow(kRefused, "B's circle", l, &lv1::LendingService::Stub::RecordCollections, collect));
  }
  {
    rows.push_back(MakeRow(kFiltered, "unfiltered", l, &lv1::LendingService::Stub::ListReminders,
                           lv1::ListRemindersRequest(), {Quoted(loan_a_)}));
    lv1::ListRemindersRequest of_circle;
    of_circle.set_circle(circle_b_);
    rows.push_back(
        MakeRow(kRefused, "circle=B", l, &lv1::LendingService::Stub::ListReminders, of_circle));
    lv1::ListRemindersRequest of_loan;
    of_loan.set_loan(loan_b_);
    rows.push_back(
        MakeRow(kFiltered, "loan=B's loan", l, &lv1::LendingService::Stub::ListReminders, of_loan));
    lv1::ListRemindersRequest of_borrower;
    of_borrower.set_borrower(members_b_[0]);
    rows.push_back(MakeRow(kFiltered, "borrower=B's member", l,
                           &lv1::LendingService::Stub::ListReminders, of_borrower));
  }
  {
    rows.push_back(MakeRow(kFiltered, "his circles", l,
                           &lv1::LendingService::Stub::GetPortfolioReport,
                           lv1::GetPortfolioReportRequest(), {Quoted(circle_a_)}));
    rows.push_back(MakeRow(kNotScoped, "the fund's trial balance", l,
                           &lv1::LendingService::Stub::GetTrialBalance,
                           lv1::GetTrialBalanceRequest(), {},
                           "one total per account of the fund, no loan, person or circle"));
  }
  {
    rows.push_back(MakeRow(kFiltered, "unfiltered", l,
                           &lv1::LendingService::Stub::ListJournalEntries,
                           lv1::ListJournalEntriesRequest(), {Quoted(loan_a_)}));
    lv1::ListJournalEntriesRequest by_loan;
    by_loan.set_loan(loan_b_);
    rows.push_back(MakeRow(kRefused, "loan=B's loan", l,
                           &lv1::LendingService::Stub::ListJournalEntries, by_loan));
    lv1::ListJournalEntriesRequest by_party;
    by_party.set_party(members_b_[0]);
    rows.push_back(MakeRow(kFiltered, "party=B's member", l,
                           &lv1::LendingService::Stub::ListJournalEntries, by_party));
    lv1::ListJournalEntriesRequest by_circle;
    by_circle.set_party(circle_b_);
    rows.push_back(MakeRow(kFiltered, "party=B", l, &lv1::LendingService::Stub::ListJournalEntries,
                           by_circle));
  }

  // ---- lending: financing ----
  {
    lv1::CreateBankReferralRequest r;
    r.set_request_id("scope-referral");
    r.mutable_referral()->set_person(b_person);
    r.mutable_referral()->set_institution("Banque");
    *r.mutable_referral()->mutable_amount_requested() = Cad(500'000);
    rows.push_back(MakeRow(kRefused, "for B's member", f,
                           &lv1::FinancingService::Stub::CreateBankReferral, r));
    lv1::UpdateBankReferralRequest u;
    u.set_request_id("scope-referral-update");
    u.set_name(referral_b_);
    u.set_status(lv1::BANK_REFERRAL_STATUS_SENT);
    rows.push_back(
        MakeRow(kRefused, "B's member's", f, &lv1::FinancingService::Stub::UpdateBankReferral, u));
    rows.push_back(MakeRow(kFiltered, "unfiltered", f,
                           &lv1::FinancingService::Stub::ListBankReferrals,
                           lv1::ListBankReferralsRequest(), {Quoted(referral_a_)}));
    lv1::ListBankReferralsRequest by_person;
    by_person.set_person(members_b_[0]);
    rows.push_back(MakeRow(kRefused, "person=B's member", f,
                           &lv1::FinancingService::Stub::ListBankReferrals, by_person));
  }
  {
    lv1::CreateSubsidyApplicationRequest r;
    r.set_request_id("scope-subsidy");
    r.mutable_application()->set_person(b_person);
    r.mutable_application()->set_programme("Programme");
    *r.mutable_application()->mutable_amount_requested() = Cad(100'000);
    rows.push_back(MakeRow(kRefused, "for B's member", f,
                           &lv1::FinancingService::Stub::CreateSubsidyApplication, r));
    lv1::UpdateSubsidyApplicationRequest u;
    u.set_request_id("scope-subsidy-update");
    u.set_name(subsidy_b_);
    u.set_status(lv1::SUBSIDY_STATUS_SUBMITTED);
    rows.push_back(MakeRow(kRefused, "B's member's", f,
                           &lv1::FinancingService::Stub::UpdateSubsidyApplication, u));
    rows.push_back(MakeRow(kFiltered, "unfiltered", f,
                           &lv1::FinancingService::Stub::ListSubsidyApplications,
                           lv1::ListSubsidyApplicationsRequest(), {Quoted(subsidy_a_)}));
    lv1::ListSubsidyApplicationsRequest by_person;
    by_person.set_person(members_b_[0]);
    rows.push_back(MakeRow(kRefused, "person=B's member", f,
                           &lv1::FinancingService::Stub::ListSubsidyApplications, by_person));
  }

  return rows;
}

}  // namespace cercles::testing::advisor_scope
