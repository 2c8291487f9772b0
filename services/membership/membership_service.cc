#include "services/membership/membership_service.h"

#include <algorithm>
#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cercles/membership/v1/events.pb.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/events/watch.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "services/membership/circle_access.h"
#include "services/membership/circle_rules.h"
#include "services/membership/formation.h"
#include "services/membership/formation_store.h"
#include "services/membership/person_facts.h"
#include "services/membership/training_rules.h"

namespace cercles::membership {
namespace {

bool IsAdmin(const auth::Principal& who) { return who.role == cercles::common::v1::ROLE_ADMIN; }

absl::StatusOr<int64_t> DecodeOffset(const std::string& token) {
  CERCLES_ASSIGN_OR_RETURN(std::string position, api::DecodePageToken(token));
  int64_t offset = 0;
  if (!position.empty() && (!absl::SimpleAtoi(position, &offset) || offset < 0)) {
    return absl::InvalidArgumentError("page_token is not a token this service issued");
  }
  return offset;
}

// One page of an in-memory list (members, history: bounded by the circle's life).
template <typename T, typename Add>
absl::Status Page(const std::vector<T>& all, int32_t page_size, const std::string& token, Add add,
                  std::string* next_token) {
  CERCLES_ASSIGN_OR_RETURN(int size, api::NormalisePageSize(page_size));
  CERCLES_ASSIGN_OR_RETURN(int64_t offset, DecodeOffset(token));
  const size_t begin = std::min(all.size(), static_cast<size_t>(offset));
  const size_t end = std::min(all.size(), begin + static_cast<size_t>(size));
  for (size_t i = begin; i < end; ++i) add(all[i]);
  if (end < all.size()) *next_token = api::EncodePageToken(absl::StrCat(end));
  return absl::OkStatus();
}

v1::CircleMember MemberMessage(const MemberRow& row) {
  v1::CircleMember m;
  m.set_person(PersonName(row.person_id));
  m.set_circle(CircleName(row.circle_id));
  SetTimestampMicros(row.join_time_us, m.mutable_join_time());
  m.set_join_reason(row.join_reason);
  if (row.leave_time_us.has_value()) {
    SetTimestampMicros(*row.leave_time_us, m.mutable_leave_time());
    m.set_leave_reason(row.leave_reason);
  }
  return m;
}

// Checks a person may join: exists, active, trained (unless waived), and not in
// another circle.
absl::Status CheckPersonMayJoin(storage::Transaction& tx, const CircleStore& circles,
                                int64_t person_id, bool require_training) {
  CERCLES_ASSIGN_OR_RETURN(PersonFacts person, LoadPersonFacts(tx, person_id));
  const std::string name = PersonName(person_id);
  if (!person.exists) {
    return absl::NotFoundError(absl::StrCat("person \"", name, "\" does not exist"));
  }
  if (!person.active) {
    return absl::FailedPreconditionError(
        absl::StrCat(name, " has withdrawn from the fund and cannot join a circle"));
  }
  if (require_training && !person.trained) {
    return absl::FailedPreconditionError(
        absl::StrCat(name,
                     " has not completed a training: a person joins a circle after the training (a "
                     "fund setting can waive it)"));
  }
  CERCLES_ASSIGN_OR_RETURN(std::optional<int64_t> holding, circles.HoldingCircleOf(tx, person_id));
  if (holding.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat(name, " already belongs to ", CircleName(*holding),
                     ": a person is in at most one circle at a time"));
  }
  return absl::OkStatus();
}

}  // namespace

MembershipService::MembershipService(const MembershipContext& context)
    : context_(context), circles_(context.fund_id) {}

absl::Status MembershipService::Emit(storage::Transaction& tx, const std::string& subject,
                                     const google::protobuf::Message& event, absl::Time now) {
  return events::AppendEvent(tx, context_.fund_id, subject, event, now).status();
}

absl::Status MembershipService::EmitCircleUpdated(storage::Transaction& tx, int64_t id,
                                                  absl::Time now, v1::Circle* out) {
  v1::CircleUpdated event;
  CERCLES_ASSIGN_OR_RETURN(*event.mutable_circle(), Reload(tx, id));
  CERCLES_RETURN_IF_ERROR(Emit(tx, event.circle().name(), event, now));
  *out = event.circle();
  return absl::OkStatus();
}

