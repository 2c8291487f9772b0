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

}  // namespace

absl::StatusOr<JoiningPerson> MembershipService::LoadJoiningPerson(storage::Transaction& tx,
                                                                   int64_t person_id) {
  JoiningPerson joining;
  joining.person_id = person_id;
  CERCLES_ASSIGN_OR_RETURN(joining.facts, LoadPersonFacts(tx, person_id));
  if (joining.facts.exists && joining.facts.active) {
    CERCLES_ASSIGN_OR_RETURN(joining.holding_circle, circles_.HoldingCircleOf(tx, person_id));
  }
  return joining;
}

grpc::Status MembershipService::AddCircleMember(grpc::ServerContext* context,
                                                const v1::AddCircleMemberRequest* request,
                                                v1::AddCircleMemberResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(int64_t circle_id,
                                 api::ParseName(request->circle(), "circles", "circle"));
        CERCLES_ASSIGN_OR_RETURN(int64_t person_id,
                                 api::ParseName(request->person(), "people", "person"));
        CERCLES_ASSIGN_OR_RETURN(std::string reason, NormaliseReason(request->reason(), "reason"));
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_RETURN_IF_ERROR(CheckCircleAccess(tx, who, circle_id, CircleAccess::kManage));
              CERCLES_RETURN_IF_ERROR(CheckPersonAccess(tx, who, person_id, CircleAccess::kManage));
              CERCLES_ASSIGN_OR_RETURN(CircleState state, circles_.LockState(tx, circle_id));
              CERCLES_RETURN_IF_ERROR(
                  CheckCanAddMember(state.status, state.member_count, CircleName(circle_id)));
              CERCLES_ASSIGN_OR_RETURN(JoiningPerson joining, LoadJoiningPerson(tx, person_id));
              CERCLES_RETURN_IF_ERROR(
                  CheckPersonMayJoin(joining, context_.settings.require_training));
              CERCLES_ASSIGN_OR_RETURN(
                  const absl::Time at,
                  EffectiveTime(request->has_effective_time(),
                                FromTimestamp(request->effective_time()), IsAdmin(who), now,
                                FromMicros(state.update_time_us)));
              CERCLES_ASSIGN_OR_RETURN(MemberRow member,
                                       circles_.AddMember(tx, circle_id, person_id, reason, at));
              const int count = state.member_count + 1;
              const v1::CircleStatus status = StatusAfterCountChange(state.status, count);
              CERCLES_RETURN_IF_ERROR(circles_.SetCountAndStatus(
                  tx, state, count, status, CountChangeReason(status), who.ToString(), at));
              CERCLES_ASSIGN_OR_RETURN(v1::Circle circle, Reload(tx, circle_id));
              v1::CircleMemberAdded event;
              *event.mutable_member() = MemberMessage(member);
              *event.mutable_circle() = circle;
              CERCLES_RETURN_IF_ERROR(Emit(tx, circle.name(), event, now));
              *response->mutable_member() = event.member();
              *response->mutable_circle() = std::move(circle);
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
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(int64_t circle_id,
                                 api::ParseName(request->circle(), "circles", "circle"));
        CERCLES_ASSIGN_OR_RETURN(int64_t person_id,
                                 api::ParseName(request->person(), "people", "person"));
        CERCLES_ASSIGN_OR_RETURN(std::string reason, NormaliseReason(request->reason(), "reason"));
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_RETURN_IF_ERROR(CheckCircleAccess(tx, who, circle_id, CircleAccess::kManage));
              CERCLES_ASSIGN_OR_RETURN(CircleState state, circles_.LockState(tx, circle_id));
              if (!HoldsItsMembers(state.status)) {
                return absl::FailedPreconditionError(absl::StrCat(CircleName(circle_id), " is ",
                                                                  StatusName(state.status),
                                                                  ": it has no members"));
              }
              CERCLES_ASSIGN_OR_RETURN(
                  const absl::Time at,
                  EffectiveTime(request->has_effective_time(),
                                FromTimestamp(request->effective_time()), IsAdmin(who), now,
                                FromMicros(state.update_time_us)));
              CERCLES_ASSIGN_OR_RETURN(MemberRow member,
                                       circles_.RemoveMember(tx, circle_id, person_id, reason, at));
              const int count = state.member_count - 1;
              const v1::CircleStatus status = StatusAfterCountChange(state.status, count);
              CERCLES_RETURN_IF_ERROR(circles_.SetCountAndStatus(
                  tx, state, count, status, CountChangeReason(status), who.ToString(), at));
              CERCLES_ASSIGN_OR_RETURN(v1::Circle circle, Reload(tx, circle_id));
              v1::CircleMemberRemoved event;
              *event.mutable_member() = MemberMessage(member);
              *event.mutable_circle() = circle;
              CERCLES_RETURN_IF_ERROR(Emit(tx, circle.name(), event, now));
              *response->mutable_circle() = std::move(circle);
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
