#include "services/membership/meeting_store.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "common/api/date.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "services/membership/business_history_store.h"
#include "services/membership/circle_rules.h"

namespace cercles::membership {

using cercles::membership::v1::Meeting;
using cercles::membership::v1::MeetingSchedule;

namespace {

// " AND <column> >= ? AND <column> <= ?" for the bounds that are set.
void AppendDayRange(const DayRange& range, const std::string& column, std::string* sql,
                    std::vector<storage::Value>* params) {
  if (range.first.has_value()) {
    absl::StrAppend(sql, " AND ", column, " >= ?");
    params->emplace_back(FormatDay(*range.first));
  }
  if (range.last.has_value()) {
    absl::StrAppend(sql, " AND ", column, " <= ?");
    params->emplace_back(FormatDay(*range.last));
  }
}

// "?, ?, ?" and the ids as parameters.
std::string IdList(const std::map<int64_t, Meeting*>& by_id, std::vector<storage::Value>* params) {
  for (const auto& entry : by_id) params->emplace_back(entry.first);
  return storage::Placeholders(by_id.size());
}

// Days are written by FormatDay, so they read back; a row that does not is
// shown as an unset date rather than failing the whole read.
cercles::common::v1::Date StoredDate(const std::string& text) {
  return api::ParseDate(text).value_or(cercles::common::v1::Date());
}

constexpr char kMeetingColumns[] = "id, circle_id, meeting_day, record_principal, create_time_us";

// Reads kMeetingColumns, then the minutes when present as column 5.
Meeting MeetingFromRow(const storage::Row& row) {
  Meeting meeting;
  meeting.set_name(MeetingName(row.Int(1), row.Int(0)));
  *meeting.mutable_meeting_date() = StoredDate(row.Text(2));
  meeting.set_record_principal(row.Text(3));
  SetTimestampMicros(row.Int(4), meeting.mutable_create_time());
  if (row.size() > 5) meeting.set_minutes(row.Text(5));
  return meeting;
}

MeetingSchedule ScheduleFromRow(int64_t circle_id, const storage::Row& row) {
  MeetingSchedule schedule;
  schedule.set_name(MeetingScheduleName(circle_id));
  schedule.set_frequency(static_cast<v1::MeetingFrequency>(row.Int(0)));
  *schedule.mutable_first_meeting_date() = StoredDate(row.Text(1));
  schedule.set_location(row.Text(2));
  schedule.set_notes(row.Text(3));
  schedule.set_update_principal(row.Text(4));
  SetTimestampMicros(row.Int(5), schedule.mutable_update_time());
  return schedule;
}

}  // namespace

void AppendAfterPosition(const MeetingListPosition& after, const std::string& day_column,
                         const std::string& id_column, std::string* sql,
                         std::vector<storage::Value>* params) {
  absl::StrAppend(sql, " AND (", day_column, " < ? OR (", day_column, " = ? AND ", id_column,
                  " < ?))");
  params->emplace_back(after.day);
  params->emplace_back(after.day);
  params->emplace_back(after.meeting_id);
}

absl::StatusOr<std::optional<v1::CircleStatus>> MeetingStore::CircleStatusOf(
    storage::Transaction& tx, int64_t circle_id) const {
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows,
                           tx.Query("SELECT status FROM circles WHERE id = ?", {circle_id}));
  if (rows.empty()) return std::optional<v1::CircleStatus>();
  return std::optional<v1::CircleStatus>(static_cast<v1::CircleStatus>(rows[0].Int(0)));
}

absl::StatusOr<std::set<int64_t>> MeetingStore::MembersDuring(storage::Transaction& tx,
                                                              int64_t circle_id, absl::Time start,
                                                              absl::Time end) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT DISTINCT person_id FROM circle_members WHERE circle_id = ? AND "
               "join_time_us < ? AND (leave_time_us IS NULL OR leave_time_us > ?)",
               {circle_id, ToMicros(end), ToMicros(start)}));
  std::set<int64_t> members;
  for (const storage::Row& row : rows) members.insert(row.Int(0));
  return members;
}

