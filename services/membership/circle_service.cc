// MembershipService's circles: create, read, list, update, the status changes
// (activate, suspend, resume, dissolve) and merges, and the event stream.
// Members and history: circle_member_service.cc; advisors: advisor_service.cc;
// forming circles from a cohort: formation_service.cc.
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "cercles/membership/v1/events.pb.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/events/watch.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "services/membership/circle_access.h"
#include "services/membership/circle_rules.h"
#include "services/membership/membership_service.h"
#include "services/membership/people_store.h"

namespace cercles::membership {

MembershipService::MembershipService(const MembershipContext& context)
    : context_(context), circles_(context.fund_id) {}

absl::Status MembershipService::EmitCircleUpdated(storage::Transaction& tx, int64_t id,
                                                  absl::Time now, v1::Circle* out) {
  v1::CircleUpdated event;
  CERCLES_ASSIGN_OR_RETURN(*event.mutable_circle(), Reload(tx, id));
  CERCLES_RETURN_IF_ERROR(Emit(tx, context_, event.circle().name(), event, now));
  *out = event.circle();
  return absl::OkStatus();
}

absl::StatusOr<CircleState> MembershipService::LockManagedCircle(storage::Transaction& tx,
                                                                 const auth::Principal& who,
                                                                 int64_t id) {
  CERCLES_RETURN_IF_ERROR(CheckCircleAccess(tx, who, id, CircleAccess::kManage));
  return circles_.LockState(tx, id);
}

absl::StatusOr<absl::Time> MembershipService::ChangeTime(
    const google::protobuf::Timestamp* effective, const auth::Principal& who, absl::Time now,
    const CircleState& state) {
  return EffectiveTime(effective != nullptr,
                       effective != nullptr ? FromTimestamp(*effective) : absl::InfinitePast(),
                       IsAdmin(who), now, FromMicros(state.update_time_us));
}

absl::StatusOr<v1::Circle> MembershipService::Reload(storage::Transaction& tx, int64_t id) {
  CERCLES_ASSIGN_OR_RETURN(std::optional<v1::Circle> circle, circles_.Get(tx, id));
  if (!circle.has_value()) {
    return absl::NotFoundError(absl::StrCat("circle \"", CircleName(id), "\" does not exist"));
  }
  return *std::move(circle);
}

grpc::ServerUnaryReactor* MembershipService::CreateCircle(grpc::CallbackServerContext* context,
                                                          const v1::CreateCircleRequest* request,
                                                          v1::CreateCircleResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
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
              CERCLES_RETURN_IF_ERROR(Emit(tx, context_, circle.name(), event, now));
              *response->mutable_circle() = std::move(circle);
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* MembershipService::GetCircle(grpc::CallbackServerContext* context,
                                                       const v1::GetCircleRequest* request,
                                                       v1::GetCircleResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request->name(), "circles", "name"));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        // One statement reads the circle whole, and finds a missing one (NOT_FOUND
        // first, as CheckCircleAccess answers); the scope is checked before
        // anything is answered.
        CERCLES_ASSIGN_OR_RETURN(v1::Circle circle, Reload(*tx, id));
        CERCLES_RETURN_IF_ERROR(CheckCircleInScope(*tx, who, id, CircleAccess::kRead));
        *response->mutable_circle() = std::move(circle);
        return tx->Commit();
      });
}

grpc::ServerUnaryReactor* MembershipService::ListCircles(grpc::CallbackServerContext* context,
                                                         const v1::ListCirclesRequest* request,
                                                         v1::ListCirclesResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int page_size, api::NormalisePageSize(request->page_size()));
        CERCLES_ASSIGN_OR_RETURN(int64_t after_id, api::DecodeIdPageToken(request->page_token()));
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

grpc::ServerUnaryReactor* MembershipService::UpdateCircle(grpc::CallbackServerContext* context,
                                                          const v1::UpdateCircleRequest* request,
                                                          v1::UpdateCircleResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
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
                "update_mask path ", api::Quoted(path),
                " cannot be updated here (display_name, characteristics; status and members "
                "have their own methods)"));
          }
        }
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(CircleState state, LockManagedCircle(tx, who, id));
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

template <typename Response>
absl::Status MembershipService::ChangeStatus(
    grpc::ServerContextBase* call, const auth::Principal& who, const char* method,
    const std::string& request_id, const google::protobuf::Message& request,
    const std::string& name, const std::string& reason_in, bool reason_required,
    const NextStatus& next, Response* response, const google::protobuf::Timestamp* effective) {
  CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(name, "circles", "name"));
  std::string reason;
  if (reason_required || !reason_in.empty()) {
    CERCLES_ASSIGN_OR_RETURN(reason, NormaliseReason(reason_in, "reason"));
  }
  return RunWrite(
      context_, call, request, response,
      [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(CircleState state, LockManagedCircle(tx, who, id));
        CERCLES_ASSIGN_OR_RETURN(const absl::Time at, ChangeTime(effective, who, now, state));
        int count = state.member_count;
        CERCLES_ASSIGN_OR_RETURN(v1::CircleStatus status, next(tx, state, &count, at));
        CERCLES_RETURN_IF_ERROR(circles_.SetCountAndStatus(
            tx, state, count, status, reason.empty() ? absl::AsciiStrToLower(method) : reason,
            who.ToString(), at));
        return EmitCircleUpdated(tx, id, now, response->mutable_circle());
      });
}

