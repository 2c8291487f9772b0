// Rules of the network directory: what of a circle the network keeps (public
// summary only, never people), resource names, and filter checks. No gRPC, no SQL.
#ifndef CERCLES_SERVICES_NETWORK_DIRECTORY_RULES_H_
#define CERCLES_SERVICES_NETWORK_DIRECTORY_RULES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cercles/membership/v1/membership.pb.h"
#include "cercles/network/v1/network.pb.h"

namespace cercles::network {

struct CircleKey {
  std::string fund_id;
  int64_t circle_id = 0;
};

// "funds/{fund_id}/circles/{circle_id}".
std::string NetworkCircleName(const CircleKey& key);
absl::StatusOr<CircleKey> ParseNetworkCircleName(const std::string& name, const std::string& field);

// The directory entry for a circle reported by a fund's membership service. Only
// the public summary crosses: name, status, characteristics, size.
absl::StatusOr<cercles::network::v1::NetworkCircle> SummaryFromMembership(
    const cercles::membership::v1::Circle& circle, const std::string& fund_id, CircleKey* key_out);

// Checks ListNetworkCircles' filters.
absl::Status ValidateListFilter(const cercles::network::v1::ListNetworkCirclesRequest& request);

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_DIRECTORY_RULES_H_
