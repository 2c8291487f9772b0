// Loan servicing: repayments and their reversals, guarantee calls and the
// guarantors' payments, write-offs. Each money movement is one journal entry
// committed with the loan's change, its event and its request_id (RunWrite, group
// committed). Request fields are checked before the write; the write re-reads
// and locks the loan, asks the rules of servicing_rules.h about the stored rows,
// then writes.
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/util/status.h"
#include "services/lending/journal_store.h"
#include "services/lending/lending_service.h"
#include "services/lending/loan_access.h"
#include "services/lending/loan_events.h"
#include "services/lending/loan_mapping.h"
#include "services/lending/loan_store.h"
#include "services/lending/reschedule_store.h"
#include "services/lending/servicing_rules.h"
#include "services/lending/servicing_store.h"
#include "services/lending/servicing_writes.h"
#include "services/lending/settings_store.h"

namespace cercles::lending {

ServicedLoan Serviced(const LoanRecord& loan) {
  return ServicedLoan{loan.name(),
                      loan.state,
                      loan.guarantee_kind,
                      loan.disbursement_date,
                      loan.outstanding_principal_cents,
                      loan.guarantee_called_cents};
}

void SetOutstanding(const LoanPosition& position, LoanRecord& loan) {
  const OutstandingAmounts owed = Outstanding(position);
  loan.outstanding_principal_cents = owed.principal_cents;
  loan.outstanding_interest_cents = owed.interest_cents;
}

namespace {

// The instalments an allocation changes: paid amounts (lines) or scheduled ones
// (revisions), each once.
std::vector<int32_t> Revised(const Allocation& allocation) {
  std::vector<int32_t> numbers;
  for (const InstalmentRevision& r : allocation.revisions) numbers.push_back(r.instalment_number);
  return numbers;
}

// The fund's prepayment rule with the loan's terms (the schedule a recomputation uses).
AllocationTerms TermsFor(const LoanRecord& loan, const FundSettings& settings) {
  AllocationTerms terms;
  terms.rule = settings.prepayment_rule;
  terms.annual_rate_bps = loan.request.annual_rate_bps;
  terms.frequency = loan.request.frequency;
  terms.method = loan.interest_method.value_or(InterestMethod::kDecliningBalance);
  return terms;
}

std::vector<int32_t> Touched(const Allocation& allocation) {
  std::vector<int32_t> numbers = Revised(allocation);
  for (const AllocationLine& line : allocation.lines) numbers.push_back(line.instalment_number);
  std::sort(numbers.begin(), numbers.end());
  numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
  return numbers;
}

// A collection line's own checks (LineScope); nothing for a single write.
absl::Status CheckLineScope(const LineScope& line, const LoanRecord& loan) {
  if (!line.circle.empty() && loan.circle != line.circle) {
    return absl::FailedPreconditionError(absl::StrCat(line.field_prefix, "loan ", loan.name(),
                                                      " is a loan of ", loan.circle, ", not of ",
                                                      line.circle, " whose collections these are"));
  }
  if (!line.borrower.empty() && loan.applicant != line.borrower) {
    return absl::FailedPreconditionError(absl::StrCat(line.field_prefix, "person ", line.borrower,
                                                      " is not the borrower of ", loan.name(), " (",
                                                      loan.applicant, " is)"));
  }
  return absl::OkStatus();
}

// ---- Repayments ----

absl::StatusOr<RepaymentInput> ParseRepayment(const v1::RecordRepaymentRequest& r) {
  RepaymentInput in;
  CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(r.request_id()));
  CERCLES_ASSIGN_OR_RETURN(in.loan_id, api::ParseName(r.loan(), "loans", "loan"));
  if (!r.has_amount()) return absl::InvalidArgumentError("amount is required");
  in.amount = r.amount();
  CERCLES_ASSIGN_OR_RETURN(in.received_on, FromDate(r.received_on(), "received_on"));
  CERCLES_ASSIGN_OR_RETURN(in.reference, api::CleanText(r.reference(), "reference",
                                                        api::MultiLine(0, kMaxReferenceChars)));
  return in;
}

}  // namespace

