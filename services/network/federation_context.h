// What the federation's services are built from: network's context, the
// running peer registry and directory sync, the names of this deployment's own
// services (a peer may never take one) and membership's people API (to read
// a person's consent before a transfer leaves this fund).
#ifndef CERCLES_SERVICES_NETWORK_FEDERATION_CONTEXT_H_
#define CERCLES_SERVICES_NETWORK_FEDERATION_CONTEXT_H_

#include <set>
#include <string>

#include "absl/time/time.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "services/network/context.h"
#include "services/network/peer_sync.h"

namespace cercles::network {

struct FederationContext {
  NetworkContext network;
  PeerSync* sync = nullptr;
  std::set<std::string> trusted_services;
  cercles::membership::v1::PeopleService::StubInterface* people = nullptr;
  absl::Duration membership_timeout = absl::Seconds(5);
};

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_FEDERATION_CONTEXT_H_
