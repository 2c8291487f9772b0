// From a member's request to disbursement: the request (checked with membership),
// the circle's vote and guarantee, the fund's decision (maker-checker),
// withdrawal, disbursement with its schedule and journal entry, and the reads.
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
#include "services/lending/eligibility.h"
#include "services/lending/journal_store.h"
#include "services/lending/lending_service.h"
#include "services/lending/loan_access.h"
#include "services/lending/loan_events.h"
#include "services/lending/loan_mapping.h"
#include "services/lending/loan_store.h"
#include "services/lending/membership_client.h"
#include "services/lending/settings_store.h"

namespace cercles::lending {
namespace {

using cercles::membership::v1::Circle;

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// A replayed request_id answers with the first response before anything else is
// asked (membership's answers may have changed since): service::AnswerReplay.

// Membership's view of a circle, asked before the write.
struct CircleView {
  Circle circle;
  std::vector<std::string> members;  // current members
};

absl::StatusOr<CircleView> FetchCircle(const LendingContext& context, const std::string& circle,
                                       grpc::ServerContext* call) {
  CircleView view;
  const std::string trace = TraceParentOf(*call);
  CERCLES_ASSIGN_OR_RETURN(view.circle, context.membership->GetCircle(circle, trace));
  CERCLES_ASSIGN_OR_RETURN(view.members, context.membership->ListCurrentMembers(circle, trace));
  return view;
}

// An advisor brings requests only through the circles assigned to them (as
// membership just answered for the circle).
absl::Status CheckCircleAdvisor(storage::Transaction& tx, const auth::Principal& who,
                                const Circle& circle) {
  CERCLES_ASSIGN_OR_RETURN(auth::CircleScope scope,
                           CircleScopeOf(tx, who, {KnownCircle{circle.name(), circle.advisor()}}));
  if (scope.ContainsName(circle.name())) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat(who.ToString(), " is not the advisor of ", circle.name(),
                   ": an advisor acts only on the loans of the circles assigned to them"));
}

absl::StatusOr<LoanRecord> ReadLoan(const LendingContext& context, const auth::Principal& who,
                                    int64_t id) {
  LoanRecord loan;
  CERCLES_RETURN_IF_ERROR(storage::RunInTransaction(
      *context.db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(loan, LoadLoan(tx, id, /*for_update=*/false));
        return CheckLoanAccess(tx, who, loan);
      }));
  return loan;
}

absl::StatusOr<LoanRecord> LockLoan(storage::Transaction& tx, const auth::Principal& who,
                                    int64_t id) {
  CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, LoadLoan(tx, id, /*for_update=*/true));
  CERCLES_RETURN_IF_ERROR(CheckLoanAccess(tx, who, loan));
  return loan;
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

