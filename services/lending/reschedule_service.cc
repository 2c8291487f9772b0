// Rescheduling with maker-checker (LoanReschedule in servicing.proto): one member of
// the fund's staff requests, another approves or rejects. Every write goes through
// RunWrite (request_id, group commit) and locks the loan first, as a repayment does,
// so an approval and the loan's repayments and collections serialise. The arithmetic is
// reschedule.h; the SQL reschedule_store.h and loan_store.h.
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
#include "services/lending/lending_service.h"
#include "services/lending/loan_access.h"
#include "services/lending/loan_events.h"
#include "services/lending/loan_mapping.h"
#include "services/lending/loan_store.h"
#include "services/lending/reschedule.h"
#include "services/lending/reschedule_store.h"
#include "services/lending/servicing_rules.h"
#include "services/lending/servicing_store.h"
#include "services/lending/servicing_writes.h"
#include "services/lending/settings_store.h"

namespace cercles::lending {
namespace {

constexpr size_t kMaxReasonChars = 500;

// The request's fields checked in form; the fund's terms are checked in the write.
struct RescheduleInput {
  int64_t loan_id = 0;
  RescheduleTerms terms;
  std::string reason;
};

absl::StatusOr<RescheduleInput> ParseRequest(const v1::RequestRescheduleRequest& r) {
  RescheduleInput in;
  CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(r.request_id()));
  CERCLES_ASSIGN_OR_RETURN(in.loan_id, api::ParseName(r.loan(), "loans", "loan"));
  if (!r.has_reschedule()) return absl::InvalidArgumentError("reschedule is required");
  const v1::LoanReschedule& s = r.reschedule();
  std::optional<Frequency> frequency = FromProtoFrequency(s.frequency());
  if (!frequency.has_value()) {
    return absl::InvalidArgumentError(
        "reschedule.frequency must be REPAYMENT_FREQUENCY_WEEKLY, "
        "REPAYMENT_FREQUENCY_EVERY_TWO_WEEKS or REPAYMENT_FREQUENCY_MONTHLY");
  }
  in.terms.frequency = *frequency;
  in.terms.instalment_count = s.instalment_count();
  in.terms.grace_on_principal = s.grace_on_principal_instalments();
  in.terms.grace_on_interest = s.grace_on_interest_instalments();
  CERCLES_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> first_due,
                           FromDate(s.first_due_date(), "reschedule.first_due_date"));
  if (!first_due.has_value()) {
    return absl::InvalidArgumentError("reschedule.first_due_date is required");
  }
  in.terms.first_due = *first_due;
  CERCLES_ASSIGN_OR_RETURN(in.reason, api::CleanText(s.reason(), "reschedule.reason",
                                                     api::MultiLine(1, kMaxReasonChars)));
  return in;
}

// A status of a rule about the request's fields, its message prefixed "reschedule.".
absl::Status InRequest(const absl::Status& status) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat("reschedule.", status.message()));
}

// A replaced schedule's API view: its instalments and what was paid, without a regular
// payment (the loan's terms now give the new schedule's).
v1::Schedule ReplacedToProto(const LoanRecord& loan, const LoanPosition& position,
                             const std::string& currency) {
  v1::Schedule out = PositionToProto(loan, position, currency);
  out.clear_regular_payment();
  return out;
}

// The loan's rate and interest method with the request's terms.
RescheduleTerms TermsOn(const LoanRecord& loan, RescheduleTerms terms) {
  terms.annual_rate_bps = loan.request.annual_rate_bps;
  terms.method = loan.interest_method.value_or(InterestMethod::kDecliningBalance);
  return terms;
}

// The rules a reschedule meets when requested and again when approved (the loan may
// have moved meanwhile): the loan ACTIVE and its guarantee not called, the terms within
// the fund's, the first due date not before `today` nor the latest repayment, and a
// schedule the loan's position gives (reschedule.h). Returns it.
absl::StatusOr<Rescheduled> CheckReschedulable(storage::Transaction& tx, const LoanRecord& loan,
                                               const FundSettings& settings,
                                               const RescheduleTerms& terms, absl::CivilDay today) {
  CERCLES_RETURN_IF_ERROR(CheckActive(Serviced(loan), "a loan is rescheduled"));
  if (loan.guarantee_called_cents > 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the guarantee of ", loan.name(),
        " was called: the guarantors owe its principal, which can no longer be rescheduled"));
  }
  CERCLES_RETURN_IF_ERROR(
      InRequest(CheckInstalmentTerms(settings, terms.frequency, terms.instalment_count,
                                     terms.grace_on_principal, terms.grace_on_interest)));
  if (terms.first_due < today) {
    return absl::FailedPreconditionError(absl::StrCat(
        "reschedule.first_due_date ", absl::FormatCivilTime(terms.first_due),
        " is in the past: it must be today (", absl::FormatCivilTime(today), ") or later"));
  }
  CERCLES_ASSIGN_OR_RETURN(std::optional<int64_t> latest, LatestLiveRepaymentId(tx, loan.id));
  if (latest.has_value()) {
    CERCLES_ASSIGN_OR_RETURN(RepaymentRecord last, LoadRepayment(tx, {loan.id, *latest}));
    if (terms.first_due < last.allocation.received_on) {
      return absl::FailedPreconditionError(
          absl::StrCat("reschedule.first_due_date ", absl::FormatCivilTime(terms.first_due),
                       " is before the latest repayment (", last.name(), ", received on ",
                       absl::FormatCivilTime(last.allocation.received_on), ")"));
    }
  }
  CERCLES_ASSIGN_OR_RETURN(LoanPosition position, LoadPosition(tx, loan.id));
  return Reschedule(position, TermsOn(loan, terms), today);
}

