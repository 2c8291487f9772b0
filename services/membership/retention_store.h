// SQL of the retention schedule and its purge (issue 14, item 4): the
// schedule's one row (migration component "membership_privacy"), the records
// past retention of each kind, and what the purge does to the records that
// are not people (people are erased by PrivacyService::ErasePersonIn).
#ifndef CERCLES_SERVICES_MEMBERSHIP_RETENTION_STORE_H_
#define CERCLES_SERVICES_MEMBERSHIP_RETENTION_STORE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cercles/membership/v1/retention.pb.h"
#include "common/storage/database.h"

namespace cercles::membership {

// A record past retention: its id and resource name.
struct ExpiredRecord {
  int64_t id = 0;
  std::string name;
};

class RetentionStore {
 public:
  // The schedule in force: the stored one, else DefaultRetentionSchedule().
  absl::StatusOr<v1::RetentionSchedule> GetSchedule(storage::Transaction& tx) const;
  // Replaces it; stamps update_principal and update_time.
  absl::StatusOr<v1::RetentionSchedule> PutSchedule(storage::Transaction& tx,
                                                    v1::RetentionSchedule schedule,
                                                    const std::string& principal,
                                                    absl::Time now) const;

  // The records of `kind` whose purpose ended on `latest_start` or before
  // (RetentionKind's comments say when each one's purpose ends) and that the
  // purge has not purged yet, by id.
  absl::StatusOr<std::vector<ExpiredRecord>> Expired(storage::Transaction& tx,
                                                     v1::RetentionKind kind,
                                                     absl::CivilDay latest_start) const;
  // The people with an access request not yet done.
  absl::StatusOr<absl::flat_hash_set<int64_t>> PeopleWithOpenAccessRequests(
      storage::Transaction& tx) const;

  // The purge of a record that is not a person: a meeting's minutes,
  // attendance notes and follow-ups' text cleared; an access request or an
  // incident (with its revisions) deleted.
  absl::Status Purge(storage::Transaction& tx, v1::RetentionKind kind, int64_t id) const;

  // The tables the purge overwrites or deletes rows of (for
  // Database::ReclaimDeleted), besides an erasure's.
  static const std::vector<std::string>& Tables();
};

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_RETENTION_STORE_H_
