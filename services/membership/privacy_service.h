// The gRPC adapter of membership's privacy duties: the privacy officer's
// contact (public read), membership's access log of personal reads, and the
// register of confidentiality incidents (revisions appended, never overwritten).
#ifndef CERCLES_SERVICES_MEMBERSHIP_PRIVACY_SERVICE_H_
#define CERCLES_SERVICES_MEMBERSHIP_PRIVACY_SERVICE_H_

#include "cercles/membership/v1/privacy.grpc.pb.h"
#include "services/membership/context.h"
#include "services/membership/people_store.h"
#include "services/membership/privacy_store.h"

namespace cercles::membership {

class PrivacyService final : public cercles::membership::v1::PrivacyService::CallbackService {
 public:
  explicit PrivacyService(const MembershipContext& context) : context_(context) {}

  grpc::ServerUnaryReactor* GetPrivacyContact(grpc::CallbackServerContext* context,
                                              const v1::GetPrivacyContactRequest* request,
                                              v1::GetPrivacyContactResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePrivacyContact(
      grpc::CallbackServerContext* context, const v1::UpdatePrivacyContactRequest* request,
      v1::UpdatePrivacyContactResponse* response) override;
  grpc::ServerUnaryReactor* ListPersonalReads(grpc::CallbackServerContext* context,
                                              const v1::ListPersonalReadsRequest* request,
                                              v1::ListPersonalReadsResponse* response) override;
  grpc::ServerUnaryReactor* CreateIncident(grpc::CallbackServerContext* context,
                                           const v1::CreateIncidentRequest* request,
                                           v1::CreateIncidentResponse* response) override;
  grpc::ServerUnaryReactor* UpdateIncident(grpc::CallbackServerContext* context,
                                           const v1::UpdateIncidentRequest* request,
                                           v1::UpdateIncidentResponse* response) override;
  grpc::ServerUnaryReactor* GetIncident(grpc::CallbackServerContext* context,
                                        const v1::GetIncidentRequest* request,
                                        v1::GetIncidentResponse* response) override;
  grpc::ServerUnaryReactor* ListIncidents(grpc::CallbackServerContext* context,
                                          const v1::ListIncidentsRequest* request,
                                          v1::ListIncidentsResponse* response) override;

 private:
  // NOT_FOUND naming the first affected person that does not exist.
  absl::Status CheckAffectedPeople(storage::Transaction& tx, const v1::Incident& incident) const;

  const MembershipContext context_;
  PrivacyStore privacy_;
  PeopleStore people_;
};

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_PRIVACY_SERVICE_H_