absl::Status RequestRescheduleIn(storage::Transaction& tx, const auth::Principal& who,
                                 const RescheduleInput& in, absl::Time now,
                                 v1::RequestRescheduleResponse* response) {
  CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, LockLoan(tx, who, in.loan_id));
  CERCLES_ASSIGN_OR_RETURN(std::optional<RescheduleRecord> pending, PendingReschedule(tx, loan.id));
  if (pending.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat(loan.name(), " already has a pending reschedule, ", pending->name(),
                     ": one at a time (approve or reject it first)"));
  }
  CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
  CERCLES_RETURN_IF_ERROR(CheckReschedulable(tx, loan, settings, in.terms, Today(now)).status());
  RescheduleRecord r;
  r.loan_id = loan.id;
  r.terms = in.terms;
  r.reason = in.reason;
  r.requested_by = who.ToString();
  r.create_time = now;
  CERCLES_ASSIGN_OR_RETURN(r.id, InsertReschedule(tx, r));
  *response->mutable_reschedule() =
      RescheduleToProto(r, settings.currency, loan.applicant, nullptr);
  return absl::OkStatus();
}

// The loan locked and its PENDING reschedule, decided by someone other than who
// requested it (CheckFundDecision: PERMISSION_DENIED otherwise).
struct Decision {
  LoanRecord loan;
  RescheduleRecord reschedule;
};
absl::StatusOr<Decision> LoadForDecision(storage::Transaction& tx, const auth::Principal& who,
                                         const RescheduleKey& key) {
  Decision d;
  CERCLES_ASSIGN_OR_RETURN(d.loan, LockLoan(tx, who, key.loan_id));
  CERCLES_ASSIGN_OR_RETURN(d.reschedule, LoadReschedule(tx, key));
  if (d.reschedule.state != v1::RESCHEDULE_STATE_PENDING) {
    return absl::FailedPreconditionError(
        absl::StrCat("reschedule ", d.reschedule.name(), " was already decided (",
                     v1::RescheduleState_Name(d.reschedule.state), ")"));
  }
  CERCLES_RETURN_IF_ERROR(CheckFundDecision(who.ToString(), who.role, d.reschedule.requested_by));
  return d;
}

absl::Status ApproveRescheduleIn(const LendingContext& context, storage::Transaction& tx,
                                 const auth::Principal& who, const RescheduleKey& key,
                                 absl::Time now, v1::ApproveRescheduleResponse* response) {
  CERCLES_ASSIGN_OR_RETURN(Decision d, LoadForDecision(tx, who, key));
  LoanRecord& loan = d.loan;
  RescheduleRecord& r = d.reschedule;
  CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
  CERCLES_ASSIGN_OR_RETURN(Rescheduled next,
                           CheckReschedulable(tx, loan, settings, r.terms, Today(now)));
  CERCLES_ASSIGN_OR_RETURN(LoanPosition before, LoadPosition(tx, loan.id));
  const v1::Schedule replaced = ReplacedToProto(loan, before, settings.currency);
  CERCLES_ASSIGN_OR_RETURN(int32_t approved, ApprovedRescheduleCount(tx, loan.id));
  CERCLES_ASSIGN_OR_RETURN(r.last_repayment_id, LatestRepaymentId(tx, loan.id));
  CERCLES_RETURN_IF_ERROR(SaveReplacedSchedule(tx, loan.id, r.id));
  const int32_t kept = static_cast<int32_t>(next.kept);
  CERCLES_RETURN_IF_ERROR(DropInstalmentsAfter(tx, loan.id, kept));
  CERCLES_RETURN_IF_ERROR(UpdatePosition(tx, loan.id, next.position, next.closed, next.closed));
  CERCLES_RETURN_IF_ERROR(InsertSchedule(tx, loan.id, next.added));
  // Interest is income when received (journal.h: lending books no accrual): the interest
  // the new schedule drops or adds was never booked, so the journal receives nothing.
  loan.request.instalment_count = kept + r.terms.instalment_count;
  loan.request.frequency = r.terms.frequency;
  loan.request.grace_on_principal = r.terms.grace_on_principal;
  loan.request.grace_on_interest = r.terms.grace_on_interest;
  CERCLES_RETURN_IF_ERROR(UpdateLoanTerms(tx, loan));
  SetOutstanding(next.position, loan);

  r.state = v1::RESCHEDULE_STATE_APPROVED;
  r.decided_by = who.ToString();
  r.decide_time = now;
  r.rescheduled_principal_cents = next.principal_cents;
  r.carried_interest_cents = next.carried_interest_cents;
  r.schedule_version = approved + 2;
  CERCLES_RETURN_IF_ERROR(SaveRescheduleDecision(tx, r));
  *response->mutable_reschedule() =
      RescheduleToProto(r, settings.currency, loan.applicant, &replaced);
  *response->mutable_schedule() = PositionToProto(loan, next.position, settings.currency);
  return SaveLoanAndAnnounce(tx, context.fund_id, loan, next.position, settings, {"RESCHEDULED"},
                             next.principal_cents, v1::LoanChanged(), now,
                             response->mutable_loan());
}

