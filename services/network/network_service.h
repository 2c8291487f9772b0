// The gRPC adapter of NetworkService: the directory, the graph, suggestions,
// expertise and statistics (read through the cache), sister links, and
// network's own event stream.
#ifndef CERCLES_SERVICES_NETWORK_NETWORK_SERVICE_H_
#define CERCLES_SERVICES_NETWORK_NETWORK_SERVICE_H_

#include "cercles/network/v1/network.grpc.pb.h"
#include "services/network/context.h"
#include "services/network/directory_store.h"
#include "services/network/graph_store.h"
#include "services/network/loan_store.h"
#include "services/network/outcome_store.h"
#include "services/network/peer_sync.h"
#include "services/network/people_store.h"

namespace cercles::network {

class NetworkService final : public v1::NetworkService::CallbackService {
 public:
  // `peers`: the federation, asked by GetImpactReport with include_peers.
  NetworkService(const NetworkContext& context, const PeerSync* peers)
      : context_(context), peers_(peers) {}

  grpc::ServerUnaryReactor* ListNetworkCircles(grpc::CallbackServerContext* context,
                                               const v1::ListNetworkCirclesRequest* request,
                                               v1::ListNetworkCirclesResponse* response) override;
  grpc::ServerUnaryReactor* GetNetworkCircle(grpc::CallbackServerContext* context,
                                             const v1::GetNetworkCircleRequest* request,
                                             v1::GetNetworkCircleResponse* response) override;
  grpc::ServerUnaryReactor* GetCircleNeighbourhood(
      grpc::CallbackServerContext* context, const v1::GetCircleNeighbourhoodRequest* request,
      v1::GetCircleNeighbourhoodResponse* response) override;
  grpc::ServerUnaryReactor* DeclareSisterCircles(
      grpc::CallbackServerContext* context, const v1::DeclareSisterCirclesRequest* request,
      v1::DeclareSisterCirclesResponse* response) override;
  grpc::ServerUnaryReactor* RemoveSisterCircles(grpc::CallbackServerContext* context,
                                                const v1::RemoveSisterCirclesRequest* request,
                                                v1::RemoveSisterCirclesResponse* response) override;
  grpc::ServerUnaryReactor* SuggestCircles(grpc::CallbackServerContext* context,
                                           const v1::SuggestCirclesRequest* request,
                                           v1::SuggestCirclesResponse* response) override;
  grpc::ServerUnaryReactor* SearchExpertise(grpc::CallbackServerContext* context,
                                            const v1::SearchExpertiseRequest* request,
                                            v1::SearchExpertiseResponse* response) override;
  grpc::ServerUnaryReactor* ListPersonalReads(grpc::CallbackServerContext* context,
                                              const v1::ListPersonalReadsRequest* request,
                                              v1::ListPersonalReadsResponse* response) override;
  grpc::ServerUnaryReactor* GetNetworkStats(grpc::CallbackServerContext* context,
                                            const v1::GetNetworkStatsRequest* request,
                                            v1::GetNetworkStatsResponse* response) override;
  grpc::ServerUnaryReactor* GetImpactReport(grpc::CallbackServerContext* context,
                                            const v1::GetImpactReportRequest* request,
                                            v1::GetImpactReportResponse* response) override;
  // A callback-API stream: an open stream holds no thread (common/events/watch.h).
  grpc::ServerWriteReactor<v1::WatchEventsResponse>* WatchEvents(
      grpc::CallbackServerContext* context, const v1::WatchEventsRequest* request) override;

 private:
  absl::Status LoadPage(const v1::ListNetworkCirclesRequest& request, int page_size,
                        const std::optional<CircleKey>& after,
                        v1::ListNetworkCirclesResponse* response);
  absl::Status LoadNeighbourhood(const NeighbourhoodQuery& query,
                                 v1::GetCircleNeighbourhoodResponse* response);
  // The two circles of a sister request, checked, in canonical order.
  absl::StatusOr<std::pair<CircleKey, CircleKey>> SisterRequestPair(const std::string& circle,
                                                                    const std::string& sister);

  const NetworkContext context_;
  const PeerSync* peers_;
  DirectoryStore directory_;
  GraphStore graph_;
  PeopleStore people_;
  LoanStore loans_;
};

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_NETWORK_SERVICE_H_
