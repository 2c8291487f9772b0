#include "services/membership/circles_report_rules.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "services/membership/circle_rules.h"
#include "services/membership/meeting_rules.h"

namespace cercles::membership {

namespace {

// Meetings and attendance entries added up.
struct Tally {
  int64_t meetings = 0;
  int64_t expected = 0;
  int64_t attended = 0;
  void Add(const CirclesReportData::Month& m) {
    meetings += m.meetings;
    expected += m.expected;
    attended += m.attended;
  }
};

// Fills a row or month's meetings, entries and rate (unset when nothing was expected).
template <typename Figures>
void SetTally(const Tally& tally, Figures* figures) {
  figures->set_meetings_held(static_cast<int32_t>(tally.meetings));
  figures->set_attendance_expected(static_cast<int32_t>(tally.expected));
  figures->set_attendance_attended(static_cast<int32_t>(tally.attended));
  if (tally.expected > 0) {
    figures->set_attendance_rate_bps(RateBasisPoints(tally.attended, tally.expected));
  }
}

}  // namespace

absl::StatusOr<api::ReportRange> CheckCirclesReportRequest(
    const v1::GetCirclesReportRequest& request) {
  return api::CheckReportRange(request.has_from_date() ? &request.from_date() : nullptr,
                               request.has_to_date() ? &request.to_date() : nullptr,
                               kMaxCirclesReportYears);
}

v1::GetCirclesReportResponse BuildCirclesReport(
    const api::ReportRange& range, const CirclesReportData& data,
    const std::optional<std::vector<int64_t>>& visible) {
  v1::GetCirclesReportResponse report;
  *report.mutable_from_date() = api::DateFromDay(range.from);
  *report.mutable_to_date() = api::DateFromDay(range.to);
  std::set<int64_t> seen;
  if (visible.has_value()) seen.insert(visible->begin(), visible->end());
  auto counted = [&](int64_t circle_id) {
    return !visible.has_value() || seen.count(circle_id) > 0;
  };

  // The status at the end of the range: the latest change up to then.
  std::map<int64_t, std::pair<int64_t, v1::CircleStatus>> status_of;
  for (const CirclesReportData::StatusChange& change : data.status_changes) {
    auto it = status_of.find(change.circle_id);
    if (it == status_of.end() || change.change_time_us >= it->second.first) {
      status_of[change.circle_id] = {change.change_time_us, change.status};
    }
  }
  std::map<int64_t, int64_t> members;
  for (const CirclesReportData::MemberCount& m : data.member_counts)
    members[m.circle_id] += m.members;
  std::map<int64_t, absl::CivilDay> last_meeting;
  for (const CirclesReportData::LastMeeting& m : data.last_meetings) {
    auto it = last_meeting.find(m.circle_id);
    if (it == last_meeting.end() || it->second < m.day) last_meeting[m.circle_id] = m.day;
  }
  std::map<int64_t, Tally> by_circle;
  std::map<absl::CivilMonth, Tally> by_month;
  const absl::CivilMonth first_month(range.from), last_month(range.to);
  for (const CirclesReportData::Month& m : data.months) {
    if (!counted(m.circle_id) || status_of.count(m.circle_id) == 0) continue;
    if (m.month < first_month || m.month > last_month) continue;
    by_circle[m.circle_id].Add(m);
    by_month[m.month].Add(m);
  }

  std::vector<const CirclesReportData::Circle*> circles;
  std::map<v1::CircleStatus, int32_t> by_status;
  for (const CirclesReportData::Circle& circle : data.circles) {
    auto status = status_of.find(circle.id);
    if (!counted(circle.id) || status == status_of.end()) continue;
    circles.push_back(&circle);
    ++by_status[status->second.second];
  }
  for (const auto& entry : by_status) {
    v1::CirclesInStatus* row = report.add_by_status();
    row->set_status(entry.first);
    row->set_circle_count(entry.second);
  }
  std::sort(circles.begin(), circles.end(), [](const auto* a, const auto* b) {
    return std::tie(a->display_name, a->id) < std::tie(b->display_name, b->id);
  });
  report.set_total_circle_count(static_cast<int32_t>(circles.size()));
  if (circles.size() > static_cast<size_t>(kMaxCirclesReportRows))
    circles.resize(kMaxCirclesReportRows);
  for (const CirclesReportData::Circle* circle : circles) {
    v1::CircleReportRow* row = report.add_circles();
    row->set_circle(CircleName(circle->id));
    row->set_display_name(circle->display_name);
    row->set_status(status_of[circle->id].second);
    if (circle->advisor_id.has_value()) row->set_advisor(AdvisorName(*circle->advisor_id));
    row->set_member_count(static_cast<int32_t>(members[circle->id]));
    SetTally(by_circle[circle->id], row);
    auto last = last_meeting.find(circle->id);
    if (last != last_meeting.end() && last->second <= range.to) {
      row->set_days_since_last_meeting(static_cast<int32_t>(range.to - last->second));
    }
  }
  for (absl::CivilMonth month = first_month; month <= last_month; ++month) {
    v1::CirclesReportMonth* row = report.add_months();
    const absl::CivilDay start = std::max(absl::CivilDay(month), range.from);
    const absl::CivilDay end = std::min(absl::CivilDay(month + 1) - 1, range.to);
    *row->mutable_month_start() = api::DateFromDay(start);
    *row->mutable_month_end() = api::DateFromDay(end);
    SetTally(by_month[month], row);
  }
  return report;
}

}  // namespace cercles::membership
