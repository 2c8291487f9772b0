// Rows of people's access requests (migration component "membership_privacy",
// table access_requests): the request as a message, with the columns lists
// filter on (person, state, due day).
#ifndef CERCLES_SERVICES_MEMBERSHIP_ACCESS_REQUEST_STORE_H_
#define CERCLES_SERVICES_MEMBERSHIP_ACCESS_REQUEST_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cercles/membership/v1/privacy.pb.h"
#include "common/redaction/erasure.h"
#include "common/storage/database.h"

namespace cercles::membership {

// What ListAccessRequests selects; every member optional.
struct AccessRequestFilter {
  int64_t person_id = 0;                                                // 0: everyone
  v1::AccessRequestState state = v1::ACCESS_REQUEST_STATE_UNSPECIFIED;  // unspecified: all
  // Set: only open requests whose due day is before this day (overdue today).
  std::optional<absl::CivilDay> overdue_on;
};

class AccessRequestStore {
 public:
  // Records a normalised request (name, recorded_by and create_time set).
  absl::StatusOr<v1::AccessRequest> Insert(storage::Transaction& tx, v1::AccessRequest request,
                                           const std::string& principal, absl::Time now) const;
  // Access request `id`; nullopt when absent. `overdue` is not set here.
  absl::StatusOr<std::optional<v1::AccessRequest>> Get(storage::Transaction& tx, int64_t id) const;
  // Marks request `id` (`stored`, open) done with `completion` by `principal` at `now`.
  absl::StatusOr<v1::AccessRequest> Complete(storage::Transaction& tx, int64_t id,
                                             v1::AccessRequest stored,
                                             v1::AccessRequestCompletion completion,
                                             const std::string& principal, absl::Time now) const;
  // The erasure of `erasure`'s person in their requests: their sensitive fields
  // (the note, the completion's summary) cleared by redaction::ErasePersonFrom;
  // the dates, state and document digest stay (the fund answered them).
  absl::Status ErasePerson(storage::Transaction& tx, const redaction::PersonErasure& erasure) const;
  // The requests the filter selects with id > after_id, by id, at most `limit`.
  absl::StatusOr<std::vector<v1::AccessRequest>> List(storage::Transaction& tx,
                                                      const AccessRequestFilter& filter,
                                                      int64_t after_id, int limit) const;
};

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_ACCESS_REQUEST_STORE_H_
