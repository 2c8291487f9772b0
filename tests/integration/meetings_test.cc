// Meetings end to end through the real membership process, on each storage
// engine: schedules, recorded meetings, attendance summaries, the rules that
// refuse a meeting (and leave nothing behind), who may act on which circle,
// and the events. Circle members and advisors are written straight into
// membership's database, as the migrations define them.
#include <google/protobuf/descriptor.h>
#include <grpcpp/impl/codegen/client_unary_call.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "cercles/membership/v1/meetings.grpc.pb.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "common/storage/database.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/meetings_fixture.h"
#include "tests/integration/suite.h"
#include "tests/support/status_matchers.h"

namespace cercles::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class MeetingsTest : public MeetingsFixture {};

TEST_P(MeetingsTest, RecordGetListAndSummariseAttendance) {
  const absl::CivilDay today = Today();
  const std::string circle = AddCircle("Les Entreprenantes", mv1::CIRCLE_STATUS_ACTIVE, bob_);
  for (int64_t person : {1, 2, 3}) AddMember(circle, person, today - 60);
  AddMember(circle, 4, today - 60, today - 20);  // left three weeks ago
  AddMember(circle, 5, today - 10);              // joined ten days ago

  // Four members on day -30; person 4 gets a follow-up needing a referral.
  mv1::Meeting first = MakeMeeting(today - 30, {{1, mv1::ATTENDANCE_STATUS_PRESENT},
                                                {2, mv1::ATTENDANCE_STATUS_LATE},
                                                {3, mv1::ATTENDANCE_STATUS_EXCUSED},
                                                {4, mv1::ATTENDANCE_STATUS_ABSENT}});
  mv1::BusinessFollowUp* follow_up = first.add_follow_ups();
  follow_up->set_person(Person(2));
  follow_up->set_progress("Premier contrat de traiteur signé");
  follow_up->set_difficulties("Trésorerie en hiver");
  follow_up->add_help_offered(mv1::HELP_KIND_REFERRAL_NEEDED);
  follow_up->add_help_offered(mv1::HELP_KIND_CONTACTS);
  follow_up->set_help_details("SAJE pour le plan de trésorerie");
  mv1::Meeting recorded;
  grpc::Status status = Record(advisor(), "m-1", circle, first, &recorded);
  ASSERT_TRUE(status.ok()) << status.error_message() << suite_->Log("membership");
  EXPECT_THAT(recorded.name(), HasSubstr(circle + "/meetings/"));
  EXPECT_EQ(recorded.record_principal(), "staff:bob");
  EXPECT_EQ(recorded.counts().expected(), 4);
  EXPECT_EQ(recorded.counts().attendance_rate_basis_points(), 5000);
  EXPECT_THAT(recorded.follow_ups(0).help_offered(),
              ElementsAre(mv1::HELP_KIND_CONTACTS, mv1::HELP_KIND_REFERRAL_NEEDED));

  // Day -15: person 4 has left, 5 has not joined yet. Day -5: 5 is a member.
  ASSERT_TRUE(Record(advisor(), "m-2", circle,
                     MakeMeeting(today - 15, {{1, mv1::ATTENDANCE_STATUS_PRESENT},
                                              {2, mv1::ATTENDANCE_STATUS_PRESENT},
                                              {3, mv1::ATTENDANCE_STATUS_ABSENT}}))
                  .ok());
  ASSERT_TRUE(Record(admin(), "m-3", circle,
                     MakeMeeting(today, {{1, mv1::ATTENDANCE_STATUS_PRESENT},
                                         {5, mv1::ATTENDANCE_STATUS_PRESENT},
                                         {2, mv1::ATTENDANCE_STATUS_PRESENT},
                                         {3, mv1::ATTENDANCE_STATUS_LATE}}))
                  .ok());

  mv1::GetMeetingRequest get;
  get.set_name(recorded.name());
  mv1::GetMeetingResponse got;
  ASSERT_TRUE(meetings_->GetMeeting(Context(advisor()).get(), get, &got).ok());
  EXPECT_EQ(got.meeting().SerializeAsString(), recorded.SerializeAsString())
      << got.meeting().DebugString();

  // Newest first, across pages of two; the basic view leaves the minutes out.
  std::vector<mv1::Meeting> listed = List(circle, 2);
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(Format(listed[0].meeting_date()), absl::FormatCivilTime(today));
  EXPECT_EQ(Format(listed[2].meeting_date()), absl::FormatCivilTime(today - 30));
  EXPECT_EQ(listed[2].name(), recorded.name());
  EXPECT_TRUE(listed[2].minutes().empty());
  EXPECT_EQ(listed[0].attendance(1).person(), Person(5));  // the order recorded
  std::vector<mv1::Meeting> full = List(circle, 50, mv1::MEETING_VIEW_FULL);
  ASSERT_EQ(full.size(), 3u);
  EXPECT_EQ(full[2].SerializeAsString(), recorded.SerializeAsString());

  mv1::ListMeetingsRequest ranged;
  ranged.set_parent(circle);
  *ranged.mutable_start_date() = ToDate(today - 20);
  *ranged.mutable_end_date() = ToDate(today - 1);
  mv1::ListMeetingsResponse in_range;
  ASSERT_TRUE(meetings_->ListMeetings(Context(advisor()).get(), ranged, &in_range).ok());
  ASSERT_EQ(in_range.meetings_size(), 1);
  EXPECT_EQ(Format(in_range.meetings(0).meeting_date()), absl::FormatCivilTime(today - 15));
  EXPECT_TRUE(in_range.next_page_token().empty());

  mv1::GetAttendanceSummaryRequest summary_request;
  summary_request.set_circle(circle);
  mv1::GetAttendanceSummaryResponse summary;
  ASSERT_TRUE(
      meetings_->GetAttendanceSummary(Context(advisor()).get(), summary_request, &summary).ok());
  EXPECT_EQ(summary.meeting_count(), 3);
  std::map<std::string, mv1::AttendanceCounts> by_person;
  for (const auto& m : summary.members()) by_person[m.person()] = m.counts();
  ASSERT_EQ(by_person.size(), 5u);
  // Expected = meetings held while a member.
  EXPECT_EQ(by_person[Person(1)].expected(), 3);
  EXPECT_EQ(by_person[Person(1)].attendance_rate_basis_points(), 10000);
  EXPECT_EQ(by_person[Person(2)].late(), 1);
  EXPECT_EQ(by_person[Person(2)].attendance_rate_basis_points(), 10000);
  EXPECT_EQ(by_person[Person(3)].expected(), 3);
  EXPECT_EQ(by_person[Person(3)].excused(), 1);
  EXPECT_EQ(by_person[Person(3)].absent(), 1);
  EXPECT_EQ(by_person[Person(3)].attendance_rate_basis_points(), 3333);
  EXPECT_EQ(by_person[Person(4)].expected(), 1);
  EXPECT_EQ(by_person[Person(4)].attendance_rate_basis_points(), 0);
  EXPECT_EQ(by_person[Person(5)].expected(), 1);
  EXPECT_EQ(summary.circle_counts().expected(), 11);
  EXPECT_EQ(summary.circle_counts().present(), 6);
  EXPECT_EQ(summary.circle_counts().late(), 2);
  EXPECT_EQ(summary.circle_counts().excused(), 1);
  EXPECT_EQ(summary.circle_counts().absent(), 2);
  EXPECT_EQ(summary.circle_counts().attendance_rate_basis_points(), 7273);  // 8 of 11

  *summary_request.mutable_start_date() = ToDate(today - 20);
  ASSERT_TRUE(
      meetings_->GetAttendanceSummary(Context(advisor()).get(), summary_request, &summary).ok());
  EXPECT_EQ(summary.meeting_count(), 2);
  EXPECT_EQ(summary.members_size(), 4);  // person 4 had left before
  EXPECT_EQ(summary.circle_counts().expected(), 7);

  // One MeetingRecorded event per meeting, about the meeting.
  std::vector<std::string> subjects;
  for (const auto& [type, subject] : Events()) {
    if (type == "cercles.membership.v1.MeetingRecorded") subjects.push_back(subject);
  }
  EXPECT_THAT(subjects, ElementsAre(recorded.name(), listed[1].name(), listed[0].name()));
}

