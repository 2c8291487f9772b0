// From a member's request to disbursement: the request (checked with membership),
// the circle's vote and guarantee, the fund's decision (maker-checker),
// withdrawal, disbursement with its schedule and journal entry. The reads of
// loans and schedules are in loans_service.cc; the rules in origination_rules.h
// and loan_lifecycle.h.
//
// Calls to membership happen before the write transaction (never while holding
// the database's write lock); the write then re-checks everything it relies on
// from lending's own rows, locked.
#include <algorithm>
#include <functional>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/events/watch.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/util/status.h"
#include "services/lending/arrears.h"
#include "services/lending/journal_store.h"
#include "services/lending/lending_service.h"
#include "services/lending/loan_access.h"
#include "services/lending/loan_events.h"
#include "services/lending/loan_mapping.h"
#include "services/lending/loan_store.h"
#include "services/lending/membership_client.h"
#include "services/lending/origination_rules.h"
#include "services/lending/settings_store.h"

namespace cercles::lending {
namespace {

using cercles::membership::v1::Circle;

// A replayed request_id answers with the first response before anything else is
// asked (membership's answers may have changed since): service::AnswerReplay.

absl::StatusOr<CircleView> FetchCircle(const LendingContext& context, const std::string& circle,
                                       grpc::ServerContextBase* call) {
  return context.membership->GetCircleView(circle, TraceParentOf(*call));
}

// Writes the loan back, appends one LoanChanged per change (each with the loan
// after the write) and fills `out` with the API view.
absl::Status SaveAndAnnounce(storage::Transaction& tx, const LendingContext& context,
                             LoanRecord& loan, const FundSettings& settings,
                             const std::vector<std::string>& changes, int64_t amount_cents,
                             absl::Time now, v1::Loan* out) {
  CERCLES_ASSIGN_OR_RETURN(LoanPosition position, LoadPosition(tx, loan.id));
  return SaveLoanAndAnnounce(tx, context.fund_id, loan, position, settings, changes, amount_cents,
                             v1::LoanChanged(), now, out);
}

absl::Status MoveTo(LoanRecord& loan, LoanState to) {
  CERCLES_RETURN_IF_ERROR(CheckTransition(loan.state, to));
  loan.state = to;
  return absl::OkStatus();
}

// The ceiling of the applicant's next loan: one rung per earlier loan repaid on time.
absl::StatusOr<int64_t> CeilingFor(storage::Transaction& tx, const std::vector<LoanRecord>& history,
                                   const FundSettings& settings) {
  std::vector<bool> on_time;
  for (const LoanRecord& loan : history) {
    if (loan.state != LoanState::kClosedRepaid) continue;
    CERCLES_ASSIGN_OR_RETURN(LoanPosition position, LoadPosition(tx, loan.id));
    CERCLES_ASSIGN_OR_RETURN(bool timely, RepaidOnTime(position, settings.on_time_tolerance_days));
    on_time.push_back(timely);
  }
  return LadderCeilingCents(settings.ladder_cents, on_time);
}

// The person's ACTIVE loans.
absl::StatusOr<std::vector<LoanRecord>> ActiveLoansOf(storage::Transaction& tx,
                                                      const std::string& person) {
  LoanFilter filter;
  filter.applicant = person;
  filter.states = {LoanState::kActive};
  return ListLoanRecords(tx, filter, 0, 1000);
}

// The most days past due of any active loan of these people (0 when none is late).
absl::StatusOr<int32_t> MaxDaysPastDue(storage::Transaction& tx,
                                       const std::vector<std::string>& people, absl::CivilDay as_of,
                                       const FundSettings& settings) {
  int32_t most = 0;
  for (const std::string& person : people) {
    CERCLES_ASSIGN_OR_RETURN(std::vector<LoanRecord> loans, ActiveLoansOf(tx, person));
    for (const LoanRecord& loan : loans) {
      CERCLES_ASSIGN_OR_RETURN(LoanPosition position, LoadPosition(tx, loan.id));
      CERCLES_ASSIGN_OR_RETURN(ArrearsStatus arrears,
                               ClassifyArrears(position, as_of, settings.arrears_buckets,
                                               settings.arrears_tolerance_cents));
      most = std::max(most, arrears.days_past_due);
    }
  }
  return most;
}

// Applies a decided vote: the circle's approval with its guarantee (or the
// borrower's individual responsibility above the threshold), or its refusal.
absl::Status ApplyVoteOutcome(storage::Transaction& tx, LoanRecord& loan, const VoteTally& tally,
                              const CircleView& view, const FundSettings& settings,
                              absl::Time now) {
  if (tally.outcome == VoteOutcome::kCircleRejected) {
    loan.state_reason = tally.reason;
    return MoveTo(loan, LoanState::kCircleRejected);
  }
  CircleGuaranteeState circle;
  circle.status = view.circle.status();
  circle.members = view.members;
  CERCLES_ASSIGN_OR_RETURN(circle.max_member_days_past_due,
                           MaxDaysPastDue(tx, view.members, Today(now), settings));
  CERCLES_ASSIGN_OR_RETURN(
      Guarantee guarantee,
      GuaranteeFor(loan.request.amount_cents, loan.applicant, circle, settings, loan.votes));
  CERCLES_RETURN_IF_ERROR(MoveTo(loan, LoanState::kCircleApproved));
  loan.guarantee_kind = guarantee.kind;
  loan.guarantors = guarantee.guarantors;
  return InsertGuarantors(tx, loan.id, guarantee.guarantors);
}

// A vote cast once the circle has decided (the vote still open): under
// CircleGuarantors::kExceptNoVoters a member who votes no on a loan their circle
// guarantees leaves its guarantors.
absl::Status ApplyLateVote(storage::Transaction& tx, LoanRecord& loan, const Vote& vote,
                           const FundSettings& settings, std::vector<std::string>& changes) {
  if (loan.guarantee_kind != GuaranteeKind::kCircleGuarantee) return absl::OkStatus();
  CERCLES_ASSIGN_OR_RETURN(std::vector<std::string> guarantors,
                           GuarantorsAfterVote(loan.guarantors, vote, settings));
  if (guarantors == loan.guarantors) return absl::OkStatus();
  CERCLES_RETURN_IF_ERROR(DeleteGuarantor(tx, loan.id, vote.voter));
  loan.guarantors = std::move(guarantors);
  changes.push_back("GUARANTORS_CHANGED");
  return absl::OkStatus();
}

// ---- Submission ----

struct Submission {
  LoanRequest request;
  std::string applicant;
  std::string circle;
};

absl::StatusOr<Submission> ParseSubmission(const v1::SubmitLoanRequestRequest& r) {
  CERCLES_RETURN_IF_ERROR(api::ParseName(r.circle(), "circles", "circle").status());
  CERCLES_RETURN_IF_ERROR(
      api::ParseName(r.loan().applicant(), "people", "loan.applicant").status());
  Submission s;
  s.circle = r.circle();
  s.applicant = r.loan().applicant();
  std::optional<Frequency> frequency = FromProtoFrequency(r.loan().frequency());
  if (!frequency.has_value()) {
    return absl::InvalidArgumentError(
        "loan.frequency is required: WEEKLY, EVERY_TWO_WEEKS or MONTHLY");
  }
  s.request.frequency = *frequency;
  s.request.purpose = r.loan().purpose();
  s.request.business_plan_summary = r.loan().business_plan_summary();
  s.request.document_reference = r.loan().document_reference();
  s.request.instalment_count = r.loan().instalment_count();
  s.request.annual_rate_bps = r.loan().annual_rate_bps();
  return s;
}

// Loads what the rules of a new request read (the applicant's earlier loans,
// their ceiling) and asks them (origination_rules.h); fills `loan` (not stored).
absl::Status CheckSubmission(storage::Transaction& tx, const v1::SubmitLoanRequestRequest& r,
                             const Submission& s, const CircleView& view,
                             const FundSettings& settings, LoanRecord* loan) {
  CERCLES_ASSIGN_OR_RETURN(int64_t amount,
                           FromMoney(r.loan().amount(), settings.currency, "loan.amount"));
  loan->request = s.request;
  loan->request.amount_cents = amount;
  // A request's own grace periods, or the fund's defaults: stored with it either way.
  loan->request.grace_on_principal = r.loan().has_grace_on_principal_instalments()
                                         ? r.loan().grace_on_principal_instalments()
                                         : settings.default_grace_on_principal;
  loan->request.grace_on_interest = r.loan().has_grace_on_interest_instalments()
                                        ? r.loan().grace_on_interest_instalments()
                                        : settings.default_grace_on_interest;
  CERCLES_ASSIGN_OR_RETURN(std::vector<LoanRecord> history, LoansOfApplicant(tx, s.applicant));
  CERCLES_ASSIGN_OR_RETURN(loan->ceiling_cents, CeilingFor(tx, history, settings));
  std::vector<EarlierLoan> earlier;
  for (const LoanRecord& record : history) earlier.push_back({record.name(), record.state});
  CERCLES_ASSIGN_OR_RETURN(
      loan->voters, CheckLoanSubmission(s.circle, view.circle, view.members, s.applicant,
                                        loan->request, loan->ceiling_cents, earlier, settings));
  return absl::OkStatus();
}

// ---- Decisions: the fund's approval or refusal (maker-checker), a withdrawal ----

struct DecisionKind {
  LoanState to;
  bool by_the_fund;  // maker-checker: not by the request's submitter
};

// One state change of a request with its reason, decided_by for the fund's
// decisions, and its event.
absl::Status Decide(const LendingContext& context, grpc::ServerContextBase* call,
                    const auth::Principal& who, const DecisionKind& kind,
                    const std::string& request_id, const std::string& loan_name,
                    const std::string& reason, const google::protobuf::Message& request,
                    google::protobuf::Message* response, const std::function<v1::Loan*()>& out) {
  CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(loan_name, "loans", "loan"));
  return RunWrite(
      context, call, request, response,
      [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
        response->Clear();  // the write may run again after ABORTED
        CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, LockLoan(tx, who, id));
        CERCLES_RETURN_IF_ERROR(CheckTransition(loan.state, kind.to));
        if (kind.by_the_fund) {
          CERCLES_RETURN_IF_ERROR(CheckFundDecision(who.ToString(), who.role, loan.submitted_by));
          loan.decided_by = who.ToString();
        }
        loan.state = kind.to;
        loan.state_reason = reason;
        CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
        return SaveAndAnnounce(tx, context, loan, settings, {LoanStateName(kind.to)}, 0, now,
                               out());
      });
}

