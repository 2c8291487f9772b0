// A circle's meeting (issue 12, item 2): the collection sheet (what each member
// owes at the meeting, collections.h) and RecordCollections, which records what
// the meeting collected in one write.
//
// RecordCollections is one RunWrite (one transaction, group committed, keyed by
// its request_id): every line runs the write of a single RecordRepayment or
// RecordGuarantorPayment (servicing_writes.h: the same rules, journal entries
// and events) in a savepoint of its own. A line the rules refuse
// (INVALID_ARGUMENT, FAILED_PRECONDITION, NOT_FOUND, PERMISSION_DENIED) is
// rolled back to its savepoint and reported as refused; the other lines go on.
// Any other error (a conflict, the database) fails the whole call and writes
// nothing, so the same request may be sent again. The applied lines and the
// result of every line commit together: an acknowledged line is durable, and a
// replay answers the stored first result.
#include <algorithm>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api/date.h"
#include "common/api/money.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/util/status.h"
#include "services/lending/collections.h"
#include "services/lending/lending_service.h"
#include "services/lending/loan_access.h"
#include "services/lending/loan_mapping.h"
#include "services/lending/loan_store.h"
#include "services/lending/membership_client.h"
#include "services/lending/servicing_rules.h"
#include "services/lending/servicing_store.h"
#include "services/lending/servicing_writes.h"
#include "services/lending/settings_store.h"

namespace cercles::lending {
namespace {

constexpr int kMaxCollectionLines = 100;

// The optional meeting of a sheet or of collections: a meeting of `circle`
// ("circles/{id}/meetings/{id}"), as membership names them.
absl::Status CheckMeeting(const std::string& meeting, const std::string& circle,
                          int64_t circle_id) {
  if (meeting.empty()) return absl::OkStatus();
  CERCLES_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                           api::ParseNestedName(meeting, "circles/{id}/meetings/{id}", "meeting"));
  if (ids[0] == circle_id) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("meeting ", api::Quoted(meeting),
                                                 " must be a meeting of ", circle,
                                                 " (the circle of the request)"));
}

v1::CollectionKind ToProtoKind(CollectionKind kind) {
  return kind == CollectionKind::kRepayment ? v1::COLLECTION_KIND_REPAYMENT
                                            : v1::COLLECTION_KIND_GUARANTOR_PAYMENT;
}

// ---- The sheet ----

// The circle's loans as the sheet reads them: ACTIVE loans (repayable unless
// their guarantee was called) and every loan with a called guarantee whose
// shares are not all paid (a written-off loan's guarantors still owe theirs).
absl::StatusOr<std::vector<SheetLoan>> LoadSheetLoans(storage::Transaction& tx,
                                                      const std::string& circle) {
  LoanFilter filter;
  filter.circle = circle;
  filter.states = {LoanState::kActive, LoanState::kWrittenOff};
  std::vector<SheetLoan> sheet;
  int64_t after = 0;
  constexpr int kBatch = 1000;
  while (true) {
    CERCLES_ASSIGN_OR_RETURN(std::vector<LoanRecord> loans,
                             ListLoanRecords(tx, filter, after, kBatch));
    for (const LoanRecord& loan : loans) {
      after = loan.id;
      SheetLoan one;
      one.loan = loan.name();
      one.borrower = loan.applicant;
      CERCLES_ASSIGN_OR_RETURN(std::optional<GuaranteeCallRecord> call,
                               LoadGuaranteeCall(tx, loan.id));
      one.repayable = loan.state == LoanState::kActive && !call.has_value();
      if (one.repayable) {
        CERCLES_ASSIGN_OR_RETURN(one.position, LoadPosition(tx, loan.id));
      }
      if (call.has_value()) {
        one.call_days_past_due = call->days_past_due;
        for (const GuaranteeShareRecord& share : call->shares) {
          one.called_shares.push_back({share.guarantor, share.amount_cents, share.paid_cents});
        }
      }
      if (one.repayable || !one.called_shares.empty()) sheet.push_back(std::move(one));
    }
    if (static_cast<int>(loans.size()) < kBatch) return sheet;
  }
}

