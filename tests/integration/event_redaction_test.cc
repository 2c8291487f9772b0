// What membership's event stream gives the network service, through the real
// processes: a circle that meets at a member's home, with minutes, attendance
// notes, follow-ups and a member's reason for joining. Read as network (its mTLS
// certificate), the stream never carries any of that text nor any field marked
// sensitive, while an admin still reads all of it from the MeetingService.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "cercles/common/v1/options.pb.h"
#include "cercles/membership/v1/events.pb.h"
#include "cercles/membership/v1/meetings.grpc.pb.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "cercles/membership/v1/people_events.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/membership_fixtures.h"
#include "tests/integration/suite.h"
#include "tests/support/message_filler.h"

namespace cercles::testing {
namespace {

namespace mv1 = cercles::membership::v1;
using ::testing::Contains;
using ::testing::IsEmpty;

constexpr char kLocation[] = "12 rue Beaubien, appartement 3, chez Amina";
constexpr char kScheduleNotes[] = "19 h; Amina garde ses enfants, sonner deux fois";
constexpr char kMinutes[] = "Amina annonce sa séparation; le cercle reporte sa part";
constexpr char kAttendanceNote[] = "Béa à l'hôpital";
constexpr char kProgress[] = "Premier contrat de traiteur signé";
constexpr char kDifficulties[] = "Dettes de carte de crédit, huissier en janvier";
constexpr char kHelpDetails[] = "Orientée vers l'ACEF pour son budget";
constexpr char kJoinReason[] = "Sortie d'un refuge, orientée par le CLSC";

absl::CivilDay Today() { return absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()); }

cercles::common::v1::Date ToDate(absl::CivilDay day) {
  cercles::common::v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

bool IsSensitive(const google::protobuf::FieldDescriptor* field) {
  return field->options().GetExtension(cercles::common::v1::sensitive);
}

class EventRedactionTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    if (GetParam() == Engine::kPostgres && PostgresBaseUrlFromEnv().empty()) {
      GTEST_SKIP() << "CERCLES_TEST_POSTGRES_URL is not set (scripts/test sets it)";
    }
    Suite::Options options;
    options.engine = GetParam();
    options.with_redis = false;
    suite_ = std::make_unique<Suite>(options);
    absl::Status started = suite_->Start();
    ASSERT_TRUE(started.ok()) << started;
    membership_ = mv1::MembershipService::NewStub(suite_->StaffChannel("membership"));
    meetings_ = mv1::MeetingService::NewStub(suite_->StaffChannel("membership"));
    people_ = mv1::PeopleService::NewStub(suite_->StaffChannel("membership"));
    trainings_ = mv1::TrainingService::NewStub(suite_->StaffChannel("membership"));
  }

  const std::string& admin() const { return TestCredentials().admin_token; }

