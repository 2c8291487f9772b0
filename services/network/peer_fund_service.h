// The gRPC adapter of PeerFundService: this fund's admins register and revoke
// peer funds, propose their people to peers' circles (with consent only), and
// decide on the transfers peers propose.
#ifndef CERCLES_SERVICES_NETWORK_PEER_FUND_SERVICE_H_
#define CERCLES_SERVICES_NETWORK_PEER_FUND_SERVICE_H_

#include <functional>

#include "cercles/network/v1/federation.grpc.pb.h"
#include "services/network/directory_store.h"
#include "services/network/federation_context.h"
#include "services/network/federation_store.h"
#include "services/network/people_store.h"

namespace cercles::network {

class PeerFundService final : public v1::PeerFundService::CallbackService {
 public:
  explicit PeerFundService(const FederationContext& context) : context_(context) {}

  grpc::ServerUnaryReactor* RegisterPeerFund(grpc::CallbackServerContext* context,
                                             const v1::RegisterPeerFundRequest* request,
                                             v1::RegisterPeerFundResponse* response) override;
  grpc::ServerUnaryReactor* RevokePeerFund(grpc::CallbackServerContext* context,
                                           const v1::RevokePeerFundRequest* request,
                                           v1::RevokePeerFundResponse* response) override;
  grpc::ServerUnaryReactor* GetPeerFund(grpc::CallbackServerContext* context,
                                        const v1::GetPeerFundRequest* request,
                                        v1::GetPeerFundResponse* response) override;
  grpc::ServerUnaryReactor* ListPeerFunds(grpc::CallbackServerContext* context,
                                          const v1::ListPeerFundsRequest* request,
                                          v1::ListPeerFundsResponse* response) override;
  grpc::ServerUnaryReactor* SendMemberTransfer(grpc::CallbackServerContext* context,
                                               const v1::SendMemberTransferRequest* request,
                                               v1::SendMemberTransferResponse* response) override;
  grpc::ServerUnaryReactor* ListMemberTransfers(grpc::CallbackServerContext* context,
                                                const v1::ListMemberTransfersRequest* request,
                                                v1::ListMemberTransfersResponse* response) override;
  grpc::ServerUnaryReactor* AcceptMemberTransfer(
      grpc::CallbackServerContext* context, const v1::AcceptMemberTransferRequest* request,
      v1::AcceptMemberTransferResponse* response) override;
  grpc::ServerUnaryReactor* RefuseMemberTransfer(
      grpc::CallbackServerContext* context, const v1::RefuseMemberTransferRequest* request,
      v1::RefuseMemberTransferResponse* response) override;

 private:
  // Applies a registry change to the running process at once (the refresher
  // would within a period; a revoked peer's next call must already fail).
  void ApplyRegistry() const;
  // An active peer this fund can call, or why not.
  absl::StatusOr<v1::PeerFund> DialablePeer(const std::string& fund_id) const;
  // The person's shareable fields from membership (FAILED_PRECONDITION
  // without their consent).
  absl::StatusOr<v1::TransferCandidate> Candidate(const std::string& person) const;
  // Accept or refuse: the incoming transfer must still be PROPOSED. `out`
  // gives the response's transfer once the write runs (the write clears the
  // response first, so no pointer into it may be taken earlier).
  absl::Status Decide(grpc::ServerContextBase* call, const std::string& request_id,
                      const google::protobuf::Message& request, google::protobuf::Message* response,
                      const std::string& name, const std::string& note, v1::TransferStatus to,
                      const auth::Principal& who, const std::function<v1::MemberTransfer*()>& out);

  const FederationContext context_;
  DirectoryStore directory_;
  FederationStore store_;
  PeopleStore people_;
};

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_PEER_FUND_SERVICE_H_
