// MembershipService's members of a circle (add, remove, list) and a circle's
// history.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "cercles/membership/v1/events.pb.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "services/membership/circle_access.h"
#include "services/membership/circle_rules.h"
#include "services/membership/membership_service.h"
#include "services/membership/people_store.h"

namespace cercles::membership {
namespace {

// One page of an in-memory list (members, history: bounded by the circle's life).
template <typename T, typename Add>
absl::Status Page(const std::vector<T>& all, int32_t page_size, const std::string& token, Add add,
                  std::string* next_token) {
  CERCLES_ASSIGN_OR_RETURN(int size, api::NormalisePageSize(page_size));
  CERCLES_ASSIGN_OR_RETURN(int64_t offset, api::DecodeIdPageToken(token));
  const size_t begin = std::min(all.size(), static_cast<size_t>(offset));
  const size_t end = std::min(all.size(), begin + static_cast<size_t>(size));
  for (size_t i = begin; i < end; ++i) add(all[i]);
  if (end < all.size()) *next_token = api::EncodePageToken(absl::StrCat(end));
  return absl::OkStatus();
}

// What an AddCircleMember or RemoveCircleMember request names.
struct MemberChange {
  int64_t circle_id = 0;
  int64_t person_id = 0;
  std::string reason;
};

template <typename Request>
absl::StatusOr<MemberChange> ParseMemberChange(const Request& request) {
  CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request.request_id()));
  MemberChange change;
  CERCLES_ASSIGN_OR_RETURN(change.circle_id, api::ParseName(request.circle(), "circles", "circle"));
  CERCLES_ASSIGN_OR_RETURN(change.person_id, api::ParseName(request.person(), "people", "person"));
  CERCLES_ASSIGN_OR_RETURN(change.reason, NormaliseReason(request.reason(), "reason"));
  return change;
}

}  // namespace

template <typename Event>
absl::StatusOr<v1::Circle> MembershipService::RecordMemberChange(storage::Transaction& tx,
                                                                 const auth::Principal& who,
                                                                 const CircleState& state,
                                                                 int delta, const MemberRow& member,
                                                                 absl::Time at, absl::Time now) {
  const int count = state.member_count + delta;
  const v1::CircleStatus status = StatusAfterCountChange(state.status, count);
  CERCLES_RETURN_IF_ERROR(circles_.SetCountAndStatus(
      tx, state, count, status, CountChangeReason(status), who.ToString(), at));
  Event event;
  *event.mutable_member() = MemberMessage(member);
  CERCLES_ASSIGN_OR_RETURN(*event.mutable_circle(), Reload(tx, state.id));
  CERCLES_RETURN_IF_ERROR(Emit(tx, context_, event.circle().name(), event, now));
  return event.circle();
}

absl::StatusOr<JoiningPerson> MembershipService::LoadJoiningPerson(storage::Transaction& tx,
                                                                   int64_t person_id) {
  JoiningPerson joining;
  joining.person_id = person_id;
  CERCLES_ASSIGN_OR_RETURN(joining.facts, LoadPersonFacts(tx, person_id));
  if (joining.facts.exists && joining.facts.active) {
    CERCLES_ASSIGN_OR_RETURN(std::optional<HeldCircle> held,
                             CircleStore::HoldingCircleOf(tx, person_id));
    if (held.has_value()) joining.holding_circle = held->circle_id;
  }
  return joining;
}

grpc::Status MembershipService::AddCircleMember(grpc::ServerContext* context,
                                                const v1::AddCircleMemberRequest* request,
                                                v1::AddCircleMemberResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(const MemberChange change, ParseMemberChange(*request));
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_RETURN_IF_ERROR(
                  CheckCircleAccess(tx, who, change.circle_id, CircleAccess::kManage));
              CERCLES_RETURN_IF_ERROR(
                  CheckPersonAccess(tx, who, change.person_id, CircleAccess::kManage));
              CERCLES_ASSIGN_OR_RETURN(CircleState state, circles_.LockState(tx, change.circle_id));
              CERCLES_RETURN_IF_ERROR(CheckCanAddMember(state.status, state.member_count,
                                                        CircleName(change.circle_id)));
              CERCLES_ASSIGN_OR_RETURN(JoiningPerson joining,
                                       LoadJoiningPerson(tx, change.person_id));
              CERCLES_RETURN_IF_ERROR(
                  CheckPersonMayJoin(joining, context_.settings.require_training));
              CERCLES_ASSIGN_OR_RETURN(
                  const absl::Time at,
                  ChangeTime(request->has_effective_time() ? &request->effective_time() : nullptr,
                             who, now, state));
              CERCLES_ASSIGN_OR_RETURN(
                  MemberRow member,
                  circles_.AddMember(tx, change.circle_id, change.person_id, change.reason, at));
              CERCLES_ASSIGN_OR_RETURN(
                  *response->mutable_circle(),
                  RecordMemberChange<v1::CircleMemberAdded>(tx, who, state, +1, member, at, now));
              *response->mutable_member() = MemberMessage(member);
              return absl::OkStatus();
            });
      });
}

grpc::Status MembershipService::RemoveCircleMember(grpc::ServerContext* context,
                                                   const v1::RemoveCircleMemberRequest* request,
                                                   v1::RemoveCircleMemberResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(const MemberChange change, ParseMemberChange(*request));
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(CircleState state,
                                       LockManagedCircle(tx, who, change.circle_id));
              CERCLES_RETURN_IF_ERROR(
                  CheckCanRemoveMember(state.status, CircleName(change.circle_id)));
              CERCLES_ASSIGN_OR_RETURN(
                  const absl::Time at,
                  ChangeTime(request->has_effective_time() ? &request->effective_time() : nullptr,
                             who, now, state));
              CERCLES_ASSIGN_OR_RETURN(
                  MemberRow member,
                  circles_.RemoveMember(tx, change.circle_id, change.person_id, change.reason, at));
              CERCLES_ASSIGN_OR_RETURN(
                  *response->mutable_circle(),
                  RecordMemberChange<v1::CircleMemberRemoved>(tx, who, state, -1, member, at, now));
              return absl::OkStatus();
            });
      });
}

grpc::Status MembershipService::ListCircleMembers(grpc::ServerContext* context,
                                                  const v1::ListCircleMembersRequest* request,
                                                  v1::ListCircleMembersResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int64_t id,
                                 api::ParseName(request->circle(), "circles", "circle"));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_RETURN_IF_ERROR(CheckCircleAccess(*tx, who, id, CircleAccess::kRead));
        CERCLES_ASSIGN_OR_RETURN(std::vector<MemberRow> members,
                                 circles_.ListMembers(*tx, id, request->include_former()));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        return Page(
            members, request->page_size(), request->page_token(),
            [&](const MemberRow& m) { *response->add_members() = MemberMessage(m); },
            response->mutable_next_page_token());
      });
}

grpc::Status MembershipService::ListCircleHistory(grpc::ServerContext* context,
                                                  const v1::ListCircleHistoryRequest* request,
                                                  v1::ListCircleHistoryResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int64_t id,
                                 api::ParseName(request->circle(), "circles", "circle"));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_RETURN_IF_ERROR(CheckCircleAccess(*tx, who, id, CircleAccess::kRead));
        CERCLES_ASSIGN_OR_RETURN(std::vector<v1::CircleHistoryEntry> entries,
                                 circles_.History(*tx, id));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        return Page(
            entries, request->page_size(), request->page_token(),
            [&](const v1::CircleHistoryEntry& e) { *response->add_entries() = e; },
            response->mutable_next_page_token());
      });
}

}  // namespace cercles::membership