void FillSheet(const std::vector<SheetLine>& lines, const std::string& currency,
               v1::GetCollectionSheetResponse* response) {
  int64_t total_due = 0;
  int64_t total_in_arrears = 0;
  for (const SheetLine& line : lines) {
    v1::CollectionSheetLine* out = response->add_lines();
    out->set_kind(ToProtoKind(line.kind));
    out->set_person(line.person);
    out->set_loan(line.loan);
    *out->mutable_due() = api::ToMoney(line.due_cents, currency);
    *out->mutable_in_arrears() = api::ToMoney(line.in_arrears_cents, currency);
    *out->mutable_most() = api::ToMoney(line.most_cents, currency);
    if (line.next_due_date.has_value()) {
      *out->mutable_next_due_date() = api::DateFromDay(*line.next_due_date);
    }
    out->set_days_past_due(line.days_past_due);
    total_due += line.due_cents;
    total_in_arrears += line.in_arrears_cents;
  }
  *response->mutable_total_due() = api::ToMoney(total_due, currency);
  *response->mutable_total_in_arrears() = api::ToMoney(total_in_arrears, currency);
}

// ---- Recording the collections ----

struct CollectionLineInput {
  CollectionKind kind = CollectionKind::kRepayment;
  RepaymentInput repayment;         // kRepayment
  GuarantorPaymentInput guarantor;  // kGuarantorPayment
  int64_t loan_id() const {
    return kind == CollectionKind::kRepayment ? repayment.loan_id : guarantor.loan_id;
  }
};

struct CollectionsInput {
  std::string circle;
  std::optional<absl::CivilDay> received_on;
  std::vector<CollectionLineInput> lines;
};

// The request's form, every field named: a malformed request (a name, a kind,
// a missing amount, too many lines) is refused whole; what the loans' rules say
// of a line's amount is that line's refusal, in the write.
absl::StatusOr<CollectionsInput> ParseCollections(const v1::RecordCollectionsRequest& r) {
  CollectionsInput in;
  CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(r.request_id()));
  CERCLES_ASSIGN_OR_RETURN(int64_t circle_id, api::ParseName(r.circle(), "circles", "circle"));
  in.circle = r.circle();
  CERCLES_ASSIGN_OR_RETURN(in.received_on, FromDate(r.received_on(), "received_on"));
  CERCLES_RETURN_IF_ERROR(CheckMeeting(r.meeting(), r.circle(), circle_id));
  if (r.lines_size() < 1 || r.lines_size() > kMaxCollectionLines) {
    return absl::InvalidArgumentError(
        absl::StrCat("lines must hold 1 to ", kMaxCollectionLines, " lines, got ", r.lines_size()));
  }
  for (int i = 0; i < r.lines_size(); ++i) {
    const v1::CollectionLine& line = r.lines(i);
    const std::string prefix = absl::StrCat("lines[", i, "].");
    CollectionLineInput out;
    LineScope scope{prefix, r.circle(), ""};
    CERCLES_ASSIGN_OR_RETURN(int64_t loan_id,
                             api::ParseName(line.loan(), "loans", absl::StrCat(prefix, "loan")));
    if (!line.person().empty()) {
      CERCLES_RETURN_IF_ERROR(
          api::ParseName(line.person(), "people", absl::StrCat(prefix, "person")).status());
    }
    if (!line.has_amount()) {
      return absl::InvalidArgumentError(absl::StrCat(prefix, "amount is required"));
    }
    CERCLES_ASSIGN_OR_RETURN(std::string reference,
                             api::CleanText(line.reference(), absl::StrCat(prefix, "reference"),
                                            api::MultiLine(0, kMaxReferenceChars)));
    if (reference.empty()) reference = r.meeting();
    switch (line.kind()) {
      case v1::COLLECTION_KIND_REPAYMENT:
        out.kind = CollectionKind::kRepayment;
        scope.borrower = line.person();
        out.repayment = RepaymentInput{loan_id, line.amount(), in.received_on, reference, scope};
        break;
      case v1::COLLECTION_KIND_GUARANTOR_PAYMENT:
        if (line.person().empty()) {
          return absl::InvalidArgumentError(absl::StrCat(
              prefix, "person is required for COLLECTION_KIND_GUARANTOR_PAYMENT (the guarantor)"));
        }
        out.kind = CollectionKind::kGuarantorPayment;
        out.guarantor =
            GuarantorPaymentInput{loan_id, line.person(), line.amount(), in.received_on, scope};
        break;
      default:
        return absl::InvalidArgumentError(absl::StrCat(prefix,
                                                       "kind must be COLLECTION_KIND_REPAYMENT or "
                                                       "COLLECTION_KIND_GUARANTOR_PAYMENT, got ",
                                                       static_cast<int>(line.kind())));
    }
    in.lines.push_back(std::move(out));
  }
  return in;
}

