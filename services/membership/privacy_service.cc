#include "services/membership/privacy_service.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/error_details.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/service/personal_reads_rpc.h"
#include "common/util/status.h"
#include "services/membership/people_rules.h"
#include "services/membership/privacy_rules.h"

namespace cercles::membership {
namespace {

absl::Status IncidentNotFound(const std::string& name) {
  return absl::NotFoundError(absl::StrCat("incident ", api::Quoted(name), " does not exist"));
}

// The event of an incident's new revision: ids only, no personal data.
absl::Status EmitIncidentRecorded(storage::Transaction& tx, const MembershipContext& context,
                                  const v1::Incident& incident, absl::Time now) {
  v1::IncidentRecorded event;
  event.set_incident(incident.name());
  event.set_revision(incident.revision());
  return Emit(tx, context, incident.name(), event, now);
}

}  // namespace

absl::Status PrivacyService::CheckAffectedPeople(storage::Transaction& tx,
                                                 const v1::Incident& incident) const {
  const std::vector<int64_t> ids = AffectedPersonIds(incident);
  for (size_t i = 0; i < ids.size(); ++i) {
    CERCLES_ASSIGN_OR_RETURN(std::optional<v1::Person> person, people_.Get(tx, ids[i]));
    if (!person.has_value()) {
      return absl::NotFoundError(absl::StrCat(
          "incident.affected_people[", i, "] ",
          api::Quoted(incident.affected_people(static_cast<int>(i))), " does not exist"));
    }
  }
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* PrivacyService::GetPrivacyContact(
    grpc::CallbackServerContext* context, const v1::GetPrivacyContactRequest* request,
    v1::GetPrivacyContactResponse* response) {
  return server::Serve(*context_.handlers, *context_.authorizer, context, *request, response,
                       [=](const auth::Principal&) -> absl::Status {
                         CERCLES_ASSIGN_OR_RETURN(auto tx,
                                                  context_.db->Begin(storage::TxMode::kRead));
                         CERCLES_ASSIGN_OR_RETURN(std::optional<v1::PrivacyContact> contact,
                                                  privacy_.GetContact(*tx));
                         CERCLES_RETURN_IF_ERROR(tx->Commit());
                         if (!contact.has_value()) {
                           return absl::NotFoundError(
                               "no privacy officer contact is set yet (an admin sets it with "
                               "UpdatePrivacyContact)");
                         }
                         *response->mutable_contact() = *std::move(contact);
                         // What the public sees: who to write to, not who typed it in.
                         response->mutable_contact()->clear_update_principal();
                         return absl::OkStatus();
                       });
}

grpc::ServerUnaryReactor* PrivacyService::UpdatePrivacyContact(
    grpc::CallbackServerContext* context, const v1::UpdatePrivacyContactRequest* request,
    v1::UpdatePrivacyContactResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        if (!request->has_contact()) {
          return api::InvalidField("contact", "is required", api::reason::kFieldRequired);
        }
        CERCLES_ASSIGN_OR_RETURN(v1::PrivacyContact contact,
                                 NormalisePrivacyContact(request->contact()));
        return RunWrite(context_, context, *request, response,
                        [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
                          CERCLES_ASSIGN_OR_RETURN(
                              *response->mutable_contact(),
                              privacy_.PutContact(tx, contact, who.ToString(), now));
                          return absl::OkStatus();
                        });
      });
}

grpc::ServerUnaryReactor* PrivacyService::ListPersonalReads(
    grpc::CallbackServerContext* context, const v1::ListPersonalReadsRequest* request,
    v1::ListPersonalReadsResponse* response) {
  return server::Serve(*context_.handlers, *context_.authorizer, context, *request, response,
                       [=](const auth::Principal&) -> absl::Status {
                         return service::ListPersonalReads(*context_.db, *request, response);
                       });
}

