#include "services/lending/membership_events.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cercles/membership/v1/events.pb.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "cercles/membership/v1/people_events.pb.h"
#include "common/util/status.h"
#include "services/lending/loan_events.h"
#include "services/lending/loan_store.h"
#include "services/lending/person_erasure.h"
#include "services/lending/settings_store.h"

namespace cercles::lending {
namespace {

namespace mv1 = cercles::membership::v1;

// The states a loan follows its circle in: open requests and active loans.
// Final loans stay where they ended, in the circle's history.
const std::vector<LoanState>& FollowingStates() {
  static const auto* const states = new std::vector<LoanState>{
      LoanState::kSubmitted, LoanState::kCircleApproved, LoanState::kApproved, LoanState::kActive};
  return *states;
}

const std::vector<LoanState>& OpenRequestStates() {
  static const auto* const states = new std::vector<LoanState>{
      LoanState::kSubmitted, LoanState::kCircleApproved, LoanState::kApproved};
  return *states;
}

absl::Status Unpack(const cercles::common::v1::Event& event, google::protobuf::Message* payload) {
  if (!event.payload().UnpackTo(payload)) {
    return absl::DataLossError(
        absl::StrCat("event ", event.sequence(), " (", event.type(), "): unreadable payload"));
  }
  return absl::OkStatus();
}

absl::Status UpsertAdvisor(storage::Transaction& tx, const mv1::Advisor& advisor) {
  CERCLES_ASSIGN_OR_RETURN(int64_t changed,
                           tx.Exec("UPDATE advisors SET principal = ? WHERE name = ?",
                                   {advisor.principal_name(), advisor.name()}));
  if (changed > 0) return absl::OkStatus();
  return tx
      .Exec("INSERT INTO advisors (name, principal) VALUES (?, ?)",
            {advisor.name(), advisor.principal_name()})
      .status();
}

absl::Status UpsertCircle(storage::Transaction& tx, const mv1::Circle& circle,
                          const std::string& merged_into) {
  CERCLES_ASSIGN_OR_RETURN(int64_t changed,
                           tx.Exec("UPDATE circles SET advisor = ?, merged_into = ? WHERE name = ?",
                                   {circle.advisor(), merged_into, circle.name()}));
  if (changed > 0) return absl::OkStatus();
  return tx
      .Exec("INSERT INTO circles (name, advisor, merged_into) VALUES (?, ?, ?)",
            {circle.name(), circle.advisor(), merged_into})
      .status();
}

absl::StatusOr<std::vector<LoanRecord>> LoansWhere(storage::Transaction& tx,
                                                   const std::string& circle,
                                                   const std::string& applicant,
                                                   const std::vector<LoanState>& states) {
  std::vector<LoanRecord> all;
  LoanFilter filter;
  filter.circle = circle;
  filter.applicant = applicant;
  filter.states = states;
  int64_t after = 0;
  while (true) {
    CERCLES_ASSIGN_OR_RETURN(std::vector<LoanRecord> page,
                             ListLoanRecords(tx, filter, after, 1000));
    for (LoanRecord& loan : page) {
      after = loan.id;
      all.push_back(std::move(loan));
    }
    if (page.size() < 1000) return all;
  }
}

// Writes the loan back and appends its LoanChanged.
absl::Status Announce(storage::Transaction& tx, const std::string& fund_id, LoanRecord& loan,
                      const FundSettings& settings, const std::string& change, absl::Time now) {
  CERCLES_ASSIGN_OR_RETURN(LoanPosition position, LoadPosition(tx, loan.id));
  v1::Loan view;
  return SaveLoanAndAnnounce(tx, fund_id, loan, position, settings, {change}, 0, v1::LoanChanged(),
                             now, &view);
}

// A circle's advisor follows reassignments on the loans still in its care.
absl::Status FollowAdvisor(storage::Transaction& tx, const mv1::Circle& circle, absl::Time now) {
  std::string sql =
      "UPDATE loans SET advisor = ?, update_time_us = ? WHERE circle = ? AND "
      "advisor <> ? AND state IN (";
  std::vector<storage::Value> params = {circle.advisor(), ToMicros(now), circle.name(),
                                        circle.advisor()};
  for (size_t i = 0; i < FollowingStates().size(); ++i) {
    absl::StrAppend(&sql, i == 0 ? "?" : ", ?");
    params.emplace_back(LoanStateName(FollowingStates()[i]));
  }
  absl::StrAppend(&sql, ")");
  return tx.Exec(sql, params).status();
}

absl::Status WithdrawOpenRequests(storage::Transaction& tx, const std::string& fund_id,
                                  const std::string& circle, const std::string& applicant,
                                  const std::string& reason, absl::Time now) {
  CERCLES_ASSIGN_OR_RETURN(std::vector<LoanRecord> loans,
                           LoansWhere(tx, circle, applicant, OpenRequestStates()));
  if (loans.empty()) return absl::OkStatus();
  CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
  for (LoanRecord& loan : loans) {
    CERCLES_RETURN_IF_ERROR(CheckTransition(loan.state, LoanState::kWithdrawn));
    loan.state = LoanState::kWithdrawn;
    loan.state_reason = reason;
    CERCLES_RETURN_IF_ERROR(Announce(tx, fund_id, loan, settings, "WITHDRAWN", now));
  }
  return absl::OkStatus();
}

absl::Status ApplyCircle(storage::Transaction& tx, const std::string& fund_id,
                         const mv1::Circle& circle, absl::Time now) {
  CERCLES_RETURN_IF_ERROR(UpsertCircle(tx, circle, ""));
  CERCLES_RETURN_IF_ERROR(FollowAdvisor(tx, circle, now));
  if (circle.status() != mv1::CIRCLE_STATUS_DISSOLVED) return absl::OkStatus();
  return WithdrawOpenRequests(
      tx, fund_id, circle.name(), "",
      absl::StrCat(circle.name(),
                   " was dissolved before the loan was disbursed: the request stood on its "
                   "analysis and guarantee"),
      now);
}

absl::Status ApplyMerge(storage::Transaction& tx, const std::string& fund_id,
                        const mv1::CirclesMerged& merged, absl::Time now) {
  const mv1::Circle& into = merged.circle();
  CERCLES_RETURN_IF_ERROR(UpsertCircle(tx, into, ""));
  CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
  for (const mv1::Circle& source : merged.merged()) {
    CERCLES_RETURN_IF_ERROR(UpsertCircle(tx, source, into.name()));
    CERCLES_ASSIGN_OR_RETURN(std::vector<LoanRecord> loans,
                             LoansWhere(tx, source.name(), "", FollowingStates()));
    for (LoanRecord& loan : loans) {
      loan.circle = into.name();  // original_circle keeps where it was requested
      loan.advisor = into.advisor();
      CERCLES_RETURN_IF_ERROR(Announce(tx, fund_id, loan, settings, "CIRCLE_CHANGED", now));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status MigrateMembershipEvents(storage::Database& db) {
  return db.Migrate("event_cursors", {events::CursorMigration(1)});
}

absl::Status MembershipEventApplier::Apply(storage::Transaction& tx,
                                           const cercles::common::v1::Event& event) const {
  const std::string& type = event.type();
  const absl::Time now = clock_->Now();
  if (type == "cercles.membership.v1.AdvisorCreated") {
    mv1::AdvisorCreated e;
    CERCLES_RETURN_IF_ERROR(Unpack(event, &e));
    return UpsertAdvisor(tx, e.advisor());
  }
  if (type == "cercles.membership.v1.CircleCreated") {
    mv1::CircleCreated e;
    CERCLES_RETURN_IF_ERROR(Unpack(event, &e));
    return ApplyCircle(tx, fund_id_, e.circle(), now);
  }
  if (type == "cercles.membership.v1.CircleUpdated") {
    mv1::CircleUpdated e;
    CERCLES_RETURN_IF_ERROR(Unpack(event, &e));
    return ApplyCircle(tx, fund_id_, e.circle(), now);
  }
  if (type == "cercles.membership.v1.CirclesMerged") {
    mv1::CirclesMerged e;
    CERCLES_RETURN_IF_ERROR(Unpack(event, &e));
    return ApplyMerge(tx, fund_id_, e, now);
  }
  if (type == "cercles.membership.v1.PersonErased") {
    mv1::PersonErased e;
    CERCLES_RETURN_IF_ERROR(Unpack(event, &e));
    CERCLES_RETURN_IF_ERROR(ErasePersonText(tx, e.person()));
    ++erasures_applied_;  // counted before the commit: a rollback only costs a spare reclaim
    return absl::OkStatus();
  }
  if (type == "cercles.membership.v1.CircleMemberRemoved") {
    mv1::CircleMemberRemoved e;
    CERCLES_RETURN_IF_ERROR(Unpack(event, &e));
    // Active loans and their guarantees are left as they are on purpose.
    return WithdrawOpenRequests(
        tx, fund_id_, e.member().circle(), e.member().person(),
        absl::StrCat(e.member().person(), " left ", e.member().circle(),
                     " before the loan was disbursed: the request stood on that circle's "
                     "analysis and guarantee; submit again through the new circle"),
        now);
  }
  return absl::OkStatus();
}

std::unique_ptr<events::EventSubscriber> NewMembershipSubscriber(
    std::shared_ptr<grpc::Channel> channel, storage::Database* db,
    const MembershipEventApplier* applier, observability::Registry* metrics) {
  std::shared_ptr<mv1::MembershipService::Stub> stub =
      mv1::MembershipService::NewStub(std::move(channel));
  return std::make_unique<events::EventSubscriber>(
      "membership", db,
      [stub](grpc::ClientContext* context, int64_t after) -> std::unique_ptr<events::EventStream> {
        mv1::WatchEventsRequest request;
        request.set_after_sequence(after);
        using Reader = grpc::ClientReader<mv1::WatchEventsResponse>;
        return std::make_unique<events::ReaderEventStream<Reader, mv1::WatchEventsResponse>>(
            stub->WatchEvents(context, request));
      },
      [applier](storage::Transaction& tx, const cercles::common::v1::Event& event) {
        return applier->Apply(tx, event);
      },
      metrics);
}

}  // namespace cercles::lending
