// The event streams network follows: membership's (circles, people, advisors)
// and lending's (loans), each applied by the projection inside the subscriber's
// transaction with a durable cursor in network's database.
#ifndef CERCLES_SERVICES_NETWORK_SUBSCRIBERS_H_
#define CERCLES_SERVICES_NETWORK_SUBSCRIBERS_H_

#include <grpcpp/channel.h>

#include <memory>

#include "common/events/watch.h"
#include "common/observability/metrics.h"
#include "common/storage/database.h"
#include "services/network/event_projection.h"

namespace cercles::network {

// A subscriber to membership's WatchEvents over `channel`, applied by
// `projection` (which must outlive it). Start() it after the migrations.
std::unique_ptr<events::EventSubscriber> NewMembershipSubscriber(
    std::shared_ptr<grpc::Channel> channel, storage::Database* db,
    const EventProjection* projection, observability::Registry* metrics);

// The same for lending's WatchEvents. Lending may not be up yet: the subscriber
// retries with backoff until it is.
std::unique_ptr<events::EventSubscriber> NewLendingSubscriber(
    std::shared_ptr<grpc::Channel> channel, storage::Database* db,
    const EventProjection* projection, observability::Registry* metrics);

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_SUBSCRIBERS_H_
