#include "services/network/peer_fund_service.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/api/closed_set.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/events/outbox.h"
#include "common/events/watch.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/util/clock.h"
#include "common/util/crypto.h"
#include "common/util/log.h"
#include "common/util/status.h"
#include "services/network/federation_rules.h"

namespace cercles::network {
namespace {

namespace mv1 = cercles::membership::v1;

// Registry writes serialise on this lock (one active peer per certificate name).
constexpr char kRegistryLock[] = "federation:peers";

int64_t CursorLock(const std::string& peer_fund_id) {
  // The lock EventSubscriber takes before applying the peer's next change.
  return StableHash64(absl::StrCat("cursor:", PeerCursorSource(peer_fund_id)));
}

std::string ChangeName(v1::TransferStatus status) {
  return v1::TransferStatus_Name(status).substr(std::string("TRANSFER_STATUS_").size());
}

// "{after}" page positions of the transfer listing.
absl::StatusOr<int64_t> AfterTransfer(const std::string& token) {
  CERCLES_ASSIGN_OR_RETURN(std::string position, api::DecodePageToken(token));
  if (position.empty()) return 0;
  int64_t id = 0;
  if (!absl::SimpleAtoi(position, &id) || id <= 0) {
    return absl::InvalidArgumentError("page_token is not a token this service issued");
  }
  return id;
}

// May the holder of `scope` see this transfer of fund `fund_id`? An incoming
// one by its receiving circle (one of the fund's), an outgoing one by its
// person ("people/{id}", the fund's; auth::PersonInScope).
absl::StatusOr<bool> TransferInScope(storage::Transaction& tx, const PeopleStore& people,
                                     const std::string& fund_id, const auth::CircleScope& scope,
                                     const v1::MemberTransfer& transfer) {
  if (scope.all()) return true;
  if (transfer.direction() == v1::TRANSFER_DIRECTION_INCOMING) {
    absl::StatusOr<CircleKey> circle = ParseNetworkCircleName(transfer.circle(), "circle");
    return circle.ok() && circle->fund_id == fund_id && scope.Contains(circle->circle_id);
  }
  absl::StatusOr<int64_t> person = api::ParseName(transfer.person(), "people", "person");
  if (!person.ok()) return false;
  CERCLES_ASSIGN_OR_RETURN(auth::PersonPlace place, people.Place(tx, fund_id, *person));
  return auth::PersonInScope(scope, place);
}

}  // namespace

void PeerFundService::ApplyRegistry() const {
  if (absl::Status status = context_.sync->Reconcile(); !status.ok()) {
    log::Warning("cannot apply the peer-fund registry now; the refresher will",
                 {{"error", std::string(status.message())}});
  }
}

grpc::ServerUnaryReactor* PeerFundService::RegisterPeerFund(
    grpc::CallbackServerContext* context, const v1::RegisterPeerFundRequest* request,
    v1::RegisterPeerFundResponse* response) {
  return server::Serve(
      *context_.network.handlers, *context_.network.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(
            v1::PeerFund peer,
            NormalisePeer(request->peer(), context_.network.fund_id, context_.trusted_services));
        peer.set_status(v1::PEER_FUND_STATUS_ACTIVE);
        peer.set_registered_by(who.ToString());
        const absl::Status written =
            RunWrite(context_.network, context, *request, response,
                     [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
                       CERCLES_RETURN_IF_ERROR(tx.LockExclusive(StableHash64(kRegistryLock)));
                       CERCLES_ASSIGN_OR_RETURN(std::optional<v1::PeerFund> existing,
                                                store_.GetPeer(tx, peer.fund_id()));
                       CERCLES_ASSIGN_OR_RETURN(
                           std::optional<v1::PeerFund> same_cn,
                           store_.ActivePeerByCommonName(tx, peer.certificate_common_name()));
                       CERCLES_RETURN_IF_ERROR(CheckPeerRegistrable(peer, existing, same_cn));
                       v1::PeerFund recorded = peer;
                       SetTimestamp(now, recorded.mutable_register_time());
                       CERCLES_RETURN_IF_ERROR(store_.PutPeer(tx, recorded, now));
                       CERCLES_RETURN_IF_ERROR(store_.PutFederationEdge(
                           tx, context_.network.fund_id, recorded.fund_id()));
                       v1::PeerFundRegistered event;
                       *event.mutable_peer() = recorded;
                       CERCLES_RETURN_IF_ERROR(events::AppendEvent(tx, context_.network.fund_id,
                                                                   recorded.name(), event, now)
                                                   .status());
                       CERCLES_RETURN_IF_ERROR(store_.FillSyncState(tx, &recorded));
                       *response->mutable_peer() = std::move(recorded);
                       return absl::OkStatus();
                     });
        if (written.ok()) ApplyRegistry();
        return written;
      });
}