// ApproveLoan, RejectLoan and WithdrawLoan: the request's text (a note, or a
// reason of at least `min_chars`) cleaned, then Decide.
template <typename Request, typename Response>
grpc::ServerUnaryReactor* ServeDecision(const LendingContext& context,
                                        grpc::CallbackServerContext* call, const Request& request,
                                        Response* response, const DecisionKind& kind,
                                        const std::string& text, const char* field,
                                        size_t min_chars) {
  return server::Serve(
      *context.handlers, *context.authorizer, call, request, response,
      [=, &context, &request](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(std::string cleaned,
                                 api::CleanText(text, field, api::MultiLine(min_chars, 500)));
        return Decide(context, call, who, kind, request.request_id(), request.loan(), cleaned,
                      request, response, [&] { return response->mutable_loan(); });
      });
}

// ---- Schedules ----

struct DisbursementTerms {
  std::optional<absl::CivilDay> date;  // unset: today
  absl::CivilDay first_due;
  InterestMethod method = InterestMethod::kDecliningBalance;
};

absl::StatusOr<DisbursementTerms> ParseDisbursement(const v1::DisburseLoanRequest& r) {
  DisbursementTerms d;
  CERCLES_ASSIGN_OR_RETURN(d.date, FromDate(r.disbursement_date(), "disbursement_date"));
  CERCLES_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> first,
                           FromDate(r.first_due_date(), "first_due_date"));
  if (!first.has_value()) {
    return absl::InvalidArgumentError(
        "first_due_date is required: the first instalment's due date, after the disbursement");
  }
  d.first_due = *first;
  if (r.interest_method() != v1::INTEREST_METHOD_UNSPECIFIED) {
    std::optional<InterestMethod> method = FromProtoMethod(r.interest_method());
    if (!method.has_value()) {
      return absl::InvalidArgumentError("interest_method must be DECLINING_BALANCE or FLAT");
    }
    d.method = *method;
  }
  return d;
}