absl::Status RejectRescheduleIn(storage::Transaction& tx, const auth::Principal& who,
                                const RescheduleKey& key, const std::string& reason, absl::Time now,
                                v1::RejectRescheduleResponse* response) {
  CERCLES_ASSIGN_OR_RETURN(Decision d, LoadForDecision(tx, who, key));
  CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
  d.reschedule.state = v1::RESCHEDULE_STATE_REJECTED;
  d.reschedule.decided_by = who.ToString();
  d.reschedule.decide_time = now;
  d.reschedule.rejection_reason = reason;
  CERCLES_RETURN_IF_ERROR(SaveRescheduleDecision(tx, d.reschedule));
  *response->mutable_reschedule() =
      RescheduleToProto(d.reschedule, settings.currency, d.loan.applicant, nullptr);
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* LendingService::RequestReschedule(
    grpc::CallbackServerContext* context, const v1::RequestRescheduleRequest* request,
    v1::RequestRescheduleResponse* response) {
  return server::Serve(*context_.handlers, *context_.authorizer, context, *request, response,
                       [=](const auth::Principal& who) -> absl::Status {
                         CERCLES_ASSIGN_OR_RETURN(RescheduleInput in, ParseRequest(*request));
                         return RunWrite(context_, context, *request, response,
                                         [&](storage::Transaction& tx, absl::Time now) {
                                           return RequestRescheduleIn(tx, who, in, now, response);
                                         });
                       });
}

grpc::ServerUnaryReactor* LendingService::ApproveReschedule(
    grpc::CallbackServerContext* context, const v1::ApproveRescheduleRequest* request,
    v1::ApproveRescheduleResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(RescheduleKey key,
                                 ParseRescheduleName(request->reschedule(), "reschedule"));
        return RunWrite(context_, context, *request, response,
                        [&](storage::Transaction& tx, absl::Time now) {
                          return ApproveRescheduleIn(context_, tx, who, key, now, response);
                        });
      });
}

grpc::ServerUnaryReactor* LendingService::RejectReschedule(
    grpc::CallbackServerContext* context, const v1::RejectRescheduleRequest* request,
    v1::RejectRescheduleResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(RescheduleKey key,
                                 ParseRescheduleName(request->reschedule(), "reschedule"));
        CERCLES_ASSIGN_OR_RETURN(
            std::string reason,
            api::CleanText(request->reason(), "reason", api::MultiLine(1, kMaxReasonChars)));
        return RunWrite(context_, context, *request, response,
                        [&](storage::Transaction& tx, absl::Time now) {
                          return RejectRescheduleIn(tx, who, key, reason, now, response);
                        });
      });
}

grpc::ServerUnaryReactor* LendingService::ListReschedules(grpc::CallbackServerContext* context,
                                                          const v1::ListReschedulesRequest* request,
                                                          v1::ListReschedulesResponse* response) {
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
              CERCLES_ASSIGN_OR_RETURN(std::vector<RescheduleRecord> page,
                                       ListRescheduleRecords(tx, loan_id, after, size + 1));
              api::Page<RescheduleRecord> listed = api::TakePage(
                  std::move(page), size, [](const RescheduleRecord& r) { return r.id; });
              for (const RescheduleRecord& r : listed.rows) {
                std::optional<v1::Schedule> replaced;
                if (r.state == v1::RESCHEDULE_STATE_APPROVED) {
                  CERCLES_ASSIGN_OR_RETURN(LoanPosition old,
                                           LoadReplacedSchedule(tx, loan_id, r.id));
                  replaced = ReplacedToProto(loan, old, settings.currency);
                }
                *response->add_reschedules() =
                    RescheduleToProto(r, settings.currency, loan.applicant,
                                      replaced.has_value() ? &*replaced : nullptr);
              }
              response->set_next_page_token(listed.next_page_token);
              return absl::OkStatus();
            });
      });
}

}  // namespace cercles::lending