absl::StatusOr<MeetingSchedule> MeetingStore::PutSchedule(storage::Transaction& tx,
                                                          const ScheduleDraft& draft,
                                                          const std::string& principal,
                                                          absl::Time now) const {
  const int64_t now_us = ToMicros(now);
  const MeetingSchedule& schedule = draft.schedule;
  CERCLES_RETURN_IF_ERROR(
      tx.Exec("INSERT INTO meeting_schedules (circle_id, frequency, first_day, location, notes, "
              "update_principal, create_time_us, update_time_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
              "ON CONFLICT (circle_id) DO UPDATE SET frequency = excluded.frequency, "
              "first_day = excluded.first_day, location = excluded.location, "
              "notes = excluded.notes, update_principal = excluded.update_principal, "
              "update_time_us = excluded.update_time_us",
              {draft.circle_id, static_cast<int64_t>(schedule.frequency()),
               FormatDay(draft.first_meeting), schedule.location(), schedule.notes(), principal,
               now_us, now_us})
          .status());
  MeetingSchedule stored = schedule;
  stored.set_name(MeetingScheduleName(draft.circle_id));
  stored.set_update_principal(principal);
  SetTimestampMicros(now_us, stored.mutable_update_time());
  return stored;
}

absl::StatusOr<std::optional<MeetingSchedule>> MeetingStore::GetSchedule(storage::Transaction& tx,
                                                                         int64_t circle_id) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT frequency, first_day, location, notes, update_principal, update_time_us "
               "FROM meeting_schedules WHERE circle_id = ?",
               {circle_id}));
  if (rows.empty()) return std::optional<MeetingSchedule>();
  return std::optional<MeetingSchedule>(ScheduleFromRow(circle_id, rows[0]));
}

absl::StatusOr<std::optional<int64_t>> MeetingStore::MeetingOn(storage::Transaction& tx,
                                                               int64_t circle_id,
                                                               absl::CivilDay day) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT id FROM meetings WHERE circle_id = ? AND meeting_day = ?",
               {circle_id, FormatDay(day)}));
  if (rows.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(rows[0].Int(0));
}

absl::StatusOr<Meeting> MeetingStore::InsertMeeting(storage::Transaction& tx, int64_t circle_id,
                                                    const MeetingDraft& draft,
                                                    const std::string& principal,
                                                    absl::Time now) const {
  const int64_t now_us = ToMicros(now);
  const Meeting& meeting = draft.meeting;
  CERCLES_ASSIGN_OR_RETURN(
      const int64_t id,
      storage::InsertReturningId(
          tx,
          "INSERT INTO meetings (circle_id, meeting_day, minutes, record_principal, "
          "create_time_us) VALUES (?, ?, ?, ?, ?) RETURNING id",
          {circle_id, FormatDay(draft.day), meeting.minutes(), principal, now_us}, "meeting"));
  for (int i = 0; i < meeting.attendance_size(); ++i) {
    const v1::Attendance& entry = meeting.attendance(i);
    CERCLES_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO meeting_attendance (meeting_id, person_id, position, status, note) "
                "VALUES (?, ?, ?, ?, ?)",
                {id, draft.attendee_ids[static_cast<size_t>(i)], static_cast<int64_t>(i),
                 static_cast<int64_t>(entry.status()), entry.note()})
            .status());
  }
  for (int i = 0; i < meeting.follow_ups_size(); ++i) {
    const v1::BusinessFollowUp& entry = meeting.follow_ups(i);
    const int64_t person = draft.follow_up_ids[static_cast<size_t>(i)];
    CERCLES_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO meeting_follow_ups (meeting_id, person_id, position, progress, "
                "difficulties, help_details) VALUES (?, ?, ?, ?, ?, ?)",
                {id, person, static_cast<int64_t>(i), entry.progress(), entry.difficulties(),
                 entry.help_details()})
            .status());
    for (int kind : entry.help_offered()) {
      CERCLES_RETURN_IF_ERROR(
          tx.Exec("INSERT INTO meeting_help_offered (meeting_id, person_id, kind) VALUES (?, ?, ?)",
                  {id, person, static_cast<int64_t>(kind)})
              .status());
    }
    if (entry.has_outcome()) {
      CERCLES_RETURN_IF_ERROR(
          BusinessHistoryStore().Insert(tx, id, person, draft.day, entry.outcome()));
    }
  }
  Meeting stored = meeting;
  stored.set_name(MeetingName(circle_id, id));
  stored.set_record_principal(principal);
  SetTimestampMicros(now_us, stored.mutable_create_time());
  return stored;
}