absl::StatusOr<v1::Circle> MembershipService::Reload(storage::Transaction& tx, int64_t id) {
  CERCLES_ASSIGN_OR_RETURN(std::optional<v1::Circle> circle, circles_.Get(tx, id));
  if (!circle.has_value()) {
    return absl::NotFoundError(absl::StrCat("circle \"", CircleName(id), "\" does not exist"));
  }
  return *std::move(circle);
}

grpc::Status MembershipService::CreateCircle(grpc::ServerContext* context,
                                             const v1::CreateCircleRequest* request,
                                             v1::CreateCircleResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(v1::Circle draft, DraftNewCircle(request->circle()));
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              // An advisor's new circle is theirs; an admin assigns later.
              CERCLES_ASSIGN_OR_RETURN(std::optional<int64_t> advisor, AdvisorIdOf(tx, who));
              if (who.role == cercles::common::v1::ROLE_ADVISOR && !advisor) {
                return absl::PermissionDeniedError(
                    absl::StrCat(who.ToString(),
                                 " has no advisor record: an admin creates it (CreateAdvisor with "
                                 "principal_name \"",
                                 who.name, "\")"));
              }
              CERCLES_ASSIGN_OR_RETURN(const absl::Time at,
                                       EffectiveTime(request->has_effective_time(),
                                                     FromTimestamp(request->effective_time()),
                                                     IsAdmin(who), now, absl::InfinitePast()));
              CERCLES_ASSIGN_OR_RETURN(v1::Circle circle,
                                       circles_.Insert(tx, draft, advisor, who.ToString(), at));
              v1::CircleCreated event;
              *event.mutable_circle() = circle;
              CERCLES_RETURN_IF_ERROR(Emit(tx, circle.name(), event, now));
              *response->mutable_circle() = std::move(circle);
              return absl::OkStatus();
            });
      });
}

grpc::Status MembershipService::GetCircle(grpc::ServerContext* context,
                                          const v1::GetCircleRequest* request,
                                          v1::GetCircleResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request->name(), "circles", "name"));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_RETURN_IF_ERROR(CheckCircleAccess(*tx, who, id, CircleAccess::kRead));
        CERCLES_ASSIGN_OR_RETURN(*response->mutable_circle(), Reload(*tx, id));
        return tx->Commit();
      });
}

grpc::Status MembershipService::ListCircles(grpc::ServerContext* context,
                                            const v1::ListCirclesRequest* request,
                                            v1::ListCirclesResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int page_size, api::NormalisePageSize(request->page_size()));
        CERCLES_ASSIGN_OR_RETURN(int64_t after_id, [&]() -> absl::StatusOr<int64_t> {
          CERCLES_ASSIGN_OR_RETURN(std::string position,
                                   api::DecodePageToken(request->page_token()));
          int64_t id = 0;
          if (!position.empty() && (!absl::SimpleAtoi(position, &id) || id < 0)) {
            return absl::InvalidArgumentError("page_token is not a token this service issued");
          }
          return id;
        }());
        if (!v1::CircleStatus_IsValid(request->status())) {
          return absl::InvalidArgumentError("status is not a known CircleStatus");
        }
        CircleFilter filter;
        filter.status = request->status();
        filter.has_room = request->has_room();
        CERCLES_ASSIGN_OR_RETURN(filter.characteristics,
                                 NormaliseFilter(request->characteristics(), "characteristics"));
        if (!request->advisor().empty()) {
          CERCLES_ASSIGN_OR_RETURN(filter.advisor_id,
                                   api::ParseName(request->advisor(), "advisors", "advisor"));
        }
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        if (who.role == cercles::common::v1::ROLE_ADVISOR) {
          // An advisor sees the circles assigned to them, and only those.
          CERCLES_ASSIGN_OR_RETURN(std::optional<int64_t> own, AdvisorIdOf(*tx, who));
          if (!own.has_value()) {
            return absl::PermissionDeniedError(
                absl::StrCat(who.ToString(), " has no advisor record: an admin creates it"));
          }
          if (filter.advisor_id.has_value() && *filter.advisor_id != *own) {
            return absl::PermissionDeniedError(
                "advisor: an advisor lists only the circles assigned to them");
          }
          filter.advisor_id = own;
        }
        // One extra row tells whether another page exists without a second query.
        CERCLES_ASSIGN_OR_RETURN(std::vector<v1::Circle> circles,
                                 circles_.List(*tx, filter, after_id, page_size + 1));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        api::Page<v1::Circle> page =
            api::TakePage(std::move(circles), page_size, [](const v1::Circle& c) {
              return api::ParseName(c.name(), "circles", "name").value_or(0);
            });
        for (auto& c : page.rows) *response->add_circles() = std::move(c);
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      });
}

