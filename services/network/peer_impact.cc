#include "services/network/peer_impact.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/blocking_counter.h"
#include "common/util/log.h"
#include "common/util/status_macros.h"
#include "services/network/impact_federation_rules.h"

namespace cercles::network {
namespace {

// One peer's call, alive until every call has ended.
struct PeerCall {
  v1::PeerFund peer;
  std::shared_ptr<v1::FederationService::Stub> stub;
  std::unique_ptr<grpc::ClientContext> context;
  v1::GetImpactAggregatesResponse answer;
  grpc::Status status;
  v1::MissingFundReason missing = v1::MISSING_FUND_REASON_UNSPECIFIED;
};

v1::MissingFundReason ReasonOf(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::CANCELLED:
      return v1::MISSING_FUND_REASON_UNAVAILABLE;
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
      return v1::MISSING_FUND_REASON_REFUSED;
    default:
      return v1::MISSING_FUND_REASON_ERROR;
  }
}

}  // namespace

absl::Status AddPeerImpact(const PeerSync& peers, bool by_region,
                           v1::GetImpactReportResponse& report) {
  CERCLES_ASSIGN_OR_RETURN(std::vector<v1::PeerFund> active, peers.ActivePeers());
  v1::GetImpactAggregatesRequest request;
  *request.mutable_from_date() = report.from_date();
  *request.mutable_to_date() = report.to_date();
  request.set_grain(report.grain());
  request.set_by_region(by_region);

  std::vector<PeerCall> calls(active.size());
  for (size_t i = 0; i < active.size(); ++i) {
    calls[i].peer = std::move(active[i]);
    absl::StatusOr<std::shared_ptr<v1::FederationService::Stub>> stub =
        calls[i].peer.address().empty() ? absl::FailedPreconditionError("no address")
                                        : peers.Dial(calls[i].peer);
    if (stub.ok()) {
      calls[i].stub = *std::move(stub);
    } else {
      calls[i].missing = v1::MISSING_FUND_REASON_NOT_CALLABLE;
    }
  }
  // Every peer at once: the report waits for the slowest, at most the deadline.
  int to_call = 0;
  for (const PeerCall& call : calls) to_call += call.stub != nullptr ? 1 : 0;
  absl::BlockingCounter pending(to_call);
  for (PeerCall& call : calls) {
    if (call.stub == nullptr) continue;
    call.context = peers.CallContext();
    call.stub->async()->GetImpactAggregates(call.context.get(), &request, &call.answer,
                                            [&call, &pending](grpc::Status status) {
                                              call.status = std::move(status);
                                              pending.DecrementCount();
                                            });
  }
  pending.Wait();

  const std::string currency = ImpactCurrency(report);
  for (PeerCall& call : calls) {
    const std::string& fund = call.peer.fund_id();
    if (call.missing == v1::MISSING_FUND_REASON_UNSPECIFIED && !call.status.ok()) {
      call.missing = ReasonOf(call.status);
    }
    if (call.missing == v1::MISSING_FUND_REASON_UNSPECIFIED &&
        !CheckPeerImpact(fund, report, call.answer, currency).ok()) {
      call.missing = v1::MISSING_FUND_REASON_INVALID_ANSWER;
    }
    if (call.missing != v1::MISSING_FUND_REASON_UNSPECIFIED) {
      // The peer's message stays out of the log: its code and the reason say enough.
      log::Warning("impact report: a peer fund's figures are missing",
                   {{"peer_fund_id", fund},
                    {"code", std::to_string(static_cast<int>(call.status.error_code()))},
                    {"reason", v1::MissingFundReason_Name(call.missing)}});
      v1::MissingFund& missing = *report.add_missing_funds();
      missing.set_fund_id(fund);
      missing.set_reason(call.missing);
      continue;
    }
    for (v1::ImpactFigures& row : *call.answer.mutable_periods()) {
      *report.add_periods() = std::move(row);
    }
    for (v1::ImpactFigures& row : *call.answer.mutable_totals()) {
      *report.add_totals() = std::move(row);
    }
    for (v1::CohortSurvival& cohort : *call.answer.mutable_cohorts()) {
      *report.add_cohorts() = std::move(cohort);
    }
  }
  AddNetworkRows(report);
  return absl::OkStatus();
}

}  // namespace cercles::network