grpc::ServerUnaryReactor* PeerFundService::RevokePeerFund(grpc::CallbackServerContext* context,
                                                          const v1::RevokePeerFundRequest* request,
                                                          v1::RevokePeerFundResponse* response) {
  return server::Serve(
      *context_.network.handlers, *context_.network.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(std::string fund, ParsePeerName(request->name(), "name"));
        CERCLES_ASSIGN_OR_RETURN(
            std::string reason,
            api::CleanText(request->reason(), "reason", api::OneLine(1, kMaxFederationNoteLength)));
        const absl::Status written = RunWrite(
            context_.network, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_RETURN_IF_ERROR(tx.LockExclusive(StableHash64(kRegistryLock)));
              // Waits for a directory change of this peer being applied.
              CERCLES_RETURN_IF_ERROR(tx.LockExclusive(CursorLock(fund)));
              google::protobuf::Timestamp at;
              SetTimestamp(now, &at);
              CERCLES_ASSIGN_OR_RETURN(std::optional<v1::PeerFund> stored,
                                       store_.GetPeer(tx, fund));
              CERCLES_ASSIGN_OR_RETURN(
                  v1::PeerFund peer,
                  DecidePeerRevocation(stored, request->name(), reason, who.ToString(), at));
              CERCLES_RETURN_IF_ERROR(store_.PutPeer(tx, peer, now));
              CERCLES_RETURN_IF_ERROR(
                  store_.ForgetPeerDirectory(tx, context_.network.fund_id, fund));
              v1::PeerFundRevoked event;
              *event.mutable_peer() = peer;
              CERCLES_RETURN_IF_ERROR(
                  events::AppendEvent(tx, context_.network.fund_id, peer.name(), event, now)
                      .status());
              CERCLES_RETURN_IF_ERROR(store_.FillSyncState(tx, &peer));
              *response->mutable_peer() = std::move(peer);
              return absl::OkStatus();
            });
        if (written.ok()) ApplyRegistry();
        return written;
      });
}

grpc::ServerUnaryReactor* PeerFundService::GetPeerFund(grpc::CallbackServerContext* context,
                                                       const v1::GetPeerFundRequest* request,
                                                       v1::GetPeerFundResponse* response) {
  return server::Serve(
      *context_.network.handlers, *context_.network.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(std::string fund, ParsePeerName(request->name(), "name"));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.network.db->Begin(storage::TxMode::kRead));
        CERCLES_ASSIGN_OR_RETURN(std::optional<v1::PeerFund> peer, store_.GetPeer(*tx, fund));
        if (!peer.has_value()) {
          return absl::NotFoundError(
              absl::StrCat("peer fund \"", request->name(), "\" is not registered"));
        }
        CERCLES_RETURN_IF_ERROR(store_.FillSyncState(*tx, &*peer));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        *response->mutable_peer() = *std::move(peer);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PeerFundService::ListPeerFunds(grpc::CallbackServerContext* context,
                                                         const v1::ListPeerFundsRequest* request,
                                                         v1::ListPeerFundsResponse* response) {
  return server::Serve(
      *context_.network.handlers, *context_.network.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int page_size, api::NormalisePageSize(request->page_size()));
        CERCLES_ASSIGN_OR_RETURN(std::string after, api::DecodePageToken(request->page_token()));
        if (!after.empty() && !ValidFundId(after)) {
          return absl::InvalidArgumentError("page_token is not a token this service issued");
        }
        if (!v1::PeerFundStatus_IsValid(request->status())) {
          return absl::InvalidArgumentError("status is not a known PeerFundStatus");
        }
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.network.db->Begin(storage::TxMode::kRead));
        CERCLES_ASSIGN_OR_RETURN(std::vector<v1::PeerFund> peers,
                                 store_.ListPeers(*tx, after, request->status(), page_size + 1));
        api::Page<v1::PeerFund> page = api::TakePage(
            std::move(peers), page_size, [](const v1::PeerFund& peer) { return peer.fund_id(); });
        for (v1::PeerFund& peer : page.rows) {
          CERCLES_RETURN_IF_ERROR(store_.FillSyncState(*tx, &peer));
          *response->add_peers() = std::move(peer);
        }
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::PeerFund> PeerFundService::DialablePeer(const std::string& fund_id) const {
  CERCLES_ASSIGN_OR_RETURN(auto tx, context_.network.db->Begin(storage::TxMode::kRead));
  CERCLES_ASSIGN_OR_RETURN(std::optional<v1::PeerFund> peer, store_.GetPeer(*tx, fund_id));
  CERCLES_RETURN_IF_ERROR(tx->Commit());
  if (!peer.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("peer fund \"", PeerName(fund_id), "\" is not registered"));
  }
  if (peer->status() != v1::PEER_FUND_STATUS_ACTIVE) {
    return absl::FailedPreconditionError(absl::StrCat(peer->name(), " is revoked"));
  }
  return *std::move(peer);
}