// The refusal a line's status is, or nullopt for an error that fails the call.
std::optional<v1::CollectionRefusal> RefusalOf(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
      return v1::COLLECTION_REFUSAL_INVALID_ARGUMENT;
    case absl::StatusCode::kFailedPrecondition:
      return v1::COLLECTION_REFUSAL_FAILED_PRECONDITION;
    case absl::StatusCode::kNotFound:
      return v1::COLLECTION_REFUSAL_NOT_FOUND;
    case absl::StatusCode::kPermissionDenied:
      return v1::COLLECTION_REFUSAL_PERMISSION_DENIED;
    default:
      return std::nullopt;
  }
}

// One line's write, its result filled when applied.
absl::Status ApplyLine(const LendingContext& context, storage::Transaction& tx,
                       const auth::Principal& who, const CollectionLineInput& line,
                       const std::string& currency, absl::Time now,
                       v1::CollectionLineResult* result) {
  if (line.kind == CollectionKind::kRepayment) {
    v1::RecordRepaymentResponse done;
    CERCLES_RETURN_IF_ERROR(RecordRepaymentIn(context, tx, who, line.repayment, now, &done));
    result->set_repayment(done.repayment().name());
    result->set_journal_entry_id(done.repayment().journal_entry_id());
    *result->mutable_remaining() =
        api::ToMoney(done.loan().outstanding_principal().minor_units() +
                         done.loan().outstanding_interest().minor_units(),
                     currency);
    return absl::OkStatus();
  }
  v1::RecordGuarantorPaymentResponse done;
  int64_t entry_id = 0;
  CERCLES_RETURN_IF_ERROR(
      RecordGuarantorPaymentIn(context, tx, who, line.guarantor, now, &done, &entry_id));
  result->set_journal_entry_id(entry_id);
  for (const v1::GuarantorShare& share : done.call().shares()) {
    if (share.guarantor() != line.guarantor.guarantor) continue;
    *result->mutable_remaining() =
        api::ToMoney(share.amount().minor_units() - share.paid().minor_units(), currency);
  }
  return absl::OkStatus();
}

