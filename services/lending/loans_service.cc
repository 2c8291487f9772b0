// The reads of loans: one loan, the filtered and paginated list (with arrears
// as of a date), a loan's schedule, a schedule previewed before a request, and
// the stream of lending's events.
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/events/watch.h"
#include "common/server/handler.h"
#include "common/util/status.h"
#include "services/lending/arrears.h"
#include "services/lending/lending_service.h"
#include "services/lending/loan_access.h"
#include "services/lending/loan_mapping.h"
#include "services/lending/loan_store.h"
#include "services/lending/settings_store.h"

namespace cercles::lending {
namespace {

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

}  // namespace

grpc::ServerUnaryReactor* LendingService::GetLoan(grpc::CallbackServerContext* context,
                                                  const v1::GetLoanRequest* request,
                                                  v1::GetLoanResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request->name(), "loans", "name"));
        CERCLES_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> as_of,
                                 FromDate(request->as_of(), "as_of"));
        return storage::RunInTransaction(
            *context_.db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, LoadVisibleLoan(tx, who, id, false));
              CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
              CERCLES_ASSIGN_OR_RETURN(LoanPosition position, LoadPosition(tx, id));
              *response->mutable_loan() =
                  ToProto(loan, position, as_of.value_or(Today(context_.clock->Now())), settings);
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* LendingService::ListLoans(grpc::CallbackServerContext* context,
                                                    const v1::ListLoansRequest* request,
                                                    v1::ListLoansResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
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

grpc::ServerUnaryReactor* LendingService::GetLoanSchedule(grpc::CallbackServerContext* context,
                                                          const v1::GetLoanScheduleRequest* request,
                                                          v1::GetLoanScheduleResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request->loan(), "loans", "loan"));
        return storage::RunInTransaction(
            *context_.db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, LoadVisibleLoan(tx, who, id, false));
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

grpc::ServerUnaryReactor* LendingService::PreviewSchedule(grpc::CallbackServerContext* context,
                                                          const v1::PreviewScheduleRequest* request,
                                                          v1::PreviewScheduleResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
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
