// The circles report (issue 15, item 5): every figure of GetCirclesReportResponse
// computed from rows the store reads in a fixed number of queries (definitions:
// proto/cercles/membership/v1/reports.proto). No gRPC, no SQL.
#ifndef CERCLES_SERVICES_MEMBERSHIP_CIRCLES_REPORT_RULES_H_
#define CERCLES_SERVICES_MEMBERSHIP_CIRCLES_REPORT_RULES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "cercles/membership/v1/reports.pb.h"
#include "common/api/date.h"

namespace cercles::membership {

// The longest range the report covers, in years (to_date before from_date + 30 years).
inline constexpr int kMaxCirclesReportYears = 30;
// The most circle rows a report returns (total_circle_count tells how many there were).
inline constexpr int kMaxCirclesReportRows = 1000;

// The request's range, or INVALID_ARGUMENT naming the field and its rule.
absl::StatusOr<api::ReportRange> CheckCirclesReportRequest(
    const cercles::membership::v1::GetCirclesReportRequest& request);

// What the store reads for a report whose range ends on `to` (every circle of the fund).
struct CirclesReportData {
  struct Circle {
    int64_t id = 0;
    std::string display_name;
    std::optional<int64_t> advisor_id;
  };
  // A status change up to the end of `to` (its circle's creation included).
  struct StatusChange {
    int64_t circle_id = 0;
    int64_t change_time_us = 0;
    cercles::membership::v1::CircleStatus status =
        cercles::membership::v1::CIRCLE_STATUS_UNSPECIFIED;
  };
  // One circle's meetings of one month of the range and their attendance entries.
  struct Month {
    int64_t circle_id = 0;
    absl::CivilMonth month;
    int64_t meetings = 0;
    int64_t expected = 0;
    int64_t attended = 0;  // present or late
  };
  struct MemberCount {
    int64_t circle_id = 0;
    int64_t members = 0;  // at the end of `to`
  };
  struct LastMeeting {
    int64_t circle_id = 0;
    absl::CivilDay day;  // the last one on or before `to`
  };
  std::vector<Circle> circles;
  std::vector<StatusChange> status_changes;
  std::vector<Month> months;
  std::vector<MemberCount> member_counts;
  std::vector<LastMeeting> last_meetings;
};

// The whole report. `visible`: nullopt when the caller sees every circle,
// otherwise the circles they may see (an advisor's). A circle counts when it
// had a status by the end of range.to; rows in any order.
cercles::membership::v1::GetCirclesReportResponse BuildCirclesReport(
    const api::ReportRange& range, const CirclesReportData& data,
    const std::optional<std::vector<int64_t>>& visible);

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_CIRCLES_REPORT_RULES_H_
