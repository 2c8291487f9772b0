// Network's PrivacyService: a person's access request (Law 25), the part
// network holds (its directory copy of the person, their referrals to
// partners, the transfers of them proposed to other funds).
#ifndef CERCLES_SERVICES_NETWORK_PRIVACY_SERVICE_H_
#define CERCLES_SERVICES_NETWORK_PRIVACY_SERVICE_H_

#include "cercles/network/v1/privacy.grpc.pb.h"
#include "services/network/context.h"
#include "services/network/federation_store.h"
#include "services/network/partner_store.h"
#include "services/network/people_store.h"

namespace cercles::network {

class PrivacyService final : public v1::PrivacyService::CallbackService {
 public:
  explicit PrivacyService(const NetworkContext& context) : context_(context) {}

  grpc::ServerUnaryReactor* ExportPersonData(grpc::CallbackServerContext* context,
                                             const v1::ExportPersonDataRequest* request,
                                             v1::ExportPersonDataResponse* response) override;

 private:
  const NetworkContext context_;
  PeopleStore people_;
  PartnerStore partners_;
  FederationStore transfers_;
};

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_PRIVACY_SERVICE_H_