absl::StatusOr<v1::TransferCandidate> PeerFundService::Candidate(const std::string& person) const {
  mv1::GetPersonRequest request;
  request.set_name(person);
  mv1::GetPersonResponse response;
  grpc::ClientContext call;
  call.set_deadline(absl::ToChronoTime(absl::Now() + context_.membership_timeout));
  grpc::Status status = context_.people->GetPerson(&call, request, &response);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return absl::NotFoundError(absl::StrCat("person \"", person, "\" does not exist"));
  }
  if (!status.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot read ", person, " from membership: ", status.error_message()));
  }
  return CandidateFromPerson(response.person());
}

grpc::ServerUnaryReactor* PeerFundService::SendMemberTransfer(
    grpc::CallbackServerContext* context, const v1::SendMemberTransferRequest* request,
    v1::SendMemberTransferResponse* response) {
  return server::Serve(
      *context_.network.handlers, *context_.network.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(int64_t person_id,
                                 api::ParseName(request->person(), "people", "person"));
        CERCLES_ASSIGN_OR_RETURN(std::string fund, ParsePeerName(request->peer(), "peer"));
        CERCLES_ASSIGN_OR_RETURN(CircleKey key,
                                 ParseNetworkCircleName(request->circle(), "circle"));
        if (key.fund_id != fund) {
          return absl::InvalidArgumentError(absl::StrCat(
              "circle must be one of ", fund, "'s circles (\"funds/", fund, "/circles/{id}\")"));
        }
        // A retry after the peer answered must not propose twice: answer it
        // from the first answer.
        CERCLES_ASSIGN_OR_RETURN(
            bool replayed, service::AnswerReplay(context_.network, context, *request, response));
        if (replayed) return absl::OkStatus();
        CERCLES_ASSIGN_OR_RETURN(v1::PeerFund peer, DialablePeer(fund));
        {
          CERCLES_ASSIGN_OR_RETURN(auto tx, context_.network.db->Begin(storage::TxMode::kRead));
          CERCLES_ASSIGN_OR_RETURN(std::optional<v1::NetworkCircle> circle,
                                   directory_.Get(*tx, key));
          CERCLES_RETURN_IF_ERROR(tx->Commit());
          if (!circle.has_value()) {
            return absl::NotFoundError(absl::StrCat("circle \"", request->circle(),
                                                    "\" is not in this fund's copy of ", fund,
                                                    "'s directory"));
          }
          if (!AcceptsMembers(circle->status()) || circle->open_seats() <= 0) {
            return absl::FailedPreconditionError(
                absl::StrCat(request->circle(), " does not take in members now (",
                             circle->open_seats(), " seats left)"));
          }
        }
        // Nothing leaves this fund without the person's consent.
        CERCLES_ASSIGN_OR_RETURN(v1::TransferCandidate candidate, Candidate(request->person()));
        CERCLES_ASSIGN_OR_RETURN(auto stub, context_.sync->Dial(peer));
        v1::ProposeMemberTransferRequest proposal;
        // The peer keeps request ids per proposing fund, at most 64 characters.
        proposal.set_request_id(Sha256Hex(request->request_id()).substr(0, 64));
        proposal.set_circle(request->circle());
        *proposal.mutable_candidate() = candidate;
        proposal.set_person(NetworkPersonName(context_.network.fund_id, person_id));
        v1::ProposeMemberTransferResponse proposed;
        grpc::Status sent =
            stub->ProposeMemberTransfer(context_.sync->CallContext().get(), proposal, &proposed);
        if (!sent.ok()) {
          absl::Status peer_status = FromGrpcStatus(sent);
          return absl::Status(
              peer_status.code(),
              absl::StrCat(fund, " did not take the proposal: ", peer_status.message()));
        }
        v1::MemberTransfer transfer;
        transfer.set_direction(v1::TRANSFER_DIRECTION_OUTGOING);
        transfer.set_peer_fund_id(fund);
        transfer.set_circle(request->circle());
        *transfer.mutable_candidate() = std::move(candidate);
        transfer.set_person(request->person());
        transfer.set_status(proposed.transfer().status());
        transfer.set_remote_name(proposed.transfer().name());
        return RunWrite(context_.network, context, *request, response,
                        [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
                          CERCLES_ASSIGN_OR_RETURN(v1::MemberTransfer stored,
                                                   store_.InsertTransfer(tx, transfer, now));
                          v1::MemberTransferChanged event;
                          *event.mutable_transfer() = stored;
                          api::SetClosedSet(&event, "change", "change_kind", "SENT");
                          CERCLES_RETURN_IF_ERROR(events::AppendEvent(tx, context_.network.fund_id,
                                                                      stored.name(), event, now)
                                                      .status());
                          *response->mutable_transfer() = std::move(stored);
                          return absl::OkStatus();
                        });
      });
}

