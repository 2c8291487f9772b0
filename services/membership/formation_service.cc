// MembershipService's forming of circles from a training cohort: proposing a
// partition (formation.cc decides it) and accepting one as new circles.
#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "cercles/membership/v1/events.pb.h"
#include "common/api/closed_set.h"
#include "common/api/resource_name.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/util/status.h"
#include "services/membership/circle_access.h"
#include "services/membership/circle_rules.h"
#include "services/membership/formation.h"
#include "services/membership/formation_store.h"
#include "services/membership/membership_service.h"
#include "services/membership/people_store.h"

namespace cercles::membership {
namespace {

// The attributes a ProposeCircles request names, as formation names them
// ("language"): the enum field `kinds`, or else the deprecated strings `texts`
// as given (CheckFormationAttributes judges them); both only when they agree.
absl::StatusOr<google::protobuf::RepeatedPtrField<std::string>> RequestedAttributes(
    const google::protobuf::RepeatedField<int>& kinds,
    const google::protobuf::RepeatedPtrField<std::string>& texts, const std::string& field) {
  CERCLES_ASSIGN_OR_RETURN(
      google::protobuf::RepeatedPtrField<std::string> names,
      api::RequestedEnumTexts(*v1::FormationAttribute_descriptor(), kinds, texts,
                              absl::StrCat(field, "_kinds"), absl::StrCat(field, "s")));
  if (!kinds.empty()) {
    for (std::string& name : names) absl::AsciiStrToLower(&name);
  }
  return names;
}

// The deprecated string fields are read here and nowhere else.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
absl::StatusOr<google::protobuf::RepeatedPtrField<std::string>> HardAttributes(
    const v1::ProposeCirclesRequest& request) {
  return RequestedAttributes(request.hard_attribute_kinds(), request.hard_attributes(),
                             "hard_attribute");
}
absl::StatusOr<google::protobuf::RepeatedPtrField<std::string>> SoftAttributes(
    const v1::ProposeCirclesRequest& request) {
  return RequestedAttributes(request.soft_attribute_kinds(), request.soft_attributes(),
                             "soft_attribute");
}
#pragma GCC diagnostic pop

}  // namespace

grpc::ServerUnaryReactor* MembershipService::ProposeCircles(
    grpc::CallbackServerContext* context, const v1::ProposeCirclesRequest* request,
    v1::ProposeCirclesResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int64_t training_id,
                                 api::ParseName(request->training(), "trainings", "training"));
        std::set<std::string> seen;
        CERCLES_ASSIGN_OR_RETURN(auto hard_names, HardAttributes(*request));
        // Rules name the field the request used.
        CERCLES_ASSIGN_OR_RETURN(std::vector<std::string> hard,
                                 CheckFormationAttributes(hard_names,
                                                          request->hard_attribute_kinds().empty()
                                                              ? "hard_attributes"
                                                              : "hard_attribute_kinds",
                                                          &seen));
        CERCLES_ASSIGN_OR_RETURN(auto soft_names, SoftAttributes(*request));
        CERCLES_ASSIGN_OR_RETURN(std::vector<std::string> soft,
                                 CheckFormationAttributes(soft_names,
                                                          request->soft_attribute_kinds().empty()
                                                              ? "soft_attributes"
                                                              : "soft_attribute_kinds",
                                                          &seen));
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
            if (auto c = SuggestCharacteristic(kind, value)) *circle->add_characteristics() = *c;
          }
          for (const auto& [kind, majority] : group.soft_majority) {
            // A soft value shared by at least half the circle describes it.
            if (2 * majority.second >= static_cast<int>(group.person_ids.size())) {
              if (auto c = SuggestCharacteristic(kind, majority.first))
                *circle->add_characteristics() = *c;
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

grpc::ServerUnaryReactor* MembershipService::AcceptCircleProposal(
    grpc::CallbackServerContext* context, const v1::AcceptCircleProposalRequest* request,
    v1::AcceptCircleProposalResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(std::vector<PlannedCircle> planned,
                                 PlanAcceptedProposal(*request, IsAdmin(who)));
        const service::Change body = [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
          CERCLES_ASSIGN_OR_RETURN(std::optional<int64_t> advisor, AdvisorIdOf(tx, who));
          if (who.role == cercles::common::v1::ROLE_ADVISOR && !advisor) {
            return absl::PermissionDeniedError(
                absl::StrCat(who.ToString(), " has no advisor record: an admin creates it"));
          }
          for (const PlannedCircle& p : planned) {
            for (int64_t person : p.people) {
              CERCLES_RETURN_IF_ERROR(CheckPersonAccess(tx, who, person, CircleAccess::kManage));
            }
          }
          for (const PlannedCircle& p : planned) {
            // Load what decides whether this circle forms.
            bool advisor_exists = false;
            if (p.advisor.has_value()) {
              CERCLES_ASSIGN_OR_RETURN(advisor_exists, circles_.AdvisorExists(tx, *p.advisor));
            }
            std::vector<JoiningPerson> people;
            for (int64_t person : p.people) {
              CERCLES_ASSIGN_OR_RETURN(people.emplace_back(), LoadJoiningPerson(tx, person));
            }
            // Decide.
            CERCLES_ASSIGN_OR_RETURN(std::vector<std::string> untrained,
                                     CheckPlannedCircleForms(p, advisor_exists, people,
                                                             context_.settings.require_training));
            // Write.
            CERCLES_ASSIGN_OR_RETURN(
                v1::Circle created,
                circles_.Insert(tx, p.draft, p.advisor.has_value() ? p.advisor : advisor,
                                who.ToString(), now));
            CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(created.name(), "circles", "name"));
            std::vector<v1::CircleMember> members;
            for (int64_t person : p.people) {
              CERCLES_ASSIGN_OR_RETURN(
                  MemberRow row, circles_.AddMember(tx, id, person, "formed from a cohort", now));
              members.push_back(MemberMessage(row));
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
            CERCLES_RETURN_IF_ERROR(Emit(tx, context_, circle.name(), event, now));
            for (const v1::CircleMember& m : members) {
              v1::CircleMemberAdded added;
              *added.mutable_member() = m;
              *added.mutable_circle() = circle;
              CERCLES_RETURN_IF_ERROR(Emit(tx, context_, circle.name(), added, now));
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

}  // namespace cercles::membership
