// The peers' side of a report with include_peers (issue 15, item 5): every
// active peer fund's impact aggregates, asked of its network at request time,
// all peers at once, each call with the federation's deadline
// (--federation_call_timeout_ms). A peer that does not answer is listed as
// missing with a reason, never an error of the report.
#ifndef CERCLES_SERVICES_NETWORK_PEER_IMPACT_H_
#define CERCLES_SERVICES_NETWORK_PEER_IMPACT_H_

#include "absl/status/status.h"
#include "cercles/network/v1/reports.pb.h"
#include "services/network/peer_sync.h"

namespace cercles::network {

// Adds each active peer's rows to `report` (this fund's own, as built), or
// lists the peer in missing_funds, then the network rows (AddNetworkRows).
// Fails only when the registry cannot be read.
absl::Status AddPeerImpact(const PeerSync& peers, bool by_region,
                           v1::GetImpactReportResponse& report);

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_PEER_IMPACT_H_
