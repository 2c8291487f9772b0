// The gRPC adapter of FederationService: what registered peer funds may call
// (this fund's directory and its changes, its aggregate statistics, member
// transfer proposals). Every answer goes through the sensitive-field redaction.
#ifndef CERCLES_SERVICES_NETWORK_FEDERATION_SERVICE_H_
#define CERCLES_SERVICES_NETWORK_FEDERATION_SERVICE_H_

#include <vector>

#include "cercles/network/v1/federation.grpc.pb.h"
#include "services/network/directory_store.h"
#include "services/network/federation_context.h"
#include "services/network/federation_store.h"
#include "services/network/loan_store.h"
#include "services/network/outcome_store.h"

namespace cercles::network {

class FederationService final : public v1::FederationService::CallbackService {
 public:
  explicit FederationService(const FederationContext& context) : context_(context) {}

  grpc::ServerUnaryReactor* ListDirectory(grpc::CallbackServerContext* context,
                                          const v1::ListDirectoryRequest* request,
                                          v1::ListDirectoryResponse* response) override;
  // A callback-API stream: an open stream holds no thread (common/events/watch.h).
  grpc::ServerWriteReactor<v1::WatchDirectoryResponse>* WatchDirectory(
      grpc::CallbackServerContext* context, const v1::WatchDirectoryRequest* request) override;
  grpc::ServerUnaryReactor* GetFederationStats(grpc::CallbackServerContext* context,
                                               const v1::GetFederationStatsRequest* request,
                                               v1::GetFederationStatsResponse* response) override;
  grpc::ServerUnaryReactor* GetImpactAggregates(grpc::CallbackServerContext* context,
                                                const v1::GetImpactAggregatesRequest* request,
                                                v1::GetImpactAggregatesResponse* response) override;
  grpc::ServerUnaryReactor* ProposeMemberTransfer(
      grpc::CallbackServerContext* context, const v1::ProposeMemberTransferRequest* request,
      v1::ProposeMemberTransferResponse* response) override;
  grpc::ServerUnaryReactor* GetProposedTransfer(grpc::CallbackServerContext* context,
                                                const v1::GetProposedTransferRequest* request,
                                                v1::GetProposedTransferResponse* response) override;
  grpc::ServerUnaryReactor* WithdrawTransferConsent(
      grpc::CallbackServerContext* context, const v1::WithdrawTransferConsentRequest* request,
      v1::WithdrawTransferConsentResponse* response) override;

 private:
  // The registered, active peer calling (by its certificate's common name).
  absl::StatusOr<v1::PeerFund> CallingPeer(const auth::Principal& who) const;
  // The directory's changes after `after`, as the peer may receive them; fails
  // once the calling peer is revoked, which ends its stream.
  absl::StatusOr<std::vector<v1::WatchDirectoryResponse>> DirectoryChangesFor(
      const grpc::CallbackServerContext& context, const v1::WatchDirectoryRequest& request,
      int64_t after) const;

  const FederationContext context_;
  DirectoryStore directory_;
  FederationStore store_;
  LoanStore loans_;
};

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_FEDERATION_SERVICE_H_
