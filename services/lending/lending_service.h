// The gRPC adapter of lending.
#ifndef CERCLES_SERVICES_LENDING_LENDING_SERVICE_H_
#define CERCLES_SERVICES_LENDING_LENDING_SERVICE_H_

#include "cercles/lending/v1/lending.grpc.pb.h"
#include "common/auth/auth.h"
#include "common/storage/database.h"
#include "services/lending/membership_client.h"

namespace cercles::lending {

class LendingService final : public cercles::lending::v1::LendingService::Service {
 public:
  LendingService(storage::Database* db, const auth::Authorizer* authorizer,
                 const MembershipClient* membership);

  grpc::Status GetCircleEligibility(grpc::ServerContext* context,
                                    const v1::GetCircleEligibilityRequest* request,
                                    v1::GetCircleEligibilityResponse* response) override;

 private:
  storage::Database* db_;
  const auth::Authorizer* authorizer_;
  const MembershipClient* membership_;
};

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_LENDING_SERVICE_H_
