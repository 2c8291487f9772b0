// The gRPC adapter of people and their consents: validates, authorises
// (through the declared policies), and runs the people and consent rules and
// stores in one transaction.
#ifndef CERCLES_SERVICES_MEMBERSHIP_PEOPLE_SERVICE_H_
#define CERCLES_SERVICES_MEMBERSHIP_PEOPLE_SERVICE_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "services/membership/consent_store.h"
#include "services/membership/context.h"
#include "services/membership/people_store.h"

namespace cercles::membership {

class PeopleService final : public cercles::membership::v1::PeopleService::CallbackService {
 public:
  explicit PeopleService(const MembershipContext& context) : context_(context) {}

  grpc::ServerUnaryReactor* CreatePerson(grpc::CallbackServerContext* context,
                                         const v1::CreatePersonRequest* request,
                                         v1::CreatePersonResponse* response) override;
  grpc::ServerUnaryReactor* GetPerson(grpc::CallbackServerContext* context,
                                      const v1::GetPersonRequest* request,
                                      v1::GetPersonResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePerson(grpc::CallbackServerContext* context,
                                         const v1::UpdatePersonRequest* request,
                                         v1::UpdatePersonResponse* response) override;
  grpc::ServerUnaryReactor* ListPeople(grpc::CallbackServerContext* context,
                                       const v1::ListPeopleRequest* request,
                                       v1::ListPeopleResponse* response) override;
  // Consents (consent_service.cc).
  grpc::ServerUnaryReactor* RecordConsent(grpc::CallbackServerContext* context,
                                          const v1::RecordConsentRequest* request,
                                          v1::RecordConsentResponse* response) override;
  grpc::ServerUnaryReactor* ListConsentChanges(grpc::CallbackServerContext* context,
                                               const v1::ListConsentChangesRequest* request,
                                               v1::ListConsentChangesResponse* response) override;

 private:
  // Locks person `id` for a write by `who`, who must manage the person's circle
  // (CheckPersonAccess), and reads them: NOT_FOUND naming `name` when there is
  // none. UpdatePerson and RecordConsent start so.
  absl::StatusOr<v1::Person> LockManagedPerson(storage::Transaction& tx, const auth::Principal& who,
                                               int64_t id, const std::string& name) const;

  const MembershipContext context_;
  PeopleStore people_;
  ConsentStore consents_;
};

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_PEOPLE_SERVICE_H_