// CastCircleVote and CloseCircleVote: the loan named and the request's own
// fields checked (`check`), a replay answered before membership is asked, the
// vote open and membership's view of the circle fetched; then, in the write, the
// loan locked and checked again and `apply(tx, who, loan, view, settings, now,
// changes)` run, then the loan saved with the changes it names.
template <typename Request, typename Response, typename Check, typename Apply>
grpc::ServerUnaryReactor* ServeVote(const LendingContext& context,
                                    grpc::CallbackServerContext* call, const Request& request,
                                    Response* response, Check check, Apply apply) {
  return server::Serve(
      *context.handlers, *context.authorizer, call, request, response,
      [=, &context, &request](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request.request_id()));
        CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request.loan(), "loans", "loan"));
        CERCLES_RETURN_IF_ERROR(check());
        CERCLES_ASSIGN_OR_RETURN(bool replayed,
                                 service::AnswerReplay(context, call, request, response));
        if (replayed) return absl::OkStatus();
        CERCLES_ASSIGN_OR_RETURN(LoanRecord before, ReadLoan(*context.db, who, id));
        CERCLES_RETURN_IF_ERROR(
            CheckVoteOpen(before.name(), before.state, before.vote_close_time.has_value()));
        CERCLES_ASSIGN_OR_RETURN(CircleView view, FetchCircle(context, before.circle, call));
        return RunWrite(
            context, call, request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              response->Clear();  // the write may run again after ABORTED
              CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, LockLoan(tx, who, id));
              CERCLES_RETURN_IF_ERROR(
                  CheckVoteOpen(loan.name(), loan.state, loan.vote_close_time.has_value()));
              CERCLES_RETURN_IF_ERROR(
                  CheckSameCircle(loan.name(), loan.circle, view.circle.name()));
              CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
              std::vector<std::string> changes;
              CERCLES_RETURN_IF_ERROR(apply(tx, who, loan, view, settings, now, changes));
              return SaveAndAnnounce(tx, context, loan, settings, changes, 0, now,
                                     response->mutable_loan());
            });
      });
}

}  // namespace

