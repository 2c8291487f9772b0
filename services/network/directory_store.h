// SQL for network's own copy of the directory, built from the funds' events.
#ifndef CERCLES_SERVICES_NETWORK_DIRECTORY_STORE_H_
#define CERCLES_SERVICES_NETWORK_DIRECTORY_STORE_H_

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "cercles/common/v1/event.pb.h"
#include "cercles/network/v1/network.pb.h"
#include "common/storage/database.h"
#include "services/network/directory_rules.h"

namespace cercles::network {

absl::Status MigrateNetwork(storage::Database& db);

class DirectoryStore {
 public:
  // Applies one event of a membership stream (inside the subscriber's
  // transaction). Events network does not use are ignored.
  absl::Status ApplyMembershipEvent(storage::Transaction& tx,
                                    const cercles::common::v1::Event& event) const;

  // Inserts or replaces a circle's summary.
  absl::Status Upsert(storage::Transaction& tx, const CircleKey& key,
                      const cercles::network::v1::NetworkCircle& summary, int64_t sequence) const;

  absl::StatusOr<std::optional<cercles::network::v1::NetworkCircle>> Get(
      storage::Transaction& tx, const CircleKey& key) const;

  // Circles after `after` in (fund_id, circle_id) order matching the request's filters.
  absl::StatusOr<std::vector<cercles::network::v1::NetworkCircle>> List(
      storage::Transaction& tx, const cercles::network::v1::ListNetworkCirclesRequest& filter,
      const std::optional<CircleKey>& after, int limit) const;
};

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_DIRECTORY_STORE_H_
