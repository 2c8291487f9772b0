#include "services/network/graph_rules.h"

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/util/status_macros.h"

namespace cercles::network {

absl::StatusOr<NeighbourhoodQuery> ValidateNeighbourhoodRequest(
    const v1::GetCircleNeighbourhoodRequest& request) {
  NeighbourhoodQuery query;
  CERCLES_ASSIGN_OR_RETURN(query.start, ParseNetworkCircleName(request.circle(), "circle"));
  if (request.depth() < 1 || request.depth() > kMaxNeighbourhoodDepth) {
    return absl::InvalidArgumentError(absl::StrCat("depth must be 1 to ", kMaxNeighbourhoodDepth,
                                                   " hops, got ", request.depth()));
  }
  query.depth = request.depth();
  std::set<v1::EdgeKind> kinds;
  for (int i = 0; i < request.edge_kinds_size(); ++i) {
    const auto kind = static_cast<v1::EdgeKind>(request.edge_kinds(i));
    if (kind == v1::EDGE_KIND_UNSPECIFIED || !v1::EdgeKind_IsValid(kind)) {
      return absl::InvalidArgumentError(
          absl::StrCat("edge_kinds[", i, "] is not a known EdgeKind"));
    }
    if (!kinds.insert(kind).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("edge_kinds[", i, "] repeats ", v1::EdgeKind_Name(kind)));
    }
  }
  if (kinds.empty()) {
    for (int k = v1::EdgeKind_MIN; k <= v1::EdgeKind_MAX; ++k) {
      if (k != v1::EDGE_KIND_UNSPECIFIED && v1::EdgeKind_IsValid(k)) {
        kinds.insert(static_cast<v1::EdgeKind>(k));
      }
    }
  }
  query.kinds.assign(kinds.begin(), kinds.end());
  if (request.max_nodes() < 0 || request.max_nodes() > kMaxMaxNodes) {
    return absl::InvalidArgumentError(absl::StrCat("max_nodes must be 0 (meaning ",
                                                   kDefaultMaxNodes, ") to ", kMaxMaxNodes,
                                                   ", got ", request.max_nodes()));
  }
  query.max_nodes = request.max_nodes() == 0 ? kDefaultMaxNodes : request.max_nodes();
  if (!v1::NodeView_IsValid(request.view())) {
    return absl::InvalidArgumentError("view is not a known NodeView");
  }
  query.full_view = request.view() == v1::NODE_VIEW_FULL;
  return query;
}

absl::StatusOr<Walk> WalkNeighbourhood(const std::string& start, int depth, int max_nodes,
                                       const FetchNeighbours& fetch) {
  Walk walk;
  std::set<std::string> seen = {start};
  walk.nodes.push_back({start, 0});
  std::vector<std::string> frontier = {start};
  for (int distance = 1; distance <= depth && !frontier.empty(); ++distance) {
    const int room = max_nodes - static_cast<int>(walk.nodes.size());
    if (room <= 0) {
      // Full: the cut matters only if the frontier still leads somewhere new.
      CERCLES_ASSIGN_OR_RETURN(std::vector<std::string> next,
                               fetch(frontier, static_cast<int>(seen.size()) + 1));
      walk.truncated = std::any_of(next.begin(), next.end(),
                                   [&](const std::string& n) { return seen.count(n) == 0; });
      break;
    }
    // Up to |seen| of the neighbours may be known already: asking for room +
    // |seen| + 1 finds `room` new ones if they exist, and tells if there are more.
    CERCLES_ASSIGN_OR_RETURN(std::vector<std::string> next,
                             fetch(frontier, room + static_cast<int>(seen.size()) + 1));
    std::vector<std::string> fresh;
    for (std::string& n : next) {
      if (seen.count(n) == 0) fresh.push_back(std::move(n));
    }
    std::sort(fresh.begin(), fresh.end());
    if (static_cast<int>(fresh.size()) > room) {
      fresh.resize(room);
      walk.truncated = true;
    }
    for (const std::string& n : fresh) {
      seen.insert(n);
      walk.nodes.push_back({n, distance});
    }
    if (walk.truncated) break;
    frontier = std::move(fresh);
  }
  return walk;
}

v1::NodeKind NodeKindOf(const std::string& name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() < 2 || parts[0] != "funds" || !ValidFundId(parts[1])) {
    return v1::NODE_KIND_UNSPECIFIED;
  }
  if (parts.size() == 2) return v1::NODE_KIND_FUND;
  if (parts.size() != 4 || parts[3].empty()) return v1::NODE_KIND_UNSPECIFIED;
  if (parts[2] == "circles") return v1::NODE_KIND_CIRCLE;
  if (parts[2] == "regions") return v1::NODE_KIND_REGION;
  if (parts[2] == "partners") return v1::NODE_KIND_PARTNER;
  return v1::NODE_KIND_UNSPECIFIED;
}

absl::StatusOr<std::pair<CircleKey, CircleKey>> SisterPair(const CircleKey& circle,
                                                           const CircleKey& sister) {
  const std::string a = NetworkCircleName(circle), b = NetworkCircleName(sister);
  if (a == b) {
    return absl::InvalidArgumentError(
        absl::StrCat("sister must name another circle than circle (both are ", a, ")"));
  }
  if (a < b) return std::make_pair(circle, sister);
  return std::make_pair(sister, circle);
}

absl::Status CheckSisterCandidate(const std::optional<v1::NetworkCircle>& circle,
                                  const std::string& name) {
  namespace mv1 = cercles::membership::v1;
  if (!circle.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("circle \"", name, "\" is not in the network directory"));
  }
  if (circle->status() == mv1::CIRCLE_STATUS_DISSOLVED ||
      circle->status() == mv1::CIRCLE_STATUS_MERGED) {
    return absl::FailedPreconditionError(absl::StrCat(name, " is ",
                                                      mv1::CircleStatus_Name(circle->status()),
                                                      ": an ended circle cannot get a sister"));
  }
  return absl::OkStatus();
}

absl::Status CheckNotYetSisters(const std::optional<v1::SisterLink>& existing,
                                const std::string& circle_a, const std::string& circle_b) {
  if (!existing.has_value()) return absl::OkStatus();
  return absl::AlreadyExistsError(
      absl::StrCat(circle_a, " and ", circle_b, " are already sisters"));
}

}  // namespace cercles::network
