#include "services/network/federation_service.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/api/closed_set.h"
#include "common/api/date.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/events/outbox.h"
#include "common/idempotency/idempotency.h"
#include "common/redaction/redaction.h"
#include "common/server/handler.h"
#include "common/service/erasure.h"
#include "common/util/status.h"
#include "services/network/federation_rules.h"
#include "services/network/impact_federation_rules.h"
#include "services/network/impact_rules.h"
#include "services/network/stats_rules.h"

namespace cercles::network {
namespace {

// How many change sequences one read of the directory stream takes.
constexpr int kSequencesPerRead = 256;
// Peers' request ids are recorded as "{fund_id}:{request_id}" (at most 128).
constexpr size_t kMaxPeerRequestIdLength = 64;
// What a withdrawal of the consent to share with other funds rewrites.
const std::vector<std::string> kCandidateTables = {"federation_transfers", "outbox",
                                                   "idempotency_keys"};

// A peer's request ids are kept per peer, and shorter than staff's.
absl::Status ValidatePeerRequestId(const std::string& request_id) {
  CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  if (request_id.size() > kMaxPeerRequestIdLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("request_id must be at most ", kMaxPeerRequestIdLength, " characters here"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::PeerFund> FederationService::CallingPeer(const auth::Principal& who) const {
  CERCLES_ASSIGN_OR_RETURN(auto tx, context_.network.db->Begin(storage::TxMode::kRead));
  CERCLES_ASSIGN_OR_RETURN(std::optional<v1::PeerFund> peer,
                           store_.ActivePeerByCommonName(*tx, who.name));
  CERCLES_RETURN_IF_ERROR(tx->Commit());
  if (!peer.has_value()) {
    // The Authenticator let it in a moment before a revocation committed.
    return absl::UnauthenticatedError(absl::StrCat("the client certificate \"", who.name,
                                                   "\" is not a registered peer fund any more"));
  }
  return *std::move(peer);
}

grpc::ServerUnaryReactor* FederationService::ListDirectory(grpc::CallbackServerContext* context,
                                                           const v1::ListDirectoryRequest* request,
                                                           v1::ListDirectoryResponse* response) {
  return server::Serve(
      *context_.network.handlers, *context_.network.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int page_size, api::NormalisePageSize(request->page_size()));
        CERCLES_ASSIGN_OR_RETURN(std::string position, api::DecodePageToken(request->page_token()));
        std::optional<CircleKey> after;
        if (!position.empty()) {
          int64_t id = 0;
          if (!absl::SimpleAtoi(position, &id) || id <= 0) {
            return absl::InvalidArgumentError("page_token is not a token this service issued");
          }
          after = CircleKey{context_.network.fund_id, id};
        }
        // Only this fund's circles: what it knows of other funds is theirs to share.
        v1::ListNetworkCirclesRequest filter;
        filter.set_fund_id(context_.network.fund_id);
        filter.set_status(request->status());
        filter.set_region(request->region());
        filter.set_has_room(request->has_room());
        CERCLES_RETURN_IF_ERROR(ValidateListFilter(filter));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.network.db->Begin(storage::TxMode::kRead));
        CERCLES_ASSIGN_OR_RETURN(int64_t head, store_.DirectoryHead(*tx, context_.network.fund_id));
        CERCLES_ASSIGN_OR_RETURN(std::vector<v1::NetworkCircle> circles,
                                 directory_.List(*tx, filter, after, page_size + 1));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        api::Page<v1::NetworkCircle> page =
            api::TakePage(std::move(circles), page_size, [](const v1::NetworkCircle& c) {
              absl::StatusOr<CircleKey> key = ParseNetworkCircleName(c.name(), "name");
              return key.ok() ? key->circle_id : 0;
            });
        for (v1::NetworkCircle& c : page.rows) *response->add_circles() = std::move(c);
        response->set_next_page_token(page.next_page_token);
        response->set_sequence(head);
        return absl::OkStatus();
      });
}

absl::StatusOr<std::vector<v1::WatchDirectoryResponse>> FederationService::DirectoryChangesFor(
    const grpc::CallbackServerContext& context, const v1::WatchDirectoryRequest& request,
    int64_t after) const {
  // A peer revoked while it streams loses the stream at the next read.
  CERCLES_RETURN_IF_ERROR(context_.network.authorizer->Check(context, request).status());
  CERCLES_ASSIGN_OR_RETURN(auto tx, context_.network.db->Begin(storage::TxMode::kRead));
  CERCLES_ASSIGN_OR_RETURN(
      std::vector<v1::WatchDirectoryResponse> changes,
      store_.DirectoryChanges(*tx, context_.network.fund_id, after, kSequencesPerRead));
  CERCLES_RETURN_IF_ERROR(tx->Commit());
  for (v1::WatchDirectoryResponse& change : changes) redaction::RedactSensitive(&change);
  return changes;
}

grpc::ServerWriteReactor<v1::WatchDirectoryResponse>* FederationService::WatchDirectory(
    grpc::CallbackServerContext* context, const v1::WatchDirectoryRequest* request) {
  using Stream = events::NotifiedStream<v1::WatchDirectoryResponse>;
  if (absl::Status allowed = context_.network.authorizer->Check(*context, *request).status();
      !allowed.ok()) {
    return new events::RefusedStream<v1::WatchDirectoryResponse>(allowed);
  }
  if (request->after_sequence() < 0) {
    return new events::RefusedStream<v1::WatchDirectoryResponse>(
        absl::InvalidArgumentError("after_sequence must be 0 or a sequence received before"));
  }
  // Directory changes arrive with membership's events, which do not notify:
  // the notifier's periodic re-check wakes the stream for them.
  return new Stream(
      context_.network.notifier, context_.network.stopping, request->after_sequence(),
      [this, context, request = *request](int64_t after) {
        return DirectoryChangesFor(*context, request, after);
      },
      [](const v1::WatchDirectoryResponse& change) { return change.sequence(); },
      /*drained=*/grpc::Status::OK);  // as it always ended: the peer reconnects
}

grpc::ServerUnaryReactor* FederationService::GetFederationStats(
    grpc::CallbackServerContext* context, const v1::GetFederationStatsRequest* request,
    v1::GetFederationStatsResponse* response) {
  return server::Serve(
      *context_.network.handlers, *context_.network.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        const std::string& fund = context_.network.fund_id;
        absl::CivilDay as_of = absl::ToCivilDay(context_.network.clock->Now(), absl::UTCTimeZone());
        if (request->has_as_of()) {
          CERCLES_ASSIGN_OR_RETURN(as_of, api::DayFromDate(request->as_of(), "as_of"));
        }
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.network.db->Begin(storage::TxMode::kRead));
        CERCLES_ASSIGN_OR_RETURN(std::vector<RegionFigures> figures,
                                 loans_.Figures(*tx, fund, as_of));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        StatsTables tables = BuildStats(figures, request->by_region());
        *response->mutable_as_of() = api::DateFromDay(as_of);
        response->mutable_fund()->set_fund_id(fund);
        for (v1::NetworkStats& row : tables.funds) {
          if (row.fund_id() == fund) *response->mutable_fund() = std::move(row);
        }
        for (v1::NetworkStats& row : tables.regions) {
          if (row.fund_id() == fund) *response->add_regions() = std::move(row);
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* FederationService::GetImpactAggregates(
    grpc::CallbackServerContext* context, const v1::GetImpactAggregatesRequest* request,
    v1::GetImpactAggregatesResponse* response) {
  return server::Serve(
      *context_.network.handlers, *context_.network.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        const std::string& fund = context_.network.fund_id;
        // The same checks and figures as this fund's own GetImpactReport.
        v1::GetImpactReportRequest own;
        own.set_fund_id(fund);
        if (request->has_from_date()) *own.mutable_from_date() = request->from_date();
        if (request->has_to_date()) *own.mutable_to_date() = request->to_date();
        own.set_grain(request->grain());
        own.set_by_region(request->by_region());
        CERCLES_ASSIGN_OR_RETURN(
            ImpactRange range,
            CheckImpactRequest(
                own, absl::ToCivilDay(context_.network.clock->Now(), absl::UTCTimeZone())));
        CERCLES_ASSIGN_OR_RETURN(v1::GetImpactReportResponse own_report,
                                 ReadImpactReport(*context_.network.db, range, fund));
        *response = ImpactAggregatesFor(own_report);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* FederationService::ProposeMemberTransfer(
    grpc::CallbackServerContext* context, const v1::ProposeMemberTransferRequest* request,
    v1::ProposeMemberTransferResponse* response) {
  return server::Serve(
      *context_.network.handlers, *context_.network.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(ValidatePeerRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(v1::PeerFund peer, CallingPeer(who));
        CERCLES_ASSIGN_OR_RETURN(CircleKey key,
                                 ParseNetworkCircleName(request->circle(), "circle"));
        if (key.fund_id != context_.network.fund_id) {
          return absl::InvalidArgumentError(
              absl::StrCat("circle must be one of ", context_.network.fund_id,
                           "'s circles (\"funds/", context_.network.fund_id, "/circles/{id}\")"));
        }
        // Consent first: without it nothing of the person is kept, not even
        // the request's idempotency record.
        CERCLES_ASSIGN_OR_RETURN(v1::TransferCandidate candidate,
                                 ValidateCandidate(request->candidate(), "candidate"));
        if (!request->person().empty()) {
          absl::StatusOr<int64_t> id = api::ParseName(
              request->person(), absl::StrCat("funds/", peer.fund_id(), "/people"), "person");
          if (!id.ok()) return id.status();
        }
        v1::MemberTransfer transfer;
        transfer.set_direction(v1::TRANSFER_DIRECTION_INCOMING);
        transfer.set_peer_fund_id(peer.fund_id());
        transfer.set_circle(NetworkCircleName(key));
        *transfer.mutable_candidate() = std::move(candidate);
        transfer.set_person(request->person());
        transfer.set_status(v1::TRANSFER_STATUS_PROPOSED);
        // Request ids are the peer's own: recorded under its fund id.
        return RunWrite(
            context_.network, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(std::optional<v1::NetworkCircle> circle,
                                       directory_.Get(tx, key));
              CERCLES_RETURN_IF_ERROR(
                  CheckCircleTakesTransfer(circle, request->circle(), context_.network.fund_id));
              CERCLES_ASSIGN_OR_RETURN(v1::MemberTransfer stored,
                                       store_.InsertTransfer(tx, transfer, now));
              v1::MemberTransferChanged event;
              *event.mutable_transfer() = stored;
              api::SetClosedSet(&event, "change", "change_kind", "PROPOSED");
              CERCLES_RETURN_IF_ERROR(
                  events::AppendEvent(tx, context_.network.fund_id, stored.name(), event, now)
                      .status());
              *response->mutable_transfer() = std::move(stored);
              return absl::OkStatus();
            },
            peer.fund_id());
      });
}

grpc::ServerUnaryReactor* FederationService::GetProposedTransfer(
    grpc::CallbackServerContext* context, const v1::GetProposedTransferRequest* request,
    v1::GetProposedTransferResponse* response) {
  return server::Serve(
      *context_.network.handlers, *context_.network.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(v1::PeerFund peer, CallingPeer(who));
        CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request->name(), "transfers", "name"));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.network.db->Begin(storage::TxMode::kRead));
        CERCLES_ASSIGN_OR_RETURN(std::optional<v1::MemberTransfer> transfer,
                                 store_.GetTransfer(*tx, id));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        CERCLES_RETURN_IF_ERROR(
            CheckTransferVisibleToPeer(transfer, peer.fund_id(), request->name()));
        *response->mutable_transfer() = *std::move(transfer);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* FederationService::WithdrawTransferConsent(
    grpc::CallbackServerContext* context, const v1::WithdrawTransferConsentRequest* request,
    v1::WithdrawTransferConsentResponse* response) {
  return server::Serve(
      *context_.network.handlers, *context_.network.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(ValidatePeerRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(v1::PeerFund peer, CallingPeer(who));
        CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request->name(), "transfers", "name"));
        absl::Status written = RunWrite(
            context_.network, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(std::optional<v1::MemberTransfer> transfer,
                                       store_.GetTransfer(tx, id));
              CERCLES_RETURN_IF_ERROR(
                  CheckTransferVisibleToPeer(transfer, peer.fund_id(), request->name()));
              if (transfer->has_candidate()) {  // not cleared yet
                // Nor kept in this fund's earlier events and stored answers
                // (the proposal's, with the candidate as received).
                CERCLES_RETURN_IF_ERROR(
                    service::ScrubPersonRecords(
                        tx, TransferCandidateErasure(0, {transfer->name(), transfer->person()}))
                        .status());
                transfer->clear_candidate();
                if (transfer->status() == v1::TRANSFER_STATUS_PROPOSED) {
                  transfer->set_status(v1::TRANSFER_STATUS_CONSENT_WITHDRAWN);
                }
                CERCLES_RETURN_IF_ERROR(store_.UpdateTransfer(tx, id, *transfer, now));
                v1::MemberTransferChanged event;
                *event.mutable_transfer() = *transfer;
                api::SetClosedSet(&event, "change", "change_kind", "CONSENT_WITHDRAWN");
                CERCLES_RETURN_IF_ERROR(
                    events::AppendEvent(tx, context_.network.fund_id, transfer->name(), event, now)
                        .status());
              }
              *response->mutable_transfer() = *std::move(transfer);
              return absl::OkStatus();
            },
            peer.fund_id());
        // The freed bytes of the candidate too (SQLite's WAL, PostgreSQL's dead rows).
        if (written.ok()) service::ReclaimAfterErasure(*context_.network.db, kCandidateTables);
        return written;
      });
}

}  // namespace cercles::network