absl::Status MeetingStore::LoadDetails(storage::Transaction& tx, std::vector<Meeting*>& meetings,
                                       bool full) const {
  if (meetings.empty()) return absl::OkStatus();
  std::map<int64_t, Meeting*> by_id;
  for (Meeting* m : meetings) {
    by_id[ParseMeetingName(m->name(), "name").value_or(MeetingKey{}).meeting_id] = m;
  }
  std::vector<storage::Value> params;
  const std::string ids = IdList(by_id, &params);
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows attendance,
      tx.Query(absl::StrCat("SELECT meeting_id, person_id, status, note FROM meeting_attendance "
                            "WHERE meeting_id IN (",
                            ids, ") ORDER BY meeting_id, position"),
               params));
  for (const storage::Row& row : attendance) {
    auto it = by_id.find(row.Int(0));
    if (it == by_id.end()) continue;
    v1::Attendance* entry = it->second->add_attendance();
    entry->set_person(PersonName(row.Int(1)));
    entry->set_status(static_cast<v1::AttendanceStatus>(row.Int(2)));
    entry->set_note(row.Text(3));
  }
  for (Meeting* m : meetings) *m->mutable_counts() = CountAttendance(m->attendance());
  if (!full) return absl::OkStatus();

  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows follow_ups,
      tx.Query(absl::StrCat("SELECT meeting_id, person_id, progress, difficulties, help_details "
                            "FROM meeting_follow_ups WHERE meeting_id IN (",
                            ids, ") ORDER BY meeting_id, position"),
               params));
  std::map<std::pair<int64_t, int64_t>, v1::BusinessFollowUp*> by_person;
  for (const storage::Row& row : follow_ups) {
    auto it = by_id.find(row.Int(0));
    if (it == by_id.end()) continue;
    v1::BusinessFollowUp* entry = it->second->add_follow_ups();
    entry->set_person(PersonName(row.Int(1)));
    entry->set_progress(row.Text(2));
    entry->set_difficulties(row.Text(3));
    entry->set_help_details(row.Text(4));
    by_person[{row.Int(0), row.Int(1)}] = entry;
  }
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows outcomes,
      tx.Query(absl::StrCat("SELECT meeting_id, person_id, ", kOutcomeColumns,
                            " FROM business_history WHERE meeting_id IN (", ids, ")"),
               params));
  for (const storage::Row& row : outcomes) {
    auto it = by_person.find({row.Int(0), row.Int(1)});
    if (it != by_person.end()) *it->second->mutable_outcome() = OutcomeFromRow(row, 2);
  }
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows kinds,
      tx.Query(absl::StrCat("SELECT meeting_id, person_id, kind FROM meeting_help_offered "
                            "WHERE meeting_id IN (",
                            ids, ") ORDER BY meeting_id, person_id, kind"),
               params));
  for (const storage::Row& row : kinds) {
    auto it = by_person.find({row.Int(0), row.Int(1)});
    if (it == by_person.end()) continue;
    it->second->add_help_offered(static_cast<v1::HelpKind>(row.Int(2)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Meeting>> MeetingStore::GetMeeting(storage::Transaction& tx,
                                                                const MeetingKey& key) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("SELECT ", kMeetingColumns,
                            ", minutes FROM meetings WHERE id = ? AND circle_id = ?"),
               {key.meeting_id, key.circle_id}));
  if (rows.empty()) return std::optional<Meeting>();
  Meeting meeting = MeetingFromRow(rows[0]);
  std::vector<Meeting*> one = {&meeting};
  CERCLES_RETURN_IF_ERROR(LoadDetails(tx, one, /*full=*/true));
  return std::optional<Meeting>(std::move(meeting));
}