TEST_P(MeetingsTest, ScheduleIsSetReplacedAndPlansTheNextDates) {
  const absl::CivilDay today = Today();
  const std::string circle = AddCircle("Cercle Rosemont", mv1::CIRCLE_STATUS_FORMING, bob_);

  mv1::GetMeetingScheduleRequest get;
  get.set_name(circle + "/meetingSchedule");
  mv1::GetMeetingScheduleResponse got;
  grpc::Status status = meetings_->GetMeetingSchedule(Context(advisor()).get(), get, &got);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("has no meeting schedule")));

  mv1::SetMeetingScheduleRequest set;
  set.set_request_id("schedule-1");
  set.mutable_schedule()->set_name(circle + "/meetingSchedule");
  set.mutable_schedule()->set_frequency(mv1::MEETING_FREQUENCY_WEEKLY);
  *set.mutable_schedule()->mutable_first_meeting_date() = ToDate(today - 14);
  set.mutable_schedule()->set_location("  Café de quartier ");
  mv1::SetMeetingScheduleResponse stored;
  status = meetings_->SetMeetingSchedule(Context(advisor()).get(), set, &stored);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(stored.schedule().location(), "Café de quartier");
  EXPECT_EQ(stored.schedule().update_principal(), "staff:bob");

  get.set_upcoming_count(3);
  ASSERT_TRUE(meetings_->GetMeetingSchedule(Context(advisor()).get(), get, &got).ok());
  EXPECT_EQ(got.schedule().SerializeAsString(), stored.schedule().SerializeAsString());
  ASSERT_EQ(got.upcoming_dates_size(), 3);
  EXPECT_EQ(Format(got.upcoming_dates(0)), absl::FormatCivilTime(today));
  EXPECT_EQ(Format(got.upcoming_dates(2)), absl::FormatCivilTime(today + 14));

  // Replaced: monthly from a future date on.
  set.set_request_id("schedule-2");
  set.mutable_schedule()->set_frequency(mv1::MEETING_FREQUENCY_MONTHLY);
  *set.mutable_schedule()->mutable_first_meeting_date() = ToDate(today + 40);
  ASSERT_TRUE(meetings_->SetMeetingSchedule(Context(admin()).get(), set, &stored).ok());
  get.set_upcoming_count(0);  // default: 4
  ASSERT_TRUE(meetings_->GetMeetingSchedule(Context(advisor()).get(), get, &got).ok());
  EXPECT_EQ(got.schedule().frequency(), mv1::MEETING_FREQUENCY_MONTHLY);
  EXPECT_EQ(got.schedule().update_principal(), "staff:alice");
  ASSERT_EQ(got.upcoming_dates_size(), 4);
  EXPECT_EQ(Format(got.upcoming_dates(0)), absl::FormatCivilTime(today + 40));

  std::vector<std::string> subjects;
  for (const auto& [type, subject] : Events()) {
    if (type == "cercles.membership.v1.MeetingScheduleSet") subjects.push_back(subject);
  }
  EXPECT_THAT(subjects, ElementsAre(circle + "/meetingSchedule", circle + "/meetingSchedule"));

  // A dissolved circle keeps its schedule, plans nothing and cannot change it.
  Exec("UPDATE circles SET status = ? WHERE id = ?",
       {static_cast<int64_t>(mv1::CIRCLE_STATUS_DISSOLVED),
        std::stoll(circle.substr(std::string("circles/").size()))});
  ASSERT_TRUE(meetings_->GetMeetingSchedule(Context(advisor()).get(), get, &got).ok());
  EXPECT_EQ(got.upcoming_dates_size(), 0);
  set.set_request_id("schedule-3");
  status = meetings_->SetMeetingSchedule(Context(advisor()).get(), set, &stored);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("is dissolved")));
  EXPECT_EQ(CountEvents("cercles.membership.v1.MeetingScheduleSet"), 2);
}