grpc::ServerWriteReactor<v1::WatchEventsResponse>* MembershipService::WatchEvents(
    grpc::CallbackServerContext* context, const v1::WatchEventsRequest* request) {
  return events::ServeEvents<v1::WatchEventsResponse>(context, *request, *context_.authorizer,
                                                      *context_.db, *context_.notifier,
                                                      *context_.stopping);
}

grpc::Status MembershipService::UpdateCircle(grpc::ServerContext* context,
                                             const v1::UpdateCircleRequest* request,
                                             v1::UpdateCircleResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(
            int64_t id, api::ParseName(request->circle().name(), "circles", "circle.name"));
        bool name_changes = false, characteristics_change = false;
        if (request->update_mask().paths().empty()) {
          return absl::InvalidArgumentError(
              "update_mask must list the fields to change: display_name, characteristics");
        }
        for (const std::string& path : request->update_mask().paths()) {
          if (path == "display_name") {
            name_changes = true;
          } else if (path == "characteristics") {
            characteristics_change = true;
          } else {
            return absl::InvalidArgumentError(absl::StrCat(
                "update_mask path \"", path,
                "\" cannot be updated here (display_name, characteristics; status and members "
                "have their own methods)"));
          }
        }
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_RETURN_IF_ERROR(CheckCircleAccess(tx, who, id, CircleAccess::kManage));
              CERCLES_ASSIGN_OR_RETURN(CircleState state, circles_.LockState(tx, id));
              CERCLES_RETURN_IF_ERROR(CheckCircleStillChanges(state.status, CircleName(id)));
              CERCLES_ASSIGN_OR_RETURN(v1::Circle current, Reload(tx, id));
              v1::Circle candidate = current;
              if (name_changes) candidate.set_display_name(request->circle().display_name());
              if (characteristics_change) {
                *candidate.mutable_characteristics() = request->circle().characteristics();
              }
              CERCLES_ASSIGN_OR_RETURN(v1::Circle draft, DraftNewCircle(candidate));
              std::vector<v1::Characteristic> characteristics(draft.characteristics().begin(),
                                                              draft.characteristics().end());
              CERCLES_RETURN_IF_ERROR(
                  circles_.UpdateFields(tx, id, name_changes ? &draft.display_name() : nullptr,
                                        characteristics_change ? &characteristics : nullptr, now));
              return EmitCircleUpdated(tx, id, now, response->mutable_circle());
            });
      });
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
              CERCLES_RETURN_IF_ERROR(
                  CheckPersonMayJoin(tx, circles_, person_id, context_.settings.require_training));
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

template <typename Response>
absl::Status MembershipService::ChangeStatus(grpc::ServerContext* call, const auth::Principal& who,
                                             const char* method, const std::string& request_id,
                                             const google::protobuf::Message& request,
                                             const std::string& name, const std::string& reason_in,
                                             bool reason_required, const NextStatus& next,
                                             Response* response,
                                             const google::protobuf::Timestamp* effective) {
  CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(name, "circles", "name"));
  std::string reason;
  if (reason_required || !reason_in.empty()) {
    CERCLES_ASSIGN_OR_RETURN(reason, NormaliseReason(reason_in, "reason"));
  }
  return RunWrite(
      context_, call, request, response,
      [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(CheckCircleAccess(tx, who, id, CircleAccess::kManage));
        CERCLES_ASSIGN_OR_RETURN(CircleState state, circles_.LockState(tx, id));
        CERCLES_ASSIGN_OR_RETURN(
            const absl::Time at,
            EffectiveTime(effective != nullptr,
                          effective != nullptr ? FromTimestamp(*effective) : absl::InfinitePast(),
                          IsAdmin(who), now, FromMicros(state.update_time_us)));
        int count = state.member_count;
        CERCLES_ASSIGN_OR_RETURN(v1::CircleStatus status, next(tx, state, &count, at));
        CERCLES_RETURN_IF_ERROR(circles_.SetCountAndStatus(
            tx, state, count, status, reason.empty() ? absl::AsciiStrToLower(method) : reason,
            who.ToString(), at));
        return EmitCircleUpdated(tx, id, now, response->mutable_circle());
      });
}