absl::Status RecordCollectionsIn(const LendingContext& context, storage::Transaction& tx,
                                 const auth::Principal& who, const CollectionsInput& in,
                                 absl::Time now, v1::RecordCollectionsResponse* response) {
  response->Clear();  // the write may run again after ABORTED
  CERCLES_RETURN_IF_ERROR(CheckCircleAdvisor(tx, who, in.circle));
  CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
  const std::string& currency = settings.currency;
  CERCLES_ASSIGN_OR_RETURN(
      absl::CivilDay day, MovementDay(in.received_on, "received_on", Today(now), std::nullopt, ""));
  response->set_circle(in.circle);
  *response->mutable_received_on() = api::DateFromDay(day);

  // Loans are locked in id order (two meetings' calls never wait on each other
  // in a cycle); the lines of one loan keep their order.
  std::vector<size_t> order(in.lines.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return in.lines[a].loan_id() < in.lines[b].loan_id();
  });
  std::vector<v1::CollectionLineResult> results(in.lines.size());
  int64_t applied_total = 0;
  for (size_t i : order) {
    v1::CollectionLineResult& result = results[i];
    result.set_index(static_cast<int32_t>(i));
    CERCLES_RETURN_IF_ERROR(tx.Savepoint("collection_line"));
    const absl::Status status = ApplyLine(context, tx, who, in.lines[i], currency, now, &result);
    if (status.ok()) {
      CERCLES_RETURN_IF_ERROR(tx.ReleaseSavepoint("collection_line"));
      result.set_outcome(v1::COLLECTION_LINE_OUTCOME_APPLIED);
      const CollectionLineInput& line = in.lines[i];
      applied_total += line.kind == CollectionKind::kRepayment
                           ? line.repayment.amount.minor_units()
                           : line.guarantor.amount.minor_units();
      response->set_applied_lines(response->applied_lines() + 1);
      continue;
    }
    const std::optional<v1::CollectionRefusal> refusal = RefusalOf(status);
    if (!refusal.has_value()) return status;
    CERCLES_RETURN_IF_ERROR(tx.RollbackToSavepoint("collection_line"));
    CERCLES_RETURN_IF_ERROR(tx.ReleaseSavepoint("collection_line"));
    result.Clear();
    result.set_index(static_cast<int32_t>(i));
    result.set_outcome(v1::COLLECTION_LINE_OUTCOME_REFUSED);
    result.set_refusal(*refusal);
    const std::string prefix = absl::StrCat("lines[", i, "]");
    result.set_reason(absl::StartsWith(status.message(), prefix)
                          ? std::string(status.message())
                          : absl::StrCat(prefix, ": ", status.message()));
    response->set_refused_lines(response->refused_lines() + 1);
  }
  for (v1::CollectionLineResult& result : results) *response->add_results() = std::move(result);
  *response->mutable_applied_total() = api::ToMoney(applied_total, currency);
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* LendingService::GetCollectionSheet(
    grpc::CallbackServerContext* context, const v1::GetCollectionSheetRequest* request,
    v1::GetCollectionSheetResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int64_t circle_id,
                                 api::ParseName(request->circle(), "circles", "circle"));
        CERCLES_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> meeting_date,
                                 FromDate(request->meeting_date(), "meeting_date"));
        CERCLES_RETURN_IF_ERROR(CheckMeeting(request->meeting(), request->circle(), circle_id));
        CERCLES_ASSIGN_OR_RETURN(CircleView view, context_.membership->GetCircleView(
                                                      request->circle(), TraceParentOf(*context)));
        const absl::CivilDay day = meeting_date.value_or(Today(context_.clock->Now()));
        return storage::RunInTransaction(
            *context_.db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
              response->Clear();
              CERCLES_RETURN_IF_ERROR(
                  CheckCircleAdvisor(tx, who, view.circle.name(),
                                     {KnownCircle{view.circle.name(), view.circle.advisor()}}));
              CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
              CERCLES_ASSIGN_OR_RETURN(std::vector<SheetLoan> loans,
                                       LoadSheetLoans(tx, request->circle()));
              CERCLES_ASSIGN_OR_RETURN(std::vector<SheetLine> lines,
                                       CollectionSheetLines(loans, view.members, day, settings));
              response->set_circle(request->circle());
              *response->mutable_meeting_date() = api::DateFromDay(day);
              response->set_meeting(request->meeting());
              for (const std::string& member : view.members) response->add_members(member);
              FillSheet(lines, settings.currency, response);
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* LendingService::RecordCollections(
    grpc::CallbackServerContext* context, const v1::RecordCollectionsRequest* request,
    v1::RecordCollectionsResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(CollectionsInput in, ParseCollections(*request));
        return RunWrite(
            context_, context, *request, response, [&](storage::Transaction& tx, absl::Time now) {
              CERCLES_RETURN_IF_ERROR(RecordCollectionsIn(context_, tx, who, in, now, response));
              response->set_meeting(request->meeting());
              return absl::OkStatus();
            });
      });
}

}  // namespace cercles::lending
