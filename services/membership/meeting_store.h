// SQL for meetings, schedules and attendance. Every function runs inside the
// caller's transaction, so a change, its event and its idempotency record
// commit together. Reads circles and circle_members; owns the tables of the
// "membership_meetings" migrations.
#ifndef CERCLES_SERVICES_MEMBERSHIP_MEETING_STORE_H_
#define CERCLES_SERVICES_MEMBERSHIP_MEETING_STORE_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cercles/membership/v1/meetings.pb.h"
#include "cercles/membership/v1/membership.pb.h"
#include "common/storage/database.h"
#include "services/membership/meeting_rules.h"

namespace cercles::membership {

// Where a page of ListMeetings (newest first) stopped: the last meeting returned.
struct MeetingListPosition {
  std::string day;  // "2024-03-05"
  int64_t meeting_id = 0;
};

// " AND (<day_column> < ? OR (<day_column> = ? AND <id_column> < ?))": the rows
// after `after` in a newest-first listing (meetings, a person's business history).
void AppendAfterPosition(const MeetingListPosition& after, const std::string& day_column,
                         const std::string& id_column, std::string* sql,
                         std::vector<storage::Value>* params);

class MeetingStore {
 public:
  // The circle's status, or nullopt when there is no such circle.
  absl::StatusOr<std::optional<cercles::membership::v1::CircleStatus>> CircleStatusOf(
      storage::Transaction& tx, int64_t circle_id) const;

  // The people who were members of the circle at some moment of [start, end):
  // joined before `end` and not left by `start`.
  absl::StatusOr<std::set<int64_t>> MembersDuring(storage::Transaction& tx, int64_t circle_id,
                                                  absl::Time start, absl::Time end) const;

  // Creates or replaces the circle's schedule (a draft from DraftSchedule) and
  // returns it as stored.
  absl::StatusOr<cercles::membership::v1::MeetingSchedule> PutSchedule(storage::Transaction& tx,
                                                                       const ScheduleDraft& draft,
                                                                       const std::string& principal,
                                                                       absl::Time now) const;
  absl::StatusOr<std::optional<cercles::membership::v1::MeetingSchedule>> GetSchedule(
      storage::Transaction& tx, int64_t circle_id) const;

  // The meeting the circle held that day, if any.
  absl::StatusOr<std::optional<int64_t>> MeetingOn(storage::Transaction& tx, int64_t circle_id,
                                                   absl::CivilDay day) const;
  // Stores a draft (see DraftMeeting), its follow-ups' outcomes in the
  // people's business history included, and returns the meeting with its name.
  absl::StatusOr<cercles::membership::v1::Meeting> InsertMeeting(storage::Transaction& tx,
                                                                 int64_t circle_id,
                                                                 const MeetingDraft& draft,
                                                                 const std::string& principal,
                                                                 absl::Time now) const;
  // The whole meeting, or nullopt when the circle has no such meeting.
  absl::StatusOr<std::optional<cercles::membership::v1::Meeting>> GetMeeting(
      storage::Transaction& tx, const MeetingKey& key) const;
  // The circle's meetings within `range`, newest first, after `after` when set,
  // at most `limit`. Without `full`, minutes and follow-ups are left out.
  absl::StatusOr<std::vector<cercles::membership::v1::Meeting>> ListMeetings(
      storage::Transaction& tx, int64_t circle_id, const DayRange& range,
      const std::optional<MeetingListPosition>& after, int limit, bool full) const;

  // Meetings held within `range`, and their attendance entries counted by
  // person and status.
  // The meetings whose attendance list holds person `person_id`, oldest first
  // (by day, then meeting).
  absl::StatusOr<std::vector<MeetingKey>> MeetingsAttendedBy(storage::Transaction& tx,
                                                             int64_t person_id) const;
  absl::StatusOr<int64_t> CountMeetings(storage::Transaction& tx, int64_t circle_id,
                                        const DayRange& range) const;
  absl::StatusOr<std::vector<AttendanceTally>> TallyAttendance(storage::Transaction& tx,
                                                               int64_t circle_id,
                                                               const DayRange& range) const;

 private:
  // Fills attendance and counts (and, when `full`, follow-ups) of meetings
  // already read with their names.
  absl::Status LoadDetails(storage::Transaction& tx,
                           std::vector<cercles::membership::v1::Meeting*>& meetings,
                           bool full) const;
};

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_MEETING_STORE_H_
