// The circles report (MeetingService.GetCirclesReport, issue 15, item 5) end to
// end through the real membership process on each storage engine: circles by
// status as of to_date, each circle's members, meetings, attendance and days
// since its last meeting, the range's months, an advisor's scope and the
// request's rules. Members, advisors and status changes are written straight
// into membership's database (meetings_fixture.h); meetings through the API.
#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "cercles/membership/v1/meetings.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/meetings_fixture.h"
#include "tests/support/process.h"
#include "tests/support/status_matchers.h"

namespace cercles::testing {
namespace {

using ::testing::HasSubstr;

class CirclesReportTest : public MeetingsFixture {
 protected:
  // The circle's status now, as an admin's change would record it.
  void SetStatus(const std::string& circle, mv1::CircleStatus status) {
    const int64_t id = std::stoll(circle.substr(std::string("circles/").size()));
    Exec("UPDATE circles SET status = ? WHERE id = ?", {static_cast<int64_t>(status), id});
    Exec(
        "INSERT INTO circle_status_history (circle_id, change_time_us, status, reason, actor) "
        "VALUES (?, ?, ?, 'test', 'staff:admin')",
        {id, absl::ToUnixMicros(absl::Now()), static_cast<int64_t>(status)});
  }

  void Meet(const std::string& circle, absl::CivilDay day,
            const std::vector<std::pair<int64_t, mv1::AttendanceStatus>>& who) {
    const std::string request_id =
        absl::StrCat("meet-", circle.substr(circle.find('/') + 1), "-", absl::FormatCivilTime(day));
    grpc::Status status = Record(admin(), request_id, circle, MakeMeeting(day, who));
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  mv1::GetCirclesReportRequest Request(absl::CivilDay from, absl::CivilDay to) {
    mv1::GetCirclesReportRequest request;
    *request.mutable_from_date() = ToDate(from);
    *request.mutable_to_date() = ToDate(to);
    return request;
  }
};

TEST_P(CirclesReportTest, FiguresOfEveryCircleAndMonthExactly) {
  const absl::CivilDay today = Today(), from = today - 60;
  // Atelier: bob's, 3 members from day -120, one who left on day -70, one who joined on day -10.
  const std::string atelier = AddCircle("Atelier Nord", mv1::CIRCLE_STATUS_FORMING, bob_);
  SetStatus(atelier, mv1::CIRCLE_STATUS_ACTIVE);
  for (int64_t person : {1, 2, 3}) AddMember(atelier, person, today - 120);
  AddMember(atelier, 9, today - 120, today - 70);
  AddMember(atelier, 4, today - 10);
  Meet(atelier, today - 50,
       {{1, mv1::ATTENDANCE_STATUS_PRESENT},
        {2, mv1::ATTENDANCE_STATUS_LATE},
        {3, mv1::ATTENDANCE_STATUS_ABSENT}});
  Meet(atelier, today - 5,
       {{1, mv1::ATTENDANCE_STATUS_PRESENT},
        {2, mv1::ATTENDANCE_STATUS_PRESENT},
        {3, mv1::ATTENDANCE_STATUS_EXCUSED},
        {4, mv1::ATTENDANCE_STATUS_PRESENT}});
  // Bouleau: no advisor, met only before the range.
  const std::string bouleau = AddCircle("Bouleau", mv1::CIRCLE_STATUS_FORMING, std::nullopt);
  SetStatus(bouleau, mv1::CIRCLE_STATUS_ACTIVE);
  for (int64_t person : {7, 8}) AddMember(bouleau, person, today - 120);
  Meet(bouleau, today - 100,
       {{7, mv1::ATTENDANCE_STATUS_PRESENT}, {8, mv1::ATTENDANCE_STATUS_PRESENT}});
  // Cèdre: carol's, met once, then suspended.
  const std::string cedre = AddCircle("Cèdre", mv1::CIRCLE_STATUS_FORMING, carol_);
  SetStatus(cedre, mv1::CIRCLE_STATUS_ACTIVE);
  for (int64_t person : {5, 6}) AddMember(cedre, person, today - 90);
  Meet(cedre, today - 40,
       {{5, mv1::ATTENDANCE_STATUS_PRESENT}, {6, mv1::ATTENDANCE_STATUS_ABSENT}});
  SetStatus(cedre, mv1::CIRCLE_STATUS_SUSPENDED);

  mv1::GetCirclesReportResponse report;
  ASSERT_THAT(meetings_->GetCirclesReport(Context(admin()).get(), Request(from, today), &report),
              IsOk());
  ASSERT_EQ(report.by_status_size(), 2);
  EXPECT_EQ(report.by_status(0).status(), mv1::CIRCLE_STATUS_ACTIVE);
  EXPECT_EQ(report.by_status(0).circle_count(), 2);
  EXPECT_EQ(report.by_status(1).status(), mv1::CIRCLE_STATUS_SUSPENDED);
  EXPECT_EQ(report.by_status(1).circle_count(), 1);
  EXPECT_EQ(report.total_circle_count(), 3);
  ASSERT_EQ(report.circles_size(), 3);
  const mv1::CircleReportRow& a = report.circles(0);
  EXPECT_EQ(a.circle(), atelier);
  EXPECT_EQ(a.advisor(), absl::StrCat("advisors/", bob_));
  EXPECT_EQ(a.member_count(), 4);
  EXPECT_EQ(a.meetings_held(), 2);
  EXPECT_EQ(a.attendance_expected(), 7);
  EXPECT_EQ(a.attendance_attended(), 5);
  EXPECT_EQ(a.attendance_rate_bps(), 7143);
  EXPECT_EQ(a.days_since_last_meeting(), 5);
  const mv1::CircleReportRow& b = report.circles(1);
  EXPECT_EQ(b.display_name(), "Bouleau");
  EXPECT_EQ(b.advisor(), "");
  EXPECT_EQ(b.member_count(), 2);
  EXPECT_EQ(b.meetings_held(), 0);
  EXPECT_FALSE(b.has_attendance_rate_bps());
  EXPECT_EQ(b.days_since_last_meeting(), 100);
  const mv1::CircleReportRow& c = report.circles(2);
  EXPECT_EQ(c.display_name(), "Cèdre");
  EXPECT_EQ(c.status(), mv1::CIRCLE_STATUS_SUSPENDED);
  EXPECT_EQ(c.attendance_rate_bps(), 5000);
  EXPECT_EQ(c.days_since_last_meeting(), 40);

  // Months: every calendar month from day -60 to today, each meeting in its own.
  std::map<absl::CivilMonth, std::tuple<int, int, int>> expected;  // meetings, expected, attended
  for (absl::CivilMonth m = absl::CivilMonth(from); m <= absl::CivilMonth(today); ++m) {
    expected[m] = {0, 0, 0};
  }
  for (const auto& meeting : std::vector<std::tuple<absl::CivilDay, int, int>>{
           {today - 50, 3, 2}, {today - 40, 2, 1}, {today - 5, 4, 3}}) {
    auto& [held, entries, attended] = expected[absl::CivilMonth(std::get<0>(meeting))];
    held += 1;
    entries += std::get<1>(meeting);
    attended += std::get<2>(meeting);
  }
  ASSERT_EQ(report.months_size(), static_cast<int>(expected.size()));
  int i = 0;
  for (const auto& entry : expected) {
    const mv1::CirclesReportMonth& month = report.months(i++);
    const absl::CivilDay start = std::max(absl::CivilDay(entry.first), from);
    EXPECT_EQ(Format(month.month_start()), absl::FormatCivilTime(start));
    EXPECT_EQ(month.meetings_held(), std::get<0>(entry.second)) << Format(month.month_start());
    EXPECT_EQ(month.attendance_expected(), std::get<1>(entry.second));
    EXPECT_EQ(month.attendance_attended(), std::get<2>(entry.second));
    EXPECT_EQ(month.has_attendance_rate_bps(), std::get<1>(entry.second) > 0);
  }
  EXPECT_EQ(Format(report.months(report.months_size() - 1).month_end()),
            absl::FormatCivilTime(today));

  // bob, an advisor, sees his circle only, in every part of the report.
  mv1::GetCirclesReportResponse bobs;
  ASSERT_THAT(meetings_->GetCirclesReport(Context(advisor()).get(), Request(from, today), &bobs),
              IsOk());
  ASSERT_EQ(bobs.circles_size(), 1);
  EXPECT_EQ(bobs.circles(0).circle(), atelier);
  ASSERT_EQ(bobs.by_status_size(), 1);
  EXPECT_EQ(bobs.by_status(0).circle_count(), 1);
  int bobs_meetings = 0;
  for (const mv1::CirclesReportMonth& month : bobs.months()) bobs_meetings += month.meetings_held();
  EXPECT_EQ(bobs_meetings, 2);

  // As of yesterday the circles, all created today, did not exist yet.
  mv1::GetCirclesReportResponse before;
  ASSERT_THAT(
      meetings_->GetCirclesReport(Context(admin()).get(), Request(from, today - 1), &before),
      IsOk());
  EXPECT_EQ(before.total_circle_count(), 0);
  EXPECT_EQ(before.by_status_size(), 0);
}

TEST_P(CirclesReportTest, RequestRulesNameTheirField) {
  const absl::CivilDay today = Today();
  mv1::GetCirclesReportResponse response;
  mv1::GetCirclesReportRequest missing = Request(today - 10, today);
  missing.clear_to_date();
  EXPECT_THAT(meetings_->GetCirclesReport(Context(admin()).get(), missing, &response),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, "to_date is required"));
  EXPECT_THAT(
      meetings_->GetCirclesReport(Context(admin()).get(), Request(today, today - 1), &response),
      StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("to_date must be on or after")));
  EXPECT_THAT(meetings_->GetCirclesReport(Context(admin()).get(), Request(today - 365 * 31, today),
                                          &response),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("less than 30 years")));
}