absl::Status RecordRepaymentIn(const LendingContext& context, storage::Transaction& tx,
                               const auth::Principal& who, const RepaymentInput& in, absl::Time now,
                               v1::RecordRepaymentResponse* response) {
  CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, LockLoan(tx, who, in.loan_id));
  CERCLES_RETURN_IF_ERROR(CheckLineScope(in.line, loan));
  CERCLES_RETURN_IF_ERROR(CheckActive(Serviced(loan), "repayments are recorded"));
  CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
  const std::string& currency = settings.currency;
  const std::string amount_field = absl::StrCat(in.line.field_prefix, "amount");
  CERCLES_ASSIGN_OR_RETURN(int64_t amount, FromMoney(in.amount, currency, amount_field));
  CERCLES_ASSIGN_OR_RETURN(absl::CivilDay day,
                           MovementDay(in.received_on, "received_on", Today(now),
                                       loan.disbursement_date, "the disbursement"));
  CERCLES_ASSIGN_OR_RETURN(LoanPosition position, LoadPosition(tx, loan.id));
  const AllocationTerms terms = TermsFor(loan, settings);
  CERCLES_ASSIGN_OR_RETURN(OutstandingAmounts payoff, Payoff(position, day, terms.rule));
  CERCLES_RETURN_IF_ERROR(CheckRepayment(Serviced(loan), payoff, amount, currency, amount_field));
  CERCLES_ASSIGN_OR_RETURN(Allocation allocation, AllocateRepayment(position, amount, day, terms));
  CERCLES_RETURN_IF_ERROR(ApplyAllocation(allocation, &position));

  RepaymentRecord repayment;
  repayment.loan_id = loan.id;
  repayment.amount_cents = amount;
  repayment.reference = in.reference;
  repayment.allocation = allocation;
  repayment.recorded_by = who.ToString();
  repayment.create_time = now;
  RepaymentSplit split;
  split.principal_cents = allocation.principal_cents;
  split.interest_cents = allocation.interest_cents;
  CERCLES_ASSIGN_OR_RETURN(
      repayment.journal_entry_id,
      JournalStore(currency).Post(tx, Repayment({day, currency, ""}, loan.name(), split), now,
                                  who.ToString()));
  CERCLES_ASSIGN_OR_RETURN(repayment.id, InsertRepayment(tx, repayment));
  // A recomputation (revisions) changes scheduled interest not yet received, which the
  // journal never booked (interest is income when received): the entry above is all.
  CERCLES_RETURN_IF_ERROR(
      UpdatePosition(tx, loan.id, position, Touched(allocation), Revised(allocation)));

  std::vector<std::string> changes = {"REPAYMENT_RECORDED"};
  SetOutstanding(position, loan);
  if (Outstanding(position).total_cents() == 0) {
    CERCLES_RETURN_IF_ERROR(CheckTransition(loan.state, LoanState::kClosedRepaid));
    loan.state = LoanState::kClosedRepaid;
    changes.push_back("CLOSED_REPAID");
  }
  *response->mutable_repayment() = RepaymentToProto(repayment, currency, loan.applicant);
  v1::LoanChanged event;
  *event.mutable_repayment() = response->repayment();
  return SaveLoanAndAnnounce(tx, context.fund_id, loan, position, settings, changes, amount, event,
                             now, response->mutable_loan());
}

namespace {

absl::Status ReverseRepaymentIn(const LendingContext& context, storage::Transaction& tx,
                                const auth::Principal& who, const RepaymentKey& key,
                                const std::string& reason, absl::Time now,
                                v1::ReverseRepaymentResponse* response) {
  CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, LockLoan(tx, who, key.loan_id));
  CERCLES_ASSIGN_OR_RETURN(RepaymentRecord repayment, LoadRepayment(tx, key));
  CERCLES_ASSIGN_OR_RETURN(std::optional<int64_t> latest, LatestLiveRepaymentId(tx, loan.id));
  CERCLES_RETURN_IF_ERROR(CheckReversible(
      Serviced(loan), {repayment.id, repayment.name(), repayment.reversal_entry_id}, latest));
  CERCLES_RETURN_IF_ERROR(CheckNotRescheduledSince(tx, loan.id, repayment.id, repayment.name()));
  CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
  CERCLES_ASSIGN_OR_RETURN(LoanPosition position, LoadPosition(tx, loan.id));
  CERCLES_RETURN_IF_ERROR(ReverseAllocation(repayment.allocation, &position));
  // Dated today, when the correction is made (never before the repayment).
  const absl::CivilDay day = std::max(Today(now), repayment.allocation.received_on);
  CERCLES_ASSIGN_OR_RETURN(
      int64_t reversal_id,
      JournalStore(settings.currency)
          .Reverse(tx, repayment.journal_entry_id, day,
                   absl::StrCat("Reversal of repayment ", repayment.name()), now, who.ToString()));
  CERCLES_RETURN_IF_ERROR(MarkRepaymentReversed(tx, repayment.id, reversal_id, reason));
  repayment.reversal_entry_id = reversal_id;
  repayment.reversal_reason = reason;
  CERCLES_RETURN_IF_ERROR(UpdatePosition(tx, loan.id, position, Touched(repayment.allocation),
                                         Revised(repayment.allocation)));
  SetOutstanding(position, loan);
  if (loan.state == LoanState::kClosedRepaid) {
    // Not a lifecycle transition: the repayment that closed the loan never
    // happened, so the loan is open again.
    loan.state = LoanState::kActive;
    loan.close_time.reset();
  }
  *response->mutable_repayment() = RepaymentToProto(repayment, settings.currency, loan.applicant);
  v1::LoanChanged event;
  *event.mutable_repayment() = response->repayment();
  return SaveLoanAndAnnounce(tx, context.fund_id, loan, position, settings, {"REPAYMENT_REVERSED"},
                             repayment.amount_cents, event, now, response->mutable_loan());
}