grpc::ServerUnaryReactor* PrivacyService::CreateIncident(grpc::CallbackServerContext* context,
                                                         const v1::CreateIncidentRequest* request,
                                                         v1::CreateIncidentResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        if (!request->has_incident()) {
          return api::InvalidField("incident", "is required", api::reason::kFieldRequired);
        }
        CERCLES_ASSIGN_OR_RETURN(
            v1::Incident incident,
            NormaliseIncident(request->incident(), DayOf(context_.clock->Now())));
        return RunWrite(context_, context, *request, response,
                        [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
                          CERCLES_RETURN_IF_ERROR(CheckAffectedPeople(tx, incident));
                          CERCLES_ASSIGN_OR_RETURN(
                              v1::Incident stored,
                              privacy_.InsertIncident(tx, incident, who.ToString(), now));
                          CERCLES_RETURN_IF_ERROR(EmitIncidentRecorded(tx, context_, stored, now));
                          *response->mutable_incident() = std::move(stored);
                          return absl::OkStatus();
                        });
      });
}

grpc::ServerUnaryReactor* PrivacyService::UpdateIncident(grpc::CallbackServerContext* context,
                                                         const v1::UpdateIncidentRequest* request,
                                                         v1::UpdateIncidentResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        if (!request->has_incident()) {
          return api::InvalidField("incident", "is required", api::reason::kFieldRequired);
        }
        const v1::Incident& requested = request->incident();
        CERCLES_ASSIGN_OR_RETURN(int64_t id,
                                 api::ParseName(requested.name(), "incidents", "incident.name"));
        if (requested.revision() < 1) {
          return api::InvalidField(
              "incident.revision",
              absl::StrCat("must be the revision the change was made from (1 or more), got ",
                           requested.revision()),
              requested.revision() == 0 ? api::reason::kFieldRequired
                                        : api::reason::kValueOutOfRange);
        }
        const absl::CivilDay today = DayOf(context_.clock->Now());
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(std::optional<v1::Incident> stored,
                                       privacy_.GetIncident(tx, id));
              if (!stored.has_value()) return IncidentNotFound(requested.name());
              if (stored->revision() != requested.revision()) {
                return api::WithErrorInfo(
                    absl::FailedPreconditionError(absl::StrCat(
                        "incident.revision ", requested.revision(), " is not the latest (",
                        stored->revision(), "): the incident changed meanwhile; read it again")),
                    api::reason::kPreconditionFailed);
              }
              CERCLES_ASSIGN_OR_RETURN(v1::Incident incident,
                                       NormaliseIncident(requested, today, &*stored));
              CERCLES_RETURN_IF_ERROR(CheckAffectedPeople(tx, incident));
              CERCLES_ASSIGN_OR_RETURN(
                  v1::Incident revised,
                  privacy_.AppendRevision(tx, id, *stored, incident, who.ToString(), now));
              CERCLES_RETURN_IF_ERROR(EmitIncidentRecorded(tx, context_, revised, now));
              *response->mutable_incident() = std::move(revised);
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* PrivacyService::GetIncident(grpc::CallbackServerContext* context,
                                                      const v1::GetIncidentRequest* request,
                                                      v1::GetIncidentResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request->name(), "incidents", "name"));
        if (request->revision() < 0) {
          return api::InvalidField(
              "revision", absl::StrCat("must be 0 (the latest) or more, got ", request->revision()),
              api::reason::kValueOutOfRange);
        }
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_ASSIGN_OR_RETURN(std::optional<v1::Incident> incident,
                                 privacy_.GetIncident(*tx, id, request->revision()));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        if (!incident.has_value()) {
          if (request->revision() == 0) return IncidentNotFound(request->name());
          return absl::NotFoundError(absl::StrCat("incident ", api::Quoted(request->name()),
                                                  " has no revision ", request->revision()));
        }
        *response->mutable_incident() = *std::move(incident);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PrivacyService::ListIncidents(grpc::CallbackServerContext* context,
                                                        const v1::ListIncidentsRequest* request,
                                                        v1::ListIncidentsResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int page_size, api::NormalisePageSize(request->page_size()));
        CERCLES_ASSIGN_OR_RETURN(int64_t after_id, api::DecodeIdPageToken(request->page_token()));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_ASSIGN_OR_RETURN(std::vector<v1::Incident> incidents,
                                 privacy_.ListIncidents(*tx, after_id, page_size + 1));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        api::Page<v1::Incident> page =
            api::TakePage(std::move(incidents), page_size, [](const v1::Incident& i) {
              return api::ParseName(i.name(), "incidents", "name").value_or(0);
            });
        for (v1::Incident& i : page.rows) *response->add_incidents() = std::move(i);
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      });
}

}  // namespace cercles::membership