TEST_P(MeetingsTest, EveryBrokenRuleIsRefusedWithItsCodeAndChangesNothing) {
  const absl::CivilDay today = Today();
  const std::string circle = AddCircle("Cercle Verdun", mv1::CIRCLE_STATUS_UNDER_STRENGTH, bob_);
  for (int64_t person : {1, 2, 3}) AddMember(circle, person, today - 60);
  AddMember(circle, 9, today - 60, today - 20);
  const absl::CivilDay day = today - 7;
  const mv1::Meeting valid = MakeMeeting(day, {{1, mv1::ATTENDANCE_STATUS_PRESENT},
                                               {2, mv1::ATTENDANCE_STATUS_PRESENT},
                                               {3, mv1::ATTENDANCE_STATUS_ABSENT}});
  mv1::Meeting first;
  ASSERT_TRUE(Record(advisor(), "ok-1", circle, valid, &first).ok());

  struct Case {
    std::string label;
    std::string circle;
    mv1::Meeting meeting;
    std::string request_id;
    grpc::StatusCode code;
    std::string message;
  };
  std::vector<Case> cases;
  auto on = [&](absl::CivilDay d, mv1::Meeting m) {
    *m.mutable_meeting_date() = ToDate(d);
    return m;
  };
  {
    mv1::Meeting m = on(today - 6, valid);
    m.mutable_attendance(2)->set_person(Person(9));  // left twenty days ago
    cases.push_back(
        {"former member listed", circle, m, "bad-1", grpc::StatusCode::FAILED_PRECONDITION,
         absl::StrCat("people/9 (meeting.attendance[2]) was not a member of ", circle)});
  }
  {
    mv1::Meeting m = on(today - 6, valid);
    m.mutable_attendance()->RemoveLast();
    cases.push_back({"member missing", circle, m, "bad-2", grpc::StatusCode::INVALID_ARGUMENT,
                     "missing: people/3"});
  }
  {
    mv1::Meeting m = on(today - 6, valid);
    *m.add_attendance() = m.attendance(0);
    cases.push_back({"duplicate", circle, m, "bad-3", grpc::StatusCode::INVALID_ARGUMENT,
                     "meeting.attendance[3] lists people/1 a second time"});
  }
  {
    mv1::Meeting m = on(today - 6, valid);
    m.add_follow_ups()->set_person(Person(7));
    m.mutable_follow_ups(0)->set_progress("x");
    cases.push_back({"follow-up of a non-member", circle, m, "bad-4",
                     grpc::StatusCode::INVALID_ARGUMENT,
                     "meeting.follow_ups[0].person people/7 is not on meeting.attendance"});
  }
  cases.push_back({"future date", circle, on(today + 2, valid), "bad-5",
                   grpc::StatusCode::INVALID_ARGUMENT, "is after today"});
  {
    mv1::Meeting m = on(today - 6, valid);
    m.set_minutes(std::string(20001, 'x'));
    cases.push_back({"minutes too long", circle, m, "bad-6", grpc::StatusCode::INVALID_ARGUMENT,
                     "meeting.minutes must be at most 20000 characters"});
  }
  cases.push_back({"same day twice", circle, valid, "bad-7", grpc::StatusCode::ALREADY_EXISTS,
                   absl::StrCat(circle, " already has a meeting on ", absl::FormatCivilTime(day),
                                ": ", first.name())});
  cases.push_back({"request_id reused for another meeting", circle, on(today - 6, valid), "ok-1",
                   grpc::StatusCode::ALREADY_EXISTS, "request_id \"ok-1\" was already used"});
  cases.push_back({"no request_id", circle, on(today - 6, valid), "",
                   grpc::StatusCode::INVALID_ARGUMENT, "request_id"});
  cases.push_back({"malformed parent", "circle/1", on(today - 6, valid), "bad-8",
                   grpc::StatusCode::INVALID_ARGUMENT, "parent must be"});
  cases.push_back({"unknown circle", "circles/999999", on(today - 6, valid), "bad-9",
                   grpc::StatusCode::NOT_FOUND, "does not exist"});
  for (auto [status, label] : std::vector<std::pair<mv1::CircleStatus, std::string>>{
           {mv1::CIRCLE_STATUS_DISSOLVED, "is dissolved"},
           {mv1::CIRCLE_STATUS_MERGED, "is merged"},
           {mv1::CIRCLE_STATUS_SUSPENDED, "is suspended"}}) {
    const std::string closed = AddCircle("Cercle " + label, status, bob_);
    AddMember(closed, 1, today - 60);
    cases.push_back({label, closed, MakeMeeting(day, {{1, mv1::ATTENDANCE_STATUS_PRESENT}}),
                     "bad-closed-" + std::to_string(status), grpc::StatusCode::FAILED_PRECONDITION,
                     label});
  }

  const int events_before = static_cast<int>(Events().size());
  for (const Case& c : cases) {
    grpc::Status status = Record(advisor(), c.request_id, c.circle, c.meeting);
    EXPECT_THAT(status, StatusIs(c.code, HasSubstr(c.message)))
        << c.label << ": " << status.error_message();
  }

  // The retry of the first request returns its answer and records nothing new.
  // Like every other write, the answer says it is a replay.
  mv1::Meeting replayed;
  bool marked = false;
  ASSERT_TRUE(Record(advisor(), "ok-1", circle, valid, &replayed, &marked).ok());
  EXPECT_EQ(replayed.SerializeAsString(), first.SerializeAsString());
  EXPECT_TRUE(marked) << "a replayed RecordMeeting carries the cercles-replayed marker";

  std::vector<mv1::Meeting> meetings = List(circle);
  ASSERT_EQ(meetings.size(), 1u);
  EXPECT_EQ(meetings[0].name(), first.name());
  EXPECT_EQ(static_cast<int>(Events().size()), events_before);
  auto tx = db_->Begin(storage::TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto rows = (*tx)->Query("SELECT COUNT(*) FROM meeting_attendance");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ((*rows)[0].Int(0), 3);

  // Malformed reads name their field.
  mv1::GetMeetingRequest get;
  get.set_name(circle + "/meetings/abc");
  mv1::GetMeetingResponse got;
  grpc::Status status = meetings_->GetMeeting(Context(admin()).get(), get, &got);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("name must be \"circles/{id}/meetings/{id}\""));
  get.set_name(circle + "/meetings/999999");
  status = meetings_->GetMeeting(Context(admin()).get(), get, &got);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::NOT_FOUND));
  mv1::ListMeetingsRequest list;
  list.set_parent(circle);
  list.set_page_token("garbage");
  mv1::ListMeetingsResponse listed;
  status = meetings_->ListMeetings(Context(admin()).get(), list, &listed);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("page_token")));
  mv1::GetAttendanceSummaryRequest summary;
  summary.set_circle(circle);
  *summary.mutable_start_date() = ToDate(today);
  *summary.mutable_end_date() = ToDate(today - 1);
  mv1::GetAttendanceSummaryResponse summarised;
  status = meetings_->GetAttendanceSummary(Context(admin()).get(), summary, &summarised);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("is after end_date")));
}