grpc::ServerUnaryReactor* PeerFundService::ListMemberTransfers(
    grpc::CallbackServerContext* context, const v1::ListMemberTransfersRequest* request,
    v1::ListMemberTransfersResponse* response) {
  return server::Serve(
      *context_.network.handlers, *context_.network.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int page_size, api::NormalisePageSize(request->page_size()));
        CERCLES_ASSIGN_OR_RETURN(int64_t after, AfterTransfer(request->page_token()));
        if (!v1::TransferDirection_IsValid(request->direction())) {
          return absl::InvalidArgumentError("direction is not a known TransferDirection");
        }
        if (!v1::TransferStatus_IsValid(request->status())) {
          return absl::InvalidArgumentError("status is not a known TransferStatus");
        }
        if (!request->peer_fund_id().empty()) {
          CERCLES_RETURN_IF_ERROR(CheckFundId(request->peer_fund_id(), "peer_fund_id"));
        }
        TransferFilter filter;
        filter.direction = request->direction();
        filter.status = request->status();
        filter.peer_fund_id = request->peer_fund_id();
        auto transfer_id = [](const v1::MemberTransfer& t) {
          return api::ParseName(t.name(), "transfers", "name").value_or(0);
        };
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.network.db->Begin(storage::TxMode::kRead));
        CERCLES_ASSIGN_OR_RETURN(auth::CircleScope scope,
                                 people_.ReadScope(*tx, context_.network.fund_id, who));
        // An advisor's transfers are those of their scope; they are picked out
        // while reading, batch after batch, so that a page is only short at the
        // end of the listing.
        std::vector<v1::MemberTransfer> transfers;
        for (int64_t cursor = after; static_cast<int>(transfers.size()) <= page_size;) {
          CERCLES_ASSIGN_OR_RETURN(std::vector<v1::MemberTransfer> batch,
                                   store_.ListTransfers(*tx, filter, cursor, page_size + 1));
          for (v1::MemberTransfer& t : batch) {
            CERCLES_ASSIGN_OR_RETURN(
                bool visible, TransferInScope(*tx, people_, context_.network.fund_id, scope, t));
            if (visible && static_cast<int>(transfers.size()) <= page_size) {
              transfers.push_back(std::move(t));
            }
          }
          if (static_cast<int>(batch.size()) <= page_size) break;  // the last batch
          cursor = transfer_id(batch.back());
        }
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        api::Page<v1::MemberTransfer> page =
            api::TakePage(std::move(transfers), page_size, transfer_id);
        for (v1::MemberTransfer& t : page.rows) *response->add_transfers() = std::move(t);
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      });
}

