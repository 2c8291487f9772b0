// The gRPC adapter of membership's privacy duties: the privacy officer's
// contact (public read), membership's access log of personal reads, and the
// register of confidentiality incidents (revisions appended, never overwritten),
// and the erasure of a person's personal data.
#ifndef CERCLES_SERVICES_MEMBERSHIP_PRIVACY_SERVICE_H_
#define CERCLES_SERVICES_MEMBERSHIP_PRIVACY_SERVICE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cercles/membership/v1/privacy.grpc.pb.h"
#include "services/membership/consent_store.h"
#include "services/membership/context.h"
#include "services/membership/erasure_store.h"
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
  // erasure_service.cc
  grpc::ServerUnaryReactor* ErasePerson(grpc::CallbackServerContext* context,
                                        const v1::ErasePersonRequest* request,
                                        v1::ErasePersonResponse* response) override;

  // The erasure of person `id` (`name` in messages) inside `tx`, by `actor`:
  // the person as erased (as they are when erased before). The one function an
  // erasure runs, ErasePerson's and a retention purge's.
  absl::StatusOr<v1::Person> ErasePersonIn(storage::Transaction& tx, int64_t id,
                                           const std::string& name, v1::ErasureReason reason,
                                           const std::string& actor, absl::Time now) const;

 private:
  // NOT_FOUND naming the first affected person that does not exist.
  absl::Status CheckAffectedPeople(storage::Transaction& tx, const v1::Incident& incident) const;

  const MembershipContext context_;
  PrivacyStore privacy_;
  PeopleStore people_;
  ConsentStore consents_;
  ErasureStore erasures_;
};

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_PRIVACY_SERVICE_H_