grpc::Status MembershipService::ActivateCircle(grpc::ServerContext* context,
                                               const v1::ActivateCircleRequest* request,
                                               v1::ActivateCircleResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response, [&](const auth::Principal& who) {
        return ChangeStatus(
            context, who, "ActivateCircle", request->request_id(), *request, request->name(),
            "activated", false,
            [&](storage::Transaction& tx, const CircleState& state, int*,
                absl::Time) -> absl::StatusOr<v1::CircleStatus> {
              CERCLES_ASSIGN_OR_RETURN(std::vector<int64_t> members,
                                       circles_.CurrentMembers(tx, state.id));
              std::vector<std::string> untrained;
              for (int64_t person : members) {
                CERCLES_ASSIGN_OR_RETURN(PersonFacts facts, LoadPersonFacts(tx, person));
                if (!facts.trained) untrained.push_back(PersonName(person));
              }
              CERCLES_RETURN_IF_ERROR(
                  CheckActivation(state.status, static_cast<int>(members.size()), untrained,
                                  context_.settings.require_training, CircleName(state.id)));
              return v1::CIRCLE_STATUS_ACTIVE;
            },
            response, request->has_effective_time() ? &request->effective_time() : nullptr);
      });
}

grpc::Status MembershipService::SuspendCircle(grpc::ServerContext* context,
                                              const v1::SuspendCircleRequest* request,
                                              v1::SuspendCircleResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response, [&](const auth::Principal& who) {
        return ChangeStatus(
            context, who, "SuspendCircle", request->request_id(), *request, request->name(),
            request->reason(), true,
            [&](storage::Transaction&, const CircleState& state, int*,
                absl::Time) -> absl::StatusOr<v1::CircleStatus> {
              CERCLES_RETURN_IF_ERROR(CheckSuspend(state.status, CircleName(state.id)));
              return v1::CIRCLE_STATUS_SUSPENDED;
            },
            response);
      });
}

grpc::Status MembershipService::ResumeCircle(grpc::ServerContext* context,
                                             const v1::ResumeCircleRequest* request,
                                             v1::ResumeCircleResponse* response) {
  return server::Serve(*context_.authorizer, context, *request, response,
                       [&](const auth::Principal& who) {
                         return ChangeStatus(
                             context, who, "ResumeCircle", request->request_id(), *request,
                             request->name(), request->reason(), true,
                             [&](storage::Transaction&, const CircleState& state, int* count,
                                 absl::Time) -> absl::StatusOr<v1::CircleStatus> {
                               return ResumedStatus(state.status, *count, CircleName(state.id));
                             },
                             response);
                       });
}

grpc::Status MembershipService::DissolveCircle(grpc::ServerContext* context,
                                               const v1::DissolveCircleRequest* request,
                                               v1::DissolveCircleResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response, [&](const auth::Principal& who) {
        return ChangeStatus(
            context, who, "DissolveCircle", request->request_id(), *request, request->name(),
            request->reason(), true,
            [&](storage::Transaction& tx, const CircleState& state, int* count,
                absl::Time now) -> absl::StatusOr<v1::CircleStatus> {
              CERCLES_RETURN_IF_ERROR(CheckDissolve(state.status, CircleName(state.id)));
              CERCLES_ASSIGN_OR_RETURN(std::vector<int64_t> members,
                                       circles_.CurrentMembers(tx, state.id));
              for (int64_t person : members) {
                CERCLES_RETURN_IF_ERROR(
                    circles_.RemoveMember(tx, state.id, person, "circle dissolved", now).status());
              }
              *count = 0;
              return v1::CIRCLE_STATUS_DISSOLVED;
            },
            response);
      });
}

