// The gRPC adapter of PartnerService: partner organisations and the referrals
// of the fund's people to them (each referral also weighs the circle—partner
// edge of the graph).
#ifndef CERCLES_SERVICES_NETWORK_PARTNER_SERVICE_H_
#define CERCLES_SERVICES_NETWORK_PARTNER_SERVICE_H_

#include "cercles/network/v1/partners.grpc.pb.h"
#include "common/auth/scope.h"
#include "services/network/context.h"
#include "services/network/graph_store.h"
#include "services/network/partner_store.h"
#include "services/network/people_store.h"

namespace cercles::network {

class PartnerService final : public v1::PartnerService::CallbackService {
 public:
  explicit PartnerService(const NetworkContext& context) : context_(context) {}

  grpc::ServerUnaryReactor* CreatePartner(grpc::CallbackServerContext* context,
                                          const v1::CreatePartnerRequest* request,
                                          v1::CreatePartnerResponse* response) override;
  grpc::ServerUnaryReactor* GetPartner(grpc::CallbackServerContext* context,
                                       const v1::GetPartnerRequest* request,
                                       v1::GetPartnerResponse* response) override;
  grpc::ServerUnaryReactor* ListPartners(grpc::CallbackServerContext* context,
                                         const v1::ListPartnersRequest* request,
                                         v1::ListPartnersResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePartner(grpc::CallbackServerContext* context,
                                          const v1::UpdatePartnerRequest* request,
                                          v1::UpdatePartnerResponse* response) override;
  grpc::ServerUnaryReactor* CreateReferral(grpc::CallbackServerContext* context,
                                           const v1::CreateReferralRequest* request,
                                           v1::CreateReferralResponse* response) override;
  grpc::ServerUnaryReactor* GetReferral(grpc::CallbackServerContext* context,
                                        const v1::GetReferralRequest* request,
                                        v1::GetReferralResponse* response) override;
  grpc::ServerUnaryReactor* ListReferrals(grpc::CallbackServerContext* context,
                                          const v1::ListReferralsRequest* request,
                                          v1::ListReferralsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateReferralStatus(
      grpc::CallbackServerContext* context, const v1::UpdateReferralStatusRequest* request,
      v1::UpdateReferralStatusResponse* response) override;

 private:
  // The partner, or NOT_FOUND naming it.
  absl::StatusOr<v1::Partner> LoadPartner(storage::Transaction& tx, int64_t partner_id,
                                          const std::string& name) const;
  // Moves the circle—partner edge by one referral (nothing for a person who
  // was in no circle).
  absl::Status WeighEdge(storage::Transaction& tx, const v1::Referral& referral, int64_t partner_id,
                         int64_t delta) const;

  // The circles `who` may see (common/auth/scope.h; an advisor's from the
  // projection of membership's advisors and circles).
  absl::StatusOr<auth::CircleScope> ScopeOf(storage::Transaction& tx,
                                            const auth::Principal& who) const;
  // PERMISSION_DENIED unless `who` may see the referrals of local person
  // `person_id` (in no circle, or in one of their circles).
  absl::Status CheckPersonScope(storage::Transaction& tx, const auth::Principal& who,
                                int64_t person_id) const;

  const NetworkContext context_;
  PartnerStore partners_;
  PeopleStore people_;
  GraphStore graph_;
};

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_PARTNER_SERVICE_H_
