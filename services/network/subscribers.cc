#include "services/network/subscribers.h"

#include <utility>

#include "cercles/lending/v1/lending.grpc.pb.h"
#include "cercles/membership/v1/membership.grpc.pb.h"

namespace cercles::network {
namespace {

// Opens `Service`'s WatchEvents after a sequence, over one stub for the
// subscriber's life.
template <typename Service, typename Request, typename Response>
events::EventSubscriber::OpenStream WatchEventsOf(std::shared_ptr<grpc::Channel> channel) {
  std::shared_ptr<typename Service::Stub> stub = Service::NewStub(std::move(channel));
  return
      [stub](grpc::ClientContext* context, int64_t after) -> std::unique_ptr<events::EventStream> {
        Request request;
        request.set_after_sequence(after);
        return std::make_unique<events::ReaderEventStream<grpc::ClientReader<Response>, Response>>(
            stub->WatchEvents(context, request));
      };
}

}  // namespace

std::unique_ptr<events::EventSubscriber> NewMembershipSubscriber(
    std::shared_ptr<grpc::Channel> channel, storage::Database* db,
    const EventProjection* projection, observability::Registry* metrics) {
  namespace mv1 = cercles::membership::v1;
  return std::make_unique<events::EventSubscriber>(
      "membership", db,
      WatchEventsOf<mv1::MembershipService, mv1::WatchEventsRequest, mv1::WatchEventsResponse>(
          std::move(channel)),
      [projection](storage::Transaction& tx, const cercles::common::v1::Event& event) {
        return projection->ApplyMembershipEvent(tx, event);
      },
      metrics);
}

std::unique_ptr<events::EventSubscriber> NewLendingSubscriber(
    std::shared_ptr<grpc::Channel> channel, storage::Database* db,
    const EventProjection* projection, observability::Registry* metrics) {
  namespace lv1 = cercles::lending::v1;
  return std::make_unique<events::EventSubscriber>(
      "lending", db,
      WatchEventsOf<lv1::LendingService, lv1::WatchEventsRequest, lv1::WatchEventsResponse>(
          std::move(channel)),
      [projection](storage::Transaction& tx, const cercles::common::v1::Event& event) {
        return projection->ApplyLendingEvent(tx, event);
      },
      metrics);
}

}  // namespace cercles::network
