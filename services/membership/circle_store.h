// SQL for circles. Every function runs inside the caller's transaction, so a
// change, its event and its idempotency record commit together.
#ifndef CERCLES_SERVICES_MEMBERSHIP_CIRCLE_STORE_H_
#define CERCLES_SERVICES_MEMBERSHIP_CIRCLE_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cercles/membership/v1/membership.pb.h"
#include "common/storage/database.h"

namespace cercles::membership {

struct CircleFilter {
  cercles::membership::v1::CircleStatus status = cercles::membership::v1::CIRCLE_STATUS_UNSPECIFIED;
  std::vector<cercles::membership::v1::Characteristic> characteristics;  // all must match
};

class CircleStore {
 public:
  explicit CircleStore(std::string fund_id) : fund_id_(std::move(fund_id)) {}

  // Stores a draft (see DraftNewCircle) and returns it with its name and times.
  absl::StatusOr<cercles::membership::v1::Circle> Insert(
      storage::Transaction& tx, const cercles::membership::v1::Circle& draft, absl::Time now) const;
  absl::StatusOr<std::optional<cercles::membership::v1::Circle>> Get(storage::Transaction& tx,
                                                                     int64_t id) const;
  // Circles with id > after_id matching the filter, in id order, at most limit.
  absl::StatusOr<std::vector<cercles::membership::v1::Circle>> List(storage::Transaction& tx,
                                                                    const CircleFilter& filter,
                                                                    int64_t after_id,
                                                                    int limit) const;

 private:
  absl::Status LoadCharacteristics(storage::Transaction& tx,
                                   std::vector<cercles::membership::v1::Circle*>& circles) const;
  const std::string fund_id_;
};

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_CIRCLE_STORE_H_