// The most days past due of any active loan of these people (0 when none is late).
absl::StatusOr<int32_t> MaxDaysPastDue(storage::Transaction& tx,
                                       const std::vector<std::string>& people, absl::CivilDay as_of,
                                       const FundSettings& settings) {
  int32_t most = 0;
  for (const std::string& person : people) {
    LoanFilter filter;
    filter.applicant = person;
    filter.states = {LoanState::kActive};
    CERCLES_ASSIGN_OR_RETURN(std::vector<LoanRecord> loans, ListLoanRecords(tx, filter, 0, 1000));
    for (const LoanRecord& loan : loans) {
      CERCLES_ASSIGN_OR_RETURN(LoanPosition position, LoadPosition(tx, loan.id));
      CERCLES_ASSIGN_OR_RETURN(ArrearsStatus arrears,
                               ClassifyArrears(position, as_of, settings.arrears_buckets));
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
  CERCLES_ASSIGN_OR_RETURN(Guarantee guarantee, GuaranteeFor(loan.request.amount_cents,
                                                             loan.applicant, circle, settings));
  CERCLES_RETURN_IF_ERROR(MoveTo(loan, LoanState::kCircleApproved));
  loan.guarantee_kind = guarantee.kind;
  loan.guarantors = guarantee.guarantors;
  return InsertGuarantors(tx, loan.id, guarantee.guarantors);
}

// Only a request still before its circle's vote can be voted on or closed.
absl::Status CheckVoteOpen(const LoanRecord& loan) {
  if (loan.state == LoanState::kSubmitted) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("the circle's vote on ", loan.name(), " is over: the loan is ",
                   LoanStateName(loan.state), " (votes are taken while it is SUBMITTED)"));
}

// The circle a vote relies on must still be the loan's (a merge may move it).
absl::Status CheckSameCircle(const LoanRecord& loan, const CircleView& view) {
  if (loan.circle == view.circle.name()) return absl::OkStatus();
  return absl::AbortedError(absl::StrCat(loan.name(), " moved from ", view.circle.name(), " to ",
                                         loan.circle, " during the call; retry"));
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

// Collects every broken rule of a submission: one status with the first rule's
// code and every rule's message.
class RuleReport {
 public:
  void Add(const absl::Status& status) {
    if (status.ok()) return;
    if (first_.ok()) first_ = status;
    messages_.emplace_back(status.message());
  }
  absl::Status Result() const {
    if (first_.ok()) return first_;
    return absl::Status(first_.code(), absl::StrJoin(messages_, "; "));
  }

 private:
  absl::Status first_;
  std::vector<std::string> messages_;
};

// Every rule of a new request against lending's rows; fills `loan` (not stored).
absl::Status CheckSubmission(storage::Transaction& tx, const v1::SubmitLoanRequestRequest& r,
                             const Submission& s, const CircleView& view,
                             const FundSettings& settings, LoanRecord* loan) {
  RuleReport report;
  v1::CircleEligibility eligibility = EvaluateCircle(view.circle);
  if (!eligibility.may_request_loans()) {
    report.Add(absl::FailedPreconditionError(absl::StrCat(
        s.circle, " may not bring loan requests: ", absl::StrJoin(eligibility.reasons(), "; "),
        " (only an ACTIVE circle of 4 to 7 members may)")));
  }
  if (!Contains(view.members, s.applicant)) {
    report.Add(absl::FailedPreconditionError(
        absl::StrCat(s.applicant, " is not a current member of ", s.circle,
                     ": a loan request is brought through the applicant's own circle")));
  }
  absl::StatusOr<int64_t> amount = FromMoney(r.loan().amount(), settings.currency, "loan.amount");
  if (!amount.ok()) return amount.status();
  loan->request = s.request;
  loan->request.amount_cents = *amount;
  CERCLES_ASSIGN_OR_RETURN(std::vector<LoanRecord> history, LoansOfApplicant(tx, s.applicant));
  CERCLES_ASSIGN_OR_RETURN(loan->ceiling_cents, CeilingFor(tx, history, settings));
  report.Add(ValidateLoanRequest(loan->request, loan->ceiling_cents, settings));
  std::vector<LoanState> states;
  for (const LoanRecord& earlier : history) states.push_back(earlier.state);
  report.Add(CheckNoOpenRequest(states));
  loan->voters = EligibleVoters(view.members, s.applicant);
  if (loan->voters.empty() && Contains(view.members, s.applicant)) {
    report.Add(absl::FailedPreconditionError(
        absl::StrCat(s.circle, " has no other member to vote on the request")));
  }
  return report.Result();
}

// ---- Listing ----

struct ListQuery {
  LoanFilter filter;
  absl::CivilDay as_of;
  int32_t min_days_past_due = 0;
  bool matches_nothing = false;  // past due asked of states that are never past due
};

absl::StatusOr<ListQuery> ParseListQuery(const v1::ListLoansRequest& r, absl::Time now) {
  ListQuery q;
  if (!r.circle().empty()) {
    CERCLES_RETURN_IF_ERROR(api::ParseName(r.circle(), "circles", "circle").status());
  }
  if (!r.applicant().empty()) {
    CERCLES_RETURN_IF_ERROR(api::ParseName(r.applicant(), "people", "applicant").status());
  }
  if (!r.advisor().empty()) {
    CERCLES_RETURN_IF_ERROR(api::ParseName(r.advisor(), "advisors", "advisor").status());
  }
  q.filter.circle = r.circle();
  q.filter.applicant = r.applicant();
  q.filter.advisor = r.advisor();
  for (int i = 0; i < r.states_size(); ++i) {
    std::optional<LoanState> state = FromProtoState(r.states(i));
    if (!state.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat("states[", i, "] is not a loan state"));
    }
    q.filter.states.push_back(*state);
  }
  if (r.min_days_past_due() < 0) {
    return absl::InvalidArgumentError("min_days_past_due must be 0 (no filter) or more");
  }
  q.min_days_past_due = r.min_days_past_due();
  if (q.min_days_past_due > 0) {
    // Only active loans are past due.
    const bool asked_active =
        q.filter.states.empty() || std::find(q.filter.states.begin(), q.filter.states.end(),
                                             LoanState::kActive) != q.filter.states.end();
    q.filter.states = {LoanState::kActive};
    q.matches_nothing = !asked_active;
  }
  CERCLES_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> as_of, FromDate(r.as_of(), "as_of"));
  q.as_of = as_of.value_or(Today(now));
  return q;
}

