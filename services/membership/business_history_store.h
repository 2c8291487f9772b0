// SQL for a person's business history (issue 15, item 4): one row per business
// outcome recorded at a meeting's follow-up. Every function runs inside the
// caller's transaction: the rows are written by RecordMeeting's write, with the
// meeting, the person's business and the event. Owns business_history (the
// "membership_meetings" migrations); reads meetings for the principal and time.
#ifndef CERCLES_SERVICES_MEMBERSHIP_BUSINESS_HISTORY_STORE_H_
#define CERCLES_SERVICES_MEMBERSHIP_BUSINESS_HISTORY_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "cercles/membership/v1/meetings.pb.h"
#include "common/storage/database.h"
#include "services/membership/meeting_store.h"

namespace cercles::membership {

// The outcome columns of business_history, in the order OutcomeFromRow reads them.
inline constexpr char kOutcomeColumns[] =
    "stage, event, jobs_created_full_time, jobs_created_part_time, jobs_kept_full_time, "
    "jobs_kept_part_time, revenue_band";

// The outcome in kOutcomeColumns starting at column `first` of `row`.
cercles::membership::v1::BusinessOutcome OutcomeFromRow(const storage::Row& row, size_t first);

class BusinessHistoryStore {
 public:
  // Stores the outcome a meeting (`meeting_id`, held on `day`) recorded for a person.
  absl::Status Insert(storage::Transaction& tx, int64_t meeting_id, int64_t person_id,
                      absl::CivilDay day,
                      const cercles::membership::v1::BusinessOutcome& outcome) const;
  // True when no other outcome of the person is newer (a later day, or the
  // same day at a meeting recorded after) than the one of `meeting_id`.
  absl::StatusOr<bool> IsLatest(storage::Transaction& tx, int64_t person_id, absl::CivilDay day,
                                int64_t meeting_id) const;
  // The person's outcomes newest first (by day, then meeting), after `after`
  // when set, at most `limit`.
  absl::StatusOr<std::vector<cercles::membership::v1::BusinessHistoryEntry>> List(
      storage::Transaction& tx, int64_t person_id, const std::optional<MeetingListPosition>& after,
      int limit) const;
};

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_BUSINESS_HISTORY_STORE_H_