grpc::ServerUnaryReactor* LendingService::SubmitLoanRequest(
    grpc::CallbackServerContext* context, const v1::SubmitLoanRequestRequest* request,
    v1::SubmitLoanRequestResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        if (!request->validate_only()) {
          CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
          CERCLES_ASSIGN_OR_RETURN(bool replayed,
                                   service::AnswerReplay(context_, context, *request, response));
          if (replayed) return absl::OkStatus();
        }
        CERCLES_ASSIGN_OR_RETURN(Submission submission, ParseSubmission(*request));
        CERCLES_ASSIGN_OR_RETURN(CircleView view,
                                 FetchCircle(context_, submission.circle, context));
        auto build = [&](storage::Transaction& tx, absl::Time now,
                         LoanRecord* loan) -> absl::StatusOr<FundSettings> {
          CERCLES_RETURN_IF_ERROR(
              CheckCircleAdvisor(tx, who, view.circle.name(),
                                 {KnownCircle{view.circle.name(), view.circle.advisor()}}));
          CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
          CERCLES_RETURN_IF_ERROR(CheckSubmission(tx, *request, submission, view, settings, loan));
          loan->applicant = submission.applicant;
          loan->circle = submission.circle;
          loan->original_circle = submission.circle;
          loan->advisor = view.circle.advisor();
          loan->state = LoanState::kSubmitted;
          loan->submitted_by = who.ToString();
          loan->create_time = now;
          loan->update_time = now;
          return settings;
        };
        if (request->validate_only()) {
          return storage::RunInTransaction(
              *context_.db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
                const absl::Time now = context_.clock->Now();
                LoanRecord loan;
                CERCLES_ASSIGN_OR_RETURN(FundSettings settings, build(tx, now, &loan));
                *response->mutable_loan() = ToProto(loan, {}, Today(now), settings);
                response->mutable_loan()->clear_name();  // not stored
                return absl::OkStatus();
              });
        }
        return RunWrite(context_, context, *request, response,
                        [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
                          response->Clear();  // the write may run again after ABORTED
                          LoanRecord loan;
                          CERCLES_ASSIGN_OR_RETURN(FundSettings settings, build(tx, now, &loan));
                          absl::StatusOr<int64_t> id = InsertLoan(tx, loan);
                          if (absl::IsAlreadyExists(id.status())) {
                            // The unique index on open requests caught a concurrent submission.
                            return absl::FailedPreconditionError(absl::StrCat(
                                loan.applicant,
                                " already has an open loan request: one open request per person"));
                          }
                          CERCLES_RETURN_IF_ERROR(id.status());
                          loan.id = *id;
                          return SaveAndAnnounce(tx, context_, loan, settings, {"SUBMITTED"}, 0,
                                                 now, response->mutable_loan());
                        });
      });
}