// ---- Decisions: the fund's approval or refusal (maker-checker), a withdrawal ----

struct DecisionKind {
  LoanState to;
  bool by_the_fund;  // maker-checker: not by the request's submitter
};

// One state change of a request with its reason, decided_by for the fund's
// decisions, and its event.
absl::Status Decide(const LendingContext& context, grpc::ServerContext* call,
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

// ---- Schedules ----

absl::StatusOr<ScheduleTerms> PreviewTerms(const v1::PreviewScheduleRequest& r,
                                           const std::string& currency) {
  ScheduleTerms terms;
  CERCLES_ASSIGN_OR_RETURN(terms.principal_cents, FromMoney(r.amount(), currency, "amount"));
  terms.annual_rate_bps = r.annual_rate_bps();
  terms.instalment_count = r.instalment_count();
  std::optional<Frequency> frequency = FromProtoFrequency(r.frequency());
  if (!frequency.has_value()) {
    return absl::InvalidArgumentError("frequency is required: WEEKLY, EVERY_TWO_WEEKS or MONTHLY");
  }
  terms.frequency = *frequency;
  CERCLES_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> first,
                           FromDate(r.first_due_date(), "first_due_date"));
  if (!first.has_value()) return absl::InvalidArgumentError("first_due_date is required");
  terms.first_due = *first;
  if (r.interest_method() != v1::INTEREST_METHOD_UNSPECIFIED) {
    std::optional<InterestMethod> method = FromProtoMethod(r.interest_method());
    if (!method.has_value()) {
      return absl::InvalidArgumentError("interest_method must be DECLINING_BALANCE or FLAT");
    }
    terms.method = *method;
  }
  return terms;
}

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

absl::Status CheckDisbursementDates(absl::CivilDay date, absl::CivilDay first_due,
                                    absl::CivilDay today) {
  if (date > today) {
    return absl::InvalidArgumentError(
        absl::StrCat("disbursement_date ", absl::FormatCivilTime(date),
                     " is in the future: record a disbursement once the money has left the fund"));
  }
  if (first_due <= date) {
    return absl::InvalidArgumentError(
        absl::StrCat("first_due_date ", absl::FormatCivilTime(first_due),
                     " must be after the disbursement date ", absl::FormatCivilTime(date)));
  }
  return absl::OkStatus();
}

}  // namespace