// ---- Guarantee calls ----

absl::Status CallGuaranteeIn(const LendingContext& context, storage::Transaction& tx,
                             const auth::Principal& who, int64_t loan_id,
                             const std::optional<absl::CivilDay>& call_date, absl::Time now,
                             v1::CallGuaranteeResponse* response) {
  CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, LockLoan(tx, who, loan_id));
  CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
  CERCLES_ASSIGN_OR_RETURN(
      absl::CivilDay day,
      MovementDay(call_date, "call_date", Today(now), loan.disbursement_date, "the disbursement"));
  CERCLES_ASSIGN_OR_RETURN(LoanPosition position, LoadPosition(tx, loan.id));
  CERCLES_ASSIGN_OR_RETURN(int32_t days_past_due, DaysPastDue(position, day, settings));
  CERCLES_ASSIGN_OR_RETURN(std::optional<GuaranteeCallRecord> earlier,
                           LoadGuaranteeCall(tx, loan.id));
  std::optional<absl::CivilDay> earlier_call;
  if (earlier.has_value()) earlier_call = earlier->call_date;
  CERCLES_RETURN_IF_ERROR(
      CheckCallable(Serviced(loan), earlier_call, days_past_due, day, settings));

  GuaranteeCallRecord call;
  call.loan_id = loan.id;
  call.amount_cents = PrincipalOnLoan(Serviced(loan));
  call.days_past_due = days_past_due;
  call.call_date = day;
  call.create_time = now;
  CERCLES_ASSIGN_OR_RETURN(std::vector<GuarantorShare> shares,
                           ShareGuaranteeCall(call.amount_cents, loan.guarantors));
  for (const GuarantorShare& share : shares) call.shares.push_back({share.party, share.cents, 0});
  std::sort(call.shares.begin(), call.shares.end(),
            [](const GuaranteeShareRecord& a, const GuaranteeShareRecord& b) {
              return a.guarantor < b.guarantor;
            });
  CERCLES_ASSIGN_OR_RETURN(
      call.journal_entry_id,
      JournalStore(settings.currency)
          .Post(tx, GuaranteeCall({day, settings.currency, ""}, loan.name(), shares), now,
                who.ToString()));
  CERCLES_RETURN_IF_ERROR(InsertGuaranteeCall(tx, call));
  loan.guarantee_called_cents += call.amount_cents;
  *response->mutable_call() = GuaranteeCallToProto(call, settings.currency);
  v1::LoanChanged event;
  *event.mutable_guarantee_call() = response->call();
  return SaveLoanAndAnnounce(tx, context.fund_id, loan, position, settings, {"GUARANTEE_CALLED"},
                             call.amount_cents, event, now, response->mutable_loan());
}

absl::StatusOr<GuarantorPaymentInput> ParseGuarantorPayment(
    const v1::RecordGuarantorPaymentRequest& r) {
  GuarantorPaymentInput in;
  CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(r.request_id()));
  CERCLES_ASSIGN_OR_RETURN(in.loan_id, api::ParseName(r.loan(), "loans", "loan"));
  CERCLES_RETURN_IF_ERROR(api::ParseName(r.guarantor(), "people", "guarantor").status());
  in.guarantor = r.guarantor();
  if (!r.has_amount()) return absl::InvalidArgumentError("amount is required");
  in.amount = r.amount();
  CERCLES_ASSIGN_OR_RETURN(in.received_on, FromDate(r.received_on(), "received_on"));
  return in;
}

}  // namespace