TEST_P(MeetingsTest, AnAdvisorActsOnlyOnTheirOwnCircles) {
  const absl::CivilDay today = Today();
  const std::string mine = AddCircle("Cercle de Bob", mv1::CIRCLE_STATUS_ACTIVE, bob_);
  const std::string carols = AddCircle("Cercle de Carol", mv1::CIRCLE_STATUS_ACTIVE, carol_);
  const std::string unassigned =
      AddCircle("Cercle sans conseillère", mv1::CIRCLE_STATUS_ACTIVE, std::nullopt);
  for (const std::string& c : {mine, carols, unassigned}) AddMember(c, 1, today - 30);
  const mv1::Meeting meeting = MakeMeeting(today - 1, {{1, mv1::ATTENDANCE_STATUS_PRESENT}});
  mv1::Meeting carols_meeting;
  ASSERT_TRUE(Record(admin(), "admin-1", carols, meeting, &carols_meeting).ok());
  ASSERT_TRUE(Record(advisor(), "bob-1", mine, meeting).ok());

  for (const std::string& other : {carols, unassigned}) {
    const std::string id = other.substr(std::string("circles/").size());
    auto expect_denied = [&](const grpc::Status& status, const std::string& rpc) {
      EXPECT_THAT(status, StatusIs(grpc::StatusCode::PERMISSION_DENIED,
                                   HasSubstr("is not the advisor of " + other)))
          << rpc << " on " << other << ": " << status.error_message();
    };
    expect_denied(Record(advisor(), "bob-" + id, other, meeting), "RecordMeeting");
    mv1::ListMeetingsRequest list;
    list.set_parent(other);
    mv1::ListMeetingsResponse listed;
    expect_denied(meetings_->ListMeetings(Context(advisor()).get(), list, &listed), "ListMeetings");
    mv1::GetAttendanceSummaryRequest summary;
    summary.set_circle(other);
    mv1::GetAttendanceSummaryResponse summarised;
    expect_denied(meetings_->GetAttendanceSummary(Context(advisor()).get(), summary, &summarised),
                  "GetAttendanceSummary");
    mv1::SetMeetingScheduleRequest set;
    set.set_request_id("bob-schedule-" + id);
    set.mutable_schedule()->set_name(other + "/meetingSchedule");
    set.mutable_schedule()->set_frequency(mv1::MEETING_FREQUENCY_WEEKLY);
    *set.mutable_schedule()->mutable_first_meeting_date() = ToDate(today);
    mv1::SetMeetingScheduleResponse stored;
    expect_denied(meetings_->SetMeetingSchedule(Context(advisor()).get(), set, &stored),
                  "SetMeetingSchedule");
    mv1::GetMeetingScheduleRequest get_schedule;
    get_schedule.set_name(other + "/meetingSchedule");
    mv1::GetMeetingScheduleResponse schedule;
    expect_denied(meetings_->GetMeetingSchedule(Context(advisor()).get(), get_schedule, &schedule),
                  "GetMeetingSchedule");
  }
  mv1::GetMeetingRequest get;
  get.set_name(carols_meeting.name());
  mv1::GetMeetingResponse got;
  grpc::Status status = meetings_->GetMeeting(Context(advisor()).get(), get, &got);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::PERMISSION_DENIED));
  // Nothing was written by the refused calls.
  EXPECT_EQ(List(carols).size(), 1u);
  EXPECT_EQ(List(unassigned).size(), 0u);
  EXPECT_EQ(CountEvents("cercles.membership.v1.MeetingRecorded"), 2);
  EXPECT_EQ(CountEvents("cercles.membership.v1.MeetingScheduleSet"), 0);

  // No service identity reads meetings (none of their code needs them:
  // proto/access_matrix.tsv), nor records any; the minutes stay with the staff.
  auto as_lending = mv1::MeetingService::NewStub(suite_->CertChannel("membership", "lending"));
  EXPECT_THAT(as_lending->GetMeeting(Context("").get(), get, &got),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED, HasSubstr("service:lending")));
  mv1::GetMeetingResponse staff_view;
  ASSERT_TRUE(meetings_->GetMeeting(Context(admin()).get(), get, &staff_view).ok());
  EXPECT_EQ(staff_view.meeting().minutes(), "Tour de table.");
  status = Record("", "svc-1", carols, meeting);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::UNAUTHENTICATED));
  mv1::RecordMeetingRequest record;
  record.set_request_id("svc-2");
  record.set_parent(carols);
  *record.mutable_meeting() = meeting;
  mv1::RecordMeetingResponse response;
  status = as_lending->RecordMeeting(Context("").get(), record, &response);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::PERMISSION_DENIED, HasSubstr("service:lending")));
}

// Every RPC of MeetingService refuses a call without credentials, as a raw
// gRPC client would make it.
TEST_P(MeetingsTest, EveryRpcRefusesACallWithoutCredentials) {
  ASSERT_NE(mv1::Meeting::descriptor(), nullptr);  // links the generated descriptors in
  const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      mv1::MeetingService::service_full_name());
  ASSERT_NE(service, nullptr);
  auto channel = suite_->StaffChannel("membership");
  for (int i = 0; i < service->method_count(); ++i) {
    const std::string path =
        absl::StrCat("/", service->full_name(), "/", service->method(i)->name());
    grpc::Status status = CallWithEmptyRequest(channel.get(), path);
    EXPECT_THAT(status, StatusIs(grpc::StatusCode::UNAUTHENTICATED))
        << path << ": " << status.error_message();
  }
  EXPECT_EQ(service->method_count(), 8);  // GetCirclesReport since issue 15, item 5
}

INSTANTIATE_TEST_SUITE_P(Engines, MeetingsTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
