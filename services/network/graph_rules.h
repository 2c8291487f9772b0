// Rules of the network graph: which requests are valid, the breadth-first walk
// of a neighbourhood (over any adjacency source), sister pairs. No gRPC, no SQL.
#ifndef CERCLES_SERVICES_NETWORK_GRAPH_RULES_H_
#define CERCLES_SERVICES_NETWORK_GRAPH_RULES_H_

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "cercles/network/v1/network.pb.h"
#include "services/network/directory_rules.h"

namespace cercles::network {

inline constexpr int kMaxNeighbourhoodDepth = 3;
inline constexpr int kDefaultMaxNodes = 100;
inline constexpr int kMaxMaxNodes = 1000;
inline constexpr size_t kMaxSisterNoteLength = 500;

struct NeighbourhoodQuery {
  CircleKey start;
  int depth = 1;
  // Sorted, distinct; every kind when the request named none.
  std::vector<v1::EdgeKind> kinds;
  int max_nodes = kDefaultMaxNodes;
  // Whole circle summaries on the nodes (NODE_VIEW_FULL).
  bool full_view = false;
};

// INVALID_ARGUMENT for a malformed circle, a depth outside 1..3, an unknown or
// repeated edge kind, max_nodes outside 0..1000, or an unknown view.
absl::StatusOr<NeighbourhoodQuery> ValidateNeighbourhoodRequest(
    const v1::GetCircleNeighbourhoodRequest& request);

// The distinct neighbours of the frontier's nodes, in name order, at most
// `limit` of them.
using FetchNeighbours = std::function<absl::StatusOr<std::vector<std::string>>(
    const std::vector<std::string>& frontier, int limit)>;

struct WalkedNode {
  std::string name;
  int distance = 0;
};

struct Walk {
  // The start first, then by distance and name.
  std::vector<WalkedNode> nodes;
  bool truncated = false;
};

// Breadth-first from `start` to `depth` hops, keeping at most `max_nodes`
// nodes, nearest first then by name. Asks `fetch` once per hop for just enough
// neighbours to know whether the cut was needed (hubs such as a fund's node are
// never read whole).
absl::StatusOr<Walk> WalkNeighbourhood(const std::string& start, int depth, int max_nodes,
                                       const FetchNeighbours& fetch);

// What a node name denotes, from its shape (NODE_KIND_UNSPECIFIED if none).
v1::NodeKind NodeKindOf(const std::string& name);

// The two circles of a sister link in canonical order (lower name first), or
// INVALID_ARGUMENT when both name the same circle.
absl::StatusOr<std::pair<CircleKey, CircleKey>> SisterPair(const CircleKey& circle,
                                                           const CircleKey& sister);

// Whether the directory's `circle` (nullopt: not in the directory), named
// `name`, may get a sister: NOT_FOUND when unknown, FAILED_PRECONDITION when it
// has ended (dissolved or merged).
absl::Status CheckSisterCandidate(const std::optional<v1::NetworkCircle>& circle,
                                  const std::string& name);

// ALREADY_EXISTS when `existing` (the stored link of circle_a and circle_b) is
// there: a pair is declared sisters once.
absl::Status CheckNotYetSisters(const std::optional<v1::SisterLink>& existing,
                                const std::string& circle_a, const std::string& circle_b);

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_GRAPH_RULES_H_
