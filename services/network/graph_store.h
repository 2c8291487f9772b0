// SQL of the graph's edges: every edge is two rows of network_adjacency, one
// from each end, so a node's neighbours are one index range. Also the sister
// links staff declare, and what the nodes of a walk are.
#ifndef CERCLES_SERVICES_NETWORK_GRAPH_STORE_H_
#define CERCLES_SERVICES_NETWORK_GRAPH_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cercles/network/v1/network.pb.h"
#include "common/storage/database.h"
#include "services/network/graph_rules.h"

namespace cercles::network {

// An edge as stored: its ends by name.
struct NamedEdge {
  std::string from;
  v1::EdgeKind kind = v1::EDGE_KIND_UNSPECIFIED;
  std::string to;
  int32_t weight = 0;
};

class GraphStore {
 public:
  // Adds the edge from -> to, or sets its weight if it exists.
  absl::Status PutEdge(storage::Transaction& tx, const std::string& from, v1::EdgeKind kind,
                       const std::string& to, int64_t weight) const;
  absl::Status RemoveEdge(storage::Transaction& tx, const std::string& from, v1::EdgeKind kind,
                          const std::string& to) const;
  // Removes every edge of these kinds that starts at `node`.
  absl::Status RemoveEdgesFrom(storage::Transaction& tx, const std::string& node,
                               const std::vector<v1::EdgeKind>& kinds) const;
  // Adds `delta` to the weight of from -> to (creating it at delta); removes the
  // edge when the weight falls to 0.
  absl::Status AddToEdge(storage::Transaction& tx, const std::string& from, v1::EdgeKind kind,
                         const std::string& to, int64_t delta) const;

  // The distinct neighbours of `frontier` over `kinds`, in name order, at most
  // `limit` (see FetchNeighbours).
  absl::StatusOr<std::vector<std::string>> Neighbours(storage::Transaction& tx,
                                                      const std::vector<std::string>& frontier,
                                                      const std::vector<v1::EdgeKind>& kinds,
                                                      int limit) const;
  // Every edge of `kinds` whose both ends are in `nodes`, by from, kind, to.
  absl::StatusOr<std::vector<NamedEdge>> EdgesAmong(storage::Transaction& tx,
                                                    const std::vector<std::string>& nodes,
                                                    const std::vector<v1::EdgeKind>& kinds) const;

  // The nodes of a walk as the API shows them: circles' names, status and size
  // (with `full`, their whole summaries), partner names and kinds, funds and
  // regions.
  absl::StatusOr<std::vector<v1::Node>> DescribeNodes(storage::Transaction& tx,
                                                      const std::vector<WalkedNode>& walked,
                                                      bool full) const;

  absl::StatusOr<std::optional<v1::SisterLink>> GetSister(storage::Transaction& tx,
                                                          const std::string& circle_a,
                                                          const std::string& circle_b) const;
  // Records the link and its edge (circle_a < circle_b).
  absl::Status InsertSister(storage::Transaction& tx, const v1::SisterLink& link,
                            int64_t declare_time_us) const;
  absl::Status DeleteSister(storage::Transaction& tx, const v1::SisterLink& link) const;
};

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_GRAPH_STORE_H_
