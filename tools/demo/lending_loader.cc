#include "tools/demo/lending_loader.h"

#include <algorithm>
#include <atomic>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "tools/demo/demo_call.h"

namespace cercles::demo {
namespace {

namespace lv1 = cercles::lending::v1;

lv1::RepaymentFrequency ToProto(lending::Frequency frequency) {
  switch (frequency) {
    case lending::Frequency::kWeekly:
      return lv1::REPAYMENT_FREQUENCY_WEEKLY;
    case lending::Frequency::kEveryTwoWeeks:
      return lv1::REPAYMENT_FREQUENCY_EVERY_TWO_WEEKS;
    case lending::Frequency::kMonthly:
      return lv1::REPAYMENT_FREQUENCY_MONTHLY;
  }
  return lv1::REPAYMENT_FREQUENCY_UNSPECIFIED;
}

cercles::common::v1::Money Cad(int64_t cents) {
  cercles::common::v1::Money money;
  money.set_currency_code("CAD");
  money.set_minor_units(cents);
  return money;
}

class LendingLoader {
 public:
  LendingLoader(const std::shared_ptr<grpc::Channel>& channel, const LoadSummary& membership,
                const LendingPlan& plan, const LendingLoaderOptions& options)
      : stub_(lv1::LendingService::NewStub(channel)),
        financing_(lv1::FinancingService::NewStub(channel)),
        membership_(membership),
        plan_(plan),
        options_(options) {}

  absl::StatusOr<LendingSummary> Run();

 private:
  CallOptions As(const std::string& token) { return {token, options_.timeout, &calls_}; }
  const std::string& Person(int index) const {
    return membership_.person_names[static_cast<size_t>(index)];
  }
  // Loans one after the other (a person's closed before their next is requested).
  absl::Status LoadChain(const std::vector<int>& loans);
  absl::Status LoadLoan(const LoanPlan& loan);
  absl::Status Decide(const LoanPlan& loan, const std::string& name, lv1::Loan* out);
  absl::Status Disburse(const LoanPlan& loan, const std::string& name);
  absl::Status Repay(const LoanPlan& loan, const std::string& name);
  absl::Status CallGuarantee(const LoanPlan& loan, const std::string& name);
  absl::Status LoadBankReferral(const BankReferralPlan& plan);
  absl::Status LoadSubsidy(const SubsidyPlan& plan);
  absl::Status Summarise(LendingSummary* out);