grpc::ServerUnaryReactor* LendingService::CastCircleVote(grpc::CallbackServerContext* context,
                                                         const v1::CastCircleVoteRequest* request,
                                                         v1::CastCircleVoteResponse* response) {
  const Vote vote{request->voter(), request->approve(), request->comment()};
  return ServeVote(
      context_, context, *request, response,
      [request] { return api::ParseName(request->voter(), "people", "voter").status(); },
      [vote](storage::Transaction& tx, const auth::Principal& who, LoanRecord& loan,
             const CircleView& view, const FundSettings& settings, absl::Time now,
             std::vector<std::string>& changes) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(CheckVote(loan.applicant, loan.voters, loan.votes, vote, settings));
        CERCLES_RETURN_IF_ERROR(CheckVoterIsMember(vote.voter, loan.circle, view.members));
        CERCLES_RETURN_IF_ERROR(InsertVote(tx, loan.id, vote, who.ToString(), now));
        loan.votes.push_back(vote);
        loan.vote_recorders.push_back(who.ToString());
        loan.vote_times.push_back(now);
        changes.push_back("VOTE_CAST");
        if (loan.state != LoanState::kSubmitted) {
          // Decided already, still open: the vote is recorded; the outcome stands (no
          // vote still to come could change it), the guarantee may lose a no-voter.
          return ApplyLateVote(tx, loan, vote, settings, changes);
        }
        CERCLES_ASSIGN_OR_RETURN(VoteTally tally,
                                 TallyVotes(loan.applicant, loan.voters, loan.votes, settings));
        if (tally.outcome != VoteOutcome::kPending) {
          CERCLES_RETURN_IF_ERROR(ApplyVoteOutcome(tx, loan, tally, view, settings, now));
          changes.push_back(LoanStateName(loan.state));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* LendingService::CloseCircleVote(grpc::CallbackServerContext* context,
                                                          const v1::CloseCircleVoteRequest* request,
                                                          v1::CloseCircleVoteResponse* response) {
  return ServeVote(
      context_, context, *request, response, [] { return absl::OkStatus(); },
      [](storage::Transaction& tx, const auth::Principal&, LoanRecord& loan, const CircleView& view,
         const FundSettings& settings, absl::Time now,
         std::vector<std::string>& changes) -> absl::Status {
        loan.vote_close_time = now;
        if (loan.state != LoanState::kSubmitted) {  // decided early: closed as decided
          changes.push_back("VOTE_CLOSED");
          return absl::OkStatus();
        }
        CERCLES_ASSIGN_OR_RETURN(VoteTally tally,
                                 TallyVotes(loan.applicant, loan.voters, loan.votes, settings,
                                            /*closed=*/true));
        CERCLES_RETURN_IF_ERROR(ApplyVoteOutcome(tx, loan, tally, view, settings, now));
        changes.push_back(LoanStateName(loan.state));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* LendingService::ApproveLoan(grpc::CallbackServerContext* context,
                                                      const v1::ApproveLoanRequest* request,
                                                      v1::ApproveLoanResponse* response) {
  return ServeDecision(context_, context, *request, response, {LoanState::kApproved, true},
                       request->note(), "note", 0);
}

grpc::ServerUnaryReactor* LendingService::RejectLoan(grpc::CallbackServerContext* context,
                                                     const v1::RejectLoanRequest* request,
                                                     v1::RejectLoanResponse* response) {
  return ServeDecision(context_, context, *request, response, {LoanState::kRejected, true},
                       request->reason(), "reason", 1);
}

grpc::ServerUnaryReactor* LendingService::WithdrawLoan(grpc::CallbackServerContext* context,
                                                       const v1::WithdrawLoanRequest* request,
                                                       v1::WithdrawLoanResponse* response) {
  return ServeDecision(context_, context, *request, response, {LoanState::kWithdrawn, false},
                       request->reason(), "reason", 1);
}

grpc::ServerUnaryReactor* LendingService::DisburseLoan(grpc::CallbackServerContext* context,
                                                       const v1::DisburseLoanRequest* request,
                                                       v1::DisburseLoanResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request->loan(), "loans", "loan"));
        CERCLES_ASSIGN_OR_RETURN(DisbursementTerms d, ParseDisbursement(*request));
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              response->Clear();  // the write may run again after ABORTED
              CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, LockLoan(tx, who, id));
              CERCLES_RETURN_IF_ERROR(CheckTransition(loan.state, LoanState::kActive));
              const absl::CivilDay date = d.date.value_or(Today(now));
              CERCLES_RETURN_IF_ERROR(CheckDisbursementDates(date, d.first_due, Today(now)));
              CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
              CERCLES_ASSIGN_OR_RETURN(std::vector<LoanRecord> active,
                                       ActiveLoansOf(tx, loan.applicant));
              std::vector<std::string> active_names;
              for (const LoanRecord& other : active) active_names.push_back(other.name());
              CERCLES_RETURN_IF_ERROR(CheckActiveLoanLimit(loan.applicant, active_names, settings));
              CERCLES_ASSIGN_OR_RETURN(
                  Schedule schedule,
                  BuildSchedule(ScheduleTermsOf(loan.request, d.first_due, d.method)));
              CERCLES_RETURN_IF_ERROR(InsertSchedule(tx, id, schedule));
              const JournalStore journal(settings.currency);
              CERCLES_RETURN_IF_ERROR(
                  journal
                      .Post(tx,
                            lending::Disbursement({date, settings.currency, ""}, loan.name(),
                                                  loan.request.amount_cents),
                            now, who.ToString())
                      .status());
              loan.state = LoanState::kActive;
              loan.interest_method = d.method;
              loan.disbursement_date = date;
              loan.first_due_date = d.first_due;
              loan.outstanding_principal_cents = loan.request.amount_cents;
              loan.outstanding_interest_cents = schedule.total_interest_cents;
              CERCLES_RETURN_IF_ERROR(SaveAndAnnounce(tx, context_, loan, settings, {"DISBURSED"},
                                                      loan.request.amount_cents, now,
                                                      response->mutable_loan()));
              CERCLES_ASSIGN_OR_RETURN(LoanPosition position, LoadPosition(tx, id));
              *response->mutable_schedule() = PositionToProto(loan, position, settings.currency);
              return absl::OkStatus();
            });
      });
}

}  // namespace cercles::lending
