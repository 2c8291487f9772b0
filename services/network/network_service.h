// The gRPC adapter of network: the directory queries, read through the cache.
#ifndef CERCLES_SERVICES_NETWORK_NETWORK_SERVICE_H_
#define CERCLES_SERVICES_NETWORK_NETWORK_SERVICE_H_

#include "cercles/network/v1/network.grpc.pb.h"
#include "common/auth/auth.h"
#include "common/storage/database.h"
#include "services/network/directory_cache.h"
#include "services/network/directory_store.h"

namespace cercles::network {

class NetworkService final : public cercles::network::v1::NetworkService::Service {
 public:
  NetworkService(storage::Database* db, const auth::Authorizer* authorizer, DirectoryCache* cache);

  grpc::Status ListNetworkCircles(grpc::ServerContext* context,
                                  const v1::ListNetworkCirclesRequest* request,
                                  v1::ListNetworkCirclesResponse* response) override;
  grpc::Status GetNetworkCircle(grpc::ServerContext* context,
                                const v1::GetNetworkCircleRequest* request,
                                v1::GetNetworkCircleResponse* response) override;

 private:
  absl::Status LoadPage(const v1::ListNetworkCirclesRequest& request, int page_size,
                        const std::optional<CircleKey>& after,
                        v1::ListNetworkCirclesResponse* response);

  storage::Database* db_;
  const auth::Authorizer* authorizer_;
  DirectoryCache* cache_;
  DirectoryStore store_;
};

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_NETWORK_SERVICE_H_