grpc::Status LendingService::SubmitLoanRequest(grpc::ServerContext* context,
                                               const v1::SubmitLoanRequestRequest* request,
                                               v1::SubmitLoanRequestResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal& who) -> absl::Status {
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
          CERCLES_RETURN_IF_ERROR(CheckCircleAdvisor(tx, who, view.circle));
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

grpc::Status LendingService::GetLoan(grpc::ServerContext* context,
                                     const v1::GetLoanRequest* request,
                                     v1::GetLoanResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request->name(), "loans", "name"));
        CERCLES_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> as_of,
                                 FromDate(request->as_of(), "as_of"));
        return storage::RunInTransaction(
            *context_.db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, LoadLoan(tx, id, false));
              CERCLES_RETURN_IF_ERROR(CheckLoanAccess(tx, who, loan));
              CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
              CERCLES_ASSIGN_OR_RETURN(LoanPosition position, LoadPosition(tx, id));
              *response->mutable_loan() =
                  ToProto(loan, position, as_of.value_or(Today(context_.clock->Now())), settings);
              return absl::OkStatus();
            });
      });
}

grpc::Status LendingService::ListLoans(grpc::ServerContext* context,
                                       const v1::ListLoansRequest* request,
                                       v1::ListLoansResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int size, api::NormalisePageSize(request->page_size()));
        CERCLES_ASSIGN_OR_RETURN(int64_t start, api::DecodeIdPageToken(request->page_token()));
        CERCLES_ASSIGN_OR_RETURN(ListQuery query, ParseListQuery(*request, context_.clock->Now()));
        return storage::RunInTransaction(
            *context_.db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
              response->Clear();
              // An advisor lists the loans of their circles: naming another circle
              // is refused, and every other filter is narrowed to their circles.
              CERCLES_ASSIGN_OR_RETURN(auth::CircleScope scope, CircleScopeOf(tx, who));
              if (!scope.all()) {
                if (!query.filter.circle.empty() && !scope.ContainsName(query.filter.circle)) {
                  return absl::PermissionDeniedError(absl::StrCat(
                      who.ToString(), " may not list the loans of ", query.filter.circle,
                      ": an advisor sees only the loans of the circles assigned to them"));
                }
                query.filter.circles_in = scope.CircleNames();
              }
              if (query.matches_nothing) return absl::OkStatus();
              CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
              int64_t after = start;
              int64_t last_listed = 0;
              const int batch = std::min(1000, size + 1);
              while (true) {
                CERCLES_ASSIGN_OR_RETURN(std::vector<LoanRecord> loans,
                                         ListLoanRecords(tx, query.filter, after, batch));
                for (const LoanRecord& loan : loans) {
                  after = loan.id;
                  CERCLES_ASSIGN_OR_RETURN(LoanPosition position, LoadPosition(tx, loan.id));
                  v1::Loan out = ToProto(loan, position, query.as_of, settings);
                  if (query.min_days_past_due > 0 &&
                      out.arrears().days_past_due() < query.min_days_past_due) {
                    continue;
                  }
                  if (response->loans_size() == size) {
                    // Another match exists: the page ends with the previous one.
                    response->set_next_page_token(api::EncodeIdPageToken(last_listed));
                    return absl::OkStatus();
                  }
                  *response->add_loans() = std::move(out);
                  last_listed = loan.id;
                }
                if (static_cast<int>(loans.size()) < batch) return absl::OkStatus();
              }
            });
      });
}