absl::Status PeerFundService::Decide(grpc::ServerContextBase* call, const std::string& request_id,
                                     const google::protobuf::Message& request,
                                     google::protobuf::Message* response, const std::string& name,
                                     const std::string& note, v1::TransferStatus to,
                                     const auth::Principal& who,
                                     const std::function<v1::MemberTransfer*()>& out) {
  CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(name, "transfers", "name"));
  CERCLES_ASSIGN_OR_RETURN(std::string clean,
                           api::CleanText(note, "note",
                                          api::MultiLine(to == v1::TRANSFER_STATUS_REFUSED ? 1 : 0,
                                                         kMaxFederationNoteLength)));
  return RunWrite(
      context_.network, call, request, response,
      [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(tx.LockExclusive(StableHash64(name)));
        CERCLES_ASSIGN_OR_RETURN(std::optional<v1::MemberTransfer> transfer,
                                 store_.GetTransfer(tx, id));
        if (!transfer.has_value()) {
          return absl::NotFoundError(absl::StrCat("transfer \"", name, "\" does not exist"));
        }
        if (transfer->direction() != v1::TRANSFER_DIRECTION_INCOMING) {
          return absl::FailedPreconditionError(
              absl::StrCat(name, " was proposed by this fund: the receiving fund decides on it"));
        }
        if (transfer->status() != v1::TRANSFER_STATUS_PROPOSED) {
          return absl::FailedPreconditionError(
              absl::StrCat(name, " is already ", ChangeName(transfer->status()), ": decided once"));
        }
        if (to == v1::TRANSFER_STATUS_ACCEPTED) {
          CERCLES_ASSIGN_OR_RETURN(CircleKey key,
                                   ParseNetworkCircleName(transfer->circle(), "circle"));
          CERCLES_ASSIGN_OR_RETURN(std::optional<v1::NetworkCircle> circle,
                                   directory_.Get(tx, key));
          if (!circle.has_value() || !AcceptsMembers(circle->status()) ||
              circle->open_seats() <= 0) {
            return absl::FailedPreconditionError(
                absl::StrCat(transfer->circle(),
                             " does not take in members now: refuse the transfer or "
                             "wait for a seat"));
          }
        }
        transfer->set_status(to);
        transfer->set_decision_note(clean);
        transfer->set_decided_by(who.ToString());
        SetTimestamp(now, transfer->mutable_decide_time());
        CERCLES_RETURN_IF_ERROR(store_.UpdateTransfer(tx, id, *transfer, now));
        v1::MemberTransferChanged event;
        *event.mutable_transfer() = *transfer;
        api::SetClosedSet(&event, "change", "change_kind", ChangeName(to));
        CERCLES_RETURN_IF_ERROR(
            events::AppendEvent(tx, context_.network.fund_id, name, event, now).status());
        *out() = *std::move(transfer);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PeerFundService::AcceptMemberTransfer(
    grpc::CallbackServerContext* context, const v1::AcceptMemberTransferRequest* request,
    v1::AcceptMemberTransferResponse* response) {
  return server::Serve(*context_.network.handlers, *context_.network.authorizer, context, *request,
                       response, [=](const auth::Principal& who) {
                         return Decide(context, request->request_id(), *request, response,
                                       request->name(), request->note(),
                                       v1::TRANSFER_STATUS_ACCEPTED, who,
                                       [response] { return response->mutable_transfer(); });
                       });
}

grpc::ServerUnaryReactor* PeerFundService::RefuseMemberTransfer(
    grpc::CallbackServerContext* context, const v1::RefuseMemberTransferRequest* request,
    v1::RefuseMemberTransferResponse* response) {
  return server::Serve(*context_.network.handlers, *context_.network.authorizer, context, *request,
                       response, [=](const auth::Principal& who) {
                         return Decide(context, request->request_id(), *request, response,
                                       request->name(), request->note(),
                                       v1::TRANSFER_STATUS_REFUSED, who,
                                       [response] { return response->mutable_transfer(); });
                       });
}

}  // namespace cercles::network