absl::Status RecordGuarantorPaymentIn(const LendingContext& context, storage::Transaction& tx,
                                      const auth::Principal& who, const GuarantorPaymentInput& in,
                                      absl::Time now, v1::RecordGuarantorPaymentResponse* response,
                                      int64_t* journal_entry_id) {
  CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, LockLoan(tx, who, in.loan_id));
  CERCLES_RETURN_IF_ERROR(CheckLineScope(in.line, loan));
  CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
  const std::string& currency = settings.currency;
  const std::string amount_field = absl::StrCat(in.line.field_prefix, "amount");
  CERCLES_ASSIGN_OR_RETURN(int64_t amount, FromMoney(in.amount, currency, amount_field));
  CERCLES_ASSIGN_OR_RETURN(std::optional<GuaranteeCallRecord> call, LoadGuaranteeCall(tx, loan.id));
  if (!call.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the guarantee of ", loan.name(), " has not been called: guarantors owe nothing yet"));
  }
  CERCLES_ASSIGN_OR_RETURN(absl::CivilDay day,
                           MovementDay(in.received_on, "received_on", Today(now), call->call_date,
                                       "the guarantee call"));
  std::vector<ShareOwed> shares;
  for (const GuaranteeShareRecord& share : call->shares) {
    shares.push_back({share.guarantor, share.amount_cents, share.paid_cents});
  }
  CERCLES_ASSIGN_OR_RETURN(size_t index, CheckGuarantorPayment(Serviced(loan), shares, in.guarantor,
                                                               amount, currency, amount_field));
  CERCLES_ASSIGN_OR_RETURN(
      int64_t entry_id,
      JournalStore(currency).Post(
          tx, GuaranteePayment({day, currency, ""}, loan.name(), in.guarantor, amount), now,
          who.ToString()));
  if (journal_entry_id != nullptr) *journal_entry_id = entry_id;
  CERCLES_RETURN_IF_ERROR(AddGuarantorPayment(tx, loan.id, in.guarantor, amount));
  call->shares[index].paid_cents += amount;
  *response->mutable_call() = GuaranteeCallToProto(*call, currency);
  CERCLES_ASSIGN_OR_RETURN(LoanPosition position, LoadPosition(tx, loan.id));
  v1::LoanChanged event;
  *event.mutable_guarantee_call() = response->call();
  v1::Loan after;
  return SaveLoanAndAnnounce(tx, context.fund_id, loan, position, settings,
                             {"GUARANTOR_PAYMENT_RECORDED"}, amount, event, now, &after);
}

namespace {

// ---- Write-offs ----

absl::Status WriteOffLoanIn(const LendingContext& context, storage::Transaction& tx,
                            const auth::Principal& who, int64_t loan_id, const std::string& reason,
                            const std::optional<absl::CivilDay>& write_off_date, absl::Time now,
                            v1::WriteOffLoanResponse* response) {
  CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, LockLoan(tx, who, loan_id));
  CERCLES_RETURN_IF_ERROR(CheckActive(Serviced(loan), "a loan is written off"));
  CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
  CERCLES_ASSIGN_OR_RETURN(absl::CivilDay day,
                           MovementDay(write_off_date, "write_off_date", Today(now),
                                       loan.disbursement_date, "the disbursement"));
  CERCLES_ASSIGN_OR_RETURN(LoanPosition position, LoadPosition(tx, loan.id));
  CERCLES_ASSIGN_OR_RETURN(int32_t days_past_due, DaysPastDue(position, day, settings));
  CERCLES_RETURN_IF_ERROR(CheckWriteOff(Serviced(loan), days_past_due, day, settings));
  // Interest is income only when received, so only principal is written off;
  // after a guarantee call what the guarantors owe stays receivable from them.
  const int64_t principal = PrincipalOnLoan(Serviced(loan));
  if (principal > 0) {
    CERCLES_ASSIGN_OR_RETURN(
        int64_t entry_id,
        JournalStore(settings.currency)
            .Post(tx, WriteOff({day, settings.currency, ""}, loan.name(), principal), now,
                  who.ToString()));
    response->set_journal_entry_id(entry_id);
  }
  loan.state = LoanState::kWrittenOff;
  loan.state_reason = reason;
  return SaveLoanAndAnnounce(tx, context.fund_id, loan, position, settings, {"WRITTEN_OFF"},
                             principal, v1::LoanChanged(), now, response->mutable_loan());
}

}  // namespace