grpc::Status MembershipService::MergeCircles(grpc::ServerContext* context,
                                             const v1::MergeCirclesRequest* request,
                                             v1::MergeCirclesResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        if (request->circles_size() < 2 || request->circles_size() > 4) {
          return absl::InvalidArgumentError("circles must name 2 to 4 circles to merge");
        }
        std::vector<int64_t> sources;
        std::set<int64_t> distinct;
        for (int i = 0; i < request->circles_size(); ++i) {
          CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request->circles(i), "circles",
                                                              absl::StrCat("circles[", i, "]")));
          if (!distinct.insert(id).second) {
            return absl::InvalidArgumentError(
                absl::StrCat("circles[", i, "] repeats ", request->circles(i)));
          }
          sources.push_back(id);
        }
        v1::Circle requested;
        requested.set_display_name(request->display_name());
        *requested.mutable_characteristics() = request->characteristics();
        CERCLES_ASSIGN_OR_RETURN(v1::Circle draft, [&]() -> absl::StatusOr<v1::Circle> {
          absl::StatusOr<v1::Circle> d = DraftNewCircle(requested);
          if (!d.ok()) {
            // Name the request's fields, not the circle message's.
            std::string message(d.status().message());
            if (message.rfind("circle.", 0) == 0) message = message.substr(7);
            return absl::Status(d.status().code(), message);
          }
          return d;
        }());
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              std::vector<CircleState> states;
              std::vector<v1::CircleStatus> statuses;
              std::vector<std::string> names;
              std::vector<std::pair<int64_t, int64_t>> moves;  // (source, person)
              std::set<int64_t> people;
              for (int64_t id : sources) {
                CERCLES_RETURN_IF_ERROR(CheckCircleAccess(tx, who, id, CircleAccess::kManage));
                CERCLES_ASSIGN_OR_RETURN(CircleState state, circles_.LockState(tx, id));
                states.push_back(state);
                statuses.push_back(state.status);
                names.push_back(CircleName(id));
                CERCLES_ASSIGN_OR_RETURN(std::vector<int64_t> members,
                                         circles_.CurrentMembers(tx, id));
                for (int64_t p : members) {
                  moves.emplace_back(id, p);
                  people.insert(p);
                }
              }
              CERCLES_ASSIGN_OR_RETURN(
                  v1::CircleStatus status,
                  MergedStatus(statuses, names, static_cast<int>(people.size())));
              if (status == v1::CIRCLE_STATUS_ACTIVE && context_.settings.require_training) {
                std::vector<std::string> untrained;
                for (int64_t p : people) {
                  CERCLES_ASSIGN_OR_RETURN(PersonFacts facts, LoadPersonFacts(tx, p));
                  if (!facts.trained) untrained.push_back(PersonName(p));
                }
                if (!untrained.empty()) {
                  return absl::FailedPreconditionError(
                      absl::StrCat("the merged circle would be active with untrained members: ",
                                   absl::StrJoin(untrained, ", ")));
                }
              }
              v1::Circle result_draft = draft;
              if (result_draft.characteristics().empty()) {
                // The union of the sources' characteristics, first seen first.
                std::set<std::string> seen;
                for (int64_t id : sources) {
                  CERCLES_ASSIGN_OR_RETURN(v1::Circle source, Reload(tx, id));
                  for (const auto& c : source.characteristics()) {
                    std::string key =
                        absl::StrCat(c.kind(), "\x1f", c.custom_kind(), "\x1f", c.value());
                    if (seen.insert(key).second &&
                        result_draft.characteristics_size() < kMaxCharacteristics) {
                      *result_draft.add_characteristics() = c;
                    }
                  }
                }
              }
              std::string merged_names = absl::StrJoin(names, ", ");
              result_draft.set_status(status);
              result_draft.set_status_reason(absl::StrCat("merged from ", merged_names));
              std::optional<int64_t> advisor = states.front().advisor_id;
              CERCLES_ASSIGN_OR_RETURN(
                  v1::Circle created,
                  circles_.Insert(tx, result_draft, advisor, who.ToString(), now));
              CERCLES_ASSIGN_OR_RETURN(int64_t result_id,
                                       api::ParseName(created.name(), "circles", "name"));
              const std::string into = absl::StrCat("merged into ", created.name());
              for (const auto& [source, person] : moves) {
                CERCLES_RETURN_IF_ERROR(
                    circles_.RemoveMember(tx, source, person, into, now).status());
              }
              std::set<int64_t> added;
              for (const auto& [source, person] : moves) {
                if (!added.insert(person).second) continue;
                CERCLES_RETURN_IF_ERROR(
                    circles_
                        .AddMember(tx, result_id, person,
                                   absl::StrCat("merged from ", CircleName(source)), now)
                        .status());
              }
              for (const CircleState& state : states) {
                CERCLES_RETURN_IF_ERROR(circles_.AddLineage(tx, result_id, state.id, now));
                CERCLES_RETURN_IF_ERROR(circles_.SetCountAndStatus(
                    tx, state, 0, v1::CIRCLE_STATUS_MERGED, into, who.ToString(), now));
              }
              CERCLES_ASSIGN_OR_RETURN(CircleState result_state, circles_.LockState(tx, result_id));
              CERCLES_RETURN_IF_ERROR(circles_.SetCountAndStatus(
                  tx, result_state, static_cast<int>(added.size()), result_state.status,
                  result_draft.status_reason(), who.ToString(), now));
              v1::CirclesMerged event;
              CERCLES_ASSIGN_OR_RETURN(*event.mutable_circle(), Reload(tx, result_id));
              for (const CircleState& state : states) {
                CERCLES_ASSIGN_OR_RETURN(*event.add_merged(), Reload(tx, state.id));
              }
              CERCLES_RETURN_IF_ERROR(Emit(tx, event.circle().name(), event, now));
              *response->mutable_circle() = event.circle();
              *response->mutable_merged() = event.merged();
              return absl::OkStatus();
            });
      });
}