grpc::Status LendingService::CastCircleVote(grpc::ServerContext* context,
                                            const v1::CastCircleVoteRequest* request,
                                            v1::CastCircleVoteResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request->loan(), "loans", "loan"));
        CERCLES_RETURN_IF_ERROR(api::ParseName(request->voter(), "people", "voter").status());
        CERCLES_ASSIGN_OR_RETURN(bool replayed,
                                 service::AnswerReplay(context_, context, *request, response));
        if (replayed) return absl::OkStatus();
        CERCLES_ASSIGN_OR_RETURN(LoanRecord before, ReadLoan(context_, who, id));
        CERCLES_RETURN_IF_ERROR(CheckVoteOpen(before));
        CERCLES_ASSIGN_OR_RETURN(CircleView view, FetchCircle(context_, before.circle, context));
        const Vote vote{request->voter(), request->approve(), request->comment()};
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              response->Clear();  // the write may run again after ABORTED
              CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, LockLoan(tx, who, id));
              CERCLES_RETURN_IF_ERROR(CheckVoteOpen(loan));
              CERCLES_RETURN_IF_ERROR(CheckSameCircle(loan, view));
              CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
              CERCLES_RETURN_IF_ERROR(
                  CheckVote(loan.applicant, loan.voters, loan.votes, vote, settings));
              if (!Contains(view.members, vote.voter)) {
                return absl::FailedPreconditionError(
                    absl::StrCat(vote.voter, " is no longer a member of ", loan.circle,
                                 ": only the circle's current members vote"));
              }
              CERCLES_RETURN_IF_ERROR(InsertVote(tx, id, vote, who.ToString(), now));
              loan.votes.push_back(vote);
              loan.vote_recorders.push_back(who.ToString());
              loan.vote_times.push_back(now);
              CERCLES_ASSIGN_OR_RETURN(
                  VoteTally tally, TallyVotes(loan.applicant, loan.voters, loan.votes, settings));
              std::vector<std::string> changes = {"VOTE_CAST"};
              if (tally.outcome != VoteOutcome::kPending) {
                CERCLES_RETURN_IF_ERROR(ApplyVoteOutcome(tx, loan, tally, view, settings, now));
                changes.push_back(LoanStateName(loan.state));
              }
              return SaveAndAnnounce(tx, context_, loan, settings, changes, 0, now,
                                     response->mutable_loan());
            });
      });
}

grpc::Status LendingService::CloseCircleVote(grpc::ServerContext* context,
                                             const v1::CloseCircleVoteRequest* request,
                                             v1::CloseCircleVoteResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request->loan(), "loans", "loan"));
        CERCLES_ASSIGN_OR_RETURN(bool replayed,
                                 service::AnswerReplay(context_, context, *request, response));
        if (replayed) return absl::OkStatus();
        CERCLES_ASSIGN_OR_RETURN(LoanRecord before, ReadLoan(context_, who, id));
        CERCLES_RETURN_IF_ERROR(CheckVoteOpen(before));
        CERCLES_ASSIGN_OR_RETURN(CircleView view, FetchCircle(context_, before.circle, context));
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              response->Clear();  // the write may run again after ABORTED
              CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, LockLoan(tx, who, id));
              CERCLES_RETURN_IF_ERROR(CheckVoteOpen(loan));
              CERCLES_RETURN_IF_ERROR(CheckSameCircle(loan, view));
              CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
              CERCLES_ASSIGN_OR_RETURN(VoteTally tally,
                                       TallyVotes(loan.applicant, loan.voters, loan.votes, settings,
                                                  /*closed=*/true));
              CERCLES_RETURN_IF_ERROR(ApplyVoteOutcome(tx, loan, tally, view, settings, now));
              return SaveAndAnnounce(tx, context_, loan, settings, {LoanStateName(loan.state)}, 0,
                                     now, response->mutable_loan());
            });
      });
}

grpc::Status LendingService::ApproveLoan(grpc::ServerContext* context,
                                         const v1::ApproveLoanRequest* request,
                                         v1::ApproveLoanResponse* response) {
  return server::Serve(*context_.authorizer, context, *request, response,
                       [&](const auth::Principal& who) -> absl::Status {
                         CERCLES_ASSIGN_OR_RETURN(
                             std::string note,
                             api::CleanText(request->note(), "note", api::MultiLine(0, 500)));
                         return Decide(context_, context, who, {LoanState::kApproved, true},
                                       request->request_id(), request->loan(), note, *request,
                                       response, [&] { return response->mutable_loan(); });
                       });
}