grpc::ServerUnaryReactor* LendingService::RecordRepayment(grpc::CallbackServerContext* context,
                                                          const v1::RecordRepaymentRequest* request,
                                                          v1::RecordRepaymentResponse* response) {
  return server::Serve(*context_.handlers, *context_.authorizer, context, *request, response,
                       [=](const auth::Principal& who) -> absl::Status {
                         CERCLES_ASSIGN_OR_RETURN(RepaymentInput in, ParseRepayment(*request));
                         return RunWrite(context_, context, *request, response,
                                         [&](storage::Transaction& tx, absl::Time now) {
                                           return RecordRepaymentIn(context_, tx, who, in, now,
                                                                    response);
                                         });
                       });
}

grpc::ServerUnaryReactor* LendingService::ReverseRepayment(
    grpc::CallbackServerContext* context, const v1::ReverseRepaymentRequest* request,
    v1::ReverseRepaymentResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(RepaymentKey key,
                                 ParseRepaymentName(request->repayment(), "repayment"));
        CERCLES_ASSIGN_OR_RETURN(std::string reason, api::CleanText(request->reason(), "reason",
                                                                    api::MultiLine(1, 500)));
        return RunWrite(context_, context, *request, response,
                        [&](storage::Transaction& tx, absl::Time now) {
                          return ReverseRepaymentIn(context_, tx, who, key, reason, now, response);
                        });
      });
}

grpc::ServerUnaryReactor* LendingService::ListRepayments(grpc::CallbackServerContext* context,
                                                         const v1::ListRepaymentsRequest* request,
                                                         v1::ListRepaymentsResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int64_t loan_id, api::ParseName(request->loan(), "loans", "loan"));
        CERCLES_ASSIGN_OR_RETURN(int size, api::NormalisePageSize(request->page_size()));
        CERCLES_ASSIGN_OR_RETURN(int64_t after, api::DecodeIdPageToken(request->page_token()));
        return storage::RunInTransaction(
            *context_.db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
              response->Clear();
              CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, LoadVisibleLoan(tx, who, loan_id, false));
              CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
              CERCLES_ASSIGN_OR_RETURN(std::vector<RepaymentRecord> page,
                                       ListRepaymentRecords(tx, loan_id, after, size + 1));
              api::Page<RepaymentRecord> listed = api::TakePage(
                  std::move(page), size, [](const RepaymentRecord& r) { return r.id; });
              for (const RepaymentRecord& r : listed.rows) {
                *response->add_repayments() =
                    RepaymentToProto(r, settings.currency, loan.applicant);
              }
              response->set_next_page_token(listed.next_page_token);
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* LendingService::CallGuarantee(grpc::CallbackServerContext* context,
                                                        const v1::CallGuaranteeRequest* request,
                                                        v1::CallGuaranteeResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(int64_t loan_id, api::ParseName(request->loan(), "loans", "loan"));
        CERCLES_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> call_date,
                                 FromDate(request->call_date(), "call_date"));
        return RunWrite(
            context_, context, *request, response, [&](storage::Transaction& tx, absl::Time now) {
              return CallGuaranteeIn(context_, tx, who, loan_id, call_date, now, response);
            });
      });
}

grpc::ServerUnaryReactor* LendingService::RecordGuarantorPayment(
    grpc::CallbackServerContext* context, const v1::RecordGuarantorPaymentRequest* request,
    v1::RecordGuarantorPaymentResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(GuarantorPaymentInput in, ParseGuarantorPayment(*request));
        return RunWrite(context_, context, *request, response,
                        [&](storage::Transaction& tx, absl::Time now) {
                          return RecordGuarantorPaymentIn(context_, tx, who, in, now, response);
                        });
      });
}

grpc::ServerUnaryReactor* LendingService::WriteOffLoan(grpc::CallbackServerContext* context,
                                                       const v1::WriteOffLoanRequest* request,
                                                       v1::WriteOffLoanResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(int64_t loan_id, api::ParseName(request->loan(), "loans", "loan"));
        CERCLES_ASSIGN_OR_RETURN(std::string reason, api::CleanText(request->reason(), "reason",
                                                                    api::MultiLine(1, 500)));
        CERCLES_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> write_off_date,
                                 FromDate(request->write_off_date(), "write_off_date"));
        return RunWrite(context_, context, *request, response,
                        [&](storage::Transaction& tx, absl::Time now) {
                          return WriteOffLoanIn(context_, tx, who, loan_id, reason, write_off_date,
                                                now, response);
                        });
      });
}

}  // namespace cercles::lending
