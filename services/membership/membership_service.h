// The gRPC adapter of membership: validates, authorises (through the declared
// policies), and runs the domain rules and the store in one transaction.
#ifndef CERCLES_SERVICES_MEMBERSHIP_MEMBERSHIP_SERVICE_H_
#define CERCLES_SERVICES_MEMBERSHIP_MEMBERSHIP_SERVICE_H_

#include <atomic>
#include <string>

#include "cercles/membership/v1/membership.grpc.pb.h"
#include "common/auth/auth.h"
#include "common/events/outbox.h"
#include "common/storage/database.h"
#include "common/util/clock.h"
#include "services/membership/circle_store.h"

namespace cercles::membership {

class MembershipService final : public cercles::membership::v1::MembershipService::Service {
 public:
  MembershipService(storage::Database* db, const auth::Authorizer* authorizer,
                    events::EventNotifier* notifier, const Clock* clock, std::string fund_id,
                    const std::atomic<bool>* stopping);

  grpc::Status CreateCircle(grpc::ServerContext* context, const v1::CreateCircleRequest* request,
                            v1::CreateCircleResponse* response) override;
  grpc::Status GetCircle(grpc::ServerContext* context, const v1::GetCircleRequest* request,
                         v1::GetCircleResponse* response) override;
  grpc::Status ListCircles(grpc::ServerContext* context, const v1::ListCirclesRequest* request,
                           v1::ListCirclesResponse* response) override;
  grpc::Status WatchEvents(grpc::ServerContext* context, const v1::WatchEventsRequest* request,
                           grpc::ServerWriter<v1::WatchEventsResponse>* writer) override;

 private:
  storage::Database* db_;
  const auth::Authorizer* authorizer_;
  events::EventNotifier* notifier_;
  const Clock* clock_;
  const std::string fund_id_;
  const std::atomic<bool>* stopping_;
  CircleStore circles_;
};

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_MEMBERSHIP_SERVICE_H_
