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

// One page of a list that belongs to one circle `who` may read (its members, its
// history): `load` reads it whole in a read transaction (it is bounded by the
// circle's life), `add` puts each row of the page in the response.
template <typename Request, typename Load, typename Add>
absl::Status PageOfCircle(const MembershipContext& context, const auth::Principal& who,
                          const Request& request, Load load, Add add, std::string* next_token) {
  CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request.circle(), "circles", "circle"));
  CERCLES_ASSIGN_OR_RETURN(auto tx, context.db->Begin(storage::TxMode::kRead));
  CERCLES_RETURN_IF_ERROR(CheckCircleAccess(*tx, who, id, CircleAccess::kRead));
  CERCLES_ASSIGN_OR_RETURN(const auto all, load(*tx, id));
  CERCLES_RETURN_IF_ERROR(tx->Commit());
  CERCLES_ASSIGN_OR_RETURN(int size, api::NormalisePageSize(request.page_size()));
  CERCLES_ASSIGN_OR_RETURN(int64_t offset, api::DecodeIdPageToken(request.page_token()));
  const size_t begin = std::min(all.size(), static_cast<size_t>(offset));
  const size_t end = std::min(all.size(), begin + static_cast<size_t>(size));
  for (size_t i = begin; i < end; ++i) add(all[i]);
  if (end < all.size()) *next_token = api::EncodePageToken(absl::StrCat(end));
  return absl::OkStatus();
}

}  // namespace

// Named rather than anonymous: ChangeMember, a member template, captures a
// MemberChange, and a type with internal linkage inside it is an error for GCC
// once the unity build makes this file a header of its batch (-Wsubobject-linkage).
namespace member_change {

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

}  // namespace member_change

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

template <typename Event, typename Request, typename Response>
absl::Status MembershipService::ChangeMember(grpc::ServerContextBase* call,
                                             const auth::Principal& who, const Request& request,
                                             Response* response, int delta,
                                             const MemberCheck& check, const MemberWrite& write) {
  CERCLES_ASSIGN_OR_RETURN(const member_change::MemberChange change,
                           member_change::ParseMemberChange(request));
  return RunWrite(
      context_, call, request, response,
      [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(CircleState state, LockManagedCircle(tx, who, change.circle_id));
        CERCLES_RETURN_IF_ERROR(check(tx, change.person_id, state));
        CERCLES_ASSIGN_OR_RETURN(
            const absl::Time at,
            ChangeTime(request.has_effective_time() ? &request.effective_time() : nullptr, who, now,
                       state));
        CERCLES_ASSIGN_OR_RETURN(MemberRow member,
                                 write(tx, change.circle_id, change.person_id, change.reason, at));
        const int count = state.member_count + delta;
        const v1::CircleStatus status = StatusAfterCountChange(state.status, count);
        CERCLES_RETURN_IF_ERROR(circles_.SetCountAndStatus(
            tx, state, count, status, CountChangeReason(status), who.ToString(), at));
        Event event;
        *event.mutable_member() = MemberMessage(member);
        CERCLES_ASSIGN_OR_RETURN(*event.mutable_circle(), Reload(tx, state.id));
        CERCLES_RETURN_IF_ERROR(Emit(tx, context_, event.circle().name(), event, now));
        *response->mutable_circle() = event.circle();
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* MembershipService::AddCircleMember(
    grpc::CallbackServerContext* context, const v1::AddCircleMemberRequest* request,
    v1::AddCircleMemberResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        return ChangeMember<v1::CircleMemberAdded>(
            context, who, *request, response, +1,
            [&](storage::Transaction& tx, int64_t person_id,
                const CircleState& state) -> absl::Status {
              CERCLES_RETURN_IF_ERROR(CheckPersonAccess(tx, who, person_id, CircleAccess::kManage));
              CERCLES_RETURN_IF_ERROR(
                  CheckCanAddMember(state.status, state.member_count, CircleName(state.id)));
              CERCLES_ASSIGN_OR_RETURN(JoiningPerson joining, LoadJoiningPerson(tx, person_id));
              return CheckPersonMayJoin(joining, context_.settings.require_training);
            },
            [&](storage::Transaction& tx, int64_t circle_id, int64_t person_id,
                const std::string& reason, absl::Time at) -> absl::StatusOr<MemberRow> {
              CERCLES_ASSIGN_OR_RETURN(MemberRow member,
                                       circles_.AddMember(tx, circle_id, person_id, reason, at));
              *response->mutable_member() = MemberMessage(member);
              return member;
            });
      });
}

grpc::ServerUnaryReactor* MembershipService::RemoveCircleMember(
    grpc::CallbackServerContext* context, const v1::RemoveCircleMemberRequest* request,
    v1::RemoveCircleMemberResponse* response) {
  return server::Serve(*context_.handlers, *context_.authorizer, context, *request, response,
                       [=](const auth::Principal& who) -> absl::Status {
                         return ChangeMember<v1::CircleMemberRemoved>(
                             context, who, *request, response, -1,
                             [&](storage::Transaction&, int64_t, const CircleState& state) {
                               return CheckCanRemoveMember(state.status, CircleName(state.id));
                             },
                             [&](storage::Transaction& tx, int64_t circle_id, int64_t person_id,
                                 const std::string& reason, absl::Time at) {
                               return circles_.RemoveMember(tx, circle_id, person_id, reason, at);
                             });
                       });
}

grpc::ServerUnaryReactor* MembershipService::ListCircleMembers(
    grpc::CallbackServerContext* context, const v1::ListCircleMembersRequest* request,
    v1::ListCircleMembersResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) {
        return PageOfCircle(
            context_, who, *request,
            [&](storage::Transaction& tx, int64_t id) {
              return circles_.ListMembers(tx, id, request->include_former());
            },
            [&](const MemberRow& m) { *response->add_members() = MemberMessage(m); },
            response->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* MembershipService::ListCircleHistory(
    grpc::CallbackServerContext* context, const v1::ListCircleHistoryRequest* request,
    v1::ListCircleHistoryResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) {
        return PageOfCircle(
            context_, who, *request,
            [&](storage::Transaction& tx, int64_t id) { return circles_.History(tx, id); },
            [&](const v1::CircleHistoryEntry& e) { *response->add_entries() = e; },
            response->mutable_next_page_token());
      });
}

}  // namespace cercles::membership