namespace {

absl::StatusOr<std::vector<std::string>> CheckAttributes(
    const google::protobuf::RepeatedPtrField<std::string>& requested, const std::string& field,
    std::set<std::string>* seen) {
  std::vector<std::string> out;
  for (int i = 0; i < requested.size(); ++i) {
    const std::string& kind = requested[i];
    const auto& allowed = FormationAttributes();
    if (std::find(allowed.begin(), allowed.end(), kind) == allowed.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, "[", i, "] \"", kind.substr(0, 40),
                       "\" is not an attribute: language, gender or sector"));
    }
    if (!seen->insert(kind).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, "[", i, "] \"", kind, "\" is listed twice"));
    }
    out.push_back(kind);
  }
  return out;
}

// The characteristic a shared attribute value suggests.
std::optional<v1::Characteristic> Suggest(const std::string& kind, const std::string& value) {
  if (value.empty()) return std::nullopt;
  v1::Characteristic c;
  c.set_kind(kind == "language" ? v1::CHARACTERISTIC_KIND_LANGUAGE
             : kind == "gender" ? v1::CHARACTERISTIC_KIND_GENDER
                                : v1::CHARACTERISTIC_KIND_SECTOR);
  c.set_value(value.substr(0, kMaxCharacteristicValueLength));
  return c;
}

}  // namespace

grpc::Status MembershipService::ProposeCircles(grpc::ServerContext* context,
                                               const v1::ProposeCirclesRequest* request,
                                               v1::ProposeCirclesResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int64_t training_id,
                                 api::ParseName(request->training(), "trainings", "training"));
        std::set<std::string> seen;
        CERCLES_ASSIGN_OR_RETURN(
            std::vector<std::string> hard,
            CheckAttributes(request->hard_attributes(), "hard_attributes", &seen));
        CERCLES_ASSIGN_OR_RETURN(
            std::vector<std::string> soft,
            CheckAttributes(request->soft_attributes(), "soft_attributes", &seen));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_ASSIGN_OR_RETURN(Cohort cohort, LoadCohort(*tx, training_id));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        FormationProposal proposal =
            ::cercles::membership::ProposeCircles(cohort.free_graduates, hard, soft);
        int n = 0;
        for (const ProposedGroup& group : proposal.groups) {
          v1::ProposedCircle* circle = response->add_circles();
          circle->set_display_name(
              absl::StrCat(cohort.display_name.substr(0, 100), " — cercle ", ++n));
          for (int64_t id : group.person_ids) circle->add_people(PersonName(id));
          for (const auto& [kind, value] : group.shared_hard) {
            if (auto c = Suggest(kind, value)) *circle->add_characteristics() = *c;
          }
          for (const auto& [kind, majority] : group.soft_majority) {
            // A soft value shared by at least half the circle describes it.
            if (2 * majority.second >= static_cast<int>(group.person_ids.size())) {
              if (auto c = Suggest(kind, majority.first)) *circle->add_characteristics() = *c;
            }
          }
          circle->set_explanation(group.explanation);
        }
        for (int64_t id : proposal.unplaced) {
          response->add_unplaced(PersonName(id));
          response->add_unplaced_reasons(proposal.unplaced_reason[id]);
        }
        return absl::OkStatus();
      });
}