grpc::Status LendingService::RejectLoan(grpc::ServerContext* context,
                                        const v1::RejectLoanRequest* request,
                                        v1::RejectLoanResponse* response) {
  return server::Serve(*context_.authorizer, context, *request, response,
                       [&](const auth::Principal& who) -> absl::Status {
                         CERCLES_ASSIGN_OR_RETURN(
                             std::string reason,
                             api::CleanText(request->reason(), "reason", api::MultiLine(1, 500)));
                         return Decide(context_, context, who, {LoanState::kRejected, true},
                                       request->request_id(), request->loan(), reason, *request,
                                       response, [&] { return response->mutable_loan(); });
                       });
}

grpc::Status LendingService::WithdrawLoan(grpc::ServerContext* context,
                                          const v1::WithdrawLoanRequest* request,
                                          v1::WithdrawLoanResponse* response) {
  return server::Serve(*context_.authorizer, context, *request, response,
                       [&](const auth::Principal& who) -> absl::Status {
                         CERCLES_ASSIGN_OR_RETURN(
                             std::string reason,
                             api::CleanText(request->reason(), "reason", api::MultiLine(1, 500)));
                         return Decide(context_, context, who, {LoanState::kWithdrawn, false},
                                       request->request_id(), request->loan(), reason, *request,
                                       response, [&] { return response->mutable_loan(); });
                       });
}

grpc::Status LendingService::DisburseLoan(grpc::ServerContext* context,
                                          const v1::DisburseLoanRequest* request,
                                          v1::DisburseLoanResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal& who) -> absl::Status {
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
              ScheduleTerms terms;
              terms.principal_cents = loan.request.amount_cents;
              terms.annual_rate_bps = loan.request.annual_rate_bps;
              terms.instalment_count = loan.request.instalment_count;
              terms.frequency = loan.request.frequency;
              terms.first_due = d.first_due;
              terms.method = d.method;
              CERCLES_ASSIGN_OR_RETURN(Schedule schedule, BuildSchedule(terms));
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

grpc::Status LendingService::GetLoanSchedule(grpc::ServerContext* context,
                                             const v1::GetLoanScheduleRequest* request,
                                             v1::GetLoanScheduleResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request->loan(), "loans", "loan"));
        return storage::RunInTransaction(
            *context_.db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, LoadLoan(tx, id, false));
              CERCLES_RETURN_IF_ERROR(CheckLoanAccess(tx, who, loan));
              CERCLES_ASSIGN_OR_RETURN(LoanPosition position, LoadPosition(tx, id));
              if (position.empty()) {
                return absl::FailedPreconditionError(absl::StrCat(
                    loan.name(), " has no schedule yet: it is ", LoanStateName(loan.state),
                    " (the schedule is fixed at disbursement; PreviewSchedule computes one)"));
              }
              CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
              *response->mutable_schedule() = PositionToProto(loan, position, settings.currency);
              return absl::OkStatus();
            });
      });
}

grpc::Status LendingService::PreviewSchedule(grpc::ServerContext* context,
                                             const v1::PreviewScheduleRequest* request,
                                             v1::PreviewScheduleResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal&) -> absl::Status {
        FundSettings settings;
        CERCLES_RETURN_IF_ERROR(storage::RunInTransaction(
            *context_.db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(settings, LoadSettings(tx));
              return absl::OkStatus();
            }));
        CERCLES_ASSIGN_OR_RETURN(ScheduleTerms terms, PreviewTerms(*request, settings.currency));
        CERCLES_ASSIGN_OR_RETURN(Schedule schedule, BuildSchedule(terms));
        *response->mutable_schedule() = ScheduleToProto(schedule, settings.currency);
        return absl::OkStatus();
      });
}

grpc::ServerWriteReactor<v1::WatchEventsResponse>* LendingService::WatchEvents(
    grpc::CallbackServerContext* context, const v1::WatchEventsRequest* request) {
  return events::ServeEvents<v1::WatchEventsResponse>(context, *request, *context_.authorizer,
                                                      *context_.db, *context_.notifier,
                                                      *context_.stopping);
}

}  // namespace cercles::lending
