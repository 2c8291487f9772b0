// SQL for network's own copy of the directory of circles, built from the funds'
// events, with the edges each circle implies (its fund, its regions, the circles
// it was merged from).
#ifndef CERCLES_SERVICES_NETWORK_DIRECTORY_STORE_H_
#define CERCLES_SERVICES_NETWORK_DIRECTORY_STORE_H_

#include <optional>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "cercles/network/v1/network.pb.h"
#include "common/storage/database.h"
#include "services/network/directory_rules.h"
#include "services/network/graph_store.h"

namespace cercles::network {

// Every migration of network (event cursors, outbox, idempotency, its tables).
absl::Status MigrateNetwork(storage::Database& db);

class DirectoryStore {
 public:
  // Inserts or replaces a circle's summary, its characteristics and the edges
  // it implies.
  absl::Status Upsert(storage::Transaction& tx, const CircleKey& key,
                      const v1::NetworkCircle& summary, int64_t sequence) const;

  absl::StatusOr<std::optional<v1::NetworkCircle>> Get(storage::Transaction& tx,
                                                       const CircleKey& key) const;

  // Circles after `after` in (fund_id, circle_id) order matching the request's filters.
  absl::StatusOr<std::vector<v1::NetworkCircle>> List(storage::Transaction& tx,
                                                      const v1::ListNetworkCirclesRequest& filter,
                                                      const std::optional<CircleKey>& after,
                                                      int limit) const;

  // Circles of `fund_id` with a seat left that carry at least one of the
  // characteristics (kind, lower-cased value): what suggestions rank.
  absl::StatusOr<std::vector<v1::NetworkCircle>> CirclesWithRoomCarrying(
      storage::Transaction& tx, const std::string& fund_id,
      const std::vector<std::pair<cercles::membership::v1::CharacteristicKind, std::string>>&
          wanted) const;

 private:
  GraphStore graph_;
};

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_DIRECTORY_STORE_H_