grpc::Status MembershipService::AcceptCircleProposal(grpc::ServerContext* context,
                                                     const v1::AcceptCircleProposalRequest* request,
                                                     v1::AcceptCircleProposalResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        if (request->circles().empty() || request->circles_size() > 50) {
          return absl::InvalidArgumentError("circles must hold 1 to 50 proposed circles");
        }
        struct Planned {
          v1::Circle draft;
          std::vector<int64_t> people;
          std::optional<int64_t> advisor;
        };
        std::vector<Planned> planned;
        std::set<int64_t> everyone;
        for (int i = 0; i < request->circles_size(); ++i) {
          const v1::ProposedCircle& proposed = request->circles(i);
          const std::string field = absl::StrCat("circles[", i, "]");
          v1::Circle requested;
          requested.set_display_name(proposed.display_name());
          *requested.mutable_characteristics() = proposed.characteristics();
          absl::StatusOr<v1::Circle> draft = DraftNewCircle(requested);
          if (!draft.ok()) {
            std::string message(draft.status().message());
            if (message.rfind("circle.", 0) == 0) message = message.substr(7);
            return absl::InvalidArgumentError(absl::StrCat(field, ".", message));
          }
          if (proposed.people_size() < kMinCircleMembers ||
              proposed.people_size() > kMaxCircleMembers) {
            return absl::InvalidArgumentError(
                absl::StrCat(field, ".people must name ", kMinCircleMembers, " to ",
                             kMaxCircleMembers, " people, not ", proposed.people_size()));
          }
          Planned p{*std::move(draft), {}, std::nullopt};
          if (!proposed.advisor().empty()) {
            CERCLES_ASSIGN_OR_RETURN(
                p.advisor, api::ParseName(proposed.advisor(), "advisors", field + ".advisor"));
            if (who.role != cercles::common::v1::ROLE_ADMIN) {
              return absl::PermissionDeniedError(
                  absl::StrCat(field, ".advisor: only an admin assigns circles to advisors"));
            }
          }
          for (int j = 0; j < proposed.people_size(); ++j) {
            CERCLES_ASSIGN_OR_RETURN(int64_t id,
                                     api::ParseName(proposed.people(j), "people",
                                                    absl::StrCat(field, ".people[", j, "]")));
            if (!everyone.insert(id).second) {
              return absl::InvalidArgumentError(
                  absl::StrCat(field, ".people[", j, "] ", proposed.people(j),
                               " appears twice in the proposal: a person is in one circle"));
            }
            p.people.push_back(id);
          }
          planned.push_back(std::move(p));
        }
        const service::Change body = [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
          CERCLES_ASSIGN_OR_RETURN(std::optional<int64_t> advisor, AdvisorIdOf(tx, who));
          if (who.role == cercles::common::v1::ROLE_ADVISOR && !advisor) {
            return absl::PermissionDeniedError(
                absl::StrCat(who.ToString(), " has no advisor record: an admin creates it"));
          }
          for (const Planned& p : planned) {
            for (int64_t person : p.people) {
              CERCLES_RETURN_IF_ERROR(CheckPersonAccess(tx, who, person, CircleAccess::kManage));
            }
          }
          for (const Planned& p : planned) {
            if (p.advisor.has_value()) {
              CERCLES_ASSIGN_OR_RETURN(bool exists, circles_.AdvisorExists(tx, *p.advisor));
              if (!exists) {
                return absl::NotFoundError(
                    absl::StrCat("advisor \"", AdvisorName(*p.advisor), "\" does not exist"));
              }
            }
            CERCLES_ASSIGN_OR_RETURN(
                v1::Circle created,
                circles_.Insert(tx, p.draft, p.advisor.has_value() ? p.advisor : advisor,
                                who.ToString(), now));
            CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(created.name(), "circles", "name"));
            std::vector<v1::CircleMember> members;
            std::vector<std::string> untrained;
            for (int64_t person : p.people) {
              CERCLES_RETURN_IF_ERROR(
                  CheckPersonMayJoin(tx, circles_, person, context_.settings.require_training));
              CERCLES_ASSIGN_OR_RETURN(
                  MemberRow row, circles_.AddMember(tx, id, person, "formed from a cohort", now));
              members.push_back(MemberMessage(row));
              CERCLES_ASSIGN_OR_RETURN(PersonFacts facts, LoadPersonFacts(tx, person));
              if (!facts.trained) untrained.push_back(PersonName(person));
            }
            CERCLES_ASSIGN_OR_RETURN(CircleState state, circles_.LockState(tx, id));
            v1::CircleStatus status = state.status;
            if (request->activate()) {
              CERCLES_RETURN_IF_ERROR(
                  CheckActivation(state.status, static_cast<int>(p.people.size()), untrained,
                                  context_.settings.require_training, created.name()));
              status = v1::CIRCLE_STATUS_ACTIVE;
            }
            CERCLES_RETURN_IF_ERROR(
                circles_.SetCountAndStatus(tx, state, static_cast<int>(p.people.size()), status,
                                           "formed from a cohort", who.ToString(), now));
            CERCLES_ASSIGN_OR_RETURN(v1::Circle circle, Reload(tx, id));
            v1::CircleCreated event;
            *event.mutable_circle() = circle;
            CERCLES_RETURN_IF_ERROR(Emit(tx, circle.name(), event, now));
            for (const v1::CircleMember& m : members) {
              v1::CircleMemberAdded added;
              *added.mutable_member() = m;
              *added.mutable_circle() = circle;
              CERCLES_RETURN_IF_ERROR(Emit(tx, circle.name(), added, now));
            }
            *response->add_circles() = std::move(circle);
          }
          return absl::OkStatus();
        };
        if (request->validate_only()) {
          // The write this dry run stands for may already have happened: say so.
          v1::AcceptCircleProposalRequest write = *request;
          write.clear_validate_only();
          CERCLES_ASSIGN_OR_RETURN(bool written,
                                   service::AnswerReplay(context_, context, write, response));
          if (written) return absl::OkStatus();
          // Everything the real call checks, in a transaction that is never committed.
          CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kWrite));
          CERCLES_RETURN_IF_ERROR(body(*tx, context_.clock->Now()));
          for (auto& circle : *response->mutable_circles()) circle.clear_name();
          return absl::OkStatus();  // rolled back when tx goes out of scope
        }
        return RunWrite(context_, context, *request, response, body);
      });
}

