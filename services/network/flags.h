// Network's flags (defined once in flags.cc, read only by main): the services
// it follows, its outbox poll, the Redis cache and this fund's identity towards
// peer funds. Each value is checked here, so a bad one stops start-up with a
// sentence naming its flag and environment variable.
#ifndef CERCLES_SERVICES_NETWORK_FLAGS_H_
#define CERCLES_SERVICES_NETWORK_FLAGS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/cache/redis_cache.h"
#include "common/server/server.h"
#include "services/network/peer_sync.h"

namespace cercles::network {

struct NetworkFlags {
  std::string membership_address;
  std::string membership_server_name;
  std::string lending_address;  // empty: lending's events are not followed
  std::string lending_server_name;
  absl::Duration outbox_poll;
  absl::Duration cache_ttl;
};

// --membership_address (required), --membership_server_name, --lending_address,
// --lending_server_name, --outbox_poll_ms and --cache_ttl_ms, validated
// (addresses, ranges; --redis_timeout_ms's range too).
absl::StatusOr<NetworkFlags> NetworkFlagsFromFlags();

// The Redis options of --redis_url, --redis_timeout_ms and --redis_pool_size;
// nullopt when --redis_url is empty (no cache).
absl::StatusOr<std::optional<cache::RedisOptions>> RedisOptionsFromFlags();

// From --federation_cert, --federation_key, --federation_ca (default: the
// server's --tls_ca), --federation_refresh_ms and --federation_call_timeout_ms,
// validated (files readable, both or neither of cert and key, ranges).
absl::StatusOr<PeerSyncOptions> PeerSyncOptionsFromFlags(const server::ServerOptions& self);

// The name of network's listener for peer funds ("federation": its flags are
// --federation_listen, --federation_cert, --federation_key, --federation_ca).
inline constexpr char kFederationListener[] = "federation";

// The listener peer funds call FederationService on, from --federation_listen,
// serving --federation_cert/--federation_key (default: --tls_cert/--tls_key)
// to clients whose certificates chain to --federation_ca (default: --tls_ca);
// nullopt when --federation_listen is empty.
absl::StatusOr<std::optional<server::ListenerOptions>> FederationListenerFromFlags(
    const server::ServerOptions& self);

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_FLAGS_H_