// `cerclesctl report circles` against the real membership, lending unreachable:
// it says so on stderr and in the page, and writes the membership part.
TEST_P(CirclesReportTest, CerclesctlWritesTheMembershipPartWhenLendingCannotBeReached) {
  const absl::CivilDay today = Today();
  const std::string circle = AddCircle("Atelier Sud", mv1::CIRCLE_STATUS_FORMING, bob_);
  SetStatus(circle, mv1::CIRCLE_STATUS_ACTIVE);
  for (int64_t person : {1, 2}) AddMember(circle, person, today - 30);
  Meet(circle, today - 3,
       {{1, mv1::ATTENDANCE_STATUS_PRESENT}, {2, mv1::ATTENDANCE_STATUS_ABSENT}});
  const std::vector<std::string> args = {"report",
                                         "circles",
                                         "--from",
                                         absl::FormatCivilTime(today - 40),
                                         "--to",
                                         absl::FormatCivilTime(today),
                                         "--lending-address",
                                         absl::StrCat("127.0.0.1:", FreePort())};
  std::vector<std::string> csv_args = args;
  csv_args.insert(csv_args.end(), {"--format", "csv", "--lang", "en"});
  CtlResult csv = RunCerclesctl(*suite_, "membership", admin(), csv_args, work_dir());
  EXPECT_EQ(csv.code, 0) << csv.err;
  EXPECT_THAT(csv.err, HasSubstr("could not give the arrears"));
  EXPECT_THAT(csv.out,
              HasSubstr(absl::StrCat("Atelier Sud,", circle, ",CIRCLE_STATUS_ACTIVE,advisors/",
                                     bob_, ",2,1,0.5,3,,,,")));
  const std::string page = work_dir() + "/circles-fr.html";
  std::vector<std::string> html_args = args;
  html_args.insert(html_args.end(), {"--format", "html", "--lang", "fr", "--out", page});
  CtlResult html = RunCerclesctl(*suite_, "membership", admin(), html_args, work_dir());
  ASSERT_EQ(html.code, 0) << html.err;
  std::ifstream file(page);
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_THAT(text, HasSubstr("Rapport des cercles"));
  EXPECT_THAT(text, HasSubstr("Le service de prêt n&#39;a pas pu être joint"));
  EXPECT_THAT(text, HasSubstr("data-chart=\"attendance\""));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("data-chart=\"arrears\"")));
  CtlResult table =
      RunCerclesctl(*suite_, "membership", admin(),
                    {"report", "circles", "--from", absl::FormatCivilTime(today - 40), "--to",
                     absl::FormatCivilTime(today), "--no-arrears", "--lang", "en"},
                    work_dir());
  EXPECT_EQ(table.code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("50%"));
  EXPECT_THAT(table.err, ::testing::Not(HasSubstr("arrears")));
}

INSTANTIATE_TEST_SUITE_P(Engines, CirclesReportTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