grpc::Status MembershipService::CreateAdvisor(grpc::ServerContext* context,
                                              const v1::CreateAdvisorRequest* request,
                                              v1::CreateAdvisorResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal&) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(v1::Advisor draft, DraftAdvisor(request->advisor()));
        return RunWrite(context_, context, *request, response,
                        [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
                          CERCLES_ASSIGN_OR_RETURN(v1::Advisor advisor,
                                                   circles_.InsertAdvisor(tx, draft, now));
                          v1::AdvisorCreated event;
                          *event.mutable_advisor() = advisor;
                          CERCLES_RETURN_IF_ERROR(Emit(tx, advisor.name(), event, now));
                          *response->mutable_advisor() = std::move(advisor);
                          return absl::OkStatus();
                        });
      });
}

grpc::Status MembershipService::ListAdvisors(grpc::ServerContext* context,
                                             const v1::ListAdvisorsRequest* request,
                                             v1::ListAdvisorsResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int page_size, api::NormalisePageSize(request->page_size()));
        CERCLES_ASSIGN_OR_RETURN(int64_t after, DecodeOffset(request->page_token()));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_ASSIGN_OR_RETURN(std::vector<v1::Advisor> advisors,
                                 circles_.ListAdvisors(*tx, after, page_size + 1));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        api::Page<v1::Advisor> page =
            api::TakePage(std::move(advisors), page_size, [](const v1::Advisor& a) {
              return api::ParseName(a.name(), "advisors", "name").value_or(0);
            });
        for (auto& a : page.rows) *response->add_advisors() = std::move(a);
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      });
}

grpc::Status MembershipService::AssignCircleAdvisor(grpc::ServerContext* context,
                                                    const v1::AssignCircleAdvisorRequest* request,
                                                    v1::AssignCircleAdvisorResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal&) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(int64_t circle_id,
                                 api::ParseName(request->circle(), "circles", "circle"));
        CERCLES_ASSIGN_OR_RETURN(int64_t advisor_id,
                                 api::ParseName(request->advisor(), "advisors", "advisor"));
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(bool exists, circles_.AdvisorExists(tx, advisor_id));
              if (!exists) {
                return absl::NotFoundError(
                    absl::StrCat("advisor \"", request->advisor(), "\" does not exist"));
              }
              CERCLES_ASSIGN_OR_RETURN(CircleState state, circles_.LockState(tx, circle_id));
              CERCLES_RETURN_IF_ERROR(CheckCircleStillChanges(state.status, CircleName(circle_id)));
              CERCLES_RETURN_IF_ERROR(circles_.SetAdvisor(tx, circle_id, advisor_id, now));
              return EmitCircleUpdated(tx, circle_id, now, response->mutable_circle());
            });
      });
}

}  // namespace cercles::membership