  std::unique_ptr<lv1::LendingService::Stub> stub_;
  std::unique_ptr<lv1::FinancingService::Stub> financing_;
  const LoadSummary& membership_;
  const LendingPlan& plan_;
  const LendingLoaderOptions options_;
  std::atomic<int64_t> calls_{0};
  absl::Time start_;
  absl::Mutex mu_;
  int loans_new_ ABSL_GUARDED_BY(mu_) = 0;
  int repayments_ ABSL_GUARDED_BY(mu_) = 0;
  int reversals_ ABSL_GUARDED_BY(mu_) = 0;
  int guarantee_calls_ ABSL_GUARDED_BY(mu_) = 0;
};

absl::Status LendingLoader::LoadChain(const std::vector<int>& loans) {
  for (int index : loans) {
    absl::Status status = LoadLoan(plan_.loans[static_cast<size_t>(index)]);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status LendingLoader::LoadLoan(const LoanPlan& loan) {
  const std::string& circle = membership_.circle_names[static_cast<size_t>(loan.circle)];
  lv1::SubmitLoanRequestRequest submit;
  submit.set_request_id(absl::StrCat(loan.key, "-submit"));
  submit.set_circle(circle);
  lv1::Loan* request = submit.mutable_loan();
  request->set_applicant(Person(loan.applicant));
  *request->mutable_amount() = Cad(loan.terms.principal_cents);
  request->set_purpose(loan.purpose);
  request->set_business_plan_summary(loan.plan_summary);
  request->set_instalment_count(loan.terms.instalment_count);
  request->set_frequency(ToProto(loan.terms.frequency));
  request->set_annual_rate_bps(loan.terms.annual_rate_bps);
  lv1::SubmitLoanRequestResponse submitted;
  absl::Status status = CallWithRetries(As(options_.token), loan.key, [&](grpc::ClientContext* c) {
    return stub_->SubmitLoanRequest(c, submit, &submitted);
  });
  if (!status.ok()) return status;
  const std::string name = submitted.loan().name();
  if (absl::FromUnixSeconds(submitted.loan().create_time().seconds()) >=
      start_ - absl::Seconds(1)) {
    absl::MutexLock lock(&mu_);
    ++loans_new_;
  }
  if (loan.fate == LoanFate::kWithdrawn) {
    lv1::WithdrawLoanRequest withdraw;
    withdraw.set_request_id(absl::StrCat(loan.key, "-withdraw"));
    withdraw.set_loan(name);
    withdraw.set_reason("The applicant obtained a bank loan through a referral instead");
    lv1::WithdrawLoanResponse withdrawn;
    return CallWithRetries(
        As(options_.token), absl::StrCat(loan.key, " withdrawal"),
        [&](grpc::ClientContext* c) { return stub_->WithdrawLoan(c, withdraw, &withdrawn); });
  }
  lv1::Loan decided;
  status = Decide(loan, name, &decided);
  if (!status.ok() || !loan.Disbursed()) return status;
  status = Disburse(loan, name);
  if (!status.ok()) return status;
  status = Repay(loan, name);
  if (!status.ok()) return status;
  if (loan.guarantee_call.has_value()) {
    status = CallGuarantee(loan, name);
    if (!status.ok()) return status;
  }
  if (loan.write_off.has_value()) {
    lv1::WriteOffLoanRequest write_off;
    write_off.set_request_id(absl::StrCat(loan.key, "-write-off"));
    write_off.set_loan(name);
    write_off.set_reason(
        "Business closed; no payment for six months despite the circle's follow-up");
    *write_off.mutable_write_off_date() = ToDate(*loan.write_off);
    lv1::WriteOffLoanResponse written_off;
    return CallWithRetries(
        As(options_.token), absl::StrCat(loan.key, " write-off"),
        [&](grpc::ClientContext* c) { return stub_->WriteOffLoan(c, write_off, &written_off); });
  }
  return absl::OkStatus();
}

// The circle's votes until it decides, then (unless the plan leaves it
// waiting) the fund's approval by the second staff member.
absl::Status LendingLoader::Decide(const LoanPlan& loan, const std::string& name, lv1::Loan* out) {
  const std::vector<int> voters = VotersOf(membership_.plan, loan);
  const int cast = loan.votes_cast < 0 ? static_cast<int>(voters.size()) : loan.votes_cast;
  out->set_state(lv1::LOAN_STATE_SUBMITTED);
  for (int i = 0; i < cast && out->state() == lv1::LOAN_STATE_SUBMITTED; ++i) {
    const int voter = voters[static_cast<size_t>(i)];
    lv1::CastCircleVoteRequest vote;
    vote.set_request_id(absl::StrCat(loan.key, "-vote-", voter + 1));
    vote.set_loan(name);
    vote.set_voter(Person(voter));
    vote.set_approve(i < cast - loan.no_votes);
    if (!vote.approve()) vote.set_comment("The sales forecast looks optimistic to me");
    lv1::CastCircleVoteResponse voted;
    absl::Status status = CallWithRetries(
        As(options_.token), absl::StrCat(loan.key, " vote"),
        [&](grpc::ClientContext* c) { return stub_->CastCircleVote(c, vote, &voted); });
    if (!status.ok()) return status;
    *out = voted.loan();
  }
  if (out->state() != lv1::LOAN_STATE_CIRCLE_APPROVED || loan.fate == LoanFate::kAwaitingDecision) {
    return absl::OkStatus();
  }
  lv1::ApproveLoanRequest approve;
  approve.set_request_id(absl::StrCat(loan.key, "-approve"));
  approve.set_loan(name);
  approve.set_note("Credit committee: plan reviewed with the advisor");
  lv1::ApproveLoanResponse approved;
  return CallWithRetries(
      As(options_.approver_token), absl::StrCat(loan.key, " approval"),
      [&](grpc::ClientContext* c) { return stub_->ApproveLoan(c, approve, &approved); });
}

absl::Status LendingLoader::Disburse(const LoanPlan& loan, const std::string& name) {
  lv1::DisburseLoanRequest disburse;
  disburse.set_request_id(absl::StrCat(loan.key, "-disburse"));
  disburse.set_loan(name);
  *disburse.mutable_disbursement_date() = ToDate(loan.disbursed);
  *disburse.mutable_first_due_date() = ToDate(loan.terms.first_due);
  disburse.set_interest_method(lv1::INTEREST_METHOD_DECLINING_BALANCE);
  lv1::DisburseLoanResponse disbursed;
  return CallWithRetries(
      As(options_.token), absl::StrCat(loan.key, " disbursement"),
      [&](grpc::ClientContext* c) { return stub_->DisburseLoan(c, disburse, &disbursed); });
}

absl::Status LendingLoader::Repay(const LoanPlan& loan, const std::string& name) {
  for (size_t n = 0; n < loan.payments.size(); ++n) {
    const PaymentPlan& payment = loan.payments[n];
    const std::string key = absl::StrCat(loan.key, "-payment-", n + 1);
    auto record = [&](const std::string& request_id, int64_t cents,
                      lv1::RecordRepaymentResponse* response) {
      lv1::RecordRepaymentRequest request;
      request.set_request_id(request_id);
      request.set_loan(name);
      *request.mutable_amount() = Cad(cents);
      *request.mutable_received_on() = ToDate(payment.day);
      request.set_reference(absl::StrCat("Receipt ", request_id));
      return CallWithRetries(As(options_.token), request_id, [&](grpc::ClientContext* c) {
        return stub_->RecordRepayment(c, request, response);
      });
    };
    lv1::RecordRepaymentResponse recorded;
    if (payment.keyed_wrong_first) {
      absl::Status status = record(absl::StrCat(key, "-typo"), payment.cents + 1000, &recorded);
      if (!status.ok()) return status;
      lv1::ReverseRepaymentRequest reverse;
      reverse.set_request_id(absl::StrCat(key, "-typo-reversal"));
      reverse.set_repayment(recorded.repayment().name());
      reverse.set_reason("Amount keyed wrong: $10 more than the receipt");
      lv1::ReverseRepaymentResponse reversed;
      status = CallWithRetries(
          As(options_.token), reverse.request_id(),
          [&](grpc::ClientContext* c) { return stub_->ReverseRepayment(c, reverse, &reversed); });
      if (!status.ok()) return status;
      absl::MutexLock lock(&mu_);
      ++reversals_;
    }
    absl::Status status = record(key, payment.cents, &recorded);
    if (!status.ok()) return status;
    absl::MutexLock lock(&mu_);
    ++repayments_;
  }
  return absl::OkStatus();
}

// Calls the circle's guarantee; the first guarantor pays their whole share ten
// days later, the second half of theirs, the others nothing yet.
absl::Status LendingLoader::CallGuarantee(const LoanPlan& loan, const std::string& name) {
  lv1::CallGuaranteeRequest call;
  call.set_request_id(absl::StrCat(loan.key, "-guarantee-call"));
  call.set_loan(name);
  *call.mutable_call_date() = ToDate(*loan.guarantee_call);
  lv1::CallGuaranteeResponse called;
  absl::Status status = CallWithRetries(
      As(options_.token), call.request_id(),
      [&](grpc::ClientContext* c) { return stub_->CallGuarantee(c, call, &called); });
  if (!status.ok()) return status;
  {
    absl::MutexLock lock(&mu_);
    ++guarantee_calls_;
  }
  for (int i = 0; i < std::min(2, called.call().shares_size()); ++i) {
    const lv1::GuarantorShare& share = called.call().shares(i);
    const int64_t cents = i == 0 ? share.amount().minor_units() : share.amount().minor_units() / 2;
    if (cents <= 0) continue;
    lv1::RecordGuarantorPaymentRequest pay;
    pay.set_request_id(absl::StrCat(loan.key, "-guarantor-", i + 1));
    pay.set_loan(name);
    pay.set_guarantor(share.guarantor());
    *pay.mutable_amount() = Cad(cents);
    *pay.mutable_received_on() =
        ToDate(std::min(membership_.plan.anchor - 1, *loan.guarantee_call + 10 * (i + 1)));
    lv1::RecordGuarantorPaymentResponse paid;
    status = CallWithRetries(As(options_.token), pay.request_id(), [&](grpc::ClientContext* c) {
      return stub_->RecordGuarantorPayment(c, pay, &paid);
    });
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status LendingLoader::LoadBankReferral(const BankReferralPlan& plan) {
  lv1::CreateBankReferralRequest create;
  create.set_request_id(plan.key);
  create.mutable_referral()->set_person(Person(plan.person));
  create.mutable_referral()->set_institution(plan.institution);
  *create.mutable_referral()->mutable_amount_requested() = Cad(plan.amount_cents);
  create.mutable_referral()->set_note(plan.note);
  lv1::CreateBankReferralResponse created;
  absl::Status status = CallWithRetries(As(options_.token), plan.key, [&](grpc::ClientContext* c) {
    return financing_->CreateBankReferral(c, create, &created);
  });
  for (const std::string& next : plan.statuses) {
    if (!status.ok()) return status;
    lv1::UpdateBankReferralRequest update;
    update.set_request_id(absl::StrCat(plan.key, "-", next));
    update.set_name(created.referral().name());
    lv1::BankReferralStatus value = lv1::BANK_REFERRAL_STATUS_UNSPECIFIED;
    lv1::BankReferralStatus_Parse(
        absl::StrCat("BANK_REFERRAL_STATUS_", absl::AsciiStrToUpper(next)), &value);
    update.set_status(value);
    if (next == "accepted") *update.mutable_amount_obtained() = Cad(plan.obtained_cents);
    lv1::UpdateBankReferralResponse updated;
    status = CallWithRetries(As(options_.token), update.request_id(), [&](grpc::ClientContext* c) {
      return financing_->UpdateBankReferral(c, update, &updated);
    });
  }
  return status;
}

absl::Status LendingLoader::LoadSubsidy(const SubsidyPlan& plan) {
  lv1::CreateSubsidyApplicationRequest create;
  create.set_request_id(plan.key);
  create.mutable_application()->set_person(Person(plan.person));
  create.mutable_application()->set_programme(plan.programme);
  *create.mutable_application()->mutable_amount_requested() = Cad(plan.amount_cents);
  lv1::CreateSubsidyApplicationResponse created;
  absl::Status status = CallWithRetries(As(options_.token), plan.key, [&](grpc::ClientContext* c) {
    return financing_->CreateSubsidyApplication(c, create, &created);
  });
  for (const std::string& next : plan.statuses) {
    if (!status.ok()) return status;
    lv1::UpdateSubsidyApplicationRequest update;
    update.set_request_id(absl::StrCat(plan.key, "-", next));
    update.set_name(created.application().name());
    lv1::SubsidyStatus value = lv1::SUBSIDY_STATUS_UNSPECIFIED;
    lv1::SubsidyStatus_Parse(absl::StrCat("SUBSIDY_STATUS_", absl::AsciiStrToUpper(next)), &value);
    update.set_status(value);
    if (next == "granted") *update.mutable_amount_granted() = Cad(plan.granted_cents);
    if (next == "granted" || next == "refused") update.set_outcome(plan.outcome);
    lv1::UpdateSubsidyApplicationResponse updated;
    status = CallWithRetries(As(options_.token), update.request_id(), [&](grpc::ClientContext* c) {
      return financing_->UpdateSubsidyApplication(c, update, &updated);
    });
  }
  return status;
}

absl::Status LendingLoader::Summarise(LendingSummary* out) {
  lv1::ListLoansRequest list;
  list.set_page_size(500);
  for (;;) {
    lv1::ListLoansResponse page;
    absl::Status status =
        CallWithRetries(As(options_.token), "ListLoans",
                        [&](grpc::ClientContext* c) { return stub_->ListLoans(c, list, &page); });
    if (!status.ok()) return status;
    for (const lv1::Loan& loan : page.loans()) {
      ++out->loans;
      ++out->loans_by_state[lv1::LoanState_Name(loan.state()).substr(11)];  // after "LOAN_STATE_"
      if (!loan.disbursement_date().year()) continue;
      out->disbursed_cents += loan.amount().minor_units();
      if (out->showcase.empty() && loan.state() == lv1::LOAN_STATE_ACTIVE)
        out->showcase = loan.name();
    }
    if (page.next_page_token().empty()) break;
    list.set_page_token(page.next_page_token());
  }
  lv1::GetPortfolioReportRequest report_request;
  lv1::GetPortfolioReportResponse report;
  absl::Status status =
      CallWithRetries(As(options_.token), "GetPortfolioReport", [&](grpc::ClientContext* c) {
        return stub_->GetPortfolioReport(c, report_request, &report);
      });
  if (!status.ok()) return status;
  out->outstanding_cents = report.fund().outstanding_principal().minor_units();
  out->par30_bps = report.fund().par30_bps();
  out->repayment_rate_bps = report.fund().repayment_rate_bps();
  for (int i = 0; i < report.fund().loans_per_bucket_size() && i < report.bucket_labels_size();
       ++i) {
    out->loans_per_bucket.emplace_back(report.bucket_labels(i), report.fund().loans_per_bucket(i));
  }
  lv1::GetTrialBalanceRequest balance_request;
  lv1::GetTrialBalanceResponse balance;
  status = CallWithRetries(As(options_.token), "GetTrialBalance", [&](grpc::ClientContext* c) {
    return stub_->GetTrialBalance(c, balance_request, &balance);
  });
  if (!status.ok()) return status;
  out->total_debit_cents = balance.total_debit().minor_units();
  out->total_credit_cents = balance.total_credit().minor_units();
  out->balanced = balance.balanced();
  return absl::OkStatus();
}

absl::StatusOr<LendingSummary> LendingLoader::Run() {
  start_ = absl::Now();
  lv1::RecordCapitalContributionRequest capital;
  capital.set_request_id("demo-capital-1");
  *capital.mutable_amount() = Cad(plan_.capital_cents);
  capital.set_contributor("Founding partners of the lending fund");
  *capital.mutable_effective_date() = ToDate(plan_.capital_day);
  lv1::RecordCapitalContributionResponse contributed;
  absl::Status status =
      CallWithRetries(As(options_.token), "capital contribution", [&](grpc::ClientContext* c) {
        return stub_->RecordCapitalContribution(c, capital, &contributed);
      });
  if (!status.ok()) return status;

  // Circles in parallel; within a circle one person's loans after another's, the
  // stories that leave someone in arrears last (LoanPlan::GoesBad): a loan is
  // ACTIVE and unpaid between its disbursement and its back-dated repayments,
  // and lending refuses the circle's guarantee while a member looks late.
  std::map<int, std::vector<int>> by_person;
  for (size_t i = 0; i < plan_.loans.size(); ++i) {
    by_person[plan_.loans[i].applicant].push_back(static_cast<int>(i));
  }
  std::map<int, std::vector<int>> by_circle;  // loans in loading order
  for (const bool bad : {false, true}) {
    for (const auto& [person, chain] : by_person) {
      const bool goes_bad = std::any_of(chain.begin(), chain.end(), [&](int i) {
        return plan_.loans[static_cast<size_t>(i)].GoesBad();
      });
      if (goes_bad != bad) continue;
      auto& order = by_circle[plan_.loans[static_cast<size_t>(chain.front())].circle];
      order.insert(order.end(), chain.begin(), chain.end());
    }
  }
  std::vector<std::vector<int>> circles;
  for (auto& [circle, order] : by_circle) circles.push_back(std::move(order));
  status = RunParallel(circles.size(), options_.concurrency,
                       [&](size_t i) { return LoadChain(circles[i]); });
  if (!status.ok()) return status;

  for (const BankReferralPlan& referral : plan_.bank_referrals) {
    status = LoadBankReferral(referral);
    if (!status.ok()) return status;
  }
  for (const SubsidyPlan& subsidy : plan_.subsidies) {
    status = LoadSubsidy(subsidy);
    if (!status.ok()) return status;
  }

  LendingSummary out;
  out.bank_referrals = static_cast<int>(plan_.bank_referrals.size());
  out.subsidies = static_cast<int>(plan_.subsidies.size());
  status = Summarise(&out);
  if (!status.ok()) return status;
  absl::MutexLock lock(&mu_);
  out.elapsed = absl::Now() - start_;
  out.calls = calls_.load();
  out.loans_new = loans_new_;
  out.repayments = repayments_;
  out.reversals = reversals_;
  out.guarantee_calls = guarantee_calls_;
  return out;
}

std::string Dollars(int64_t cents) { return absl::StrFormat("$%d.%02d", cents / 100, cents % 100); }

std::string Bps(int32_t bps) { return absl::StrFormat("%d.%02d %%", bps / 100, bps % 100); }

}  // namespace

absl::StatusOr<LendingSummary> LoadLending(const std::shared_ptr<grpc::Channel>& channel,
                                           const LoadSummary& membership, const LendingPlan& plan,
                                           const LendingLoaderOptions& options) {
  LendingLoader loader(channel, membership, plan, options);
  return loader.Run();
}

std::string FormatLendingSummary(const LendingSummary& s) {
  std::string states;
  for (const auto& [state, count] : s.loans_by_state) {
    absl::StrAppend(&states, states.empty() ? "" : ", ", count, " ", state);
  }
  std::string buckets;
  for (const auto& [label, count] : s.loans_per_bucket) {
    absl::StrAppend(&buckets, buckets.empty() ? "" : ", ", label, ": ", count);
  }
  std::string out = absl::StrFormat("lending loaded in %.1f s (%d calls)\n",
                                    absl::ToDoubleSeconds(s.elapsed), s.calls);
  absl::StrAppendFormat(&out, "  loans      %4d  (%d new): %s\n", s.loans, s.loans_new, states);
  absl::StrAppendFormat(&out,
                        "  money      %s disbursed, %s outstanding; %d repayments (%d keyed wrong "
                        "and reversed), %d guarantee calls\n",
                        Dollars(s.disbursed_cents), Dollars(s.outstanding_cents), s.repayments,
                        s.reversals, s.guarantee_calls);
  absl::StrAppendFormat(&out,
                        "  portfolio  PAR30 %s, repayment rate %s; active loans by arrears: %s\n",
                        Bps(s.par30_bps), Bps(s.repayment_rate_bps), buckets);
  absl::StrAppendFormat(&out, "  financing  %d bank referrals, %d subsidy applications\n",
                        s.bank_referrals, s.subsidies);
  absl::StrAppendFormat(&out, "  journal    debits %s = credits %s: %s\n",
                        Dollars(s.total_debit_cents), Dollars(s.total_credit_cents),
                        s.balanced ? "balanced" : "NOT BALANCED");
  return out;
}

}  // namespace cercles::demo
