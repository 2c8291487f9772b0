#include "services/membership/circles_report_store.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/util/clock.h"
#include "common/util/status_macros.h"
#include "services/membership/meeting_rules.h"

namespace cercles::membership {

namespace {

// "2024-03" of a meeting_day column ("2024-03-05"): substr works alike in SQLite and PostgreSQL.
constexpr char kMonthOf[] = "substr(m.meeting_day, 1, 7)";

absl::CivilMonth ParseMonth(const std::string& text) {
  absl::CivilMonth month;
  absl::ParseCivilTime(text, &month);
  return month;
}

}  // namespace

absl::StatusOr<CirclesReportData> ReadCirclesReportData(storage::Transaction& tx,
                                                        const api::ReportRange& range) {
  CirclesReportData data;
  const int64_t end_us = ToMicros(absl::FromCivil(range.to + 1, absl::UTCTimeZone()));
  const std::string from = FormatDay(range.from), to = FormatDay(range.to);

  CERCLES_ASSIGN_OR_RETURN(storage::Rows circles,
                           tx.Query("SELECT id, display_name, advisor_id FROM circles", {}));
  for (const storage::Row& row : circles) {
    CirclesReportData::Circle circle{row.Int(0), row.Text(1), std::nullopt};
    if (!row.IsNull(2)) circle.advisor_id = row.Int(2);
    data.circles.push_back(std::move(circle));
  }
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows changes,
      tx.Query("SELECT circle_id, change_time_us, status FROM circle_status_history "
               "WHERE change_time_us < ? ORDER BY circle_id, change_time_us",
               {end_us}));
  for (const storage::Row& row : changes) {
    data.status_changes.push_back(
        {row.Int(0), row.Int(1), static_cast<v1::CircleStatus>(row.Int(2))});
  }
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows members,
      tx.Query("SELECT circle_id, COUNT(*) FROM circle_members WHERE join_time_us < ? AND "
               "(leave_time_us IS NULL OR leave_time_us >= ?) GROUP BY circle_id",
               {end_us, end_us}));
  for (const storage::Row& row : members) data.member_counts.push_back({row.Int(0), row.Int(1)});

  // Meetings and attendance entries by circle and month, merged into one row each.
  std::map<std::pair<int64_t, std::string>, CirclesReportData::Month> months;
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows meetings,
      tx.Query(absl::StrCat("SELECT m.circle_id, ", kMonthOf,
                            ", COUNT(*) FROM meetings m WHERE m.meeting_day >= ? AND "
                            "m.meeting_day <= ? GROUP BY m.circle_id, ",
                            kMonthOf),
               {from, to}));
  for (const storage::Row& row : meetings) {
    CirclesReportData::Month& month = months[{row.Int(0), row.Text(1)}];
    month.meetings = row.Int(2);
  }
  // Attendance entries by circle, month and status; which statuses count as
  // attended is meeting_rules' CountsAsAttended.
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows entries,
      tx.Query(absl::StrCat("SELECT m.circle_id, ", kMonthOf,
                            ", a.status, COUNT(*) FROM meeting_attendance a JOIN meetings m ON "
                            "m.id = a.meeting_id WHERE m.meeting_day >= ? AND m.meeting_day <= ? "
                            "GROUP BY m.circle_id, ",
                            kMonthOf, ", a.status"),
               {from, to}));
  for (const storage::Row& row : entries) {
    CirclesReportData::Month& month = months[{row.Int(0), row.Text(1)}];
    month.expected += row.Int(3);
    if (CountsAsAttended(static_cast<v1::AttendanceStatus>(row.Int(2)))) {
      month.attended += row.Int(3);
    }
  }
  for (auto& entry : months) {
    entry.second.circle_id = entry.first.first;
    entry.second.month = ParseMonth(entry.first.second);
    data.months.push_back(entry.second);
  }
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows last,
      tx.Query("SELECT circle_id, MAX(meeting_day) FROM meetings WHERE meeting_day <= ? "
               "GROUP BY circle_id",
               {to}));
  for (const storage::Row& row : last) {
    absl::CivilDay day;
    if (absl::ParseCivilTime(row.Text(1), &day)) data.last_meetings.push_back({row.Int(0), day});
  }
  return data;
}

}  // namespace cercles::membership