  // Every event of membership's outbox, read with the network's certificate.
  std::vector<cercles::common::v1::Event> EventsAsNetwork() {
    auto as_network = mv1::MembershipService::NewStub(suite_->CertChannel("membership", "network"));
    auto context = Context("", absl::Seconds(2));
    auto reader = as_network->WatchEvents(context.get(), mv1::WatchEventsRequest());
    std::vector<cercles::common::v1::Event> events;
    mv1::WatchEventsResponse response;
    while (reader->Read(&response)) events.push_back(response.event());
    grpc::Status end = reader->Finish();
    EXPECT_EQ(end.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << end.error_message();
    return events;
  }

  std::unique_ptr<Suite> suite_;
  std::unique_ptr<mv1::MembershipService::Stub> membership_;
  std::unique_ptr<mv1::MeetingService::Stub> meetings_;
  std::unique_ptr<mv1::PeopleService::Stub> people_;
  std::unique_ptr<mv1::TrainingService::Stub> trainings_;
};

TEST_P(EventRedactionTest, NetworkNeverReadsALocationMinutesOrNotesOnMembershipsStream) {
  const absl::CivilDay today = Today();
  // A trained cohort, a circle, two members who joined through the API.
  mv1::CreateTrainingRequest training;
  training.set_request_id("training-1");
  training.mutable_training()->set_display_name("Démarrer son entreprise");
  *training.mutable_training()->mutable_start_date() = ToDate(today - 90);
  *training.mutable_training()->mutable_end_date() = ToDate(today - 60);
  mv1::CreateTrainingResponse created_training;
  grpc::Status status =
      trainings_->CreateTraining(Context(admin()).get(), training, &created_training);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<std::string> people;
  for (const char* given : {"Amina", "Bea"}) {
    people.push_back(CreatePersonInTraining(*people_, *trainings_, admin(),
                                            created_training.training().name(), ToDate(today - 60),
                                            {given, mv1::LANGUAGE_FR, "food"}));
  }
  mv1::CreateCircleRequest create;
  create.set_request_id("circle-1");
  create.mutable_circle()->set_display_name("Les Entreprenantes");
  mv1::CreateCircleResponse circle;
  status = membership_->CreateCircle(Context(admin()).get(), create, &circle);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const std::string circle_name = circle.circle().name();
  for (size_t i = 0; i < people.size(); ++i) {
    mv1::AddCircleMemberRequest add;
    add.set_request_id(absl::StrCat("add-", i));
    add.set_circle(circle_name);
    add.set_person(people[i]);
    add.set_reason(kJoinReason);
    mv1::AddCircleMemberResponse added;
    status = membership_->AddCircleMember(Context(admin()).get(), add, &added);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // Where and when it meets, and a meeting with everything a circle says.
  mv1::SetMeetingScheduleRequest set;
  set.set_request_id("schedule-1");
  set.mutable_schedule()->set_name(circle_name + "/meetingSchedule");
  set.mutable_schedule()->set_frequency(mv1::MEETING_FREQUENCY_MONTHLY);
  *set.mutable_schedule()->mutable_first_meeting_date() = ToDate(today);
  set.mutable_schedule()->set_location(kLocation);
  set.mutable_schedule()->set_notes(kScheduleNotes);
  mv1::SetMeetingScheduleResponse schedule;
  status = meetings_->SetMeetingSchedule(Context(admin()).get(), set, &schedule);
  ASSERT_TRUE(status.ok()) << status.error_message();

  mv1::RecordMeetingRequest record;
  record.set_request_id("meeting-1");
  record.set_parent(circle_name);
  mv1::Meeting* meeting = record.mutable_meeting();
  *meeting->mutable_meeting_date() = ToDate(today);
  meeting->set_minutes(kMinutes);
  mv1::Attendance* present = meeting->add_attendance();
  present->set_person(people[0]);
  present->set_status(mv1::ATTENDANCE_STATUS_PRESENT);
  mv1::Attendance* excused = meeting->add_attendance();
  excused->set_person(people[1]);
  excused->set_status(mv1::ATTENDANCE_STATUS_EXCUSED);
  excused->set_note(kAttendanceNote);
  mv1::BusinessFollowUp* follow_up = meeting->add_follow_ups();
  follow_up->set_person(people[0]);
  follow_up->set_progress(kProgress);
  follow_up->set_difficulties(kDifficulties);
  follow_up->add_help_offered(mv1::HELP_KIND_REFERRAL_NEEDED);
  follow_up->set_help_details(kHelpDetails);
  mv1::RecordMeetingResponse recorded;
  status = meetings_->RecordMeeting(Context(admin()).get(), record, &recorded);
  ASSERT_TRUE(status.ok()) << status.error_message() << suite_->Log("membership");

  // The payload types of membership's events, linked in so that the generated
  // pool can parse each event by its type name.
  for (const google::protobuf::Descriptor* linked :
       {mv1::CircleCreated::descriptor(), mv1::PersonCreated::descriptor(),
        mv1::MeetingRecorded::descriptor()}) {
    ASSERT_NE(linked, nullptr);
  }
  const std::vector<cercles::common::v1::Event> events = EventsAsNetwork();
  std::vector<std::string> types;
  for (const auto& event : events) types.push_back(event.type());
  ASSERT_THAT(types, Contains("cercles.membership.v1.MeetingScheduleSet"));
  ASSERT_THAT(types, Contains("cercles.membership.v1.MeetingRecorded"));
  ASSERT_THAT(types, Contains("cercles.membership.v1.CircleMemberAdded"));

  for (const auto& event : events) {
    SCOPED_TRACE(event.type());
    // Not one of the texts, anywhere in the bytes the network receives...
    for (const char* secret : {kLocation, kScheduleNotes, kMinutes, kAttendanceNote, kProgress,
                               kDifficulties, kHelpDetails, kJoinReason}) {
      EXPECT_FALSE(absl::StrContains(event.payload().value(), secret)) << secret;
    }
    // ...and no sensitive field set at any depth.
    const google::protobuf::Descriptor* type =
        google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(event.type());
    ASSERT_NE(type, nullptr) << "link its generated code in: reference it above";
    std::unique_ptr<google::protobuf::Message> payload(
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
    ASSERT_TRUE(payload->ParseFromString(event.payload().value()));
    EXPECT_THAT(SetFieldsWhere(*payload, IsSensitive), IsEmpty());

    // What the network needs is still there.
    if (event.type() == "cercles.membership.v1.MeetingScheduleSet") {
      mv1::MeetingScheduleSet set_event;
      ASSERT_TRUE(event.payload().UnpackTo(&set_event));
      EXPECT_EQ(set_event.schedule().name(), circle_name + "/meetingSchedule");
      EXPECT_EQ(set_event.schedule().frequency(), mv1::MEETING_FREQUENCY_MONTHLY);
      EXPECT_EQ(set_event.schedule().location(), "");
      EXPECT_EQ(set_event.schedule().notes(), "");
    }
    if (event.type() == "cercles.membership.v1.MeetingRecorded") {
      mv1::MeetingRecorded recorded_event;
      ASSERT_TRUE(event.payload().UnpackTo(&recorded_event));
      EXPECT_EQ(recorded_event.meeting(), recorded.meeting().name());
      ASSERT_EQ(recorded_event.attendance_size(), 2);
      EXPECT_EQ(recorded_event.attendance(1).status(), mv1::ATTENDANCE_STATUS_EXCUSED);
      EXPECT_EQ(recorded_event.attendance(1).note(), "");
      EXPECT_THAT(recorded_event.people_needing_referral(), Contains(people[0]));
    }
    if (event.type() == "cercles.membership.v1.CircleMemberAdded") {
      mv1::CircleMemberAdded added;
      ASSERT_TRUE(event.payload().UnpackTo(&added));
      EXPECT_THAT(people, Contains(added.member().person()));
      EXPECT_EQ(added.member().circle(), circle_name);
      EXPECT_EQ(added.member().join_reason(), "");
    }
  }

  // Staff still read everything from the service that owns it.
  mv1::GetMeetingScheduleRequest get_schedule;
  get_schedule.set_name(circle_name + "/meetingSchedule");
  mv1::GetMeetingScheduleResponse got_schedule;
  ASSERT_TRUE(
      meetings_->GetMeetingSchedule(Context(admin()).get(), get_schedule, &got_schedule).ok());
  EXPECT_EQ(got_schedule.schedule().location(), kLocation);
  EXPECT_EQ(got_schedule.schedule().notes(), kScheduleNotes);
  mv1::GetMeetingRequest get_meeting;
  get_meeting.set_name(recorded.meeting().name());
  mv1::GetMeetingResponse got_meeting;
  ASSERT_TRUE(meetings_->GetMeeting(Context(admin()).get(), get_meeting, &got_meeting).ok());
  EXPECT_EQ(got_meeting.meeting().minutes(), kMinutes);
  ASSERT_EQ(got_meeting.meeting().follow_ups_size(), 1);
  EXPECT_EQ(got_meeting.meeting().follow_ups(0).difficulties(), kDifficulties);
  EXPECT_EQ(got_meeting.meeting().follow_ups(0).help_details(), kHelpDetails);
  EXPECT_EQ(got_meeting.meeting().attendance(1).note(), kAttendanceNote);
}

INSTANTIATE_TEST_SUITE_P(Engines, EventRedactionTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const auto& info) { return EngineName(info.param); });

}  // namespace
}  // namespace cercles::testing
