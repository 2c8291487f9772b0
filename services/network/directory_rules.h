// Rules of the network directory: what of a circle the network keeps (public
// summary only, never people), resource and node names, text checks and filter
// checks. No gRPC, no SQL.
#ifndef CERCLES_SERVICES_NETWORK_DIRECTORY_RULES_H_
#define CERCLES_SERVICES_NETWORK_DIRECTORY_RULES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cercles/membership/v1/membership.pb.h"
#include "cercles/network/v1/network.pb.h"

namespace cercles::network {

// The seed: circles of 4 to 7 members.
inline constexpr int kMaxCircleMembers = 7;

struct CircleKey {
  std::string fund_id;
  int64_t circle_id = 0;
};

// 1 to 63 characters of a-z, 0-9 and '-', starting with a letter.
bool ValidFundId(absl::string_view fund);
absl::Status CheckFundId(const std::string& fund_id, const std::string& field);

// "funds/{fund_id}/circles/{circle_id}".
std::string NetworkCircleName(const CircleKey& key);
absl::StatusOr<CircleKey> ParseNetworkCircleName(const std::string& name, const std::string& field);

// Other node names of the graph (see NodeKind in network.proto).
std::string FundNodeName(const std::string& fund_id);
std::string RegionNodeName(const std::string& fund_id, const std::string& region);
std::string PartnerNodeName(const std::string& fund_id, int64_t partner_id);
std::string NetworkPersonName(const std::string& fund_id, int64_t person_id);

// Lower-cases ASCII letters (the keys that filters match, "ignoring ASCII case").
std::string TextKey(absl::string_view text);

// Whether a circle in this status takes in new people.
bool AcceptsMembers(cercles::membership::v1::CircleStatus status);

// The directory entry for a circle reported by a fund's membership service. Only
// the public summary crosses: name, status, characteristics, size, region,
// lineage, advisor.
absl::StatusOr<cercles::network::v1::NetworkCircle> SummaryFromMembership(
    const cercles::membership::v1::Circle& circle, const std::string& fund_id, CircleKey* key_out);

// Checks ListNetworkCircles' filters.
absl::Status ValidateListFilter(const cercles::network::v1::ListNetworkCirclesRequest& request);

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_DIRECTORY_RULES_H_