grpc::ServerUnaryReactor* MembershipService::ActivateCircle(
    grpc::CallbackServerContext* context, const v1::ActivateCircleRequest* request,
    v1::ActivateCircleResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) {
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

grpc::ServerUnaryReactor* MembershipService::SuspendCircle(grpc::CallbackServerContext* context,
                                                           const v1::SuspendCircleRequest* request,
                                                           v1::SuspendCircleResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) {
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

grpc::ServerUnaryReactor* MembershipService::ResumeCircle(grpc::CallbackServerContext* context,
                                                          const v1::ResumeCircleRequest* request,
                                                          v1::ResumeCircleResponse* response) {
  return server::Serve(*context_.handlers, *context_.authorizer, context, *request, response,
                       [=](const auth::Principal& who) {
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

grpc::ServerUnaryReactor* MembershipService::DissolveCircle(
    grpc::CallbackServerContext* context, const v1::DissolveCircleRequest* request,
    v1::DissolveCircleResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) {
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

grpc::ServerUnaryReactor* MembershipService::MergeCircles(grpc::CallbackServerContext* context,
                                                          const v1::MergeCirclesRequest* request,
                                                          v1::MergeCirclesResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        if (request->circles_size() < 2 || request->circles_size() > 4) {
          return absl::InvalidArgumentError("circles must name 2 to 4 circles to merge");
        }
        std::vector<int64_t> source_ids;
        std::set<int64_t> distinct;
        for (int i = 0; i < request->circles_size(); ++i) {
          CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request->circles(i), "circles",
                                                              absl::StrCat("circles[", i, "]")));
          if (!distinct.insert(id).second) {
            return absl::InvalidArgumentError(
                absl::StrCat("circles[", i, "] repeats ", request->circles(i)));
          }
          source_ids.push_back(id);
        }
        CERCLES_ASSIGN_OR_RETURN(
            v1::Circle requested,
            DraftRequestedCircle(request->display_name(), request->characteristics(), ""));
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              // Load: the sources (locked), their members and what is known of them.
              std::vector<CircleState> states;
              std::vector<MergeSource> sources;
              std::set<int64_t> untrained;
              for (int64_t id : source_ids) {
                CERCLES_ASSIGN_OR_RETURN(CircleState state, LockManagedCircle(tx, who, id));
                CERCLES_ASSIGN_OR_RETURN(v1::Circle circle, Reload(tx, id));
                MergeSource source{id, state.status, state.advisor_id, {}, {}};
                CERCLES_ASSIGN_OR_RETURN(source.members, circles_.CurrentMembers(tx, id));
                source.characteristics.assign(circle.characteristics().begin(),
                                              circle.characteristics().end());
                for (int64_t person : source.members) {
                  CERCLES_ASSIGN_OR_RETURN(PersonFacts facts, LoadPersonFacts(tx, person));
                  if (!facts.trained) untrained.insert(person);
                }
                states.push_back(state);
                sources.push_back(std::move(source));
              }
              // Decide.
              CERCLES_ASSIGN_OR_RETURN(
                  MergePlan plan,
                  PlanMerge(requested, sources, untrained, context_.settings.require_training));
              // Write.
              CERCLES_ASSIGN_OR_RETURN(
                  v1::Circle created,
                  circles_.Insert(tx, plan.draft, plan.advisor, who.ToString(), now));
              CERCLES_ASSIGN_OR_RETURN(int64_t result_id,
                                       api::ParseName(created.name(), "circles", "name"));
              const std::string into = absl::StrCat("merged into ", created.name());
              for (const auto& [source, person] : plan.leaving) {
                CERCLES_RETURN_IF_ERROR(
                    circles_.RemoveMember(tx, source, person, into, now).status());
              }
              for (const auto& [source, person] : plan.joining) {
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
                  tx, result_state, static_cast<int>(plan.joining.size()), result_state.status,
                  plan.draft.status_reason(), who.ToString(), now));
              v1::CirclesMerged event;
              CERCLES_ASSIGN_OR_RETURN(*event.mutable_circle(), Reload(tx, result_id));
              for (const CircleState& state : states) {
                CERCLES_ASSIGN_OR_RETURN(*event.add_merged(), Reload(tx, state.id));
              }
              CERCLES_RETURN_IF_ERROR(Emit(tx, context_, event.circle().name(), event, now));
              *response->mutable_circle() = event.circle();
              *response->mutable_merged() = event.merged();
              return absl::OkStatus();
            });
      });
}

}  // namespace cercles::membership