absl::StatusOr<std::vector<Meeting>> MeetingStore::ListMeetings(
    storage::Transaction& tx, int64_t circle_id, const DayRange& range,
    const std::optional<MeetingListPosition>& after, int limit, bool full) const {
  std::string sql = absl::StrCat("SELECT ", kMeetingColumns, full ? ", minutes" : "",
                                 " FROM meetings WHERE circle_id = ?");
  std::vector<storage::Value> params = {circle_id};
  AppendDayRange(range, "meeting_day", &sql, &params);
  if (after.has_value()) AppendAfterPosition(*after, "meeting_day", "id", &sql, &params);
  sql += " ORDER BY meeting_day DESC, id DESC LIMIT ?";
  params.emplace_back(static_cast<int64_t>(limit));
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, tx.Query(sql, params));
  std::vector<Meeting> meetings;
  meetings.reserve(rows.size());
  for (const storage::Row& row : rows) meetings.push_back(MeetingFromRow(row));
  std::vector<Meeting*> pointers;
  for (Meeting& m : meetings) pointers.push_back(&m);
  CERCLES_RETURN_IF_ERROR(LoadDetails(tx, pointers, full));
  return meetings;
}

absl::StatusOr<std::vector<MeetingKey>> MeetingStore::MeetingsAttendedBy(storage::Transaction& tx,
                                                                         int64_t person_id) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT m.circle_id, m.id FROM meeting_attendance a JOIN meetings m ON m.id = "
               "a.meeting_id WHERE a.person_id = ? ORDER BY m.meeting_day, m.id",
               {person_id}));
  std::vector<MeetingKey> keys;
  for (const storage::Row& row : rows) keys.push_back({row.Int(0), row.Int(1)});
  return keys;
}

absl::StatusOr<int64_t> MeetingStore::CountMeetings(storage::Transaction& tx, int64_t circle_id,
                                                    const DayRange& range) const {
  std::string sql = "SELECT COUNT(*) FROM meetings WHERE circle_id = ?";
  std::vector<storage::Value> params = {circle_id};
  AppendDayRange(range, "meeting_day", &sql, &params);
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, tx.Query(sql, params));
  return rows.empty() ? 0 : rows[0].Int(0);
}

absl::StatusOr<std::vector<AttendanceTally>> MeetingStore::TallyAttendance(
    storage::Transaction& tx, int64_t circle_id, const DayRange& range) const {
  std::string sql =
      "SELECT a.person_id, a.status, COUNT(*) FROM meeting_attendance a JOIN meetings m ON "
      "m.id = a.meeting_id WHERE m.circle_id = ?";
  std::vector<storage::Value> params = {circle_id};
  AppendDayRange(range, "m.meeting_day", &sql, &params);
  sql += " GROUP BY a.person_id, a.status ORDER BY a.person_id, a.status";
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, tx.Query(sql, params));
  std::vector<AttendanceTally> tallies;
  tallies.reserve(rows.size());
  for (const storage::Row& row : rows) {
    tallies.push_back({row.Int(0), static_cast<v1::AttendanceStatus>(row.Int(1)), row.Int(2)});
  }
  return tallies;
}

}  // namespace cercles::membership
