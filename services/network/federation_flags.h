// The federation's flags (defined once here, read only by main): this fund's
// identity towards peer funds and how often the peer registry is re-read.
#ifndef CERCLES_SERVICES_NETWORK_FEDERATION_FLAGS_H_
#define CERCLES_SERVICES_NETWORK_FEDERATION_FLAGS_H_

#include "absl/status/statusor.h"
#include "common/server/server.h"
#include "services/network/peer_sync.h"

namespace cercles::network {

// From --federation_cert, --federation_key, --federation_ca (default: the
// server's --tls_ca), --federation_refresh_ms and --federation_call_timeout_ms,
// validated (files readable, both or neither of cert and key, ranges).
absl::StatusOr<PeerSyncOptions> PeerSyncOptionsFromFlags(const server::ServerOptions& self);

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_FEDERATION_FLAGS_H_
